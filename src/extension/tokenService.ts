import { createHash } from 'node:crypto';
import * as path from 'node:path';
import * as vscode from 'vscode';
import type { DJMessage } from '../core/model/djMessage';
import type { TokenTypeHint } from '../core/toolbox/endpointCall';
import { withFileLock } from '../core/tokens/fileLock';
import { SpentTokenLedger } from '../core/tokens/spentTokens';
import { TokenBroker, type RenewalContext, type TokenSource } from '../core/tokens/tokenBroker';
import { invokerKey, invokerLabel, type InvokerRef, type InvokerStore } from './invokerStore';
import type { InvokerRunner, RunOptions } from './invokerRunner';
import type { MessageStore } from './messageStore';
import { errorText } from './tokenUi';
import { InvokerUnavailable } from './invokerUnavailable';
import { showWarning } from './notifications';

export interface TokenOptions {
  readonly interactive: boolean;
  readonly forceRefresh?: boolean;
  readonly signal?: AbortSignal;
}

/**
 * The one path that hands out tokens (copy, insert, CodeLens refresh, status bar, the API) and the one that runs
 * explicit executions, so that every exchange of an invoker goes through the broker's single flight.
 */
export class TokenService {
  readonly broker: TokenBroker;
  /** Invokers whose "Sign In Again" notification is showing: one at a time, however often the CodeLens asks. */
  private readonly askingToSignIn = new Set<string>();

  constructor(
    private readonly invokers: InvokerStore,
    private readonly messages: MessageStore,
    private readonly runner: InvokerRunner,
    private readonly log: vscode.LogOutputChannel,
    marginMs: () => number,
    clock: () => number = Date.now,
    /**
     * A folder every window of this profile shares (the extension's global storage): refreshes take a lock file there,
     * and note the refresh tokens they send, so two windows never send one refresh token twice. None: this window only.
     */
    private readonly sharedFolder?: string,
  ) {
    this.broker = new TokenBroker(clock, marginMs, (error) =>
      this.log.warn(`refresh token rejected (${errorText(error)}); executing the invoker's own grant instead`),
    );
  }

  /** The invoker's lock and spent-token files in the shared folder, named by a hash of its storage key. */
  private sharedFiles(ref: InvokerRef): { lock: string; spent: string } | undefined {
    if (this.sharedFolder === undefined) {
      return undefined;
    }
    const name = createHash('sha256').update(this.messages.storageKey(ref)).digest('hex').slice(0, 32);
    return { lock: path.join(this.sharedFolder, `${name}.lock`), spent: path.join(this.sharedFolder, `${name}.spent`) };
  }

  /**
   * Background work found that a person must sign in (the refresh token was refused, or there never was one): a
   * notification with "Sign In Again", which runs the invoker's Execute. Never opens a browser by itself.
   */
  private askToSignIn(ref: InvokerRef, refreshRefused: boolean): void {
    const key = invokerKey(ref);
    if (this.askingToSignIn.has(key)) {
      return;
    }
    this.askingToSignIn.add(key);
    const label = invokerLabel(ref);
    const text = refreshRefused
      ? `The sign-in of invoker "${label}" has ended: the server refused its refresh token. Sign in again to get new tokens.`
      : `Invoker "${label}" needs you to sign in before its token can be used.`;
    this.log.warn(`[${label}] sign-in required${refreshRefused ? ' (refresh token refused)' : ''}`);
    const action = 'Sign In Again';
    void showWarning(text, action).then((choice) => {
      this.askingToSignIn.delete(key);
      if (choice === action) {
        void vscode.commands.executeCommand('oauth2Invoker.execute', ref);
      }
    });
  }

