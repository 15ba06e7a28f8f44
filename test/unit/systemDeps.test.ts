import * as assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { pathToFileURL } from 'node:url';

/** test/harness/systemDeps.mjs: installs the Debian packages of the harness, after any other apt-get. */
interface SystemDeps {
  lockHolder(files: readonly string[]): { file: string; pid: number; command: string } | undefined;
}

const ROOT = resolve(__dirname, '..', '..', '..');

suite('systemDeps (harness: waiting for another apt-get)', () => {
  let dir: string;

  setup(() => {
    dir = mkdtempSync(join(tmpdir(), 'oauth2-invoker-deps-'));
  });

  teardown(() => {
    rmSync(dir, { recursive: true, force: true });
  });

  test('lockHolder names the process holding a lock file, as apt-get and dpkg hold theirs', async () => {
    const { lockHolder } = (await import(pathToFileURL(join(ROOT, 'test', 'harness', 'systemDeps.mjs')).href)) as SystemDeps;
    const free = join(dir, 'free');
    const held = join(dir, 'held');
    writeFileSync(free, '');
    writeFileSync(held, '');
    assert.equal(lockHolder([free, held, join(dir, 'absent')]), undefined);

    // util-linux flock holds the lock in its own process while the command runs; its own group, killed at the end.
    const holder = spawn('flock', [held, '-c', 'echo locked; exec sleep 30'], { stdio: ['ignore', 'pipe', 'inherit'], detached: true });
    // Its pipe and its process are gone when the test ends, not a moment later.
    const closed = new Promise<void>((resolve) => holder.once('close', () => resolve()));
    try {
      await new Promise<void>((locked, failed) => {
        holder.stdout.once('data', () => locked());
        holder.once('exit', (code) => failed(new Error(`flock exited (${code})`)));
      });
      assert.deepEqual(lockHolder([free, held]), { file: held, pid: holder.pid, command: 'flock' });
      assert.equal(lockHolder([free]), undefined);
    } finally {
      process.kill(-(holder.pid as number), 'SIGKILL');
      await closed;
    }
  });
});
