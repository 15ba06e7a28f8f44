import * as vscode from 'vscode';
import type { Core } from '../coreLoader';
import { loopbackTarget } from '../../shared/redirectUri';
import type { SignInUriHandler } from './uriHandler';

/** Where the extension host runs, as far as receiving a redirect goes. */
export interface SignInEnvironment {
  /** A remote window (SSH, WSL, container, Codespaces) or code-server: the browser may not reach 127.0.0.1 of the host directly. */
  readonly remote: boolean;
  /** The workbench runs in a browser (code-server, VS Code for the Web): there is no vscode:// protocol handler. */
  readonly web: boolean;
  /** This VS Code's own URI scheme: `vscode`, `vscode-insiders`, `code-oss`… */
  readonly uriScheme: string;
}

export function currentEnvironment(): SignInEnvironment {
  return { remote: vscode.env.remoteName !== undefined, web: vscode.env.uiKind === vscode.UIKind.Web, uriScheme: vscode.env.uriScheme };
}

/** What a flow needs: the redirect it should use, the means to wait, and the attempt's cancel. */
export interface FlowContext {
  readonly core: Core;
  /** The invoker's Redirect URI as configured (empty: a loopback redirect on a free port). */
  readonly configuredRedirect: string;
  readonly state: string;
  readonly signal: AbortSignal;
  readonly timeoutMs: number;
  readonly uriHandler: SignInUriHandler;
}

/** A flow that is under way: the redirect URI to send, and the wait for the browser's redirect (the full URL). */
export interface ReceivingRedirect {
  readonly redirectUri: string;
  /** How the redirect arrives, for the log. */
  readonly via: string;
  readonly redirected: Promise<string>;
  /** A loopback listener's own address that sends the browser on to `authorizationUrl` (see LoopbackAuthServer.startAt). */
  startAt?(authorizationUrl: string): string;
  /** Stops listening; safe to call twice. */
  dispose(): Promise<void>;
}

/**
 * One way to receive the authorization redirect, as VS Code's GitHub sign-in lists its flows: where it works, and
 * one `trigger()` that starts receiving. The service picks the first that fits; paste-the-URL is offered beside it.
 */
export interface RedirectFlow {
  readonly id: 'loopback' | 'uri-handler' | 'paste';
  readonly label: string;
  /** True when this flow can receive the configured redirect in this environment. */
  fits(configuredRedirect: string, environment: SignInEnvironment): boolean;
  trigger(context: FlowContext): Promise<ReceivingRedirect>;
}

/**
 * The URI a browser reaches the loopback listener by: `asExternalUri` of it. Desktop VS Code returns 127.0.0.1 as is;
 * a remote window forwards the port; code-server rewrites only `localhost` URIs to its `/proxy/PORT/` path, so when
 * 127.0.0.1 comes back unchanged in a remote or web window, `localhost` is asked too and its answer taken if rewritten.
 * A configured `localhost` redirect is asked as such.
 */
export async function externalLoopbackUri(port: number, path: string, configured: string): Promise<string> {
  const host = /^http:\/\/localhost[:/]/i.test(configured.trim()) ? 'localhost' : '127.0.0.1';
  const local = `http://${host}:${port}${path}`;
  const external = (await vscode.env.asExternalUri(vscode.Uri.parse(local))).toString(true);
  const environment = currentEnvironment();
  if (external !== local || host === 'localhost' || !(environment.remote || environment.web)) {
    return external === local ? external : withPath(external, path);
  }
  const viaLocalhost = (await vscode.env.asExternalUri(vscode.Uri.parse(`http://localhost:${port}${path}`))).toString(true);
  return viaLocalhost.startsWith(`http://localhost:${port}/`) ? external : withPath(viaLocalhost, path);
}

/** code-server 4.100 answers `<origin>/proxy/PORT/` without the path asked for: put the callback's path back. */
function withPath(external: string, path: string): string {
  const url = new URL(external);
  if (!url.pathname.endsWith(path)) {
    url.pathname = `${url.pathname.replace(/\/+$/, '')}${path}`;
  }
  return url.href;
}

/**
 * A listener on 127.0.0.1 in the extension host. Its URI goes through `asExternalUri`, so that in a remote window
 * the port is forwarded and in code-server the browser reaches it through `/proxy/PORT/`: the URI sent as
 * `redirect_uri` is the one the browser will really reach.
 */
