import * as assert from 'node:assert/strict';
import { join } from 'node:path';
import * as fc from 'fast-check';
import { stringify as stringifyYaml } from 'yaml';
import { GRANT_TYPES } from '../../../src/shared/properties';
import { ImportFileError, ImportLimitError, previewImport, type ImportFile, type ImportPreview } from '../../../src/shared/import/index';
import { BRUNO_CORPUS, brunoCollections, folderFiles } from './brunoCorpus';
import { candidate, rowName, shownText, skipped } from './helpers';

/** What a row of the preview must show: every field the collection's files set, and the warnings that must be there. */
interface ExpectedRow {
  readonly name: string;
  readonly source: string;
  readonly grant: string;
  readonly tokenUrl: string;
  readonly clientId: string;
  readonly scope: string;
  readonly inBody: boolean;
  readonly secrets: Record<string, string>;
  readonly authorizationEndpoint?: string;
  readonly redirectUri?: string;
  readonly username?: string;
  /** Parts of warnings the row must have; an empty list: no warning at all. */
  readonly warnings: readonly string[];
}

interface ExpectedCollection {
  readonly environments: readonly string[];
  readonly environment?: string;
  readonly rows: readonly ExpectedRow[];
}

const SECRET_NOTE = 'is a secret variable of the environment';

/**
 * Each collection of the corpus with the rows its files say, read file by file (see the corpus README for where
 * each comes from). A collection added to the corpus fails the suite until it is described here.
 */
