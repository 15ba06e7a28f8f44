/**
 * Issue 9 in a real VS Code: stored secrets go only along the route they were entered for (URL, proxy, certificate
 * verification, CA file); other extensions get no secret field (since issue 17 no token either); rename and delete
 * wait for an Execute in flight and leave nothing behind; drafts stay in their workspace.
 */
import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import * as vscode from 'vscode';
import type { OAuth2InvokerTesting } from '../../src/extension/testingApi';
import { DraftStore } from '../../src/extension/draftStore';
import { activateApi, copyPropertyFromTree, editSettings, productionExports } from './helpers';
import { startServer, type TestServer } from '../fixtures/httpServer';
import { startOidcServer, type OidcServer } from '../fixtures/oidcServer';
import { startProxy, type TestProxy } from '../fixtures/proxyServer';

const ID_TOKEN = 'eyJhbGciOiJub25lIn0.eyJzdWIiOiJ1c2VyLTEiLCJpc3MiOiJ0ZXN0In0.';

/** A token endpoint that rotates refresh tokens (rt-1, rt-2, …: only the newest is accepted) and can hold its answers. */
interface RotatingServer {
  readonly server: TestServer;
  /** The refresh tokens it accepted, in order. */
  readonly accepted: string[];
  /** Holds the next answers until the returned function is called; `arrived` settles when a request is waiting. */
  hold(): { arrived: Promise<void>; release: () => void };
}

async function startRotatingServer(): Promise<RotatingServer> {
  let current = 1;
  const accepted: string[] = [];
  let gate: Promise<void> | undefined;
  let onArrival: (() => void) | undefined;
  const server = await startServer((request, res) => {
    const form = new URLSearchParams(request.body);
    const respond = (): void => {
      const token = form.get('refresh_token');
      if (form.get('grant_type') !== 'refresh_token' || token !== `rt-${current}`) {
        res.writeHead(400, { 'content-type': 'application/json' });
        res.end(JSON.stringify({ error: 'invalid_grant', error_description: 'unknown or spent refresh token' }));
        return;
      }
      accepted.push(token);
      current += 1;
      res.writeHead(200, { 'content-type': 'application/json' });
      res.end(JSON.stringify({ access_token: `at-${current}`, token_type: 'Bearer', expires_in: 300, refresh_token: `rt-${current}`, id_token: ID_TOKEN }));
    };
    onArrival?.();
    if (gate !== undefined) {
      void gate.then(respond);
    } else {
      respond();
    }
  });
  return {
    server,
    accepted,
    hold() {
      let release!: () => void;
      gate = new Promise<void>((resolve) => (release = resolve));
      const arrived = new Promise<void>((resolve) => (onArrival = resolve));
      return {
        arrived,
        release: () => {
          gate = undefined;
          onArrival = undefined;
          release();
        },
      };
    },
  };
}

function settingsOf(name: string): Record<string, unknown> {
  const list = vscode.workspace.getConfiguration('oauth2Invoker').inspect<Array<Record<string, unknown>>>('invokers')?.globalValue ?? [];
  const entry = list.find((item) => item.name === name);
  assert.ok(entry !== undefined, `invoker "${name}" is in the user settings`);
  return entry;
}

