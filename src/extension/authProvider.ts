import { errorText } from './tokenUi';
import * as vscode from 'vscode';
import type { DJMessage } from '../core/model/djMessage';
import { pickInvoker, type RecentInvokers } from './invokerPicker';
import { invokerKey, invokerLabel, type InvokerRef, type InvokerStore } from './invokerStore';
import type { MessageStore } from './messageStore';
import type { TokenService } from './tokenService';
import { showWarning } from './notifications';

/** The provider id other extensions pass to `vscode.authentication.getSession`. */
export const AUTH_PROVIDER_ID = 'oauth2-invoker';
export const AUTH_PROVIDER_LABEL = 'OAuth2 Invoker';
/** The scope that names an invoker: `invoker:<name>` (the workspace's invoker of that name before the user's). */
export const INVOKER_SCOPE_PREFIX = 'invoker:';

export interface AuthProviderParts {
  readonly invokers: InvokerStore;
  readonly messages: MessageStore;
  readonly tokens: TokenService;
  readonly recent: RecentInvokers;
  readonly log: vscode.LogOutputChannel;
}

/** The invoker names among the requested scopes; other scopes are not ours to interpret and are ignored. */
export function invokerNamesOf(scopes: readonly string[] | undefined): string[] {
  return (scopes ?? []).filter((scope) => scope.startsWith(INVOKER_SCOPE_PREFIX)).map((scope) => scope.slice(INVOKER_SCOPE_PREFIX.length).trim());
}

/**
 * VS Code's Accounts for other extensions: each invoker is an account, its session's access token comes from
 * TokenService (the cache while valid, else renewal, one exchange at a time). Another extension gets the access
 * token only — never a stored secret or a refresh token — and VS Code asks the user before it gets any.
 * An invoker is "signed in" while it holds a token (a message); signing out clears its tokens.
 */
export class InvokerAuthenticationProvider implements vscode.AuthenticationProvider, vscode.Disposable {
  private readonly changed = new vscode.EventEmitter<vscode.AuthenticationProviderAuthenticationSessionsChangeEvent>();
  readonly onDidChangeSessions = this.changed.event;
  /** The access token each session was last known with, by session id: what a change is measured against. */
  private readonly known = new Map<string, vscode.AuthenticationSession>();
  private readonly listener: vscode.Disposable;

  constructor(private readonly p: AuthProviderParts) {
    this.listener = p.messages.onDidChange(() => this.update());
  }

  dispose(): void {
    this.listener.dispose();
    this.changed.dispose();
  }

  private refOf(name: string): InvokerRef | undefined {
    const entry = this.p.invokers.find(name);
    return entry !== undefined ? { name: entry.config.name, scope: entry.scope } : undefined;
  }

  private session(ref: InvokerRef, message: DJMessage): vscode.AuthenticationSession {
    return {
      id: invokerKey(ref),
      accessToken: message.accessToken ?? '',
      account: { id: invokerKey(ref), label: invokerLabel(ref) },
      scopes: [`${INVOKER_SCOPE_PREFIX}${ref.name}`],
    };
  }

  /** The sessions as they are now: every invoker whose last exchange gave an access token (no network). */
  private current(): vscode.AuthenticationSession[] {
    return this.p.messages
      .list()
      .filter((record) => record.failure === undefined && record.message.accessToken !== undefined && record.message.accessToken !== '')
      .filter((record) => this.p.invokers.find(record.invoker.name, record.invoker.scope) !== undefined)
      .map((record) => this.session(record.invoker, record.message));
  }

  /** Fires what changed since last time: a renewed token (changed), a sign-out or deletion (removed), a new token (added). */
  private update(): void {
    const now = new Map(this.current().map((session) => [session.id, session]));
    const added: vscode.AuthenticationSession[] = [];
    const removed: vscode.AuthenticationSession[] = [];
    const changed: vscode.AuthenticationSession[] = [];
    for (const [id, session] of now) {
      const before = this.known.get(id);
      if (before === undefined) {
        added.push(session);
      } else if (before.accessToken !== session.accessToken) {
        changed.push(session);
      }
    }
    for (const [id, session] of this.known) {
      if (!now.has(id)) {
        removed.push(session);
      }
    }
    this.known.clear();
    for (const [id, session] of now) {
      this.known.set(id, session);
    }
    if (added.length + removed.length + changed.length > 0) {
      this.changed.fire({ added, removed, changed });
    }
  }

  /**
   * With `invoker:<name>` scopes: that invoker's session, its token renewed first when it is due (refresh token,
   * else its own grant, without asking anyone); none when it has no token yet (then `createIfNone` signs in).
   * Without: every invoker that holds a token, as the Accounts menu lists them — nothing is sent for that.
   */
  async getSessions(scopes: readonly string[] | undefined): Promise<vscode.AuthenticationSession[]> {
    await this.p.messages.whenRestored();
    const names = invokerNamesOf(scopes);
    if (names.length === 0) {
      return (scopes ?? []).length === 0 ? this.current() : [];
    }
    const sessions: vscode.AuthenticationSession[] = [];
    for (const name of names) {
      const ref = this.refOf(name);
      const record = ref !== undefined ? this.p.messages.get(ref) : undefined;
      if (ref === undefined || record === undefined || record.message.accessToken === undefined) {
        continue;
      }
      try {
        sessions.push(this.session(ref, await this.p.tokens.getAccessToken(ref, { interactive: false })));
      } catch (error) {
        // Renewal needs a person (a withheld secret) or failed: no session; createIfNone then signs in interactively.
        this.p.log.warn(`[${invokerLabel(ref)}] no session for another extension: ${errorText(error)}`);
      }
    }
    this.update();
    return sessions;
  }

  /** Signs in: gets a token for the invoker the scopes name (or the one the user picks), asking whatever it must. */
  async createSession(scopes: readonly string[]): Promise<vscode.AuthenticationSession> {
    const [name] = invokerNamesOf(scopes);
    const ref = name !== undefined ? this.refOf(name) : await pickInvoker(this.p.invokers, this.p.recent, 'Sign in with which OAuth2 invoker?');
    if (ref === undefined) {
      throw new Error(name !== undefined ? `There is no OAuth2 invoker "${name}".` : 'No OAuth2 invoker was chosen.');
    }
    const message = await this.p.tokens.getAccessToken(ref, { interactive: true });
    this.p.log.info(`[${invokerLabel(ref)}] signed in for VS Code Accounts`);
    this.update();
    return this.session(ref, message);
  }

  /** Signs out (the Accounts menu): clears the invoker's tokens, its message with its refresh token. */
  async removeSession(sessionId: string): Promise<void> {
    // The session id is the invoker's key, `<scope>:<name>`.
    const colon = sessionId.indexOf(':');
    const scope = sessionId.slice(0, colon);
    if (colon < 0 || (scope !== 'user' && scope !== 'workspace')) {
      return;
    }
    const ref: InvokerRef = { name: sessionId.slice(colon + 1), scope };
    const problems = await this.p.tokens.signOut(ref);
    this.p.log.info(`[${invokerLabel(ref)}] signed out from VS Code Accounts`);
    this.update();
    if (problems.length > 0) {
      void showWarning(`Signed out of "${invokerLabel(ref)}", but ${problems.join('; ')}. It stays valid until it expires.`);
    }
  }
}
