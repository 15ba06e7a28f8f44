/**
 * Issue 21, `npm start` for a newcomer: the demo keeps the person's own invokers, its server keeps its grants across a
 * restart, and its example .http file reaches the demo's protected API (sent by the httpyac CLI, as the README says).
 */
import * as assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import { httpyacStatuses } from '../fixtures/httpyacCli';
import { startOidcServer, type OidcServer, type OidcServerOptions } from '../fixtures/oidcServer';
import { startResourceServer } from '../fixtures/resourceServer';

const ROOT = resolve(__dirname, '..', '..', '..');

interface DemoSetup {
  DEMO_INVOKER_NAMES: readonly string[];
  mergeDemoInvokers(current: unknown, demo: ReadonlyArray<{ name: string }>): unknown[];
  demoHttpFile(apiUrl: string, token?: string): string;
}

async function demoSetup(): Promise<DemoSetup> {
  return (await import(pathToFileURL(join(ROOT, 'test', 'harness', 'demoSetup.mjs')).href)) as DemoSetup;
}

/** RFC 6749 §2.3.1 Basic credentials. */
function basic(clientId: string, clientSecret: string): string {
  const encode = (value: string): string => new URLSearchParams([['', value]]).toString().slice(1);
  return `Basic ${Buffer.from(`${encode(clientId)}:${encode(clientSecret)}`).toString('base64')}`;
}

async function token(server: OidcServer, body: Record<string, string>): Promise<{ status: number; json: Record<string, unknown> }> {
  const response = await fetch(server.tokenEndpoint, {
    method: 'POST',
    headers: { authorization: basic(server.basicClient.clientId, server.basicClient.clientSecret), 'content-type': 'application/x-www-form-urlencoded' },
    body: new URLSearchParams(body).toString(),
  });
  return { status: response.status, json: (await response.json()) as Record<string, unknown> };
}

function httpyac(file: string): Promise<Record<string, number | undefined>> {
  return httpyacStatuses(ROOT, file);
}

suite('The demo (issue 21: the first ten minutes)', function () {
  this.timeout(60_000);
  let dir: string;

  setup(() => {
    dir = mkdtempSync(join(tmpdir(), 'oauth2-invoker-demo-'));
  });

  teardown(() => {
    rmSync(dir, { recursive: true, force: true });
  });

  test("a demo start merges its invokers into the settings: the person's own stay, the demo's are updated in place", async () => {
    const { mergeDemoInvokers, DEMO_INVOKER_NAMES } = await demoSetup();
    const demo = DEMO_INVOKER_NAMES.map((name) => ({ name, authorizationServerUrl: 'http://127.0.0.1:9400/token' }));
    const mine = { name: 'my-api', authorizationServerUrl: 'https://login.example.com/token', clientId: 'mine' };
    const oldDemo = { name: 'demo-password', authorizationServerUrl: 'http://127.0.0.1:1234/token' };
    assert.deepEqual(mergeDemoInvokers([oldDemo, mine], demo), [demo[1], mine, demo[0], demo[2], demo[3]]);
    assert.deepEqual(mergeDemoInvokers(undefined, demo), demo, 'a first start writes the demo invokers');
    assert.deepEqual(mergeDemoInvokers([mine, 'not an invoker'], []), [mine, 'not an invoker'], 'what the person wrote is not touched');
  });

  for (const persisted of [true, false]) {
    test(
      persisted
        ? 'the demo server keeps its grants in its state file: after a restart at the same address a refresh token issued before still works'
        : 'without a state file a restarted server has forgotten the refresh token (invalid_grant): what the demo used to do',
      async () => {
        const options: OidcServerOptions = persisted ? { stateFile: join(dir, 'oidc-state.json') } : {};
        const first = await startOidcServer(options);
        const port = Number(new URL(first.issuer).port);
        let refreshToken: string;
        try {
          const issued = await token(first, {
            grant_type: 'password',
            username: first.user.username,
            password: first.user.password,
            scope: 'openid offline_access api:read',
          });
          assert.equal(issued.status, 200, JSON.stringify(issued.json.error));
          refreshToken = String(issued.json.refresh_token);
          assert.ok(refreshToken.length > 20);
        } finally {
          await first.close();
        }
        const second = await startOidcServer({ ...options, port });
        try {
          const refreshed = await token(second, { grant_type: 'refresh_token', refresh_token: refreshToken });
          if (persisted) {
            assert.equal(refreshed.status, 200, `refreshed after the restart: ${String(refreshed.json.error)} ${String(refreshed.json.error_description)}`);
            assert.ok(typeof refreshed.json.access_token === 'string');
          } else {
            assert.equal(refreshed.status, 400);
            assert.equal(refreshed.json.error, 'invalid_grant');
          }
        } finally {
          await second.close();
        }
      },
    );
  }

  test("the demo workspace's api.http reaches the demo API: 200 with a token of the demo server, 401 without (httpyac CLI)", async () => {
    const { demoHttpFile } = await demoSetup();
    const server = await startOidcServer();
    const api = await startResourceServer({ introspectionEndpoint: server.introspectionEndpoint, ...server.resourceServer });
    try {
      const url = `${api.origin}/api/items`;
      const issued = await token(server, { grant_type: 'client_credentials', scope: 'api:read' });
      assert.equal(issued.status, 200);
      const file = join(dir, 'api.http');
      writeFileSync(file, demoHttpFile(url, String(issued.json.access_token)));
      assert.deepEqual(await httpyac(file), { items: 200, anonymous: 401 });
      // As written for the person (no token yet): the API refuses, it does not fail.
      writeFileSync(file, demoHttpFile(url));
      assert.deepEqual(await httpyac(file), { items: 401, anonymous: 401 });
    } finally {
      await api.close();
      await server.close();
    }
  });
});
