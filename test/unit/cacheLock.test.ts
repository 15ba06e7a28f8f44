import * as assert from 'node:assert/strict';
import { fork, type ChildProcess } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { pathToFileURL } from 'node:url';

/** test/harness/cacheLock.mjs: the lock two harness runs take on a code-server install folder of the shared cache. */
interface CacheLock {
  readonly MARKER: string;
  acquireLock(file: string, options: { what: string; log?: (line: string) => void; pollMs?: number; noticeMs?: number }): Promise<() => void>;
}

const ROOT = resolve(__dirname, '..', '..', '..');
const WORKER = join(ROOT, 'test', 'fixtures', 'cacheLockWorker.mjs');

type WorkerMessage = { log?: string; installing?: true; done?: boolean; acquired?: true; released?: true };

/** A harness run in its own process (test/fixtures/cacheLockWorker.mjs) and what it has reported so far. */
class Worker {
  readonly child: ChildProcess;
  readonly messages: WorkerMessage[] = [];
  private readonly waiters: Array<() => void> = [];
  readonly exited: Promise<void>;

  constructor(mode: 'install' | 'hold', target: string) {
    this.child = fork(WORKER, [mode, target], { stdio: ['ignore', 'inherit', 'inherit', 'ipc'] });
    this.child.on('message', (message) => {
      this.messages.push(message as WorkerMessage);
      this.waiters.splice(0).forEach((wake) => wake());
    });
    this.exited = new Promise((done) => this.child.once('exit', () => done()));
  }

  get pid(): number {
    return this.child.pid as number;
  }

  /** The first message (already received or still to come) that matches. */
  async next(matches: (message: WorkerMessage) => boolean): Promise<WorkerMessage> {
    for (;;) {
      const found = this.messages.find(matches);
      if (found !== undefined) {
        return found;
      }
      const arrived = new Promise<void>((wake) => this.waiters.push(wake));
      const gone = this.exited.then(() => {
        throw new Error(`worker ${this.pid} exited; it reported ${JSON.stringify(this.messages)}`);
      });
      await Promise.race([arrived, gone]);
    }
  }

  send(command: 'finish' | 'release' | 'exit'): void {
    this.child.send(command);
  }
}

function lockHolderPid(file: string): number {
  return (JSON.parse(readFileSync(file, 'utf8')) as { pid: number }).pid;
}

suite('cacheLock (harness: the shared code-server cache)', () => {
  let dir: string;
  let workers: Worker[];
  let cacheLock: CacheLock;

  const start = (mode: 'install' | 'hold', target: string): Worker => {
    const worker = new Worker(mode, target);
    workers.push(worker);
    return worker;
  };

  suiteSetup(async () => {
    cacheLock = (await import(pathToFileURL(join(ROOT, 'test', 'harness', 'cacheLock.mjs')).href)) as CacheLock;
  });

  setup(() => {
    dir = mkdtempSync(join(tmpdir(), 'oauth2-invoker-lock-'));
    workers = [];
  });

  teardown(async () => {
    workers.forEach((worker) => worker.child.kill('SIGKILL'));
    await Promise.all(workers.map((worker) => worker.exited));
    rmSync(dir, { recursive: true, force: true });
  });

  test('two runs at once: the second waits for the first install and uses it, wiping nothing of it', async () => {
    const install = join(dir, 'code-server-9.9.9');
    const first = start('install', install);
    await first.next((message) => message.installing === true);

    const second = start('install', install);
    const seen = await second.next((message) => message.installing === true || message.log?.startsWith('waiting') === true);
    assert.equal(seen.log, `waiting for another run (pid ${first.pid}) installing test into ${install}`);
    assert.equal(readFileSync(join(install, 'part1'), 'utf8'), String(first.pid), "the first run's unfinished install is still there");

    first.send('finish');
    assert.equal((await first.next((message) => message.done !== undefined)).done, true);
    assert.equal((await second.next((message) => message.done !== undefined)).done, false, 'the second run found the finished install');
    assert.deepEqual(
      ['part1', 'part2', cacheLock.MARKER].map((name) => readFileSync(join(install, name), 'utf8').trim() !== ''),
      [true, true, true],
    );
    assert.equal(second.messages.filter((message) => message.installing === true).length, 0, 'the second run never installed');
    assert.equal(existsSync(`${install}.lock`), false, 'the lock is released');
  });

  test('a live lock is waited for, with a message naming its pid, and taken when released', async () => {
    const file = join(dir, 'code-server-9.9.9.lock');
    const holder = start('hold', file);
    await holder.next((message) => message.acquired === true);

    const lines: string[] = [];
    let noticed: () => void = () => undefined;
    const waiting = new Promise<void>((done) => (noticed = done));
    let acquired = false;
    const acquiring = cacheLock
      .acquireLock(file, { what: 'testing', pollMs: 10, noticeMs: 0, log: (line) => (lines.push(line), noticed()) })
      .then((release) => ((acquired = true), release));
    await waiting;
    assert.equal(lines[0], `waiting for another run (pid ${holder.pid}) holding ${file}`);
    assert.equal(acquired, false);
    assert.equal(lockHolderPid(file), holder.pid);

    holder.send('release');
    const release = await acquiring;
    assert.equal(lockHolderPid(file), process.pid);
    release();
    assert.equal(existsSync(file), false);
  });

  test('a stale lock (its run was killed) is taken over', async () => {
    const file = join(dir, 'code-server-9.9.9.lock');
    const holder = start('hold', file);
    await holder.next((message) => message.acquired === true);
    const dead = holder.pid;
    holder.child.kill('SIGKILL');
    await holder.exited;
    assert.equal(lockHolderPid(file), dead, 'a killed run leaves its lock behind');

    const lines: string[] = [];
    const release = await cacheLock.acquireLock(file, { what: 'testing', pollMs: 10, log: (line) => lines.push(line) });
    assert.deepEqual(lines, [`took over the lock of a run that is gone (pid ${dead}): ${file}`]);
    assert.equal(lockHolderPid(file), process.pid);
    release();
  });

  test('two runs contending for a stale lock hold it one after the other', async () => {
    const file = join(dir, 'code-server-9.9.9.lock');
    const killed = start('hold', file);
    await killed.next((message) => message.acquired === true);
    killed.child.kill('SIGKILL');
    await killed.exited;

    const runs = [start('hold', file), start('hold', file)];
    const first = await Promise.race(runs.map(async (run) => (await run.next((message) => message.acquired === true), run)));
    const other = runs.find((run) => run !== first) as Worker;
    await other.next((message) => message.log === `waiting for another run (pid ${first.pid}) holding ${file}`);
    assert.equal(
      other.messages.some((message) => message.acquired === true),
      false,
      'one holder at a time',
    );
    assert.equal(lockHolderPid(file), first.pid);

    first.send('release');
    await other.next((message) => message.acquired === true);
    assert.equal(lockHolderPid(file), other.pid);
  });

  test('a run that exits without releasing leaves no lock behind', async () => {
    const file = join(dir, 'code-server-9.9.9.lock');
    const holder = start('hold', file);
    await holder.next((message) => message.acquired === true);
    holder.send('exit');
    await holder.exited;
    assert.equal(existsSync(file), false);
  });
});
