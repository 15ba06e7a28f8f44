import type { DJMessage } from '../model/djMessage';
import { InvokerError } from '../model/errors';

/**
 * What one renewal runs with. It belongs to the renewal, not to any one caller: its signal aborts only once every
 * caller waiting for it has cancelled, and `personNeeded` is called before the renewal asks a person anything (a
 * confirmation, a browser sign-in, a device code), so that callers who may not wait for a person stop waiting.
 */
export interface RenewalContext {
  readonly interactive: boolean;
  readonly signal: AbortSignal;
  personNeeded(): void;
  /** Called (and awaited) right before the refresh token is sent, after every check that may refuse to send it. */
  readonly beforeSend?: () => Promise<void>;
}

/** Where one invoker's tokens come from: its last message, and the two grants that can renew it. */
export interface TokenSource {
  /** The invoker's last successful message that may be handed out now, if any. */
  current(): DJMessage | undefined;
  /** The refresh token held for the invoker, if any (the last answer's, or one the user stored). */
  heldRefreshToken(): Promise<string | undefined>;
  /** Runs the refresh-token grant with that token; stores and returns the new message. */
  refresh(refreshToken: string, context: RenewalContext): Promise<DJMessage>;
  /** Runs the invoker's own grant (client credentials, password, or its stored refresh token); stores and returns it. */
  reacquire(context: RenewalContext): Promise<DJMessage>;
  /**
   * Runs `task` exclusively across processes (VS Code windows each have their own extension host), under a lock every
   * window honours; the broker runs each refresh in it.
   */
  exclusive?<T>(task: () => Promise<T>, signal: AbortSignal): Promise<T>;
  /** Reads the stored state again (another window may have renewed it); called inside `exclusive`. */
  reload?(): Promise<void>;
  /** Whether a refresh token was sent already, by any window (a rotating server accepts it once); inside `exclusive`. */
  wasSpent?(refreshToken: string): Promise<boolean>;
  /**
   * Notes that a refresh token is being sent, right before it is (through the context's `beforeSend`), or, `spent`
   * false, that it is still the one to use after all; inside `exclusive`.
   */
  markSpent?(refreshToken: string, spent: boolean): Promise<void>;
}

export interface TokenRequestOptions {
  /** Renew even when the cached token is still valid (the Refresh Token command). */
  readonly forceRefresh?: boolean;
  /** May the renewal ask a person (a confirmation, a browser, a device code)? Default false. */
  readonly interactive?: boolean;
  /** This caller's cancel: it stops this caller's wait, and the renewal itself only when no other caller waits. */
  readonly signal?: AbortSignal;
}

/** How a token was obtained, for logs and tests. */
export type TokenOutcome = 'cached' | 'refreshed' | 'reacquired' | 'joined';

/** One renewal in flight, shared by every caller who asked for the invoker's token meanwhile. */
class Renewal {
  readonly controller = new AbortController();
  /** Callers still waiting that can cancel (those without a signal never do, and keep the renewal alive). */
  private cancellable = 0;
  private steadfast = 0;
  private askedPerson = false;
  private readonly onPerson = new Set<() => void>();
  promise!: Promise<DJMessage>;

  readonly context: RenewalContext;

  constructor(readonly interactive: boolean) {
    this.context = {
      interactive,
      signal: this.controller.signal,
      personNeeded: () => {
        if (!this.askedPerson) {
          this.askedPerson = true;
          for (const listener of this.onPerson) {
            listener();
          }
        }
      },
    };
  }

  /** True once the renewal asked (or, not interactive, would have asked) a person. */
  get neededPerson(): boolean {
    return this.askedPerson;
  }

