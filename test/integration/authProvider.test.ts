import * as assert from 'node:assert/strict';
import * as vscode from 'vscode';
import type { OAuth2InvokerTesting } from '../../src/extension/testingApi';
import { AUTH_PROVIDER_ID } from '../../src/extension/authProvider';
import { startOidcServer, type OidcServer } from '../fixtures/oidcServer';
import { startResourceServer, type ResourceServer } from '../fixtures/resourceServer';
import { activateApi, assertAbsent, logWithLine } from './helpers';

/** The test consumer extension (test/fixtures/consumerExtension), loaded beside the extension by the harness. */
interface ConsumerApi {
  token(invoker: string): Promise<{ accessToken: string; account: string; keys: string[] }>;
  silentToken(invoker: string): Promise<string | undefined>;
  changes(): number;
}

const CONSUMER_ID = 'oauth2-invoker-tests.consumer';
const TTL_SECONDS = 2;

function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}

/** Waits for a condition that VS Code reports asynchronously (events cross the main thread); fails after a long wait. */
async function eventually(condition: () => boolean | Promise<boolean>, what: string): Promise<void> {
  for (let i = 0; i < 200; i += 1) {
    if (await condition()) {
      return;
    }
    await sleep(50);
  }
  assert.fail(`never happened: ${what}`);
}

/**
 * VS Code refuses to show dialogs while extension tests run, and its consent dialog stands between another
 * extension's getSession({ createIfNone }) and a session: here the consumer proves the gate and hears the provider's
 * events through VS Code; the sessions themselves come from the provider, as VS Code asks for them after consent.
 */
