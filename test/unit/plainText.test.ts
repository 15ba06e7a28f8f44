import * as assert from 'node:assert/strict';
import { escapeMarkdown, plainText } from '../../src/shared/plainText';
import { notificationLinks } from '../fixtures/notificationLinks';

const RENEW = '[Renew](command:workbench.action.terminal.sendSequence?%7B%22text%22%3A%22x%22%7D)';

suite('plain text: outside text never a link (issue 17)', () => {
  test('the shape VS Code links really is a link before, and is none after', () => {
    for (const hostile of [
      RENEW,
      '[Open](https://evil.example.com)',
      '[x](file:///etc/passwd)',
      '[Renew](COMMAND:workbench.action.reloadWindow "Renew now")',
      `error (invalid_client): ${RENEW} and [Other](http://127.0.0.1/x 'title')`,
      '[multi\nline](command:x)',
      '[a]\n(command:x)',
    ]) {
      assert.ok(notificationLinks(hostile).length > 0 || hostile.includes(']\n('), `the test's own shape matches ${hostile}`);
      assert.deepEqual(notificationLinks(plainText(hostile)), [], hostile);
    }
  });

  test('pieces of outside text cannot join into a link once the whole message went through it', () => {
    const message = plainText(`Sign in to "[Renew": enter the code ](command:x) at https://login.example.com/device`);
    assert.deepEqual(notificationLinks(message), []);
  });

  test('the text reads the same: only an invisible joiner is added, and only inside "]("', () => {
    const shown = plainText(RENEW);
    assert.equal(shown.replace(/\u2060/g, ''), RENEW);
    assert.equal(shown, RENEW.replace('](', ']\u2060('));
    // Bare addresses are not links in a notification: a verification URI stays exactly copyable.
    const device = 'enter the code WDJB-MJHT at https://example.com/device?user_code=WDJB-MJHT (expires in 15 min)';
    assert.equal(plainText(device), device);
  });

  test('Markdown: every ASCII punctuation character is escaped, so nothing is markup, HTML, icon or link', () => {
    const hostile = `${RENEW} <img src=x onerror=alert(1)> https://evil.example.com www.evil.example.com a@evil.example.com $(zap) **b** _i_ # h | t | 1. x`;
    const escaped = escapeMarkdown(hostile);
    // Each punctuation character is preceded by a backslash that is not itself escaped.
    assert.match(escaped, /^(?:[^!-/:-@[-`{-~]|\\[!-/:-@[-`{-~])*$/);
    assert.equal(escaped.replace(/\\([!-/:-@[-`{-~])/g, '$1'), hostile);
    assert.ok(!escaped.includes('https://') && !escaped.includes('www.') && !escaped.includes(']('));
  });

  test('Markdown: line breaks become spaces, letters, digits, spaces and other scripts stay as they are', () => {
    assert.equal(escapeMarkdown('line one\r\nline two\n\nthree'), 'line one line two three');
    assert.equal(escapeMarkdown('Zugriff verweigert 403 é 中文'), 'Zugriff verweigert 403 é 中文');
    assert.equal(escapeMarkdown('a\\b'), 'a\\\\b');
  });
});