  /**
   * This caller's view of the renewal: its result, or the caller's own cancel; a background caller of an interactive
   * renewal stops waiting with `sign-in-required` when the renewal turns to a person.
   */
  join(interactive: boolean, signal: AbortSignal | undefined): Promise<DJMessage> {
    const waitsForPerson = interactive || !this.interactive;
    if (!waitsForPerson && this.askedPerson) {
      return Promise.reject(personRequired());
    }
    if (signal === undefined) {
      this.steadfast += 1;
    } else {
      this.cancellable += 1;
    }
    return new Promise<DJMessage>((resolve, reject) => {
      let done = false;
      const cleanups: Array<() => void> = [];
      const finish = (settle: () => void): void => {
        if (!done) {
          done = true;
          cleanups.forEach((cleanup) => cleanup());
          settle();
        }
      };
      this.promise.then(
        (message) => finish(() => resolve(message)),
        (error: unknown) => finish(() => reject(error)),
      );
      if (signal !== undefined) {
        const onAbort = (): void => {
          finish(() => reject(cancelled()));
          this.leave();
        };
        if (signal.aborted) {
          onAbort();
        } else {
          signal.addEventListener('abort', onAbort, { once: true });
          cleanups.push(() => signal.removeEventListener('abort', onAbort));
        }
      }
      if (!waitsForPerson) {
        const onPerson = (): void => finish(() => reject(personRequired()));
        this.onPerson.add(onPerson);
        cleanups.push(() => this.onPerson.delete(onPerson));
      }
    });
  }

  /** A cancellable caller cancelled: the renewal stops when nobody waits for it any more. */
  private leave(): void {
    this.cancellable -= 1;
    if (this.cancellable <= 0 && this.steadfast === 0) {
      this.controller.abort();
    }
  }
}

/** How long a renewal waits, in turn, for another window's refresh to reach this one through the shared storage. */
const SPENT_WAITS_MS = [50, 100, 200, 400, 800, 1_600] as const;

function cancelled(): InvokerError {
  return new InvokerError('The token request was cancelled.', { kind: 'aborted' });
}

function personRequired(): InvokerError {
  return new InvokerError(
    'The token is being renewed in another request that waits for you (a confirmation or a sign-in); requests made in the background do not wait for a person.',
    { kind: 'sign-in-required' },
  );
}

/**
 * Hands out a valid access token per invoker: from the cache while it is valid for at least the safety margin,
 * else by the refresh-token grant when a refresh token is held, else by the invoker's own grant. Single flight:
 * concurrent requests for one invoker share one network exchange, and every exchange of one invoker (renewals and
 * explicit executions alike) runs after the previous one, so a rotating server never sees a refresh token twice.
 * Each caller keeps its own cancel and its own interactivity: a cancelled Copy does not abort an extension's renewal,
 * a background caller never waits for a browser, an interactive caller is not refused because a background renewal was.
 * With a cross-process lock, a refresh also waits for the same invoker's refresh in other windows, and reads the
 * stored token again first, so two windows never send the same refresh token.
 */
export class TokenBroker {
  private readonly inflight = new Map<string, Renewal>();
  private readonly chains = new Map<string, Promise<unknown>>();
  /** Counts how each request was served (tests and benchmarks read it). */
  readonly outcomes: Record<TokenOutcome, number> = { cached: 0, refreshed: 0, reacquired: 0, joined: 0 };

