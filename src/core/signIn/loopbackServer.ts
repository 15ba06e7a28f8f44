import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo, Socket } from 'node:net';
import { InvokerError } from '../model/errors';
import { randomUrlSafe } from './pkce';

/** How long a sign-in may wait for the browser's redirect by default: five minutes. */
export const DEFAULT_SIGN_IN_TIMEOUT_MS = 5 * 60_000;

export interface LoopbackOptions {
  /** The `state` this sign-in sent: only a redirect carrying exactly it ends the wait; any other is answered and ignored. */
  readonly state: string;
  /** A fixed port the user registered at the server; default 0 = a free port (RFC 8252 §7.3). */
  readonly port?: number;
  /** The callback path; default `/callback`. */
  readonly path?: string;
  /** Default five minutes; then the wait fails with kind `timeout` and the server closes. */
  readonly timeoutMs?: number;
  /** Cancels the wait (kind `aborted`) and closes the server. */
  readonly signal?: AbortSignal;
}

const PAGE_STYLE = 'body{font-family:system-ui,sans-serif;margin:4em auto;max-width:32em;line-height:1.5;color:#222}h1{font-size:1.4em}';

function answerPage(res: ServerResponse, status: number, title: string, text: string): void {
  res.writeHead(status, {
    'content-type': 'text/html; charset=utf-8',
    'cache-control': 'no-store',
    'content-security-policy': "default-src 'none'; style-src 'unsafe-inline'",
    'referrer-policy': 'no-referrer',
    connection: 'close',
  });
  res.end(
    `<!DOCTYPE html><html><head><meta charset="utf-8"><title>${title}</title><style>${PAGE_STYLE}</style></head><body><h1>${title}</h1><p>${text}</p></body></html>`,
  );
}

function isCallback(url: URL): boolean {
  const p = url.searchParams;
  return p.has('code') || p.has('error') || p.has('state');
}

/** A path the listener serves, bare or behind a proxy that keeps its prefix (code-server's `/absproxy/PORT`): the path must end with ours. */
function isPath(pathname: string, path: string): boolean {
  return pathname === path || pathname.endsWith(path);
}

/**
 * Receives one authorization redirect on 127.0.0.1 (never another interface): it answers the browser with a short
 * page telling the user to return to VS Code and closes after the callback that carries this sign-in's `state`, on
 * cancel, or after the timeout; whoever started it may close it earlier. A request with another state (stray,
 * stale or forged) gets a "not this sign-in" page and the listener keeps waiting, so it cannot end the sign-in. The
 * redirect's secrets (code, state) are handed only to the waiter.
 * @see https://www.rfc-editor.org/rfc/rfc8252#section-7.3
 * @see https://www.rfc-editor.org/rfc/rfc6749#section-10.12
 */
export class LoopbackAuthServer {
  private readonly sockets = new Set<Socket>();
  private settle: { resolve: (url: string) => void; reject: (error: unknown) => void } | undefined;
  private readonly result: Promise<string>;
  private timer: NodeJS.Timeout | undefined;
  private closed = false;
  /** Where the start page sends the browser until the callback arrives (see `startAt`). */
  private start: string | undefined;
  /** The start page's path: a fresh random segment, so that a guessed address does nothing. */
  readonly startPath = `/start/${randomUrlSafe(16)}`;
  private readonly onAbort = (): void => this.fail(new InvokerError('The sign-in was cancelled.', { kind: 'aborted' }));

  private constructor(
    private readonly server: Server,
    private readonly path: string,
    private readonly options: LoopbackOptions,
  ) {
    this.port = (server.address() as AddressInfo).port;
    this.result = new Promise<string>((resolve, reject) => {
      this.settle = { resolve, reject };
    });
    // The waiter may attach late (after opening the browser); an early failure must not be an unhandled rejection.
    this.result.catch(() => undefined);
    server.on('connection', (socket: Socket) => {
      this.sockets.add(socket);
      socket.once('close', () => this.sockets.delete(socket));
    });
    server.on('request', (req: IncomingMessage, res: ServerResponse) => this.handle(req, res));
  }

