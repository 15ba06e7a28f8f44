import * as assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { join } from 'node:path';

/** test/unit/_leaks.ts, the root hook of this suite, as compiled beside this file. */
const LEAKS_HOOK = join(__dirname, '_leaks.js');
const LEAKING_SUITE = join(__dirname, '..', 'fixtures', 'leakingSuite.js');
/** Only a safety net: a run that a leak kept alive is stopped here, and the assertions say so. */
const HUNG_RUN_MS = 60_000;

interface Run {
  readonly code: number | null;
  readonly signal: NodeJS.Signals | null;
  readonly output: string;
}

/** Runs mocha on the leaking suite in a child process, with the leak hook and without `exit`, as the unit suite runs. */
function runLeakingSuite(leak: string): Promise<Run> {
  const mocha = require.resolve('mocha/bin/mocha.js');
  const args = [mocha, '--no-config', '--no-package', '--ui', 'tdd', '--reporter', 'spec', '--require', LEAKS_HOOK, LEAKING_SUITE];
  return new Promise((resolve) => {
    execFile(process.execPath, args, { env: { ...process.env, OAUTH2_INVOKER_LEAK: leak }, timeout: HUNG_RUN_MS }, (error, stdout, stderr) => {
      const failure = error as (Error & { code?: unknown; signal?: NodeJS.Signals | null }) | null;
      resolve({
        code: failure === null ? 0 : typeof failure.code === 'number' ? failure.code : null,
        signal: failure?.signal ?? null,
        output: `${stdout}\n${stderr}`,
      });
    });
  });
}

function assertFailedOn(run: Run, kind: string): void {
  assert.equal(run.signal, null, `the run did not end by itself:\n${run.output}`);
  assert.equal(run.code, 1, run.output);
  assert.match(run.output, /1 left open after all tests/);
  assert.match(run.output, new RegExp(`a ${kind} \\(opened by: a suite that leaks its test leaves something open[;)]`));
}

suite('issue 17: the unit run fails on what a test leaves open, and still ends by itself', () => {
  test('a server left listening', async () => {
    assertFailedOn(await runLeakingSuite('server'), 'server');
  });

  test('an interval never cleared', async () => {
    assertFailedOn(await runLeakingSuite('timer'), 'timer');
  });

  test('a child process never waited for', async () => {
    const run = await runLeakingSuite('child');
    assert.equal(run.signal, null, `the run did not end by itself:\n${run.output}`);
    assert.equal(run.code, 1, run.output);
    assert.match(run.output, /a child process \(opened by: a suite that leaks its test leaves something open; at .*leakingSuite\.js:\d+:\d+\)/);
  });

  test('nothing left open: the run passes, stdout and stderr written by the test not counted', async () => {
    const run = await runLeakingSuite('none');
    assert.equal(run.signal, null, `the run did not end by itself:\n${run.output}`);
    assert.equal(run.code, 0, run.output);
    assert.match(run.output, /a line on stdout/);
    assert.match(run.output, /1 passing/);
    assert.doesNotMatch(run.output, /left open/);
  });
});
