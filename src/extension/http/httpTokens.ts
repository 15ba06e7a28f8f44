import * as vscode from 'vscode';
import type { CommandTargets } from '../commandTargets';
import type { DJMessage } from '../../core/model/djMessage';
import { decodeJwt, numericDateMs } from '../../core/model/jwt';
import { describeExpiry } from '../../shared/expiry';
import { pickInvoker, type RecentInvokers } from '../invokerPicker';
import { invokerKey, invokerLabel, type InvokerEntry, type InvokerRef, type InvokerStore } from '../invokerStore';
import type { MessageStore } from '../messageStore';
import type { TokenService } from '../tokenService';
import { reportTokenFailure, withTokenProgress } from '../tokenUi';
import { showError } from '../notifications';

/** What the .http support works with; built once in activate(). */
export interface HttpSupportDependencies {
  readonly invokers: InvokerStore;
  readonly messages: MessageStore;
  readonly tokens: TokenService;
  readonly recent: RecentInvokers;
  readonly log: vscode.LogOutputChannel;
  /** Which command arguments the extension made itself (CodeLens and completion arguments are marked there). */
  readonly targets: CommandTargets;
}

/** A command's invoker argument: a reference, or a name (the workspace's invoker of that name first). */
export type InvokerArgument = InvokerRef | string | undefined;

function isRef(value: unknown): value is InvokerRef {
  return (
    value !== null &&
    typeof value === 'object' &&
    typeof (value as InvokerRef).name === 'string' &&
    ((value as InvokerRef).scope === 'user' || (value as InvokerRef).scope === 'workspace')
  );
}

/**
 * The invokers' tokens as the .http features see them: names resolved, the cache read without network, and valid
 * tokens obtained through TokenService (the one path that hands out tokens) with progress and one line on failure.
 */
export class HttpTokens {
  constructor(private readonly deps: HttpSupportDependencies) {}

  get log(): vscode.LogOutputChannel {
    return this.deps.log;
  }

  /** Marks a CodeLens's or a completion's arguments as the extension's own. */
  own<T>(args: T): T {
    return this.deps.targets.own(args);
  }

  /** The invoker of that name, as a marker comment names it: the workspace's first. */
  refOf(name: string): InvokerRef | undefined {
    const entry = this.deps.invokers.find(name);
    return entry !== undefined ? { name: entry.config.name, scope: entry.scope } : undefined;
  }

  /** The invoker a command is about: the one given, or the user's pick (last used first). */
  async resolve(argument: unknown, placeHolder: string): Promise<InvokerRef | undefined> {
    if (isRef(argument)) {
      return argument;
    }
    if (typeof argument === 'string') {
      const ref = this.refOf(argument);
      if (ref === undefined) {
        void showError(`There is no OAuth2 invoker named "${argument}".`);
      }
      return ref;
    }
    return pickInvoker(this.deps.invokers, this.deps.recent, placeHolder);
  }

  /** Every invoker, last used first. */
  list(): InvokerEntry[] {
    const order = this.deps.recent.order();
    const rank = (entry: InvokerEntry): number => {
      const index = order.indexOf(invokerKey({ name: entry.config.name, scope: entry.scope }));
      return index === -1 ? Number.MAX_SAFE_INTEGER : index;
    };
    return this.deps.invokers.list().sort((a, b) => rank(a) - rank(b));
  }

  /** The invoker's last message when it holds a token, without any network. */
  cached(ref: InvokerRef): DJMessage | undefined {
    const record = this.deps.messages.get(ref);
    return record?.failure === undefined && record?.revoked !== true && record?.message.accessToken !== undefined ? record.message : undefined;
  }

  /** The cached token when it is valid for at least the safety margin, else undefined. */
  freshToken(ref: InvokerRef): string | undefined {
    const message = this.cached(ref);
    return this.deps.tokens.broker.isFresh(message) ? message.accessToken : undefined;
  }

  /**
   * A valid token's message: from the cache when fresh, else renewed under a cancellable progress notification.
   * `interactive` is for a command a person runs (Insert…): it may sign in and ask for a withheld secret. The CodeLens
   * and completion are not: with no token to renew they fail with sign-in-required, and TokenService's "Sign In
   * Again" notification is the way to a browser.
   * A failure is logged and told in one line; the result is then undefined.
   */
  async obtain(ref: InvokerRef, options: { interactive: boolean; forceRefresh?: boolean }): Promise<DJMessage | undefined> {
    await this.deps.recent.touch(ref);
    const { interactive } = options;
    const forceRefresh = options.forceRefresh === true;
    try {
      if (!forceRefresh && this.freshToken(ref) !== undefined) {
        return await this.deps.tokens.getAccessToken(ref, { interactive });
      }
      return await withTokenProgress(`${forceRefresh ? 'Refreshing' : 'Getting'} the access token of "${invokerLabel(ref)}"…`, (signal) =>
        this.deps.tokens.getAccessToken(ref, { interactive, forceRefresh, signal }),
      );
    } catch (error) {
      if (!interactive && (error as { kind?: unknown } | null)?.kind === 'sign-in-required') {
        // TokenService has already offered "Sign In Again": one notification, not two.
        this.log.warn(`[${invokerLabel(ref)}] no access token for the .http file: sign-in required (the CodeLens and completion never sign in)`);
        return undefined;
      }
      reportTokenFailure(ref, error, {
        log: this.log,
        doing: 'no access token for the .http file',
        edit: () => void vscode.commands.executeCommand('oauth2Invoker.editInvoker', ref),
      });
      return undefined;
    }
  }

  /**
   * When a token written in a document expires: the cached message's expiry when it is the invoker's current
   * token, else the JWT's `exp`; undefined when neither tells.
   */
  expiryOf(ref: InvokerRef, value: string): { expiresAt?: number; current: boolean } {
    const message = this.cached(ref);
    if (message !== undefined && message.accessToken === value) {
      return { expiresAt: message.metadata.expiresAt, current: true };
    }
    const jwt = decodeJwt(value);
    return { expiresAt: jwt !== undefined ? numericDateMs(jwt.payload, 'exp') : undefined, current: false };
  }

  /** "expires in 12 min", "expired 3 min ago", or why that is not known, for a token written in a document. */
  describeValue(ref: InvokerRef, value: string, now: number): string {
    if (value === '') {
      return 'no token';
    }
    if (this.deps.messages.isRevoked(value)) {
      return 'revoked';
    }
    const { expiresAt, current } = this.expiryOf(ref, value);
    if (expiresAt !== undefined) {
      return describeExpiry(expiresAt, now);
    }
    return current || this.cached(ref) === undefined ? 'expiry unknown' : 'not the current token';
  }
}
