/**
 * A root hook of the unit suite (registered by `.mocharc.json`'s `require`): after all tests it fails the run if a
 * socket, server, child process, pipe, watcher or timer the tests opened is still open. The suite runs without
 * mocha's `exit`, so a leak that kept the process alive would hang the run; this names it instead, then lets go of
 * it (unref) so the run ends by itself with the failure.
 */
import { createHook } from 'node:async_hooks';
import Mocha from 'mocha';

/** The kinds of resource that keep a process alive, by their async_hooks type. */
const KINDS: Readonly<Record<string, string>> = {
  TCPWRAP: 'socket',
  TCPSERVERWRAP: 'server',
  PIPEWRAP: 'pipe',
  PIPESERVERWRAP: 'pipe server',
  PROCESSWRAP: 'child process',
  UDPWRAP: 'UDP socket',
  TTYWRAP: 'terminal',
  FSEVENTWRAP: 'file watcher',
  STATWATCHER: 'file watcher',
  SIGNALWRAP: 'signal listener',
  Timeout: 'timer',
};

/** A handle or timer as async_hooks hands it over: both kinds have these two methods. */
interface Handle {
  hasRef?(): boolean;
  unref?(): void;
}

interface Opened {
  readonly kind: string;
  readonly resource: Handle;
  /** The test or hook that was running (or ran last) when it was opened. */
  readonly by: string;
  /** The first frame of our code that opened it, if the stack has one (a listen on a host name opens a tick later). */
  readonly at: string | undefined;
}

/** Grace for closes already under way (a server's close callback, a killed child's last pipe): this many short waits. */
const SETTLE_WAITS = 20;
const SETTLE_WAIT_MS = 10;

// stdout and stderr are created on first use: create them now, before tracking starts, so they are never counted.
void process.stdout;
void process.stderr;

const open = new Map<number, Opened>();
let running = 'the loading of the test files';
let tracking = true;

function openedAt(stack: string | undefined): string | undefined {
  const frames = (stack ?? '').split('\n').slice(1);
  const ours = frames.find((line) => !line.includes('node:') && !line.includes('node_modules') && !line.includes('_leaks.js'));
  if (ours === undefined) {
    return undefined;
  }
  const frame = ours.trim();
  // "at fn (file:line:column)" or "at file:line:column": the place alone.
  return /\(?([^()\s]+:\d+:\d+)\)?$/.exec(frame)?.[1] ?? frame;
}

createHook({
  init(asyncId, type, _triggerAsyncId, resource) {
    const kind = KINDS[type];
    if (tracking && kind !== undefined) {
      // Deep enough to get past node's own frames (a server's listen has a dozen).
      const limit = Error.stackTraceLimit;
      Error.stackTraceLimit = 40;
      const stack = new Error().stack;
      Error.stackTraceLimit = limit;
      open.set(asyncId, { kind, resource: resource as Handle, by: running, at: openedAt(stack) });
    }
  },
  destroy(asyncId) {
    open.delete(asyncId);
  },
}).enable();

/**
 * Whether it still holds the process. An unref'd timer does not (node's own HTTP date cache and undici's clock are
 * such timers); a socket, server or child process counts either way, as an unref'd one is still a connection or a
 * process nobody closed.
 */
function leaked(opened: Opened, ownTimer: unknown): boolean {
  if (opened.resource === ownTimer) {
    return false;
  }
  return opened.kind !== 'timer' || opened.resource.hasRef?.() !== false;
}

function describeOpened(opened: Opened): string {
  return `a ${opened.kind} (opened by: ${opened.by}${opened.at !== undefined ? `; at ${opened.at}` : ''})`;
}

// Every test and hook, as it starts, is the one that opens what follows (patched here, as a root hook sees tests only).
const runRunnable = Mocha.Runnable.prototype.run;
Mocha.Runnable.prototype.run = function (this: Mocha.Runnable, done: Mocha.Done): void {
  running = this.fullTitle();
  runRunnable.call(this, done);
};

const settle = (): Promise<void> => new Promise((resolve) => setTimeout(resolve, SETTLE_WAIT_MS));

export const mochaHooks = {
  async afterAll(this: Mocha.Context): Promise<void> {
    tracking = false;
    // mocha's own timer for this hook is open while it runs.
    const ownTimer: unknown = this.runnable().timer;
    let left: Opened[] = [];
    for (let wait = 0; wait <= SETTLE_WAITS; wait++) {
      left = [...open.values()].filter((opened) => leaked(opened, ownTimer));
      if (left.length === 0) {
        return;
      }
      if (wait < SETTLE_WAITS) {
        await settle();
      }
    }
    for (const opened of left) {
      opened.resource.unref?.();
    }
    throw new Error(`${left.length} left open after all tests:\n${left.map(describeOpened).join('\n')}`);
  },
};
