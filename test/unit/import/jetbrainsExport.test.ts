import * as assert from 'node:assert/strict';
import * as fc from 'fast-check';
import { DEFAULT_INVOKER, invokerNameIssue, type InvokerConfig } from '../../../src/shared/invoker';
import { isInteractiveGrant, type ExtraParameter } from '../../../src/shared/properties';
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
    const jwt = exportJetBrains(
      { ...ORDERS, clientAuthentication: 'private_key_jwt', clientAssertionKeyFile: '/keys/client.pem' },
      { environment: 'dev', hasClientSecret: false },
    );
    assert.deepEqual(jwt.warnings, [
      'Not exported (the file has no place for them): "Client Assertion Key File", "Client Authentication" (Private Key JWT; the file says basic, in body or none).',
    ]);
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
    // Issue 17: the toolbox client (id in settings, secret in secret storage) has no place in the file either.
    const withToolboxClient = exportJetBrains(
      { ...ORDERS, introspectionEndpoint: 'https://login.example.com/introspect', introspectionClientId: 'orders-api-rs' },
      { environment: 'dev', hasClientSecret: true },
    );
    assert.deepEqual(withToolboxClient.warnings, [
      'Not exported (the file has no place for them): "Introspection Endpoint", "Introspection Client ID" and "Introspection Client Secret".',
    ]);
    assert.ok(!withToolboxClient.publicText.includes('orders-api-rs'));
    assert.throws(() => exportJetBrains(ORDERS, { environment: 'dev', hasClientSecret: true, existingPublic: '[1]' }), {
      message: /^"http-client\.env\.json" cannot be exported into: it is not a JSON object; expected a JetBrains/,
    });
  });

  test('Authorization Code: Auth URL, Redirect URL, PKCE S256, each parameter with the request it goes with; Device Authorization: Device Auth URL', () => {
    const signIn: InvokerConfig = {
      ...ORDERS,
      grantType: 'authorization_code',
      authorizationEndpointUrl: 'https://login.example.com/authorize',
      redirectUri: 'http://127.0.0.1:8765/callback',
      scope: 'openid',
      extraParameters: [
        { name: 'audience', value: 'https://api.example.com' },
        { name: 'resource', value: 'https://r.example.com' },
      ],
      authorizationParameters: [
        { name: 'prompt', value: 'login' },
        { name: 'audience', value: 'https://api.example.com' },
      ],
    };
    const exported = exportJetBrains(signIn, { environment: 'dev', hasClientSecret: false });
    const entry = (JSON.parse(exported.publicText) as { dev: { Security: { Auth: Record<string, unknown> } } }).dev.Security.Auth['Orders API'];
    assert.deepEqual(entry, {
      Type: 'OAuth2',
      'Grant Type': 'Authorization Code',
      'Token URL': ORDERS.authorizationServerUrl,
      'Client ID': ORDERS.clientId,
      'Client Credentials': 'none',
      'Auth URL': 'https://login.example.com/authorize',
      'Redirect URL': 'http://127.0.0.1:8765/callback',
      PKCE: { 'Code Challenge Method': 'S256' },
      Scope: 'openid',
      'Custom Request Parameters': {
        audience: 'https://api.example.com',
        resource: { Value: 'https://r.example.com', Use: 'In Token Request' },
        prompt: { Value: 'login', Use: 'In Auth Request' },
      },
    });
    assert.deepEqual(exported.warnings, []);
    const device = exportJetBrains(
      { ...ORDERS, grantType: 'device_code', deviceAuthorizationEndpointUrl: 'https://login.example.com/device', extraParameters: [] },
      { environment: 'dev', hasClientSecret: false },
    );
    const deviceEntry = (JSON.parse(device.publicText) as { dev: { Security: { Auth: Record<string, Record<string, unknown>> } } }).dev.Security.Auth[
      'Orders API'
    ];
    assert.equal(deviceEntry['Grant Type'], 'Device Authorization');
    assert.equal(deviceEntry['Device Auth URL'], 'https://login.example.com/device');
    const loopback = exportJetBrains({ ...signIn, redirectUri: '' }, { environment: 'dev', hasClientSecret: false });
    assert.match(loopback.warnings.join('\n'), /"Redirect URI" is empty \(a loopback redirect on a free port\)/);
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
      grantType: fc.constantFrom('client_credentials' as const, 'password' as const, 'authorization_code' as const, 'device_code' as const),
      credentialsInRequestBody: fc.boolean(),
      clientId: text,
      scope: text,
      username: text,
      parameters: fc.uniqueArray(fc.record({ name: parameterName, value: text }), { selector: (p) => p.name, maxLength: 3 }),
      // The authorization request's: some of the token request's (same value) and some of its own (names apart).
      shared: fc.array(fc.boolean(), { minLength: 3, maxLength: 3 }),
      authorizationOnly: fc.uniqueArray(fc.record({ name: fc.stringMatching(/^[A-Z][a-z0-9]{0,8}$/), value: text }), { selector: (p) => p.name, maxLength: 2 }),
      redirectPort: fc.option(fc.integer({ min: 1024, max: 65535 }), { nil: undefined }),
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
          ...(i.grantType === 'authorization_code'
            ? {
                authorizationEndpointUrl: `https://${i.host}/oauth/authorize`,
                redirectUri: i.redirectPort !== undefined ? `http://127.0.0.1:${i.redirectPort}/callback` : '',
              }
            : {}),
          ...(i.grantType === 'device_code' ? { deviceAuthorizationEndpointUrl: `https://${i.host}/oauth/device` } : {}),
          authorizationParameters: isInteractiveGrant(i.grantType)
            ? [...i.parameters.filter((_, n) => i.shared[n]), ...i.authorizationOnly].map((p) => ({ name: p.name, value: p.value }))
            : [],
        };
        const secrets = {
          ...(i.clientSecret !== undefined ? { clientSecret: i.clientSecret } : {}),
          ...(i.grantType === 'password' ? { password: i.password } : {}),
        };
        const exported = exportJetBrains(config, { environment: i.environment, hasClientSecret: i.clientSecret !== undefined, secrets });
        const row = importedRow(exported.publicText, exported.privateText, i.environment);
        // The order of the authorization request's parameters is the file's (they are sent as a query, where it does not matter).
        const byName = (list: readonly ExtraParameter[]) => [...list].sort((a, b) => (a.name < b.name ? -1 : 1));
        assert.deepEqual(
          { ...row.config, authorizationParameters: byName(row.config.authorizationParameters) },
          { ...config, authorizationParameters: byName(config.authorizationParameters) },
        );
        assert.deepEqual(row.secrets, secrets);
        assert.ok(!exported.publicText.includes('s3cret'));
      }),
      { numRuns: 300 },
    );
  });
});
