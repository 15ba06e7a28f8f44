import type { LookupFunction } from 'node:net';
import type { Agent as UndiciAgent, buildConnector as undiciBuildConnector, Dispatcher } from 'undici';
import { InvokerError } from '../model/errors';
import { describeNetworkFailure, type NetworkDescription, type RequestPurpose } from './networkErrors';
import type { Deadline } from './deadline';
import { loopbackOnlyLookup, loopbackPeersOnly } from '../signIn/loopback';
import type { Redactor } from '../secrets/redact';

// undici's Agent alone (with its Pool and HTTP/1.1 client), not the whole package with fetch, WebSocket and caches:
// the extension's core bundle stays at a third of the size.
// eslint-disable-next-line @typescript-eslint/no-require-imports
const Agent = require('undici/lib/dispatcher/agent') as typeof UndiciAgent;
// eslint-disable-next-line @typescript-eslint/no-require-imports
const buildConnector = require('undici/lib/core/connect') as typeof undiciBuildConnector;

/** One request to send: a token request (POST of a form) or a discovery request (GET). */
export interface HttpRequest {
  readonly url: string;
  /** Default `POST`. */
  readonly method?: 'GET' | 'POST';
  readonly headers: Readonly<Record<string, string>>;
  readonly body?: string;
}

/** A server's answer before any interpretation: `tokenResponse` parses it. */
export interface RawResponse {
  readonly status: number;
  /** Lower-case names; repeated headers joined with ", ". */
  readonly headers: Readonly<Record<string, string>>;
  readonly body: string;
}

/** Answers larger than this are refused, not truncated. */
export const DEFAULT_MAX_RESPONSE_BYTES = 1024 * 1024;

/** What `send` needs of a dispatcher: undici's Agent, ProxyAgent and MockAgent all qualify. */
export type DispatcherLike = Pick<Dispatcher, 'dispatch'>;

export interface SendOptions {
  /** Stops the exchange at any moment; the caller turns that into a timeout or a cancel. */
  readonly deadline: Deadline;
  /** Default: the shared direct keep-alive pool. */
  readonly dispatcher?: DispatcherLike;
  readonly maxResponseBytes?: number;
  /** The proxy and TLS settings the dispatcher applies, so a failure can name the one to change. */
  readonly network?: NetworkDescription;
  /** Default `token`. */
  readonly purpose?: RequestPurpose;
  readonly redact?: Redactor;
}

/**
 * At most this many connections to one origin (through one proxy: tunnels), as a browser opens: 200 concurrent
 * Executes wait for one of these instead of opening 200 sockets. Token requests are short, so nobody waits long.
 */
export const MAX_CONNECTIONS_PER_ORIGIN = 6;

/** Options of every pool the invoker builds: keep-alive, so a second request skips TCP and TLS setup; bounded per origin. */
export const POOL_OPTIONS = { keepAliveTimeout: 10_000, keepAliveMaxTimeout: 60_000, connections: MAX_CONNECTIONS_PER_ORIGIN } as const;
export const CONNECT_TIMEOUT_MS = 15_000;

/**
 * TLS alerts seen on sockets, by their ports. A server that wants a client certificate (TLS 1.3) says so with an
 * alert after the handshake, while the request is already on its way; undici then reports only "other side closed".
 * The connector below keeps the alert for a moment so the failure can name its real cause.
 */
const tlsAlerts = new Map<string, Error>();

function socketKey(info: { localPort?: unknown; remotePort?: unknown }): string {
  return `${String(info.localPort)}>${String(info.remotePort)}`;
}

type Connector = undiciBuildConnector.connector;

/** Wraps a connector so that a TLS alert on its sockets is remembered until shortly after the socket closes. */
export function watchTlsAlerts(connector: Connector): Connector {
  return (options, callback) =>
    connector(options, (error, socket) => {
      if (socket !== null && socket !== undefined && options.protocol === 'https:') {
        socket.prependListener('error', (socketError: Error & { code?: unknown }) => {
          if (typeof socketError.code === 'string' && socketError.code.startsWith('ERR_SSL_')) {
            const key = socketKey(socket);
            tlsAlerts.set(key, socketError);
            socket.once('close', () => setTimeout(() => tlsAlerts.delete(key), 1000).unref());
          }
        });
      }
      // undici's types declare (error: null, socket) | (error: Error, socket: null); the pair is passed on as is.
      (callback as (error: Error | null, socket: Parameters<undiciBuildConnector.Callback>[1]) => void)(error, socket);
    });
}

/** The TLS alert behind undici's "other side closed", if one was seen on that socket. */
function explainedByTlsAlert(error: unknown): unknown {
  const info = (error as { code?: unknown; socket?: { localPort?: unknown; remotePort?: unknown } } | null)?.socket;
  if ((error as { code?: unknown } | null)?.code !== 'UND_ERR_SOCKET' || info === undefined) {
    return error;
  }
  return tlsAlerts.get(socketKey(info)) ?? error;
}

/** How a connector resolves and where it may connect. */
export interface ConnectorOptions {
  /** Resolves host names instead of the system resolver (tests: a resolver that answers as a hostile DNS server would). */
  readonly lookup?: LookupFunction;
  /** Connect only to loopback addresses (plain http:// without "Allow Insecure HTTP"): anything else fails with a NotLoopbackError. */
  readonly loopbackOnly?: boolean;
}

