import * as assert from 'node:assert/strict';
import { fork, type ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { startServer, type TestServer } from '../fixtures/httpServer';

type Report = { ready?: true; token?: string; error?: string };

/**
 * A token endpoint that rotates refresh tokens and detects reuse, as Auth0 and Okta do: a refresh token is accepted
 * once; sent again, the whole token family is revoked and every later refresh is refused.
 */
async function rotatingServer(): Promise<{ server: TestServer; spent: string[]; reused: string[] }> {
  let next = 1;
  let revoked = false;
  const valid = new Set(['rt-0']);
  const spent: string[] = [];
  const reused: string[] = [];
  const server = await startServer((request, res) => {
    const body = new URLSearchParams(request.body);
    const token = body.get('refresh_token') ?? '';
    const reply = (status: number, answer: object): void => {
      res.writeHead(status, { 'content-type': 'application/json' });
      res.end(JSON.stringify(answer));
    };
    if (spent.includes(token)) {
      reused.push(token);
      revoked = true;
    }
    if (revoked || !valid.has(token)) {
      reply(400, { error: 'invalid_grant', error_description: 'refresh token reused or revoked' });
      return;
    }
    valid.delete(token);
    spent.push(token);
    const fresh = `rt-${next}`;
    valid.add(fresh);
    reply(200, { access_token: `at-${next++}`, token_type: 'Bearer', expires_in: 3600, refresh_token: fresh });
  });
  return { server, spent, reused };
}

/** Starts one "window" and resolves once it is ready. */
function window(args: string[]): Promise<{ child: ChildProcess; answer: Promise<Report> }> {
  const child = fork(path.join(__dirname, '..', 'fixtures', 'renewalWorker.js'), args, { stdio: ['ignore', 'inherit', 'inherit', 'ipc'] });
  return new Promise((resolve, reject) => {
    const answer = new Promise<Report>((done) => child.on('message', (report: Report) => report.ready !== true && done(report)));
    child.once('message', () => resolve({ child, answer }));
    child.once('error', reject);
  });
}

suite('issue 17: two windows renewing one token', () => {
  let folder: string;
  let children: ChildProcess[] = [];
  let server: TestServer | undefined;

  setup(() => {
    folder = mkdtempSync(path.join(tmpdir(), 'oauth2-invoker-windows-'));
    writeFileSync(path.join(folder, 'store.json'), JSON.stringify({ accessToken: 'at-0', expiresAt: 0, refreshToken: 'rt-0', receivedAt: 0 }));
  });

  teardown(async () => {
    children.forEach((child) => child.kill());
    await Promise.all(children.map((child) => (child.exitCode === null ? new Promise((resolve) => child.once('exit', resolve)) : undefined)));
    children = [];
    await server?.close();
    rmSync(folder, { recursive: true, force: true });
  });

  async function race(extra: string[]): Promise<Report[]> {
    const args = [folder, path.join(folder, 'store.json'), `${server?.url ?? ''}`, ...extra];
    const windows = await Promise.all([window(args), window(args)]);
    children = windows.map((w) => w.child);
    windows.forEach((w) => w.child.send('go'));
    return Promise.all(windows.map((w) => w.answer));
  }

  test('the refresh token is sent once: the other window waits, reads the stored token and uses it', async () => {
    const rotating = await rotatingServer();
    server = rotating.server;
    const reports = await race([]);
    assert.deepEqual(
      reports.map((r) => r.error),
      [undefined, undefined],
    );
    assert.deepEqual(
      reports.map((r) => r.token),
      ['at-1', 'at-1'],
    );
    assert.deepEqual(rotating.spent, ['rt-0']);
    assert.deepEqual(rotating.reused, []);
    assert.equal(server.requests.length, 1);
  });

  test('without the shared lock (what each window did alone) both send it, and the server revokes the family', async () => {
    const rotating = await rotatingServer();
    server = rotating.server;
    const reports = await race(['--no-lock']);
    assert.deepEqual(rotating.reused, ['rt-0']);
    assert.equal(reports.filter((r) => r.error !== undefined).length, 1);
  });
});
