import * as assert from 'node:assert/strict';
import { discover, metadataUrls, resetNetwork, suggestCredentialsInRequestBody } from '../../src/core/index';
import { rejectsWith } from '../fixtures/assertions';
import { answer, startServer, type Handler, type TestServer } from '../fixtures/httpServer';
import { startOidcServer, type OidcServer } from '../fixtures/oidcServer';
import { startProxy, type TestProxy } from '../fixtures/proxyServer';
import { createTestPki, type TestPki } from '../fixtures/testPki';

suite('discovery', () => {
  suite('metadata URLs and the Credentials in Request Body suggestion', () => {
    test('an issuer without a path: OpenID Connect first, then RFC 8414', () => {
      assert.deepEqual(metadataUrls('https://as.example.com'), [
        'https://as.example.com/.well-known/openid-configuration',
        'https://as.example.com/.well-known/oauth-authorization-server',
      ]);
      assert.deepEqual(metadataUrls('https://as.example.com/'), metadataUrls('https://as.example.com'));
    });

    test('an issuer with a path: appended (OpenID), inserted (RFC 8414 §3.1), then inserted OpenID (RFC 8414 §5)', () => {
      assert.deepEqual(metadataUrls('https://sso.example.com/realms/acme/'), [
        'https://sso.example.com/realms/acme/.well-known/openid-configuration',
        'https://sso.example.com/.well-known/oauth-authorization-server/realms/acme',
        'https://sso.example.com/.well-known/openid-configuration/realms/acme',
      ]);
    });

    test('a /.well-known/ URL is read as it is', () => {
      assert.deepEqual(metadataUrls('https://login.example.com/tenant/v2.0/.well-known/openid-configuration'), [
        'https://login.example.com/tenant/v2.0/.well-known/openid-configuration',
      ]);
    });

    test('client_secret_basic supported -> false; only client_secret_post -> true; neither -> no suggestion; unlisted -> the default, Basic', () => {
      assert.equal(suggestCredentialsInRequestBody(['client_secret_post', 'client_secret_basic', 'private_key_jwt']), false);
      assert.equal(suggestCredentialsInRequestBody(['client_secret_post', 'private_key_jwt']), true);
      assert.equal(suggestCredentialsInRequestBody(['private_key_jwt', 'tls_client_auth']), undefined);
      assert.equal(suggestCredentialsInRequestBody(undefined), false);
    });
  });

  suite("against oidc-provider's real metadata", function () {
    let pki: TestPki;
    let server: OidcServer;
    let tlsServer: OidcServer;
    let proxy: TestProxy;
    suiteSetup(async () => {
      pki = createTestPki();
      server = await startOidcServer();
      tlsServer = await startOidcServer({ https: { key: pki.server.key, cert: pki.server.cert } });
      proxy = await startProxy();
    });
    suiteTeardown(async () => {
      await resetNetwork();
      await Promise.all([server.close(), tlsServer.close(), proxy.close()]);
      pki.remove();
    });

    test('finds the token endpoint, the grants and the client authentication methods', async () => {
      const result = await discover(server.issuer);
      assert.equal(result.issuer, server.issuer);
      assert.equal(result.metadataUrl, server.discoveryEndpoint);
      assert.equal(result.tokenEndpoint, server.tokenEndpoint);
      assert.ok(result.grantTypesSupported?.includes('client_credentials'), String(result.grantTypesSupported));
      assert.ok(result.grantTypesSupported?.includes('refresh_token'));
      assert.deepEqual(
        [...result.invokerGrantTypes].sort(),
        result.grantTypesSupported?.includes('password') ? ['client_credentials', 'password', 'refresh_token'] : ['client_credentials', 'refresh_token'],
      );
      assert.ok(result.tokenEndpointAuthMethodsSupported?.includes('client_secret_basic'));
      assert.equal(result.credentialsInRequestBody, false);
      assert.deepEqual(result.warnings, []);
      assert.equal(result.metadata.jwks_uri, server.jwksUri);
    });

    test('issue 17: the Issuer URL with a trailing slash is not this issuer: its metadata is refused, naming both (RFC 8414 §3.3)', async () => {
      const error = await rejectsWith(discover(`${server.issuer}/`), 'issuer-mismatch');
      assert.ok(error.message.includes(`"Issuer URL" is "${server.issuer}/"`), error.message);
      assert.ok(error.message.includes(`names the issuer "${server.issuer}"`), error.message);
      assert.match(error.message, /"Accept a Different Issuer"/);
      assert.deepEqual(
        error.issues.map((i) => i.field),
        ['issuer'],
      );
    });

    test('issue 12: finds the introspection and revocation endpoints', async () => {
      const result = await discover(server.issuer);
      assert.equal(result.introspectionEndpoint, server.introspectionEndpoint);
      assert.equal(result.revocationEndpoint, server.revocationEndpoint);
    });

    test('over HTTPS with the invoker\'s CA file; without it, a tls error that says "discovery request"', async () => {
      const error = await rejectsWith(discover(tlsServer.issuer), 'tls');
      assert.match(
        error.message,
        /^The discovery request to https:\/\/127\.0\.0\.1:\d+\/\.well-known\/openid-configuration failed: the server's certificate is signed by a certificate authority that is not trusted/,
      );
      const result = await discover(tlsServer.issuer, { network: { tlsCaFile: pki.caFile } });
      assert.equal(result.tokenEndpoint, tlsServer.tokenEndpoint);
    });

    test('through the invoker\'s proxy (plain http:// through a proxy needs "Allow Insecure HTTP")', async () => {
      proxy.requests.length = 0;
      const result = await discover(server.issuer, { network: { proxy: proxy.url }, allowInsecureHttp: true });
      assert.equal(result.tokenEndpoint, server.tokenEndpoint);
      assert.deepEqual(
        proxy.requests.map((r) => r.status),
        [200],
      );
    });

    test('issue 9: plain http:// to a loopback issuer through a proxy, without "Allow Insecure HTTP", is refused: the proxy sees nothing', async () => {
      proxy.requests.length = 0;
      const error = await rejectsWith(discover(server.issuer, { network: { proxy: proxy.url } }), 'insecure-url');
      assert.deepEqual(
        error.issues.map((i) => i.field),
        ['issuer'],
      );
      assert.match(
        error.message,
        new RegExp(
          `^"Issuer URL" uses plain http:// to 127\\.0\\.0\\.1:\\d+, and the request would go through the proxy ${proxy.url.replace(/\./g, '\\.')} \\(from the invoker's "Proxy"\\)`,
        ),
      );
      assert.deepEqual(proxy.requests, []);
    });
  });

  suite('against servers that answer one way each', () => {
    let s: TestServer | undefined;
    teardown(async () => {
      await s?.close();
      s = undefined;
    });
    async function serve(handler: Handler): Promise<TestServer> {
      s = await startServer(handler);
      return s;
    }
    const json = (res: Parameters<Handler>[1], body: unknown): void => {
      res.writeHead(200, { 'content-type': 'application/json' });
      res.end(JSON.stringify(body));
    };

    test('RFC 8414 path insertion for an issuer with a path; client_secret_post only -> credentials in the body', async () => {
      const server = await serve((request, res) => {
        if (request.url === '/.well-known/oauth-authorization-server/tenant/one') {
          json(res, {
            issuer: `${server.origin}/tenant/one`,
            token_endpoint: `${server.origin}/tenant/one/token`,
            grant_types_supported: ['client_credentials', 'urn:ietf:params:oauth:grant-type:jwt-bearer'],
            token_endpoint_auth_methods_supported: ['client_secret_post'],
          });
          return;
        }
        res.writeHead(404);
        res.end();
      });
      const result = await discover(`${server.origin}/tenant/one`);
      assert.equal(result.tokenEndpoint, `${server.origin}/tenant/one/token`);
      assert.equal(result.credentialsInRequestBody, true);
      assert.deepEqual(result.invokerGrantTypes, ['client_credentials', 'jwt_bearer']);
      assert.deepEqual(result.warnings, []);
      assert.deepEqual(
        server.requests.map((r) => [r.method, r.url, r.headers.accept]),
        [
          ['GET', '/tenant/one/.well-known/openid-configuration', 'application/json'],
          ['GET', '/.well-known/oauth-authorization-server/tenant/one', 'application/json'],
        ],
      );
    });

    test("issue 11: the sign-in endpoints, RFC 8628's grant URI and RFC 9207; a grant without its endpoint is not offered", async () => {
      const server = await serve((_request, res) =>
        json(res, {
          issuer: server.origin,
          token_endpoint: `${server.origin}/token`,
          authorization_endpoint: `${server.origin}/authorize`,
          device_authorization_endpoint: 'http://device.example.com/device',
          grant_types_supported: ['authorization_code', 'urn:ietf:params:oauth:grant-type:device_code', 'refresh_token'],
          authorization_response_iss_parameter_supported: true,
        }),
      );
      const result = await discover(server.origin);
      assert.equal(result.authorizationEndpoint, `${server.origin}/authorize`);
      // Plain http to a host that is not loopback: ignored, with a warning, and the device grant not offered.
      assert.equal(result.deviceAuthorizationEndpoint, undefined);
      assert.deepEqual(result.warnings, ['"device_authorization_endpoint" is not an https:// URL; it was ignored.']);
      assert.deepEqual(result.invokerGrantTypes, ['refresh_token', 'authorization_code']);
      assert.equal(result.issParameterSupported, true);
    });

    test('issue 17: metadata naming another issuer is not used: issuer-mismatch naming both, after every candidate URL', async () => {
      const server = await serve((_request, res) =>
        json(res, { issuer: 'https://elsewhere.example.com', token_endpoint: 'https://elsewhere.example.com/token' }),
      );
      const error = await rejectsWith(discover(server.origin), 'issuer-mismatch');
      assert.ok(error.message.includes(`"Issuer URL" is "${server.origin}"`), error.message);
      assert.ok(error.message.includes('names the issuer "https://elsewhere.example.com"'), error.message);
      assert.equal(server.requests.length, 2, 'the other candidate URL was tried too');
      await server.close();
      const none = await serve((_request, res) => json(res, { token_endpoint: 'https://elsewhere.example.com/token' }));
      assert.match((await rejectsWith(discover(none.origin), 'issuer-mismatch')).message, /names no "issuer"/);
    });

    test("issue 17: with acceptDifferentIssuer (a templated issuer such as Entra's {tenantid}) it is used, with a warning", async () => {
      const server = await serve((_request, res) =>
        json(res, { issuer: 'https://login.example.com/{tenantid}/v2.0', token_endpoint: 'https://login.example.com/common/oauth2/v2.0/token' }),
      );
      const result = await discover(`${server.origin}/common/v2.0`, { acceptDifferentIssuer: true });
      assert.equal(result.tokenEndpoint, 'https://login.example.com/common/oauth2/v2.0/token');
      assert.equal(result.issuer, 'https://login.example.com/{tenantid}/v2.0');
      assert.ok(result.warnings.some((w) => w.includes('"Accept a Different Issuer" is on')));
      assert.equal(result.credentialsInRequestBody, false, 'no methods listed: RFC 8414 default client_secret_basic');
    });

    test('nothing found: a server-rejected error listing every URL tried', async () => {
      const server = await serve(answer(404, 'text/plain', 'no'));
      const error = await rejectsWith(discover(`${server.origin}/realms/x`), 'server-rejected');
      assert.equal(server.requests.length, 3);
      assert.match(
        error.message,
        /No authorization server metadata was found for http:\/\/127\.0\.0\.1:\d+\/realms\/x: tried .*openid-configuration \(404\), .*oauth-authorization-server\/realms\/x \(404\)/,
      );
      assert.equal(error.status, 404);
    });

    test('a redirect is not followed; its target is reported', async () => {
      const server = await serve(answer(302, undefined, '', { location: 'https://login.example.com/.well-known/openid-configuration' }));
      const error = await rejectsWith(discover(server.origin), 'redirect');
      assert.equal(error.location, 'https://login.example.com/.well-known/openid-configuration');
      assert.equal(server.requests.length, 2, 'each candidate once, the Location never');
      assert.match(error.message, /redirects to https:\/\/login\.example\.com/);
    });

    test('an HTML page is not metadata', async () => {
      const server = await serve(answer(200, 'text/html', '<html>login</html>'));
      const error = await rejectsWith(discover(server.origin), 'invalid-response');
      assert.match(error.message, /is not JSON \(text\/html\)/);
    });

    test('metadata without a token endpoint, or with a plain http one elsewhere, is refused', async () => {
      const server = await serve((request, res) =>
        json(res, request.url.includes('openid') ? { issuer: 'x' } : { issuer: 'x', token_endpoint: 'http://as.example.com/token' }),
      );
      const error = await rejectsWith(discover(server.origin), 'invalid-response');
      assert.match(error.message, /has no "token_endpoint"/);
    });

    test('issue 12: an introspection endpoint that is plain http:// elsewhere is ignored with a warning; none named, none given', async () => {
      const server = await serve((_request, res) =>
        json(res, { issuer: server.origin, token_endpoint: 'https://a/token', introspection_endpoint: 'http://as.example.com/i' }),
      );
      const result = await discover(server.origin);
      assert.equal(result.introspectionEndpoint, undefined);
      assert.equal(result.revocationEndpoint, undefined);
      assert.ok(
        result.warnings.some((w) => w.startsWith('"introspection_endpoint" is not an https:// URL')),
        String(result.warnings),
      );
    });

    test('answers past the size cap are refused', async () => {
      const server = await serve(answer(200, 'application/json', JSON.stringify({ token_endpoint: 'https://a/token', pad: 'x'.repeat(5000) })));
      await rejectsWith(discover(server.origin, { maxResponseBytes: 1000 }), 'too-large');
    });

    test('a server that never answers times out', async () => {
      await serve(() => undefined);
      const error = await rejectsWith(discover((s as TestServer).origin, { timeoutMs: 150 }), 'timeout');
      assert.match(error.message, /did not complete within 0\.15 s/);
    });

    test('plain http to a host that is not loopback is refused before any request', async () => {
      const error = await rejectsWith(discover('http://as.example.com'), 'insecure-url');
      assert.deepEqual(
        error.issues.map((i) => i.field),
        ['issuer'],
      );
      await rejectsWith(discover('not a url'), 'invalid-properties');
      await rejectsWith(discover('https://as.example.com/?tenant=x'), 'invalid-properties');
    });
  });
});

suite('issue 9: deep JSON', () => {
  let server: TestServer | undefined;
  teardown(async () => {
    await server?.close();
    server = undefined;
  });

  test('metadata nested 100,000 levels deep beside a token endpoint is an invalid response, not a crash later', async () => {
    server = await startServer((request, res) => {
      const token = `http://127.0.0.1:${request.headers.host?.split(':')[1] ?? ''}/token`;
      res.writeHead(200, { 'content-type': 'application/json' });
      res.end(`{"issuer":"x","token_endpoint":"${token}","extra":${'['.repeat(100_000)}${']'.repeat(100_000)}}`);
    });
    const error = await rejectsWith(discover(server.origin), 'invalid-response');
    assert.match(error.message, /nests JSON deeper than 64 levels; it was not read\.$/);
  });
});