const EXPECTED: Readonly<Record<string, ExpectedCollection>> = {
  // Bruno's own OAuth 2.0 test collection: collection auth none, one block per token request, hosts in environments.
  'bruno-testbench-oauth2': {
    environments: ['Local', 'Prod'],
    environment: 'Local',
    rows: [
      {
        name: 'github token with authorize',
        source: 'auth/oauth2/authorization_code/github token with authorize.bru',
        grant: 'authorization_code',
        tokenUrl: 'https://github.com/login/oauth/access_token',
        authorizationEndpoint: 'https://github.com/login/oauth/authorize',
        redirectUri: 'http://localhost:8080/api/auth/oauth2/authorization_code/callback',
        // The client id is a secret variable: no value in the folder.
        clientId: '{{authorization_code_github_client_id}}',
        scope: 'repo,gist',
        inBody: true,
        secrets: {},
        warnings: [
          `{{authorization_code_github_client_id}} ${SECRET_NOTE} "Local"`,
          `{{authorization_code_github_client_secret}} ${SECRET_NOTE}`,
          'PKCE was off',
        ],
      },
      {
        name: 'google token with authorize',
        source: 'auth/oauth2/authorization_code/google token with authorize.bru',
        grant: 'authorization_code',
        tokenUrl: 'https://accounts.google.com/o/oauth2/token',
        authorizationEndpoint: 'https://accounts.google.com/o/oauth2/auth',
        redirectUri: 'http://localhost:8080/api/auth/oauth2/authorization_code/callback',
        clientId: '{{authorization_code_google_client_id}}',
        scope: 'https://www.googleapis.com/auth/userinfo.email',
        inBody: true,
        secrets: {},
        warnings: [`{{authorization_code_google_client_secret}} ${SECRET_NOTE}`, 'PKCE was off'],
      },
      {
        name: 'token with authorize',
        source: 'auth/oauth2/authorization_code/token with authorize.bru',
        grant: 'authorization_code',
        tokenUrl: 'http://localhost:8080/api/auth/oauth2/authorization_code/token',
        authorizationEndpoint: 'http://localhost:8080/api/auth/oauth2/authorization_code/authorize',
        redirectUri: 'http://localhost:8080/api/auth/oauth2/authorization_code/callback',
        clientId: 'client_id_1',
        scope: '',
        inBody: true,
        secrets: { clientSecret: 'client_secret_1' },
        warnings: [],
      },
      {
        name: 'token',
        source: 'auth/oauth2/client_credentials/token.bru',
        grant: 'client_credentials',
        tokenUrl: 'http://localhost:8080/api/auth/oauth2/client_credentials/token',
        clientId: 'client_id_1',
        scope: 'admin',
        inBody: true,
        secrets: { clientSecret: 'client_secret_1' },
        warnings: [],
      },
      {
        // An older password block: no client_id, no credentials_placement (body).
        name: 'token 2',
        source: 'auth/oauth2/password_credentials/token.bru',
        grant: 'password',
        tokenUrl: 'http://localhost:8080/api/auth/oauth2/password_credentials/token',
        clientId: '',
        scope: '',
        username: 'foo',
        inBody: true,
        secrets: { password: 'bar' },
        warnings: [],
      },
    ],
  },
  'cupra-weconnect': {
    environments: [],
    rows: [
      {
        name: 'Cupra WeConnect',
        source: 'collection.bru',
        grant: 'authorization_code',
        tokenUrl: 'https://identity.vwgroup.io/oidc/v1/token',
        authorizationEndpoint: 'https://identity.vwgroup.io/oidc/v1/authorize',
        redirectUri: 'cupra://oauth-callback',
        clientId: '3c756d46-f1ba-4d78-9f9a-cff0d5292d51@apps_vw-dilab_com',
        scope: 'openid profile nickname birthdate phone cars badge dealers',
        inBody: false,
        secrets: { clientSecret: 'eb8814e641c81a2640ad62eeccec11c98effc9bccd4269ab7af338b50a94b3a2' },
        warnings: ['PKCE was off', '"Redirect URI" must be'],
      },
    ],
  },
  // Folders and the request inherit the collection's block: one row; the hand-made token request is no row.
  'defra-waste-tracking': {
    environments: ['5) ext-test-environment public URL'],
    environment: '5) ext-test-environment public URL',
    rows: [
      {
        name: 'Digital Waste Tracking External API',
        source: 'collection.bru',
        grant: 'client_credentials',
        tokenUrl: 'https://waste-movement-external-api-8ec5c.auth.eu-west-2.amazoncognito.com/oauth2/token',
        clientId: '{{clientId}}',
        scope: '',
        inBody: false,
        secrets: {},
        warnings: [`{{clientId}} ${SECRET_NOTE}`, `{{clientSecret}} ${SECRET_NOTE}`, '"Client Secret" is required'],
      },
    ],
  },
  'familysearch-dpc-batch': {
    environments: ['Beta', 'Integration', 'Localhost', 'Production'],
    environment: 'Beta',
    rows: [
      {
        name: 'DPC Batch Management Service',
        source: 'collection.bru',
        grant: 'authorization_code',
        tokenUrl: 'https://beta.familysearch.org/service/ident/cis/cis-web/oauth2/v3/token',
        authorizationEndpoint: 'https://beta.familysearch.org/service/ident/cis/cis-web/oauth2/v3/authorization',
        redirectUri: 'https://localhost:8999/',
        clientId: 'fs-internal-dev-key-000136',
        scope: '',
        inBody: true,
        secrets: {},
        warnings: ['cannot reach VS Code by itself'],
      },
    ],
  },
  // The collection's block, and a request's own block; the inheriting request and the {{$oauth2.…}} bearer are no rows.
  'keycloak-password-credentials': {
    environments: ['oauth2'],
    environment: 'oauth2',
    rows: [
      {
        name: 'keycloak-password-credentials',
        source: 'collection.bru',
        grant: 'password',
        tokenUrl: 'http://localhost:8080/realms/bruno/protocol/openid-connect/token',
        clientId: 'account',
        scope: 'openid',
        username: 'bruno',
        inBody: true,
        secrets: { password: 'bruno' },
        warnings: [`{{client_secret}} ${SECRET_NOTE} "oauth2"`],
      },
      {
        name: 'user_info_request-auth',
        source: 'user_info_request-auth.bru',
        grant: 'password',
        tokenUrl: 'http://localhost:8080/realms/bruno/protocol/openid-connect/token',
        clientId: 'account',
        scope: 'openid',
        username: 'admin',
        inBody: true,
        secrets: { password: 'admin' },
        warnings: [`{{client_secret}} ${SECRET_NOTE} "oauth2"`],
      },
    ],
  },
  // `key:` with nothing after the colon, docs with braces and Markdown; the refresh request (a form body) is no row.
  'messpunkt-sandbox': {
    environments: [],
    rows: [
      {
        name: 'api-messpunkt-sandbox',
        source: 'collection.bru',
        grant: 'authorization_code',
        tokenUrl: 'https://auth.sandbox.messpunkt.io/oauth/token',
        authorizationEndpoint: 'https://auth.sandbox.messpunkt.io/oauth/authorize',
        redirectUri: 'http://localhost:3000/callback',
        clientId: 'sandbox-demo-client',
        scope: 'read:units read:devices read:readings',
        inBody: true,
        secrets: {},
        warnings: [],
      },
    ],
  },
  // A block with every field empty: an incomplete row, not dropped.
  'oid4vc-flow': {
    environments: [],
    rows: [
      {
        name: 'OID4VC flow',
        source: 'collection.bru',
        grant: 'authorization_code',
        tokenUrl: '',
        authorizationEndpoint: '',
        redirectUri: '',
        clientId: '',
        scope: '',
        inBody: true,
        secrets: {},
        warnings: ['"Authorization Server URL" is required', '"Client ID" is required', '"Authorization Endpoint URL" is required'],
      },
    ],
  },
  // Environments in {{process.env.…}} with only a .env.example; the hand-made authorization_code token request is no row.
  rightbrain: {
    environments: ['Dynamic', 'Production'],
    environment: 'Dynamic',
    rows: [
      {
        name: 'Rightbrain',
        source: 'collection.bru',
        grant: 'client_credentials',
        tokenUrl: '{{process.env.RB_OAUTH2_URL}}{{process.env.RB_OAUTH2_TOKEN_PATH}}',
        clientId: '{{process.env.RB_CLIENT_ID}}',
        scope: '',
        inBody: false,
        secrets: {},
        warnings: [`{{client_secret}} ${SECRET_NOTE} "Dynamic"`, "the collection's .env file, which the folder does not have (a .env.example is not read)"],
      },
    ],
  },
  // A .bru collection (bruno.json) with an OpenCollection nested in a subfolder, which Bruno does not read as part of it.
  stackit: {
    environments: [],
    rows: [
      {
        name: 'STACKIT APIs',
        source: 'collection.bru',
        grant: 'authorization_code',
        tokenUrl: 'https://accounts.stackit.cloud/oauth/v2/token',
        authorizationEndpoint: 'https://accounts.stackit.cloud/oauth/v2/authorize',
        redirectUri: 'http://localhost:8000',
        clientId: 'stackit-cli-0000-0000-000000000001',
        scope: 'openid offline_access email',
        inBody: false,
        secrets: {},
        warnings: [],
      },
    ],
  },
  // OpenCollection YAML: the same request name in two folders; the exercise lacks its credentials.
  'workshop-opencollection': {
    environments: ['Workshop', 'Workshop-Alt'],
    environment: 'Workshop',
    rows: [
      {
        name: 'Get Token - OAuth2',
        source: '03-Authentication/Get Token - OAuth2.yml',
        grant: 'client_credentials',
        tokenUrl: 'https://www.httpfaker.org/api/auth/oauth2/client-credentials/token',
        clientId: '',
        scope: 'user:read',
        inBody: true,
        secrets: {},
        warnings: ['"Client ID" is required', '"Client Secret" is required'],
      },
      {
        name: 'Get Token - OAuth2 2',
        source: '03-Authentication/Solution/Get Token - OAuth2.yml',
        grant: 'client_credentials',
        tokenUrl: 'https://www.httpfaker.org/api/auth/oauth2/client-credentials/token',
        clientId: 'demo-client-id',
        scope: 'user:read',
        inBody: true,
        secrets: { clientSecret: 'demo-client-secret' },
        warnings: [],
      },
    ],
  },
  'youtube-video-stats': {
    environments: ['youtube'],
    environment: 'youtube',
    rows: [
      {
        name: 'Videos OAuth2',
        source: 'collection.bru',
        grant: 'authorization_code',
        tokenUrl: 'https://oauth2.googleapis.com/token',
        authorizationEndpoint: 'https://accounts.google.com/o/oauth2/v2/auth',
        redirectUri: 'http://127.0.0.1/:3000',
        clientId: '369049938830-q1sutr8v4v49ghd5gdgop487740vqjb3.apps.googleusercontent.com',
        scope: 'https://www.googleapis.com/auth/youtube.readonly',
        inBody: false,
        secrets: {},
        warnings: [`{{clientSecret}} ${SECRET_NOTE} "youtube"`, 'Additional parameters sent as headers are not imported: "access_type".'],
      },
    ],
  },
};

