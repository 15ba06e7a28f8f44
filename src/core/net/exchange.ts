import type { LookupFunction } from 'node:net';
import type { Dispatcher } from 'undici';
import { Deadline } from './deadline';
import { InvokerError } from '../model/errors';
import { logNetwork, logRequest, logResponse, type ExchangeLog } from './exchangeLog';
import { selectNetwork, type NetworkRoute } from './network';
import type { SystemProxySettings } from './proxyRoute';
import { createRedactor, propertySecrets, redactError, type Redactor } from '../secrets/redact';
import type { TokenRequest } from '../grants/tokenRequest';
import { send, type RawResponse } from './transport';
import { PROPERTY_LABELS, type InvokerProperties } from '../../shared/properties';

/** How every request to the authorization server is sent: the token request, introspection, revocation, device authorization. */
export interface ExchangeOptions {
  /** Cancels the exchange at any moment. */
  readonly signal?: AbortSignal;
  /** Bounds the whole exchange, a retry included (default 30 s). */
  readonly timeoutMs?: number;
  /** Sends through this dispatcher (tests: undici's MockAgent); the invoker's proxy and TLS properties are then not applied. */
  readonly dispatcher?: Dispatcher;
  /** What the invoker property `proxy: 'system'` means (VS Code's proxy settings). */
  readonly systemProxy?: SystemProxySettings;
  readonly maxResponseBytes?: number;
  readonly log?: ExchangeLog;
  /** Resolves host names instead of the system resolver (tests: a hostile DNS server). */
  readonly lookup?: LookupFunction;
  /** Clock, for tests. */
  readonly now?: () => number;
}

export const DEFAULT_EXCHANGE_TIMEOUT_MS = 30_000;

/** What one exchange is, for its route, its log lines and its errors. */
export interface ExchangeTarget {
  /** "the token request": how log lines and errors name it. */
  readonly what: string;
  /** Where the requests go: the network route is chosen for this URL. */
  readonly url: string;
  /** How errors name the destination (default: the URL, redacted). */
  readonly where?: string;
  /** Said after the request line's URL, e.g. "device authorization" (default nothing). */
  readonly logAs?: string;
  /**
   * The property a redirect names: a 3xx answer is refused here. Without it the caller's parser reads the redirect
   * (the token request's keeps the answer as a failed message for the tree).
   */
  readonly redirectField?: keyof typeof PROPERTY_LABELS;
  /** Secrets beyond the properties' own: the token sent, the sign-in's code. */
  readonly secrets?: readonly string[];
}

/** One answer, with when it arrived. */
export interface Received {
  readonly raw: RawResponse;
  readonly receivedAt: number;
}

/** An exchange in progress: its route, its redactor, and how to send a request over it. */
export interface Exchange {
  /** The network route (undefined with a test dispatcher). */
  readonly route: NetworkRoute | undefined;
  readonly redact: Redactor;
  readonly now: () => number;
  /** Sends one request within the exchange's deadline, logging both ways; a client assertion it carries joins the redactor first. */
  send(request: TokenRequest): Promise<Received>;
}

function capitalized(text: string): string {
  return text.charAt(0).toUpperCase() + text.slice(1);
}

/** The assertions a form carries, the client's (RFC 7523 §2.2) and a JWT Bearer grant's (§2.1): each is a credential for its few minutes. */
function assertionsIn(body: string): string[] {
  const form = new URLSearchParams(body);
  return [...form.getAll('client_assertion'), ...form.getAll('assertion')];
}

/**
 * Runs one exchange with the authorization server: chooses the network route for the target (only to loopback for
 * plain http:// without "Allow Insecure HTTP") and logs it, then lets `run` send its requests, each within one
 * Deadline, logged and redacted. Every failure leaves as an InvokerError (code 4) with no secret in it: a timeout or
 * cancel, the server's refusal, a network failure, or anything unexpected.
 * @see https://www.rfc-editor.org/rfc/rfc6749#section-3.2
 */
export async function exchange<T>(
  properties: InvokerProperties,
  target: ExchangeTarget,
  options: ExchangeOptions,
  run: (exchange: Exchange) => Promise<T>,
): Promise<T> {
  const now = options.now ?? Date.now;
  const { log } = options;
  const secrets: string[] = [...(target.secrets ?? [])];
  let redactor: Redactor | undefined;
  const remember = (values: readonly string[]): void => {
    if (values.length > 0) {
      secrets.push(...values);
      redactor = undefined;
    }
  };
  const redact: Redactor = (text) => (redactor ??= createRedactor([...propertySecrets(properties), ...secrets]))(text);
  const what = capitalized(target.what);
  if (options.signal?.aborted === true) {
    throw new InvokerError(`${what} was cancelled before it was sent.`, { kind: 'aborted' });
  }
  const deadline = new Deadline(options.timeoutMs ?? DEFAULT_EXCHANGE_TIMEOUT_MS, options.signal);
  const where = (): string => target.where ?? redact(target.url);
  let route: NetworkRoute | undefined;
  const sendOne = async (request: TokenRequest): Promise<Received> => {
    remember(assertionsIn(request.body));
    if (log !== undefined) {
      logRequest(log, request, redact, target.logAs);
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
    if (target.redirectField !== undefined && raw.status >= 300 && raw.status < 400) {
      const location = raw.headers.location;
      throw new InvokerError(
        `The authorization server answered ${raw.status} to ${target.what}, redirecting${location !== undefined ? ` to ${redact(location)}` : ''}; it is not followed. Check "${PROPERTY_LABELS[target.redirectField]}".`,
        { kind: 'redirect', status: raw.status, ...(location !== undefined ? { location: redact(location) } : {}), field: target.redirectField },
      );
    }
    return { raw, receivedAt };
  };
  try {
    if (options.dispatcher === undefined) {
      // Plain http:// passed validation by its host's name (loopback); the connection must go to loopback too.
      const loopbackOnly = properties.allowInsecureHttp !== true && /^http:/i.test(target.url.trim());
      const selected = selectNetwork(target.url.trim(), properties, options.systemProxy, { loopbackOnly, lookup: options.lookup, purpose: 'token', deadline });
      route = selected instanceof Promise ? await selected : selected;
      remember(route.secrets);
      if (log !== undefined) {
        logNetwork(log, route);
      }
    }
    return await run({ route, redact, now, send: sendOne });
  } catch (error) {
    const stopped = deadline.failure(error, `${what} to ${where()}`);
    if (stopped !== undefined) {
      throw stopped;
    }
    if (error instanceof InvokerError) {
      const safe = redactError(error, redact);
      log?.('warn', safe.message);
      throw safe;
    }
    throw new InvokerError(`${what} to ${where()} failed unexpectedly: ${redact(String(error))}`, { kind: 'network' });
  } finally {
    deadline.dispose();
  }
}
