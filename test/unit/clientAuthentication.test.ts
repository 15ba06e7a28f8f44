import * as assert from 'node:assert/strict';
import { createPublicKey, generateKeyPairSync } from 'node:crypto';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import * as fc from 'fast-check';
import { mockTokenEndpoint } from '../fixtures/mockTokenEndpoint';
import { execute, validateProperties, type ClientAuthMethod, type InvokerProperties } from '../../src/core/index';
import { ClientSecretJwt, JWT_BEARER_ASSERTION_TYPE, PrivateKeyJwt, secretClientAuth } from '../../src/core/clientAuth/clientAuthentication';
import { buildTokenRequest } from '../../src/core/grants/tokenRequest';
import { endpointsFor, parseAuthorizationServerMetadata, tokenEndpointFor } from '../../src/core/toolbox/discovery';
import { formIssues } from '../../src/shared/formValidation';
import {
  DEFAULT_INVOKER,
  NO_STORED_SECRETS,
  normalizeInvoker,
  secretsSentTo,
  secretsUsedBy,
  serializeInvoker,
  toProperties,
  type InvokerConfig,
} from '../../src/shared/invoker';

const ORIGIN = 'https://as.example.com';
const TOKEN_URL = `${ORIGIN}/oauth2/token`;
const OK = JSON.stringify({ access_token: 'at-1', token_type: 'Bearer', expires_in: 3600 });
const SECRET = 'a-client-secret-long-enough-for-hs256-0123456789';

interface Seen {
  headers: Record<string, string>;
  form: URLSearchParams;
}

/** Runs execute() against a MockAgent and returns the one request it sent. */
async function sentBy(properties: Partial<InvokerProperties>, now?: () => number): Promise<Seen> {
  const { agent, received } = mockTokenEndpoint(ORIGIN, '/oauth2/token', OK);
  try {
    await execute({ authorizationServerUrl: TOKEN_URL, grantType: 'client_credentials', clientId: 'my-client', ...properties }, { dispatcher: agent, now });
    agent.assertNoPendingInterceptors();
  } finally {
    await agent.close();
  }
  const { headers, body } = received();
  return { headers, form: new URLSearchParams(body) };
}

function assertAssertionForm(form: URLSearchParams): string {
  assert.deepEqual([...form.keys()], ['grant_type', 'client_id', 'client_assertion_type', 'client_assertion']);
  assert.equal(form.get('client_id'), 'my-client');
  assert.equal(form.get('client_assertion_type'), JWT_BEARER_ASSERTION_TYPE);
  return form.get('client_assertion') as string;
}

