import * as vscode from 'vscode';
import type { DJMessage } from '../../core/model/djMessage';
import type { DevicePollingOptions } from '../../core/signIn/devicePolling';
import type { GrantInput } from '../../core/grants/tokenRequest';
import type { InvokerConfig } from '../../shared/invoker';
import type { InvokerProperties } from '../../shared/properties';
import { loadCore } from '../coreLoader';
import { withTokenProgress } from '../tokenUi';
import { isLoopbackHost } from '../../shared/urlValidation';
import { chooseFlow, currentEnvironment, startPageFor, type ReceivingRedirect } from './flows';
import { browserAddress } from './browserAddress';
import { SignInUriHandler } from './uriHandler';
import { showInformation } from '../notifications';

/** A sign-in that started: what the person is asked to open (tests follow it with their own HTTP client). */
export interface SignInStarted {
  readonly invoker: string;
  readonly kind: 'authorization-code' | 'device-code';
  /** The authorization URL, or the device verification URI (with the code when the server gives one). */
  readonly url: string;
  readonly userCode?: string;
  /** A device sign-in's "Copy Code and Open", as the notification's button runs it (the tests press it here). */
  readonly open?: () => Promise<void>;
}

/** Part of the in-host tests' `testing` surface (as FormPanelTestHooks): the bundle's own service. */
export interface SignInTestHooks {
  readonly signInForTests: SignInService;
}

/** Opens a URL in the person's browser: `vscode.env.openExternal` unless a test takes the browser's place. */
export type BrowserOpener = (url: string) => Thenable<boolean>;

/** The URL, its query and fragment left out: what the log may say of an endpoint. */
function withoutQuery(url: string): string {
  try {
    const u = new URL(url);
    return `${u.origin}${u.pathname}`;
  } catch {
    return '(not a URL)';
  }
}

/** A promise that rejects as the core's `aborted` when the signal fires. */
function abortion(signal: AbortSignal): Promise<never> {
  return new Promise<never>((_resolve, reject) => {
    const fail = (): void => reject(new (loadCore().InvokerError)('The sign-in was cancelled.', { kind: 'aborted' }));
    if (signal.aborted) {
      fail();
    } else {
      signal.addEventListener('abort', fail, { once: true });
    }
  });
}

/**
 * The address to open for the sign-in: the authorization URL, or — in the browser workbench (code-server), for an
 * authorization server on this machine — the loopback listener's start page that redirects to it, since code-server
 * opens every localhost URL through its port proxy (4.100 even drops the path and query), where the server's own
 * pages cannot work. "Copy Sign-in Link" still copies the authorization URL itself.
 */
function browserStart(authorizationUrl: string, receiving: ReceivingRedirect): string {
  const host = new URL(authorizationUrl).hostname;
  return receiving.startAt !== undefined && currentEnvironment().web && isLoopbackHost(host) ? receiving.startAt(authorizationUrl) : authorizationUrl;
}

/**
 * Signs a person in for an invoker, with a cancellable progress notification each time: the Authorization Code
 * grant through the first redirect flow that fits (loopback, VS Code's URI handler), with "paste the redirect URL"
 * offered beside it; the Device Authorization grant with the user code and "Copy Code and Open". Only ever called
 * for an interactive run: background work never gets here.
 */
export class SignInService implements vscode.Disposable {
  readonly uriHandler = new SignInUriHandler();
  private readonly started = new vscode.EventEmitter<SignInStarted>();
  /** For the in-host tests: fires with what the person is asked to open. */
  readonly onDidStartForTests = this.started.event;
  /** Opens the browser; the in-host tests replace it with their own HTTP client (test/integration/signIn.test.ts). */
  opener: BrowserOpener = (url) =>
    // A string, not Uri.parse(url): the extension host then hands VS Code the exact text, where a Uri's toString()
    // could re-encode the query's reserved characters.
    vscode.env.openExternal(url as unknown as vscode.Uri);

  /** How long to wait for the browser's redirect: five minutes (the in-host tests shorten it, so a failure cannot hang them). */
  redirectTimeoutMs: () => number = () => loadCore().DEFAULT_SIGN_IN_TIMEOUT_MS;

