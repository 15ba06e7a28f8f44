import * as assert from 'node:assert/strict';
import { DEFAULT_INVOKER } from '../../../src/shared/invoker';
import { previewImport, type ImportFile } from '../../../src/shared/import/index';
import { candidate, fixture, rowName, shownText, skipped } from './helpers';

const SECRETS = ['dev-orders-s3cret!', 'pa ss:w0rd%', 'prod-orders-s3cret'];

suite('import: JetBrains HTTP Client / httpyac environment files', () => {
  const both = [fixture('jetbrains', 'http-client.env.json'), fixture('jetbrains', 'http-client.private.env.json')];

  test('the first environment by default; every Security.Auth entry is a row, file order kept', () => {
    const preview = previewImport(both);
    assert.equal(preview.format, 'jetbrains');
    assert.deepEqual(preview.environments, ['dev', 'prod']);
    assert.equal(preview.environment, 'dev');
    assert.deepEqual(preview.rows.map(rowName), ['orders-api', 'support-user', 'browser-login', 'tv-login']);
  });

  test('Client Credentials: variables resolved through $shared and nested variables, private values win, "in body", custom parameters', () => {
    const row = candidate(previewImport(both, { environment: 'dev' }), 'orders-api');
    assert.deepEqual(row.config, {
      ...DEFAULT_INVOKER,
      name: 'orders-api',
      authorizationServerUrl: 'https://sso.dev.example.com/realms/acme/protocol/openid-connect/token',
      grantType: 'client_credentials',
      credentialsInRequestBody: true,
      clientId: 'orders-client',
      // The private file's Security.Auth entry overrides the public one field by field.
      scope: 'orders:read orders:write orders:admin',
      extraParameters: [
        { name: 'audience', value: 'https://orders.example.com' },
        { name: 'resource', value: 'https://a.example.com' },
      ],
    });
    assert.deepEqual(row.secrets, { clientSecret: 'dev-orders-s3cret!' });
    assert.deepEqual(row.warnings, [
      'The custom parameter "prompt" goes only with the authorization request, which this grant does not send: it is left out.',
      'The custom parameter "resource" has 2 values; the invoker sends each parameter once: the first is kept.',
    ]);
    assert.equal(row.source, 'dev › Security.Auth › orders-api');
  });

  test('Password with "Client Credentials": "none": username and password resolved, no client secret, a public client', () => {
    const row = candidate(previewImport(both), 'support-user');
    assert.equal(row.config.grantType, 'password');
    assert.equal(row.config.username, 'sam@example.com');
    assert.equal(row.config.clientId, 'support-cli');
    assert.equal(row.config.credentialsInRequestBody, false);
    assert.deepEqual(row.secrets, { password: 'pa ss:w0rd%' });
    assert.deepEqual(row.warnings, []);
  });

  test('Authorization Code: Auth URL, Redirect URL, PKCE and the custom parameters of each request; Device Authorization: Device Auth URL', () => {
    const preview = previewImport(both);
    const browser = candidate(preview, 'browser-login');
    assert.deepEqual(browser.config, {
      ...DEFAULT_INVOKER,
      name: 'browser-login',
      grantType: 'authorization_code',
      authorizationServerUrl: 'https://sso.dev.example.com/realms/acme/protocol/openid-connect/token',
      authorizationEndpointUrl: 'https://sso.dev.example.com/realms/acme/protocol/openid-connect/auth',
      redirectUri: 'http://localhost:8080/callback',
      clientId: 'web',
      scope: 'openid profile',
      // "Everywhere" goes with both requests, "In Auth Request" with the authorization request only, "In Token Request" with the token request only.
      extraParameters: [
        { name: 'audience', value: 'https://api.example.com' },
        { name: 'resource', value: 'https://res.example.com' },
      ],
      authorizationParameters: [
        { name: 'prompt', value: 'consent' },
        { name: 'audience', value: 'https://api.example.com' },
      ],
    });
    assert.deepEqual(browser.secrets, {});
    assert.deepEqual(browser.warnings, []);
    const tv = candidate(preview, 'tv-login');
    assert.equal(tv.config.grantType, 'device_code');
    assert.equal(tv.config.deviceAuthorizationEndpointUrl, 'https://sso.dev.example.com/realms/acme/protocol/openid-connect/auth/device');
    assert.equal(tv.config.authorizationEndpointUrl, '');
    assert.deepEqual(tv.warnings, []);
  });

  test('PKCE "Plain" or off: imported, with a warning that the invoker always uses S256', () => {
    const entry = (pkce: unknown): ImportFile => ({
      name: 'http-client.env.json',
      text: JSON.stringify({
        dev: {
          Security: {
            Auth: {
              web: {
                Type: 'OAuth2',
                'Grant Type': 'Authorization Code',
                'Auth URL': 'https://a.example.com/auth',
                'Token URL': 'https://a.example.com/token',
                'Client ID': 'w',
                PKCE: pkce,
              },
            },
          },
        },
      }),
    });
    assert.match(
      candidate(previewImport([entry({ 'Code Challenge Method': 'Plain' })]), 'web').warnings.join('\n'),
      /PKCE was set to "plain": the invoker always uses S256/,
    );
    assert.match(candidate(previewImport([entry(false)]), 'web').warnings.join('\n'), /PKCE was off: the invoker always sends a PKCE challenge \(S256\)/);
    assert.deepEqual(candidate(previewImport([entry(true)]), 'web').warnings, []);
  });

  test('another environment: its own variables and entries; "basic" client credentials', () => {
    const preview = previewImport(both, { environment: 'prod' });
    assert.deepEqual(preview.rows.map(rowName), ['orders-api']);
    const row = candidate(preview, 'orders-api');
    assert.equal(row.config.authorizationServerUrl, 'https://sso.example.com/realms/acme/protocol/openid-connect/token');
    assert.equal(row.config.credentialsInRequestBody, false);
    assert.deepEqual(row.secrets, { clientSecret: 'prod-orders-s3cret' });
  });

  test("without the private file: the secret's variable is undefined, so no secret is imported and the warning names the variable", () => {
    const row = candidate(previewImport([fixture('jetbrains', 'http-client.env.json')]), 'orders-api');
    assert.deepEqual(row.secrets, {});
    assert.ok(
      row.warnings.includes('"Client Secret" uses {{ordersSecret}}, which no variable defines: it is not imported; enter it in the form.'),
      row.warnings.join('\n'),
    );
    assert.ok(row.warnings.includes('"Client Secret" is required for the Client Credentials grant.'), row.warnings.join('\n'));
    const password = candidate(previewImport([fixture('jetbrains', 'http-client.env.json')]), 'support-user');
    assert.equal(password.config.username, '{{supportUser}}');
    assert.ok(password.warnings.includes('"Username" uses {{supportUser}}, which no variable defines.'));
  });

  test('an environment the files do not have is an error naming the file and the environments it has', () => {
    assert.throws(() => previewImport(both, { environment: 'qa' }), {
      code: 4,
      kind: 'invalid-import-file',
      message: '"http-client.env.json" cannot be imported: it has no environment "qa"; expected one of its environments (dev, prod).',
    });
  });

  test("no secret appears in the preview's names, sources, properties or warnings", () => {
    for (const environment of ['dev', 'prod']) {
      const text = shownText(previewImport(both, { environment }));
      for (const secret of SECRETS) {
        assert.ok(!text.includes(secret), `${environment}: a secret is shown`);
      }
    }
  });

  test('an entry whose Type is not OAuth2 is listed as skipped; an unknown Client Credentials value falls back to basic with a note', () => {
    const text = JSON.stringify({
      local: {
        Security: {
          Auth: {
            a: { Type: 'Static', Token: 'x' },
            b: {
              Type: 'oauth2',
              'Grant Type': 'Client Credentials',
              'Token URL': 'https://h.example.com/t',
              'Client ID': 'c',
              'Client Secret': 's',
              'Client Credentials': 'header',
            },
          },
        },
      },
    });
    const preview = previewImport([{ name: 'http-client.env.json', text }]);
    assert.equal(skipped(preview, 'a').reason, 'Not imported: its "Type" is "Static", not "OAuth2".');
    const b = candidate(preview, 'b');
    assert.equal(b.config.credentialsInRequestBody, false);
    assert.deepEqual(b.warnings, ['"Client Credentials" is "header", not basic, in body or none: Basic is used.']);
  });
});
