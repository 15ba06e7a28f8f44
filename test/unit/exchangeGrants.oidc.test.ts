import * as assert from 'node:assert/strict';
import { createPublicKey, type KeyObject } from 'node:crypto';
import { execute, forgetBasicVariants, introspect, type InvokerProperties } from '../../src/core/index';
import { assertNoSecret, rejectsWith } from '../fixtures/assertions';
import { clientCredentialsOf } from '../fixtures/invokerProperties';
import { startOidcServer, type OidcServer } from '../fixtures/oidcServer';
import { signingKeys } from '../fixtures/signingKeys';

// Token Exchange (RFC 8693) and JWT Bearer (RFC 7523 §2.1) against oidc-provider, both registered by the fixture with
// registerGrantType: the exchange introspects the subject token with the provider's own models, the JWT Bearer grant
// verifies the assertion against the client's registered keys with jose.

const AT = 'urn:ietf:params:oauth:token-type:access_token';
const EXCHANGER = { clientId: 'exchanger', clientSecret: 'ex:s3cr+t/%41&x=7 ?#' };
const EXCHANGER_POST = { clientId: 'exchanger-post', clientSecret: 'ex-p0st:s3cr+t&y=8' };
const BEARER = { clientId: 'bearer-client', clientSecret: 'b34rer:s3cr+t&z=9' };

function jwk(key: KeyObject, kid: string): Record<string, unknown> {
  return { ...createPublicKey(key).export({ format: 'jwk' }), kid, use: 'sig' };
}