  constructor(private readonly log: vscode.LogOutputChannel) {}

  dispose(): void {
    this.started.dispose();
  }

  /**
   * Runs the authorization request in the browser and returns what the token request needs: the code, the PKCE
   * verifier and the redirect URI that was sent. Every failure is an InvokerError (code 4); nothing stays listening.
   * @see https://www.rfc-editor.org/rfc/rfc8252
   */
  authorizationCode(label: string, config: InvokerConfig, properties: InvokerProperties, signal?: AbortSignal): Promise<GrantInput> {
    const core = loadCore();
    // The whole invoker is checked before the browser opens (its Authorization Endpoint URL among the rest), as Execute
    // would check it after the sign-in: a refusal names the field, and nobody signs in for nothing.
    core.refuseInvalid(properties, config.targetMessage);
    const state = core.randomUrlSafe();
    const pkce = core.createPkce();
    const nonce = core.nonceFor(properties.scope);
    const redact = core.createRedactor([state, pkce.codeVerifier, nonce]);
    return withTokenProgress(`Signing in to "${label}": continue in your browser…`, async (own) => {
      const attempt = signal !== undefined ? AbortSignal.any([own, signal]) : own;
      const flow = chooseFlow(config.redirectUri, currentEnvironment());
      const receiving = await flow.trigger({
        core,
        configuredRedirect: config.redirectUri,
        state,
        signal: attempt,
        timeoutMs: this.redirectTimeoutMs(),
        uriHandler: this.uriHandler,
      });
      // Ends the Copy/Paste offer with the attempt, so a late click cannot act on a finished sign-in.
      const finished = new AbortController();
      try {
        // Opened and offered to copy only under the rule for every opened address (https://, or http:// to this machine).
        const url = browserAddress(
          core.buildAuthorizationUrl(properties, { redirectUri: receiving.redirectUri, state, codeChallenge: pkce.codeChallenge, nonce }),
          { property: 'authorizationEndpointUrl' },
          properties.allowInsecureHttp === true,
        );
        this.log.info(`[${label}] sign-in: ${flow.label}; authorization endpoint ${withoutQuery(url)}; redirect via ${receiving.via}`);
        const opened = browserStart(url, receiving);
        this.started.fire({ invoker: label, kind: 'authorization-code', url: opened });
        void Promise.resolve(this.opener(opened)).then(
          (opened) => (opened ? undefined : this.log.warn(`[${label}] the browser did not open; use "Copy Sign-in Link"`)),
          () => this.log.warn(`[${label}] the browser did not open; use "Copy Sign-in Link"`),
        );
        const pasted = this.offerPaste(label, url, AbortSignal.any([attempt, finished.signal]));
        const redirectedTo = await Promise.race([receiving.redirected, pasted, abortion(attempt)]);
        const { code } = core.parseAuthorizationResponse(
          redirectedTo,
          {
            state,
            // RFC 9207 §2.4: an `iss` in the redirect is compared whenever present, advertised or not.
            ...(config.issuer.trim() !== '' ? { issuer: config.issuer.trim() } : {}),
            issParameterSupported: config.issParameterSupported,
          },
          redact,
        );
        this.log.info(`[${label}] sign-in: the authorization response arrived; exchanging its code`);
        return { grantType: 'authorization_code' as const, code, codeVerifier: pkce.codeVerifier, redirectUri: receiving.redirectUri, nonce };
      } finally {
        finished.abort();
        await receiving.dispose();
      }
    });
  }

