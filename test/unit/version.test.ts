import * as assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { PRODUCT_VERSION, USER_AGENT } from '../../src/core/model/version';

suite('version', () => {
  test("the User-Agent names the extension with package.json's version", () => {
    const pkg = JSON.parse(readFileSync(join(__dirname, '../../../package.json'), 'utf8')) as { version: string };
    assert.equal(PRODUCT_VERSION, pkg.version);
    assert.equal(USER_AGENT, `oauth2-invoker-vscode/${pkg.version}`);
  });
});