suite('Issue 9: secrets go only where the user sent them', function () {
  let api: OAuth2InvokerTesting;
  let oidc: OidcServer;
  let rotating: RotatingServer;
  const PROXY_USER = 'bind-user';
  const PROXY_PASSWORD = 'bind-proxy-pw';
  let trusted: TestProxy;
  let attacker: TestProxy;
  const created: string[] = [];

  suiteSetup(async () => {
    api = await activateApi();
    oidc = await startOidcServer();
    rotating = await startRotatingServer();
    trusted = await startProxy({ credentials: { username: PROXY_USER, password: PROXY_PASSWORD } });
    attacker = await startProxy();
  });

  suiteTeardown(async () => {
    for (const name of created) {
      if (api.listInvokers().includes(name)) {
        await api.deleteInvoker(name);
      }
    }
    await Promise.all([oidc.close(), rotating.server.close(), trusted.close(), attacker.close()]);
  });

  async function save(name: string, config: Record<string, unknown>, secrets: Record<string, string>, options: { previousName?: string } = {}): Promise<void> {
    created.push(name);
    await api.saveInvoker({ name, ...config }, { secrets, ...options });
  }

  test('a changed proxy alone withholds the proxy password and the client secret: the new proxy sees nothing', async () => {
    await save(
      'bind-proxy',
      {
        authorizationServerUrl: oidc.tokenEndpoint,
        clientId: oidc.basicClient.clientId,
        scope: 'api:read',
        proxy: trusted.url,
        proxyUsername: PROXY_USER,
        allowInsecureHttp: true,
      },
      { clientSecret: oidc.basicClient.clientSecret, proxyPassword: PROXY_PASSWORD },
    );
    const message = await api.execute('bind-proxy');
    assert.ok(message.accessToken !== undefined);
    assert.equal(trusted.requests.at(-1)?.user, PROXY_USER, 'the trusted proxy got the credentials');

    await editSettings('bind-proxy', { proxy: attacker.url });
    const before = oidc.tokenRequests();
    await assert.rejects(api.execute('bind-proxy'), (error: Error) => {
      assert.match(error.message, /"Client Secret" and "Proxy Password" are not sent/);
      assert.match(error.message, /through the proxy http:\/\/127\.0\.0\.1:\d+ \(from the invoker's "Proxy"\)/);
      return true;
    });
    assert.deepEqual(attacker.requests, [], 'the other proxy saw no request, no credentials');
    assert.equal(oidc.tokenRequests(), before);

    await editSettings('bind-proxy', { proxy: trusted.url });
    assert.ok((await api.execute('bind-proxy')).accessToken !== undefined, 'back on the route they were entered for, they are sent again');
  });

  test('certificate verification turned off, or another CA file, withholds the secrets; nothing is sent', async () => {
    await save(
      'bind-tls',
      { authorizationServerUrl: oidc.tokenEndpoint, clientId: oidc.basicClient.clientId, scope: 'api:read' },
      { clientSecret: oidc.basicClient.clientSecret },
    );
    assert.ok((await api.execute('bind-tls')).accessToken !== undefined);
    const before = oidc.tokenRequests();

    await editSettings('bind-tls', { tlsRejectUnauthorized: false });
    await assert.rejects(api.execute('bind-tls'), /"Client Secret" is not sent, because since it was entered the server's certificate is no longer verified/);

    const caFile = path.join(fs.mkdtempSync(path.join(os.tmpdir(), 'issue9-')), 'attacker-ca.pem');
    fs.writeFileSync(caFile, '-----BEGIN CERTIFICATE-----\nnot really\n-----END CERTIFICATE-----\n');
    await editSettings('bind-tls', { tlsRejectUnauthorized: true, tlsCaFile: caFile });
    await assert.rejects(api.execute('bind-tls'), (error: Error) => error.message.includes(`the CA certificates file ${caFile} is trusted`));
    assert.equal(oidc.tokenRequests(), before, 'the server received nothing');

    // Entering the secret again binds it to the route as it is now.
    await editSettings('bind-tls', { tlsCaFile: '' });
    assert.ok((await api.execute('bind-tls')).accessToken !== undefined);
    assert.equal(settingsOf('bind-tls').clientSecret, undefined);
  });

  test('a URL that no longer parses is named as the problem; no secret is bound to it', async () => {
    await save(
      'bind-url',
      { authorizationServerUrl: oidc.tokenEndpoint, clientId: oidc.basicClient.clientId, scope: 'api:read' },
      { clientSecret: oidc.basicClient.clientSecret },
    );
    await editSettings('bind-url', { authorizationServerUrl: 'not a url' });
    await assert.rejects(api.execute('bind-url'), (error: Error) => /"Authorization Server URL"/.test(error.message) && !/is not sent/.test(error.message));
  });

  test('other extensions get the plain fields only: the access token, refresh_token and id_token are masked (issue 17)', async () => {
    await save(
      'masked',
      { authorizationServerUrl: rotating.server.url, grantType: 'refresh_token', clientId: 'c' },
      { clientSecret: 's', refreshToken: `rt-${rotating.accepted.length + 1}` },
    );
    const stranger = await productionExports();
    const message = await stranger.execute('masked');
    const listed = stranger.messages().find((entry) => entry.invoker === 'masked')?.message;
    assert.ok(listed !== undefined);
    for (const seen of [message, listed]) {
      assert.equal(seen.accessToken, '••••••••');
      assert.equal(seen.getProperty('token_type'), 'Bearer');
      assert.equal(seen.getProperty('refresh_token'), '••••••••');
      assert.equal(seen.getProperty('id_token'), '••••••••');
      const text = JSON.stringify(seen.toJSON());
      assert.ok(!/[ar]t-\d+/.test(text) && !text.includes(ID_TOKEN), 'no token anywhere in the message, body included');
    }
    // The user still has them, in the tree.
    assert.match(await copyPropertyFromTree(api, 'masked', 'refresh_token'), /^rt-\d+$/);
    assert.match(await copyPropertyFromTree(api, 'masked', 'AccessToken'), /^at-\d+$/);
  });

  test('a rename while an Execute is in flight: the rotated refresh token moves with the invoker', async () => {
    await save(
      'rot-a',
      { authorizationServerUrl: rotating.server.url, grantType: 'refresh_token', clientId: 'c' },
      { clientSecret: 's', refreshToken: `rt-${rotating.accepted.length + 1}` },
    );
    const { arrived, release } = rotating.hold();
    const executing = api.execute('rot-a');
    await arrived;
    created.push('rot-b');
    const renaming = api.saveInvoker({ ...settingsOf('rot-a'), name: 'rot-b' } as { name: string }, { previousName: 'rot-a' });
    release();
    await executing;
    await renaming;
    assert.deepEqual(
      api.listInvokers().filter((name) => name.startsWith('rot-')),
      ['rot-b'],
    );
    const spent = rotating.accepted.at(-1);
    const next = await api.execute('rot-b');
    assert.ok(next.accessToken !== undefined, 'the renamed invoker sends the rotated refresh token, which the server accepts');
    assert.notEqual(rotating.accepted.at(-1), spent);
    assert.equal(
      api.messages().find((entry) => entry.invoker === 'rot-a'),
      undefined,
      'no message stays under the old name',
    );
  });

  test('a delete while an Execute is in flight leaves nothing: no SecretStorage key, no message; a new invoker of that name inherits nothing', async () => {
    await save(
      'gone',
      { authorizationServerUrl: rotating.server.url, grantType: 'refresh_token', clientId: 'c' },
      { clientSecret: 's', refreshToken: `rt-${rotating.accepted.length + 1}` },
    );
    const ownedBefore = await api.storedKeys();
    assert.ok(
      ownedBefore.some((key) => key.includes('/gone/')),
      'the keys the extension owns are listed',
    );
    const { arrived, release } = rotating.hold();
    const executing = api.execute('gone');
    await arrived;
    const deleting = api.deleteInvoker('gone');
    release();
    await executing;
    await deleting;
    const owned = await api.storedKeys();
    assert.deepEqual(
      owned.filter((key) => key.includes('/gone/') || key.endsWith('/gone')),
      [],
    );
    assert.equal(
      api.messages().find((entry) => entry.invoker === 'gone'),
      undefined,
    );

    await save('gone', { authorizationServerUrl: rotating.server.url, grantType: 'refresh_token', clientId: 'c' }, {});
    const requests = rotating.server.requests.length;
    await assert.rejects(api.execute('gone'), /"Refresh Token" is required/);
    assert.equal(rotating.server.requests.length, requests, 'nothing was sent');
  });

  test("a workspace invoker's draft stays in its workspace; a user invoker's draft is the user's everywhere", () => {
    const memento = (): vscode.Memento => {
      const values = new Map<string, unknown>();
      return {
        keys: () => [...values.keys()],
        get: <T>(key: string, fallback?: T) => (values.has(key) ? (values.get(key) as T) : fallback),
        update: async (key: string, value: unknown) => {
          values.set(key, value);
        },
      } as vscode.Memento;
    };
    const user = memento();
    const repoA = new DraftStore(user, memento());
    const repoB = new DraftStore(user, memento());
    const draft = { config: { name: 'api' }, scope: 'workspace' } as never;
    void repoA.set('workspace:api', draft);
    void repoA.set('new', draft);
    void repoA.set('user:mine', draft);
    assert.equal(repoB.get('workspace:api'), undefined, "another repository's invoker of the same name does not open it");
    assert.equal(repoB.get('new'), undefined);
    assert.deepEqual(repoA.get('workspace:api'), draft);
    assert.deepEqual(repoB.get('user:mine'), draft);
  });
});
