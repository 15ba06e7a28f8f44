import * as assert from 'node:assert/strict';
import { execute, forgetBasicVariants, introspect, revoke, type InvokerProperties } from '../../src/core/index';
import { assertNoSecret, rejectsWith } from '../fixtures/assertions';
import { startOidcServer, type OidcServer } from '../fixtures/oidcServer';

suite('Introspect and Revoke against oidc-provider', function () {
  let server: OidcServer;
  suiteSetup(async () => {
    server = await startOidcServer();
  });
  suiteTeardown(async () => {
    await server.close();
  });
  setup(() => forgetBasicVariants());
  teardown(() => assert.deepEqual(server.serverErrors(), []));

  function props(inBody: boolean, extra: Partial<InvokerProperties> = {}): InvokerProperties {
    const client = inBody ? server.postClient : server.basicClient;
    return {
      authorizationServerUrl: server.tokenEndpoint,
      grantType: 'client_credentials',
      credentialsInRequestBody: inBody,
      clientId: client.clientId,
      clientSecret: client.clientSecret,
      introspectionEndpoint: server.introspectionEndpoint,
      revocationEndpoint: server.revocationEndpoint,
      ...extra,
    };
  }

  for (const inBody of [false, true]) {
    const mode = inBody ? 'credentials in the body' : 'a Basic header';
    test(`an access token introspected active, revoked, then introspected inactive (${mode})`, async () => {
      const p = props(inBody, { scope: 'api:read' });
      const token = (await execute(p)).accessToken ?? '';
      const before = await introspect(p, token, 'access_token', { targetMessage: 'DJMOUT' });
      assert.equal(before.name, 'DJMOUT_INTROSPECTION');
      assert.equal(before.propertyNames()[0], 'active');
      assert.deepEqual(before.propertyNames(), Object.keys(JSON.parse(before.body) as object));
      assert.equal(before.getProperty('active'), 'true');
      assert.equal(before.getProperty('client_id'), p.clientId);
      assert.equal(before.getProperty('scope'), 'api:read');
      assert.equal(before.metadata.clientAuthentication, inBody ? 'client_secret_post' : 'client_secret_basic');

      await revoke(p, token, 'access_token');
      const after = await introspect(p, token, 'access_token');
      assert.deepEqual(after.propertyNames(), ['active']);
      assert.equal(after.getProperty('active'), 'false');
    });
  }

  test('a refresh token revoked is then refused by the token endpoint', async () => {
    const p = props(false, { grantType: 'password', username: server.user.username, password: server.user.password, scope: 'openid offline_access api:read' });
    const refreshToken = (await execute(p)).getProperty('refresh_token') ?? '';
    assert.ok(refreshToken.length > 10);
    assert.equal((await introspect(p, refreshToken, 'refresh_token')).getProperty('active'), 'true');
    await revoke(p, refreshToken, 'refresh_token');
    const refused = await rejectsWith(execute({ ...p, grantType: 'refresh_token', refreshToken }), 'server-rejected');
    assert.equal(refused.error, 'invalid_grant');
    assert.equal((await introspect(p, refreshToken, 'refresh_token')).getProperty('active'), 'false');
  });

  test("a client the server does not accept: code 4 with the server's invalid_client, no secret or token in the error", async () => {
    const p = props(false);
    const token = (await execute(p)).accessToken ?? '';
    const wrong = { ...p, clientSecret: 'not the secret' };
    const introspection = await rejectsWith(introspect(wrong, token, 'access_token'), 'server-rejected');
    assert.equal(introspection.status, 401);
    assert.equal(introspection.error, 'invalid_client');
    assert.match(introspection.message, /rejected the introspection request \(401 Unauthorized, invalid_client\)/);
    const revocation = await rejectsWith(revoke(wrong, token, 'access_token'), 'server-rejected');
    assert.equal(revocation.error, 'invalid_client');
    assertNoSecret([introspection, revocation], [token, 'not the secret', p.clientSecret ?? '']);
    // Nothing was revoked: the token is still active.
    assert.equal((await introspect(p, token, 'access_token')).getProperty('active'), 'true');
  });

  test('oidc-provider revokes the whole grant with an access token: its refresh token is then inactive and refused', async () => {
    const p = props(false, { grantType: 'password', username: server.user.username, password: server.user.password, scope: 'openid offline_access api:read' });
    const message = await execute(p);
    const refreshToken = message.getProperty('refresh_token') ?? '';
    await revoke(p, message.accessToken ?? '', 'access_token');
    assert.equal((await introspect(p, refreshToken, 'refresh_token')).getProperty('active'), 'false');
    assert.equal((await rejectsWith(execute({ ...p, grantType: 'refresh_token', refreshToken }), 'server-rejected')).error, 'invalid_grant');
  });

  test('a client registered for the other authentication method is refused at both endpoints', async () => {
    // The Basic client sending its credentials in the body: what the token request would do with the wrong setting.
    const p = props(false);
    const token = (await execute(p)).accessToken ?? '';
    const bodyInstead = { ...p, credentialsInRequestBody: true };
    assert.equal((await rejectsWith(introspect(bodyInstead, token, 'access_token'), 'server-rejected')).error, 'invalid_client');
    assert.equal((await rejectsWith(revoke(bodyInstead, token, 'access_token'), 'server-rejected')).error, 'invalid_client');
  });
});