  private source(ref: InvokerRef): TokenSource {
    const run = (context: RenewalContext): RunOptions => ({
      interactive: context.interactive,
      signal: context.signal,
      personNeeded: context.personNeeded,
      ...(context.beforeSend !== undefined ? { beforeSend: context.beforeSend } : {}),
      renewal: true,
    });
    let refreshRefused = false;
    const files = this.sharedFiles(ref);
    const ledger = files !== undefined ? new SpentTokenLedger(files.spent) : undefined;
    return {
      current: () => {
        const record = this.messages.get(ref);
        // A revoked access token is not handed out: the broker renews instead.
        return record?.failure === undefined && record?.revoked !== true ? record?.message : undefined;
      },
      // A refresh-token invoker's own grant is the refresh, with its stored token (kept current on rotation);
      // the other grants renew with the refresh token their last answer held.
      // (Looked up only on renewal: a cached token costs no settings read.)
      heldRefreshToken: async () =>
        this.invokers.find(ref.name, ref.scope)?.config.grantType === 'refresh_token' ? undefined : this.messages.get(ref)?.refreshToken,
      refresh: async (refreshToken, context) => {
        try {
          return await this.runner.run(ref, { ...run(context), refreshToken });
        } catch (error) {
          const e = error as { kind?: unknown; error?: unknown };
          refreshRefused = e.kind === 'server-rejected' && e.error === 'invalid_grant';
          throw error;
        }
      },
      reacquire: async (context) => {
        try {
          return await this.runner.run(ref, run(context));
        } catch (error) {
          if ((error as { kind?: unknown }).kind === 'sign-in-required' && !context.interactive) {
            this.askToSignIn(ref, refreshRefused);
          }
          throw error;
        }
      },
      ...(files !== undefined && ledger !== undefined
        ? {
            exclusive: <T>(task: () => Promise<T>, signal: AbortSignal): Promise<T> =>
              withFileLock(files.lock, task, {
                signal,
                onWait: (pid) => this.log.info(`[${invokerLabel(ref)}] waiting for another window (pid ${pid}) renewing this token`),
              }),
            reload: () => this.messages.reread(ref),
            wasSpent: (refreshToken: string) => ledger.has(refreshToken),
            markSpent: (refreshToken: string, spent: boolean) => ledger.mark(refreshToken, spent),
          }
        : {}),
    };
  }

  /** A message whose access token is valid for at least the safety margin, renewing it when needed. */
  async getAccessToken(ref: InvokerRef, options: TokenOptions): Promise<DJMessage> {
    // Right after activation the tokens of earlier sessions may still be loading: wait, rather than fetch anew.
    await this.messages.whenRestored();
    return this.broker.get(invokerKey(ref), this.source(ref), {
      forceRefresh: options.forceRefresh,
      interactive: options.interactive,
      signal: options.signal,
    });
  }

  /** Runs the invoker's own grant now (the Execute command), after any exchange of the invoker in flight. */
  async execute(ref: InvokerRef, options: TokenOptions): Promise<DJMessage> {
    await this.messages.whenRestored();
    return this.broker.serialize(invokerKey(ref), () => this.runner.run(ref, { interactive: options.interactive, signal: options.signal }));
  }

  /** The token of the invoker's current message the toolbox acts on, or InvokerUnavailable saying what to do first. */
  private heldToken(ref: InvokerRef, hint: TokenTypeHint, revoking: boolean): string {
    const record = this.messages.get(ref);
    const token = hint === 'access_token' ? (record?.failure === undefined ? record?.message.accessToken : undefined) : record?.refreshToken;
    if (token === undefined || token === '') {
      const what = hint === 'access_token' ? 'an access token' : 'a refresh token';
      throw new InvokerUnavailable(
        `Invoker "${invokerLabel(ref)}" holds no ${what}${hint === 'refresh_token' ? ' (its last answer had none)' : ''}: execute it first.`,
        false,
      );
    }
    if (revoking && hint === 'access_token' && record?.revoked === true) {
      throw new InvokerUnavailable(`The access token of "${invokerLabel(ref)}" was revoked already; execute the invoker for a new one.`, false);
    }
    return token;
  }

