import * as assert from 'node:assert/strict';
import { generateKeyPairSync, X509Certificate } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { execute, hintFor, REDACTED, resetNetwork, type InvokerProperties } from '../../src/core/index';
import { assertNoSecret, loggedWith, rejectsWith } from '../fixtures/assertions';
import { startOidcServer, type OidcServer } from '../fixtures/oidcServer';
import { decodePart, fixtureClient as client, pemOf, publicJwk } from '../fixtures/clientAssertions';
import { createTestPki, type TestPki } from '../fixtures/testPki';

// Every client authentication method against oidc-provider, which implements each of them (issue 12).

const JWT_SECRET = 'a-client-secret-long-enough-for-hs256-0123456789';

function thumbprint(certPem: string): string {
  return new X509Certificate(certPem).fingerprint256.replace(/:/g, '').toLowerCase();
}

suite('issue 12: client authentication methods against oidc-provider', function () {
  this.timeout(20_000);
  let pki: TestPki;
  let server: OidcServer;
  const rsa = generateKeyPairSync('rsa', { modulusLength: 2048 }).privateKey;
  const ec = generateKeyPairSync('ec', { namedCurve: 'P-256' }).privateKey;
  const ed = generateKeyPairSync('ed25519').privateKey;
  const stranger = generateKeyPairSync('rsa', { modulusLength: 2048 }).privateKey;
  const files: Record<string, string> = {};

  suiteSetup(async () => {
    pki = createTestPki();
    files.rsa = pki.write('rsa.pem', pemOf(rsa));
    files.ec = pki.write('ec.pem', pemOf(ec));
    files.ed = pki.write('ed.pem', pemOf(ed));
    files.stranger = pki.write('stranger.pem', pemOf(stranger));
    files.encrypted = pki.write(
      'rsa-encrypted.pem',
      rsa.export({ type: 'pkcs8', format: 'pem', cipher: 'aes-256-cbc', passphrase: 'key-pass-phrase' }).toString(),
    );
    const pfxCert = readFileSync(pki.client.certFile, 'utf8');
    const pfxKey = new X509Certificate(pfxCert).publicKey;
    server = await startOidcServer({
      clients: {
        extra: [
          client('jwt-secret-client', 'client_secret_jwt', { clientSecret: JWT_SECRET }),
          client('rsa-client', 'private_key_jwt', { jwks: { keys: [publicJwk(rsa, { kid: 'rsa-1' })] } }),
          client('ec-client', 'private_key_jwt', { jwks: { keys: [publicJwk(ec, { kid: 'ec-1' })] } }),
          client('ed-client', 'private_key_jwt', { jwks: { keys: [publicJwk(ed, { kid: 'ed-1' })] } }),
          client('pfx-client', 'private_key_jwt', { jwks: { keys: [publicJwk(pfxKey, { kid: 'pfx-1' })] } }),
        ],
      },
    });
  });
  suiteTeardown(async () => {
    await server.close();
    await resetNetwork();
    pki.remove();
  });

  const props = (extra: Partial<InvokerProperties>): InvokerProperties => ({
    authorizationServerUrl: server.tokenEndpoint,
    grantType: 'client_credentials',
    scope: 'api:read',
    ...extra,
  });

  function lastAssertion(): string {
    const body = server.lastTokenRequest()?.body;
    assert.equal(body?.client_assertion_type, 'urn:ietf:params:oauth:client-assertion-type:jwt-bearer');
    assert.equal(server.lastTokenRequest()?.headers.authorization, undefined, 'no Basic header beside an assertion');
    return body?.client_assertion as string;
  }

  test('client_secret_basic and client_secret_post chosen explicitly still work, each sent its own way', async () => {
    const basic = await execute(props({ clientAuthentication: 'client_secret_basic', ...server.basicClient }));
    assert.equal(basic.metadata.clientAuthentication, 'client_secret_basic');
    assert.match(String(server.lastTokenRequest()?.headers.authorization), /^Basic /);
    const post = await execute(props({ clientAuthentication: 'client_secret_post', ...server.postClient }));
    assert.equal(post.metadata.clientAuthentication, 'client_secret_post');
    assert.equal(server.lastTokenRequest()?.body?.client_secret, server.postClient.clientSecret);
  });

  test('client_secret_jwt: an HS256 assertion with iss = sub = client id, aud = token endpoint, a fresh jti, exp within minutes', async () => {
    const message = await execute(props({ clientAuthentication: 'client_secret_jwt', clientId: 'jwt-secret-client', clientSecret: JWT_SECRET }));
    assert.ok(message.accessToken !== undefined);
    assert.equal(message.metadata.clientAuthentication, 'client_secret_jwt');
    const first = lastAssertion();
    assert.equal(decodePart(first, 0).alg, 'HS256');
    const claims = decodePart(first, 1);
    assert.equal(claims.iss, 'jwt-secret-client');
    assert.equal(claims.sub, 'jwt-secret-client');
    assert.equal(claims.aud, server.tokenEndpoint);
    assert.ok((claims.exp as number) - (claims.iat as number) <= 300 && (claims.exp as number) > (claims.iat as number));
    assert.equal(server.lastTokenRequest()?.body?.client_secret, undefined, 'the secret itself is not sent');
    await execute(props({ clientAuthentication: 'client_secret_jwt', clientId: 'jwt-secret-client', clientSecret: JWT_SECRET }));
    assert.notEqual(decodePart(lastAssertion(), 1).jti, claims.jti, 'every request has its own jti');
  });

  test('client_secret_jwt with the issuer as audience is accepted', async () => {
    await execute(
      props({
        clientAuthentication: 'client_secret_jwt',
        clientId: 'jwt-secret-client',
        clientSecret: JWT_SECRET,
        clientAssertionAudience: 'issuer',
        issuer: server.issuer,
      }),
    );
    assert.equal(decodePart(lastAssertion(), 1).aud, server.issuer);
  });

  test('client_secret_jwt with a wrong secret: invalid_client, and neither secret nor assertion in the error or the log', async () => {
    const lines: string[] = [];
    const error = await rejectsWith(
      execute(
        props({ clientAuthentication: 'client_secret_jwt', clientId: 'jwt-secret-client', clientSecret: 'not-the-secret-but-long-enough-for-hs256-000' }),
        {
          log: (_level, line) => lines.push(line),
        },
      ),
      'server-rejected',
    );
    assert.equal(error.error, 'invalid_client');
    const assertion = lastAssertion();
    assertNoSecret(error, ['not-the-secret-but-long-enough-for-hs256-000', assertion]);
    assertNoSecret(lines, ['not-the-secret-but-long-enough-for-hs256-000', assertion]);
    assert.ok(
      lines.some((line) => line.includes(`client_assertion=${REDACTED}`)),
      lines.join('\n'),
    );
  });

  const keyCases = [
    { name: 'RS256 from an RSA PEM key', clientId: 'rsa-client', file: () => files.rsa, alg: undefined, expectAlg: 'RS256', kid: 'rsa-1' },
    { name: 'PS256 from the same RSA key', clientId: 'rsa-client', file: () => files.rsa, alg: 'PS256' as const, expectAlg: 'PS256', kid: 'rsa-1' },
    { name: 'ES256 from an EC P-256 key', clientId: 'ec-client', file: () => files.ec, alg: undefined, expectAlg: 'ES256', kid: 'ec-1' },
    { name: 'EdDSA from an Ed25519 key', clientId: 'ed-client', file: () => files.ed, alg: undefined, expectAlg: 'EdDSA', kid: 'ed-1' },
  ];
  for (const c of keyCases) {
    test(`private_key_jwt: ${c.name}, with its kid`, async () => {
      const message = await execute(
        props({
          clientAuthentication: 'private_key_jwt',
          clientId: c.clientId,
          clientAssertionKeyFile: c.file(),
          clientAssertionAlgorithm: c.alg,
          clientAssertionKeyId: c.kid,
        }),
      );
      assert.ok(message.accessToken !== undefined);
      assert.equal(message.metadata.clientAuthentication, 'private_key_jwt');
      const assertion = lastAssertion();
      assert.deepEqual(decodePart(assertion, 0), { alg: c.expectAlg, kid: c.kid, typ: 'JWT' });
      const claims = decodePart(assertion, 1);
      assert.equal(claims.iss, c.clientId);
      assert.equal(claims.sub, c.clientId);
      assert.equal(claims.aud, server.tokenEndpoint);
    });
  }

  test('private_key_jwt from an encrypted PEM key with its passphrase; the passphrase is a secret', async () => {
    const lines: string[] = [];
    await execute(
      props({
        clientAuthentication: 'private_key_jwt',
        clientId: 'rsa-client',
        clientAssertionKeyFile: files.encrypted,
        assertionKeyPassphrase: 'key-pass-phrase',
        clientAssertionKeyId: 'rsa-1',
      }),
      {
        log: (_level, line) => lines.push(line),
      },
    );
    assertNoSecret(loggedWith(lines, /^request body: .*client_assertion=/), ['key-pass-phrase', lastAssertion()]);
  });

  test('private_key_jwt from a PKCS#12 file: x5t#S256 of its certificate in the header, as Entra ID requires', async () => {
    const message = await execute(
      props({
        clientAuthentication: 'private_key_jwt',
        clientId: 'pfx-client',
        clientAssertionKeyFile: pki.client.pfxFile,
        assertionKeyPassphrase: pki.client.passphrase,
      }),
    );
    assert.ok(message.accessToken !== undefined);
    const header = decodePart(lastAssertion(), 0);
    const expected = Buffer.from(thumbprint(readFileSync(pki.client.certFile, 'utf8')), 'hex').toString('base64url');
    assert.deepEqual(header, { alg: 'RS256', 'x5t#S256': expected, typ: 'JWT' });
  });

  test('issue 17: a PKCS#12 file with the CA certificate before its own: the certificate of the key is the one chosen', async () => {
    const message = await execute(
      props({
        clientAuthentication: 'private_key_jwt',
        clientId: 'pfx-client',
        clientAssertionKeyFile: pki.client.caFirstPfxFile,
        assertionKeyPassphrase: pki.client.passphrase,
      }),
    );
    assert.ok(message.accessToken !== undefined);
    const expected = Buffer.from(thumbprint(readFileSync(pki.client.certFile, 'utf8')), 'hex').toString('base64url');
    assert.equal(decodePart(lastAssertion(), 0)['x5t#S256'], expected, "the client's certificate, not the CA's");
  });

  test('private_key_jwt from the client certificate\'s own PKCS#12 file: its "Client Key Passphrase" decrypts it too', async () => {
    const message = await execute(
      props({
        clientAuthentication: 'private_key_jwt',
        clientId: 'pfx-client',
        clientAssertionKeyFile: pki.client.pfxFile,
        tlsPfxFile: pki.client.pfxFile,
        tlsPassphrase: pki.client.passphrase,
      }),
    );
    assert.ok(message.accessToken !== undefined);
    const other = await rejectsWith(
      execute(
        props({ clientAuthentication: 'private_key_jwt', clientId: 'rsa-client', clientAssertionKeyFile: files.encrypted, tlsPassphrase: 'key-pass-phrase' }),
      ),
      'invalid-properties',
    );
    assert.deepEqual(
      other.issues.map((i) => i.field),
      ['assertionKeyPassphrase'],
      'another file does not take the TLS passphrase',
    );
  });

  test('private_key_jwt signed with a key the server does not know: invalid_client', async () => {
    const error = await rejectsWith(
      execute(
        props({ clientAuthentication: 'private_key_jwt', clientId: 'rsa-client', clientAssertionKeyFile: files.stranger, clientAssertionKeyId: 'rsa-1' }),
      ),
      'server-rejected',
    );
    assert.equal(error.error, 'invalid_client');
    assert.equal(hintFor(error)?.field, 'clientAssertionKeyFile', 'the hint points at the key, not at the Client Secret');
    assertNoSecret(error, [lastAssertion()]);
  });

  test('a key file that cannot be read names "Client Assertion Key File"; nothing is sent', async () => {
    const before = server.tokenRequests();
    const error = await rejectsWith(
      execute(props({ clientAuthentication: 'private_key_jwt', clientId: 'rsa-client', clientAssertionKeyFile: `${pki.dir}/missing.pem` })),
      'invalid-properties',
    );
    assert.deepEqual(
      error.issues.map((i) => i.field),
      ['clientAssertionKeyFile'],
    );
    assert.match(error.message, /"Client Assertion Key File" cannot be read: there is no such file/);
    const notAKey = await rejectsWith(
      execute(props({ clientAuthentication: 'private_key_jwt', clientId: 'rsa-client', clientAssertionKeyFile: pki.caFile })),
      'invalid-properties',
    );
    assert.deepEqual(
      notAKey.issues.map((i) => i.field),
      ['clientAssertionKeyFile'],
    );
    assert.equal(server.tokenRequests(), before);
  });

  test('a wrong or missing passphrase names "Assertion Key Passphrase" and never shows it', async () => {
    const base = props({ clientAuthentication: 'private_key_jwt', clientId: 'rsa-client', clientAssertionKeyFile: files.encrypted });
    const wrong = await rejectsWith(execute({ ...base, assertionKeyPassphrase: 'wrong-pass-phrase' }), 'invalid-properties');
    assert.deepEqual(
      wrong.issues.map((i) => i.field),
      ['assertionKeyPassphrase'],
    );
    assert.match(wrong.message, /"Assertion Key Passphrase" does not decrypt "Client Assertion Key File"/);
    assertNoSecret(wrong, ['wrong-pass-phrase']);
    const missing = await rejectsWith(execute(base), 'invalid-properties');
    assert.match(missing.message, /"Assertion Key Passphrase" is required: "Client Assertion Key File" is encrypted/);
    const pfxWrong = await rejectsWith(
      execute({ ...base, clientAssertionKeyFile: pki.client.pfxFile, assertionKeyPassphrase: 'wrong-pass-phrase' }),
      'invalid-properties',
    );
    assert.deepEqual(
      pfxWrong.issues.map((i) => i.field),
      ['assertionKeyPassphrase'],
    );
  });

  test('an algorithm the key cannot sign names "Assertion Signing Algorithm"', async () => {
    const error = await rejectsWith(
      execute(props({ clientAuthentication: 'private_key_jwt', clientId: 'rsa-client', clientAssertionKeyFile: files.rsa, clientAssertionAlgorithm: 'ES256' })),
      'invalid-properties',
    );
    assert.deepEqual(
      error.issues.map((i) => i.field),
      ['clientAssertionAlgorithm'],
    );
    assert.match(error.message, /"Assertion Signing Algorithm" is ES256, which the RSA 2048-bit key in "Client Assertion Key File" cannot sign/);
  });
});

