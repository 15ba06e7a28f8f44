import * as assert from 'node:assert/strict';
import { DJMessage } from '../../src/core/model/djMessage';
import { InvokerError } from '../../src/core/model/errors';
import { TokenBroker, type RenewalContext, type TokenSource } from '../../src/core/tokens/tokenBroker';

function message(token: string, expiresAt: number | undefined, refreshToken?: string): DJMessage {
  const properties: Array<[string, string]> = [['AccessToken', token]];
  if (refreshToken !== undefined) {
    properties.push(['refresh_token', refreshToken]);
  }
  return new DJMessage({
    name: 'DJMOUT',
    body: '{}',
    properties,
    metadata: {
      status: 200,
      receivedAt: 0,
      expiresAt,
      warnings: [],
      grantType: 'client_credentials',
      tokenUrl: 'https://as/token',
      clientAuthentication: 'client_secret_basic',
      failed: false,
    },
  });
}

/** A source whose grants take a tick and count their calls. */
class FakeSource implements TokenSource {
  last: DJMessage | undefined;
  held: string | undefined;
  refreshes: string[] = [];
  reacquires = 0;
  refreshError: unknown;
  constructor(
    private readonly clock: () => number,
    private readonly lifetimeMs = 60_000,
  ) {}
  current(): DJMessage | undefined {
    return this.last;
  }
  async heldRefreshToken(): Promise<string | undefined> {
    return this.held;
  }
  async refresh(refreshToken: string): Promise<DJMessage> {
    this.refreshes.push(refreshToken);
    await new Promise((resolve) => setTimeout(resolve, 5));
    if (this.refreshError !== undefined) {
      throw this.refreshError;
    }
    this.held = `${refreshToken}+`;
    this.last = message(`refreshed-${this.refreshes.length}`, this.clock() + this.lifetimeMs, this.held);
    return this.last;
  }
  async reacquire(): Promise<DJMessage> {
    this.reacquires += 1;
    await new Promise((resolve) => setTimeout(resolve, 5));
    this.last = message(`acquired-${this.reacquires}`, this.clock() + this.lifetimeMs);
    return this.last;
  }
}