suite("issue 17: a public client's tokens introspected as a confidential client (oidc-provider answering introspection as Keycloak does)", function () {
  let server: OidcServer;
  suiteSetup(async () => {
    server = await startOidcServer({ introspectionConfidentialOnly: true });
  });
  suiteTeardown(async () => {
    await server.close();
  });
  teardown(() => assert.deepEqual(server.serverErrors(), []));

  /** The public client, signing in with the Password grant, as a native app registered without a secret does. */
  function publicApp(extra: Partial<InvokerProperties> = {}): InvokerProperties {
    return {
      authorizationServerUrl: server.tokenEndpoint,
      grantType: 'password',
      clientId: server.publicClient.clientId,
      username: server.user.username,
      password: server.user.password,
      scope: 'openid offline_access api:read',
      introspectionEndpoint: server.introspectionEndpoint,
      revocationEndpoint: server.revocationEndpoint,
      ...extra,
    };
  }

  test('without an introspection client: the server\'s 403 "Client not allowed.", with the hint naming the fields to fill in', async () => {
    const token = (await execute(publicApp())).accessToken ?? '';
    const error = await rejectsWith(introspect(publicApp(), token, 'access_token'), 'server-rejected');
    assert.equal(error.status, 403);
    assert.equal(error.error, 'invalid_request');
    assert.equal(error.field, 'introspectionClientId');
    assert.match(
      error.message,
      /rejected the introspection request \(403 Forbidden, invalid_request\): Client not allowed\. This invoker is a public client .* servers such as Keycloak answer introspection requests only from confidential clients: fill in "Introspection Client ID" and "Introspection Client Secret"/,
    );
    assertNoSecret(error, [token]);
  });

  test("with the API's client as introspection client: the public client's token is active; Revoke stays the public client's own, and revokes it", async () => {
    const api = server.resourceServer;
    const p = publicApp({ introspectionClientId: api.clientId, introspectionClientSecret: api.clientSecret });
    const token = (await execute(p)).accessToken ?? '';
    const tokenRequest = server.lastTokenRequest();
    assert.equal(tokenRequest?.headers.authorization, undefined, 'the token request does not authenticate as the introspection client');
    assert.deepEqual(tokenRequest?.body?.client_id, server.publicClient.clientId);
    assertNoSecret(tokenRequest, [api.clientSecret, encodeURIComponent(api.clientSecret)]);

    const before = await introspect(p, token, 'access_token');
    assert.equal(before.getProperty('active'), 'true');
    assert.equal(before.getProperty('client_id'), server.publicClient.clientId);
    assert.equal(before.metadata.clientAuthentication, 'client_secret_basic');
    const introspection = server.lastRequestTo(server.introspectionEndpoint);
    assert.match(String(introspection?.headers.authorization), /^Basic /);
    assert.equal(introspection?.body?.client_id, undefined);

    await revoke(p, token, 'access_token');
    const revocation = server.lastRequestTo(server.revocationEndpoint);
    assert.equal(revocation?.status, 200);
    assert.equal(revocation?.headers.authorization, undefined);
    assert.equal(revocation?.body?.client_id, server.publicClient.clientId);
    assert.equal((await introspect(p, token, 'access_token')).getProperty('active'), 'false');
  });
});
