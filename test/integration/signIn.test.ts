/**
 * Issue 11 in a real VS Code: the invoker signs a person in. The person's browser is the test's cookie-keeping HTTP
 * client (test/fixtures/signInBrowser.ts), handed the URL the extension would open: it follows the authorization URL,
 * signs in and consents at oidc-provider's pages, and follows the redirect to the redirect URI that
 * `vscode.env.asExternalUri` gave, which in code-server is its own `/proxy/PORT/` path to the loopback listener.
 */
import * as assert from 'node:assert/strict';
import { createServer, type AddressInfo } from 'node:net';
import * as vscode from 'vscode';
import type { OAuth2InvokerTesting } from '../../src/extension/testingApi';
import type { SignInStarted } from '../../src/extension/signIn/signInService';
import { startOidcServer, type OidcServer } from '../fixtures/oidcServer';
import { SignInBrowser } from '../fixtures/signInBrowser';
import { activateApi, assertAbsent, copyPropertyFromTree, logWithLine } from './helpers';

type Api = OAuth2InvokerTesting;

async function freePort(): Promise<number> {
  const probe = createServer();
  await new Promise<void>((resolve) => probe.listen(0, '127.0.0.1', resolve));
  const { port } = probe.address() as AddressInfo;
  await new Promise<void>((resolve) => probe.close(() => resolve()));
  return port;
}

async function refusesConnections(port: number): Promise<boolean> {
  try {
    await fetch(`http://127.0.0.1:${port}/callback?state=x`);
    return false;
  } catch {
    return true;
  }
}

function nextStart(api: Api): Promise<SignInStarted> {
  return new Promise((resolve) => {
    const listener = api.signInForTests.onDidStartForTests((started) => {
      listener.dispose();
      resolve(started);
    });
  });
}

