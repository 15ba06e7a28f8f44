import * as assert from 'node:assert/strict';
import { generateKeyPairSync, X509Certificate } from 'node:crypto';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import {
  discover,
  execute,
  introspect,
  pollDeviceToken,
  REDACTED,
  requestDeviceAuthorization,
  resetNetwork,
  revoke,
  type ExchangeLog,
  type InvokerProperties,
} from '../../src/core/index';
import { endpointsFor } from '../../src/shared/properties';
import { assertNoSecret, loggedWith, rejectsWith } from '../fixtures/assertions';
import { startServer, type TestServer } from '../fixtures/httpServer';
import { startOidcServer, type OidcServer, type TokenRequestRecord } from '../fixtures/oidcServer';
import { SignInBrowser } from '../fixtures/signInBrowser';
import { decodePart, fixtureClient, pemOf, publicJwk } from '../fixtures/clientAssertions';
import { createTestPki, type TestPki } from '../fixtures/testPki';

// Issue 12: introspection, revocation and the device authorization request authenticate the client with every
// method the token request has, against oidc-provider, which implements each of them.

const JWT_SECRET = 'a-client-secret-long-enough-for-hs256-0123456789';

/** The client assertion of a recorded request, with no Basic header or secret beside it. */
function assertionOf(record: TokenRequestRecord | undefined): string {
  assert.ok(record !== undefined, 'the endpoint got no request');
  assert.equal(record.body?.client_assertion_type, 'urn:ietf:params:oauth:client-assertion-type:jwt-bearer');
  assert.equal(record.headers.authorization, undefined, 'no Basic header beside an assertion');
  assert.equal(record.body?.client_secret, undefined, 'the secret itself is not sent');
  return record.body?.client_assertion as string;
}

/** A fresh 200 with an active token, then revoked, then inactive: the three requests every method must pass. */
async function roundTrip(server: OidcServer, p: InvokerProperties, log?: ExchangeLog): Promise<{ introspected: string; revoked: string }> {
  const token = (await execute(p)).accessToken ?? '';
  assert.notEqual(token, '');
  const before = await introspect(p, token, 'access_token', { log });
  assert.equal(before.getProperty('active'), 'true');
  assert.equal(before.getProperty('client_id'), p.clientId);
  assert.equal(before.metadata.clientAuthentication, p.clientAuthentication);
  const introspected = server.lastRequestTo(server.introspectionEndpoint);
  await revoke(p, token, 'access_token', { log });
  const revoked = server.lastRequestTo(server.revocationEndpoint);
  assert.equal((await introspect(p, token, 'access_token')).getProperty('active'), 'false');
  if (p.clientAuthentication === 'client_secret_jwt' || p.clientAuthentication === 'private_key_jwt') {
    return { introspected: assertionOf(introspected), revoked: assertionOf(revoked) };
  }
  return { introspected: '', revoked: '' };
}

