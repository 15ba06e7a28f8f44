import * as assert from 'node:assert/strict';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { stringify as stringifyYaml } from 'yaml';
import { DEFAULT_INVOKER } from '../../../src/shared/invoker';
import { IMPORT_LIMITS, ImportLimitError, previewImport, type ImportCandidate, type ImportFile, type ImportPreview } from '../../../src/shared/import/index';
import { candidate, rowName, skipped } from './helpers';

/** `../shared/import-corpus` beside the repository's root: real documents people published (see its README). */
const CORPUS = resolve(__dirname, '..', '..', '..', '..', '..', 'shared', 'import-corpus', 'files', 'openapi');

function corpus(name: string): ImportFile {
  return { name, text: readFileSync(join(CORPUS, name), 'utf8') };
}

const NO_CLIENT = 'The document has no client: OpenAPI has no field for a Client ID. Register a client at the authorization server and enter its "Client ID".';
const EVERY_SCOPE = (n: number): string =>
  `"Scope" holds every scope the document lists (${n}), since its top-level "security" asks for none: remove those the client does not need.`;

/** The one row of a preview, importable. */
function only(preview: ImportPreview): ImportCandidate {
  assert.equal(preview.rows.length, 1, preview.rows.map(rowName).join(', '));
  const row = preview.rows[0];
  assert.equal(row.kind, 'invoker');
  return row as ImportCandidate;
}

