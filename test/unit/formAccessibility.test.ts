import * as assert from 'node:assert/strict';
import { createNonce, formHtml, htmlLanguage } from '../../src/extension/formHtml';
import { notSavedAnnouncement } from '../../src/shared/formAnnouncement';

function page(language: string): string {
  return formHtml({ cspSource: 'vscode-resource:', scriptUri: 'form.js', styleUri: 'form.css', nonce: createNonce(), title: 'OAuth2 Invoker', language });
}

suite('the form read aloud (issue 21)', () => {
  test('a failed save names the fields to fix, each once and in the order given, not only how many problems', () => {
    assert.equal(notSavedAnnouncement(1, ['Name']), 'Not saved: 1 problem to fix, in "Name".');
    assert.equal(notSavedAnnouncement(2, ['Name', 'Token URL']), 'Not saved: 2 problems to fix, in "Name" and "Token URL".');
    assert.equal(
      notSavedAnnouncement(4, ['Name', 'Client ID', 'Client ID', 'Token URL']),
      'Not saved: 4 problems to fix, in "Name", "Client ID" and "Token URL".',
    );
    assert.equal(notSavedAnnouncement(3, []), 'Not saved: 3 problems to fix.');
  });

  test("the form's lang follows VS Code's display language; anything not shaped like a language tag is English", () => {
    assert.match(page('de'), /<html lang="de">/);
    assert.match(page('zh-cn'), /<html lang="zh-cn">/);
    assert.match(page('en'), /<html lang="en">/);
    for (const odd of ['', 'de"><script>', 'x y', 'toolonglanguage']) {
      assert.equal(htmlLanguage(odd), 'en', JSON.stringify(odd));
      assert.match(page(odd), /<html lang="en">/);
    }
  });
});