  /** "Copy Sign-in Link" and "Paste Redirect URL…" while the sign-in waits; resolves only with a pasted URL. */
  private offerPaste(label: string, url: string, signal: AbortSignal): Promise<string> {
    const copy = 'Copy Sign-in Link';
    const paste = 'Paste Redirect URL…';
    return new Promise<string>((resolve) => {
      const ask = async (): Promise<void> => {
        while (!signal.aborted) {
          const choice = await showInformation(
            `Sign in to "${label}" in your browser. If it did not open, copy the sign-in link; if the browser does not come back to VS Code, paste the address it ends on.`,
            copy,
            paste,
          );
          if (signal.aborted || choice === undefined) {
            return;
          }
          if (choice === copy) {
            await vscode.env.clipboard.writeText(url);
            continue;
          }
          if (signal.aborted) {
            return;
          }
          const text = await vscode.window.showInputBox({
            title: `Sign in to "${label}"`,
            prompt: 'The whole address your browser shows after you signed in (it starts with the redirect URI and holds code= or error=).',
            password: true,
            ignoreFocusOut: true,
            validateInput: (value) => (/[?#&](code|error)=/.test(value) ? undefined : 'Paste the whole address: it holds code=… (or error=…).'),
          });
          if (text !== undefined && text.trim() !== '') {
            resolve(text.trim());
            return;
          }
        }
      };
      void ask();
    });
  }

  /**
   * Runs the Device Authorization grant: asks the server for a user code, shows it with "Copy Code and Open", and
   * polls under a cancellable progress until the person has signed in, the code expired or they refused.
   * @see https://www.rfc-editor.org/rfc/rfc8628
   */
  async deviceCode(label: string, properties: InvokerProperties, options: Omit<DevicePollingOptions, 'wait' | 'onPending'>): Promise<DJMessage> {
    const core = loadCore();
    const authorization = await core.requestDeviceAuthorization(properties, {
      signal: options.signal,
      timeoutMs: options.timeoutMs,
      systemProxy: options.systemProxy,
      log: options.log,
    });
    // The server's addresses, opened only under the rule for every opened address (the core refused worse ones already).
    const allowInsecureHttp = properties.allowInsecureHttp === true;
    const page = browserAddress(authorization.verificationUri, { serverField: 'verification_uri' }, allowInsecureHttp);
    const target =
      authorization.verificationUriComplete !== undefined
        ? browserAddress(authorization.verificationUriComplete, { serverField: 'verification_uri_complete' }, allowInsecureHttp)
        : page;
    this.log.info(
      `[${label}] sign-in: device code issued, valid ${authorization.expiresInSeconds} s; verification page ${withoutQuery(authorization.verificationUri)}`,
    );
    return withTokenProgress(`Signing in to "${label}": waiting for the code ${authorization.userCode} to be entered…`, async (own) => {
      const signal = options.signal !== undefined ? AbortSignal.any([own, options.signal]) : own;
      const startPages: Array<{ dispose(): Promise<void> }> = [];
      let finished = false;
      // What "Copy Code and Open" does: the code to the clipboard, the verification page in the browser — in the
      // browser workbench, for a server on this machine, through a loopback start page (see browserStart).
      const copyAndOpen = async (): Promise<void> => {
        await vscode.env.clipboard.writeText(authorization.userCode);
        let address = target;
        if (currentEnvironment().web && isLoopbackHost(new URL(target).hostname) && !signal.aborted && !finished) {
          // Open while the code is valid (a server's expires_in capped at 30 min: a timer cannot wait longer than 24 days).
          const timeoutMs = Math.min(authorization.expiresInSeconds, 30 * 60) * 1000;
          const start = await startPageFor(core, target, { signal, timeoutMs });
          startPages.push(start);
          address = start.url;
        }
        await this.opener(address);
      };
      this.started.fire({ invoker: label, kind: 'device-code', url: authorization.verificationUri, userCode: authorization.userCode, open: copyAndOpen });
      const open = 'Copy Code and Open';
      void showInformation(`Sign in to "${label}": enter the code ${authorization.userCode} at ${authorization.verificationUri}`, open).then(async (choice) => {
        if (choice === open) {
          await copyAndOpen().catch((error: unknown) =>
            this.log.warn(`[${label}] "${open}" failed: ${error instanceof Error ? error.message : String(error)}`),
          );
        }
      });
      try {
        return await core.pollDeviceToken(properties, authorization, { ...options, signal });
      } finally {
        finished = true;
        await Promise.all(startPages.map((start) => start.dispose()));
      }
    });
  }
}
