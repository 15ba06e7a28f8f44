import { randomBytes } from 'node:crypto';
import { link, mkdir, readFile, rename, unlink, writeFile } from 'node:fs/promises';
import { hostname } from 'node:os';
import * as path from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';

/** Who holds a lock: enough to tell, from another process, whether it is still alive. */
interface LockHolder {
  readonly pid: number;
  readonly host: string;
  readonly token: string;
  readonly since: number;
}

export interface FileLockOptions {
  /** Cancels the wait (the lock is then not taken); the task itself gets no signal from here. */
  readonly signal?: AbortSignal;
  /** A lock held longer than this is taken over, whoever holds it (a hung process must not block every window). */
  readonly staleAfterMs?: number;
  /** Told once when the lock is held by another live process and this one starts waiting. */
  readonly onWait?: (holderPid: number) => void;
  /** The clock, for the age of a lock (tests). */
  readonly clock?: () => number;
}

const POLL_MS = [10, 25, 50, 100, 200] as const;
const DEFAULT_STALE_MS = 120_000;

function parseHolder(text: string): LockHolder | undefined {
  try {
    const holder = JSON.parse(text) as Partial<LockHolder>;
    return typeof holder.pid === 'number' && typeof holder.host === 'string' && typeof holder.token === 'string' && typeof holder.since === 'number'
      ? (holder as LockHolder)
      : undefined;
  } catch {
    return undefined;
  }
}

function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    // EPERM: alive, another user's process.
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
}

/** Whether a lock file's holder is gone: unreadable, a dead process on this host, or held past `staleAfterMs`. */
function isStale(holder: LockHolder | undefined, now: number, staleAfterMs: number): boolean {
  if (holder === undefined) {
    return true;
  }
  if (now - holder.since > staleAfterMs) {
    return true;
  }
  return holder.host === hostname() && !alive(holder.pid);
}

async function readHolder(file: string): Promise<LockHolder | undefined | null> {
  try {
    return parseHolder(await readFile(file, 'utf8'));
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') {
      return null; // gone meanwhile: try again
    }
    throw error;
  }
}

/** Creates the lock file with its content in one step (written aside, then linked), so no reader sees it empty. */
async function tryCreate(file: string, holder: LockHolder): Promise<boolean> {
  const draft = `${file}.new-${holder.token}`;
  await writeFile(draft, JSON.stringify(holder), { mode: 0o600 });
  try {
    await link(draft, file);
    return true;
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'EEXIST') {
      return false;
    }
    throw error;
  } finally {
    await unlink(draft).catch(() => undefined);
  }
}

/**
 * Runs `task` while holding the lock file `file`, which every process that uses the same file honours: the
 * extension hosts of several VS Code windows share a folder (the extension's global storage), so a renewal in one
 * window waits for the renewal of the same invoker in another. A holder that died, or held the lock past
 * `staleAfterMs`, is taken over; the take-over renames the stale file away first, so two waiters never both win.
 */
export async function withFileLock<T>(file: string, task: () => Promise<T>, options: FileLockOptions = {}): Promise<T> {
  const clock = options.clock ?? Date.now;
  const staleAfterMs = options.staleAfterMs ?? DEFAULT_STALE_MS;
  await mkdir(path.dirname(file), { recursive: true, mode: 0o700 });
  const me: LockHolder = { pid: process.pid, host: hostname(), token: randomBytes(12).toString('hex'), since: clock() };
  let attempt = 0;
  let told = false;
  for (;;) {
    options.signal?.throwIfAborted();
    if (await tryCreate(file, { ...me, since: clock() })) {
      break;
    }
    const holder = await readHolder(file);
    if (holder !== null && isStale(holder, clock(), staleAfterMs)) {
      // Move the stale file aside under a name of our own: of several waiters, one rename succeeds; the others find
      // the file gone (or the winner's fresh lock) and go round again.
      const aside = `${file}.stale-${me.token}`;
      try {
        await rename(file, aside);
      } catch (error) {
        if ((error as NodeJS.ErrnoException).code !== 'ENOENT') {
          throw error;
        }
        continue;
      }
      const moved = await readHolder(aside);
      if (moved !== null && moved !== undefined && moved.token !== holder?.token && !isStale(moved, clock(), staleAfterMs)) {
        // Another waiter took the stale lock over between our read and our rename: this is its live lock, put it
        // back (link refuses to replace a lock created meanwhile).
        await link(aside, file).catch(() => undefined);
      }
      await unlink(aside).catch(() => undefined);
      continue;
    }
    if (!told && holder !== null && holder !== undefined) {
      told = true;
      options.onWait?.(holder.pid);
    }
    await sleep(POLL_MS[Math.min(attempt, POLL_MS.length - 1)], undefined, options.signal !== undefined ? { signal: options.signal } : {});
    attempt += 1;
  }
  try {
    return await task();
  } finally {
    const holder = await readHolder(file).catch(() => undefined);
    if (holder !== null && holder !== undefined && holder.token === me.token) {
      await unlink(file).catch(() => undefined);
    }
  }
}
