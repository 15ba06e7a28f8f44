import type { DJMessage } from '../model/djMessage';
import type { DeviceAuthorization } from './deviceAuthorization';
import { InvokerError } from '../model/errors';
import { execute, type ExecuteOptions } from '../grants/execute';
import type { InvokerProperties } from '../../shared/properties';

/** RFC 8628 §3.5: every `slow_down` adds five seconds to the polling interval, for the rest of the sign-in. */
export const SLOW_DOWN_STEP_MS = 5_000;

/** The longest pause of the exponential backoff after failed polls (unless the server's own interval is longer). */
export const MAX_BACKOFF_MS = 60_000;

/**
 * A poll that failed on the way, not by the server's decision: a timeout, a network error, or a 5xx. RFC 8628 §3.5
 * asks for exponential backoff on a connection timeout; the sign-in goes on, since the person may still be typing.
 */
function isTransient(error: unknown): error is InvokerError {
  return (
    error instanceof InvokerError &&
    (error.kind === 'timeout' || error.kind === 'network' || (error.kind === 'server-rejected' && error.status !== undefined && error.status >= 500))
  );
}

/** Waits `ms` or rejects when the signal aborts; the polling loop's only pause. */
export type Wait = (ms: number, signal?: AbortSignal) => Promise<void>;

/** A timer that a cancel stops at once. */
export const wait: Wait = (ms, signal) =>
  new Promise<void>((resolve, reject) => {
    if (signal?.aborted === true) {
      reject(new Error('aborted'));
      return;
    }
    const onAbort = (): void => {
      clearTimeout(timer);
      reject(new Error('aborted'));
    };
    const timer = setTimeout(() => {
      signal?.removeEventListener('abort', onAbort);
      resolve();
    }, ms);
    signal?.addEventListener('abort', onAbort, { once: true });
  });

export interface DevicePollingOptions extends Omit<ExecuteOptions, 'grant'> {
  /** Default: a real timer. */
  readonly wait?: Wait;
  /** Called after each `authorization_pending`, `slow_down` or failed poll, with the pause now in force (a progress message). */
  readonly onPending?: (intervalMs: number) => void;
}

/**
 * Polls the token endpoint with the device code until the user has signed in: waits `interval` before each
 * request, continues on `authorization_pending`, adds 5 s on `slow_down`, backs off exponentially (twice the pause
 * each time, up to a minute) after a timeout, a network error or a 5xx and goes on, and stops with code 4 on
 * `access_denied` (kind `access-denied`), on `expired_token` or once the code's `expires_in` has passed (kind
 * `expired-token`), on any other error, and on cancel (kind `aborted`). Never waits past the code's expiry. The clock
 * (`now`) and the pause (`wait`) are options, so a test runs the loop without waiting.
 * @see https://www.rfc-editor.org/rfc/rfc8628#section-3.4
 * @see https://www.rfc-editor.org/rfc/rfc8628#section-3.5
 */
export async function pollDeviceToken(
  properties: InvokerProperties,
  authorization: DeviceAuthorization,
  options: DevicePollingOptions = {},
): Promise<DJMessage> {
  const now = options.now ?? Date.now;
  const pause = options.wait ?? wait;
  const expiresAt = now() + authorization.expiresInSeconds * 1000;
  const device = { ...properties, grantType: 'device_code' as const };
  const expired = (): InvokerError =>
    new InvokerError('The device code expired before the sign-in was completed (RFC 8628 expired_token); start the sign-in again.', { kind: 'expired-token' });
  let intervalMs = authorization.intervalSeconds * 1000;
  /** The pause after failed polls: 0 after an answer of the server's, else doubled at each failure in a row. */
  let backoffMs = 0;
  for (;;) {
    const left = expiresAt - now();
    if (left <= 0) {
      throw expired();
    }
    try {
      await pause(Math.min(Math.max(intervalMs, backoffMs), left), options.signal);
    } catch {
      throw new InvokerError('The device sign-in was cancelled.', { kind: 'aborted' });
    }
    if (now() >= expiresAt) {
      throw expired();
    }
    try {
      return await execute(device, { ...options, grant: { grantType: 'device_code', deviceCode: authorization.deviceCode } });
    } catch (error) {
      if (isTransient(error)) {
        backoffMs = Math.min(Math.max(intervalMs, backoffMs) * 2, Math.max(MAX_BACKOFF_MS, intervalMs));
        options.log?.('warn', `${error.message} Polling again in ${Math.round(backoffMs / 1000)} s.`);
        options.onPending?.(backoffMs);
        continue;
      }
      if (!(error instanceof InvokerError) || error.kind !== 'server-rejected') {
        throw error;
      }
      backoffMs = 0;
      switch (error.error) {
        case 'authorization_pending':
          break;
        case 'slow_down':
          intervalMs += SLOW_DOWN_STEP_MS;
          break;
        case 'expired_token':
          throw expired();
        case 'access_denied':
          throw new InvokerError(`The sign-in was refused (access_denied)${error.errorDescription !== undefined ? `: ${error.errorDescription}` : '.'}`, {
            kind: 'access-denied',
            error: 'access_denied',
            ...(error.errorDescription !== undefined ? { errorDescription: error.errorDescription } : {}),
            ...(error.djMessage !== undefined ? { djMessage: error.djMessage } : {}),
          });
        default:
          throw error;
      }
      options.onPending?.(intervalMs);
    }
  }
}
