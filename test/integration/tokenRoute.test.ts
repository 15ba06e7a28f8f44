/**
 * Issue 17 in a real VS Code: the tokens a server issued (refresh, access) go only along the route and to the client
 * they were issued to; another invoker's token goes to a Token Exchange only with the person's consent; a failed
 * renewal keeps a token that still works.
 */
import * as assert from 'node:assert/strict';
import * as vscode from 'vscode';
import type { OAuth2InvokerTesting } from '../../src/extension/testingApi';
import { startServer, type RecordedRequest, type TestServer } from '../fixtures/httpServer';
import { activateApi, editSettings } from './helpers';

/**
 * The invokers' real server: password and client credentials for a public client, rotating refresh tokens, and
 * Token Exchange; `failRefresh` makes it answer refreshes with an HTML 503 (a server that is down).
 */
async function startTokenServer(): Promise<{ server: TestServer; failRefresh: (fail: boolean) => void; grants: () => string[] }> {
  let serial = 0;
  let failing = false;
  const server = await startServer((request, res) => {
    const form = new URLSearchParams(request.body);
    const grant = form.get('grant_type') ?? '';
    if (failing && grant === 'refresh_token') {
      res.writeHead(503, { 'content-type': 'text/html' });
      res.end('<html>down for maintenance</html>');
      return;
    }
    serial += 1;
    res.writeHead(200, { 'content-type': 'application/json' });
    res.end(
      JSON.stringify({
        access_token: `route-at-${serial}`,
        token_type: 'Bearer',
        // Inside the safety margin: every getAccessToken renews, yet the token is still valid.
        expires_in: 30,
        ...(grant === 'urn:ietf:params:oauth:grant-type:token-exchange'
          ? { issued_token_type: 'urn:ietf:params:oauth:token-type:access_token' }
          : { refresh_token: `route-rt-${serial}` }),
      }),
    );
  });
  return {
    server,
    failRefresh: (fail) => (failing = fail),
    grants: () => server.requests.map((r: RecordedRequest) => new URLSearchParams(r.body).get('grant_type') ?? ''),
  };
}

function bodies(server: TestServer): string {
  return server.requests.map((r) => r.body).join('\n');
}