function assertRows(preview: ImportPreview, expected: ExpectedCollection): void {
  assert.equal(preview.format, 'bruno');
  assert.deepEqual(preview.environments, expected.environments);
  assert.equal(preview.environment, expected.environment);
  assert.deepEqual(
    preview.rows.map(rowName),
    expected.rows.map((row) => row.name),
  );
  for (const want of expected.rows) {
    const row = candidate(preview, want.name);
    assert.equal(row.source, want.source, want.name);
    assert.equal(row.config.grantType, want.grant, want.name);
    assert.equal(row.config.authorizationServerUrl, want.tokenUrl, want.name);
    assert.equal(row.config.clientId, want.clientId, want.name);
    assert.equal(row.config.scope, want.scope, want.name);
    assert.equal(row.config.credentialsInRequestBody, want.inBody, want.name);
    assert.equal(row.config.authorizationEndpointUrl, want.authorizationEndpoint ?? '', want.name);
    assert.equal(row.config.redirectUri, want.redirectUri ?? '', want.name);
    assert.equal(row.config.username, want.username ?? '', want.name);
    assert.deepEqual(row.secrets, want.secrets, want.name);
    if (want.warnings.length === 0) {
      assert.deepEqual(row.warnings, [], want.name);
    }
    for (const part of want.warnings) {
      assert.ok(
        row.warnings.some((warning) => warning.includes(part)),
        `${want.name}: no warning with ${part} in ${JSON.stringify(row.warnings)}`,
      );
    }
    // No value of a secret is ever shown (the long ones: keycloak's password "bruno" is a part of its realm's URL), and
    // no {{reference}} is stored as one.
    for (const value of Object.values(row.secrets)) {
      assert.ok(value.length < 12 || !shownText(preview).includes(value), `${want.name}: a secret is shown`);
      assert.ok(!value.includes('{{'), `${want.name}: a {{reference}} stored as a secret`);
    }
  }
}

