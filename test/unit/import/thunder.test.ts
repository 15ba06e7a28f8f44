import * as assert from 'node:assert/strict';
import { DEFAULT_INVOKER } from '../../../src/shared/invoker';
import { ImportFileError, ImportLimitError, previewImport } from '../../../src/shared/import/index';
import { candidate, fixture, rowName, shownText, skipped } from './helpers';

// The import corpus (../shared/import-corpus) holds no Thunder Client file with OAuth 2.0, and the extension is closed
// source. The OAuth 2 block's field names (grantType authorization_code / client_credentials / password, authUrl,
// tokenUrl, callbackUrl, clientId, clientSecret, scope, state, username, password, clientAuth in-header / in-body, and the
// accessToken it saves) were checked against what Thunder Client 1.9.1's own form writes (its published bundle); the
// rest of these fixtures is written from Thunder Client's documented format (github.com/thunderclient/thunder-client-support:
// the thunder-tests/ and .thunder-client/ layouts, "auth" on a collection's "settings", a folder's "settings" in the
// collection's "folders", or a request; the OAuth 2 tab's Grant Type, Send Auth, Audience and Token Prefix), not exported
// by Thunder Client itself.
suite('import: Thunder Client (fixtures written from its documented format)', () => {
  const requests = fixture('thunder', 'thunder-tests', 'thunderclient.json');
  const collections = fixture('thunder', 'thunder-tests', 'thunderCollection.json');
  const environments = fixture('thunder', 'thunder-tests', 'thunderEnvironment.json');
  const splitCollection = fixture('thunder', '.thunder-client', 'collections', 'payments.json');
  const splitEnvironment = fixture('thunder', '.thunder-client', 'environments', 'payments-env.json');

  test('thunder-tests layout: one row per auth block in effect (collection, folder, request); inherit and bearer make none', () => {
    const preview = previewImport([requests, collections, environments]);
    assert.equal(preview.format, 'thunder');
    assert.deepEqual(preview.environments, ['Local', 'Staging']);
    // Staging is marked "default": true.
    assert.equal(preview.environment, 'Staging');
    assert.deepEqual(preview.rows.map(rowName), ['Orders API', 'Admin', 'Sign in as a person', 'Legacy widget (skipped)']);
    assert.deepEqual(
      preview.rows.map((r) => r.source),
      ['Orders API', 'Orders API › Admin', 'Orders API › Admin › Reports › Sign in as a person', 'Orders API › Legacy widget'],
    );
  });

  test('collection auth: client credentials with Send Auth in the body and the Audience as a token request parameter', () => {
    const row = candidate(previewImport([collections, requests, environments]), 'Orders API');
    assert.deepEqual(row.config, {
      ...DEFAULT_INVOKER,
      name: 'Orders API',
      authorizationServerUrl: 'https://auth.staging.example.com/oauth/token',
      grantType: 'client_credentials',
      credentialsInRequestBody: true,
      clientId: 'orders-staging',
      scope: 'orders:read',
      extraParameters: [{ name: 'audience', value: 'https://api.example.com/orders' }],
    });
    assert.deepEqual(row.secrets, { clientSecret: 'staging-client-s3cret' });
    assert.deepEqual(row.warnings, []);
  });

  test('folder auth: password grant with Send Auth as a Basic header; username, password and secret from the environment', () => {
    const row = candidate(previewImport([requests, collections, environments]), 'Admin');
    assert.equal(row.config.grantType, 'password');
    assert.equal(row.config.credentialsInRequestBody, false);
    assert.equal(row.config.clientId, 'orders-admin');
    assert.equal(row.config.username, 'ann');
    assert.equal(row.config.scope, 'orders:admin');
    assert.deepEqual(row.secrets, { clientSecret: 'staging-admin-s3cret', password: 'ann-passw0rd' });
    assert.deepEqual(row.warnings, []);
  });

  test('request auth: authorization code with PKCE; the Audience goes to both requests; a Token Prefix other than Bearer is noted', () => {
    const row = candidate(previewImport([requests, collections, environments]), 'Sign in as a person');
    assert.deepEqual(row.config, {
      ...DEFAULT_INVOKER,
      name: 'Sign in as a person',
      authorizationServerUrl: 'https://auth.staging.example.com/oauth/token',
      grantType: 'authorization_code',
      clientId: 'orders-web',
      scope: 'openid orders:read',
      authorizationEndpointUrl: 'https://auth.staging.example.com/authorize',
      redirectUri: 'http://localhost:6789/callback',
      extraParameters: [{ name: 'audience', value: 'https://api.example.com/orders' }],
      authorizationParameters: [{ name: 'audience', value: 'https://api.example.com/orders' }],
    });
    assert.deepEqual(row.secrets, {});
    assert.deepEqual(row.warnings, ['"Token Prefix" is "Token": the invoker gets the token, and whatever sends it with a request chooses the prefix.']);
  });

  test('implicit is listed and refused', () => {
    assert.match(skipped(previewImport([requests, collections, environments]), 'Legacy widget').reason, /Implicit grant/);
  });

  test('the environment chosen changes the values; secrets never appear in what the preview shows', () => {
    const preview = previewImport([requests, collections, environments], { environment: 'Local' });
    assert.equal(preview.environment, 'Local');
    const row = candidate(preview, 'Orders API');
    assert.equal(row.config.authorizationServerUrl, 'http://127.0.0.1:8080/oauth/token');
    assert.equal(row.config.clientId, 'orders-local');
    assert.deepEqual(row.secrets, { clientSecret: 'local-client-s3cret' });
    const shown = shownText(previewImport([requests, collections, environments]));
    for (const secret of ['staging-client-s3cret', 'staging-admin-s3cret', 'ann-passw0rd']) {
      assert.ok(!shown.includes(secret), secret);
    }
    assert.throws(() => previewImport([requests, collections, environments], { environment: 'Prod' }), /no environment "Prod"/);
  });

  test('requests without their collection file still make rows, with the collection named as missing', () => {
    const preview = previewImport([requests, environments]);
    assert.deepEqual(preview.rows.map(rowName), ['Sign in as a person', 'Legacy widget (skipped)']);
    assert.equal(preview.rows[0].source, '(collection not chosen) › Sign in as a person');
  });

  test('split layout (.thunder-client/collections/*.json, environments/*.json): requests inside the collection, a folder that inherits', () => {
    const preview = previewImport([splitCollection, splitEnvironment]);
    assert.equal(preview.format, 'thunder');
    assert.equal(preview.environment, 'Payments Sandbox');
    assert.deepEqual(preview.rows.map(rowName), ['Create refund']);
    const row = candidate(preview, 'Create refund');
    assert.equal(row.source, 'Payments › Refunds › Create refund');
    assert.equal(row.config.grantType, 'authorization_code');
    assert.equal(row.config.authorizationServerUrl, 'https://login.sandbox.example.com/oauth2/token');
    assert.equal(row.config.authorizationEndpointUrl, 'https://login.sandbox.example.com/oauth2/authorize');
    assert.equal(row.config.clientId, 'payments-console');
    assert.equal(row.config.credentialsInRequestBody, false);
    assert.deepEqual(row.secrets, {});
    assert.deepEqual(row.warnings, [
      'PKCE was off: the invoker always sends a PKCE challenge (S256); a server that does not know PKCE ignores it (RFC 7636 §5).',
      '"Redirect URI" is https://www.thunderclient.com/oauth/callback, which cannot reach VS Code by itself: after signing in, paste the address the browser lands on; or register a loopback redirect (http://127.0.0.1/callback, any port) at the server and clear "Redirect URI".',
      '"Client Secret" uses {{consoleSecret}}, which no variable defines: it is not imported; enter it in the form.',
    ]);
  });

  test('a Thunder environment file is not taken for a JetBrains one, though its name ends in env.json', () => {
    assert.throws(
      () => previewImport([splitEnvironment]),
      (error: unknown) => error instanceof ImportFileError && /payments-env\.json.*Thunder Client environment alone/.test(error.message),
    );
    assert.throws(() => previewImport([environments]), /Thunder Client environment alone/);
    assert.throws(() => previewImport([splitCollection, fixture('jetbrains', 'http-client.env.json')]), /not from the same tool/);
  });

  test('folders whose containerId makes a loop are refused with the file and the limit named', () => {
    const looping = JSON.stringify([
      {
        _id: 'c',
        colName: 'Loop',
        folders: [
          { _id: 'f1', name: 'One', containerId: 'f2', settings: { auth: { type: 'oauth2', oauth2: { grantType: 'client_credentials' } } } },
          { _id: 'f2', name: 'Two', containerId: 'f1' },
        ],
      },
    ]);
    assert.throws(
      () => previewImport([{ name: 'thunderCollection.json', text: looping }]),
      (error: unknown) => error instanceof ImportLimitError && error.limit === 'folder-depth' && error.message.includes('thunderCollection.json'),
    );
  });

  test('bounded: an environment variable that uses itself, too many configurations, and a deadline run past are refused, naming the file', () => {
    const request = (n: number, url: string) => ({
      _id: `r${n}`,
      colId: 'c',
      name: 'Token',
      url: '/',
      auth: { type: 'oauth2', oauth2: { grantType: 'client_credentials', tokenUrl: url } },
    });
    const requestsOf = (list: unknown[]) => ({ name: 'thunderclient.json', text: JSON.stringify(list) });
    const environment = {
      name: 'thunderEnvironment.json',
      text: JSON.stringify([{ _id: 'e', name: 'E', data: [{ name: 'a1', value: '{{a1}}' }] }]),
    };
    assert.throws(
      () => previewImport([requestsOf([request(0, '{{a1}}')]), environment]),
      (error: unknown) => error instanceof ImportLimitError && error.limit === 'variable-cycle' && error.message.startsWith('"thunderEnvironment.json"'),
    );
    const many = requestsOf(Array.from({ length: 2_001 }, (_, n) => request(n, 'https://a.example/token')));
    assert.throws(
      () => previewImport([many]),
      (error: unknown) => error instanceof ImportLimitError && error.limit === 'configurations' && error.message.includes('thunderclient.json'),
    );
    let now = 0;
    assert.throws(
      () => previewImport([requestsOf([request(0, 'https://a.example/token'), request(1, 'https://a.example/token')])], { clock: () => (now += 600) }),
      (error: unknown) => error instanceof ImportLimitError && error.limit === 'time' && error.message.includes('thunderclient.json'),
    );
  });

  test('an OAuth 2 block exactly as Thunder Client 1.9.1 writes it, saved token included: the token is not imported', () => {
    const saved = 'eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiJ0aHVuZGVyIn0.c2F2ZWQtdG9rZW4';
    const collection = {
      name: 'thunderCollection.json',
      text: JSON.stringify([
        {
          _id: 'c1',
          colName: 'Saved',
          folders: [],
          settings: {
            auth: {
              type: 'oauth2',
              oauth2: {
                accessToken: saved,
                grantType: 'client_credentials',
                callbackUrl: '',
                authUrl: '',
                tokenUrl: 'https://auth.example.com/token',
                clientId: 'saved-client',
                clientSecret: 'saved-s3cret',
                scope: 'read',
                state: '',
                username: '',
                password: '',
                clientAuth: 'in-body',
              },
            },
          },
        },
      ]),
    };
    const preview = previewImport([collection]);
    const row = candidate(preview, 'Saved');
    assert.equal(row.config.authorizationServerUrl, 'https://auth.example.com/token');
    assert.equal(row.config.credentialsInRequestBody, true);
    assert.deepEqual(row.secrets, { clientSecret: 'saved-s3cret' });
    assert.ok(!JSON.stringify(preview).includes(saved), 'the saved access token is nowhere in the preview');
  });
});
