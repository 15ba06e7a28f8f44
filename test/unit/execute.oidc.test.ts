import * as assert from 'node:assert/strict';
import { execute, forgetBasicVariants, type GrantType, type InvokerProperties } from '../../src/core/index';
import { assertNoSecret, rejectsWith } from '../fixtures/assertions';
import { startOidcServer, type OidcServer } from '../fixtures/oidcServer';

suite('Execute against oidc-provider', function () {
  let server: OidcServer;
  suiteSetup(async () => {
    server = await startOidcServer();
  });
  suiteTeardown(async () => {
    await server.close();
  });
  setup(() => forgetBasicVariants());
  teardown(() => assert.deepEqual(server.serverErrors(), []));

  function secrets(): string[] {
    return [server.basicClient.clientSecret, server.postClient.clientSecret, server.user.password];
  }

  /** Properties for a grant, with the Basic client or the body client. */
  function props(grantType: GrantType, inBody: boolean, extra: Partial<InvokerProperties> = {}): InvokerProperties {
    const client = inBody ? server.postClient : server.basicClient;
    return {
      authorizationServerUrl: server.tokenEndpoint,
      grantType,
      credentialsInRequestBody: inBody,
      clientId: client.clientId,
      clientSecret: client.clientSecret,
      ...(grantType === 'password' ? { username: server.user.username, password: server.user.password } : {}),
      ...extra,
    };
  }

  async function refreshTokenFor(inBody: boolean): Promise<string> {
    const message = await execute(props('password', inBody, { scope: 'openid offline_access api:read' }));
    const token = message.getProperty('refresh_token');
    assert.ok(token !== undefined && token !== '');
    return token;
  }

  /** The invariant of the original component: AccessToken, then each other field of the answer in the server's order. */
  function assertServerOrder(message: Awaited<ReturnType<typeof execute>>, expected: string[]): void {
    const keys = Object.keys(JSON.parse(message.body) as object).filter((key) => key !== 'access_token');
    assert.deepEqual(message.propertyNames(), ['AccessToken', ...keys]);
    assert.deepEqual([...keys].sort(), [...expected].sort());
  }

  /** Where the last request carried client credentials: exactly one place, the one asked for. */
  function assertCredentialsIn(place: 'header' | 'body'): void {
    const last = server.lastTokenRequest();
    assert.ok(last !== undefined);
    const inHeader = last.headers.authorization !== undefined;
    const inBody = last.body?.client_secret !== undefined;
    assert.deepEqual({ inHeader, inBody }, { inHeader: place === 'header', inBody: place === 'body' });
  }

  for (const inBody of [false, true]) {
    const mode = inBody ? 'credentials in the request body' : 'a Basic header';
    test(`client credentials with ${mode}`, async () => {
      const message = await execute(props('client_credentials', inBody, { scope: 'api:read api:write' }), { targetMessage: 'DJMOUT' });
      assert.equal(message.name, 'DJMOUT');
      assertServerOrder(message, ['expires_in', 'token_type', 'scope']);
      assert.ok((message.accessToken ?? '').length > 20);
      assert.equal(message.getProperty('token_type'), 'Bearer');
      assert.equal(message.getProperty('scope'), 'api:read api:write');
      assert.equal(message.metadata.clientAuthentication, inBody ? 'client_secret_post' : 'client_secret_basic');
      assert.equal(message.metadata.expiresAt, message.metadata.receivedAt + 3_600_000);
      assert.deepEqual(message.metadata.warnings, []);
      assertCredentialsIn(inBody ? 'body' : 'header');
    });

    test(`password grant with ${mode}`, async () => {
      const message = await execute(props('password', inBody, { scope: 'openid offline_access api:read' }));
      assertServerOrder(message, ['expires_in', 'id_token', 'refresh_token', 'scope', 'token_type']);
      assert.equal(message.getProperty('scope'), 'openid offline_access api:read');
      assertCredentialsIn(inBody ? 'body' : 'header');
      assert.equal(server.lastTokenRequest()?.body?.password, server.user.password);
    });

    test(`refresh token grant with ${mode} rotates the refresh token`, async () => {
      const first = await refreshTokenFor(inBody);
      const message = await execute(props('refresh_token', inBody, { refreshToken: first }));
      assert.ok((message.accessToken ?? '').length > 20);
      const second = message.getProperty('refresh_token');
      assert.ok(second !== undefined && second !== first, 'a new refresh token');
      assertCredentialsIn(inBody ? 'body' : 'header');
    });
  }

  test('a public client: password, then refresh, with client_id in the body and no Authorization header', async () => {
    const base = { authorizationServerUrl: server.tokenEndpoint, clientId: server.publicClient.clientId };
    const message = await execute({
      ...base,
      grantType: 'password',
      username: server.user.username,
      password: server.user.password,
      scope: 'offline_access api:read',
    });
    const refreshToken = message.getProperty('refresh_token');
    assert.ok(refreshToken !== undefined);
    assert.equal(message.metadata.clientAuthentication, 'none');
    const refreshed = await execute({ ...base, grantType: 'refresh_token', refreshToken });
    assert.ok(refreshed.accessToken !== undefined);
    const last = server.lastTokenRequest();
    assert.equal(last?.headers.authorization, undefined);
    assert.equal(last?.body?.client_id, server.publicClient.clientId);
  });

  test('a client id with reserved characters authenticates with RFC 6749 Basic', async () => {
    const client = server.reservedIdClient;
    const message = await execute({
      authorizationServerUrl: server.tokenEndpoint,
      grantType: 'client_credentials',
      clientId: client.clientId,
      clientSecret: client.clientSecret,
      basicEncoding: 'rfc6749',
    });
    assert.equal(message.metadata.basicVariant, 'rfc6749');
    assert.equal(server.tokenRequests() > 0, true);
  });

  test('a wrong client secret: code 4, 401 invalid_client, both Basic forms tried, no secret in the error', async () => {
    const before = server.tokenRequests();
    const error = await rejectsWith(execute(props('client_credentials', false, { clientSecret: 'wrong:secret+/' })), 'server-rejected');
    assert.equal(error.status, 401);
    assert.equal(error.error, 'invalid_client');
    assert.equal(server.tokenRequests() - before, 2);
    assertNoSecret(error, [...secrets(), 'wrong:secret+/']);
  });

  test('a wrong secret in the body: invalid_client, one request', async () => {
    const before = server.tokenRequests();
    const error = await rejectsWith(execute(props('client_credentials', true, { clientSecret: 'nope' })), 'server-rejected');
    assert.equal(error.error, 'invalid_client');
    assert.equal(server.tokenRequests() - before, 1);
  });

  test('a wrong password: invalid_grant, and the password is in no part of the error', async () => {
    const wrong = 'wrong pässword 1';
    const error = await rejectsWith(execute(props('password', false, { password: wrong })), 'server-rejected');
    assert.equal(error.status, 400);
    assert.equal(error.error, 'invalid_grant');
    assert.match(error.message, /^The authorization server rejected the token request \(400 Bad Request, invalid_grant\)/);
    assert.equal(error.djMessage?.getProperty('error'), 'invalid_grant');
    assertNoSecret(error, [...secrets(), wrong]);
  });

  test('a bad refresh token: invalid_grant', async () => {
    const error = await rejectsWith(execute(props('refresh_token', false, { refreshToken: 'not-a-refresh-token' })), 'server-rejected');
    assert.equal(error.error, 'invalid_grant');
    assertNoSecret(error, ['not-a-refresh-token']);
  });

  test('a reused (rotated) refresh token: invalid_grant', async () => {
    const first = await refreshTokenFor(false);
    await execute(props('refresh_token', false, { refreshToken: first }));
    const error = await rejectsWith(execute(props('refresh_token', false, { refreshToken: first })), 'server-rejected');
    assert.equal(error.error, 'invalid_grant');
    assertNoSecret(error, [first]);
  });

  test('a disallowed scope: invalid_scope', async () => {
    const error = await rejectsWith(execute(props('client_credentials', false, { scope: server.disallowedScope })), 'server-rejected');
    assert.equal(error.error, 'invalid_scope');
  });

  test('a grant the client may not use: unauthorized_client', async () => {
    const client = server.noPasswordClient;
    const error = await rejectsWith(
      execute({
        authorizationServerUrl: server.tokenEndpoint,
        grantType: 'password',
        clientId: client.clientId,
        clientSecret: client.clientSecret,
        username: server.user.username,
        password: server.user.password,
      }),
      'server-rejected',
    );
    assert.equal(error.error, 'unauthorized_client');
  });
});

suite('Execute against oidc-provider that compares raw Basic bytes', () => {
  let server: OidcServer;
  suiteSetup(async () => {
    server = await startOidcServer({ basicAuthDecoding: 'raw' });
  });
  suiteTeardown(async () => {
    await server.close();
  });
  setup(() => forgetBasicVariants());

  test('auto falls back to the raw form once, records it, and starts with it next time', async () => {
    const properties: InvokerProperties = {
      authorizationServerUrl: server.tokenEndpoint,
      grantType: 'client_credentials',
      clientId: server.basicClient.clientId,
      clientSecret: server.basicClient.clientSecret,
    };
    const before = server.tokenRequests();
    const message = await execute(properties);
    assert.equal(message.metadata.basicVariant, 'raw');
    assert.equal(server.tokenRequests() - before, 2);
    await execute(properties);
    assert.equal(server.tokenRequests() - before, 3);
  });
});
