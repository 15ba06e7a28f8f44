import { Agent, request, type Dispatcher } from 'undici';
import { InvokerError, type TransportCause } from './errors';
import type { TokenRequest } from './tokenRequest';

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

let sharedAgent: Agent | undefined;

/** One keep-alive pool for every Execute of the process, so a second token request skips TCP and TLS setup. */
export function defaultDispatcher(): Agent {
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
  for (const [name, value] of Object.entries(headers)) {
    if (value !== undefined) {
      joined[name] = Array.isArray(value) ? value.join(', ') : value;
    }
  }
  return joined;
}

function tooLarge(url: string, limit: number): InvokerError {
  return new InvokerError(`The answer of ${url} is larger than ${Math.round(limit / 1024)} KiB and was refused.`, { kind: 'too-large' });
}

/**
 * POSTs the token request with undici and reads the answer, at most `maxResponseBytes` of it. Redirects are not followed.
 * Rejects with an InvokerError for network failures and oversized answers; an abort rejects with the signal's reason.
 */
export async function send(tokenRequest: TokenRequest, options: SendOptions): Promise<RawResponse> {
  const limit = options.maxResponseBytes ?? DEFAULT_MAX_RESPONSE_BYTES;
  let response: Dispatcher.ResponseData;
  try {
    response = await request(tokenRequest.url, {
      method: 'POST',
      headers: tokenRequest.headers,
      body: tokenRequest.body,
      signal: options.signal,
      dispatcher: options.dispatcher ?? defaultDispatcher(),
    });
  } catch (error) {
    throw options.signal.aborted ? options.signal.reason : networkError(error, tokenRequest.url);
  }
  const headers = joinHeaders(response.headers);
  const declared = Number(headers['content-length']);
  if (Number.isFinite(declared) && declared > limit) {
    response.body.destroy();
    throw tooLarge(tokenRequest.url, limit);
  }
  const chunks: Buffer[] = [];
  let received = 0;
  try {
    for await (const chunk of response.body) {
      received += (chunk as Buffer).length;
      if (received > limit) {
        response.body.destroy();
        throw tooLarge(tokenRequest.url, limit);
      }
      chunks.push(chunk as Buffer);
    }
  } catch (error) {
    if (error instanceof InvokerError) {
      throw error;
    }
    throw options.signal.aborted ? options.signal.reason : networkError(error, tokenRequest.url);
  }
  const body = chunks.length === 1 ? chunks[0].toString('utf8') : Buffer.concat(chunks, received).toString('utf8');
  return { status: response.statusCode, headers, body };
}
