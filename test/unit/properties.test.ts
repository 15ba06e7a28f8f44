import * as assert from 'node:assert/strict';
import { validateProperties, type InvokerProperties } from '../../src/core/index';
import { isLoopbackHost } from '../../src/shared/urlValidation';

function fields(properties: InvokerProperties, target?: string): string[] {
  return validateProperties(properties, target).map((issue) => issue.field);
}

const URL_ = 'https://as.example.com/token';

suite('invoker properties', () => {
  test('valid properties for each grant give no issue', () => {
    assert.deepEqual(fields({ authorizationServerUrl: URL_, grantType: 'client_credentials', clientId: 'a', clientSecret: 'b' }, 'DJMOUT'), []);
    assert.deepEqual(fields({ authorizationServerUrl: URL_, grantType: 'password', username: 'u', password: 'p' }), []);
    assert.deepEqual(fields({ authorizationServerUrl: URL_, grantType: 'refresh_token', clientId: 'spa', refreshToken: 'r' }), []);
  });

  test('every missing field of client credentials is named, each in one sentence', () => {
    const issues = validateProperties({ authorizationServerUrl: '', grantType: 'client_credentials' });
    assert.deepEqual(
      issues.map((issue) => issue.message),
      [
        '"Authorization Server URL" is required.',
        '"Client ID" is required for the Client Credentials grant.',
        '"Client Secret" is required for the Client Credentials grant.',
      ],
    );
  });

  test('password grant needs username and password; refresh grant needs a refresh token', () => {
    assert.deepEqual(fields({ authorizationServerUrl: URL_, grantType: 'password', username: ' ' }), ['username', 'password']);
    assert.deepEqual(fields({ authorizationServerUrl: URL_, grantType: 'refresh_token' }), ['refreshToken']);
  });

  suite('issue 11: the sign-in grants', () => {
    const code = {
      authorizationServerUrl: URL_,
      grantType: 'authorization_code' as const,
      clientId: 'app',
      authorizationEndpointUrl: 'https://as.example.com/authorize',
    };
    const device = {
      authorizationServerUrl: URL_,
      grantType: 'device_code' as const,
      clientId: 'tv',
      deviceAuthorizationEndpointUrl: 'https://as.example.com/device',
    };

    test('valid: a public client with its endpoint; no secret needed', () => {
      assert.deepEqual(fields(code), []);
      assert.deepEqual(fields(device), []);
      assert.deepEqual(fields({ ...code, redirectUri: 'http://127.0.0.1:33418/callback' }), []);
      assert.deepEqual(fields({ ...code, redirectUri: 'http://localhost/cb' }), []);
      assert.deepEqual(fields({ ...code, redirectUri: 'https://code.example.com/proxy/33418/callback' }), []);
      assert.deepEqual(fields({ ...code, redirectUri: 'vscode://oauth2-invoker.oauth2-invoker/callback' }), []);
    });

    test('each missing field is named in one sentence', () => {
      const codeIssues = validateProperties({ authorizationServerUrl: URL_, grantType: 'authorization_code' }).map((i) => i.message);
      assert.deepEqual(codeIssues, [
        '"Client ID" is required for the Authorization Code (PKCE) grant.',
        '"Authorization Endpoint URL" is required for the Authorization Code (PKCE) grant.',
      ]);
      const deviceIssues = validateProperties({ authorizationServerUrl: URL_, grantType: 'device_code' }).map((i) => i.message);
      assert.deepEqual(deviceIssues, [
        '"Client ID" is required for the Device Authorization grant.',
        '"Device Authorization Endpoint" is required for the Device Authorization grant.',
      ]);
    });

    test('endpoints: https, or http only to loopback; a redirect URI with a fragment, plain http elsewhere or another scheme is refused', () => {
      assert.deepEqual(fields({ ...code, authorizationEndpointUrl: 'http://as.example.com/authorize' }), ['authorizationEndpointUrl']);
      assert.deepEqual(fields({ ...code, authorizationEndpointUrl: 'http://as.example.com/authorize', allowInsecureHttp: true }), []);
      // Issue 17: what the browser would hand to another program or extension is refused at the field.
      for (const endpoint of [
        'vscode://another.extension/run?x=1',
        'command:workbench.action.terminal.sendSequence',
        'file:///etc/passwd',
        'javascript:alert(1)',
        'data:text/html,<b>x</b>',
        'http://127.0.0.1.evil.example/authorize',
      ]) {
        assert.deepEqual(fields({ ...code, authorizationEndpointUrl: endpoint }), ['authorizationEndpointUrl'], endpoint);
        assert.deepEqual(fields({ ...device, deviceAuthorizationEndpointUrl: endpoint }), ['deviceAuthorizationEndpointUrl'], endpoint);
      }
      assert.deepEqual(fields({ ...code, authorizationEndpointUrl: 'http://[::1]:8080/authorize' }), []);
      assert.deepEqual(fields({ ...device, deviceAuthorizationEndpointUrl: 'ftp://x/device' }), ['deviceAuthorizationEndpointUrl']);
      assert.deepEqual(fields({ ...code, redirectUri: 'http://127.0.0.1/cb#x' }), ['redirectUri']);
      assert.deepEqual(fields({ ...code, redirectUri: 'http://192.168.1.2/cb' }), ['redirectUri']);
      assert.deepEqual(fields({ ...code, redirectUri: 'javascript:alert(1)' }), ['redirectUri']);
      assert.deepEqual(fields({ ...code, redirectUri: 'not a uri' }), ['redirectUri']);
    });

    test('authorization parameters may not set what the invoker sets (state, redirect_uri, code_challenge…), nor token parameters code or code_verifier', () => {
      assert.deepEqual(
        fields({
          ...code,
          authorizationParameters: [
            { name: 'prompt', value: 'login' },
            { name: 'state', value: 'x' },
          ],
        }),
        ['authorizationParameters'],
      );
      assert.deepEqual(fields({ ...code, authorizationParameters: [{ name: 'code_challenge_method', value: 'plain' }] }), ['authorizationParameters']);
      assert.deepEqual(fields({ ...code, extraParameters: [{ name: 'code_verifier', value: 'x' }] }), ['extraParameters']);
      assert.deepEqual(fields({ ...device, extraParameters: [{ name: 'device_code', value: 'x' }] }), ['extraParameters']);
    });
  });

  test('a secret without a client id is refused', () => {
    assert.deepEqual(fields({ authorizationServerUrl: URL_, grantType: 'password', username: 'u', password: 'p', clientSecret: 's' }), ['clientId']);
  });

  test('URLs: not a URL, another scheme, credentials in the URL, a fragment', () => {
    const bad = (url: string): string[] =>
      validateProperties({ authorizationServerUrl: url, grantType: 'refresh_token', refreshToken: 'r' }).map((issue) => issue.message);
    // Issue 21: an address without a scheme says to add https://.
    assert.equal(bad('as.example.com/token')[0], '"Authorization Server URL" has no scheme: add https:// in front ("https://as.example.com/token").');
    assert.match(bad('localhost:8080/token')[0], /has no scheme: add https:\/\/ in front \("https:\/\/localhost:8080\/token"\)/);
    assert.match(bad('not a url')[0], /"Authorization Server URL" is not a valid URL/);
    assert.match(bad('ftp://as.example.com/token')[0], /must start with https:\/\//);
    assert.match(bad('https://user:pw@as.example.com/token')[0], /must not contain a user name or password/);
    assert.match(bad('https://as.example.com/token#x')[0], /#fragment/);
    assert.deepEqual(bad('https://as.example.com/token?api-version=2'), []);
  });

  test('extra parameters may not set what the invoker sets, nor repeat, nor have a value without a name', () => {
    const issues = validateProperties({
      authorizationServerUrl: URL_,
      grantType: 'refresh_token',
      refreshToken: 'r',
      extraParameters: [
        { name: 'client_secret', value: 'x' },
        { name: 'audience', value: 'a' },
        { name: 'audience', value: 'b' },
        { name: '', value: 'orphan' },
        { name: '', value: '' },
      ],
    });
    assert.deepEqual(
      issues.map((issue) => issue.message),
      [
        '"Extra Parameters" row 1 sets "client_secret", which the invoker sets from its own property.',
        '"Extra Parameters" row 3 repeats "audience".',
        '"Extra Parameters" row 4 has a value but no name.',
      ],
    );
  });

  test('issue 12: the Introspection and Revocation Endpoints are optional; when set, each is checked and named', () => {
    const base: InvokerProperties = {
      authorizationServerUrl: 'https://as.example.com/token',
      grantType: 'client_credentials',
      clientId: 'c',
      clientSecret: 's',
    };
    assert.deepEqual(validateProperties({ ...base, introspectionEndpoint: '', revocationEndpoint: ' ' }), []);
    assert.deepEqual(
      validateProperties({ ...base, introspectionEndpoint: 'https://as.example.com/introspect', revocationEndpoint: 'https://as.example.com/revoke' }),
      [],
    );
    const issues = validateProperties({ ...base, introspectionEndpoint: 'nope', revocationEndpoint: 'ftp://as.example.com/revoke' });
    assert.deepEqual(
      issues.map((issue) => [issue.field, issue.message]),
      [
        ['introspectionEndpoint', '"Introspection Endpoint" is not a valid URL: "nope".'],
        ['revocationEndpoint', '"Revocation Endpoint" must start with https:// (it starts with ftp://).'],
      ],
    );
    assert.deepEqual(
      validateProperties({ ...base, revocationEndpoint: 'https://u:p@as.example.com/revoke#x' }).map((issue) => issue.message),
      // Both problems, as for the token endpoint.
      [
        '"Revocation Endpoint" must not contain a user name or password; use Client ID and Client Secret.',
        '"Revocation Endpoint" must not contain a #fragment.',
      ],
    );
  });

  test('the target message must be a name like DJMOUT', () => {
    const p: InvokerProperties = { authorizationServerUrl: URL_, grantType: 'refresh_token', refreshToken: 'r' };
    assert.deepEqual(fields(p, 'DJMOUT'), []);
    assert.deepEqual(fields(p, 'token.dev-1'), []);
    assert.deepEqual(fields(p, ''), ['targetMessage']);
    assert.deepEqual(fields(p, '1abc'), ['targetMessage']);
    assert.deepEqual(fields(p, 'has space'), ['targetMessage']);
  });

  test('an unknown grant type is named', () => {
    assert.deepEqual(fields({ authorizationServerUrl: URL_, grantType: 'implicit' as never }), ['grantType']);
  });

  test('loopback hosts', () => {
    for (const host of ['localhost', 'LOCALHOST', 'api.localhost', '127.0.0.1', '127.1.2.3', '[::1]', '::1', '[::ffff:7f00:1]']) {
      assert.ok(isLoopbackHost(host), host);
    }
    for (const host of ['example.com', 'localhost.example.com', '128.0.0.1', '10.0.0.1', '[::2]', '127.0.0.1.nip.io', '[::ffff:a00:1]']) {
      assert.ok(!isLoopbackHost(host), host);
    }
    assert.equal(new URL('http://[::ffff:127.0.0.1]/').hostname, '[::ffff:7f00:1]');
  });
});