suite('import: OpenAPI 3.x and Swagger 2.0 documents of the corpus', () => {
  test('the corpus folder is there, and every document in it is one of those this suite checks', () => {
    assert.ok(existsSync(CORPUS), `the import corpus is missing at ${CORPUS}`);
    assert.deepEqual(readdirSync(CORPUS).sort(), [
      'hydra-v0.8-api.swagger.yaml',
      'messpunkt-erp-api-openapi.yaml',
      'nakadi-event-bus-api.yaml',
      'open-finance-brasil-accounts-2.4.2.yml',
      'paypal-catalogs_products_v1.json',
      'powerplatform-zoom-meetings-apiDefinition.swagger.json',
      'swagger-petstore-openapi.yaml',
      'uk-open-banking-confirmation-funds-openapi.yaml',
      'xero-identity.yaml',
    ]);
  });

  test('Swagger 2.0 (Ory Hydra): accessCode is Authorization Code; relative URLs and no "host": kept relative, marked, no host made up; 9 scopes left to choose', () => {
    const preview = previewImport([corpus('hydra-v0.8-api.swagger.yaml')]);
    assert.equal(preview.format, 'openapi');
    assert.deepEqual(preview.environments, []);
    const row = only(preview);
    assert.equal(row.source, 'Hydra OAuth2 & OpenID Connect Server › oauth2 › accessCode');
    assert.deepEqual(row.config, {
      ...DEFAULT_INVOKER,
      name: 'oauth2',
      grantType: 'authorization_code',
      authorizationServerUrl: '/oauth2/token',
      authorizationEndpointUrl: '/oauth2/auth',
    });
    assert.deepEqual(row.secrets, {});
    assert.deepEqual(row.warnings, [
      NO_CLIENT,
      '"tokenUrl" is the relative URL "/oauth2/token" and the document has no "host": enter the server\'s address in front of it.',
      '"authorizationUrl" is the relative URL "/oauth2/auth" and the document has no "host": enter the server\'s address in front of it.',
      '"Scope" is left empty: the document lists 9 scopes and its top-level "security" asks for none; choose from "hydra.clients", "hydra.policies", "hydra.groups", "hydra.warden", "hydra.keys.get", "hydra.keys.create", "hydra.keys.delete", "hydra.keys.update", "offline".',
      '"Authorization Server URL" is not a valid URL: "/oauth2/token".',
      '"Client ID" is required for the Authorization Code (PKCE) grant.',
      '"Authorization Endpoint URL" is not a valid URL: "/oauth2/auth".',
    ]);
  });

  test("OpenAPI 3.1 (messpunkt): the top-level security's three scopes; Scalar's example client id is used and said to be an example", () => {
    const row = only(previewImport([corpus('messpunkt-erp-api-openapi.yaml')]));
    assert.equal(row.source, 'messpunkt.io Partner API › OAuth2 › authorizationCode');
    assert.deepEqual(row.config, {
      ...DEFAULT_INVOKER,
      name: 'OAuth2',
      grantType: 'authorization_code',
      authorizationServerUrl: 'https://auth.sandbox.messpunkt.io/oauth/token',
      authorizationEndpointUrl: 'https://auth.sandbox.messpunkt.io/oauth/authorize',
      clientId: 'sandbox-demo-client',
      scope: 'read:units read:devices read:readings',
    });
    assert.deepEqual(row.warnings, ['The "Client ID" is the example client the document names ("x-scalar-client-id"): use your own.']);
  });

  test('Swagger 2.0 implicit (Nakadi) and OpenAPI 3.0 implicit beside an API key (Petstore): listed and refused; the API key makes no row', () => {
    for (const [file, title, scheme] of [
      ['nakadi-event-bus-api.yaml', 'Nakadi Event Bus API Definition', 'oauth2'],
      ['swagger-petstore-openapi.yaml', 'Swagger Petstore - OpenAPI 3.0', 'petstore_auth'],
    ]) {
      const preview = previewImport([corpus(file)]);
      assert.deepEqual(preview.rows.map(rowName), [`${scheme} (skipped)`], file);
      const row = skipped(preview, scheme);
      assert.equal(row.source, `${title} › ${scheme} › implicit`);
      assert.match(row.reason, /^Not imported: the Implicit grant returns the token in a browser redirect/);
    }
  });

  test('OpenAPI 3.0 (Open Finance Brasil): openIdConnect gets the Issuer (no /.well-known/…) for Discover; the one listed scope is filled', () => {
    const preview = previewImport([corpus('open-finance-brasil-accounts-2.4.2.yml')]);
    assert.deepEqual(preview.rows.map(rowName), ['OpenId', 'OAuth2Security']);
    const openId = candidate(preview, 'OpenId');
    assert.equal(openId.source, 'API Accounts - Open Finance Brasil › OpenId');
    assert.deepEqual(openId.config, {
      ...DEFAULT_INVOKER,
      name: 'OpenId',
      grantType: 'authorization_code',
      issuer: 'https://auth.mockbank.poc.raidiam.io',
      // Every operation asks for it; the scheme itself lists no scope.
      scope: 'openid',
    });
    assert.deepEqual(openId.warnings, [
      'The "Issuer URL" comes from "openIdConnectUrl": press "Discover" to fill the endpoints. The grant is Authorization Code; choose another if the client uses one.',
      NO_CLIENT,
      '"Scope" is what the document\'s operations ask of this scheme ("openid").',
      '"Authorization Server URL" is required.',
      '"Client ID" is required for the Authorization Code (PKCE) grant.',
      '"Authorization Endpoint URL" is required for the Authorization Code (PKCE) grant.',
    ]);
    const oauth = candidate(preview, 'OAuth2Security');
    assert.deepEqual(oauth.config, {
      ...DEFAULT_INVOKER,
      name: 'OAuth2Security',
      grantType: 'authorization_code',
      authorizationServerUrl: 'https://authserver.example/token',
      authorizationEndpointUrl: 'https://authserver.example/authorization',
      scope: 'accounts',
    });
    // The operations also ask for consent:consentId, a template of the consent's id: named, never filled in.
    assert.deepEqual(oauth.warnings, [
      NO_CLIENT,
      EVERY_SCOPE(1),
      'The document also asks for "consent:consentId", which the flow does not list or which hold a {parameter}: not filled in; add them, with their values, if the API needs them.',
      '"Client ID" is required for the Authorization Code (PKCE) grant.',
    ]);
  });

  test('OpenAPI 3.0 JSON (PayPal): the relative tokenUrl resolves against the first server (sandbox)', () => {
    const row = only(previewImport([corpus('paypal-catalogs_products_v1.json')]));
    assert.equal(row.source, 'Catalog Products › Oauth2 › clientCredentials');
    assert.deepEqual(row.config, {
      ...DEFAULT_INVOKER,
      name: 'Oauth2',
      grantType: 'client_credentials',
      authorizationServerUrl: 'https://api-m.sandbox.paypal.com/v1/oauth2/token',
      scope: 'https://uri.paypal.com/services/subscriptions',
    });
    assert.deepEqual(row.warnings, [
      NO_CLIENT,
      EVERY_SCOPE(1),
      '"Client ID" is required for the Client Credentials grant.',
      '"Client Secret" is required for the Client Credentials grant.',
    ]);
  });

  test('Swagger 2.0 JSON (Zoom connector): the security requirement asks for one scope whose name holds a space: taken as written', () => {
    const row = only(previewImport([corpus('powerplatform-zoom-meetings-apiDefinition.swagger.json')]));
    assert.equal(row.source, 'Zoom Meetings › oauth2_auth › accessCode');
    assert.deepEqual(row.config, {
      ...DEFAULT_INVOKER,
      name: 'oauth2_auth',
      grantType: 'authorization_code',
      authorizationServerUrl: 'https://zoom.us/oauth/token',
      authorizationEndpointUrl: 'https://zoom.us/oauth/authorize',
      scope: 'meeting:read:admin meeting:read',
    });
    assert.deepEqual(row.warnings, [NO_CLIENT, '"Client ID" is required for the Authorization Code (PKCE) grant.']);
  });

  test('UK Open Banking: two schemes, two rows; a relative first server does not matter to absolute token URLs', () => {
    const preview = previewImport([corpus('uk-open-banking-confirmation-funds-openapi.yaml')]);
    assert.deepEqual(preview.rows.map(rowName), ['TPPOAuth2Security', 'PSUOAuth2Security']);
    const tpp = candidate(preview, 'TPPOAuth2Security');
    assert.equal(tpp.config.grantType, 'client_credentials');
    assert.equal(tpp.config.authorizationServerUrl, 'https://authserver.example/token');
    assert.equal(tpp.config.scope, 'fundsconfirmations');
    const psu = candidate(preview, 'PSUOAuth2Security');
    assert.equal(psu.config.grantType, 'authorization_code');
    assert.equal(psu.config.authorizationEndpointUrl, 'https://authserver.example/authorization');
    assert.equal(psu.config.scope, 'fundsconfirmations');
    assert.ok(psu.warnings.includes(NO_CLIENT));
  });

  test('Xero identity: HTTP Basic makes no row; the three listed scopes are filled, with a note', () => {
    const row = only(previewImport([corpus('xero-identity.yaml')]));
    assert.equal(row.source, 'Xero OAuth 2 Identity Service API › OAuth2 › authorizationCode');
    assert.equal(row.config.authorizationServerUrl, 'https://identity.xero.com/connect/token');
    assert.equal(row.config.authorizationEndpointUrl, 'https://login.xero.com/identity/connect/authorize');
    assert.equal(row.config.scope, 'email openid profile');
    assert.deepEqual(row.warnings, [NO_CLIENT, EVERY_SCOPE(3), '"Client ID" is required for the Authorization Code (PKCE) grant.']);
  });
});

