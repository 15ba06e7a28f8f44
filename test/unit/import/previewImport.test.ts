import * as assert from 'node:assert/strict';
import * as fc from 'fast-check';
import { GRANT_TYPES } from '../../../src/shared/properties';
import {
  IMPORT_GRANTS,
  ImportFileError,
  invokerNameFrom,
  mapGrant,
  previewImport,
  withUniqueNames,
  type ImportFile,
  type ImportRow,
} from '../../../src/shared/import/index';
import { stringify as stringifyYaml } from 'yaml';
import { rowName } from './helpers';

/** The preview a file gives, or the ImportFileError it raises; anything else (a TypeError, a stack overflow) fails. */
function previewOrFileError(files: readonly ImportFile[], environment?: string): 'preview' | 'error' {
  try {
    const preview = previewImport(files, { environment });
    for (const row of preview.rows) {
      assert.ok(row.kind === 'invoker' || row.reason.startsWith('Not imported: '));
      if (row.kind === 'invoker') {
        assert.ok(GRANT_TYPES.includes(row.config.grantType));
        assert.ok(row.config.name.length > 0 && row.config.name.length <= 64 && !/[/\\]/.test(row.config.name));
      }
    }
    const names = preview.rows.map(rowName);
    assert.equal(new Set(names).size, names.length);
    return 'preview';
  } catch (error) {
    assert.ok(error instanceof ImportFileError, `not an ImportFileError: ${String(error)}`);
    assert.equal(error.code, 4);
    assert.ok(error.message.startsWith(`"${error.file}" cannot be imported: `));
    return 'error';
  }
}

const NAMES = [
  'http-client.env.json',
  'http-client.private.env.json',
  'collection.json',
  'export.json',
  'env.postman_environment.json',
  'Insomnia.yaml',
  'export.yml',
  'export.txt',
];

/** JSON shaped like each format, with arbitrary values where the importers read one. */
const anyValue = fc.jsonValue({ maxDepth: 3 });
const shaped = fc.oneof(
  fc.dictionary(
    fc.string(),
    fc.oneof(
      anyValue,
      fc.record({
        Security: fc.record({
          Auth: fc.dictionary(
            fc.string(),
            fc.oneof(
              anyValue,
              fc.dictionary(
                fc.constantFrom(
                  'Type',
                  'Grant Type',
                  'Token URL',
                  'Client ID',
                  'Client Secret',
                  'Client Credentials',
                  'Custom Request Parameters',
                  'Username',
                  'Password',
                  'Scope',
                ),
                anyValue,
              ),
            ),
          ),
        }),
      }),
    ),
  ),
  fc.record({
    info: fc.oneof(anyValue, fc.record({ name: anyValue, schema: fc.constant('https://schema.getpostman.com/json/collection/v2.1.0/collection.json') })),
    item: fc.array(
      fc.record({
        name: anyValue,
        item: anyValue,
        auth: anyValue,
        request: fc.oneof(anyValue, fc.record({ auth: fc.record({ type: fc.constant('oauth2'), oauth2: anyValue }) })),
      }),
    ),
    auth: fc.oneof(
      anyValue,
      fc.record({
        type: fc.constant('oauth2'),
        oauth2: fc.oneof(
          anyValue,
          fc.array(
            fc.record({ key: fc.constantFrom('grant_type', 'accessTokenUrl', 'clientSecret', 'tokenRequestParams', 'client_authentication'), value: anyValue }),
          ),
        ),
      }),
    ),
    variable: anyValue,
  }),
  fc.record({
    _type: fc.constant('export'),
    __export_format: fc.oneof(fc.constant(4), anyValue),
    resources: fc.array(
      fc.oneof(
        anyValue,
        fc.record({
          _id: anyValue,
          parentId: anyValue,
          name: anyValue,
          _type: fc.constantFrom('request', 'request_group', 'environment', 'workspace'),
          data: anyValue,
          authentication: fc.oneof(
            anyValue,
            fc.record({
              type: fc.constant('oauth2'),
              grantType: fc.oneof(fc.constantFrom('client_credentials', 'password', 'implicit'), anyValue),
              accessTokenUrl: anyValue,
              clientSecret: anyValue,
            }),
          ),
        }),
      ),
    ),
  }),
  fc.record({
    type: fc.oneof(fc.constantFrom('collection.insomnia.rest/5.0', 'spec.insomnia.rest/5.0', 'environment.insomnia.rest/5.0'), anyValue),
    name: anyValue,
    collection: fc.oneof(
      anyValue,
      fc.array(fc.oneof(anyValue, insomniaV5Item(), fc.record({ name: anyValue, environment: anyValue, children: fc.array(insomniaV5Item()) }))),
    ),
    environments: fc.oneof(
      anyValue,
      fc.record({ data: anyValue, subEnvironments: fc.oneof(anyValue, fc.array(fc.record({ name: anyValue, data: anyValue }))) }),
    ),
  }),
);

/** One request or folder of an Insomnia v5 collection, its values arbitrary where the importer reads one. */
function insomniaV5Item() {
  return fc.record({
    name: anyValue,
    children: fc.oneof(anyValue, fc.constant(undefined)),
    environment: anyValue,
    authentication: fc.oneof(
      anyValue,
      fc.record({
        type: fc.constant('oauth2'),
        grantType: fc.oneof(fc.constantFrom('client_credentials', 'authorization_code', 'implicit', 'mcp_auth_flow'), anyValue),
        accessTokenUrl: anyValue,
        usePkce: anyValue,
        clientSecret: anyValue,
      }),
    ),
  });
}