suite('token broker', () => {
  let now = 1_000_000;
  const clock = (): number => now;
  const margin = (): number => 60_000;
  setup(() => {
    now = 1_000_000;
  });

  test('a token valid for at least the margin comes from the cache', async () => {
    const broker = new TokenBroker(clock, margin);
    const source = new FakeSource(clock);
    source.last = message('cached', now + 61_000);
    assert.equal((await broker.get('a', source)).accessToken, 'cached');
    assert.equal(source.reacquires, 0);
    assert.equal(broker.outcomes.cached, 1);
  });

  test('a token inside the margin is renewed: refresh when a refresh token is held, else the own grant', async () => {
    const broker = new TokenBroker(clock, margin);
    const source = new FakeSource(clock);
    source.last = message('old', now + 59_000);
    assert.equal((await broker.get('a', source)).accessToken, 'acquired-1');
    source.held = 'rt';
    now += 3_600_000;
    assert.equal((await broker.get('a', source)).accessToken, 'refreshed-1');
    assert.deepEqual(source.refreshes, ['rt']);
  });

  test('a token of unknown expiry counts as valid; a failed message does not', async () => {
    const broker = new TokenBroker(clock, margin);
    const source = new FakeSource(clock);
    source.last = message('forever', undefined);
    assert.equal((await broker.get('a', source)).accessToken, 'forever');
    source.last = new DJMessage({ ...message('x', undefined).toJSON(), metadata: { ...message('x', undefined).metadata, failed: true } });
    assert.equal((await broker.get('a', source)).accessToken, 'acquired-1');
  });

  test('100 concurrent requests cause one exchange and all get its result', async () => {
    const broker = new TokenBroker(clock, margin);
    const source = new FakeSource(clock);
    const results = await Promise.all(Array.from({ length: 100 }, () => broker.get('a', source)));
    assert.equal(source.reacquires, 1);
    assert.ok(results.every((m) => m.accessToken === 'acquired-1'));
    assert.equal(broker.outcomes.joined, 99);
  });

  test('refreshes of one invoker are serialized: a rotating refresh token is never sent twice', async () => {
    const broker = new TokenBroker(clock, margin);
    const source = new FakeSource(clock, 0); // every token is born expired: each request renews
    source.held = 'rt0';
    const first = broker.get('a', source, { forceRefresh: true });
    const explicit = broker.serialize('a', () => source.refresh(source.held ?? ''));
    await Promise.all([first, explicit]);
    await broker.get('a', source, { forceRefresh: true });
    assert.deepEqual(source.refreshes, ['rt0', 'rt0+', 'rt0++']);
  });

  test('different invokers do not wait for each other', async () => {
    const broker = new TokenBroker(clock, margin);
    const a = new FakeSource(clock);
    const b = new FakeSource(clock);
    // a's exchange only finishes once b's has started: were b queued behind a, neither would ever settle.
    let release!: () => void;
    const bStarted = new Promise<void>((resolve) => (release = resolve));
    const aReacquire = a.reacquire.bind(a);
    a.reacquire = async () => {
      await bStarted;
      return aReacquire();
    };
    const bReacquire = b.reacquire.bind(b);
    b.reacquire = () => {
      release();
      return bReacquire();
    };
    await Promise.all([broker.get('a', a), broker.get('b', b)]);
    assert.equal(a.reacquires + b.reacquires, 2);
  });

  test("one invoker's exchanges do not overlap", async () => {
    const broker = new TokenBroker(clock, margin);
    const source = new FakeSource(clock);
    let running = 0;
    let overlapped = false;
    const exchange = async (): Promise<DJMessage> => {
      running += 1;
      overlapped ||= running > 1;
      const result = await source.reacquire();
      running -= 1;
      return result;
    };
    await Promise.all([broker.serialize('a', exchange), broker.serialize('a', exchange), broker.serialize('a', exchange)]);
    assert.equal(overlapped, false);
  });

  test('a rejected refresh token (invalid_grant) falls back to the own grant, once', async () => {
    const failures: unknown[] = [];
    const broker = new TokenBroker(clock, margin, (error) => failures.push(error));
    const source = new FakeSource(clock);
    source.held = 'burned';
    source.refreshError = new InvokerError('rejected', { kind: 'server-rejected', status: 400, error: 'invalid_grant' });
    assert.equal((await broker.get('a', source)).accessToken, 'acquired-1');
    assert.equal(failures.length, 1);
  });

  test('a refresh failure that is not a rejected refresh token (network, invalid_client) is the answer', async () => {
    const broker = new TokenBroker(clock, margin);
    const source = new FakeSource(clock);
    source.held = 'rt';
    source.refreshError = new InvokerError('bad client', { kind: 'server-rejected', status: 401, error: 'invalid_client' });
    await assert.rejects(broker.get('a', source), /bad client/);
    source.refreshError = new InvokerError('down', { kind: 'network' });
    await assert.rejects(broker.get('a', source), /down/);
    assert.equal(source.reacquires, 0);
  });

  test('after a failure the next request tries again', async () => {
    const broker = new TokenBroker(clock, margin);
    const source = new FakeSource(clock);
    source.held = 'rt';
    source.refreshError = new InvokerError('down', { kind: 'network' });
    await assert.rejects(broker.get('a', source));
    source.refreshError = undefined;
    assert.equal((await broker.get('a', source)).accessToken, 'refreshed-2');
  });

  test('issue 9: a task on several invokers (a rename) runs after the exchanges of each, and two never deadlock', async () => {
    const broker = new TokenBroker(clock, margin);
    const order: string[] = [];
    let release!: () => void;
    const gate = new Promise<void>((resolve) => (release = resolve));
    const exchange = broker.serialize('b', async () => {
      await gate;
      order.push('exchange b');
    });
    const rename = broker.serialize(['a', 'b'], async () => {
      order.push('rename a->b');
    });
    const back = broker.serialize(['b', 'a'], async () => {
      order.push('rename b->a');
    });
    release();
    await Promise.all([exchange, rename, back]);
    assert.deepEqual(order, ['exchange b', 'rename a->b', 'rename b->a']);
  });

  /** A source whose own grant waits for `release()`, and records the context each renewal ran with. */
  class GatedSource extends FakeSource {
    contexts: RenewalContext[] = [];
    private open!: () => void;
    private gate = new Promise<void>((resolve) => (this.open = resolve));
    /** When set, the renewal turns to a person (as a sign-in or a route confirmation does) before waiting. */
    asksPerson = false;
    release(): void {
      this.open();
    }
    override async reacquire(context?: RenewalContext): Promise<DJMessage> {
      assert.ok(context !== undefined);
      this.contexts.push(context);
      if (this.asksPerson) {
        context.personNeeded();
        if (!context.interactive) {
          throw new InvokerError('sign in required', { kind: 'sign-in-required' });
        }
      }
      await Promise.race([this.gate, new Promise((resolve) => context.signal.addEventListener('abort', resolve))]);
      if (context.signal.aborted) {
        throw new InvokerError('cancelled', { kind: 'aborted' });
      }
      return super.reacquire();
    }
  }

  test("issue 17: one caller's cancel ends only its own wait; the renewal goes on for the others", async () => {
    const broker = new TokenBroker(clock, margin);
    const source = new GatedSource(clock);
    const copy = new AbortController();
    const copied = broker.get('a', source, { interactive: true, signal: copy.signal });
    const extension = broker.get('a', source, { interactive: false });
    copy.abort();
    await assert.rejects(copied, (error: InvokerError) => error.kind === 'aborted');
    assert.equal(source.contexts[0].signal.aborted, false, 'the shared renewal is not aborted by one caller');
    source.release();
    assert.equal((await extension).accessToken, 'acquired-1');
  });

  test('issue 17: the renewal is cancelled only when every caller waiting for it cancelled', async () => {
    const broker = new TokenBroker(clock, margin);
    const source = new GatedSource(clock);
    const one = new AbortController();
    const two = new AbortController();
    const first = broker.get('a', source, { signal: one.signal });
    const second = broker.get('a', source, { signal: two.signal });
    one.abort();
    await assert.rejects(first, (error: InvokerError) => error.kind === 'aborted');
    assert.equal(source.contexts[0].signal.aborted, false);
    two.abort();
    await assert.rejects(second, (error: InvokerError) => error.kind === 'aborted');
    assert.equal(source.contexts[0].signal.aborted, true);
    // A later caller starts a renewal of its own.
    source.release();
    assert.equal((await broker.get('a', source)).accessToken, 'acquired-1');
  });

  test('issue 17: a background caller that joins an interactive renewal stops waiting once it turns to a person', async () => {
    const broker = new TokenBroker(clock, margin);
    const source = new GatedSource(clock);
    source.asksPerson = true;
    const person = broker.get('a', source, { interactive: true });
    const background = broker.get('a', source, { interactive: false });
    await assert.rejects(background, (error: InvokerError) => error.kind === 'sign-in-required');
    assert.equal(source.contexts.length, 1);
    assert.equal(source.contexts[0].interactive, true, 'the renewal keeps the interactivity of the caller who started it');
    source.release();
    assert.equal((await person).accessToken, 'acquired-1');
  });

  test('issue 17: a background caller joining an interactive renewal that needs no person gets its token', async () => {
    const broker = new TokenBroker(clock, margin);
    const source = new GatedSource(clock);
    const person = broker.get('a', source, { interactive: true });
    const background = broker.get('a', source, { interactive: false });
    source.release();
    assert.equal((await background).accessToken, 'acquired-1');
    assert.equal((await person).accessToken, 'acquired-1');
    assert.equal(source.reacquires, 1);
  });

  test('issue 17: an interactive caller joining a background renewal that needed a person renews itself, interactively', async () => {
    const broker = new TokenBroker(clock, margin);
    const source = new GatedSource(clock);
    source.asksPerson = true;
    const background = broker.get('a', source, { interactive: false });
    const person = broker.get('a', source, { interactive: true });
    await assert.rejects(background, (error: InvokerError) => error.kind === 'sign-in-required');
    source.release();
    assert.equal((await person).accessToken, 'acquired-1');
    assert.deepEqual(
      source.contexts.map((context) => context.interactive),
      [false, true],
    );
  });

  /** A source that shares a spent-token ledger, as windows do; its refresh answers keep the refresh token (no rotation). */
  class LedgerSource extends FakeSource {
    readonly spent = new Set<string>();
    failNext: unknown;
    exclusive<T>(task: () => Promise<T>): Promise<T> {
      return task();
    }
    async reload(): Promise<void> {}
    async wasSpent(token: string): Promise<boolean> {
      return this.spent.has(token);
    }
    async markSpent(token: string, spent: boolean): Promise<void> {
      if (spent) {
        this.spent.add(token);
      } else {
        this.spent.delete(token);
      }
    }
    override async refresh(refreshToken: string, context?: RenewalContext): Promise<DJMessage> {
      await context?.beforeSend?.();
      this.refreshes.push(refreshToken);
      if (this.failNext !== undefined) {
        const error = this.failNext;
        this.failNext = undefined;
        throw error;
      }
      this.last = message(`refreshed-${this.refreshes.length}`, 0, refreshToken);
      return this.last;
    }
  }

  test('issue 17: a refresh token kept by the answer (RFC 6749 §6), or not answered at all, is not spent for the next refresh', async () => {
    const broker = new TokenBroker(clock, margin);
    const source = new LedgerSource(clock);
    source.held = 'rt';
    assert.equal((await broker.get('a', source)).accessToken, 'refreshed-1');
    assert.equal((await broker.get('a', source)).accessToken, 'refreshed-2', 'the same refresh token goes again');
    source.failNext = new InvokerError('reset', { kind: 'network' });
    await assert.rejects(broker.get('a', source), /reset/);
    assert.equal((await broker.get('a', source)).accessToken, 'refreshed-4', 'after a network failure it goes again');
    assert.deepEqual(source.refreshes, ['rt', 'rt', 'rt', 'rt']);
  });
});