suite('issue 12: introspection, revocation and device authorization with JWT client assertions (oidc-provider)', function () {
  this.timeout(20_000);
  let pki: TestPki;
  let server: OidcServer;
  const rsa = generateKeyPairSync('rsa', { modulusLength: 2048 }).privateKey;
  const ec = generateKeyPairSync('ec', { namedCurve: 'P-256' }).privateKey;
  const files: Record<string, string> = {};

  suiteSetup(async () => {
    pki = createTestPki();
    files.rsa = pki.write('rsa.pem', pemOf(rsa));
    files.ec = pki.write('ec.pem', pemOf(ec));
    server = await startOidcServer({
      signIn: {},
      clients: {
        extra: [
          fixtureClient('jwt-secret-client', 'client_secret_jwt', { clientSecret: JWT_SECRET }),
          fixtureClient('rsa-client', 'private_key_jwt', { jwks: { keys: [publicJwk(rsa, { kid: 'rsa-1' })] } }),
          fixtureClient('ec-client', 'private_key_jwt', { jwks: { keys: [publicJwk(ec, { kid: 'ec-1' })] } }),
          fixtureClient('rsa-device', 'private_key_jwt', {
            grantTypes: ['device_code'],
            scope: 'openid api:read',
            jwks: { keys: [publicJwk(rsa, { kid: 'rsa-1' })] },
          }),
        ],
      },
    });
  });
  suiteTeardown(async () => {
    await server.close();
    await resetNetwork();
    pki.remove();
  });
  teardown(() => assert.deepEqual(server.serverErrors(), []));

  const props = (extra: Partial<InvokerProperties>): InvokerProperties => ({
    authorizationServerUrl: server.tokenEndpoint,
    grantType: 'client_credentials',
    scope: 'api:read',
    introspectionEndpoint: server.introspectionEndpoint,
    revocationEndpoint: server.revocationEndpoint,
    ...extra,
  });

  const cases: Array<{ name: string; alg: string; properties: () => Partial<InvokerProperties> }> = [
    {
      name: 'client_secret_jwt',
      alg: 'HS256',
      properties: () => ({ clientAuthentication: 'client_secret_jwt', clientId: 'jwt-secret-client', clientSecret: JWT_SECRET }),
    },
    {
      name: 'private_key_jwt RS256',
      alg: 'RS256',
      properties: () => ({ clientAuthentication: 'private_key_jwt', clientId: 'rsa-client', clientAssertionKeyFile: files.rsa, clientAssertionKeyId: 'rsa-1' }),
    },
    {
      name: 'private_key_jwt ES256',
      alg: 'ES256',
      properties: () => ({ clientAuthentication: 'private_key_jwt', clientId: 'ec-client', clientAssertionKeyFile: files.ec, clientAssertionKeyId: 'ec-1' }),
    },
  ];
  for (const c of cases) {
    test(`${c.name}: introspect and revoke, each with a fresh assertion whose audience is that endpoint`, async () => {
      const p = props(c.properties());
      const { introspected, revoked } = await roundTrip(server, p);
      for (const [assertion, endpoint] of [
        [introspected, server.introspectionEndpoint],
        [revoked, server.revocationEndpoint],
      ]) {
        assert.equal(decodePart(assertion, 0).alg, c.alg);
        const claims = decodePart(assertion, 1);
        assert.equal(claims.iss, p.clientId);
        assert.equal(claims.sub, p.clientId);
        assert.equal(claims.aud, endpoint);
      }
      assert.notEqual(decodePart(introspected, 1).jti, decodePart(revoked, 1).jti, 'every request has its own jti');
    });
  }

  test('private_key_jwt with "Assertion Audience" the issuer: the introspection assertion names the issuer', async () => {
    const p = props({ ...cases[1].properties(), clientAssertionAudience: 'issuer', issuer: server.issuer });
    const token = (await execute(p)).accessToken ?? '';
    assert.equal((await introspect(p, token, 'access_token')).getProperty('active'), 'true');
    assert.equal(decodePart(assertionOf(server.lastRequestTo(server.introspectionEndpoint)), 1).aud, server.issuer);
  });

  test('a key the server does not know: invalid_client at the introspection endpoint, the assertion in neither the error nor the log', async () => {
    const p = props(cases[2].properties());
    const token = (await execute(p)).accessToken ?? '';
    const stranger = pki.write('stranger.pem', pemOf(generateKeyPairSync('ec', { namedCurve: 'P-256' }).privateKey));
    const lines: string[] = [];
    const error = await rejectsWith(
      introspect({ ...p, clientAssertionKeyFile: stranger }, token, 'access_token', { log: (_level, line) => lines.push(line) }),
      'server-rejected',
    );
    assert.equal(error.error, 'invalid_client');
    const assertion = assertionOf(server.lastRequestTo(server.introspectionEndpoint));
    assertNoSecret([error, lines], [assertion, token]);
    assert.ok(
      lines.some((line) => line.includes(`client_assertion=${REDACTED}`)),
      lines.join('\n'),
    );
  });

  test('device authorization with private_key_jwt: the assertion names the device endpoint, and the sign-in completes', async () => {
    const p: InvokerProperties = {
      authorizationServerUrl: server.tokenEndpoint,
      grantType: 'device_code',
      deviceAuthorizationEndpointUrl: server.deviceAuthorizationEndpoint,
      scope: 'openid api:read',
      clientAuthentication: 'private_key_jwt',
      clientId: 'rsa-device',
      clientAssertionKeyFile: files.rsa,
      clientAssertionKeyId: 'rsa-1',
    };
    const authorization = await requestDeviceAuthorization(p);
    const claims = decodePart(assertionOf(server.lastRequestTo(server.deviceAuthorizationEndpoint)), 1);
    assert.equal(claims.aud, server.deviceAuthorizationEndpoint);
    assert.equal(claims.iss, 'rsa-device');
    const polling = pollDeviceToken(p, authorization, { wait: (ms) => new Promise((resolve) => setTimeout(resolve, Math.min(ms, 50))) });
    const page = await new SignInBrowser().browse(authorization.verificationUri, { user: server.user, userCode: authorization.userCode });
    assert.equal(page.title, 'Sign-in Success');
    const message = await polling;
    assert.ok(message.accessToken !== undefined && message.accessToken !== '');
    assert.equal(decodePart(assertionOf(server.lastTokenRequest()), 1).aud, server.tokenEndpoint);
  });
});