suite('Token Exchange and JWT Bearer against oidc-provider', function () {
  this.timeout(20_000);
  let server: OidcServer;
  const keys = signingKeys('exchange-grants-');
  const { rsa, ec, files: keyFiles } = keys;

  suiteSetup(async () => {
    keys.write();
    server = await startOidcServer({
      extensionGrants: true,
      clients: {
        extra: [
          { ...EXCHANGER, authMethod: 'client_secret_basic', grantTypes: ['token_exchange'], scope: 'api:read api:write' },
          { ...EXCHANGER_POST, authMethod: 'client_secret_post', grantTypes: ['token_exchange'], scope: 'api:read' },
          { ...BEARER, authMethod: 'client_secret_basic', grantTypes: ['jwt_bearer'], scope: 'api:read', jwks: { keys: [jwk(rsa, 'rsa-1'), jwk(ec, 'ec-1')] } },
        ],
      },
    });
  });
  suiteTeardown(async () => {
    await server.close();
    keys.remove();
  });
  setup(() => forgetBasicVariants());
  teardown(() => assert.deepEqual(server.serverErrors(), []));

  async function clientCredentialsToken(extra: Partial<InvokerProperties> = {}): Promise<string> {
    const token = (await execute(clientCredentialsOf(server, extra))).accessToken;
    assert.ok(token !== undefined && token !== '');
    return token;
  }

  function exchange(extra: Partial<InvokerProperties>): InvokerProperties {
    return { authorizationServerUrl: server.tokenEndpoint, grantType: 'token_exchange', ...EXCHANGER, ...extra };
  }

  /** The `aud` the server gives a token, read by introspecting it as the resource server. */
  async function audienceOf(token: string): Promise<string | undefined> {
    const properties = { ...clientCredentialsOf(server), ...server.resourceServer, introspectionEndpoint: server.introspectionEndpoint };
    const message = await introspect(properties, token, 'access_token');
    assert.equal(message.getProperty('active'), 'true');
    return message.getProperty('aud');
  }

  test('a client-credentials token exchanged (entered, Basic client) for one with the audience asked: issued_token_type a property, no warning', async () => {
    const subject = await clientCredentialsToken();
    const message = await execute(exchange({ subjectToken: subject, audience: 'https://orders.example.test', scope: 'api:read' }));
    assert.equal(message.getProperty('issued_token_type'), AT);
    assert.deepEqual(message.metadata.warnings, []);
    const token = message.accessToken ?? '';
    assert.notEqual(token, subject);
    assert.deepEqual(server.exchanges().at(-1), { subject: server.basicClient.clientId, audience: 'https://orders.example.test', scope: 'api:read' });
    assert.equal(await audienceOf(token), 'https://orders.example.test');
    const sent = server.lastTokenRequest();
    assert.equal(sent?.body?.grant_type, 'urn:ietf:params:oauth:grant-type:token-exchange');
    assert.equal(sent?.body?.subject_token_type, AT);
  });

  test("another invoker's token as the grant input, credentials in the body: exchanged, and in no log line", async () => {
    const subject = await clientCredentialsToken();
    const lines: string[] = [];
    const message = await execute(
      { ...exchange({ ...EXCHANGER_POST, credentialsInRequestBody: true }), subjectTokenInvoker: 'user:api' },
      { grant: { grantType: 'token_exchange', subjectToken: subject }, log: (_level, line) => lines.push(line) },
    );
    assert.ok(message.accessToken !== undefined);
    assert.equal(server.exchanges().at(-1)?.subject, server.basicClient.clientId);
    assert.equal(server.lastTokenRequest()?.body?.client_id, EXCHANGER_POST.clientId);
    assert.ok(lines.length > 0);
    assertNoSecret(lines, [subject, EXCHANGER_POST.clientSecret]);
  });

  test('an actor token is passed with its type, and the server sees whose it is', async () => {
    const subject = await clientCredentialsToken();
    const actor = await clientCredentialsToken({ ...server.postClient, credentialsInRequestBody: true });
    await execute(exchange({ subjectToken: subject, actorToken: actor, actorTokenType: AT }));
    assert.deepEqual(server.exchanges().at(-1), {
      subject: server.basicClient.clientId,
      actor: server.postClient.clientId,
      audience: server.apiResource,
      scope: 'api:read',
    });
  });

  test('a subject token the server does not know: code 4, invalid_grant, the token in no part of the error', async () => {
    const subject = 'not-a-token-of-this-server-4f3e2d1c';
    const error = await rejectsWith(execute(exchange({ subjectToken: subject })), 'server-rejected');
    assert.equal(error.code, 4);
    assert.equal(error.error, 'invalid_grant');
    assertNoSecret(error, [subject, EXCHANGER.clientSecret]);
  });

  function bearer(extra: Partial<InvokerProperties>): InvokerProperties {
    return { authorizationServerUrl: server.tokenEndpoint, grantType: 'jwt_bearer', ...BEARER, scope: 'api:read', ...extra };
  }

  for (const [name, alg, kid] of [
    ['rsa', 'RS256', 'rsa-1'],
    ['ec', 'ES256', 'ec-1'],
  ] as const) {
    test(`JWT Bearer with an assertion signed by the invoker's key (${alg}): the server verifies it with the client's keys`, async () => {
      const message = await execute(bearer({ clientAssertionKeyFile: keyFiles[name], clientAssertionKeyId: kid, assertionSubject: 'alice@example.test' }));
      assert.ok(message.accessToken !== undefined && message.accessToken !== '');
      assert.equal(message.getProperty('scope'), 'api:read');
      const claims = server.bearerAssertions().at(-1);
      assert.deepEqual([claims?.iss, claims?.sub, claims?.aud], [BEARER.clientId, 'alice@example.test', server.tokenEndpoint]);
      assert.equal(await audienceOf(message.accessToken), server.apiResource);
    });
  }

  /** An assertion signed here, as another party would hand it over. */
  async function handMade(claims: { aud: string; expiresIn: number }): Promise<string> {
    const { SignJWT } = await import('jose');
    const now = Math.floor(Date.now() / 1000);
    return new SignJWT({})
      .setProtectedHeader({ alg: 'ES256', kid: 'ec-1' })
      .setIssuer('https://idp.example.test')
      .setSubject('svc-7')
      .setAudience(claims.aud)
      .setJti(`jti-${now}-${claims.expiresIn}`)
      .setIssuedAt(now - 600)
      .setExpirationTime(now + claims.expiresIn)
      .sign(ec);
  }

  test('JWT Bearer with an entered assertion: sent as is and accepted', async () => {
    const assertion = await handMade({ aud: server.tokenEndpoint, expiresIn: 300 });
    const message = await execute(bearer({ assertionSource: 'entered', assertion }));
    assert.ok(message.accessToken !== undefined);
    assert.equal(server.lastTokenRequest()?.body?.assertion, assertion);
    assert.equal(server.bearerAssertions().at(-1)?.sub, 'svc-7');
  });

  for (const [what, claims] of [
    ['expired', { aud: '', expiresIn: -300 }],
    ['for another audience', { aud: 'https://elsewhere.example.test/token', expiresIn: 300 }],
  ] as const) {
    test(`JWT Bearer with an assertion ${what}: code 4, invalid_grant, the assertion in no part of the error`, async () => {
      const assertion = await handMade({ ...claims, aud: claims.aud || server.tokenEndpoint });
      const error = await rejectsWith(execute(bearer({ assertionSource: 'entered', assertion })), 'server-rejected');
      assert.equal(error.code, 4);
      assert.equal(error.error, 'invalid_grant');
      assertNoSecret(error, [assertion, BEARER.clientSecret]);
    });
  }
});