suite('import: Bruno collections people published (import corpus)', () => {
  test('every Bruno collection of the corpus is described here', () => {
    assert.deepEqual(brunoCollections(), Object.keys(EXPECTED).sort());
  });

  for (const [collection, expected] of Object.entries(EXPECTED)) {
    test(`${collection}: the rows its files say`, () => {
      assertRows(previewImport(folderFiles(join(BRUNO_CORPUS, collection))), expected);
    });
  }

  test('the environment choice changes token URLs and variables (familysearch, bruno-testbench)', () => {
    const family = folderFiles(join(BRUNO_CORPUS, 'familysearch-dpc-batch'));
    const production = candidate(previewImport(family, { environment: 'Production' }), 'DPC Batch Management Service');
    assert.equal(production.config.authorizationServerUrl, 'https://ident.familysearch.org/service/ident/cis/cis-web/oauth2/v3/token');
    const integration = candidate(previewImport(family, { environment: 'Integration' }), 'DPC Batch Management Service');
    assert.equal(integration.config.authorizationServerUrl, 'https://integration.familysearch.org/service/ident/cis/cis-web/oauth2/v3/token');
    // Prod has none of the token variables: the references stay, with a warning, and no {{x}} becomes a secret.
    const prod = previewImport(folderFiles(join(BRUNO_CORPUS, 'bruno-testbench-oauth2')), { environment: 'Prod' });
    const token = candidate(prod, 'token');
    assert.equal(token.config.authorizationServerUrl, '{{client_credentials_access_token_url}}');
    assert.deepEqual(token.secrets, {});
    assert.ok(token.warnings.some((w) => w.includes('{{client_credentials_client_secret}}') && w.includes('not imported')));
  });

  test('rightbrain in its Production environment: the token URL and client id from the environment; the secret variable has no value', () => {
    const row = candidate(previewImport(folderFiles(join(BRUNO_CORPUS, 'rightbrain')), { environment: 'Production' }), 'Rightbrain');
    assert.equal(row.config.authorizationServerUrl, 'https://oauth.rightbrain.ai/oauth2/token');
    assert.equal(row.config.clientId, '8eb99ff3-29c4-4bc9-a707-f6d07451b98e');
    assert.deepEqual(row.secrets, {});
    assert.ok(row.warnings.some((w) => w.includes(`{{client_secret}} ${SECRET_NOTE} "Production"`)));
  });

  test('OpenCollection: an environment without the credentials leaves them to the form (workshop, Workshop-Alt)', () => {
    const preview = previewImport(folderFiles(join(BRUNO_CORPUS, 'workshop-opencollection')), { environment: 'Workshop-Alt' });
    const solution = candidate(preview, 'Get Token - OAuth2 2');
    assert.equal(solution.config.clientId, '{{oauthClientId}}');
    assert.deepEqual(solution.secrets, {});
  });

  test('an environment the collection does not have is refused, naming the ones it has', () => {
    assert.throws(
      () => previewImport(folderFiles(join(BRUNO_CORPUS, 'rightbrain')), { environment: 'Staging' }),
      (error: unknown) =>
        error instanceof ImportFileError && error.file === 'bruno.json' && error.message.includes('Dynamic, Production') && error.message.includes('"Staging"'),
    );
  });
});

