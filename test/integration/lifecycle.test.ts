import * as assert from 'node:assert/strict';
import * as vscode from 'vscode';
import type { OAuth2InvokerTesting } from '../../src/extension/testingApi';
import { activateApi, copyPropertyFromTree } from './helpers';
import { startServer, type TestServer } from '../fixtures/httpServer';
import { startOidcServer, type OidcServer } from '../fixtures/oidcServer';

function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}

suite('Token lifecycle in a real VS Code', function () {
  let api: OAuth2InvokerTesting;
  let server: OidcServer;

  suiteSetup(async () => {
    api = await activateApi();
    server = await startOidcServer({ accessTokenTtlSeconds: 2, rotateRefreshTokens: true });
    await vscode.workspace.getConfiguration('oauth2Invoker').update('tokenSafetyMarginSeconds', 0, vscode.ConfigurationTarget.Global);
  });

  suiteTeardown(async () => {
    await api.deleteInvoker('short');
    await api.deleteInvoker('keeper');
    await vscode.workspace.getConfiguration('oauth2Invoker').update('tokenSafetyMarginSeconds', undefined, vscode.ConfigurationTarget.Global);
    await server.close();
  });

  test('a valid token comes from the cache; an expired one is refreshed with the rotated refresh token', async () => {
    await api.saveInvoker(
      {
        name: 'short',
        authorizationServerUrl: server.tokenEndpoint,
        grantType: 'password',
        clientId: server.basicClient.clientId,
        username: server.user.username,
        scope: 'offline_access api:read',
      },
      { secrets: { clientSecret: server.basicClient.clientSecret, password: server.user.password } },
    );
    const before = server.tokenRequests();
    const first = await api.getAccessToken('short');
    assert.equal(server.tokenRequests() - before, 1, 'the first call executes the password grant');
    assert.equal(await api.getAccessToken('short'), first, 'the second comes from the cache');
    assert.equal(server.tokenRequests() - before, 1);
    const firstRefresh = await copyPropertyFromTree(api, 'short', 'refresh_token');

    await sleep(2100);
    const second = await api.getAccessToken('short');
    assert.notEqual(second, first);
    assert.equal(server.tokenRequests() - before, 2);
    const last = server.lastTokenRequest();
    assert.equal(last?.body?.grant_type, 'refresh_token');
    assert.equal(last?.body?.refresh_token, firstRefresh);
    const rotated = await copyPropertyFromTree(api, 'short', 'refresh_token');
    assert.notEqual(rotated, firstRefresh, 'the rotated refresh token replaced the old one');

    await sleep(2100);
    await api.getAccessToken('short');
    assert.equal(server.lastTokenRequest()?.body?.refresh_token, rotated, 'the next refresh sends the rotated token, never the spent one');
    assert.deepEqual(server.serverErrors(), []);
  });

  test('100 concurrent getAccessToken calls send exactly one token request', async () => {
    await sleep(2100);
    const before = server.tokenRequests();
    const tokens = await Promise.all(Array.from({ length: 100 }, () => api.getAccessToken('short')));
    assert.equal(server.tokenRequests() - before, 1);
    assert.equal(new Set(tokens).size, 1);
  });

  test('a refresh answer without refresh_token keeps the old refresh token (RFC 6749 §6)', async () => {
    let issued = 0;
    const seen: string[] = [];
    const keeper: TestServer = await startServer((request, res) => {
      const form = new URLSearchParams(request.body);
      issued += 1;
      if (form.get('grant_type') === 'refresh_token') {
        seen.push(form.get('refresh_token') ?? '');
        if (form.get('refresh_token') !== 'the-one-refresh-token') {
          res.writeHead(400, { 'content-type': 'application/json' });
          res.end('{"error":"invalid_grant"}');
          return;
        }
        res.writeHead(200, { 'content-type': 'application/json' });
        res.end(JSON.stringify({ access_token: `refreshed-${issued}`, token_type: 'Bearer', expires_in: 1 }));
        return;
      }
      res.writeHead(200, { 'content-type': 'application/json' });
      res.end(JSON.stringify({ access_token: `first-${issued}`, token_type: 'Bearer', expires_in: 1, refresh_token: 'the-one-refresh-token' }));
    });
    try {
      await api.saveInvoker(
        { name: 'keeper', authorizationServerUrl: keeper.url, grantType: 'password', clientId: 'spa', username: 'u' },
        { secrets: { password: 'p' } },
      );
      assert.equal(await api.getAccessToken('keeper'), 'first-1');
      await sleep(1100);
      assert.equal(await api.getAccessToken('keeper'), 'refreshed-2');
      await sleep(1100);
      assert.equal(await api.getAccessToken('keeper'), 'refreshed-3');
      assert.deepEqual(seen, ['the-one-refresh-token', 'the-one-refresh-token']);
    } finally {
      await keeper.close();
    }
  });
});