suite('issue 12: client authentication request shapes', () => {
  let dir: string;
  const rsa = generateKeyPairSync('rsa', { modulusLength: 2048 }).privateKey;
  let keyFile: string;

  suiteSetup(() => {
    dir = mkdtempSync(path.join(tmpdir(), 'client-auth-'));
    keyFile = path.join(dir, 'rsa.pem');
    writeFileSync(keyFile, rsa.export({ type: 'pkcs8', format: 'pem' }));
  });
  suiteTeardown(() => rmSync(dir, { recursive: true, force: true }));

  test('client_secret_basic: the credentials only in the Basic header', async () => {
    const seen = await sentBy({ clientAuthentication: 'client_secret_basic', clientSecret: 's' });
    assert.equal(seen.headers.authorization, `Basic ${Buffer.from('my-client:s').toString('base64')}`);
    assert.deepEqual([...seen.form.keys()], ['grant_type']);
  });

  test('client_secret_post: client_id and client_secret in the body, no header', async () => {
    const seen = await sentBy({ clientAuthentication: 'client_secret_post', clientSecret: 's' });
    assert.equal(seen.headers.authorization, undefined);
    assert.deepEqual(
      [...seen.form],
      [
        ['grant_type', 'client_credentials'],
        ['client_id', 'my-client'],
        ['client_secret', 's'],
      ],
    );
  });

  test('the explicit method wins over "Credentials in Request Body"; without one, TRUE/FALSE keeps meaning post/basic', async () => {
    const explicit = await sentBy({ clientAuthentication: 'client_secret_basic', clientSecret: 's', credentialsInRequestBody: true });
    assert.ok(explicit.headers.authorization !== undefined);
    const legacy = await sentBy({ clientSecret: 's', credentialsInRequestBody: true });
    assert.equal(legacy.form.get('client_secret'), 's');
  });

  for (const method of ['none', 'tls_client_auth', 'self_signed_tls_client_auth'] as const) {
    test(`${method}: only client_id in the body, no secret anywhere`, async () => {
      // The MockAgent stands in for the TLS connection, so the certificate file (required by validation) is not read.
      const seen = await sentBy({
        clientAuthentication: method,
        clientSecret: 'must-not-be-sent',
        ...(method === 'none' ? {} : { tlsCertFile: '/not/read/client.pem' }),
      });
      assert.equal(seen.headers.authorization, undefined);
      assert.deepEqual(
        [...seen.form],
        [
          ['grant_type', 'client_credentials'],
          ['client_id', 'my-client'],
        ],
      );
    });
  }

  test('client_secret_jwt: an HS256 JWT verifiable with the secret, iss = sub = client id, aud = token URL, 2 minutes', async () => {
    const now = Date.UTC(2026, 0, 1, 12, 0, 0);
    const seen = await sentBy({ clientAuthentication: 'client_secret_jwt', clientSecret: SECRET }, () => now);
    assert.equal(seen.headers.authorization, undefined);
    const jwt = assertAssertionForm(seen.form);
    const { jwtVerify } = await import('jose');
    const { payload, protectedHeader } = await jwtVerify(jwt, new TextEncoder().encode(SECRET), { currentDate: new Date(now), algorithms: ['HS256'] });
    assert.deepEqual(protectedHeader, { alg: 'HS256', typ: 'JWT' });
    assert.equal(payload.iss, 'my-client');
    assert.equal(payload.sub, 'my-client');
    assert.equal(payload.aud, TOKEN_URL);
    assert.equal(payload.iat, now / 1000);
    assert.equal(payload.exp, now / 1000 + 120);
    assert.match(String(payload.jti), /^[0-9a-f-]{36}$/);
  });

  test('private_key_jwt: an RS256 JWT verifiable with the public key; aud = the issuer when chosen', async () => {
    const seen = await sentBy({
      clientAuthentication: 'private_key_jwt',
      clientAssertionKeyFile: keyFile,
      clientAssertionKeyId: 'k1',
      clientAssertionAudience: 'issuer',
      issuer: ORIGIN,
    });
    const jwt = assertAssertionForm(seen.form);
    const { jwtVerify } = await import('jose');
    const { payload, protectedHeader } = await jwtVerify(jwt, createPublicKey(rsa), {
      algorithms: ['RS256'],
      audience: ORIGIN,
      issuer: 'my-client',
      subject: 'my-client',
    });
    assert.deepEqual(protectedHeader, { alg: 'RS256', kid: 'k1', typ: 'JWT' });
    assert.ok(payload.jti !== undefined);
  });

  test('the strategy is reusable for any endpoint: aud follows the endpoint it is applied to, jti is fresh each time', async () => {
    const auth = ClientSecretJwt('c', SECRET);
    const claims: Array<Record<string, unknown>> = [];
    for (const endpoint of ['https://as.example.com/introspect', 'https://as.example.com/revoke']) {
      const form: Array<[string, string]> = [];
      await auth.apply({ endpoint, headers: {}, add: (name, value) => form.push([name, value]) });
      claims.push(JSON.parse(Buffer.from(form[2][1].split('.')[1], 'base64url').toString()) as Record<string, unknown>);
    }
    assert.deepEqual(
      claims.map((c) => c.aud),
      ['https://as.example.com/introspect', 'https://as.example.com/revoke'],
    );
    assert.notEqual(claims[0].jti, claims[1].jti);
    const pk = PrivateKeyJwt('c', { key: rsa, alg: 'PS256', x5tS256: 'thumb' });
    const headers: Record<string, string> = {};
    await pk.apply({ endpoint: TOKEN_URL, headers, add: () => undefined });
    assert.deepEqual(headers, {}, 'an assertion adds no header');
  });

  test('property: whatever the method and client id, credentials are in exactly one place and the secret only where the method puts it', () => {
    const methods: ClientAuthMethod[] = ['client_secret_basic', 'client_secret_post', 'none', 'tls_client_auth', 'self_signed_tls_client_auth'];
    fc.assert(
      fc.property(
        fc.constantFrom(...methods),
        fc.string({ minLength: 1 }).filter((s) => s.trim() === s),
        fc.string({ minLength: 1 }),
        (method, clientId, secret) => {
          const properties: InvokerProperties = {
            authorizationServerUrl: TOKEN_URL,
            grantType: 'client_credentials',
            clientId,
            clientSecret: secret,
            clientAuthentication: method,
          };
          const request = buildTokenRequest(properties, 'rfc6749', undefined, secretClientAuth(properties));
          const form = new URLSearchParams(request.body);
          const inHeader = request.headers.authorization !== undefined;
          assert.equal(request.clientAuthentication, method);
          assert.equal(inHeader, method === 'client_secret_basic');
          assert.equal(form.has('client_secret'), method === 'client_secret_post');
          assert.equal(form.getAll('client_id').length, inHeader ? 0 : 1);
          if (!inHeader) {
            assert.equal(form.get('client_id'), clientId);
          }
        },
      ),
    );
  });
});