/** A collection folder made in the test: `bruno.json` and the given files. */
function collection(files: Record<string, string>, manifest = '{ "version": "1", "name": "Made", "type": "collection" }'): ImportFile[] {
  return [['bruno.json', manifest], ...Object.entries(files)].map(([path, text]) => ({ name: path.slice(path.lastIndexOf('/') + 1), path, text }));
}

const BLOCK = (fields: string): string => `auth:oauth2 {\n${fields}\n}\n`;

suite('import: Bruno collection folders', () => {
  test('a request inherits through a folder.bru with no auth block and one with mode inherit: the one block in effect is one row', () => {
    const preview = previewImport(
      collection({
        'collection.bru': `auth {\n  mode: oauth2\n}\n\n${BLOCK('  grant_type: client_credentials\n  access_token_url: https://as.example/token\n  client_id: app')}`,
        'a/folder.bru': 'meta {\n  name: A\n}\n',
        'a/b/folder.bru': 'meta {\n  name: B\n}\n\nauth {\n  mode: inherit\n}\n',
        'a/b/one.bru': 'meta {\n  name: one\n}\n\nget {\n  url: https://api.example/1\n  auth: inherit\n}\n',
        'a/b/two.bru': 'meta {\n  name: two\n}\n\nget {\n  url: https://api.example/2\n  auth: inherit\n}\n',
      }),
    );
    assert.deepEqual(preview.rows.map(rowName), ['Made']);
    assert.equal(preview.rows[0].source, 'collection.bru');
  });

  test('a block whose auth mode is not oauth2 is not in effect; a folder with mode oauth2 and no block is an incomplete row', () => {
    const preview = previewImport(
      collection({
        'collection.bru': `auth {\n  mode: none\n}\n\n${BLOCK('  grant_type: client_credentials\n  access_token_url: https://as.example/token')}`,
        'f/folder.bru': 'meta {\n  name: Folder\n}\n\nauth {\n  mode: oauth2\n}\n',
        'f/r.bru': `meta {\n  name: r\n}\n\npost {\n  url: https://as.example/token\n  auth: bearer\n}\n\n${BLOCK('  grant_type: password')}`,
      }),
    );
    assert.deepEqual(preview.rows.map(rowName), ['Folder (skipped)']);
    assert.match(skipped(preview, 'Folder').reason, /no grant type is given/);
    assert.equal(preview.rows[0].source, 'f/folder.bru');
  });

  test('defaults: no credentials_placement means the body, no pkce means off; basic_auth_header is Basic', () => {
    const preview = previewImport(
      collection({
        'a.bru': `meta {\n  name: a\n}\n\nget {\n  url: x\n  auth: oauth2\n}\n\n${BLOCK('  grant_type: authorization_code\n  authorization_url: https://as.example/authorize\n  access_token_url: https://as.example/token\n  client_id: app')}`,
        'b.bru': `meta {\n  name: b\n}\n\nget {\n  url: x\n  auth: oauth2\n}\n\n${BLOCK('  grant_type: client_credentials\n  access_token_url: https://as.example/token\n  client_id: app\n  client_secret: s3cret\n  credentials_placement: basic_auth_header')}`,
      }),
    );
    const a = candidate(preview, 'a');
    assert.equal(a.config.credentialsInRequestBody, true);
    assert.ok(a.warnings.some((w) => w.startsWith('PKCE was off')));
    const b = candidate(preview, 'b');
    assert.equal(b.config.credentialsInRequestBody, false);
    assert.deepEqual(b.secrets, { clientSecret: 's3cret' });
  });

  test('variables: request over folder over environment over collection; process.env from .env, not .env.example; {{$oauth2.…}} only at run time', () => {
    const files = collection({
      'collection.bru': 'vars:pre-request {\n  host: https://collection.example\n  tenant: c\n  path: /token\n}\n',
      'environments/dev.bru': 'vars {\n  host: https://env.example\n  tenant: e\n  ~path: /disabled\n}\nvars:secret [\n  secret_id\n]\n',
      'f/folder.bru': 'meta {\n  name: f\n}\n\nvars:pre-request {\n  tenant: folder\n}\n',
      'f/r.bru': `meta {\n  name: r\n}\n\npost {\n  url: x\n  auth: oauth2\n}\n\nvars:pre-request {\n  scope: from-request\n}\n\n${BLOCK(
        '  grant_type: client_credentials\n  access_token_url: {{host}}/{{tenant}}{{path}}\n  client_id: {{process.env.CLIENT}}\n  client_secret: {{secret_id}}\n  scope: {{scope}} {{$oauth2.other.access_token}}',
      )}`,
      '.env': '# comment\nCLIENT="from-dotenv"\n',
      '.env.example': 'CLIENT=from-example\n',
    });
    const row = candidate(previewImport(files), 'r');
    assert.equal(row.config.authorizationServerUrl, 'https://env.example/folder/token');
    assert.equal(row.config.clientId, 'from-dotenv');
    assert.deepEqual(row.secrets, {});
    assert.ok(row.warnings.some((w) => w.includes(`{{secret_id}} ${SECRET_NOTE} "dev"`)));
    assert.ok(row.warnings.some((w) => w.startsWith('{{$oauth2.…}} values exist only while Bruno runs')));
    const withoutDotenv = candidate(previewImport(files.filter((f) => f.path !== '.env')), 'r');
    assert.equal(withoutDotenv.config.clientId, '{{process.env.CLIENT}}');
    assert.ok(withoutDotenv.warnings.some((w) => w.includes('(a .env.example is not read)')));
  });

  test("additional parameters: the authorization request's query and the token request's body are carried over", () => {
    const preview = previewImport(
      collection({
        'r.bru': `meta {\n  name: r\n}\n\nget {\n  url: x\n  auth: oauth2\n}\n\n${BLOCK(
          '  grant_type: authorization_code\n  authorization_url: https://as.example/authorize\n  access_token_url: https://as.example/token\n  client_id: app\n  pkce: true',
        )}\nauth:oauth2:additional_params:auth_req:queryparams {\n  audience: https://api.example\n  ~prompt: login\n}\n\nauth:oauth2:additional_params:access_token_req:body {\n  resource: https://api.example\n}\n`,
      }),
    );
    const row = candidate(preview, 'r');
    assert.deepEqual(row.config.authorizationParameters, [{ name: 'audience', value: 'https://api.example' }]);
    assert.deepEqual(row.config.extraParameters, [{ name: 'resource', value: 'https://api.example' }]);
    assert.deepEqual(row.warnings, []);
  });

  test('implicit is listed and refused; hand-made token requests and scripts are no rows', () => {
    const preview = previewImport(
      collection({
        'i.bru': `meta {\n  name: i\n}\n\nget {\n  url: x\n  auth: oauth2\n}\n\n${BLOCK('  grant_type: implicit\n  authorization_url: https://as.example/authorize\n  client_id: app')}`,
        'token.bru':
          'meta {\n  name: token\n}\n\npost {\n  url: https://as.example/token\n  body: formUrlEncoded\n  auth: none\n}\n\nbody:form-urlencoded {\n  grant_type: client_credentials\n}\n\nscript:pre-request {\n  const auth = { mode: "oauth2" };\n}\n',
      }),
    );
    assert.deepEqual(preview.rows.map(rowName), ['i (skipped)']);
    assert.match(skipped(preview, 'i').reason, /Implicit/);
  });

  test('a collection without any OAuth 2.0 configuration is refused with that reason', () => {
    assert.throws(
      () => previewImport(collection({ 'r.bru': 'meta {\n  name: r\n}\n\nget {\n  url: x\n  auth: bearer\n}\n' })),
      (error: unknown) =>
        error instanceof ImportFileError && error.file === 'bruno.json' && error.message.includes('no OAuth 2.0 configuration in this collection'),
    );
  });

  test('OpenCollection YAML: flows, credentials placement, resource owner, pkce, auth: inherit, folder auth', () => {
    const files: ImportFile[] = [
      [
        'environments/dev.yml',
        'name: Development\nvariables:\n  - name: as\n    value: https://as.example\n  - name: secret\n    secret: true\n  - name: off\n    value: x\n    enabled: false\n',
      ],
      [
        'opencollection.yml',
        'opencollection: 1.0.0\ninfo:\n  name: OC\nrequest:\n  auth:\n    type: oauth2\n    flow: resource_owner_password_credentials\n    accessTokenUrl: https://as.example/token\n    resourceOwner:\n      username: alice\n      password: "{{pw}}"\n    credentials:\n      clientId: app\n      placement: basic_auth_header\n  variables:\n    - name: pw\n      value: wonderland\n',
      ],
      [
        'f/folder.yml',
        'info:\n  name: Folder\n  type: folder\nrequest:\n  auth:\n    type: oauth2\n    flow: authorization_code\n    authorizationUrl: "{{as}}/authorize"\n    accessTokenUrl: "{{as}}/token"\n    callbackUrl: http://127.0.0.1:3000/cb\n    credentials:\n      clientId: web\n      clientSecret: "{{secret}}"\n    pkce:\n      enabled: true\n',
      ],
      ['f/inherits.yml', 'info:\n  name: inherits\nhttp:\n  method: GET\n  url: https://api.example\n  auth: inherit\n'],
      [
        'f/implicit.yml',
        'info:\n  name: implicit\nhttp:\n  method: GET\n  url: https://api.example\n  auth:\n    type: oauth2\n    flow: implicit\n    authorizationUrl: https://as.example/authorize\n',
      ],
    ].map(([path, text]) => ({ name: path.slice(path.lastIndexOf('/') + 1), path, text }));
    const preview = previewImport(files);
    assert.deepEqual(preview.rows.map(rowName), ['OC', 'Folder', 'implicit (skipped)']);
    const oc = candidate(preview, 'OC');
    assert.equal(oc.config.grantType, 'password');
    assert.equal(oc.config.username, 'alice');
    assert.equal(oc.config.credentialsInRequestBody, false);
    assert.deepEqual(oc.secrets, { password: 'wonderland' });
    const folder = candidate(preview, 'Folder');
    assert.equal(folder.source, 'f/folder.yml');
    assert.equal(folder.config.grantType, 'authorization_code');
    assert.equal(folder.config.credentialsInRequestBody, true);
    assert.equal(folder.config.authorizationServerUrl, 'https://as.example/token');
    assert.equal(folder.config.authorizationEndpointUrl, 'https://as.example/authorize');
    assert.deepEqual(preview.environments, ['Development']);
    // The environment's secret variable has no value in the folder: said, and nothing stored.
    assert.deepEqual(folder.secrets, {});
    assert.ok(folder.warnings[0].startsWith(`{{secret}} ${SECRET_NOTE} "Development"`), folder.warnings[0]);
  });

  test('bounded: folders nested past the limit are refused, naming the file; a slow read stops at the deadline', () => {
    const deep = `${Array.from({ length: 101 }, (_, i) => `d${i}`).join('/')}`;
    assert.throws(
      () => previewImport(collection({ [`${deep}/folder.bru`]: 'auth {\n  mode: oauth2\n}\n' })),
      (error: unknown) => error instanceof ImportLimitError && error.limit === 'folder-depth' && error.file === `${deep}/folder.bru`,
    );
    let now = 0;
    const requests = Object.fromEntries(
      Array.from({ length: 50 }, (_, i) => [
        `r${i}.bru`,
        `meta {\n  name: r${i}\n}\n\nget {\n  url: x\n  auth: oauth2\n}\n\n${BLOCK('  grant_type: client_credentials')}`,
      ]),
    );
    assert.throws(
      () => previewImport(collection(requests), { clock: () => (now += 100) }),
      (error: unknown) => error instanceof ImportLimitError && error.limit === 'time',
    );
  });

  test('node_modules and .git inside the folder are not read', () => {
    const preview = previewImport(
      collection({
        'collection.bru': `auth {\n  mode: oauth2\n}\n\n${BLOCK('  grant_type: client_credentials\n  access_token_url: https://as.example/token\n  client_id: app')}`,
        'node_modules/x/r.bru': `meta {\n  name: dep\n}\n\nget {\n  url: x\n  auth: oauth2\n}\n\n${BLOCK('  grant_type: client_credentials')}`,
        '.git/r.bru': 'not { a bru file',
      }),
    );
    assert.deepEqual(preview.rows.map(rowName), ['Made']);
  });
});

