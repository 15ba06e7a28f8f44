import * as assert from 'node:assert/strict';
import { DEFAULT_INVOKER } from '../../../src/shared/invoker';
import { previewImport } from '../../../src/shared/import/index';
import { candidate, fixture, rowName, shownText, skipped } from './helpers';

suite('import: Postman collection v2.1 with its environment', () => {
  const collection = fixture('postman', 'orders.postman_collection.json');
  const environment = fixture('postman', 'staging.postman_environment.json');

  test('oauth2 at collection, folder and request level each make a row; requests that inherit or use no auth make none', () => {
    const preview = previewImport([collection, environment]);
    assert.equal(preview.format, 'postman');
    assert.equal(preview.environment, 'Staging');
    assert.deepEqual(preview.rows.map(rowName), ['Orders API', 'Admin', 'Sign in as a person', 'Create order (skipped)']);
    assert.deepEqual(
      preview.rows.map((r) => r.source),
      ['Orders API', 'Orders API › Admin', 'Orders API › Admin › Sign in as a person', 'Orders API › Create order'],
    );
  });

  test('collection level: client credentials in the body; the environment wins over collection variables, a disabled variable does not', () => {
    const row = candidate(previewImport([collection, environment]), 'Orders API');
    assert.deepEqual(row.config, {
      ...DEFAULT_INVOKER,
      name: 'Orders API',
      authorizationServerUrl: 'https://auth.staging.example.com/oauth/token',
      grantType: 'client_credentials',
      credentialsInRequestBody: true,
      clientId: 'orders-staging',
      scope: 'orders:read',
      // audience is disabled in the environment: the collection's value applies; the disabled parameter is left out.
      extraParameters: [{ name: 'audience', value: 'https://api.example.com' }],
    });
    assert.deepEqual(row.secrets, { clientSecret: 'staging-client-s3cret' });
    assert.deepEqual(row.warnings, []);
  });

  test("folder level: password_credentials with a Basic header (Postman's default)", () => {
    const row = candidate(previewImport([environment, collection]), 'Admin');
    assert.equal(row.config.grantType, 'password');
    assert.equal(row.config.username, 'admin@example.com');
    assert.equal(row.config.credentialsInRequestBody, false);
    assert.deepEqual(row.secrets, { clientSecret: 'staging-client-s3cret', password: 'adm1n-p@ss' });
  });

  test("Authorization Code with PKCE: auth URL, scope, enabled authRequestParams; Postman's callback kept with a warning; Implicit listed with the reason", () => {
    const preview = previewImport([collection, environment]);
    const row = candidate(preview, 'Sign in as a person');
    assert.equal(row.config.grantType, 'authorization_code');
    assert.equal(row.config.authorizationEndpointUrl, 'https://auth.staging.example.com/authorize');
    assert.equal(row.config.authorizationServerUrl, 'https://auth.staging.example.com/oauth/token');
    assert.equal(row.config.redirectUri, 'https://oauth.pstmn.io/v1/callback');
    assert.equal(row.config.scope, 'openid orders:read');
    assert.deepEqual(row.config.authorizationParameters, [{ name: 'audience', value: 'https://orders.example.com' }]);
    assert.deepEqual(row.config.extraParameters, []);
    assert.deepEqual(row.warnings, [
      '"Redirect URI" is https://oauth.pstmn.io/v1/callback, which cannot reach VS Code by itself: after signing in, paste the address the browser lands on; or register a loopback redirect (http://127.0.0.1/callback, any port) at the server and clear "Redirect URI".',
    ]);
    assert.match(skipped(preview, 'Create order').reason, /^Not imported: the Implicit grant returns the token in a browser redirect/);
  });

  test('without the environment: collection variables only; secrets whose variables are undefined are not imported', () => {
    const row = candidate(previewImport([collection]), 'Orders API');
    assert.equal(row.config.authorizationServerUrl, 'https://collection-default.example.com/oauth/token');
    assert.equal(row.config.clientId, '{{clientId}}');
    assert.deepEqual(row.secrets, {});
    assert.ok(row.warnings.includes('"Client Secret" uses {{clientSecret}}, which no variable defines: it is not imported; enter it in the form.'));
  });

  test('no secret of the environment appears in what the preview shows', () => {
    const text = shownText(previewImport([collection, environment]));
    for (const secret of ['staging-client-s3cret', 'adm1n-p@ss']) {
      assert.ok(!text.includes(secret));
    }
  });

  test('an environment alone, or two collections, is an error naming the file', () => {
    assert.throws(() => previewImport([environment]), {
      kind: 'invalid-import-file',
      message: /^"staging\.postman_environment\.json" cannot be imported: it is a Postman environment alone; expected a Postman collection \(schema v2\.1\.0\)/,
    });
    assert.throws(() => previewImport([collection, { ...collection, name: 'second.json' }]), {
      message: '"second.json" cannot be imported: "orders.postman_collection.json" is one already; expected at most one Postman collection.',
    });
  });

  test('v2.0 collections (oauth2 attributes as an object) read the same way', () => {
    const text = JSON.stringify({
      info: { name: 'Old', schema: 'https://schema.getpostman.com/json/collection/v2.0.0/collection.json' },
      item: [],
      auth: {
        type: 'oauth2',
        oauth2: { grant_type: 'client_credentials', accessTokenUrl: 'https://old.example.com/token', clientId: 'id', clientSecret: 'sec' },
      },
    });
    const row = candidate(previewImport([{ name: 'old.json', text }]), 'Old');
    assert.equal(row.config.authorizationServerUrl, 'https://old.example.com/token');
    assert.deepEqual(row.secrets, { clientSecret: 'sec' });
  });
});