suite('issue 12: client authentication validation names each field', () => {
  const base: InvokerProperties = { authorizationServerUrl: TOKEN_URL, grantType: 'client_credentials', clientId: 'c' };
  const fields = (p: Partial<InvokerProperties>): string[] => validateProperties({ ...base, ...p }).map((i) => i.field);

  test('private_key_jwt needs a key file, absolute; no secret', () => {
    assert.deepEqual(fields({ clientAuthentication: 'private_key_jwt' }), ['clientAssertionKeyFile']);
    assert.deepEqual(fields({ clientAuthentication: 'private_key_jwt', clientAssertionKeyFile: 'key.pem' }), ['clientAssertionKeyFile']);
    assert.deepEqual(fields({ clientAuthentication: 'private_key_jwt', clientAssertionKeyFile: '/keys/key.pem' }), []);
  });

  test('the secret methods need the secret; the issuer audience needs the issuer', () => {
    for (const method of ['client_secret_basic', 'client_secret_post', 'client_secret_jwt'] as const) {
      assert.deepEqual(fields({ clientAuthentication: method }), ['clientSecret'], method);
    }
    assert.deepEqual(fields({ clientAuthentication: 'client_secret_jwt', clientSecret: 's', clientAssertionAudience: 'issuer' }), ['issuer']);
    const messages = validateProperties({ ...base, clientAuthentication: 'client_secret_jwt', clientSecret: 's', clientAssertionAudience: 'issuer' }).map(
      (i) => i.message,
    );
    assert.deepEqual(messages, ['"Issuer URL" is required when "Assertion Audience" is the issuer.']);
  });

  test('mutual TLS needs a client certificate; an unknown method or algorithm is named', () => {
    assert.deepEqual(fields({ clientAuthentication: 'tls_client_auth' }), ['tlsCertFile']);
    assert.deepEqual(fields({ clientAuthentication: 'self_signed_tls_client_auth', tlsPfxFile: '/c.p12' }), []);
    assert.deepEqual(fields({ clientAuthentication: 'kerberos' as ClientAuthMethod }), ['clientAuthentication']);
    assert.deepEqual(fields({ clientAuthentication: 'private_key_jwt', clientAssertionKeyFile: '/k.pem', clientAssertionAlgorithm: 'HS256' as 'RS256' }), [
      'clientAssertionAlgorithm',
    ]);
  });

  test('client_assertion cannot be set again as an extra parameter', () => {
    assert.deepEqual(fields({ clientSecret: 's', extraParameters: [{ name: 'client_assertion', value: 'x' }] }), ['extraParameters']);
  });
});

