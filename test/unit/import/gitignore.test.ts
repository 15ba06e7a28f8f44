import * as assert from 'node:assert/strict';
import { gitignoreCovers, gitignoreWith } from '../../../src/shared/import/index';

suite('export: is the private env file ignored by git?', () => {
  test('name, glob, anchored path, ** and negation, the last matching line deciding', () => {
    const cases: Array<[string, string, boolean]> = [
      ['', 'http-client.private.env.json', false],
      ['http-client.private.env.json', 'http-client.private.env.json', true],
      ['http-client.private.env.json', 'api/http-client.private.env.json', true],
      ['*.private.env.json', 'api/http-client.private.env.json', true],
      ['/http-client.private.env.json', 'api/http-client.private.env.json', false],
      ['api/*.json', 'api/http-client.private.env.json', true],
      ['**/http-client.*.json', 'a/b/http-client.private.env.json', true],
      ['*.json\n!http-client.private.env.json', 'http-client.private.env.json', false],
      ['# http-client.private.env.json', 'http-client.private.env.json', false],
      ['http-client.env.json', 'http-client.private.env.json', false],
      ['http-client?private.env.json', 'http-client.private.env.json', true],
    ];
    for (const [text, path, expected] of cases) {
      assert.equal(gitignoreCovers(text, path), expected, `${JSON.stringify(text)} ${path}`);
    }
  });

  test("adding the file: a line at the end, anchored when in a subfolder, the file's line ending kept", () => {
    assert.equal(gitignoreWith('', 'http-client.private.env.json'), 'http-client.private.env.json\n');
    assert.equal(gitignoreWith('node_modules/', 'http-client.private.env.json'), 'node_modules/\nhttp-client.private.env.json\n');
    assert.equal(gitignoreWith('out\r\n', 'api/http-client.private.env.json'), 'out\r\n/api/http-client.private.env.json\r\n');
    for (const [text, path] of [
      ['', 'x.json'],
      ['a\n', 'api/x.json'],
    ]) {
      assert.ok(gitignoreCovers(gitignoreWith(text, path), path));
    }
  });
});
