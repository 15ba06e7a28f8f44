import * as assert from 'node:assert/strict';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { DEFAULT_INVOKER } from '../../../src/shared/invoker';
import { ImportFileError, ImportLimitError, previewImport, type ImportFile } from '../../../src/shared/import/index';
import { candidate, rowName, skipped } from './helpers';

/** `../shared/import-corpus` beside the repository's root: real exports people published (see its README). */
const CORPUS = resolve(__dirname, '..', '..', '..', '..', '..', 'shared', 'import-corpus', 'files', 'hoppscotch');

suite('import: Hoppscotch collections of the corpus', () => {
  test('the corpus folder is there, and every file in it is one this suite checks', () => {
    assert.ok(existsSync(CORPUS), `the import corpus is missing at ${CORPUS}`);
    assert.deepEqual(readdirSync(CORPUS), ['hoppscotch-cli-oauth2-auth-code-coll.json']);
  });

  test("Hoppscotch CLI's fixture (collection v3, requests v7): two requests of their own Authorization Code with PKCE; the collection's auth is none; saved tokens not read", () => {
    const name = 'hoppscotch-cli-oauth2-auth-code-coll.json';
    const preview = previewImport([{ name, text: readFileSync(join(CORPUS, name), 'utf8') }]);
    assert.equal(preview.format, 'hoppscotch');
    assert.deepEqual(preview.environments, []);
    assert.deepEqual(preview.rows.map(rowName), ['oauth2-auth-code-sample-req-pass-by-headers', 'oauth2-auth-code-sample-req-pass-by-query-params']);
    for (const request of ['oauth2-auth-code-sample-req-pass-by-headers', 'oauth2-auth-code-sample-req-pass-by-query-params']) {
      const row = candidate(preview, request);
      assert.equal(row.source, `OAuth2 Authorization Code Grant Type - Collection › ${request}`);
      assert.deepEqual(row.config, {
        ...DEFAULT_INVOKER,
        name: request,
        grantType: 'authorization_code',
        // The fixture's own placeholders, as written: not URLs, which the warnings say.
        authorizationServerUrl: 'test-token-endpont',
        authorizationEndpointUrl: 'test-authorization-endpoint',
        clientId: 'test-client-id',
        // Hoppscotch sends the client's credentials in the token request's body.
        credentialsInRequestBody: true,
      });
      assert.deepEqual(row.secrets, { clientSecret: 'test-client-secret' });
      assert.deepEqual(row.warnings, [
        '"Authorization Server URL" is not a valid URL: "test-token-endpont".',
        '"Authorization Endpoint URL" is not a valid URL: "test-authorization-endpoint".',
      ]);
    }
    assert.ok(!JSON.stringify(preview).includes('"test-token"'), 'the saved token is imported');
  });
});

/**
 * Shapes the corpus lacks, written from Hoppscotch's data schemas (packages/hoppscotch-data/src/rest/v/*: v1's flat
 * oauth-2 fields, v3's grantTypeInfo, clientAuthentication, v15's token and auth request parameters with `sendIn`)
 * and its environment export (`{ name, variables: [{ key, initialValue | value, secret }] }`, one or an array).
 */