/** Lines of .bru files: the block openers, keys and closers the reader looks for, in any order, and any text. */
const bruLine = fc.oneof(
  fc.constantFrom(
    'meta {',
    '  name: r',
    'auth {',
    '  mode: oauth2',
    '  mode: inherit',
    'auth:oauth2 {',
    '  grant_type: client_credentials',
    '  grant_type: authorization_code',
    '  access_token_url: {{host}}/token',
    '  client_secret: {{secret}}',
    '  credentials_placement: basic_auth_header',
    '  pkce: true',
    'get {',
    '  auth: oauth2',
    'vars {',
    'vars:pre-request {',
    '  host: {{host}}{{host}}',
    '  secret: {{process.env.S}}',
    '~  x: y',
    'vars:secret [',
    '  secret,',
    ']',
    'docs {',
    '  { not: a pair }',
    "  v: '''",
    "'''",
    '}',
    '',
  ),
  fc.string(),
);
const bruText = fc.array(bruLine, { maxLength: 40 }).map((lines) => lines.join('\n'));

suite('import: any Bruno collection folder gives a preview or a clear error', () => {
  /** The preview, or the ImportFileError naming a file; anything else (a TypeError, a stack overflow) fails. */
  const previewOrFileError = (files: readonly ImportFile[], environment?: string): void => {
    try {
      const preview = previewImport(files, { environment });
      for (const row of preview.rows) {
        assert.ok(row.kind === 'skipped' || GRANT_TYPES.includes(row.config.grantType));
        if (row.kind === 'invoker') {
          for (const value of Object.values(row.secrets)) {
            assert.ok(!value.includes('{{'), 'a {{reference}} stored as a secret');
          }
        }
      }
    } catch (error) {
      assert.ok(error instanceof ImportFileError, `not an ImportFileError: ${String(error)}`);
      assert.ok(error.message.startsWith(`"${error.file}" cannot be imported: `));
    }
  };

  test('property: arbitrary .bru files in every place of a collection never crash the importer', () => {
    fc.assert(
      fc.property(
        bruText,
        bruText,
        bruText,
        bruText,
        fc.option(fc.constantFrom('e', 'x'), { nil: undefined }),
        (root, folder, request, environment, chosen) => {
          previewOrFileError(
            collection({ 'collection.bru': root, 'f/folder.bru': folder, 'f/r.bru': request, 'environments/e.bru': environment, '.env': 'S=s3cret' }),
            chosen,
          );
        },
      ),
      { numRuns: 1000 },
    );
  });

  test('property: arbitrary YAML in an OpenCollection never crashes the importer', () => {
    const anyValue = fc.jsonValue({ maxDepth: 4 });
    const auth = fc.oneof(
      anyValue,
      fc.constant('inherit'),
      fc.record({
        type: fc.constant('oauth2'),
        flow: fc.oneof(fc.constantFrom('client_credentials', 'resource_owner_password', 'authorization_code', 'implicit'), anyValue),
        accessTokenUrl: anyValue,
        credentials: fc.oneof(anyValue, fc.record({ clientId: anyValue, clientSecret: anyValue, placement: anyValue })),
        pkce: anyValue,
        additionalParameters: anyValue,
      }),
    );
    fc.assert(
      fc.property(anyValue, auth, auth, anyValue, (root, folderAuth, requestAuth, environment) => {
        previewOrFileError(
          [
            ['opencollection.yml', stringifyYaml({ info: { name: 'OC' }, request: { auth: root } })],
            ['f/folder.yml', stringifyYaml({ info: { name: 'F' }, request: { auth: folderAuth } })],
            ['f/r.yml', stringifyYaml({ info: { name: 'R' }, http: { auth: requestAuth } })],
            ['environments/e.yml', stringifyYaml(environment)],
          ].map(([path, text]) => ({ name: path, path, text })),
        );
      }),
      { numRuns: 500 },
    );
  });
});