suite('issue 12: mtls_endpoint_aliases from discovery', () => {
  const metadataUrl = 'https://as.example.com/.well-known/openid-configuration';
  const parse = (metadata: Record<string, unknown>) =>
    parseAuthorizationServerMetadata({ status: 200, headers: { 'content-type': 'application/json' }, body: JSON.stringify(metadata) }, { metadataUrl });

  test('the mutual-TLS methods use the alias when listed; every other method, and a server without aliases, the token endpoint', () => {
    const result = parse({ issuer: ORIGIN, token_endpoint: TOKEN_URL, mtls_endpoint_aliases: { token_endpoint: 'https://mtls.as.example.com/oauth2/token' } });
    assert.equal(result.mtlsTokenEndpoint, 'https://mtls.as.example.com/oauth2/token');
    assert.equal(tokenEndpointFor(result, 'tls_client_auth'), 'https://mtls.as.example.com/oauth2/token');
    assert.equal(tokenEndpointFor(result, 'self_signed_tls_client_auth'), 'https://mtls.as.example.com/oauth2/token');
    assert.equal(tokenEndpointFor(result, 'private_key_jwt'), TOKEN_URL);
    assert.equal(tokenEndpointFor(result, undefined), TOKEN_URL);
    assert.equal(tokenEndpointFor(parse({ issuer: ORIGIN, token_endpoint: TOKEN_URL }), 'tls_client_auth'), TOKEN_URL);
  });

  test('an alias that is not https:// is ignored with a warning', () => {
    const result = parse({ issuer: ORIGIN, token_endpoint: TOKEN_URL, mtls_endpoint_aliases: { token_endpoint: 'http://mtls.as.example.com/token' } });
    assert.equal(result.mtlsTokenEndpoint, undefined);
    assert.ok(result.warnings.some((w) => /mtls_endpoint_aliases/.test(w)));
  });

  test('the aliases of the device authorization, introspection and revocation endpoints are read; only the mutual-TLS methods use them', () => {
    const plain = {
      authorizationServerUrl: TOKEN_URL,
      deviceAuthorizationEndpointUrl: `${ORIGIN}/device`,
      introspectionEndpoint: `${ORIGIN}/introspect`,
      revocationEndpoint: `${ORIGIN}/revoke`,
    };
    const result = parse({
      issuer: ORIGIN,
      token_endpoint: TOKEN_URL,
      device_authorization_endpoint: plain.deviceAuthorizationEndpointUrl,
      introspection_endpoint: plain.introspectionEndpoint,
      revocation_endpoint: plain.revocationEndpoint,
      mtls_endpoint_aliases: {
        device_authorization_endpoint: 'https://mtls.as.example.com/device',
        introspection_endpoint: 'https://mtls.as.example.com/introspect',
        revocation_endpoint: 'http://mtls.as.example.com/revoke',
      },
    });
    assert.equal(result.mtlsDeviceAuthorizationEndpoint, 'https://mtls.as.example.com/device');
    assert.equal(result.mtlsIntrospectionEndpoint, 'https://mtls.as.example.com/introspect');
    assert.equal(result.mtlsRevocationEndpoint, undefined, 'an alias that is not https:// is ignored');
    assert.ok(result.warnings.some((w) => w.includes('"mtls_endpoint_aliases.revocation_endpoint" is not an https:// URL')));
    const mtls = {
      ...plain,
      deviceAuthorizationEndpointUrl: 'https://mtls.as.example.com/device',
      introspectionEndpoint: 'https://mtls.as.example.com/introspect',
    };
    assert.deepEqual(endpointsFor(result, 'tls_client_auth'), mtls);
    assert.deepEqual(endpointsFor(result, 'self_signed_tls_client_auth'), mtls);
    for (const method of ['private_key_jwt', 'client_secret_basic', undefined] as const) {
      assert.deepEqual(endpointsFor(result, method), plain);
    }
    assert.deepEqual(endpointsFor(parse({ issuer: ORIGIN, token_endpoint: TOKEN_URL }), 'tls_client_auth'), { authorizationServerUrl: TOKEN_URL });
  });
});

