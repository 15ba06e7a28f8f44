import * as assert from 'node:assert/strict';
import {
  buildAuthorizationUrl,
  createPkce,
  createRedactor,
  decodeJwt,
  discover,
  execute,
  LoopbackAuthServer,
  nonceFor,
  parseAuthorizationResponse,
  pollDeviceToken,
  randomUrlSafe,
  requestDeviceAuthorization,
  type DiscoveryResult,
  type InvokerProperties,
} from '../../src/core/index';
import { assertNoSecret, rejectsWith } from '../fixtures/assertions';
import { startOidcServer, type OidcServer } from '../fixtures/oidcServer';
import { SignInBrowser } from '../fixtures/signInBrowser';

/** One Authorization Code attempt as the extension runs it, with the test's browser in the person's place. */
async function signInWithCode(
  server: OidcServer,
  metadata: DiscoveryResult,
  properties: InvokerProperties,
  browse: (authorizationUrl: string, redirectUri: string) => Promise<string | undefined>,
): Promise<{ redirectedTo: string; state: string; verifier: string; nonce: string | undefined; loopback: LoopbackAuthServer }> {
  const state = randomUrlSafe();
  const loopback = await LoopbackAuthServer.start({ state, timeoutMs: 20_000 });
  const pkce = createPkce();
  const nonce = nonceFor(properties.scope);
  const url = buildAuthorizationUrl(properties, { redirectUri: loopback.redirectUri, state, codeChallenge: pkce.codeChallenge, nonce });
  assert.ok(url.startsWith(metadata.authorizationEndpoint as string));
  const stopped = await browse(url, loopback.redirectUri);
  const redirectedTo = stopped ?? (await loopback.waitForCallback());
  await loopback.close();
  void server;
  return { redirectedTo, state, verifier: pkce.codeVerifier, nonce, loopback };
}