suite('Issue 17: tokens stay on the route they came from', function () {
  let api: OAuth2InvokerTesting;
  let legit: Awaited<ReturnType<typeof startTokenServer>>;
  let attacker: TestServer;
  const created: string[] = [];

  suiteSetup(async () => {
    api = await activateApi();
    legit = await startTokenServer();
    attacker = await startServer((_request, res) => {
      res.writeHead(400, { 'content-type': 'application/json' });
      res.end('{"error":"invalid_grant"}');
    });
  });

  teardown(() => api.confirmationsForTests.answerForTests(undefined));

  suiteTeardown(async () => {
    for (const name of created) {
      if (api.listInvokers().includes(name)) {
        await api.deleteInvoker(name);
      }
    }
    await Promise.all([legit.server.close(), attacker.close()]);
  });

  async function save(name: string, config: Record<string, unknown>, secrets: Record<string, string> = {}): Promise<void> {
    created.push(name);
    await api.saveInvoker({ name, authorizationServerUrl: legit.server.url, ...config }, { secrets });
  }

  function record(name: string): { accessToken?: string; failed: boolean } | undefined {
    const found = api.messages().find((m) => m.invoker === name);
    return found !== undefined ? { accessToken: found.message.accessToken, failed: found.failed } : undefined;
  }

  test("a public client's refresh token does not follow a token URL changed behind the user's back", async () => {
    await save('route-public', { grantType: 'password', clientId: 'public-app', username: 'alice' }, { password: 'alice-pw' });
    await api.execute('route-public');
    await editSettings('route-public', { authorizationServerUrl: attacker.url });

    // Background (another extension, the Accounts provider, a CodeLens): nothing is sent, and the error says why.
    await assert.rejects(api.getAccessToken('route-public'), (error: Error) => {
      assert.equal(error.name, 'InvokerUnavailable');
      assert.match(error.message, /its refresh token is not sent, because since it was issued requests now go to http:\/\/127\.0\.0\.1:\d+/);
      return true;
    });
    assert.equal(attacker.requests.length, 0, 'the new token URL received nothing');

    // A person: the dialog names the change; refused, nothing is sent.
    const asked = api.confirmationsForTests;
    asked.answerForTests(() => false);
    await vscode.commands.executeCommand('oauth2Invoker.refreshToken', { name: 'route-public', scope: 'user' });
    assert.equal(asked.asked.length, 1);
    assert.match(asked.asked[0].text, /Invoker "route-public": since its refresh token was issued, requests now go to/);
    assert.equal(attacker.requests.length, 0);

    // Confirmed: it goes, as the person chose.
    asked.answerForTests(() => true);
    await vscode.commands.executeCommand('oauth2Invoker.refreshToken', { name: 'route-public', scope: 'user' });
    assert.match(bodies(attacker), /grant_type=refresh_token&refresh_token=route-rt-/);
  });

  test('a changed Client ID: the refresh token issued to the old client is not sent for the new one', async () => {
    await save('route-client', { grantType: 'password', clientId: 'app-one', username: 'alice' }, { password: 'alice-pw' });
    await api.execute('route-client');
    const before = legit.server.requests.length;
    await editSettings('route-client', { clientId: 'app-two' });
    await assert.rejects(api.getAccessToken('route-client'), /the client is now "app-two" \(not "app-one"/);
    assert.equal(legit.server.requests.length, before);
  });

  test('saving an invoker with another token URL clears its tokens: none is handed out for the new server', async () => {
    await save('route-saved', { grantType: 'password', clientId: 'public-app', username: 'alice' }, { password: 'alice-pw' });
    await api.execute('route-saved');
    assert.ok(record('route-saved')?.accessToken?.startsWith('route-at-'));
    await api.saveInvoker({ name: 'route-saved', authorizationServerUrl: attacker.url, grantType: 'password', clientId: 'public-app', username: 'alice' });
    assert.equal(record('route-saved'), undefined, 'the message and its tokens are gone');
  });

  test("a revocation endpoint changed behind the user's back does not receive the token", async () => {
    await save(
      'route-revoke',
      { grantType: 'password', clientId: 'public-app', username: 'alice', revocationEndpoint: `${legit.server.origin}/revoke` },
      { password: 'alice-pw' },
    );
    await api.execute('route-revoke');
    await editSettings('route-revoke', { revocationEndpoint: `${attacker.origin.replace('127.0.0.1', 'localhost')}/revoke` });
    const before = attacker.requests.length;
    api.confirmationsForTests.answerForTests(() => false);
    await vscode.commands.executeCommand('oauth2Invoker.revokeToken', { name: 'route-revoke', scope: 'user' }, { confirmed: true, token: 'refresh_token' });
    assert.equal(attacker.requests.length, before, 'the new revocation endpoint received nothing');
    assert.match(api.confirmationsForTests.asked[0]?.text ?? '', /since its refresh token was issued, requests now go to http:\/\/localhost:/);
  });

  test('a failed renewal keeps the last token while it is still valid', async () => {
    await save('route-keep', { grantType: 'password', clientId: 'public-app', username: 'alice' }, { password: 'alice-pw' });
    await api.execute('route-keep');
    const good = record('route-keep')?.accessToken;
    legit.failRefresh(true);
    try {
      await assert.rejects(api.getAccessToken('route-keep'), (error: { kind?: string }) => error.kind === 'server-rejected');
    } finally {
      legit.failRefresh(false);
    }
    assert.deepEqual(record('route-keep'), { accessToken: good, failed: false });
  });

  test("Token Exchange sends another invoker's token only where the person allowed it", async () => {
    await save('route-source', { grantType: 'client_credentials', clientId: 'source-app' }, { clientSecret: 'source-secret' });
    await save(
      'route-exchange',
      // A public client: no stored secret of its own holds the request back, only the consent.
      { grantType: 'token_exchange', clientId: 'exchange-app', subjectTokenInvoker: 'user:route-source', clientAuthentication: 'none' },
    );
    const exchanges = (): number => legit.grants().filter((g) => g.endsWith('token-exchange')).length;

    // First run without a person (the API): refused before the source's token is even fetched.
    const sourceRuns = legit.grants().filter((g) => g === 'client_credentials').length;
    await assert.rejects(api.execute('route-exchange'), /takes the access token of invoker "route-source".*needs your confirmation, so nothing was sent/);
    assert.equal(exchanges(), 0);
    assert.equal(legit.grants().filter((g) => g === 'client_credentials').length, sourceRuns);

    // A person allows it once, naming the source and the route.
    api.confirmationsForTests.answerForTests(() => true);
    await vscode.commands.executeCommand('oauth2Invoker.execute', { name: 'route-exchange', scope: 'user' });
    assert.match(
      api.confirmationsForTests.asked[0]?.text ?? '',
      /Invoker "route-exchange" takes the access token of invoker "route-source".*Send that token to http:\/\/127\.0\.0\.1:\d+, directly/,
    );
    assert.equal(exchanges(), 1);
    api.confirmationsForTests.answerForTests(undefined);
    await api.execute('route-exchange');
    assert.equal(exchanges(), 2, 'allowed: later runs need no dialog');

    // Its token URL changed behind the user's back: the source's token does not follow.
    await editSettings('route-exchange', { authorizationServerUrl: attacker.url });
    await assert.rejects(api.execute('route-exchange'), /route changed since you allowed it: requests now go to/);
    assert.equal(attacker.requests.filter((r) => /subject_token=/.test(r.body)).length, 0);
  });

  test("a workspace invoker a pulled commit adds cannot take the user's own invoker's token on its first run", async () => {
    await save('route-own', { grantType: 'client_credentials', clientId: 'own-app' }, { clientSecret: 'own-secret' });
    await api.execute('route-own');
    // As a pulled commit writes it: the workspace's settings, nothing the person entered or confirmed.
    await api.saveInvoker(
      {
        name: 'route-ws',
        authorizationServerUrl: attacker.url,
        grantType: 'token_exchange',
        clientId: 'x',
        subjectTokenInvoker: 'user:route-own',
        clientAuthentication: 'none',
      },
      { scope: 'workspace' },
    );
    try {
      const before = attacker.requests.length;
      await assert.rejects(api.execute('route-ws'), /takes the access token of invoker "route-own".*needs your confirmation, so nothing was sent/);
      assert.equal(attacker.requests.length, before, "the commit author's server received nothing");
    } finally {
      await api.deleteInvoker('route-ws', 'workspace');
    }
  });
});