suite('issue 12: client authentication in the stored invoker and the form', () => {
  const config = (extra: Partial<InvokerConfig>): InvokerConfig => ({
    ...DEFAULT_INVOKER,
    name: 'n',
    authorizationServerUrl: TOKEN_URL,
    clientId: 'c',
    ...extra,
  });

  test('settings are read leniently: an unknown method or algorithm falls back to the default, a written passphrase is ignored', () => {
    const read = normalizeInvoker({
      name: 'n',
      authorizationServerUrl: TOKEN_URL,
      clientAuthentication: 'kerberos',
      clientAssertionAlgorithm: 'HS256',
      clientAssertionAudience: 'x',
      assertionKeyPassphrase: 'leaked',
    });
    assert.ok(read);
    assert.equal(read.clientAuthentication, '');
    assert.equal(read.clientAssertionAlgorithm, '');
    assert.equal(read.clientAssertionAudience, 'token_endpoint');
    assert.ok(!JSON.stringify(read).includes('leaked'));
    const good = normalizeInvoker({
      name: 'n',
      authorizationServerUrl: TOKEN_URL,
      clientAuthentication: 'private_key_jwt',
      clientAssertionKeyFile: ' /k.pem ',
      clientAssertionAlgorithm: 'ES256',
      clientAssertionKeyId: 'kid-1',
      clientAssertionAudience: 'issuer',
    });
    assert.deepEqual(
      [good?.clientAuthentication, good?.clientAssertionKeyFile, good?.clientAssertionAlgorithm, good?.clientAssertionKeyId, good?.clientAssertionAudience],
      ['private_key_jwt', '/k.pem', 'ES256', 'kid-1', 'issuer'],
    );
    assert.deepEqual(
      serializeInvoker(config({})),
      { name: 'n', authorizationServerUrl: TOKEN_URL, grantType: 'client_credentials', clientId: 'c' },
      'defaults stay out of settings.json',
    );
  });

  test('the secrets asked for follow the method: no Client Secret for a key or a certificate, the key passphrase for private_key_jwt', () => {
    assert.deepEqual(secretsUsedBy(config({})), ['clientSecret']);
    assert.deepEqual(secretsUsedBy(config({ clientAuthentication: 'client_secret_jwt' })), ['clientSecret']);
    assert.deepEqual(secretsUsedBy(config({ clientAuthentication: 'private_key_jwt' })), ['assertionKeyPassphrase']);
    assert.deepEqual(secretsUsedBy(config({ clientAuthentication: 'tls_client_auth', tlsCertFile: '/c.pem' })), ['tlsPassphrase']);
    assert.deepEqual(secretsUsedBy(config({ clientAuthentication: 'none' })), []);
  });

  test('issue 17: the Introspection Client Secret is asked for with an Introspection Client ID, and sent only with Introspect', () => {
    const publicApp = config({ grantType: 'password', clientAuthentication: 'none', introspectionClientId: 'orders-api', proxyUsername: 'p' });
    assert.deepEqual(secretsUsedBy(publicApp), ['password', 'proxyPassword', 'introspectionClientSecret']);
    assert.deepEqual(secretsSentTo(publicApp, 'token'), ['password', 'proxyPassword']);
    assert.deepEqual(secretsSentTo(publicApp, 'introspection'), ['proxyPassword', 'introspectionClientSecret']);
    assert.deepEqual(secretsSentTo(publicApp, 'revocation'), ['proxyPassword']);
    const confidential = config({ grantType: 'refresh_token', introspectionClientId: 'orders-api' });
    assert.deepEqual(secretsSentTo(confidential, 'introspection'), ['introspectionClientSecret']);
    assert.deepEqual(secretsSentTo(confidential, 'revocation'), ['clientSecret']);
    assert.deepEqual(secretsSentTo(config({ grantType: 'refresh_token' }), 'introspection'), ['clientSecret']);
    // In settings the id only; a secret written there is not read.
    const read = normalizeInvoker({ name: 'n', introspectionClientId: ' orders-api ', introspectionClientSecret: 'written' });
    assert.equal(read?.introspectionClientId, 'orders-api');
    assert.equal(serializeInvoker(config({ introspectionClientId: 'orders-api' })).introspectionClientId, 'orders-api');
    assert.deepEqual(
      Object.keys(serializeInvoker(config({ introspectionClientId: 'orders-api' }))).filter((key) => /secret/i.test(key)),
      [],
    );
    // The form asks for the secret with the id (Execute does not: it never sends it).
    const issues = formIssues(config({ introspectionClientId: 'orders-api' }), { clientSecret: { action: 'replace', value: 's' } }, NO_STORED_SECRETS, []);
    assert.deepEqual(
      issues.map((i) => [i.field, i.message]),
      [['introspectionClientSecret', '"Introspection Client Secret" is required with an "Introspection Client ID": Introspect authenticates as that client.']],
    );
    assert.deepEqual(
      formIssues(
        config({ introspectionClientId: 'orders-api' }),
        { clientSecret: { action: 'replace', value: 's' } },
        { ...NO_STORED_SECRETS, introspectionClientSecret: true },
        [],
      ),
      [],
    );
    assert.deepEqual(validateProperties(toProperties(config({ introspectionClientId: 'orders-api' }), { clientSecret: 's' })), []);
  });

  test('toProperties hands the method, key, passphrase and issuer to the core; the default pair hands none of them', () => {
    const p = toProperties(
      config({
        clientAuthentication: 'private_key_jwt',
        clientAssertionKeyFile: '/k.pem',
        clientAssertionKeyId: 'k',
        issuer: ORIGIN,
        clientAssertionAudience: 'issuer',
      }),
      { assertionKeyPassphrase: 'pp' },
    );
    assert.equal(p.clientAuthentication, 'private_key_jwt');
    assert.equal(p.clientAssertionKeyFile, '/k.pem');
    assert.equal(p.assertionKeyPassphrase, 'pp');
    assert.equal(p.clientAssertionAlgorithm, undefined, "empty means the key's own");
    assert.equal(p.issuer, ORIGIN);
    assert.equal(toProperties(config({ credentialsInRequestBody: true }), { clientSecret: 's' }).clientAuthentication, undefined);
  });

  test('the form reports each missing field of the chosen method beside it', () => {
    const fieldsOf = (extra: Partial<InvokerConfig>): string[] => formIssues(config(extra), {}, NO_STORED_SECRETS, []).map((i) => i.field);
    assert.deepEqual(fieldsOf({ clientAuthentication: 'private_key_jwt' }), ['clientAssertionKeyFile']);
    assert.deepEqual(fieldsOf({ clientAuthentication: 'private_key_jwt', clientAssertionKeyFile: '/k.pem' }), []);
    assert.deepEqual(fieldsOf({ clientAuthentication: 'client_secret_jwt', clientAssertionAudience: 'issuer' }), ['clientSecret', 'issuer']);
    assert.deepEqual(fieldsOf({ clientAuthentication: 'tls_client_auth' }), ['tlsCertFile']);
    assert.deepEqual(fieldsOf({}), ['clientSecret'], 'the default pair still requires the Client Secret');
  });
});