suite('Sign-in grants against oidc-provider', function () {
  let server: OidcServer;
  let metadata: DiscoveryResult;
  suiteSetup(async () => {
    // Issue 17: like some real servers, this one refuses an OpenID request (scope openid) without a nonce.
    server = await startOidcServer({ signIn: { requireNonce: true } });
    metadata = await discover(server.issuer);
  });
  suiteTeardown(async () => {
    await server.close();
  });
  teardown(() => assert.deepEqual(server.serverErrors(), []));

  function codeProps(confidential = false, extra: Partial<InvokerProperties> = {}): InvokerProperties {
    return {
      authorizationServerUrl: metadata.tokenEndpoint,
      grantType: 'authorization_code',
      authorizationEndpointUrl: metadata.authorizationEndpoint,
      clientId: confidential ? server.confidentialAppClient.clientId : server.appClient.clientId,
      ...(confidential ? { clientSecret: server.confidentialAppClient.clientSecret } : {}),
      scope: 'openid offline_access api:read',
      authorizationParameters: [{ name: 'prompt', value: 'consent' }],
      ...extra,
    };
  }

  test('discovery offers both sign-in grants with their endpoints and RFC 9207', () => {
    assert.equal(metadata.authorizationEndpoint, `${server.issuer}/auth`);
    assert.equal(metadata.deviceAuthorizationEndpoint, server.deviceAuthorizationEndpoint);
    assert.equal(metadata.issParameterSupported, true);
    assert.ok(metadata.invokerGrantTypes.includes('authorization_code'));
    assert.ok(metadata.invokerGrantTypes.includes('device_code'));
  });

  for (const confidential of [false, true]) {
    test(`authorization code with PKCE (${confidential ? 'confidential client, Basic' : 'public client'}): the browser signs in, the loopback receives the redirect, the code becomes tokens`, async () => {
      const browser = new SignInBrowser();
      const properties = codeProps(confidential);
      const { redirectedTo, state, verifier, nonce } = await signInWithCode(server, metadata, properties, async (url) => {
        assert.equal(new URL(url).searchParams.get('nonce')?.length, 43, 'a fresh nonce, since the scope has openid');
        const page = await browser.browse(url, { user: server.user });
        assert.equal(page.status, 200);
        assert.equal(page.title, 'Signed in');
        return undefined;
      });
      const redirect = new URL(redirectedTo);
      assert.equal(redirect.searchParams.get('iss'), server.issuer);
      const { code } = parseAuthorizationResponse(
        redirectedTo,
        { state, issuer: metadata.issuer, issParameterSupported: metadata.issParameterSupported },
        createRedactor([state]),
      );
      const logs: string[] = [];
      const message = await execute(properties, {
        grant: { grantType: 'authorization_code', code, codeVerifier: verifier, redirectUri: `${redirect.origin}${redirect.pathname}`, nonce },
        log: (_level, line) => logs.push(line),
      });
      assert.equal(decodeJwt(message.getProperty('id_token') ?? '')?.payload.nonce, nonce, "the id_token carries the request's nonce");
      assert.ok(message.accessToken !== undefined && message.accessToken !== '');
      assert.deepEqual(message.propertyNames().slice(0, 1), ['AccessToken']);
      assert.ok(message.getProperty('refresh_token'));
      assert.ok(message.getProperty('id_token')?.startsWith('eyJ'));
      assert.equal(message.metadata.grantType, 'authorization_code');
      const sent = server.lastTokenRequest();
      assert.equal(sent?.body?.code_verifier, verifier);
      assert.equal(sent?.headers.authorization !== undefined, confidential);
      assertNoSecret(logs, [code, verifier, state, nonce as string, ...(confidential ? [server.confidentialAppClient.clientSecret] : [])]);

      // The refresh token renews with the same client.
      const renewed = await execute({ ...properties, grantType: 'refresh_token', refreshToken: message.getProperty('refresh_token') });
      assert.ok(renewed.accessToken !== undefined && renewed.accessToken !== message.accessToken);
    });
  }

  test("the listener's start page (code-server's way to an authorization server on this machine) sends the browser on to the authorization URL until the callback", async () => {
    const properties = codeProps(false);
    const state = randomUrlSafe();
    const loopback = await LoopbackAuthServer.start({ state, timeoutMs: 20_000 });
    const url = buildAuthorizationUrl(properties, {
      redirectUri: loopback.redirectUri,
      state,
      codeChallenge: createPkce().codeChallenge,
      nonce: nonceFor(properties.scope),
    });
    const root = `http://127.0.0.1:${loopback.port}`;
    assert.equal((await fetch(`${root}${loopback.startPath}`, { redirect: 'manual' })).status, 404, 'no start page before one is set');
    const start = loopback.startAt(url);
    assert.match(start, new RegExp(`^${root}/start/[\\w-]{22}$`));
    for (const path of [loopback.startPath, `/proxy/4711${loopback.startPath}`, `/absproxy/4711${loopback.startPath}`]) {
      const answer = await fetch(`${root}${path}`, { redirect: 'manual' });
      assert.deepEqual([answer.status, answer.headers.get('location')], [302, url], path);
    }
    // Issue 17: a guessed start address does nothing: only the page's random path sends the browser on.
    for (const path of ['/', '', '/proxy/4711/', '/absproxy/4711', '/start/', '/start/guess', '/elsewhere']) {
      assert.equal((await fetch(`${root}${path}`, { redirect: 'manual' })).status, 404, path);
    }
    const browser = new SignInBrowser();
    const page = await browser.browse(start, { user: server.user });
    assert.deepEqual([page.status, page.title], [200, 'Signed in']);
    assert.deepEqual(browser.visited.slice(0, 2), [start, url]);
    assert.equal(new URL(await loopback.waitForCallback()).searchParams.get('state'), state);
    assert.equal(loopback.isClosed, true, 'closed after its one callback: no start page remains');
  });

  test('a wrong code verifier is refused by the server (PKCE is checked): invalid_grant, no secret in the error', async () => {
    const browser = new SignInBrowser();
    const properties = codeProps();
    const { redirectedTo, state } = await signInWithCode(server, metadata, properties, async (url) => {
      await browser.browse(url, { user: server.user });
      return undefined;
    });
    const { code } = parseAuthorizationResponse(redirectedTo, { state }, createRedactor([]));
    const wrong = createPkce().codeVerifier;
    const error = await rejectsWith(
      execute(properties, { grant: { grantType: 'authorization_code', code, codeVerifier: wrong, redirectUri: new URL(redirectedTo).origin + '/callback' } }),
      'server-rejected',
    );
    assert.equal(error.error, 'invalid_grant');
    assertNoSecret(error, [code, wrong]);
  });

  test('the user denies at the consent page: the redirect carries access_denied, which is its own kind', async () => {
    const browser = new SignInBrowser();
    const { redirectedTo, state } = await signInWithCode(server, metadata, codeProps(), async (url) => {
      const page = await browser.browse(url, { user: server.user, consent: 'deny' });
      assert.equal(page.title, 'Sign-in did not complete');
      return undefined;
    });
    const error = await rejectsWith(
      Promise.resolve().then(() =>
        parseAuthorizationResponse(redirectedTo, { state, issuer: server.issuer, issParameterSupported: true }, createRedactor([state])),
      ),
      'access-denied',
    );
    assert.equal(server.interactions().denials >= 1, true);
    assertNoSecret(error, [state]);
  });

  test('a wrong password is refused at the login page and nothing reaches the loopback', async () => {
    const browser = new SignInBrowser();
    const state = randomUrlSafe();
    const loopback = await LoopbackAuthServer.start({ state, timeoutMs: 20_000 });
    try {
      const url = buildAuthorizationUrl(codeProps(), {
        redirectUri: loopback.redirectUri,
        state,
        codeChallenge: createPkce().codeChallenge,
        nonce: randomUrlSafe(),
      });
      const page = await browser.browse(url, { user: { username: server.user.username, password: 'wrong' } });
      assert.equal(page.status, 401);
      assert.equal(loopback.isClosed, false);
    } finally {
      await loopback.close();
    }
  });

  test("a redirect whose state was swapped (another attempt's, or forged) is refused before its code is used", async () => {
    const browser = new SignInBrowser();
    const before = server.tokenRequests();
    const { redirectedTo } = await signInWithCode(server, metadata, codeProps(), async (url, redirectUri) => {
      const page = await browser.browse(url, { user: server.user, stopAt: (next) => next.startsWith(redirectUri) });
      return page.redirectedTo;
    });
    await rejectsWith(
      Promise.resolve().then(() => parseAuthorizationResponse(redirectedTo, { state: randomUrlSafe() }, createRedactor([]))),
      'state-mismatch',
    );
    assert.equal(server.tokenRequests(), before);
  });

  test('issue 17: without a nonce this server refuses an OpenID request (invalid_request, nonce required); a plain OAuth request needs none', async () => {
    assert.equal(nonceFor('api:read offline_access'), undefined);
    assert.notEqual(nonceFor('openid'), nonceFor('openid'));
    const browser = new SignInBrowser();
    const state = randomUrlSafe();
    const loopback = await LoopbackAuthServer.start({ state, timeoutMs: 20_000 });
    const url = buildAuthorizationUrl(codeProps(), { redirectUri: loopback.redirectUri, state, codeChallenge: createPkce().codeChallenge });
    const page = await browser.browse(url, { user: server.user });
    assert.equal(page.title, 'Sign-in did not complete');
    const error = await rejectsWith(
      Promise.resolve().then(async () =>
        parseAuthorizationResponse(await loopback.waitForCallback(), { state, issuer: server.issuer, issParameterSupported: true }, createRedactor([state])),
      ),
      'authorization-rejected',
    );
    assert.deepEqual([error.error, error.errorDescription], ['invalid_request', 'nonce required']);
  });

  test("issue 17: an id_token whose nonce is not the one this sign-in sent is refused, naming the id_token's nonce and never a token", async () => {
    const browser = new SignInBrowser();
    const properties = codeProps();
    const before = server.tokenRequests();
    const { redirectedTo, state, verifier, nonce } = await signInWithCode(server, metadata, properties, async (url) => {
      await browser.browse(url, { user: server.user });
      return undefined;
    });
    const { code } = parseAuthorizationResponse(redirectedTo, { state, issuer: server.issuer }, createRedactor([state]));
    const expected = randomUrlSafe();
    const logs: string[] = [];
    const error = await rejectsWith(
      execute(properties, {
        grant: { grantType: 'authorization_code', code, codeVerifier: verifier, redirectUri: new URL(redirectedTo).origin + '/callback', nonce: expected },
        log: (_level, line) => logs.push(line),
      }),
      'nonce-mismatch',
    );
    assert.equal(server.tokenRequests(), before + 1, 'the server answered with tokens');
    assert.ok(error.message.includes(`"${nonce}"`), error.message);
    assert.doesNotMatch(error.message, /eyJ/);
    assert.equal(error.djMessage, undefined, 'the refused answer (its tokens) is not kept');
    assertNoSecret([error.message, ...logs], [code, verifier, expected]);
  });

  test('the redirect of this server is refused when another issuer was expected (mix-up, RFC 9207)', async () => {
    const browser = new SignInBrowser();
    const { redirectedTo, state } = await signInWithCode(server, metadata, codeProps(), async (url) => {
      await browser.browse(url, { user: server.user });
      return undefined;
    });
    await rejectsWith(
      Promise.resolve().then(() =>
        parseAuthorizationResponse(redirectedTo, { state, issuer: 'https://other.example', issParameterSupported: true }, createRedactor([])),
      ),
      'issuer-mismatch',
    );
  });

  suite('device authorization', () => {
    function deviceProps(confidential = false): InvokerProperties {
      return {
        authorizationServerUrl: metadata.tokenEndpoint,
        grantType: 'device_code',
        deviceAuthorizationEndpointUrl: metadata.deviceAuthorizationEndpoint,
        clientId: confidential ? server.confidentialAppClient.clientId : server.appClient.clientId,
        ...(confidential ? { clientSecret: server.confidentialAppClient.clientSecret } : {}),
        scope: 'openid offline_access api:read',
      };
    }
    const quickWait = (ms: number, signal?: AbortSignal): Promise<void> =>
      new Promise((resolve, reject) => {
        const timer = setTimeout(resolve, Math.min(ms, 50));
        signal?.addEventListener('abort', () => {
          clearTimeout(timer);
          reject(new Error('aborted'));
        });
      });

    for (const confidential of [false, true]) {
      test(`the user types the code on the server's page and signs in while the client polls (${confidential ? 'confidential' : 'public'} client)`, async () => {
        const properties = deviceProps(confidential);
        const authorization = await requestDeviceAuthorization(properties);
        assert.ok(
          authorization.verificationUriComplete?.includes(encodeURIComponent(authorization.userCode)) ||
            authorization.verificationUriComplete?.includes(authorization.userCode),
        );
        let pending = 0;
        const polling = pollDeviceToken(properties, authorization, { wait: quickWait, onPending: () => (pending += 1) });
        // Let the client see authorization_pending at least once before the person acts.
        while (pending === 0) {
          await quickWait(10);
        }
        const page = await new SignInBrowser().browse(authorization.verificationUri, { user: server.user, userCode: authorization.userCode });
        assert.equal(page.title, 'Sign-in Success');
        const message = await polling;
        assert.ok(message.accessToken !== undefined && message.accessToken !== '');
        assert.ok(message.getProperty('refresh_token'));
        assert.equal(message.metadata.grantType, 'device_code');
        assert.equal(server.lastTokenRequest()?.body?.grant_type, 'urn:ietf:params:oauth:grant-type:device_code');
      });
    }

    test("the user aborts on the server's page: access-denied", async () => {
      const properties = deviceProps();
      const authorization = await requestDeviceAuthorization(properties);
      const polling = pollDeviceToken(properties, authorization, { wait: quickWait });
      await new SignInBrowser().browse(authorization.verificationUri, { user: server.user, userCode: authorization.userCode, consent: 'deny' });
      const error = await rejectsWith(polling, 'access-denied');
      assertNoSecret(error, [authorization.deviceCode]);
    });

    test('a device code nobody enters expires: expired-token, and polling stops', async () => {
      const short = await startOidcServer({ signIn: { deviceCodeTtlSeconds: 1 } });
      try {
        const found = await discover(short.issuer);
        const properties = { ...deviceProps(), authorizationServerUrl: found.tokenEndpoint, deviceAuthorizationEndpointUrl: found.deviceAuthorizationEndpoint };
        const authorization = await requestDeviceAuthorization(properties);
        assert.equal(authorization.expiresInSeconds, 1);
        await rejectsWith(pollDeviceToken(properties, authorization, { wait: quickWait }), 'expired-token');
        const polls = short.tokenRequests();
        assert.ok(polls >= 1);
      } finally {
        await short.close();
      }
    });
  });
});