suite('issue 12: a server that echoes the request body in its error never shows the assertion', () => {
  let echo: TestServer | undefined;
  let dir: string | undefined;
  teardown(async () => {
    await echo?.close();
    echo = undefined;
    if (dir !== undefined) {
      rmSync(dir, { recursive: true, force: true });
      dir = undefined;
    }
  });

  test('introspection, revocation and device authorization: neither the log nor the error holds the assertion', async () => {
    echo = await startServer((request, res) => {
      res.writeHead(400, { 'content-type': 'application/json' });
      res.end(JSON.stringify({ error: 'invalid_request', error_description: `you sent ${request.body}` }));
    });
    dir = mkdtempSync(path.join(tmpdir(), 'oauth2-invoker-echo-'));
    const keyFile = path.join(dir, 'ec.pem');
    writeFileSync(keyFile, pemOf(generateKeyPairSync('ec', { namedCurve: 'P-256' }).privateKey));
    const p: InvokerProperties = {
      authorizationServerUrl: `${echo.origin}/token`,
      grantType: 'client_credentials',
      clientAuthentication: 'private_key_jwt',
      clientId: 'echo-client',
      clientAssertionKeyFile: keyFile,
      introspectionEndpoint: `${echo.origin}/introspect`,
      revocationEndpoint: `${echo.origin}/revoke`,
      deviceAuthorizationEndpointUrl: `${echo.origin}/device`,
    };
    const lines: string[] = [];
    const log = (_level: 'info' | 'warn', line: string): number => lines.push(line);
    const errors = [
      await rejectsWith(introspect(p, 'the-access-token', 'access_token', { log }), 'server-rejected'),
      await rejectsWith(revoke(p, 'the-access-token', 'access_token', { log }), 'server-rejected'),
      await rejectsWith(requestDeviceAuthorization({ ...p, grantType: 'device_code' }, { log }), 'server-rejected'),
    ];
    assert.deepEqual(
      echo.requests.map((r) => r.url),
      ['/introspect', '/revoke', '/device'],
    );
    const assertions = echo.requests.map((r) => new URLSearchParams(r.body).get('client_assertion') ?? '');
    assert.ok(assertions.every((a) => a.split('.').length === 3));
    assert.equal(new Set(assertions).size, 3, 'a fresh assertion for each request');
    assert.deepEqual(
      assertions.map((a) => decodePart(a, 1).aud),
      [`${echo.origin}/introspect`, `${echo.origin}/revoke`, `${echo.origin}/device`],
    );
    assert.ok(errors.every((e) => /you sent/.test(e.errorDescription ?? '')));
    assertNoSecret([errors, loggedWith(lines, /^answer body: .*you sent/)], [...assertions, 'the-access-token']);
  });
});