suite('issue 12: mutual-TLS client authentication (RFC 8705) against oidc-provider over https', function () {
  this.timeout(20_000);
  let pki: TestPki;
  let server: OidcServer;
  let selfSignedCert: string;
  let selfSignedKey: string;

  suiteSetup(async () => {
    pki = createTestPki();
    selfSignedCert = pki.write('self-signed.pem', pki.selfSigned.cert);
    selfSignedKey = pki.write('self-signed-key.pem', pki.selfSigned.key);
    const x509 = new X509Certificate(pki.selfSigned.cert);
    const selfJwk = { ...x509.publicKey.export({ format: 'jwk' }), x5c: [x509.raw.toString('base64')] };
    const subject = new X509Certificate(readFileSync(pki.client.certFile, 'utf8')).subject.replace(/\n/g, ',');
    server = await startOidcServer({
      https: { key: pki.server.key, cert: pki.server.cert, ca: pki.ca.cert, requestCert: true, rejectUnauthorized: false },
      clients: {
        extra: [
          client('pki-client', 'tls_client_auth', { tlsClientAuthSubjectDn: subject }),
          client('self-signed-client', 'self_signed_tls_client_auth', { jwks: { keys: [selfJwk] } }),
        ],
      },
    });
  });
  suiteTeardown(async () => {
    await server.close();
    await resetNetwork();
    pki.remove();
  });

  const props = (extra: Partial<InvokerProperties>): InvokerProperties => ({
    authorizationServerUrl: server.tokenEndpoint,
    grantType: 'client_credentials',
    scope: 'api:read',
    tlsCaFile: pki.caFile,
    ...extra,
  });

  test('tls_client_auth: the CA-signed client certificate authenticates; only client_id is in the body', async () => {
    const message = await execute(
      props({ clientAuthentication: 'tls_client_auth', clientId: 'pki-client', tlsCertFile: pki.client.certFile, tlsKeyFile: pki.client.keyFile }),
    );
    assert.ok(message.accessToken !== undefined);
    assert.equal(message.metadata.clientAuthentication, 'tls_client_auth');
    assert.deepEqual(server.lastTokenRequest()?.body, { grant_type: 'client_credentials', scope: 'api:read', client_id: 'pki-client' });
    assert.equal(server.lastTokenRequest()?.headers.authorization, undefined);
  });

  test('tls_client_auth with a certificate from a CA the server does not trust: invalid_client', async () => {
    const error = await rejectsWith(
      execute(
        props({
          clientAuthentication: 'tls_client_auth',
          clientId: 'pki-client',
          tlsCertFile: pki.untrustedClient.certFile,
          tlsKeyFile: pki.untrustedClient.keyFile,
        }),
      ),
      'server-rejected',
    );
    assert.equal(error.error, 'invalid_client');
    assert.equal(hintFor(error)?.field, 'tlsCertFile');
  });

  test('self_signed_tls_client_auth: the registered self-signed certificate authenticates', async () => {
    const message = await execute(
      props({ clientAuthentication: 'self_signed_tls_client_auth', clientId: 'self-signed-client', tlsCertFile: selfSignedCert, tlsKeyFile: selfSignedKey }),
    );
    assert.ok(message.accessToken !== undefined);
    assert.equal(message.metadata.clientAuthentication, 'self_signed_tls_client_auth');
  });

  test('self_signed_tls_client_auth with another certificate: invalid_client', async () => {
    const error = await rejectsWith(
      execute(
        props({
          clientAuthentication: 'self_signed_tls_client_auth',
          clientId: 'self-signed-client',
          tlsCertFile: pki.client.certFile,
          tlsKeyFile: pki.client.keyFile,
        }),
      ),
      'server-rejected',
    );
    assert.equal(error.error, 'invalid_client');
  });

  test('a mutual-TLS method without a client certificate is refused by validation, naming the certificate field', async () => {
    const error = await rejectsWith(execute(props({ clientAuthentication: 'tls_client_auth', clientId: 'pki-client' })), 'invalid-properties');
    assert.deepEqual(
      error.issues.map((i) => i.field),
      ['tlsCertFile'],
    );
  });
});
