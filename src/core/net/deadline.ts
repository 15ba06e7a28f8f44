import { InvokerError } from '../model/errors';

const TIMED_OUT = Symbol('timeout');
const CANCELLED = Symbol('cancelled');
type StopReason = typeof TIMED_OUT | typeof CANCELLED;

/**
 * Bounds one whole operation (an Execute with its retry, a discovery with its two URLs) by a timeout and the
 * caller's AbortSignal. Lighter than an AbortController per request: the exchange in flight registers one
 * callback, and nothing is allocated on the default path beyond a timer.
 */
export class Deadline {
  private reason: StopReason | undefined;
  private listener: ((reason: unknown) => void) | undefined;
  private readonly timer: NodeJS.Timeout;
  private readonly onAbort = (): void => this.stop(CANCELLED);

  constructor(
    readonly timeoutMs: number,
    private readonly signal?: AbortSignal,
  ) {
    this.timer = setTimeout(() => this.stop(TIMED_OUT), timeoutMs);
    signal?.addEventListener('abort', this.onAbort, { once: true });
  }

  /** True once the timeout passed or the caller cancelled. */
  get stopped(): boolean {
    return this.reason !== undefined;
  }

  private stop(reason: StopReason): void {
    if (this.reason === undefined) {
      this.reason = reason;
      this.listener?.(reason);
    }
  }

  /** The exchange in flight: `listener` runs once when the deadline stops it (at once if it already has). */
  onStop(listener: (reason: unknown) => void): () => void {
    if (this.reason !== undefined) {
      listener(this.reason);
      return () => undefined;
    }
    this.listener = listener;
    return () => {
      if (this.listener === listener) {
        this.listener = undefined;
      }
    };
  }

  /** The error to throw for a failure: a timeout or a cancel when this deadline caused it, else undefined. */
  failure(error: unknown, what: string): InvokerError | undefined {
    const reason = error === TIMED_OUT || error === CANCELLED ? error : error instanceof InvokerError ? undefined : this.reason;
    if (reason === TIMED_OUT) {
      return new InvokerError(`${what} did not complete within ${this.timeoutMs / 1000} s.`, { kind: 'timeout' });
    }
    if (reason === CANCELLED) {
      return new InvokerError(`${what} was cancelled.`, { kind: 'aborted' });
    }
    return undefined;
  }

  dispose(): void {
    clearTimeout(this.timer);
    this.signal?.removeEventListener('abort', this.onAbort);
  }
}
