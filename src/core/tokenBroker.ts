import type { DJMessage } from './djMessage';

/** Where one invoker's tokens come from: its last message, and the two grants that can renew it. */
export interface TokenSource {
  /** The invoker's last successful message, if any. */
  current(): DJMessage | undefined;
  /** The refresh token held for the invoker, if any (the last answer's, or one the user stored). */
  heldRefreshToken(): Promise<string | undefined>;
  /** Runs the refresh-token grant with that token; stores and returns the new message. */
  refresh(refreshToken: string): Promise<DJMessage>;
  /** Runs the invoker's own grant (client credentials, password, or its stored refresh token); stores and returns it. */
  reacquire(): Promise<DJMessage>;
}

export interface TokenRequestOptions {
  /** Renew even when the cached token is still valid (the Refresh Token command). */
  readonly forceRefresh?: boolean;
}

/** How a token was obtained, for logs and tests. */
export type TokenOutcome = 'cached' | 'refreshed' | 'reacquired' | 'joined';

/**
 * Hands out a valid access token per invoker: from the cache while it is valid for at least the safety margin,
 * else by the refresh-token grant when a refresh token is held, else by the invoker's own grant. Single flight:
 * concurrent requests for one invoker share one network exchange, and every exchange of one invoker (renewals and
 * explicit executions alike) runs after the previous one, so a rotating server never sees a refresh token twice.
 */
export class TokenBroker {
  private readonly inflight = new Map<string, Promise<DJMessage>>();
  private readonly chains = new Map<string, Promise<unknown>>();
  /** Counts how each request was served (tests and benchmarks read it). */
  readonly outcomes: Record<TokenOutcome, number> = { cached: 0, refreshed: 0, reacquired: 0, joined: 0 };

  constructor(
    private readonly clock: () => number,
    private readonly marginMs: () => number,
    private readonly onRefreshFailed: (error: unknown) => void = () => undefined,
  ) {}

  /** True when the message's token is valid for at least the margin; a token of unknown expiry counts as valid. */
  isFresh(message: DJMessage | undefined): message is DJMessage {
    if (message === undefined || message.metadata.failed || message.accessToken === undefined) {
      return false;
    }
    const expiresAt = message.metadata.expiresAt;
    return expiresAt === undefined || expiresAt - this.clock() >= this.marginMs();
  }

  /** A valid token's message for the invoker `key`, renewing it when needed. */
  get(key: string, source: TokenSource, options: TokenRequestOptions = {}): Promise<DJMessage> {
    const cached = source.current();
    if (options.forceRefresh !== true && this.isFresh(cached)) {
      this.outcomes.cached += 1;
      return Promise.resolve(cached);
    }
    const running = this.inflight.get(key);
    if (running !== undefined) {
      this.outcomes.joined += 1;
      return running;
    }
    const renewal = this.serialize(key, () => this.renew(source, options.forceRefresh === true));
    this.inflight.set(key, renewal);
    const forget = (): void => {
      if (this.inflight.get(key) === renewal) {
        this.inflight.delete(key);
      }
    };
    renewal.then(forget, forget);
    return renewal;
  }

  /**
   * Runs `task` after every earlier exchange of the invoker `key` has settled (an explicit Execute, say). With several
   * keys (a rename touches the old name and the new), after those of each; keys are taken in one order, so two such
   * tasks never wait for each other.
   */
  serialize<T>(keys: string | readonly string[], task: () => Promise<T>): Promise<T> {
    const [first, ...rest] = typeof keys === 'string' ? [keys] : [...new Set(keys)].sort();
    return rest.length === 0 ? this.serializeOne(first, task) : this.serializeOne(first, () => this.serialize(rest, task));
  }

  private serializeOne<T>(key: string, task: () => Promise<T>): Promise<T> {
    const previous = this.chains.get(key) ?? Promise.resolve();
    const next = previous.then(task, task);
    const settled = next.then(
      () => undefined,
      () => undefined,
    );
    this.chains.set(key, settled);
    void settled.then(() => {
      if (this.chains.get(key) === settled) {
        this.chains.delete(key);
      }
    });
    return next;
  }

  private async renew(source: TokenSource, force: boolean): Promise<DJMessage> {
    // An exchange that ran while this one waited may have renewed the token already.
    const cached = source.current();
    if (!force && this.isFresh(cached)) {
      this.outcomes.cached += 1;
      return cached;
    }
    const refreshToken = await source.heldRefreshToken();
    if (refreshToken !== undefined && refreshToken !== '') {
      try {
        const message = await source.refresh(refreshToken);
        this.outcomes.refreshed += 1;
        return message;
      } catch (error) {
        if (!isRefreshRejection(error)) {
          throw error;
        }
        this.onRefreshFailed(error);
      }
    }
    const message = await source.reacquire();
    this.outcomes.reacquired += 1;
    return message;
  }
}

/** The server refused the refresh token itself (expired, revoked, reused): the invoker's own grant can start over. */
function isRefreshRejection(error: unknown): boolean {
  const e = error as { kind?: unknown; error?: unknown } | undefined;
  return e?.kind === 'server-rejected' && e.error === 'invalid_grant';
}
