import * as assert from 'node:assert/strict';
import { openableUrl } from '../../src/shared/safeUrl';

/** Asserts the address is opened, as the URL parser writes it. */
function opens(value: string, href = value, allowInsecureHttp = false): void {
  assert.deepEqual(openableUrl(value, { allowInsecureHttp }), { ok: true, href }, value);
}

/** Asserts the address is refused, with a reason that says why and does not repeat the address. */
function refuses(value: string, because: RegExp, allowInsecureHttp = false): void {
  const result = openableUrl(value, { allowInsecureHttp });
  assert.equal(result.ok, false, `${value} should be refused`);
  if (!result.ok) {
    assert.match(result.reason, because, value);
    assert.ok(value.trim() === '' || !result.reason.includes(value.trim()), `the reason does not repeat the address: ${result.reason}`);
    assert.ok(!result.reason.includes(']('), `the reason carries no link syntax: ${result.reason}`);
  }
}

suite('safe URL: what the extension opens (issue 17)', () => {
  test('https:// anywhere is opened, also with a user name before the host', () => {
    opens('https://login.example.com/authorize?client_id=a&state=b');
    opens('https://evil@login.example.com/authorize', 'https://evil@login.example.com/authorize');
    opens('  https://login.example.com/device  ', 'https://login.example.com/device');
    opens('HTTPS://Login.Example.com/x', 'https://login.example.com/x');
  });

  test('plain http:// to this machine is opened: 127.0.0.0/8, localhost, ::1 and IPv4-mapped ::1', () => {
    opens('http://127.0.0.1:8080/authorize');
    opens('http://127.8.9.10/a');
    opens('http://localhost:3000/device');
    opens('http://app.localhost/x');
    opens('http://[::1]:9000/authorize');
    opens('http://[::ffff:127.0.0.1]/x', 'http://[::ffff:7f00:1]/x');
    // Other spellings of 127.0.0.1 that the URL parser normalises.
    opens('http://2130706433/x', 'http://127.0.0.1/x');
    opens('http://0x7f.1/x', 'http://127.0.0.1/x');
  });

  test('plain http:// to another host is refused, whatever the name looks like', () => {
    refuses('http://login.example.com/authorize', /plain http:\/\/ to login\.example\.com, which is not this machine/);
    refuses('http://127.0.0.1.evil.com/authorize', /plain http:\/\/ to 127\.0\.0\.1\.evil\.com/);
    refuses('http://localhost.evil.com/', /plain http:\/\/ to localhost\.evil\.com/);
    refuses('http://127.0.0.1@evil.com/', /plain http:\/\/ to evil\.com/);
    refuses('http://[::2]/', /plain http:\/\//);
    refuses('http://10.0.0.1/', /plain http:\/\//);
  });

  test('"Allow Insecure HTTP" lets plain http:// reach another host, as for the token URL, and nothing else', () => {
    opens('http://login.example.com/authorize', 'http://login.example.com/authorize', true);
    refuses('vscode://another.extension/run', /is a vscode: address/, true);
    refuses('file:///etc/passwd', /is a file: address/, true);
  });

  test('every other scheme is refused: vscode:, command:, file:, javascript:, data:, and others', () => {
    refuses('vscode://another.extension/do?x=1', /is a vscode: address, and only https:\/\/ \(or http:\/\/ to this machine\) is opened$/);
    refuses('vscode-insiders://another.extension/do', /is a vscode-insiders: address/);
    refuses('command:workbench.action.terminal.sendSequence?%7B%22text%22%3A%22x%22%7D', /is a command: address/);
    refuses('file:///C:/Windows/System32/calc.exe', /is a file: address/);
    refuses('javascript:alert(1)', /is a javascript: address/);
    refuses('JavaScript:alert(1)', /is a javascript: address/);
    refuses('data:text/html,<script>alert(1)</script>', /is a data: address/);
    refuses('ftp://example.com/file', /is a ftp: address/);
    refuses('mailto:someone@example.com', /is a mailto: address/);
  });

  test('text that is not an absolute URL is refused', () => {
    refuses('', /is not a valid URL/);
    refuses('login.example.com/authorize', /is not a valid URL/);
    refuses('/authorize', /is not a valid URL/);
    refuses('https://', /is not a valid URL/);
  });
});