suite('Sign-in in a real VS Code (issue 11)', function () {
  /** The browser the extension opens for a sign-in: the server's pages, filled in as the user; `page()` is where it ends. */
  function browseWhenOpened(): { browser: SignInBrowser; page: () => Promise<{ title: string; status: number; body: string }> | undefined } {
    const browser = new SignInBrowser();
    let page: Promise<{ title: string; status: number; body: string }> | undefined;
    api.signInForTests.opener = async (url) => {
      opened.push(url);
      page = browser.browse(url, { user: server.user });
      return true;
    };
    return { browser, page: () => page };
  }

  let api: Api;
  let server: OidcServer;
  let port: number;
  let opened: string[];
  let originalOpener: Api['signInForTests']['opener'];
  let originalTimeout: Api['signInForTests']['redirectTimeoutMs'];

  suiteSetup(async () => {
    api = (await activateApi()) as Api;
    port = await freePort();
    // The redirect registered for a fixed port, as it is reached directly (desktop) and through code-server's proxy.
    // Issue 17: it also refuses an OpenID request (scope openid) without a nonce, as some real servers do.
    server = await startOidcServer({
      signIn: { redirectUris: [`http://127.0.0.1:${port}/callback`, `http://127.0.0.1/proxy/${port}/callback`], requireNonce: true },
    });
    originalOpener = api.signInForTests.opener;
    originalTimeout = api.signInForTests.redirectTimeoutMs;
    // A sign-in that goes wrong fails within the test's time instead of waiting five minutes.
    api.signInForTests.redirectTimeoutMs = () => 15_000;
  });

  setup(() => {
    opened = [];
  });

  teardown(() => {
    api.signInForTests.opener = originalOpener;
  });

  suiteTeardown(async () => {
    api.signInForTests.redirectTimeoutMs = originalTimeout;
    for (const name of ['signin-code', 'signin-device']) {
      await api.deleteInvoker(name);
    }
    await server.close();
  });

  test('Execute signs in with Authorization Code + PKCE through the loopback redirect as asExternalUri rewrites it', async () => {
    const redirect = `http://127.0.0.1:${port}/callback`;
    await api.saveInvoker({
      name: 'signin-code',
      issuer: server.issuer,
      authorizationServerUrl: server.tokenEndpoint,
      authorizationEndpointUrl: server.authorizationEndpoint,
      issParameterSupported: true,
      grantType: 'authorization_code',
      clientId: server.appClient.clientId,
      redirectUri: redirect,
      scope: 'openid offline_access api:read',
      authorizationParameters: [{ name: 'prompt', value: 'consent' }],
    });
    const signingIn = browseWhenOpened();
    const { browser } = signingIn;
    const before = server.tokenRequests();
    const running = vscode.commands.executeCommand('oauth2Invoker.execute', 'signin-code');
    const started = await nextStart(api);
    assert.equal(started.kind, 'authorization-code');
    const shown = await signingIn.page();
    assert.deepEqual(
      [shown?.status, shown?.title],
      [200, 'Signed in'],
      `the loopback answered the browser with its page, after ${browser.visited.join(' -> ')}: ${shown?.body.slice(0, 300)}`,
    );
    await running;
    assert.equal(opened.length, 1, 'the authorization URL was opened once');
    let authorizationUrl = new URL(opened[0]);
    if (vscode.env.uiKind === vscode.UIKind.Web) {
      // An authorization server on this machine: code-server would open its URL through the port proxy, where its pages
      // cannot work; the loopback listener's start page is opened instead, and sends the browser on to the URL as it is.
      // Through code-server's proxy (its opener would drop a localhost URL's path), with the page's random segment.
      assert.match(opened[0], new RegExp(`^http://[^/]+/proxy/${port}/start/[\\w-]{22}$`));
      assert.equal(browser.visited[0], opened[0]);
      assert.ok(browser.visited[1]?.startsWith(`${server.authorizationEndpoint}?`), `the start page redirected to ${browser.visited[1]}`);
      authorizationUrl = new URL(browser.visited[1]);
    }
    const external = authorizationUrl.searchParams.get('redirect_uri') ?? '';
    if (vscode.env.uiKind === vscode.UIKind.Web) {
      assert.match(
        external,
        new RegExp(`^http://127\\.0\\.0\\.1:\\d+/proxy/${port}/callback$`),
        `code-server's port proxy is the redirect the browser reaches (it is ${external})`,
      );
    } else {
      assert.equal(external, (await vscode.env.asExternalUri(vscode.Uri.parse(redirect))).toString(true));
    }
    assert.equal(authorizationUrl.searchParams.get('code_challenge_method'), 'S256');
    assert.equal(authorizationUrl.searchParams.get('nonce')?.length, 43, 'a fresh nonce, since the scope has openid (issue 17)');
    // The browser really went through the external URI (code-server's proxy in a web workbench).
    const arrival = browser.visited.find((url) => url.startsWith(external));
    assert.ok(arrival !== undefined, `the browser followed the redirect to ${external}`);

    const record = api.messages().find((m) => m.invoker === 'signin-code');
    assert.ok(record !== undefined && !record.failed, 'the message holds the answer');
    assert.ok(record.message.accessToken !== undefined && record.message.accessToken !== '');
    assert.equal(server.tokenRequests() - before, 1);
    const sent = server.lastTokenRequest();
    assert.equal(sent?.body?.grant_type, 'authorization_code');
    assert.equal(sent?.body?.redirect_uri, external);
    assert.equal(await refusesConnections(port), true, 'the loopback listener closed after its one callback');

    // The id_token's claims are in the message's Details: who signed in, and for which client.
    const root = api.resultTree.messageNodes().find((node) => node.record.invoker.name === 'signin-code');
    assert.ok(root !== undefined);
    const detailsNode = api.resultTree.getChildren(root).find((node) => node.kind === 'details');
    assert.ok(detailsNode !== undefined);
    const details = new Map(
      api.resultTree.getChildren(detailsNode).map((node) => [node.kind === 'detail' ? node.label : '', node.kind === 'detail' ? node.value : '']),
    );
    assert.equal(details.get('ID token sub'), server.user.accountId);
    assert.equal(details.get('ID token aud'), server.appClient.clientId);
    assert.equal(details.get('ID token iss'), server.issuer);
    assert.equal(details.get('Grant'), 'Authorization Code (PKCE)');

    // A later token comes from the cache, without a browser.
    const token = await api.getAccessToken('signin-code');
    assert.equal(token, record.message.accessToken);
    assert.equal(opened.length, 1);

    // Nothing of the exchange reaches the log: the code, the state, the verifier, the tokens.
    const arrived = new URL(arrival);
    const secrets = [arrived.searchParams.get('code') ?? '', arrived.searchParams.get('state') ?? '', String(sent?.body?.code_verifier ?? ''), token];
    assert.ok(secrets.every((secret) => secret.length > 10));
    // The answer of the code exchange, its tokens redacted: once it is in the log, the whole sign-in is.
    assertAbsent(await logWithLine(api, /\[signin-code\] answer body: /), secrets, 'the log');
  });

  test("issue 17: the redirect's iss is compared with the Issuer URL even when Require Issuer in Redirect is off: another issuer is refused", async () => {
    const redirect = `http://127.0.0.1:${port}/callback`;
    await api.saveInvoker({
      name: 'signin-iss',
      // Not this server's issuer: a trailing slash makes another one (RFC 9207 §2.4 compares exactly).
      issuer: `${server.issuer}/`,
      authorizationServerUrl: server.tokenEndpoint,
      authorizationEndpointUrl: server.authorizationEndpoint,
      issParameterSupported: false,
      grantType: 'authorization_code',
      clientId: server.appClient.clientId,
      redirectUri: redirect,
      scope: 'openid api:read',
    });
    const signingIn = browseWhenOpened();
    const { browser } = signingIn;
    const before = server.tokenRequests();
    try {
      // The command reports the failure to the person (a notification), whether or not it also rejects.
      await Promise.resolve(vscode.commands.executeCommand('oauth2Invoker.execute', 'signin-iss')).catch(() => undefined);
      const shown = await signingIn.page();
      assert.equal(shown?.title, 'Signed in', 'the server did redirect back, with its iss');
      assert.ok(browser.visited.some((url) => new URL(url).searchParams.get('iss') === server.issuer));
      assert.equal(server.tokenRequests(), before, 'the code of a redirect from another issuer is not exchanged');
      const record = api.messages().find((m) => m.invoker === 'signin-iss');
      assert.ok(record === undefined || record.failed, 'no token was kept');
    } finally {
      await api.deleteInvoker('signin-iss');
    }
  });

  test('a refused refresh token: background renewal fails with sign-in-required and opens nothing', async () => {
    const refreshToken = await copyPropertyFromTree(api, 'signin-code', 'refresh_token');
    const revoked = await fetch(server.revocationEndpoint, {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      body: new URLSearchParams({ token: refreshToken, token_type_hint: 'refresh_token', client_id: server.appClient.clientId }).toString(),
    });
    assert.equal(revoked.status, 200);
    api.signInForTests.opener = async (url) => {
      opened.push(url);
      return true;
    };
    // A margin as long as the token's life: the cached token no longer counts as valid, so it is renewed.
    const settings = vscode.workspace.getConfiguration('oauth2Invoker');
    await settings.update('tokenSafetyMarginSeconds', 3600, vscode.ConfigurationTarget.Global);
    try {
      await assert.rejects(api.getAccessToken('signin-code'), (error: { kind?: unknown }) => error.kind === 'sign-in-required');
    } finally {
      await settings.update('tokenSafetyMarginSeconds', undefined, vscode.ConfigurationTarget.Global);
    }
    const last = server.lastTokenRequest();
    assert.deepEqual([last?.body?.grant_type, last?.error], ['refresh_token', 'invalid_grant'], 'the refresh token was tried, and refused');
    assert.equal(opened.length, 0, 'no browser was opened');
  });

  test('background work never opens a browser: getAccessToken of a sign-in invoker without tokens fails with sign-in-required', async () => {
    await api.saveInvoker({
      name: 'signin-device',
      authorizationServerUrl: server.tokenEndpoint,
      deviceAuthorizationEndpointUrl: server.deviceAuthorizationEndpoint,
      grantType: 'device_code',
      clientId: server.appClient.clientId,
      scope: 'openid api:read',
    });
    let started = 0;
    const listener = api.signInForTests.onDidStartForTests(() => (started += 1));
    api.signInForTests.opener = async (url) => {
      opened.push(url);
      return true;
    };
    const before = server.tokenRequests();
    try {
      await assert.rejects(api.getAccessToken('signin-device'), (error: { code?: unknown; kind?: unknown; message?: unknown }) => {
        assert.equal(error.code, 4);
        assert.equal(error.kind, 'sign-in-required');
        assert.match(String(error.message), /sign in required/);
        return true;
      });
      await assert.rejects(api.execute('signin-device'), (error: { kind?: unknown }) => error.kind === 'sign-in-required');
    } finally {
      listener.dispose();
    }
    assert.deepEqual([started, opened.length, server.tokenRequests() - before], [0, 0, 0]);
    assert.equal(
      api.messages().find((m) => m.invoker === 'signin-device'),
      undefined,
      'no failed message was stored',
    );
  });

  test('Execute signs in with a device code: "Copy Code and Open" lands on the server\'s device page (issue 21: through code-server\'s proxy)', async () => {
    const browser = new SignInBrowser();
    let page: Promise<{ title: string; status: number; body: string }> | undefined;
    const started = nextStart(api);
    const running = vscode.commands.executeCommand('oauth2Invoker.execute', 'signin-device');
    const { kind, url, userCode, open } = await started;
    assert.equal(kind, 'device-code');
    assert.ok(userCode !== undefined && userCode !== '');
    assert.ok(open !== undefined, 'the notification offers "Copy Code and Open"');
    api.signInForTests.opener = async (address) => {
      opened.push(address);
      page = browser.browse(address, { user: server.user, userCode });
      return true;
    };
    await open();
    assert.equal(opened.length, 1);
    assert.equal(await vscode.env.clipboard.readText(), userCode, 'the code is on the clipboard');
    if (vscode.env.uiKind === vscode.UIKind.Web) {
      // code-server would open the server's localhost page through its port proxy without the /device path (Not
      // Found): a loopback start page, reached through the proxy, sends the browser on to the page as it is.
      assert.match(opened[0], /^http:\/\/[^/]+\/proxy\/\d+\/start\/[\w-]{22}$/);
    } else {
      assert.ok(opened[0].startsWith(url), `the verification page itself is opened (${opened[0]})`);
    }
    const shown = await page;
    assert.ok(
      browser.visited.some((visited) => new URL(visited).pathname.startsWith(new URL(url).pathname)),
      `the browser reached the device page ${url}: ${browser.visited.join(' -> ')}`,
    );
    assert.equal(shown?.title, 'Sign-in Success');
    await running;
    const record = api.messages().find((m) => m.invoker === 'signin-device');
    assert.ok(record !== undefined && !record.failed);
    assert.ok(record.message.accessToken !== undefined && record.message.accessToken !== '');
    assert.equal(server.lastTokenRequest()?.body?.grant_type, 'urn:ietf:params:oauth:grant-type:device_code');
  });
});
