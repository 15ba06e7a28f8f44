import * as assert from 'node:assert/strict';
import { stringify as stringifyYaml } from 'yaml';
import { IMPORT_LIMITS, ImportLimitError, previewImport, type ImportFile, type ImportLimit, type ImportOptions } from '../../../src/shared/import/index';
import { candidate, rowName } from './helpers';

/** A clock that never moves: tests of big files do not depend on the speed of the machine. */
const STILL: ImportOptions = { clock: () => 0 };

/** Asserts that the files are refused for `limit`, by a message that names `file` and holds none of `hidden`. */
function assertRefused(files: readonly ImportFile[], limit: ImportLimit, file: string, message: RegExp, hidden: readonly string[] = []): void {
  assert.throws(
    () => previewImport(files, STILL),
    (error: unknown) => {
      assert.ok(error instanceof ImportLimitError, `not an ImportLimitError: ${String(error)}`);
      assert.equal(error.limit, limit);
      assert.equal(error.code, 4);
      assert.equal(error.file, file);
      assert.ok(error.message.startsWith(`"${file}" cannot be imported: `), error.message);
      assert.match(error.message, message);
      for (const value of hidden) {
        assert.ok(!error.message.includes(value), `the message quotes "${value}"`);
      }
      assert.ok(!error.message.includes(']('), 'the message holds a Markdown link');
      return true;
    },
  );
}

const CLIENT_CREDENTIALS = { Type: 'OAuth2', 'Grant Type': 'Client Credentials', 'Client ID': 'c' };

/** An http-client.env.json whose "dev" environment has `variables` and one auth entry with `auth` over Client Credentials. */
function jetBrainsFile(variables: Record<string, string>, auth: Record<string, string>, name = 'http-client.env.json'): ImportFile {
  return { name, text: JSON.stringify({ dev: { ...variables, Security: { Auth: { api: { ...CLIENT_CREDENTIALS, ...auth } } } } }) };
}

/** Variables a1 … aN, each using the next `times` times; the last one is `last`. */
function bomb(count: number, times: number, last: string, prefix = 'a', use = (name: string) => `{{${name}}}`): Record<string, string> {
  const variables: Record<string, string> = {};
  for (let i = 1; i <= count; i += 1) {
    variables[`${prefix}${i}`] = i === count ? last : use(`${prefix}${i + 1}`).repeat(times);
  }
  return variables;
}

interface Resource {
  readonly [key: string]: unknown;
}

function insomniaExport(resources: readonly Resource[], name = 'export.json'): ImportFile {
  return { name, text: JSON.stringify({ _type: 'export', __export_format: 4, resources: [{ _id: 'wrk', _type: 'workspace', name: 'W' }, ...resources] }) };
}

const OAUTH2 = { type: 'oauth2', grantType: 'client_credentials', accessTokenUrl: 'https://login.example.com/token', clientId: 'c' };