export const loopbackFlow: RedirectFlow = {
  id: 'loopback',
  label: 'Loopback redirect to VS Code',
  fits: (configured) => loopbackTarget(configured) !== undefined,
  async trigger(context) {
    const target = loopbackTarget(context.configuredRedirect);
    if (target === undefined) {
      throw new Error('no loopback target');
    }
    const server = await context.core.LoopbackAuthServer.start({
      state: context.state,
      port: target.port,
      path: target.path,
      timeoutMs: context.timeoutMs,
      signal: context.signal,
    });
    try {
      let redirectUri = context.configuredRedirect.trim();
      if (!target.sendAsIs) {
        redirectUri = await externalLoopbackUri(server.port, new URL(server.redirectUri).pathname, context.configuredRedirect);
      }
      // The start page as the browser reaches it: code-server's opener would send its localhost URL through the port
      // proxy without the path (4.100), and the path holds the page's random segment.
      const start = currentEnvironment().web ? await externalLoopbackUri(server.port, server.startPath, context.configuredRedirect) : undefined;
      return {
        redirectUri,
        via: redirectUri === server.redirectUri ? `loopback ${server.redirectUri}` : `loopback ${server.redirectUri}, reached as ${redirectUri}`,
        redirected: server.waitForCallback(),
        startAt: (authorizationUrl) => {
          const local = server.startAt(authorizationUrl);
          return start ?? local;
        },
        dispose: () => server.close(),
      };
    } catch (error) {
      await server.close();
      throw error;
    }
  },
};

/**
 * A loopback listener whose start page sends the browser on to `target` (a device sign-in's verification page on this
 * machine), and that page's address as the browser reaches it: in code-server through `/proxy/PORT/start/…`, since
 * its opener would send the target's localhost URL through the port proxy without its path (4.100: `Not Found`).
 * It stops with `signal`, after `timeoutMs`, or on dispose.
 */
export async function startPageFor(
  core: Core,
  target: string,
  options: { readonly signal: AbortSignal; readonly timeoutMs: number },
): Promise<{ readonly url: string; dispose(): Promise<void> }> {
  const server = await core.LoopbackAuthServer.start({ state: core.randomUrlSafe(), timeoutMs: options.timeoutMs, signal: options.signal });
  // Nobody waits for a callback here: the listener only serves its start page until it stops.
  server.waitForCallback().catch(() => undefined);
  try {
    server.startAt(target);
    return { url: await externalLoopbackUri(server.port, server.startPath, ''), dispose: () => server.close() };
  } catch (error) {
    await server.close();
    throw error;
  }
}

/** VS Code's own URI (`vscode://oauth2-invoker.oauth2-invoker/callback`) received by its URI handler: desktop only. */
export const uriHandlerFlow: RedirectFlow = {
  id: 'uri-handler',
  label: "Redirect to VS Code's own URI",
  fits(configured, environment) {
    try {
      return !environment.web && new URL(configured.trim()).protocol === `${environment.uriScheme}:`;
    } catch {
      return false;
    }
  },
  async trigger(context) {
    const controller = new AbortController();
    const stop = (): void => controller.abort();
    context.signal.addEventListener('abort', stop, { once: true });
    const timeout = new Promise<string>((_resolve, reject) => {
      const timer = setTimeout(
        () =>
          reject(
            new context.core.InvokerError(`No sign-in arrived within ${Math.round(context.timeoutMs / 60_000)} min; start the sign-in again.`, {
              kind: 'timeout',
            }),
          ),
        context.timeoutMs,
      );
      controller.signal.addEventListener('abort', () => clearTimeout(timer), { once: true });
    });
    const cancelled = new Promise<string>((_resolve, reject) => {
      controller.signal.addEventListener('abort', () => reject(new context.core.InvokerError('The sign-in was cancelled.', { kind: 'aborted' })), {
        once: true,
      });
    });
    const redirected = Promise.race([context.uriHandler.waitFor(context.state, controller.signal), timeout, cancelled]);
    redirected.catch(() => undefined);
    return {
      redirectUri: context.configuredRedirect.trim(),
      via: 'VS Code URI handler',
      redirected,
      dispose: async () => {
        context.signal.removeEventListener('abort', stop);
        controller.abort();
      },
    };
  },
};

/** No listener: the person copies the address the browser ends on and pastes it. Works everywhere. */
export const pasteFlow: RedirectFlow = {
  id: 'paste',
  label: 'Paste the redirect URL',
  fits: () => true,
  async trigger(context) {
    const configured = context.configuredRedirect.trim();
    return {
      redirectUri: configured !== '' ? configured : 'http://127.0.0.1/callback',
      via: 'pasted URL',
      // The paste itself is offered by the service beside every flow; this one only waits for it.
      redirected: new Promise<string>(() => undefined),
      dispose: async () => undefined,
    };
  },
};

/** The flows in order of preference: the first that fits is used, paste-the-URL is always offered beside it. */
export const REDIRECT_FLOWS: readonly RedirectFlow[] = [uriHandlerFlow, loopbackFlow, pasteFlow];

/** The flow for a configured redirect in this environment. */
export function chooseFlow(configuredRedirect: string, environment: SignInEnvironment): RedirectFlow {
  return REDIRECT_FLOWS.find((flow) => flow.fits(configuredRedirect, environment)) ?? pasteFlow;
}