suite('import: any file gives a preview or a clear error', () => {
  test('property: arbitrary JSON, under every file name, never crashes an importer', () => {
    fc.assert(
      fc.property(fc.oneof(anyValue, shaped), fc.constantFrom(...NAMES), fc.option(fc.string(), { nil: undefined }), (json, name, environment) => {
        previewOrFileError([{ name, text: /\.ya?ml$/.test(name) ? stringifyYaml(json) : JSON.stringify(json) }], environment);
      }),
      { numRuns: 2000 },
    );
  });

  test('property: arbitrary text and pairs of files never crash the importers either', () => {
    fc.assert(
      fc.property(fc.string(), fc.constantFrom(...NAMES), (text, name) => {
        previewOrFileError([{ name, text }]);
      }),
    );
    fc.assert(
      fc.property(shaped, shaped, fc.constantFrom(...NAMES), fc.constantFrom(...NAMES), (a, b, nameA, nameB) => {
        previewOrFileError([
          { name: nameA, text: JSON.stringify(a) },
          { name: nameB, text: JSON.stringify(b) },
        ]);
      }),
      { numRuns: 500 },
    );
  });

  test('invalid JSON: the error names the file and the place, and quotes nothing of its content', () => {
    const text = '{ "dev": { "secret": "hunter2-very-secret" ';
    try {
      previewImport([{ name: 'http-client.private.env.json', text }]);
      assert.fail('no error');
    } catch (error) {
      assert.ok(error instanceof ImportFileError);
      assert.match(error.message, /^"http-client\.private\.env\.json" cannot be imported: it is not valid JSON( \([^)]*\))?; expected a JetBrains HTTP Client/);
      assert.ok(!error.message.includes('hunter2'));
    }
  });

  test('a JSON object of no known shape, an array, a number: errors that list what is expected', () => {
    assert.throws(() => previewImport([{ name: 'data.json', text: '{"a": 1}' }]), {
      message: /^"data\.json" cannot be imported: its shape is none of these; expected .*Postman collection.*Insomnia export/,
    });
    assert.throws(() => previewImport([{ name: 'data.json', text: '[]' }]), { message: /^"data\.json" cannot be imported: it is a JSON array;/ });
    assert.throws(() => previewImport([{ name: 'http-client.env.json', text: '{"dev": 3}' }]), {
      message: /^"http-client\.env\.json" cannot be imported: its entry "dev" is not an object of variables;/,
    });
    assert.throws(() => previewImport([]), { message: /no file was chosen/ });
  });

  test('files of two tools at once are refused', () => {
    const postman = JSON.stringify({ info: { name: 'c' }, item: [] });
    assert.throws(
      () =>
        previewImport([
          { name: 'http-client.env.json', text: '{}' },
          { name: 'c.json', text: postman },
        ]),
      {
        message: '"c.json" cannot be imported: it is not from the same tool as "http-client.env.json"; expected the files of one tool at a time.',
      },
    );
  });

  test('a __proto__ key in a file neither pollutes objects nor becomes a variable', () => {
    const text =
      '{"dev": {"__proto__": {"polluted": "yes"}, "Security": {"Auth": {"a": {"Type": "OAuth2", "Grant Type": "Client Credentials", "Token URL": "https://x.example.com/{{polluted}}", "Client ID": "c", "Client Secret": "s"}}}}}';
    const preview = previewImport([{ name: 'http-client.env.json', text }]);
    assert.equal(({} as Record<string, unknown>).polluted, undefined);
    const row = preview.rows[0];
    assert.ok(row.kind === 'invoker');
    assert.equal(row.config.authorizationServerUrl, 'https://x.example.com/{{polluted}}');
  });
});

suite('import: the grant table and names', () => {
  test('every grant spelling of the three tools maps to a grant the invoker has, or to a reason', () => {
    const spellings: Array<[string, string]> = [
      ['Client Credentials', 'client_credentials'],
      ['client_credentials', 'client_credentials'],
      ['Password', 'password'],
      ['password_credentials', 'password'],
      ['refresh_token', 'refresh_token'],
      ['Authorization Code', 'authorization_code'],
      ['authorization_code', 'authorization_code'],
      ['authorization_code_with_pkce', 'authorization_code'],
      ['Device Authorization', 'device_code'],
      ['urn:ietf:params:oauth:grant-type:device_code', 'device_code'],
      ['SAML bearer', 'the grant type "SAML bearer" is unknown'],
      ['', 'no grant type is given'],
      ['constructor', 'the grant type "constructor" is unknown'],
    ];
    for (const [spelling, expected] of spellings) {
      const mapping = mapGrant(spelling);
      assert.equal('grantType' in mapping ? mapping.grantType : mapping.reason, expected, spelling);
    }
    for (const mapping of Object.values(IMPORT_GRANTS)) {
      assert.ok('grantType' in mapping ? GRANT_TYPES.includes(mapping.grantType) : mapping.reason.length > 0);
    }
  });

  test('names: slashes replaced, 64 characters at most, unique within a preview', () => {
    assert.equal(invokerNameFrom(' a/b\\c '), 'a-b-c');
    assert.equal(invokerNameFrom('   '), 'Imported');
    assert.equal(invokerNameFrom('x'.repeat(80)).length, 64);
    const rows: ImportRow[] = ['orders', 'orders', 'orders 2', 'x'.repeat(64), 'x'.repeat(64)].map((name) => ({
      kind: 'skipped',
      source: '',
      name,
      reason: 'Not imported: test',
    }));
    assert.deepEqual(
      withUniqueNames(rows)
        .map(rowName)
        .map((n) => n.replace(' (skipped)', '')),
      ['orders', 'orders 2', 'orders 2 2', 'x'.repeat(64), `${'x'.repeat(62)} 2`],
    );
  });
});