suite('VS Code Accounts: the authentication provider and another extension', function () {
  let api: OAuth2InvokerTesting;
  let consumer: ConsumerApi;
  let server: OidcServer;
  let resource: ResourceServer;

  async function resourceStatus(token: string): Promise<number> {
    return (await fetch(`${resource.origin}/api/orders`, { headers: { authorization: `Bearer ${token}` } })).status;
  }

  suiteSetup(async () => {
    api = await activateApi();
    const extension = vscode.extensions.getExtension<ConsumerApi>(CONSUMER_ID);
    assert.ok(extension !== undefined, `the harness loads the consumer extension ${CONSUMER_ID}`);
    consumer = await extension.activate();
    server = await startOidcServer({ accessTokenTtlSeconds: TTL_SECONDS });
    resource = await startResourceServer({ introspectionEndpoint: server.introspectionEndpoint, ...server.resourceServer });
    await vscode.workspace.getConfiguration('oauth2Invoker').update('tokenSafetyMarginSeconds', 0, vscode.ConfigurationTarget.Global);
    await api.saveInvoker(
      {
        name: 'account-cc',
        authorizationServerUrl: server.tokenEndpoint,
        grantType: 'client_credentials',
        clientId: server.basicClient.clientId,
        scope: 'api:read',
      },
      { secrets: { clientSecret: server.basicClient.clientSecret } },
    );
  });

  suiteTeardown(async () => {
    await api.deleteInvoker('account-cc');
    await vscode.workspace.getConfiguration('oauth2Invoker').update('tokenSafetyMarginSeconds', undefined, vscode.ConfigurationTarget.Global);
    await Promise.all([resource?.close(), server?.close()]);
  });

  test('an invoker is an account while it holds a token; VS Code lists it without a request to the server', async () => {
    const labels = async (): Promise<string[]> => (await vscode.authentication.getAccounts(AUTH_PROVIDER_ID)).map((account) => account.label);
    assert.ok(!(await labels()).includes('account-cc'));
    await api.getAccessToken('account-cc');
    const requests = server.tokenRequests();
    await eventually(async () => (await labels()).includes('account-cc'), 'the account is listed');
    assert.equal(server.tokenRequests(), requests);
  });

  test("another extension gets nothing without the user's consent: VS Code asks first (a dialog it refuses to show in a test run)", async () => {
    await api.getAccessToken('account-cc');
    assert.equal(await consumer.silentToken('account-cc'), undefined, 'VS Code hands out nothing the user has not allowed');
    // With createIfNone, VS Code opens its consent dialog before any session reaches the extension; under test it
    // refuses to show dialogs, and says which one it was. A person's path through the dialog is the E2E's to prove.
    await assert.rejects(consumer.token('account-cc'), /The extension 'OAuth2 Invoker test consumer' wants to sign in using OAuth2 Invoker/);
  });

  test("the session: the invoker's access token from the token service, nothing else; the resource server accepts it", async () => {
    const provider = api.authProviderForTests();
    const session = await provider.createSession([`invoker:account-cc`]);
    assert.deepEqual(Object.keys(session).sort(), ['accessToken', 'account', 'id', 'scopes']);
    assert.deepEqual(
      [session.id, session.account, session.scopes],
      ['user:account-cc', { id: 'user:account-cc', label: 'account-cc' }, ['invoker:account-cc']],
    );
    assert.equal(session.accessToken, await api.getAccessToken('account-cc'), "the session's token is the invoker's, from the token service's cache");
    assert.equal(await resourceStatus(session.accessToken), 200, 'the resource server accepts it');
    assert.deepEqual(
      (await provider.getSessions(['invoker:account-cc'])).map((s) => s.accessToken),
      [session.accessToken],
    );
    assert.deepEqual(await provider.getSessions(['invoker:nobody']), []);
    await assert.rejects(provider.createSession(['invoker:nobody']), /There is no OAuth2 invoker "nobody"\./);
  });

  test('renewal: an expired token is renewed through the token service (one request), and the consumer hears of it', async () => {
    const provider = api.authProviderForTests();
    const first = (await provider.createSession(['invoker:account-cc'])).accessToken;
    const changes = consumer.changes();
    const heard: string[] = [];
    const listener = provider.onDidChangeSessions((event) => heard.push(...(event.changed ?? []).map((s) => s.id)));
    await sleep(TTL_SECONDS * 1000 + 100);
    const requests = server.tokenRequests();
    const [[a], [b]] = await Promise.all([provider.getSessions(['invoker:account-cc']), provider.getSessions(['invoker:account-cc'])]);
    listener.dispose();
    assert.equal(a.accessToken, b.accessToken);
    assert.notEqual(a.accessToken, first);
    assert.equal(server.tokenRequests() - requests, 1, 'concurrent sessions share one exchange');
    assert.equal(await resourceStatus(a.accessToken), 200);
    assert.deepEqual(heard, ['user:account-cc'], 'the provider fired a change for the renewed session');
    // VS Code passes the provider's event on to every extension's vscode.authentication.onDidChangeSessions.
    await eventually(() => consumer.changes() > changes, 'onDidChangeSessions on renewal, in the other extension');
  });

  test("sign out clears the invoker's tokens; the consumer hears of it and gets no session silently", async () => {
    await api.authProviderForTests().createSession(['invoker:account-cc']);
    const changes = consumer.changes();
    // What the Accounts menu's "Sign Out" calls.
    await api.authProviderForTests().removeSession('user:account-cc');
    assert.equal(
      api.messages().find((m) => m.invoker === 'account-cc'),
      undefined,
    );
    await eventually(() => consumer.changes() > changes, 'onDidChangeSessions on sign-out');
    assert.equal(await consumer.silentToken('account-cc'), undefined);
    assert.ok(!(await vscode.authentication.getAccounts(AUTH_PROVIDER_ID)).some((account) => account.label === 'account-cc'));
  });

  test('sign out of an invoker with a Revocation Endpoint revokes its token at the server first; without one the token is only forgotten', async () => {
    const kept = await api.authProviderForTests().createSession(['invoker:account-cc']);
    await api.authProviderForTests().removeSession('user:account-cc');
    assert.equal(await resourceStatus(kept.accessToken), 200, 'without a Revocation Endpoint nothing is sent: the token stays valid until it expires');

    await api.saveInvoker({
      name: 'account-cc',
      authorizationServerUrl: server.tokenEndpoint,
      grantType: 'client_credentials',
      clientId: server.basicClient.clientId,
      scope: 'api:read',
      revocationEndpoint: server.revocationEndpoint,
    });
    const session = await api.authProviderForTests().createSession(['invoker:account-cc']);
    assert.equal(await resourceStatus(session.accessToken), 200);
    await api.authProviderForTests().removeSession('user:account-cc');
    assert.equal(await resourceStatus(session.accessToken), 401, 'the signed-out token is revoked at the server');
    assert.equal(
      api.messages().find((m) => m.invoker === 'account-cc'),
      undefined,
    );
    // The sign-out's last line: once it is in the log, the Execute and the revocation before it are.
    const log = await logWithLine(api, /\[account-cc\] signed out from VS Code Accounts/);
    assertAbsent(log, [session.accessToken, server.basicClient.clientSecret], 'the OAuth2 Invoker log');
  });
});
