import * as assert from 'node:assert/strict';
import { bruDictionary, bruList, parseBru } from '../../../src/shared/import/bruFile';
import { ImportFileError, ImportLimitError } from '../../../src/shared/import/index';
import { ImportBudget } from '../../../src/shared/import/importLimits';

const parse = (text: string) => parseBru(text, 'r.bru', new ImportBudget());

suite('import: the .bru file reader', () => {
  test('a key with nothing after the colon has the empty value; a value keeps its own colons', () => {
    const blocks = parse(
      'auth:oauth2 {\n  grant_type: client_credentials\n  scope:\n  refresh_token_url: \n  access_token_url: https://as.example:8443/token?a=b\n}\n',
    );
    assert.deepEqual(
      [...bruDictionary(blocks, 'auth:oauth2')!],
      [
        ['grant_type', 'client_credentials'],
        ['scope', ''],
        ['refresh_token_url', ''],
        ['access_token_url', 'https://as.example:8443/token?a=b'],
      ],
    );
  });

  test('docs, script, tests and body blocks are raw text: braces inside never end them, only a "}" at the start of a line', () => {
    const blocks = parse(
      [
        'script:pre-request {',
        '  if (x) {',
        '    bru.setVar("auth", { mode: "oauth2" });',
        '  }',
        '}',
        '',
        'docs {',
        '  ```json',
        '  {',
        '    "a": 1',
        '  }',
        '  ```',
        '}',
        '',
        'body:json {',
        '  { "grant_type": "client_credentials" }',
        '}',
        '',
        'auth {',
        '  mode: oauth2',
        '}',
      ].join('\n'),
    );
    assert.deepEqual(
      blocks.map((b) => [b.kind, b.name]),
      [
        ['text', 'script:pre-request'],
        ['text', 'docs'],
        ['text', 'body:json'],
        ['dictionary', 'auth'],
      ],
    );
    assert.equal(blocks[0].kind === 'text' && blocks[0].text, 'if (x) {\n  bru.setVar("auth", { mode: "oauth2" });\n}');
    assert.equal(bruDictionary(blocks, 'auth')?.get('mode'), 'oauth2');
  });

  test('vars:secret [a, b] is a list, over several lines or one; ~key is a disabled key', () => {
    const blocks = parse('vars {\n  host: https://a.example\n  ~old: https://b.example\n}\nvars:secret [\n  client_id,\n  client_secret\n]\n');
    assert.deepEqual(bruList(blocks, 'vars:secret'), ['client_id', 'client_secret']);
    assert.deepEqual([...bruDictionary(blocks, 'vars')!], [['host', 'https://a.example']]);
    const dictionary = blocks.find((b) => b.name === 'vars');
    assert.deepEqual(dictionary?.kind === 'dictionary' && dictionary.pairs[1], { key: 'old', value: 'https://b.example', enabled: false });
    assert.deepEqual(bruList(parse('vars:secret [a, b]\n'), 'vars:secret'), ['a', 'b']);
  });

  test("a value over several lines between ''' is one value", () => {
    const blocks = parse("vars:pre-request {\n  note: '''\n    line one\n    line two\n  '''\n  after: x\n}\n");
    assert.equal(bruDictionary(blocks, 'vars:pre-request')?.get('note'), 'line one\nline two');
    assert.equal(bruDictionary(blocks, 'vars:pre-request')?.get('after'), 'x');
  });

  test('an unclosed block is refused with its name and line, never its content', () => {
    assert.throws(
      () => parse('meta {\n  name: r\n}\n\nauth:oauth2 {\n  client_secret: hunter2\n'),
      (error: unknown) =>
        error instanceof ImportFileError && error.file === 'r.bru' && error.message.includes('"auth:oauth2" (line 5)') && !error.message.includes('hunter2'),
    );
  });

  test('bounded: a file of a million lines stops at the deadline, checked while reading', () => {
    let now = 0;
    const budget = new ImportBudget(() => (now += 10));
    assert.throws(
      () => parseBru(`docs {\n${'  x\n'.repeat(1_000_000)}}\n`, 'big.bru', budget),
      (error: unknown) => error instanceof ImportLimitError && error.limit === 'time' && error.file === 'big.bru',
    );
  });
});
