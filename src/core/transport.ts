import type { Agent as UndiciAgent, Dispatcher } from 'undici';
import { InvokerError, type TransportCause } from './errors';

// undici's Agent alone (with its Pool and HTTP/1.1 client), not the whole package with fetch, WebSocket and caches:
// the extension's core bundle stays at a third of the size.
import type { TokenRequest } from './tokenRequest';

// eslint-disable-next-line @typescript-eslint/no-require-imports
const Agent = require('undici/lib/dispatcher/agent') as typeof UndiciAgent;

/** A server's answer before any interpretation: `tokenResponse` parses it. */
export interface RawResponse {
  readonly status: number;
  /** Lower-case names; repeated headers joined with ", ". */
  readonly headers: Readonly<Record<string, string>>;
  readonly body: string;
}

/** Answers larger than this are refused, not truncated. */
export const DEFAULT_MAX_RESPONSE_BYTES = 1024 * 1024;

export interface SendOptions {
  /** Aborts the exchange at any moment; the caller decides whether that was a timeout or a cancel. */
  readonly signal: AbortSignal;
  readonly dispatcher?: Dispatcher;
  readonly maxResponseBytes?: number;
}

let sharedAgent: UndiciAgent | undefined;

/** One keep-alive pool for every Execute of the process, so a second token request skips TCP and TLS setup. */
export function defaultDispatcher(): UndiciAgent {
  sharedAgent ??= new Agent({ keepAliveTimeout: 10_000, keepAliveMaxTimeout: 60_000, connect: { timeout: 15_000 } });
  return sharedAgent;
}

const NETWORK_MESSAGES: Readonly<Record<string, string>> = {
  ECONNREFUSED: 'the connection was refused (is the server running and the port right?)',
  ENOTFOUND: 'the host name could not be resolved (DNS)',
  EAI_AGAIN: 'the host name could not be resolved right now (DNS)',
  ECONNRESET: 'the connection was reset by the server',
  EHOSTUNREACH: 'the host is unreachable',
  ENETUNREACH: 'the network is unreachable',
  ETIMEDOUT: 'the connection timed out',
  UND_ERR_CONNECT_TIMEOUT: 'the connection timed out',
  UND_ERR_SOCKET: 'the connection closed before the whole answer arrived',
  UND_ERR_CLOSED: 'the connection closed before the whole answer arrived',
  UND_ERR_RES_CONTENT_LENGTH_MISMATCH: 'the answer did not match its Content-Length',
  UND_ERR_HEADERS_OVERFLOW: 'the answer\'s headers were too large',
};

function causeOf(error: unknown): TransportCause {
  if (error instanceof Error) {
    const code = (error as { code?: unknown }).code;
    return { name: error.name, message: error.message, ...(typeof code === 'string' ? { code } : {}) };
  }
  return { name: 'Error', message: String(error) };
}

/** Turns a failure of undici into a network error whose sentence says what happened, keeping only safe data. */
export function networkError(error: unknown, url: string): InvokerError {
  const cause = causeOf(error);
  const innerCode = (error as { cause?: { code?: unknown } } | undefined)?.cause?.code;
  const code = cause.code ?? (typeof innerCode === 'string' ? innerCode : undefined);
  const what = (code !== undefined ? NETWORK_MESSAGES[code] : undefined) ?? cause.message;
  return new InvokerError(`The token request to ${url} failed: ${what}.`, { kind: 'network', cause: { ...cause, code } });
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
 * POSTs the token request with undici and collects the answer, at most `maxResponseBytes` of it. Redirects are not followed.
 * Rejects with an InvokerError for network failures and oversized answers; an abort rejects with the signal's reason.
 * It speaks undici's dispatch API directly: the answer is small and read whole, so no stream is built for it, and
 * an oversized answer is cut off at the byte that passes the cap (its connection closed, the rest never read).
 */
export function send(tokenRequest: TokenRequest, options: SendOptions): Promise<RawResponse> {
  const { signal } = options;
  const limit = options.maxResponseBytes ?? DEFAULT_MAX_RESPONSE_BYTES;
  const url = new URL(tokenRequest.url);
  return new Promise<RawResponse>((resolve, reject) => {
    if (signal.aborted) {
      reject(signal.reason);
      return;
    }
    let controller: Dispatcher.DispatchController | undefined;
    let settled = false;
    let status = 0;
    let headers: Record<string, string> = {};
    const chunks: Buffer[] = [];
    let received = 0;
    const stop = (reason: unknown): void => {
      if (!settled) {
        settled = true;
        signal.removeEventListener('abort', onAbort);
        controller?.abort(new Error('the token request was stopped'));
        reject(reason);
      }
    };
    const onAbort = (): void => stop(signal.reason);
    signal.addEventListener('abort', onAbort, { once: true });
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
        signal.removeEventListener('abort', onAbort);
        const body = chunks.length === 1 ? chunks[0].toString('utf8') : Buffer.concat(chunks, received).toString('utf8');
        resolve({ status, headers, body });
      },
      onResponseError(_c, error) {
        stop(signal.aborted ? signal.reason : networkError(error, tokenRequest.url));
      },
    };
    try {
      (options.dispatcher ?? defaultDispatcher()).dispatch(
        { origin: url.origin, path: `${url.pathname}${url.search}`, method: 'POST', headers: tokenRequest.headers, body: tokenRequest.body },
        handler,
      );
    } catch (error) {
      stop(networkError(error, tokenRequest.url));
    }
  });
}