suite('issue 12: introspection, revocation and device authorization with mutual TLS (RFC 8705, oidc-provider over https)', function () {
  this.timeout(20_000);
  let pki: TestPki;
  let server: OidcServer;
  let decoy: TestServer;
  let metadata: TestServer;

  suiteSetup(async () => {
    pki = createTestPki();
    const subject = new X509Certificate(readFileSync(pki.client.certFile, 'utf8')).subject.replace(/\n/g, ',');
    server = await startOidcServer({
      https: { key: pki.server.key, cert: pki.server.cert, ca: pki.ca.cert, requestCert: true, rejectUnauthorized: false },
      signIn: {},
      clients: {
        extra: [
          fixtureClient('pki-client', 'tls_client_auth', { tlsClientAuthSubjectDn: subject }),
          fixtureClient('pki-device', 'tls_client_auth', { grantTypes: ['device_code'], scope: 'openid api:read', tlsClientAuthSubjectDn: subject }),
        ],
      },
    });
    // Where a client without a certificate would go: it must get nothing from a mutual-TLS client.
    decoy = await startServer((_request, res) => {
      res.writeHead(500);
      res.end();
    });
    // A server whose mutual-TLS endpoints live elsewhere (RFC 8705 §5): its metadata lists them as aliases.
    metadata = await startServer((_request, res) => {
      res.writeHead(200, { 'content-type': 'application/json' });
      res.end(
        JSON.stringify({
          issuer: metadata.origin,
          token_endpoint: `${decoy.origin}/token`,
          introspection_endpoint: `${decoy.origin}/introspect`,
          revocation_endpoint: `${decoy.origin}/revoke`,
          device_authorization_endpoint: `${decoy.origin}/device`,
          mtls_endpoint_aliases: {
            token_endpoint: server.tokenEndpoint,
            introspection_endpoint: server.introspectionEndpoint,
            revocation_endpoint: server.revocationEndpoint,
            device_authorization_endpoint: server.deviceAuthorizationEndpoint,
          },
        }),
      );
    });
  });
  suiteTeardown(async () => {
    await server.close();
    await decoy.close();
    await metadata.close();
    await resetNetwork();
    pki.remove();
  });

  const tls = (): Partial<InvokerProperties> => ({
    clientAuthentication: 'tls_client_auth',
    tlsCaFile: pki.caFile,
    tlsCertFile: pki.client.certFile,
    tlsKeyFile: pki.client.keyFile,
  });

  test('tls_client_auth: introspect and revoke with only client_id in the body, the certificate over TLS', async () => {
    const p: InvokerProperties = {
      authorizationServerUrl: server.tokenEndpoint,
      grantType: 'client_credentials',
      scope: 'api:read',
      clientId: 'pki-client',
      introspectionEndpoint: server.introspectionEndpoint,
      revocationEndpoint: server.revocationEndpoint,
      ...tls(),
    };
    const lines: string[] = [];
    await roundTrip(server, p, (_level, line) => lines.push(line));
    // The log says what went along: the exchange logs its route as the token request's does.
    assert.deepEqual(
      lines.filter((line) => line.startsWith('TLS: ')),
      [`TLS: extra CAs from ${pki.caFile}, client certificate`, `TLS: extra CAs from ${pki.caFile}, client certificate`],
    );
    for (const endpoint of [server.introspectionEndpoint, server.revocationEndpoint]) {
      const record = server.lastRequestTo(endpoint);
      assert.equal(record?.status, 200);
      assert.deepEqual(Object.keys(record?.body ?? {}).sort(), ['client_id', 'token', 'token_type_hint']);
      assert.equal(record?.headers.authorization, undefined);
    }
  });

  test('tls_client_auth without a client certificate: refused before sending, naming "Client Certificate File"', async () => {
    const error = await rejectsWith(
      introspect(
        {
          authorizationServerUrl: server.tokenEndpoint,
          grantType: 'client_credentials',
          clientId: 'pki-client',
          clientAuthentication: 'tls_client_auth',
          tlsCaFile: pki.caFile,
          introspectionEndpoint: `${decoy.origin}/introspect`,
        },
        'a-token',
        'access_token',
      ),
      'invalid-properties',
    );
    assert.deepEqual(
      error.issues.map((i) => i.field),
      ['tlsCertFile'],
    );
    assert.equal(decoy.requests.length, 0);
  });

  test('device authorization with tls_client_auth: client_id in the body, the certificate authenticates, the log says so', async () => {
    const lines: string[] = [];
    const authorization = await requestDeviceAuthorization(
      {
        authorizationServerUrl: server.tokenEndpoint,
        grantType: 'device_code',
        deviceAuthorizationEndpointUrl: server.deviceAuthorizationEndpoint,
        clientId: 'pki-device',
        scope: 'openid api:read',
        ...tls(),
      },
      { log: (_level, line) => lines.push(line) },
    );
    assert.ok(lines.includes(`TLS: extra CAs from ${pki.caFile}, client certificate`), lines.join('\n'));
    assert.ok(
      lines.some((line) => line.startsWith(`POST ${server.deviceAuthorizationEndpoint} (device authorization) — client authentication: tls_client_auth`)),
      lines.join('\n'),
    );
    assert.ok(authorization.userCode !== '');
    const record = server.lastRequestTo(server.deviceAuthorizationEndpoint);
    assert.equal(record?.body?.client_id, 'pki-device');
    assert.equal(record?.body?.client_assertion, undefined);
    assert.equal(record?.headers.authorization, undefined);
  });

  test('discovered mtls_endpoint_aliases: a mutual-TLS introspection goes to the alias, not to the plain endpoint', async () => {
    const found = await discover(metadata.origin);
    const endpoints = endpointsFor(found, 'tls_client_auth');
    assert.deepEqual(endpoints, {
      authorizationServerUrl: server.tokenEndpoint,
      deviceAuthorizationEndpointUrl: server.deviceAuthorizationEndpoint,
      introspectionEndpoint: server.introspectionEndpoint,
      revocationEndpoint: server.revocationEndpoint,
    });
    const p: InvokerProperties = { grantType: 'client_credentials', scope: 'api:read', clientId: 'pki-client', ...tls(), ...endpoints };
    const token = (await execute(p)).accessToken ?? '';
    assert.equal((await introspect(p, token, 'access_token')).getProperty('active'), 'true');
    assert.equal(server.lastRequestTo(server.introspectionEndpoint)?.body?.token, token);
    assert.deepEqual(decoy.requests, [], 'nothing went to the plain endpoints');
  });
});
