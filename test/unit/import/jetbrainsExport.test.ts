import * as assert from 'node:assert/strict';
import * as fc from 'fast-check';
import { DEFAULT_INVOKER, invokerNameIssue, type InvokerConfig } from '../../../src/shared/invoker';
import { exportJetBrains, previewImport, type ImportCandidate } from '../../../src/shared/import/index';
import { fixture } from './helpers';

const ORDERS: InvokerConfig = {
  ...DEFAULT_INVOKER,
  name: 'Orders API',
  authorizationServerUrl: 'https://sso.example.com/realms/acme/protocol/openid-connect/token',
  grantType: 'client_credentials',
  credentialsInRequestBody: true,
  clientId: 'orders-client',
  scope: 'orders:read',
  extraParameters: [{ name: 'audience', value: 'https://orders.example.com' }],
};

function importedRow(publicText: string, privateText: string | undefined, environment: string): ImportCandidate {
  const files = [
    { name: 'http-client.env.json', text: publicText },
    ...(privateText !== undefined ? [{ name: 'http-client.private.env.json', text: privateText }] : []),
  ];
  const rows = previewImport(files, { environment }).rows;
  assert.equal(rows.length, 1);
  assert.ok(rows[0].kind === 'invoker');
  return rows[0];
}

suite('export: an invoker to http-client.env.json', () => {
  test('the Security.Auth entry, its secret only as a variable; no private file unless asked', () => {
    const exported = exportJetBrains(ORDERS, { environment: 'dev', hasClientSecret: true });
    assert.deepEqual(JSON.parse(exported.publicText), {
      dev: {
        Security: {
          Auth: {
            'Orders API': {
              Type: 'OAuth2',
              'Grant Type': 'Client Credentials',
              'Token URL': 'https://sso.example.com/realms/acme/protocol/openid-connect/token',
              'Client ID': 'orders-client',
              'Client Secret': '{{orders_api_client_secret}}',
              'Client Credentials': 'in body',
              Scope: 'orders:read',
              'Custom Request Parameters': { audience: 'https://orders.example.com' },
            },
          },
        },
      },
    });
    assert.equal(exported.privateText, undefined);
    assert.deepEqual(exported.warnings, []);
  });

  test('secrets go to the private file only when given, beside what it held; the public file never holds them', () => {
    const password: InvokerConfig = { ...ORDERS, name: 'support', grantType: 'password', username: 'sam', credentialsInRequestBody: false };
    const exported = exportJetBrains(password, {
      environment: 'dev',
      hasClientSecret: true,
      secrets: { clientSecret: 'cs-s3cret', password: 'pw-s3cret' },
      existingPrivate: '{ "dev": { "other": "kept" }, "prod": { "x": "y" } }',
    });
    assert.ok(!exported.publicText.includes('s3cret'));
    assert.deepEqual(JSON.parse(exported.privateText!), {
      dev: { other: 'kept', support_client_secret: 'cs-s3cret', support_password: 'pw-s3cret' },
      prod: { x: 'y' },
    });
    assert.deepEqual(exported.secretVariables, { clientSecret: 'support_client_secret', password: 'support_password' });
  });

  test('into an existing file: other environments, variables and entries kept, the entry of the same name replaced', () => {
    const existing = fixture('jetbrains', 'http-client.env.json').text;
    const exported = exportJetBrains({ ...ORDERS, name: 'orders-api' }, { environment: 'prod', hasClientSecret: true, existingPublic: existing });
    const before = JSON.parse(existing) as Record<string, Record<string, unknown>>;
    const after = JSON.parse(exported.publicText) as Record<string, Record<string, { Auth: Record<string, unknown> }>>;
    assert.deepEqual(Object.keys(after), Object.keys(before));
    assert.deepEqual(after.dev, before.dev);
    assert.equal(after.prod.host, 'https://sso.example.com');
    assert.deepEqual(Object.keys(after.prod.Security.Auth), ['orders-api']);
    assert.equal((after.prod.Security.Auth['orders-api'] as Record<string, string>)['Client ID'], 'orders-client');
  });

  test('a public client is "none"; a Refresh Token invoker cannot be exported; what the file cannot hold is named', () => {
    const publicClient = JSON.parse(exportJetBrains(ORDERS, { environment: 'dev', hasClientSecret: false }).publicText) as {
      dev: { Security: { Auth: Record<string, Record<string, string>> } };
    };
    assert.equal(publicClient.dev.Security.Auth['Orders API']['Client Credentials'], 'none');
    assert.equal(publicClient.dev.Security.Auth['Orders API']['Client Secret'], undefined);
    assert.throws(() => exportJetBrains({ ...ORDERS, grantType: 'refresh_token' }, { environment: 'dev', hasClientSecret: true }), {
      code: 4,
      kind: 'not-exportable',
      message: '"Orders API" cannot be exported: the JetBrains HTTP Client has no Refresh Token grant.',
    });
    const withProxy = exportJetBrains(
      { ...ORDERS, proxy: 'http://proxy.example.com:3128', tlsCaFile: '/etc/ca.pem' },
      { environment: 'dev', hasClientSecret: true },
    );
    assert.deepEqual(withProxy.warnings, ['Not exported (the file has no place for them): "Proxy", "CA Certificates File".']);
    assert.throws(() => exportJetBrains(ORDERS, { environment: 'dev', hasClientSecret: true, existingPublic: '[1]' }), {
      message: /^"http-client\.env\.json" cannot be exported into: it is not a JSON object; expected a JetBrains/,
    });
  });

  test('round trip: export then import gives the same invoker and the same secrets (property)', () => {
    const text = fc.string({ maxLength: 20 }).filter((s) => !s.includes('{{') && !s.includes('}}') && !s.includes('s3cret') && s.trim() === s);
    // Secrets are marked, so that finding one in the public file cannot be a non-secret value that happens to be equal.
    const secret = fc
      .string({ maxLength: 20 })
      .filter((s) => !s.includes('{{'))
      .map((s) => `s3cret-${s}`);
    const name = fc.string({ minLength: 1, maxLength: 30 }).filter((s) => invokerNameIssue(s, []) === undefined && s.trim() === s && !s.includes('s3cret'));
    const parameterName = fc
      .stringMatching(/^[a-z][a-z0-9_]{0,10}$/)
      .filter((n) => !['grant_type', 'client_id', 'client_secret', 'scope', 'username', 'password', 'refresh_token'].includes(n));
    const invoker = fc.record({
      name,
      host: fc.domain(),
      grantType: fc.constantFrom('client_credentials' as const, 'password' as const),
      credentialsInRequestBody: fc.boolean(),
      clientId: text,
      scope: text,
      username: text,
      parameters: fc.uniqueArray(fc.record({ name: parameterName, value: text }), { selector: (p) => p.name, maxLength: 3 }),
      clientSecret: fc.option(secret, { nil: undefined }),
      password: secret,
      environment: fc.stringMatching(/^[A-Za-z][A-Za-z0-9_-]{0,8}$/),
    });
    fc.assert(
      fc.property(invoker, (i) => {
        const config: InvokerConfig = {
          ...DEFAULT_INVOKER,
          name: i.name,
          authorizationServerUrl: `https://${i.host}/oauth/token`,
          grantType: i.grantType,
          // A public client sends its id in the body whatever this says; the file writes "none".
          credentialsInRequestBody: i.clientSecret !== undefined && i.credentialsInRequestBody,
          clientId: i.clientId,
          scope: i.scope,
          username: i.grantType === 'password' ? i.username : '',
          extraParameters: i.parameters.map((p) => ({ name: p.name, value: p.value })),
        };
        const secrets = {
          ...(i.clientSecret !== undefined ? { clientSecret: i.clientSecret } : {}),
          ...(i.grantType === 'password' ? { password: i.password } : {}),
        };
        const exported = exportJetBrains(config, { environment: i.environment, hasClientSecret: i.clientSecret !== undefined, secrets });
        const row = importedRow(exported.publicText, exported.privateText, i.environment);
        assert.deepEqual(row.config, config);
        assert.deepEqual(row.secrets, secrets);
        assert.ok(!exported.publicText.includes('s3cret'));
      }),
      { numRuns: 300 },
    );
  });
});