  /**
   * Introspects (RFC 7662) the invoker's current access or refresh token; the answer becomes the message
   * `<target>_INTROSPECTION` beside the invoker's own.
   */
  async introspect(ref: InvokerRef, hint: TokenTypeHint, options: TokenOptions): Promise<DJMessage> {
    await this.messages.whenRestored();
    return this.broker.serialize(invokerKey(ref), async () => {
      const message = await this.runner.toolbox(ref, 'introspect', this.heldToken(ref, hint, false), hint, {
        interactive: options.interactive,
        signal: options.signal,
      });
      if (message === undefined) {
        throw new Error('the introspection gave no message');
      }
      this.messages.setIntrospection({ invoker: ref, message });
      return message;
    });
  }

  /**
   * Revokes (RFC 7009) the invoker's current access or refresh token; once the server said 200 the token leaves the
   * cache: a revoked access token is no longer handed out (the next getAccessToken renews), a revoked refresh token is
   * no longer held. The token's fingerprint is kept so that a .http file still holding it says "revoked".
   */
  async revoke(ref: InvokerRef, hint: TokenTypeHint, options: TokenOptions): Promise<void> {
    await this.messages.whenRestored();
    await this.broker.serialize(invokerKey(ref), async () => {
      const token = this.heldToken(ref, hint, true);
      await this.runner.toolbox(ref, 'revoke', token, hint, { interactive: options.interactive, signal: options.signal });
      this.messages.markRevoked(token);
      const record = this.messages.get(ref);
      if (hint === 'access_token' && record !== undefined && record.message.accessToken === token) {
        await this.messages.set({ ...record, revoked: true });
      } else if (hint === 'refresh_token' && record !== undefined && record.refreshToken === token) {
        await this.messages.set({
          invoker: record.invoker,
          message: record.message,
          ...(record.failure !== undefined ? { failure: record.failure } : {}),
          ...(record.revoked === true ? { revoked: true } : {}),
        });
      }
      this.log.info(`[${invokerLabel(ref)}] ${hint === 'access_token' ? 'access' : 'refresh'} token revoked; it left the cache`);
    });
  }

  /**
   * Signs the invoker out: where it has a Revocation Endpoint, its refresh token and then its access token are revoked
   * at the server first (RFC 7009 §2: a revoked refresh token may take its access tokens along), each best effort —
   * a failure is logged and reported, the sign-out goes on; then its tokens are forgotten. Never asks: a route that
   * changed since its secrets were entered is reported, not confirmed. Resolves with what could not be revoked.
   */
  async signOut(ref: InvokerRef): Promise<string[]> {
    await this.messages.whenRestored();
    const problems: string[] = [];
    await this.broker.serialize(invokerKey(ref), async () => {
      const record = this.messages.get(ref);
      const revocable = (this.invokers.find(ref.name, ref.scope)?.config.revocationEndpoint ?? '').trim() !== '';
      const held: Array<[TokenTypeHint, string | undefined]> = [
        ['refresh_token', record?.refreshToken],
        ['access_token', record?.failure === undefined && record?.revoked !== true ? record?.message.accessToken : undefined],
      ];
      for (const [hint, token] of revocable ? held : []) {
        if (token === undefined || token === '') {
          continue;
        }
        try {
          await this.runner.toolbox(ref, 'revoke', token, hint, { interactive: false });
          this.messages.markRevoked(token);
          this.log.info(`[${invokerLabel(ref)}] sign-out: the ${hint === 'access_token' ? 'access' : 'refresh'} token was revoked at the server`);
        } catch (error) {
          const problem = `the ${hint === 'access_token' ? 'access' : 'refresh'} token was not revoked at the server: ${errorText(error)}`;
          problems.push(problem);
          this.log.warn(`[${invokerLabel(ref)}] sign-out: ${problem}`);
        }
      }
      await this.messages.delete([ref]);
    });
    this.log.info(`[${invokerLabel(ref)}] signed out: its tokens are cleared`);
    return problems;
  }

  /** Forgets the invoker's tokens: its message (with the held refresh token). */
  async clear(refs: readonly InvokerRef[]): Promise<void> {
    await this.messages.delete(refs);
    this.log.info(`tokens cleared: ${refs.map((ref) => invokerLabel(ref)).join(', ') || 'none'}`);
  }
}
