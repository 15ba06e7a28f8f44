import * as assert from 'node:assert/strict';
import { loopbackTarget } from '../../src/shared/redirectUri';
import { validateRedirectUri } from '../../src/shared/urlValidation';

suite('redirect URI to loopback listener', () => {
  test("empty: a free port and /callback, the listener's URI sent (through asExternalUri)", () => {
    assert.deepEqual(loopbackTarget(''), { port: 0, path: '/callback', sendAsIs: false });
    assert.deepEqual(loopbackTarget('  '), { port: 0, path: '/callback', sendAsIs: false });
  });

  test('a loopback URI: its port and path; no port means a free one', () => {
    assert.deepEqual(loopbackTarget('http://127.0.0.1:33418/oauth/cb'), { port: 33418, path: '/oauth/cb', sendAsIs: false });
    assert.deepEqual(loopbackTarget('http://localhost:8080/callback'), { port: 8080, path: '/callback', sendAsIs: false });
  });

  test('issue 17: only the hosts the listener binds (127.0.0.1, localhost): [::1] or 127.0.0.2 would be sent but never reach it', () => {
    for (const uri of ['http://[::1]/cb', 'http://[::1]:8080/cb', 'http://127.0.0.2:8080/cb', 'http://app.localhost:8080/cb']) {
      assert.equal(loopbackTarget(uri), undefined, uri);
      const issues = validateRedirectUri(uri);
      assert.deepEqual(
        issues.map((i) => [i.field, i.code]),
        [['redirectUri', 'not-allowed']],
        uri,
      );
      assert.match(issues[0].message, /^"Redirect URI" uses .*127\.0\.0\.1 only/, uri);
    }
    assert.deepEqual(validateRedirectUri('http://127.0.0.1:8080/cb'), []);
    assert.deepEqual(validateRedirectUri('http://LOCALHOST/cb'), []);
  });

  test("code-server's port proxy registered as https: that port and path, the URI sent as registered", () => {
    assert.deepEqual(loopbackTarget('https://code.example.com/proxy/9402/callback'), { port: 9402, path: '/callback', sendAsIs: true });
    assert.deepEqual(loopbackTarget('https://code.example.com/absproxy/9402/a/b'), { port: 9402, path: '/a/b', sendAsIs: true });
  });

  test('no listener for vscode://, another https:// URL, plain http to another host, or text that is not a URI', () => {
    assert.equal(loopbackTarget('vscode://oauth2-invoker.oauth2-invoker/callback'), undefined);
    assert.equal(loopbackTarget('https://app.example.com/callback'), undefined);
    assert.equal(loopbackTarget('http://192.168.0.2:8080/callback'), undefined);
    assert.equal(loopbackTarget('not a uri'), undefined);
  });
});