suite('issue 17: hostile import files are refused, not expanded or walked for ever', () => {
  test('an 800-byte http-client.env.json of nine variables each using the next ten times: refused, naming the file, the field and the variable', () => {
    const file = jetBrainsFile(bomb(9, 10, 'hunter2-secret'), { 'Token URL': 'https://login.example.com/{{a1}}', 'Client Secret': '{{a1}}' });
    assert.ok(file.text.length < 800, `${file.text.length} bytes`);
    assertRefused(
      [file],
      'variable-depth',
      'http-client.env.json',
      /"Authorization Server URL" uses the variable "a1", whose variables nest more than 8 levels deep/,
      ['hunter2'],
    );
  });

  test('variables that stay within the depth but expand past the size of a field, or use too many variables: refused', () => {
    const wide = jetBrainsFile({ a1: '{{a2}}'.repeat(10), a2: 'x'.repeat(10_000) }, { 'Token URL': 'https://login.example.com/{{a1}}' });
    assertRefused(
      [wide],
      'field-characters',
      'http-client.env.json',
      /"Authorization Server URL" grows past 65536 characters once the variable "a1" is replaced/,
      ['xxxx'],
    );
    // Ten to the fifth empty strings: nothing grows, the count of replacements stops it.
    const empty = jetBrainsFile(bomb(6, 10, ''), { Scope: '{{a1}}' });
    assertRefused([empty], 'field-substitutions', 'http-client.env.json', /"Scope" uses variables more than 1000 times, counting those inside "a1"/);
    // References no variable defines count too: the field is the file's own, and so is the error.
    const undefinedOnes = jetBrainsFile({}, { Scope: '{{nope}}'.repeat(1001) }, 'http-client.env.json');
    assertRefused(
      [undefinedOnes],
      'field-substitutions',
      'http-client.env.json',
      /^"http-client\.env\.json" cannot be imported: "Scope" uses variables more than 1000 times;/,
    );
  });

  test('every field of many configurations within the field size: refused once the whole preview has expanded too much', () => {
    const big = 'x'.repeat(60_000);
    const environment: Record<string, unknown> = { big };
    const auths: Record<string, unknown> = {};
    for (let i = 0; i < 300; i += 1) {
      auths[`api${i}`] = { ...CLIENT_CREDENTIALS, 'Token URL': '{{big}}', Scope: '{{big}}' };
    }
    const file = { name: 'http-client.env.json', text: JSON.stringify({ dev: { ...environment, Security: { Auth: auths } } }) };
    assertRefused([file], 'expanded', 'http-client.env.json', /its variables expand to more than 16777216 characters in all/);
  });

  test('a variable that uses itself, through another: refused; the error names the file that defines it (the private one) as plain text', () => {
    const publicFile = jetBrainsFile({}, { 'Token URL': 'https://login.example.com/{{[link](command:x)}}' });
    const privateFile = { name: 'http-client.private.env.json', text: JSON.stringify({ dev: { '[link](command:x)': '{{b}}', b: '{{[link](command:x)}}' } }) };
    assertRefused([publicFile, privateFile], 'variable-cycle', 'http-client.private.env.json', /uses the variable "\(link\)\(command:x\)", which uses itself/);
  });

  test('Postman: collection variables and environment variables that expand without end are refused, naming the file that defines them', () => {
    const collection = (variables: Record<string, string>): ImportFile => ({
      name: 'c.postman_collection.json',
      text: JSON.stringify({
        info: { name: 'C', schema: 'https://schema.getpostman.com/json/collection/v2.1.0/collection.json' },
        variable: Object.entries(variables).map(([key, value]) => ({ key, value })),
        item: [
          {
            name: 'Token',
            request: {
              auth: {
                type: 'oauth2',
                oauth2: [
                  { key: 'accessTokenUrl', value: '{{a1}}' },
                  { key: 'grant_type', value: 'client_credentials' },
                ],
              },
            },
          },
        ],
      }),
    });
    assertRefused([collection(bomb(9, 10, 'x'))], 'variable-depth', 'c.postman_collection.json', /uses the variable "a1"/);
    const environment = { name: 'e.postman_environment.json', text: JSON.stringify({ name: 'E', values: [{ key: 'a1', value: '{{a1}}' }] }) };
    assertRefused([collection({}), environment], 'variable-cycle', 'e.postman_environment.json', /uses the variable "a1", which uses itself/);
  });

  test('Insomnia: {{ _.a1 }} in the base environment and in a folder environment expands no further than the limits', () => {
    const nunjucks = (name: string): string => `{{ _.${name} }}`;
    const base = insomniaExport([
      { _id: 'env', _type: 'environment', parentId: 'wrk', data: bomb(9, 10, 'x', 'a', nunjucks) },
      { _id: 'req', _type: 'request', parentId: 'wrk', name: 'R', authentication: { ...OAUTH2, accessTokenUrl: '{{ _.a1 }}' } },
    ]);
    assertRefused([base], 'variable-depth', 'export.json', /uses the variable "_\.a1"/);
    const folder = {
      name: 'c.yaml',
      text: stringifyYaml({
        type: 'collection.insomnia.rest/5.0',
        name: 'C',
        collection: [
          {
            name: 'F',
            environment: { a: '{{ _.b }}'.repeat(100), b: 'y'.repeat(1000) },
            children: [{ name: 'R', authentication: { ...OAUTH2, clientId: '{{ _.a }}' } }],
          },
        ],
      }),
    };
    assertRefused([folder], 'field-characters', 'c.yaml', /"Client ID" grows past 65536 characters once the variable "_\.a" is replaced/);
  });

  test('an Insomnia export of 6,000 folders chained through parentId (1.2 MB): refused at the folder depth, without walking the chain for each folder', () => {
    const resources: Resource[] = [];
    for (let i = 0; i < 6000; i += 1) {
      resources.push({ _id: `fld_${i}`, _type: 'request_group', parentId: i === 0 ? 'wrk' : `fld_${i - 1}`, name: `Folder ${i}`, authentication: OAUTH2 });
    }
    const file = insomniaExport(resources);
    assert.ok(file.text.length > 1_000_000, `${file.text.length} bytes`);
    assertRefused([file], 'folder-depth', 'export.json', /its folders nest deeper than 100 levels/);
  });

  test('a parentId cycle is refused naming a folder in it; a chain of exactly 100 folders is read', () => {
    const cycle = insomniaExport([
      { _id: 'fld_a', _type: 'request_group', parentId: 'fld_b', name: '[A](https://evil.example.com)' },
      { _id: 'fld_b', _type: 'request_group', parentId: 'fld_a', name: 'B' },
      { _id: 'req', _type: 'request', parentId: 'fld_a', name: 'R', authentication: OAUTH2 },
    ]);
    assertRefused([cycle], 'folder-cycle', 'export.json', /its folder "(\(A\)\(https:\/\/evil\.example\.com\)|B)" is inside itself/);
    const resources: Resource[] = [];
    for (let i = 0; i < 100; i += 1) {
      resources.push({ _id: `fld_${i}`, _type: 'request_group', parentId: i === 0 ? 'wrk' : `fld_${i - 1}`, name: `F${i}` });
    }
    resources.push({ _id: 'req', _type: 'request', parentId: 'fld_99', name: 'Deep', authentication: OAUTH2 });
    const row = candidate(previewImport([insomniaExport(resources)], STILL), 'Deep');
    assert.equal(row.source.split(' › ').length, 102);
    assert.equal(row.config.authorizationServerUrl, 'https://login.example.com/token');
  });

  test('big but legitimate: 6,000 folders side by side and 1,500 configurations of one name are read whole, each named once', () => {
    const resources: Resource[] = [];
    for (let i = 0; i < 6000; i += 1) {
      resources.push({ _id: `fld_${i}`, _type: 'request_group', parentId: 'wrk', name: `Folder ${i}`, environment: { n: String(i) } });
    }
    for (let i = 0; i < 1500; i += 1) {
      resources.push({
        _id: `req_${i}`,
        _type: 'request',
        parentId: `fld_${i}`,
        name: 'Get token',
        authentication: { ...OAUTH2, clientId: 'client-{{ _.n }}' },
      });
    }
    const preview = previewImport([insomniaExport(resources)], STILL);
    assert.equal(preview.rows.length, 1500);
    assert.equal(new Set(preview.rows.map(rowName)).size, 1500);
    const last = candidate(preview, 'Get token 1500');
    assert.equal(last.source, 'W › Folder 1499 › Get token');
    assert.equal(last.config.clientId, 'client-1499');
  });

  test('more items or configurations than the limits: refused by count', () => {
    const many = insomniaExport(Array.from({ length: IMPORT_LIMITS.items }, (_, i) => ({ _id: `r${i}` })));
    assertRefused([many], 'items', 'export.json', /it holds more than 50000 requests, folders and environments/);
    const configurations = insomniaExport(
      Array.from({ length: IMPORT_LIMITS.configurations + 1 }, (_, i) => ({
        _id: `r${i}`,
        _type: 'request',
        parentId: 'wrk',
        name: `R${i}`,
        authentication: OAUTH2,
      })),
    );
    assertRefused([configurations], 'configurations', 'export.json', /it holds more than 2000 OAuth 2\.0 configurations/);
  });

  test('a folder name of a megabyte is cut short in the source of every row inside it', () => {
    const name = 'n'.repeat(1_000_000);
    const resources: Resource[] = [{ _id: 'fld', _type: 'request_group', parentId: 'wrk', name }];
    for (let i = 0; i < 50; i += 1) {
      resources.push({ _id: `req_${i}`, _type: 'request', parentId: 'fld', name: `R${i}`, authentication: OAUTH2 });
    }
    const preview = previewImport([insomniaExport(resources)], STILL);
    assert.equal(preview.rows.length, 50);
    for (const row of preview.rows) {
      assert.ok(row.source.length < 200, `${row.source.length} characters`);
    }
  });

  test('Postman: items nested 150 folders deep are refused; 98 (with the collection and the request, 100 levels) are read', () => {
    const nested = (depth: number): ImportFile => {
      let item: Record<string, unknown> = {
        name: 'Token',
        request: { auth: { type: 'oauth2', oauth2: { grant_type: 'client_credentials', accessTokenUrl: 'https://x.example.com/t' } } },
      };
      for (let i = 0; i < depth; i += 1) {
        item = { name: `F${i}`, item: [item] };
      }
      return { name: 'c.json', text: JSON.stringify({ info: { name: 'C' }, item: [item] }) };
    };
    assertRefused([nested(150)], 'folder-depth', 'c.json', /its folders nest deeper than 100 levels/);
    assert.deepEqual(previewImport([nested(98)], STILL).rows.map(rowName), ['Token']);
  });

  test('Insomnia v5 YAML: folders nested 120 deep are refused; 98 are read', () => {
    const nested = (depth: number): ImportFile => {
      let node: Record<string, unknown> = { name: 'Token', authentication: OAUTH2 };
      for (let i = 0; i < depth; i += 1) {
        node = { name: `F${i}`, children: [node] };
      }
      return { name: 'c.yaml', text: stringifyYaml({ type: 'collection.insomnia.rest/5.0', name: 'C', collection: [node] }) };
    };
    assertRefused([nested(120)], 'folder-depth', 'c.yaml', /its folders nest deeper than 100 levels/);
    assert.deepEqual(previewImport([nested(98)], STILL).rows.map(rowName), ['Token']);
  });

  test('JSON nested 100,000 levels deep, at the top or inside an environment: refused before it is parsed', () => {
    const deep = `${'['.repeat(100_000)}${']'.repeat(100_000)}`;
    assertRefused([{ name: 'deep.json', text: deep }], 'json-depth', 'deep.json', /it nests arrays and objects deeper than 512 levels/);
    assertRefused([{ name: 'deep.txt', text: '['.repeat(100_000) }], 'json-depth', 'deep.txt', /deeper than 512 levels/);
    assertRefused([{ name: 'http-client.env.json', text: `{"dev": {"unused": ${deep}}}` }], 'json-depth', 'http-client.env.json', /deeper than 512 levels/);
  });

  test('YAML nested 1,000, 5,000 and 100,000 levels deep is refused before the package composes it (1,000 then 5,000 killed the process)', () => {
    for (const depth of [1000, 5000, 100_000]) {
      const text = `${'['.repeat(depth)}${']'.repeat(depth)}`;
      assertRefused([{ name: 'deep.yaml', text }], 'yaml-depth', 'deep.yaml', /it nests lists and mappings deeper than 256 levels/);
    }
    const block = Array.from({ length: 300 }, (_, i) => `${' '.repeat(i)}a:`).join('\n');
    assertRefused([{ name: 'block.yml', text: `${block} 1\n` }], 'yaml-depth', 'block.yml', /deeper than 256/);
  });

  test('YAML: a mapping of 50,000 keys is read in linear time, and a key it repeats is still refused by its place', () => {
    const keys = Array.from({ length: 50_000 }, (_, i) => `  k${i}: v`).join('\n');
    const text = `type: collection.insomnia.rest/5.0\ncollection: []\nenvironments:\n data:\n${keys.replace(/^ {2}/gm, '   ')}\n`;
    assert.deepEqual(previewImport([{ name: 'big.yaml', text }], STILL).rows, []);
    const repeated = `${text}   k17: again\n`;
    assert.throws(() => previewImport([{ name: 'big.yaml', text: repeated }], STILL), {
      message: /^"big\.yaml" cannot be imported: it is not valid YAML \(line 50005, column 4\);/,
    });
  });

  test('the deadline: a preview whose clock runs past a second gives up with an error naming the file; a still clock reads it whole', () => {
    const resources: Resource[] = Array.from({ length: 100 }, (_, i) => ({
      _id: `req_${i}`,
      _type: 'request',
      parentId: 'wrk',
      name: `R${i}`,
      authentication: OAUTH2,
    }));
    const file = insomniaExport(resources);
    let now = 0;
    assert.throws(
      () => previewImport([file], { clock: () => (now += 50) }),
      (error: unknown) => {
        assert.ok(error instanceof ImportLimitError);
        assert.equal(error.limit, 'time');
        assert.match(error.message, /^"export\.json" cannot be imported: reading it takes longer than 1 s; /);
        return true;
      },
    );
    assert.equal(previewImport([file], STILL).rows.length, 100);
    const yaml = { name: 'c.yaml', text: `type: collection.insomnia.rest/5.0\ncollection: []\nfiller: [${Array(100_000).fill('1').join(', ')}]\n` };
    assert.throws(() => previewImport([yaml], { clock: () => (now += 50) }), { message: /^"c\.yaml" cannot be imported: reading it takes longer than 1 s; / });
  });
});
