import { toolboxBasicVariant } from '../clientAuth/basicMemory';
import { invalidProperties } from '../model/invalidProperties';
import { callEndpoint } from '../toolbox/endpointCall';
import { InvokerError } from '../model/errors';
import type { ExchangeOptions } from '../net/exchange';
import { PROPERTY_LABELS, type InvokerProperties } from '../../shared/properties';
import { openableUrl } from '../../shared/safeUrl';
import { validateProperties } from '../../shared/validation';
import type { Redactor } from '../secrets/redact';
import type { RawResponse } from '../net/transport';

/** RFC 8628 §3.5: the polling interval when the server names none. */
export const DEFAULT_DEVICE_INTERVAL_SECONDS = 5;

/** What the device authorization endpoint answered: what to show the user, and what to poll with. */
export interface DeviceAuthorization {
  /** A secret: only the token request sends it. */
  readonly deviceCode: string;
  /** Shown to the user, who types it on the verification page. */
  readonly userCode: string;
  readonly verificationUri: string;
  /** The verification page with the user code in it, when the server gives one. */
  readonly verificationUriComplete?: string;
  readonly expiresInSeconds: number;
  readonly intervalSeconds: number;
}

/**
 * The device authorization request's form: `scope` when given and the invoker's authorization parameters; the client
 * authentication (`client_id` at least) is added as for the token endpoint.
 * @see https://www.rfc-editor.org/rfc/rfc8628#section-3.1
 */
export function deviceAuthorizationParameters(properties: InvokerProperties): Array<readonly [string, string]> {
  return [
    ['scope', properties.scope?.trim() ?? ''],
    ...(properties.authorizationParameters ?? []).filter(({ name }) => name.trim() !== '').map(({ name, value }) => [name.trim(), value] as const),
  ];
}

function fieldsOf(raw: RawResponse): Record<string, unknown> | undefined {
  const text = raw.body.replace(/^\uFEFF/, '').trim();
  if (text.startsWith('{')) {
    try {
      const value: unknown = JSON.parse(text);
      return value !== null && typeof value === 'object' && !Array.isArray(value) ? (value as Record<string, unknown>) : undefined;
    } catch {
      return undefined;
    }
  }
  // GitHub answers form-encoded unless asked for JSON; read it all the same.
  if (/^[\w.~%+-]+=/.test(text)) {
    return Object.fromEntries(new URLSearchParams(text));
  }
  return undefined;
}

function seconds(value: unknown): number | undefined {
  const n = typeof value === 'number' ? value : typeof value === 'string' && /^\s*\d+\s*$/.test(value) ? Number(value) : NaN;
  return Number.isFinite(n) && n > 0 ? n : undefined;
}

function text(value: unknown): string | undefined {
  return typeof value === 'string' && value !== '' ? value : undefined;
}

/**
 * Reads the device authorization endpoint's answer: `device_code`, `user_code`, `verification_uri` (Google's
 * `verification_url` too), `verification_uri_complete`, `expires_in`, `interval` (5 s when absent). An OAuth error
 * or a non-2xx answer is `server-rejected`; a 2xx answer without those fields is `invalid-response`.
 * @see https://www.rfc-editor.org/rfc/rfc8628#section-3.2
 */
export function parseDeviceAuthorizationResponse(raw: RawResponse, redact: Redactor): DeviceAuthorization {
  const fields = fieldsOf(raw);
  const error = text(fields?.error);
  if (raw.status < 200 || raw.status >= 300 || error !== undefined) {
    const description = text(fields?.error_description);
    const safeError = error !== undefined ? redact(error).slice(0, 200) : undefined;
    const safeDescription = description !== undefined ? redact(description).slice(0, 1000) : undefined;
    throw new InvokerError(
      `The device authorization endpoint refused the request (${raw.status}${safeError !== undefined ? `, ${safeError}` : ''})${safeDescription !== undefined ? `: ${safeDescription}` : '.'}`,
      {
        kind: 'server-rejected',
        status: raw.status,
        ...(safeError !== undefined ? { error: safeError } : {}),
        ...(safeDescription !== undefined ? { errorDescription: safeDescription } : {}),
      },
    );
  }
  const invalid = (problem: string): InvokerError =>
    new InvokerError(`The device authorization endpoint answered ${raw.status} but ${problem}`, { kind: 'invalid-response', status: raw.status });
  if (fields === undefined) {
    throw invalid('its body is not a JSON object.');
  }
  const deviceCode = text(fields.device_code);
  const userCode = text(fields.user_code);
  const verificationUri = text(fields.verification_uri) ?? text(fields.verification_url);
  const expiresInSeconds = seconds(fields.expires_in);
  for (const [name, value] of [
    ['device_code', deviceCode],
    ['user_code', userCode],
    ['verification_uri', verificationUri],
    ['expires_in', expiresInSeconds],
  ] as const) {
    if (value === undefined) {
      throw invalid(`"${name}" is missing or not ${name === 'expires_in' ? 'a positive number' : 'a non-empty string'}.`);
    }
  }
  // The person is sent there: the rule for every address the extension opens (https://, or http:// to this machine).
  const page = openableUrl(verificationUri as string);
  if (!page.ok) {
    throw invalid(`"verification_uri" ${page.reason}.`);
  }
  const complete = text(fields.verification_uri_complete);
  return {
    deviceCode: deviceCode as string,
    userCode: userCode as string,
    verificationUri: verificationUri as string,
    ...(complete !== undefined && openableUrl(complete).ok ? { verificationUriComplete: complete } : {}),
    expiresInSeconds: expiresInSeconds as number,
    intervalSeconds: seconds(fields.interval) ?? DEFAULT_DEVICE_INTERVAL_SECONDS,
  };
}

/** Options of the device authorization request: those of every exchange with the authorization server. */
export type DeviceAuthorizationOptions = ExchangeOptions;

/**
 * Starts a device sign-in: validates the properties, sends the device authorization request over the invoker's
 * proxy and TLS settings, the client authenticated by any method as at the token endpoint (an assertion's audience
 * is the device authorization endpoint; a mutual-TLS client presents its certificate), and returns the user code
 * and where to enter it. Every failure is an InvokerError (code 4).
 * @see https://www.rfc-editor.org/rfc/rfc8628#section-3.1
 */
export async function requestDeviceAuthorization(properties: InvokerProperties, options: DeviceAuthorizationOptions = {}): Promise<DeviceAuthorization> {
  const issues = validateProperties({ ...properties, grantType: 'device_code' });
  if (issues.length > 0) {
    throw invalidProperties(issues);
  }
  const url = (properties.deviceAuthorizationEndpointUrl ?? '').trim();
  const target = {
    what: 'the device authorization request',
    url,
    where: `"${PROPERTY_LABELS.deviceAuthorizationEndpointUrl}" ${url}`,
    logAs: 'device authorization',
    redirectField: 'deviceAuthorizationEndpointUrl',
  } as const;
  // The Basic form the token request of this client learnt the server takes (RFC 6749 form-encoded, or raw).
  return callEndpoint(
    properties,
    target,
    deviceAuthorizationParameters(properties),
    { ...options, basicVariant: toolboxBasicVariant(properties) },
    (raw, { redact }) => parseDeviceAuthorizationResponse(raw, redact),
  );
}