  constructor(
    private readonly clock: () => number,
    private readonly marginMs: () => number,
    private readonly onRefreshFailed: (error: unknown) => void = () => undefined,
    /** Waits between reads of a refresh another window made, whose answer has not reached this one yet (tests: instant). */
    private readonly pause: (ms: number, signal: AbortSignal) => Promise<void> = (ms, signal) =>
      new Promise((resolve) => {
        const done = (): void => {
          clearTimeout(timer);
          signal.removeEventListener('abort', done);
          resolve();
        };
        const timer = setTimeout(done, ms);
        signal.addEventListener('abort', done, { once: true });
      }),
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
  async get(key: string, source: TokenSource, options: TokenRequestOptions = {}): Promise<DJMessage> {
    const interactive = options.interactive === true;
    const cached = source.current();
    if (options.forceRefresh !== true && this.isFresh(cached)) {
      this.outcomes.cached += 1;
      return cached;
    }
    const running = this.inflight.get(key);
    // A renewal every caller cancelled is only unwinding: a new caller starts another one after it.
    if (running !== undefined && !running.controller.signal.aborted) {
      this.outcomes.joined += 1;
      try {
        return await running.join(interactive, options.signal);
      } catch (error) {
        // A background renewal stopped where a person was needed: this caller is one, so it renews itself.
        if (!(interactive && !running.interactive && running.neededPerson)) {
          throw error;
        }
      }
      return this.get(key, source, options);
    }
    const renewal = new Renewal(interactive);
    renewal.promise = this.serialize(key, () => this.renew(source, options.forceRefresh === true, renewal.context));
    this.inflight.set(key, renewal);
    const forget = (): void => {
      if (this.inflight.get(key) === renewal) {
        this.inflight.delete(key);
      }
    };
    renewal.promise.then(forget, forget);
    return renewal.join(interactive, options.signal);
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

  /**
   * The refresh part of a renewal, exclusive across windows when the source can be: the stored state is read again
   * first, a token another window renewed meanwhile is taken as it is, and a refresh token any window sent already is
   * never sent again (its new token is waited for). Resolves to the message, or to undefined when no refresh token is
   * held or the server refused it (then the invoker's own grant starts over, outside the lock).
   */
  private async refreshed(source: TokenSource, force: boolean, context: RenewalContext): Promise<DJMessage | undefined> {
    const attempt = async (): Promise<DJMessage | undefined> => {
      let refreshToken: string | undefined;
      for (let wait = 0; ; wait += 1) {
        await source.reload?.();
        const cached = source.current();
        if (!force && source.reload !== undefined && this.isFresh(cached)) {
          this.outcomes.cached += 1;
          return cached;
        }
        refreshToken = await source.heldRefreshToken();
        if (refreshToken === undefined || refreshToken === '' || source.wasSpent === undefined || !(await source.wasSpent(refreshToken))) {
          break;
        }
        // Another window sent this refresh token: its answer (a new refresh token) is on its way through the shared
        // storage, which the next reads take. A spent refresh token is never sent.
        if (wait >= SPENT_WAITS_MS.length) {
          throw new InvokerError('Another VS Code window renewed this token with its refresh token, and its new token has not arrived here: try again.', {
            kind: 'network',
          });
        }
        await this.pause(SPENT_WAITS_MS[wait], context.signal);
        context.signal.throwIfAborted();
      }
      if (refreshToken === undefined || refreshToken === '') {
        return undefined;
      }
      try {
        const spending = refreshToken;
        let message: DJMessage;
        try {
          message = await source.refresh(refreshToken, {
            ...context,
            // Noted as spent only once it is really sent: a refresh refused before sending (a changed route) spends nothing.
            beforeSend: async () => source.markSpent?.(spending, true),
          });
        } finally {
          // Still the one held (an answer without a new refresh token, RFC 6749 §6; or no answer at all): no other
          // token replaces it, so it is not spent for the other windows either.
          if ((await source.heldRefreshToken()) === spending) {
            await source.markSpent?.(spending, false);
          }
        }
        this.outcomes.refreshed += 1;
        return message;
      } catch (error) {
        if (!isRefreshRejection(error)) {
          throw error;
        }
        this.onRefreshFailed(error);
        return undefined;
      }
    };
    return source.exclusive !== undefined ? source.exclusive(attempt, context.signal) : attempt();
  }

  private async renew(source: TokenSource, force: boolean, context: RenewalContext): Promise<DJMessage> {
    // An exchange that ran while this one waited may have renewed the token already.
    const cached = source.current();
    if (!force && this.isFresh(cached)) {
      this.outcomes.cached += 1;
      return cached;
    }
    const message = await this.refreshed(source, force, context);
    if (message !== undefined) {
      return message;
    }
    const acquired = await source.reacquire(context);
    this.outcomes.reacquired += 1;
    return acquired;
  }
}

/** The server refused the refresh token itself (expired, revoked, reused): the invoker's own grant can start over. */
function isRefreshRejection(error: unknown): boolean {
  const e = error as { kind?: unknown; error?: unknown } | undefined;
  return e?.kind === 'server-rejected' && e.error === 'invalid_grant';
}