suite('LoopbackAuthServer', () => {
  test('listens on 127.0.0.1 only, answers one callback with a page telling the user to return to VS Code, then closes', async () => {
    const loopback = await LoopbackAuthServer.start({ state: 's' });
    assert.match(loopback.redirectUri, /^http:\/\/127\.0\.0\.1:\d+\/callback$/);
    const miss = await fetch(`http://127.0.0.1:${loopback.port}/favicon.ico`);
    assert.equal(miss.status, 404);
    const hit = await fetch(`${loopback.redirectUri}?code=c&state=s`);
    assert.equal(hit.status, 200);
    assert.match(await hit.text(), /return to VS Code/);
    assert.equal(await loopback.waitForCallback(), `${loopback.redirectUri}?code=c&state=s`);
    assert.equal(loopback.isClosed, true);
    await assert.rejects(fetch(`${loopback.redirectUri}?code=again&state=s`));
  });

  test('a proxy that keeps its prefix (/absproxy/PORT/callback) still reaches it', async () => {
    const loopback = await LoopbackAuthServer.start({ state: 's', path: '/cb' });
    await fetch(`http://127.0.0.1:${loopback.port}/absproxy/${loopback.port}/cb?error=access_denied&state=s`);
    assert.match(await loopback.waitForCallback(), /error=access_denied/);
  });

  test('issue 17: a redirect with another state (stray or forged) does not end the sign-in; the real one still arrives', async () => {
    const loopback = await LoopbackAuthServer.start({ state: 'the-state' });
    try {
      for (const query of ['code=forged&state=other', 'code=forged', 'error=access_denied&state=other', 'code=forged&state=other&state=the-state']) {
        const forged = await fetch(`${loopback.redirectUri}?${query}`);
        const page = await forged.text();
        assert.equal(forged.status, 400, query);
        assert.match(page, /<title>Not this sign-in<\/title>/, query);
        assert.doesNotMatch(page, /Signed in|received the sign-in/, query);
        assert.equal(loopback.isClosed, false, query);
      }
      const real = await fetch(`${loopback.redirectUri}?code=real&state=the-state`);
      assert.equal(real.status, 200);
      assert.equal(await loopback.waitForCallback(), `${loopback.redirectUri}?code=real&state=the-state`);
      assert.equal(loopback.isClosed, true);
    } finally {
      await loopback.close();
    }
  });

  test('a timeout ends the wait with kind timeout and closes the port', async () => {
    const loopback = await LoopbackAuthServer.start({ state: 's', timeoutMs: 30 });
    await rejectsWith(loopback.waitForCallback(), 'timeout');
    assert.equal(loopback.isClosed, true);
  });

  test('cancel ends the wait with kind aborted and closes the port; so does close() by whoever started it', async () => {
    const controller = new AbortController();
    const first = await LoopbackAuthServer.start({ state: 's', signal: controller.signal });
    controller.abort();
    await rejectsWith(first.waitForCallback(), 'aborted');
    assert.equal(first.isClosed, true);
    const second = await LoopbackAuthServer.start({ state: 's' });
    await second.close();
    await rejectsWith(second.waitForCallback(), 'aborted');
  });

  test('a fixed port that is taken is a clear network error naming "Redirect URI"', async () => {
    const first = await LoopbackAuthServer.start({ state: 's' });
    try {
      const error = await rejectsWith(LoopbackAuthServer.start({ state: 's', port: first.port }), 'network');
      assert.equal(error.field, 'redirectUri');
    } finally {
      await first.close();
    }
  });
});
