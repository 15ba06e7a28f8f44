import type { LookupFunction } from 'node:net';
import type { Dispatcher } from 'undici';
import type { BasicVariant } from './djMessage';
import { Deadline } from './deadline';
import { InvokerError } from './errors';
import { selectNetwork, type NetworkRoute } from './network';
import type { SystemProxySettings } from './proxyRoute';
import { PROPERTY_LABELS, type InvokerProperties, type PropertyIssue, type ToolboxEndpoint } from '../shared/properties';
import { isLoopbackHost, validateToolboxEndpoint, validateNetworkProperties } from '../shared/validation';
import { logRequest, logResponse } from './exchangeLog';
import { createRedactor, propertySecrets, redactError, type Redactor } from './redact';
import type { TokenRequest } from './tokenRequest';
import type { ResponseContext } from './tokenResponse';
import { send, type RawResponse } from './transport';

/** Which token a toolbox request is about: sent as `token_type_hint` (RFC 7662 §2.1, RFC 7009 §2.1). */
export type TokenTypeHint = 'access_token' | 'refresh_token';

/** Options of Introspect and Revoke: as for execute(), less the target message's default. */
export interface EndpointCallOptions {
  readonly signal?: AbortSignal;
  /** Default 30 s. */
  readonly timeoutMs?: number;
  /** Tests: undici's MockAgent; the network properties are then not applied. */
  readonly dispatcher?: Dispatcher;
  readonly systemProxy?: SystemProxySettings;
  readonly maxResponseBytes?: number;
  readonly log?: (level: 'info' | 'warn', line: string) => void;
  readonly lookup?: LookupFunction;
  /** The Basic form to send (execute() remembers which one the server took); default RFC 6749's. */
  readonly basicVariant?: BasicVariant;
  readonly now?: () => number;
}

const DEFAULT_TIMEOUT_MS = 30_000;

/** What one toolbox operation is: its endpoint property, its name in sentences, and its RFC's metadata field. */
export interface EndpointOperation {
  readonly endpoint: ToolboxEndpoint;
  /** "the introspection request" */
  readonly what: string;
  /** `introspection_endpoint` */
  readonly metadataField: string;
}

function refuse(issues: PropertyIssue[]): never {
  throw new InvokerError(`The invoker's properties are not valid: ${issues.map((issue) => issue.message).join(' ')}`, { kind: 'invalid-properties', issues });
}

/**
 * The endpoint URL of the operation, or an InvokerError (code 4) naming the property to fix: an endpoint the
 * server does not have (not discovered, not entered), a URL that does not parse, or plain http:// off loopback.
 */
export function endpointOf(properties: InvokerProperties, operation: EndpointOperation): string {
  const field = operation.endpoint;
  const value = (properties[field] ?? '').trim();
  const label = PROPERTY_LABELS[field];
  if (value === '') {
    refuse([
      {
        field,
        code: 'required',
        message: `"${label}" is not set: the server's metadata names no "${operation.metadataField}" (it may not offer it). Enter the endpoint in "${label}", or run Discover.`,
      },
    ]);
  }
  const issues = [...validateToolboxEndpoint(field, value), ...validateNetworkProperties(properties)];
  if (issues.length > 0) {
    refuse(issues);
  }
  const url = new URL(value);
  if (url.protocol === 'http:' && !isLoopbackHost(url.hostname) && properties.allowInsecureHttp !== true) {
    throw new InvokerError(
      `"${label}" uses plain http:// to ${url.host}, which would send credentials and tokens unencrypted. Use https://, or turn on "${PROPERTY_LABELS.allowInsecureHttp}" for this invoker.`,
      { kind: 'insecure-url', issues: [{ field, code: 'not-allowed', message: 'Plain http:// is only allowed for loopback hosts.' }] },
    );
  }
  return value;
}

/**
 * Sends one toolbox request (introspection, revocation) the way execute() sends a token request: over the invoker's
 * network route, within one Deadline, every log line and error redacted (the token, the client secret, the Basic
 * value, the route's secrets), redirects refused. `process` reads the answer; every failure is an InvokerError (code 4).
 */
export async function callEndpoint<T>(
  properties: InvokerProperties,
  token: string,
  request: TokenRequest,
  operation: EndpointOperation,
  options: EndpointCallOptions,
  process: (raw: RawResponse, context: ResponseContext) => T,
): Promise<T> {
  const now = options.now ?? Date.now;
  let redactor: Redactor | undefined;
  let routeSecrets: readonly string[] = [];
  const redact: Redactor = (text) => (redactor ??= createRedactor([token, ...propertySecrets(properties), ...routeSecrets]))(text);
  const { log } = options;
  if (options.signal?.aborted === true) {
    throw new InvokerError(`${capitalized(operation.what)} was cancelled before it was sent.`, { kind: 'aborted' });
  }
  const deadline = new Deadline(options.timeoutMs ?? DEFAULT_TIMEOUT_MS, options.signal);
  let route: NetworkRoute | undefined;
  try {
    if (options.dispatcher === undefined) {
      const loopbackOnly = properties.allowInsecureHttp !== true && /^http:/i.test(request.url);
      const selected = selectNetwork(request.url, properties, options.systemProxy, { loopbackOnly, lookup: options.lookup, purpose: 'token', deadline });
      route = selected instanceof Promise ? await selected : selected;
      routeSecrets = route.secrets;
      if (route.warning !== undefined) {
        log?.('warn', route.warning);
      }
    }
    if (log !== undefined) {
      logRequest(log, request, redact, operation.what);
    }
    const started = now();
    const raw = await send(request, {
      deadline,
      dispatcher: options.dispatcher ?? route?.dispatcher,
      maxResponseBytes: options.maxResponseBytes,
      network: route?.description,
      redact,
    });
    const receivedAt = now();
    if (log !== undefined) {
      logResponse(log, raw, receivedAt - started, redact);
    }
    if (raw.status >= 300 && raw.status < 400) {
      const location = raw.headers.location;
      throw new InvokerError(
        `The authorization server answered ${raw.status} to ${operation.what}, redirecting${location !== undefined ? ` to ${redact(location)}` : ''}; it is not followed. Check "${PROPERTY_LABELS[operation.endpoint]}".`,
        { kind: 'redirect', status: raw.status, ...(location !== undefined ? { location: redact(location) } : {}), field: operation.endpoint },
      );
    }
    return process(raw, {
      targetMessage: '',
      receivedAt,
      grantType: properties.grantType,
      tokenUrl: request.url,
      clientAuthentication: request.clientAuthentication,
      ...(request.basicVariant !== undefined ? { basicVariant: request.basicVariant } : {}),
      redact,
    });
  } catch (error) {
    const stopped = deadline.failure(error, `${capitalized(operation.what)} to ${redact(request.url)}`);
    if (stopped !== undefined) {
      throw stopped;
    }
    if (error instanceof InvokerError) {
      const safe = redactError(error, redact);
      log?.('warn', safe.message);
      throw safe;
    }
    throw new InvokerError(`${capitalized(operation.what)} to ${redact(request.url)} failed unexpectedly: ${redact(String(error))}`, { kind: 'network' });
  } finally {
    deadline.dispose();
  }
}

function capitalized(text: string): string {
  return text.charAt(0).toUpperCase() + text.slice(1);
}