  /** Starts listening on 127.0.0.1 (a free port unless `port` is given); rejects when the port is taken. */
  static async start(options: LoopbackOptions): Promise<LoopbackAuthServer> {
    const path = options.path ?? '/callback';
    if (!path.startsWith('/')) {
      throw new InvokerError(`"Redirect URI" has the path "${path}", which does not start with /.`, { kind: 'invalid-properties' });
    }
    if (options.signal?.aborted === true) {
      throw new InvokerError('The sign-in was cancelled.', { kind: 'aborted' });
    }
    const server = createServer();
    await new Promise<void>((resolve, reject) => {
      server.once('error', (error: NodeJS.ErrnoException) =>
        reject(
          new InvokerError(
            error.code === 'EADDRINUSE'
              ? `The redirect port ${options.port ?? 0} on 127.0.0.1 is in use (another sign-in or another program): close it, or choose another port in "Redirect URI".`
              : `The sign-in could not listen on 127.0.0.1: ${error.message}`,
            { kind: 'network', field: 'redirectUri' },
          ),
        ),
      );
      server.listen(options.port ?? 0, '127.0.0.1', () => resolve());
    });
    const loopback = new LoopbackAuthServer(server, path, options);
    loopback.timer = setTimeout(() => {
      const minutes = (options.timeoutMs ?? DEFAULT_SIGN_IN_TIMEOUT_MS) / 60_000;
      loopback.fail(
        new InvokerError(`No sign-in arrived within ${minutes >= 1 ? `${minutes} min` : `${minutes * 60} s`}; start the sign-in again.`, { kind: 'timeout' }),
      );
    }, options.timeoutMs ?? DEFAULT_SIGN_IN_TIMEOUT_MS);
    options.signal?.addEventListener('abort', loopback.onAbort, { once: true });
    return loopback;
  }

  /** The port it listens (or listened) on. */
  readonly port: number;

  /** The loopback redirect URI, `http://127.0.0.1:<port><path>` (before any `asExternalUri`). */
  get redirectUri(): string {
    return `http://127.0.0.1:${this.port}${this.path}`;
  }

  /** True once it stopped listening. */
  get isClosed(): boolean {
    return this.closed;
  }

  /**
   * Makes the listener's start page (`startPath`, a random path; behind a proxy that keeps its prefix too) redirect
   * the browser to `authorizationUrl` until the callback arrives, and returns that page's loopback URL. For
   * code-server, whose opener sends any localhost URL through its port proxy and so cannot open an authorization
   * server on this machine: opened through the proxy, the start page hands the browser the authorization URL as it is.
   */
  startAt(authorizationUrl: string): string {
    this.start = authorizationUrl;
    return `http://127.0.0.1:${this.port}${this.startPath}`;
  }

  /** The full URL of the one callback (`http://127.0.0.1:<port><path>?code=…&state=…`); rejects on timeout or cancel. */
  waitForCallback(): Promise<string> {
    return this.result;
  }

  private handle(req: IncomingMessage, res: ServerResponse): void {
    const url = new URL(req.url ?? '/', `http://127.0.0.1:${this.port}`);
    if (req.method === 'GET' && this.start !== undefined && this.settle !== undefined && isPath(url.pathname, this.startPath)) {
      res.writeHead(302, { location: this.start, 'cache-control': 'no-store', 'referrer-policy': 'no-referrer', connection: 'close' });
      res.end();
      return;
    }
    if (req.method !== 'GET' || !isPath(url.pathname, this.path) || !isCallback(url) || this.settle === undefined) {
      answerPage(res, 404, 'Not found', 'This address only receives a sign-in redirect.');
      return;
    }
    const states = url.searchParams.getAll('state');
    if (states.length !== 1 || states[0] !== this.options.state) {
      // Not this sign-in's redirect (another attempt's, or forged): the real one may still come, so keep listening.
      answerPage(res, 400, 'Not this sign-in', 'This redirect does not belong to the sign-in VS Code is waiting for, so VS Code ignored it.');
      return;
    }
    const failed = url.searchParams.has('error');
    answerPage(
      res,
      200,
      failed ? 'Sign-in did not complete' : 'Signed in',
      failed
        ? 'The authorization server did not sign you in. Return to VS Code to see why.'
        : 'VS Code received the sign-in. You can close this tab and return to VS Code.',
    );
    const settle = this.settle;
    this.settle = undefined;
    settle.resolve(url.href);
    void this.close();
  }

  private fail(error: InvokerError): void {
    const settle = this.settle;
    this.settle = undefined;
    settle?.reject(error);
    void this.close();
  }

  /** Stops listening and drops every connection; a wait still pending fails as cancelled. Safe to call twice. */
  async close(): Promise<void> {
    const settle = this.settle;
    this.settle = undefined;
    settle?.reject(new InvokerError('The sign-in was cancelled.', { kind: 'aborted' }));
    if (this.closed) {
      return;
    }
    this.closed = true;
    clearTimeout(this.timer);
    this.options.signal?.removeEventListener('abort', this.onAbort);
    await new Promise<void>((resolve) => {
      this.server.close(() => resolve());
      // Let the answer page go out before the sockets are dropped.
      setImmediate(() => {
        for (const socket of this.sockets) {
          socket.destroy();
        }
      });
    });
  }
}