/**
 * Shapes the corpus lacks, written from the specifications (OpenAPI 3.1 §4.8.27–4.8.30, Swagger 2.0 Security
 * Definitions Object): templated servers, several flows in one scheme, password and device flows, parameterised
 * scopes, empty requirement lists, Swagger's host + basePath, relative OpenID Connect URLs.
 */
suite('import: OpenAPI shapes written from the specifications', () => {
  const document = {
    openapi: '3.1.0',
    info: { title: 'Tenants', version: '1' },
    servers: [
      { url: 'https://{tenant}.example.com/{version}', variables: { tenant: { default: 'acme', enum: ['acme', 'globex'] }, version: { default: 'v2' } } },
      { url: 'https://other.example.com' },
    ],
    security: [{ multi: ['accounts:{accountId}', 'read'] }, { many: [] }, {}],
    components: {
      securitySchemes: {
        multi: {
          type: 'oauth2',
          flows: {
            clientCredentials: { tokenUrl: '/oauth/token', scopes: { read: 'r', write: 'w', 'accounts:{accountId}': 'one account' } },
            password: { tokenUrl: 'token', scopes: {} },
            deviceAuthorization: { deviceAuthorizationUrl: '/device', tokenUrl: '/oauth/token', scopes: {} },
          },
        },
        many: {
          type: 'oauth2',
          flows: { authorizationCode: { authorizationUrl: '/authorize', tokenUrl: '/oauth/token', scopes: { a: '', b: '', c: '', d: '', e: '', f: '' } } },
        },
        oidc: { type: 'openIdConnect', openIdConnectUrl: '/realms/acme/.well-known/openid-configuration' },
        key: { type: 'apiKey', name: 'X-Key', in: 'header' },
        basic: { type: 'http', scheme: 'basic' },
        mutual: { type: 'mutualTLS' },
        empty: { type: 'oauth2', flows: {} },
        alias: { $ref: '#/components/securitySchemes/oidc' },
        elsewhere: { $ref: 'common.yaml#/components/securitySchemes/oauth' },
      },
    },
    paths: {},
  };

  test('one row per flow, named by scheme and flow when it has several; non-OAuth schemes make none; YAML and JSON read alike', () => {
    for (const file of [
      { name: 'tenants.yaml', text: stringifyYaml(document) },
      { name: 'tenants.json', text: JSON.stringify(document) },
    ]) {
      const preview = previewImport([file]);
      assert.deepEqual(
        preview.rows.map(rowName),
        ['multi Client Credentials', 'multi Password', 'multi Device Authorization', 'many', 'oidc', 'empty (skipped)', 'alias', 'elsewhere (skipped)'],
        file.name,
      );
      assert.equal(skipped(preview, 'empty').reason, 'Not imported: this oauth2 scheme lists no flow in "flows".');
      // A $ref within the document is read (one step); one to another file is listed with the reason.
      assert.equal(candidate(preview, 'alias').config.issuer, 'https://acme.example.com/realms/acme');
      assert.equal(
        skipped(preview, 'elsewhere').reason,
        'Not imported: the scheme is a "$ref" to "common.yaml#/components/securitySchemes/oauth", which the import does not follow; import the document it points to.',
      );
      assert.deepEqual(
        preview.rows.map((r) => r.source),
        [
          'Tenants › multi › clientCredentials',
          'Tenants › multi › password',
          'Tenants › multi › deviceAuthorization',
          'Tenants › many › authorizationCode',
          'Tenants › oidc',
          'Tenants › empty',
          'Tenants › alias',
          'Tenants › elsewhere',
        ],
      );
    }
  });

  test('relative URLs resolve against the first server with its variables at their defaults (RFC 3986 resolution)', () => {
    const preview = previewImport([{ name: 'tenants.json', text: JSON.stringify(document) }]);
    assert.equal(candidate(preview, 'multi Client Credentials').config.authorizationServerUrl, 'https://acme.example.com/oauth/token');
    // "token" is relative to the path: beside "v2", as a browser resolves it.
    assert.equal(candidate(preview, 'multi Password').config.authorizationServerUrl, 'https://acme.example.com/token');
    const device = candidate(preview, 'multi Device Authorization');
    assert.equal(device.config.grantType, 'device_code');
    assert.equal(device.config.deviceAuthorizationEndpointUrl, 'https://acme.example.com/device');
    assert.equal(candidate(preview, 'many').config.authorizationEndpointUrl, 'https://acme.example.com/authorize');
    assert.equal(candidate(preview, 'oidc').config.issuer, 'https://acme.example.com/realms/acme');
  });

  test('scopes: what the security requirement asks, a parameterised one named but not filled; an empty requirement list and six listed: none, named', () => {
    const preview = previewImport([{ name: 'tenants.json', text: JSON.stringify(document) }]);
    const multi = candidate(preview, 'multi Client Credentials');
    assert.equal(multi.config.scope, 'read');
    const held =
      'The document also asks for "accounts:{accountId}", which the flow does not list or which hold a {parameter}: not filled in; add them, with their values, if the API needs them.';
    assert.ok(multi.warnings.includes(held), multi.warnings.join('\n'));
    // The password flow lists no scope, but the document asks for these of the scheme.
    assert.equal(candidate(preview, 'multi Password').config.scope, 'read');
    const many = candidate(preview, 'many');
    assert.equal(many.config.scope, '');
    assert.ok(
      many.warnings.includes(
        '"Scope" is left empty: the document lists 6 scopes and its top-level "security" asks for none; choose from "a", "b", "c", "d", "e", "f".',
      ),
      many.warnings.join('\n'),
    );
    assert.equal(candidate(preview, 'oidc').config.scope, '');
  });

  test('a server variable without a default, or a relative server: relative URLs stay as written and the row says why', () => {
    const noDefault = { ...document, servers: [{ url: 'https://{tenant}.example.com', variables: { tenant: { enum: ['a'] } } }] };
    const row = candidate(previewImport([{ name: 'a.json', text: JSON.stringify(noDefault) }]), 'multi Client Credentials');
    assert.equal(row.config.authorizationServerUrl, '/oauth/token');
    assert.ok(
      row.warnings.includes(
        '"tokenUrl" is the relative URL "/oauth/token" and its first server\'s URL uses the variable "tenant", which has no default: enter the server\'s address in front of it.',
      ),
      row.warnings.join('\n'),
    );
    const relative = { ...document, servers: [{ url: '/api' }] };
    const other = candidate(previewImport([{ name: 'b.json', text: JSON.stringify(relative) }]), 'multi Client Credentials');
    assert.equal(other.config.authorizationServerUrl, '/oauth/token');
    assert.ok(
      other.warnings.some((w) => w.includes('its first server\'s URL "/api" names no host')),
      other.warnings.join('\n'),
    );
    const none = { ...document, servers: undefined };
    const third = candidate(previewImport([{ name: 'c.json', text: JSON.stringify(none) }]), 'oidc');
    assert.equal(third.config.issuer, '/realms/acme');
    assert.ok(
      third.warnings.some((w) => w.includes('the document lists no server')),
      third.warnings.join('\n'),
    );
  });

  test('Swagger 2.0: application is Client Credentials, password is Password; relative token URLs resolve against https + host + basePath', () => {
    const swagger = {
      swagger: '2.0',
      info: { title: 'Legacy', version: '1' },
      host: 'api.example.com:8443',
      basePath: '/v1',
      schemes: ['http', 'https'],
      securityDefinitions: {
        machine: { type: 'oauth2', flow: 'application', tokenUrl: '/v1/token', scopes: { read: '' } },
        people: { type: 'oauth2', flow: 'password', tokenUrl: 'token', scopes: {} },
        key: { type: 'apiKey', name: 'k', in: 'query' },
        basic: { type: 'basic' },
      },
      paths: {},
    };
    const preview = previewImport([{ name: 'legacy.json', text: JSON.stringify(swagger) }]);
    assert.deepEqual(preview.rows.map(rowName), ['machine', 'people']);
    assert.equal(candidate(preview, 'machine').config.grantType, 'client_credentials');
    assert.equal(candidate(preview, 'machine').config.authorizationServerUrl, 'https://api.example.com:8443/v1/token');
    assert.equal(candidate(preview, 'machine').config.scope, 'read');
    assert.equal(candidate(preview, 'people').config.grantType, 'password');
    assert.equal(candidate(preview, 'people').config.authorizationServerUrl, 'https://api.example.com:8443/token');
    assert.equal(candidate(preview, 'people').config.scope, '');
  });

  test('a document without an OAuth 2.0 or OpenID Connect scheme: one row saying so, naming the schemes it has', () => {
    const keys = { openapi: '3.0.3', info: { title: 'Keys only' }, components: { securitySchemes: { api_key: { type: 'apiKey' }, basic: { type: 'http' } } } };
    const preview = previewImport([{ name: 'keys.yaml', text: stringifyYaml(keys) }]);
    assert.deepEqual(preview.rows, [
      {
        kind: 'skipped',
        source: 'Keys only',
        name: 'Keys only',
        reason: 'Not imported: the document defines no OAuth 2.0 or OpenID Connect security scheme (only "apiKey" "api_key", "http" "basic").',
      },
    ]);
    const none = previewImport([{ name: 'none.json', text: JSON.stringify({ swagger: '2.0', info: { title: 'Open' } }) }]);
    assert.deepEqual(none.rows.map(rowName), ['Open (skipped)']);
    assert.equal(skipped(none, 'Open').reason, 'Not imported: the document defines no OAuth 2.0 or OpenID Connect security scheme.');
  });

  test('a document of more OAuth schemes than a preview lists is refused, naming the file and the limit', () => {
    const schemes: Record<string, unknown> = {};
    for (let i = 0; i <= IMPORT_LIMITS.configurations; i += 1) {
      schemes[`s${i}`] = { type: 'oauth2', flows: { clientCredentials: { tokenUrl: 'https://a.example/token', scopes: {} } } };
    }
    const text = JSON.stringify({ openapi: '3.0.0', info: { title: 't' }, components: { securitySchemes: schemes } });
    assert.throws(
      () => previewImport([{ name: 'huge.json', text }], { clock: () => 0 }),
      (error: unknown) => error instanceof ImportLimitError && error.limit === 'configurations' && error.file === 'huge.json',
    );
  });
});