suite('import: Hoppscotch shapes written from its data schemas', () => {
  const collection = {
    v: 6,
    name: 'Shop',
    variables: [{ key: 'audience', initialValue: 'https://api.shop.example', currentValue: '', secret: false }],
    auth: {
      authType: 'oauth-2',
      authActive: true,
      addTo: 'HEADERS',
      grantTypeInfo: {
        grantType: 'CLIENT_CREDENTIALS',
        authEndpoint: '<<authHost>>/oauth/token',
        clientID: '<<clientId>>',
        clientSecret: '<<clientSecret>>',
        scopes: 'orders:read',
        clientAuthentication: 'AS_BASIC_AUTH_HEADERS',
        token: 'SAVED-ACCESS-TOKEN-1',
        tokenRequestParams: [
          { id: 1, key: 'audience', value: '<<audience>>', active: true, sendIn: 'body' },
          { id: 2, key: 'x-tenant', value: 'shop', active: true, sendIn: 'headers' },
          { id: 3, key: 'off', value: 'x', active: false, sendIn: 'body' },
        ],
        refreshRequestParams: [],
      },
    },
    headers: [],
    folders: [
      {
        v: 6,
        name: 'Staff',
        auth: {
          authType: 'oauth-2',
          authActive: true,
          grantTypeInfo: {
            grantType: 'PASSWORD',
            authEndpoint: '<<authHost>>/oauth/token',
            clientID: 'staff-app',
            clientSecret: '',
            username: 'clerk@shop.example',
            password: '<<staffPassword>>',
            scopes: '',
            clientAuthentication: 'IN_BODY',
            token: 'SAVED-ACCESS-TOKEN-2',
          },
        },
        folders: [],
        requests: [
          { v: '7', name: 'List staff', endpoint: 'https://api.shop.example/staff', method: 'GET', auth: { authType: 'inherit', authActive: true } },
          {
            v: '7',
            name: 'Disabled',
            endpoint: 'https://api.shop.example/x',
            method: 'GET',
            auth: {
              authType: 'oauth-2',
              authActive: false,
              grantTypeInfo: { grantType: 'CLIENT_CREDENTIALS', authEndpoint: 'https://x.example/t', clientID: 'x' },
            },
          },
        ],
      },
      {
        v: 6,
        name: 'Old',
        auth: { authType: 'inherit', authActive: true },
        folders: [],
        requests: [
          {
            v: '1',
            name: 'Profile',
            endpoint: 'https://api.shop.example/me',
            method: 'GET',
            auth: {
              authType: 'oauth-2',
              authActive: true,
              token: 'SAVED-ACCESS-TOKEN-3',
              oidcDiscoveryURL: 'https://login.shop.example/.well-known/openid-configuration',
              authURL: 'https://login.shop.example/authorize',
              accessTokenURL: 'https://login.shop.example/token',
              clientID: 'web',
              scope: 'openid profile',
            },
          },
          {
            v: '11',
            name: 'Sign in',
            endpoint: 'https://api.shop.example/me',
            method: 'GET',
            requestVariables: [{ key: 'loginHost', value: 'https://login.shop.example', active: true }],
            auth: {
              authType: 'oauth-2',
              authActive: true,
              grantTypeInfo: {
                grantType: 'AUTHORIZATION_CODE',
                authEndpoint: '<<loginHost>>/authorize',
                tokenEndpoint: '<<loginHost>>/token',
                clientID: 'web',
                clientSecret: '',
                scopes: 'openid',
                isPKCE: true,
                codeVerifierMethod: 'plain',
                token: 'SAVED-ACCESS-TOKEN-4',
                refreshToken: 'SAVED-REFRESH-TOKEN',
                authRequestParams: [{ id: 1, key: 'prompt', value: 'login', active: true }],
                tokenRequestParams: [],
                refreshRequestParams: [{ id: 1, key: 'r', value: 'x', active: true, sendIn: 'body' }],
              },
            },
          },
          {
            v: '11',
            name: 'Implicit',
            endpoint: 'https://api.shop.example/me',
            method: 'GET',
            auth: {
              authType: 'oauth-2',
              authActive: true,
              grantTypeInfo: { grantType: 'IMPLICIT', authEndpoint: 'https://login.shop.example/authorize', clientID: 'web' },
            },
          },
        ],
      },
    ],
    requests: [],
  };
  const environments = [
    { name: 'Local', variables: [{ key: 'authHost', value: 'http://127.0.0.1:8080' }] },
    {
      v: 1,
      id: 'e2',
      name: 'Staging',
      variables: [
        { key: 'authHost', initialValue: 'https://auth.staging.shop.example', currentValue: '', secret: false },
        { key: 'clientId', initialValue: 'shop-staging', currentValue: '', secret: false },
        { key: 'clientSecret', initialValue: '', currentValue: '', secret: true },
        { key: 'staffPassword', initialValue: 'st4ff-pass', currentValue: '', secret: false },
      ],
    },
  ];
  const files = (): ImportFile[] => [
    { name: 'shop.json', text: JSON.stringify(collection) },
    { name: 'environments.json', text: JSON.stringify(environments) },
  ];

  test('collection, folder and request auth each make a row; inherit and authActive: false make none; implicit listed and refused', () => {
    const preview = previewImport(files(), { environment: 'Staging' });
    assert.equal(preview.environment, 'Staging');
    assert.deepEqual(preview.environments, ['Local', 'Staging']);
    assert.deepEqual(preview.rows.map(rowName), ['Shop', 'Staff', 'Profile', 'Sign in', 'Implicit (skipped)']);
    assert.deepEqual(
      preview.rows.map((r) => r.source),
      ['Shop', 'Shop › Staff', 'Shop › Old › Profile', 'Shop › Old › Sign in', 'Shop › Old › Implicit'],
    );
    assert.match(skipped(preview, 'Implicit').reason, /^Not imported: the Implicit grant/);
  });

  test('client credentials: the token URL from authEndpoint, <<variables>> from the environment and the collection, Basic header, parameters by where they go', () => {
    const row = candidate(previewImport(files(), { environment: 'Staging' }), 'Shop');
    assert.deepEqual(row.config, {
      ...DEFAULT_INVOKER,
      name: 'Shop',
      grantType: 'client_credentials',
      authorizationServerUrl: 'https://auth.staging.shop.example/oauth/token',
      clientId: 'shop-staging',
      scope: 'orders:read',
      extraParameters: [
        { name: 'audience', value: 'https://api.shop.example' },
        { name: 'x-tenant', value: 'shop' },
      ],
    });
    assert.deepEqual(row.secrets, {});
    assert.deepEqual(row.warnings, [
      'The token request parameter "x-tenant" is sent in the headers by Hoppscotch; the invoker sends it in the body.',
      '"<<clientSecret>>" is a secret variable: Hoppscotch exports it without its value; enter the value in the form.',
      '"Client Secret" uses <<clientSecret>>, which no variable defines: it is not imported; enter it in the form.',
      '"Client Secret" is required for the Client Credentials grant.',
    ]);
  });

  test('password: IN_BODY, the password from the environment; the other environment changes the token URL', () => {
    const staging = candidate(previewImport(files(), { environment: 'Staging' }), 'Staff');
    assert.equal(staging.config.grantType, 'password');
    assert.equal(staging.config.authorizationServerUrl, 'https://auth.staging.shop.example/oauth/token');
    assert.equal(staging.config.credentialsInRequestBody, true);
    assert.equal(staging.config.username, 'clerk@shop.example');
    assert.deepEqual(staging.secrets, { password: 'st4ff-pass' });
    const local = candidate(previewImport(files(), { environment: 'Local' }), 'Staff');
    assert.equal(local.config.authorizationServerUrl, 'http://127.0.0.1:8080/oauth/token');
    assert.deepEqual(local.secrets, {});
  });

  test("v1's flat oauth-2 fields: Authorization Code with the Issuer from oidcDiscoveryURL; v11's grantTypeInfo with request variables, PKCE plain, auth request parameters", () => {
    const preview = previewImport(files(), { environment: 'Staging' });
    const old = candidate(preview, 'Profile');
    assert.deepEqual(old.config, {
      ...DEFAULT_INVOKER,
      name: 'Profile',
      grantType: 'authorization_code',
      authorizationServerUrl: 'https://login.shop.example/token',
      authorizationEndpointUrl: 'https://login.shop.example/authorize',
      issuer: 'https://login.shop.example',
      clientId: 'web',
      scope: 'openid profile',
      credentialsInRequestBody: true,
    });
    const signIn = candidate(preview, 'Sign in');
    assert.equal(signIn.config.authorizationEndpointUrl, 'https://login.shop.example/authorize');
    assert.equal(signIn.config.authorizationServerUrl, 'https://login.shop.example/token');
    assert.deepEqual(signIn.config.authorizationParameters, [{ name: 'prompt', value: 'login' }]);
    assert.deepEqual(signIn.secrets, {});
    assert.ok(signIn.warnings.includes('The refresh request parameters are not imported: the invoker sends the token request parameters when it refreshes.'));
    assert.ok(signIn.warnings.some((w) => w.startsWith('PKCE was set to "plain"')));
  });

  test('saved tokens are never imported, shown or stored', () => {
    const text = JSON.stringify(previewImport(files(), { environment: 'Staging' }));
    for (const token of ['SAVED-ACCESS-TOKEN', 'SAVED-REFRESH-TOKEN']) {
      assert.ok(!text.includes(token), token);
    }
  });

  test('an array of collections is read whole; without an environment file the first environment is none and variables stay unresolved', () => {
    const second = { v: 6, name: 'Other', folders: [], requests: [], auth: { ...collection.auth } };
    const preview = previewImport([{ name: 'all.json', text: JSON.stringify([collection, second]) }]);
    assert.equal(preview.environment, undefined);
    assert.deepEqual(preview.rows.map(rowName), ['Shop', 'Staff', 'Profile', 'Sign in', 'Implicit (skipped)', 'Other']);
    assert.equal(candidate(preview, 'Other').config.authorizationServerUrl, '{{authHost}}/oauth/token');
  });

  test('client authentication: v10 called it "sendAs"; before either, Hoppscotch sent the client in the body', () => {
    const request = (name: string, extra: Record<string, unknown>): Record<string, unknown> => ({
      v: '10',
      name,
      endpoint: 'https://api.example.com',
      method: 'GET',
      auth: {
        authType: 'oauth-2',
        authActive: true,
        grantTypeInfo: { grantType: 'CLIENT_CREDENTIALS', authEndpoint: 'https://auth.example.com/token', clientID: 'c', clientSecret: 's', ...extra },
      },
    });
    const versions = { v: 2, name: 'Versions', folders: [], requests: [request('sendAs', { sendAs: 'AS_BASIC_AUTH_HEADERS' }), request('v3', {})] };
    const preview = previewImport([{ name: 'versions.json', text: JSON.stringify(versions) }]);
    assert.equal(candidate(preview, 'sendAs').config.credentialsInRequestBody, false);
    assert.equal(candidate(preview, 'v3').config.credentialsInRequestBody, true);
    assert.deepEqual(candidate(preview, 'v3').secrets, { clientSecret: 's' });
  });

  test('an environment alone is refused, naming the file; folders nested past the limit are refused', () => {
    assert.throws(
      () => previewImport([{ name: 'environments.json', text: JSON.stringify(environments) }]),
      (error: unknown) => error instanceof ImportFileError && error.file === 'environments.json' && /a Hoppscotch environment alone/.test(error.message),
    );
    let deep: Record<string, unknown> = { name: 'leaf', folders: [], requests: [] };
    for (let i = 0; i < 120; i += 1) {
      deep = { name: `f${i}`, folders: [deep], requests: [] };
    }
    assert.throws(
      () => previewImport([{ name: 'deep.json', text: JSON.stringify(deep) }], { clock: () => 0 }),
      (error: unknown) => error instanceof ImportLimitError && error.limit === 'folder-depth' && error.file === 'deep.json',
    );
  });
});