/** A connector with the invoker's connect timeout and TLS options, remembering TLS alerts. */
export function connector(tls: Record<string, unknown> = {}, options: ConnectorOptions = {}): Connector {
  const lookup = options.loopbackOnly === true ? loopbackOnlyLookup(options.lookup) : options.lookup;
  const connect = watchTlsAlerts(buildConnector({ timeout: CONNECT_TIMEOUT_MS, ...tls, ...(lookup !== undefined ? { lookup } : {}) }));
  return options.loopbackOnly === true ? loopbackPeersOnly(connect) : connect;
}

const identity = (text: string): string => text;

let sharedAgent: UndiciAgent | undefined;
let sharedLoopbackAgent: UndiciAgent | undefined;

/** One keep-alive pool for every Execute of the process, so a second token request skips TCP and TLS setup. */
export function defaultDispatcher(): UndiciAgent {
  sharedAgent ??= new Agent({ ...POOL_OPTIONS, connect: connector() });
  return sharedAgent;
}

/**
 * The shared pool of plain http:// requests that must stay on this machine: each of its connections was checked
 * to go to a loopback address, so none of them is ever shared with a request that may go elsewhere.
 */
export function loopbackDispatcher(): UndiciAgent {
  sharedLoopbackAgent ??= new Agent({ ...POOL_OPTIONS, connect: connector({}, { loopbackOnly: true }) });
  return sharedLoopbackAgent;
}

/**
 * Closes the shared pools and their kept-alive connections (deactivation, tests); the next request opens new ones.
 * Until then an idle connection stays open, unref'd, for up to the keep-alive timeout.
 */
export async function closeSharedPools(): Promise<void> {
  const open = [sharedAgent, sharedLoopbackAgent].filter((agent): agent is UndiciAgent => agent !== undefined);
  sharedAgent = undefined;
  sharedLoopbackAgent = undefined;
  await Promise.all(open.map((agent) => agent.close()));
}

/** Turns a failure of undici into an InvokerError whose sentence says what happened and what fixes it, keeping only safe data. */
export function networkError(error: unknown, url: string, context: Omit<SendOptions, 'deadline'> = {}): InvokerError {
  return describeNetworkFailure(explainedByTlsAlert(error), { url, purpose: context.purpose, network: context.network, redact: context.redact });
}

function joinHeaders(headers: Record<string, string | string[] | undefined>): Record<string, string> {
  const joined: Record<string, string> = {};
  for (const name of Object.keys(headers)) {
    const value = headers[name];
    if (value !== undefined) {
      joined[name.toLowerCase()] = Array.isArray(value) ? value.join(', ') : value;
    }
  }
  return joined;
}

function tooLarge(url: string, limit: number): InvokerError {
  return new InvokerError(`The answer of ${url} is larger than ${Math.round(limit / 1024)} KiB and was refused.`, { kind: 'too-large' });
}

/**
 * Sends the request (POST by default) with undici and collects the answer, at most `maxResponseBytes` of it. Redirects are not followed.
 * Rejects with an InvokerError for network failures and oversized answers; a stopped deadline rejects with its reason.
 * It speaks undici's dispatch API directly: the answer is small and read whole, so no stream is built for it, and
 * an oversized answer is cut off at the byte that passes the cap (its connection closed, the rest never read).
 */
export function send(tokenRequest: HttpRequest, options: SendOptions): Promise<RawResponse> {
  const { deadline } = options;
  const limit = options.maxResponseBytes ?? DEFAULT_MAX_RESPONSE_BYTES;
  const url = new URL(tokenRequest.url);
  const redactUrl = options.redact ?? identity;
  return new Promise<RawResponse>((resolve, reject) => {
    let controller: Dispatcher.DispatchController | undefined;
    let settled = false;
    let status = 0;
    let headers: Record<string, string> = {};
    const chunks: Buffer[] = [];
    let received = 0;
    let unsubscribe = (): void => undefined;
    const stop = (reason: unknown): void => {
      if (!settled) {
        settled = true;
        unsubscribe();
        controller?.abort(new Error('the token request was stopped'));
        reject(reason);
      }
    };
    unsubscribe = deadline.onStop(stop);
    if (settled) {
      return;
    }
    const handler: Dispatcher.DispatchHandler = {
      onRequestStart(c) {
        controller = c;
        if (settled) {
          c.abort(new Error('the token request was stopped'));
        }
      },
      onResponseStart(_c, statusCode, responseHeaders) {
        if (statusCode < 200) {
          return; // 1xx informational: the real answer follows
        }
        status = statusCode;
        headers = joinHeaders(responseHeaders);
        const declared = Number(headers['content-length']);
        if (Number.isFinite(declared) && declared > limit) {
          stop(tooLarge(tokenRequest.url, limit));
        }
      },
      onResponseData(_c, chunk) {
        if (settled) {
          return;
        }
        received += chunk.length;
        if (received > limit) {
          stop(tooLarge(tokenRequest.url, limit));
          return;
        }
        chunks.push(chunk);
      },
      onResponseEnd() {
        if (settled) {
          return;
        }
        settled = true;
        unsubscribe();
        const body = chunks.length === 1 ? chunks[0].toString('utf8') : Buffer.concat(chunks, received).toString('utf8');
        resolve({ status, headers, body });
      },
      onResponseError(_c, error) {
        stop(networkError(error, redactUrl(tokenRequest.url), options));
      },
    };
    try {
      (options.dispatcher ?? defaultDispatcher()).dispatch(
        {
          origin: url.origin,
          path: `${url.pathname}${url.search}`,
          method: tokenRequest.method ?? 'POST',
          headers: tokenRequest.headers,
          body: tokenRequest.body ?? null,
        },
        handler,
      );
    } catch (error) {
      stop(networkError(error, redactUrl(tokenRequest.url), options));
    }
  });
}
