import type { Dispatcher } from 'undici';
import { Deadline } from './deadline';
import { InvokerError } from './errors';
import { selectNetwork, type NetworkRoute } from './network';
import type { SystemProxySettings } from './proxyRoute';
import { GRANT_TYPE_LABELS, PROPERTY_LABELS, type InvokerProperties } from '../shared/properties';
import { validateProperties } from '../shared/validation';
import { logRequest, logResponse, type ExchangeLog } from './exchangeLog';
import { createRedactor, propertySecrets, type Redactor } from './redact';
import { addParameters, authenticateClient, baseHeaders, formBuilder, type TokenRequest } from './tokenRequest';
import { send, type RawResponse } from './transport';

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
 * Builds the device authorization request: a POST of `client_id` (or the client's credentials as for the token
 * endpoint), `scope` when given and the invoker's authorization parameters, to the device authorization endpoint.
 * @see https://www.rfc-editor.org/rfc/rfc8628#section-3.1
 */
export function buildDeviceAuthorizationRequest(properties: InvokerProperties): TokenRequest {
  const { add, body } = formBuilder();
  const scope = properties.scope?.trim();
  if (scope !== undefined && scope !== '') {
    add('scope', scope);
  }
  addParameters(add, properties.authorizationParameters);
  const headers = baseHeaders();
  const authentication = authenticateClient(properties, properties.basicEncoding === 'raw' ? 'raw' : 'rfc6749', add, headers);
  return { url: (properties.deviceAuthorizationEndpointUrl ?? '').trim(), headers, body: body(), ...authentication };
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

function httpsOrLoopback(value: string): boolean {
  try {
    const url = new URL(value);
    return url.protocol === 'https:' || (url.protocol === 'http:' && /^(127\.\d+\.\d+\.\d+|localhost|\[::1\])$/i.test(url.hostname));
  } catch {
    return false;
  }
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
  if (!httpsOrLoopback(verificationUri as string)) {
    throw invalid(`"verification_uri" is not an https:// URL: ${redact(verificationUri as string).slice(0, 200)}.`);
  }
  const complete = text(fields.verification_uri_complete);
  return {
    deviceCode: deviceCode as string,
    userCode: userCode as string,
    verificationUri: verificationUri as string,
    ...(complete !== undefined && httpsOrLoopback(complete) ? { verificationUriComplete: complete } : {}),
    expiresInSeconds: expiresInSeconds as number,
    intervalSeconds: seconds(fields.interval) ?? DEFAULT_DEVICE_INTERVAL_SECONDS,
  };
}

export interface DeviceAuthorizationOptions {
  readonly signal?: AbortSignal;
  /** Default 30 s. */
  readonly timeoutMs?: number;
  readonly dispatcher?: Dispatcher;
  readonly systemProxy?: SystemProxySettings;
  readonly maxResponseBytes?: number;
  readonly log?: ExchangeLog;
}

/**
 * Starts a device sign-in: validates the properties, sends the device authorization request over the invoker's
 * proxy and TLS settings and returns the user code and where to enter it. Every failure is an InvokerError (code 4).
 * @see https://www.rfc-editor.org/rfc/rfc8628#section-3.1
 */
export async function requestDeviceAuthorization(properties: InvokerProperties, options: DeviceAuthorizationOptions = {}): Promise<DeviceAuthorization> {
  const issues = validateProperties({ ...properties, grantType: 'device_code' });
  if (issues.length > 0) {
    throw new InvokerError(`The invoker's properties are not valid: ${issues.map((i) => i.message).join(' ')}`, { kind: 'invalid-properties', issues });
  }
  if (options.signal?.aborted === true) {
    throw new InvokerError(`The ${GRANT_TYPE_LABELS.device_code} request was cancelled before it was sent.`, { kind: 'aborted' });
  }
  const request = buildDeviceAuthorizationRequest(properties);
  let route: NetworkRoute | undefined;
  let redactor: Redactor | undefined;
  const redact: Redactor = (line) => (redactor ??= createRedactor([...propertySecrets(properties), ...(route?.secrets ?? [])]))(line);
  const deadline = new Deadline(options.timeoutMs ?? 30_000, options.signal);
  const where = `"${PROPERTY_LABELS.deviceAuthorizationEndpointUrl}" ${request.url}`;
  try {
    if (options.dispatcher === undefined) {
      const selected = selectNetwork(request.url, properties, options.systemProxy);
      route = selected instanceof Promise ? await selected : selected;
    }
    if (options.log !== undefined) {
      logRequest(options.log, request, redact, 'device authorization');
    }
    const started = Date.now();
    const raw = await send(request, {
      deadline,
      dispatcher: options.dispatcher ?? route?.dispatcher,
      maxResponseBytes: options.maxResponseBytes,
      network: route?.description,
      redact,
    });
    if (options.log !== undefined) {
      logResponse(options.log, raw, Date.now() - started, redact);
    }
    return parseDeviceAuthorizationResponse(raw, redact);
  } catch (error) {
    const stopped = deadline.failure(error, `The device authorization request to ${where}`);
    if (stopped !== undefined) {
      throw stopped;
    }
    if (error instanceof InvokerError) {
      options.log?.('warn', redact(error.message));
      throw error;
    }
    throw new InvokerError(`The device authorization request to ${where} failed unexpectedly: ${redact(String(error))}`, { kind: 'network' });
  } finally {
    deadline.dispose();
  }
}
