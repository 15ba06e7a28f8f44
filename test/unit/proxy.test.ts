import * as assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import * as path from 'node:path';
import { execute, forgetBasicVariants, resetNetwork, type ExecuteOptions } from '../../src/core/index';
import { assertNoSecret, loggedWith, rejectsWith } from '../fixtures/assertions';
import { answer, startServer } from '../fixtures/httpServer';
import { startOidcServer, type OidcServer } from '../fixtures/oidcServer';
import { startProxy, type TestProxy } from '../fixtures/proxyServer';
import { createTestPki, type TestPki } from '../fixtures/testPki';
import { clientCredentialsOf } from '../fixtures/invokerProperties';

const PROXY_VARIABLES = ['https_proxy', 'HTTPS_PROXY', 'http_proxy', 'HTTP_PROXY', 'no_proxy', 'NO_PROXY'] as const;
const PROXY_USER = 'proxy-user';
const PROXY_PASSWORD = 'pr0xy:p@ss/w%rd+';

suite('proxy: a real CONNECT proxy on 127.0.0.1', function () {
  let pki: TestPki;
  let server: OidcServer;
  let httpsServer: OidcServer;
  let mtls: OidcServer;
  let proxy: TestProxy;
  let authProxy: TestProxy;
  const savedEnv: Partial<Record<(typeof PROXY_VARIABLES)[number], string>> = {};

  suiteSetup(async () => {
    pki = createTestPki();
    server = await startOidcServer();
    httpsServer = await startOidcServer({ https: { key: pki.server.key, cert: pki.server.cert } });
    mtls = await startOidcServer({ https: { key: pki.server.key, cert: pki.server.cert, ca: pki.ca.cert, requestCert: true, rejectUnauthorized: true } });
    proxy = await startProxy();
    authProxy = await startProxy({ credentials: { username: PROXY_USER, password: PROXY_PASSWORD } });
    for (const name of PROXY_VARIABLES) {
      savedEnv[name] = process.env[name];
    }
  });
  suiteTeardown(async () => {
    await resetNetwork();
    await Promise.all([server.close(), httpsServer.close(), mtls.close(), proxy.close(), authProxy.close()]);
    pki.remove();
  });
  setup(async () => {
    forgetBasicVariants();
    for (const name of PROXY_VARIABLES) {
      delete process.env[name];
    }
    await resetNetwork();
    proxy.requests.length = 0;
    authProxy.requests.length = 0;
  });
  teardown(async () => {
    for (const name of PROXY_VARIABLES) {
      if (savedEnv[name] === undefined) {
        delete process.env[name];
      } else {
        process.env[name] = savedEnv[name];
      }
    }
    await resetNetwork();
  });

  // These tests are about the proxy, mostly to a plain http:// server on 127.0.0.1: sending plain http:// through a
  // proxy takes "Allow Insecure HTTP" (the proxy reads it), as the test 'issue 9: …' below shows.
  const props: typeof clientCredentialsOf = (on, extra = {}) => clientCredentialsOf(on, { allowInsecureHttp: true, ...extra });

  function logged(): { lines: string[]; options: ExecuteOptions } {
    const lines: string[] = [];
    return { lines, options: { log: (level, line) => lines.push(`${level} ${line}`) } };
  }

  const targetOf = (on: OidcServer): string => new URL(on.tokenEndpoint).host;

  test("the invoker's proxy URL: the token request goes through it (the proxy saw the tunnel), and the log says so", async () => {
    const { lines, options } = logged();
    const message = await execute(props(server, { proxy: proxy.url }), options);
    assert.ok(message.accessToken !== undefined);
    assert.deepEqual(proxy.requests, [{ target: targetOf(server), status: 200 }]);
    assert.ok(lines.includes(`info through the proxy ${proxy.url} (from the invoker)`), lines.join('\n'));
  });

  test('issue 9: plain http:// to a loopback server through a proxy, without "Allow Insecure HTTP", is refused: no tunnel, no request', async () => {
    const before = server.tokenRequests();
    for (const [extra, options, source] of [
      [{ proxy: proxy.url }, {}, 'the invoker\'s "Proxy"'],
      [{}, { systemProxy: { proxy: proxy.url } }, 'VS Code\'s "http.proxy" setting'],
    ] as const) {
      const error = await rejectsWith(execute(clientCredentialsOf(server, extra), options), 'insecure-url');
      assert.deepEqual(
        error.issues.map((i) => i.field),
        ['authorizationServerUrl'],
      );
      assert.equal(
        error.message,
        `"Authorization Server URL" uses plain http:// to ${targetOf(server)}, and the request would go through the proxy ${proxy.url} (from ${source}), which would read credentials and tokens unencrypted. Connect directly (add the host to VS Code's "http.noProxy" or NO_PROXY, or set the invoker's "Proxy" to none), use https://, or turn on "Allow Insecure HTTP" for this invoker.`,
      );
      assertNoSecret(error, [server.basicClient.clientSecret]);
    }
    assert.deepEqual(proxy.requests, []);
    assert.equal(server.tokenRequests(), before);
  });

  test('issue 9: 200 concurrent Executes through the proxy open at most 6 tunnels to one origin', async () => {
    const target = await startServer(answer(200, 'application/json', '{"access_token":"through-the-tunnel","token_type":"Bearer"}'));
    try {
      const p = props(server, { authorizationServerUrl: target.url, proxy: proxy.url });
      const messages = await Promise.all(Array.from({ length: 200 }, () => execute(p)));
      assert.equal(messages.filter((m) => m.accessToken === 'through-the-tunnel').length, 200);
      assert.equal(target.requests.length, 200);
      assert.ok(proxy.requests.length >= 1 && proxy.requests.length <= 6, `${proxy.requests.length} tunnels`);
      assert.ok(proxy.requests.every((r) => r.status === 200 && r.target === new URL(target.url).host));
    } finally {
      await target.close();
    }
  });

  test('the tunnel is kept alive: a second Execute opens no new one', async () => {
    await execute(props(server, { proxy: proxy.url }));
    // undici hands the connection back to its pool a tick after the answer ended; a request sent in the same tick
    // opens a second one (with or without a proxy). Executes are seconds apart in use.
    await new Promise((resolve) => setImmediate(resolve));
    await execute(props(server, { proxy: proxy.url }));
    assert.equal(proxy.requests.length, 1);
    assert.equal(server.tokenRequests() >= 2, true);
  });

  test("the core alone, without undici's index (as in the bundle), tunnels through the proxy", async () => {
    // Other suites load all of undici, which adds Dispatcher#connect that ProxyAgent needs; a child process does not.
    const core = path.join(__dirname, '..', '..', 'src', 'core', 'index.js');
    const script = `
      const core = require(${JSON.stringify(core)});
      core.execute(JSON.parse(process.env.PROPS)).then(
        (m) => console.log(JSON.stringify({ token: m.accessToken !== undefined, index: Object.keys(require.cache).some((k) => /undici[\\\\/]index\\.js$/.test(k)) })),
        (e) => console.log(JSON.stringify({ error: e.message })));`;
    const output = await new Promise<string>((resolve, reject) => {
      execFile(
        process.execPath,
        ['-e', script],
        { env: { PATH: process.env.PATH, PROPS: JSON.stringify(props(server, { proxy: proxy.url })) } },
        (error, stdout) => (error !== null ? reject(error) : resolve(stdout)),
      );
    });
    assert.deepEqual(JSON.parse(output), { token: true, index: false });
    assert.equal(proxy.requests.length, 1);
  });

  test("HTTPS through the proxy, with the invoker's CA file", async () => {
    const message = await execute(props(httpsServer, { proxy: proxy.url, tlsCaFile: pki.caFile }));
    assert.ok(message.accessToken !== undefined);
    assert.deepEqual(proxy.requests, [{ target: targetOf(httpsServer), status: 200 }]);
  });

  test('TLS failures through the proxy name their cause: unknown CA, client certificate required', async () => {
    const unknownCa = await rejectsWith(execute(props(httpsServer, { proxy: proxy.url })), 'tls');
    assert.equal(unknownCa.field, 'tlsCaFile');
    assert.match(unknownCa.message, /If a proxy inspects HTTPS on this network, it is the proxy's CA that is needed\./);
    const noCertificate = await rejectsWith(execute(props(mtls, { proxy: proxy.url, tlsCaFile: pki.caFile })), 'tls');
    assert.equal(noCertificate.field, 'tlsCertFile');
    assert.match(noCertificate.message, /requires a client certificate/);
  });

  suite('proxy authentication', () => {
    test("with the invoker's proxy credentials the proxy lets the request through; the password is in no log line", async () => {
      const { lines, options } = logged();
      const message = await execute(props(server, { proxy: authProxy.url, proxyUsername: PROXY_USER, proxyPassword: PROXY_PASSWORD }), options);
      assert.ok(message.accessToken !== undefined);
      assert.deepEqual(authProxy.requests, [{ target: targetOf(server), user: PROXY_USER, status: 200 }]);
      assert.ok(lines.some((line) => line.endsWith('(from the invoker, with credentials)')));
      assertNoSecret(lines, [PROXY_PASSWORD]);
    });

    test('without credentials: 407 is a proxy error naming "Proxy Username" and "Proxy Password"', async () => {
      const before = server.tokenRequests();
      const error = await rejectsWith(execute(props(server, { proxy: authProxy.url })), 'proxy');
      assert.equal(server.tokenRequests(), before, 'nothing reached the server');
      assert.equal(error.field, 'proxyUsername');
      assert.equal(
        error.message,
        `The token request to ${server.tokenEndpoint} failed: the proxy ${authProxy.url} requires authentication (407 Proxy Authentication Required). Set "Proxy Username" and "Proxy Password" in the invoker's network settings.`,
      );
    });

    test('wrong credentials: 407 says they were rejected, and the wrong password is nowhere in the error', async () => {
      const wrong = 'wr0ng-pr0xy-pässword';
      const { lines, options } = logged();
      const error = await rejectsWith(execute(props(server, { proxy: authProxy.url, proxyUsername: PROXY_USER, proxyPassword: wrong }), options), 'proxy');
      assert.equal(error.field, 'proxyPassword');
      assert.match(error.message, /rejected the proxy credentials \(407 Proxy Authentication Required\)\. Check "Proxy Username" and "Proxy Password"/);
      assertNoSecret(error, [wrong, PROXY_PASSWORD]);
      assertNoSecret(loggedWith(lines, /^info through the proxy .*with credentials/), [wrong]);
    });

    test("credentials in VS Code's http.proxy URL are used, and redacted from every message", async () => {
      const { lines, options } = logged();
      const url = `http://${PROXY_USER}:${encodeURIComponent(PROXY_PASSWORD)}@127.0.0.1:${authProxy.port}`;
      const message = await execute(props(server), { ...options, systemProxy: { proxy: url } });
      assert.ok(message.accessToken !== undefined);
      assert.equal(authProxy.requests[0]?.user, PROXY_USER);
      assert.ok(lines.includes(`info through the proxy http://127.0.0.1:${authProxy.port} (from http.proxy, with credentials)`), lines.join('\n'));
      assertNoSecret(lines, [PROXY_PASSWORD]);
    });

    test("VS Code's http.proxyAuthorization header value is sent when no credentials are given", async () => {
      const header = `Basic ${Buffer.from(`${PROXY_USER}:${PROXY_PASSWORD}`).toString('base64')}`;
      const { lines, options } = logged();
      await execute(props(server), { ...options, systemProxy: { proxy: authProxy.url, proxyAuthorization: header } });
      assert.equal(authProxy.requests[0]?.status, 200);
      assertNoSecret(loggedWith(lines, /^info through the proxy /), [header, PROXY_PASSWORD]);
    });
  });

  test('a proxy that refuses the connection: kind proxy, naming where the proxy came from', async () => {
    const closed = await startProxy();
    await closed.close();
    const error = await rejectsWith(execute(props(server, { proxy: closed.url })), 'proxy');
    assert.equal(error.field, 'proxy');
    assert.match(
      error.message,
      new RegExp(
        `the proxy ${closed.url} refused the connection \\(ECONNREFUSED\\)\\. Check the invoker's "Proxy", or set the invoker's "Proxy" to none to connect directly\\.`,
      ),
    );
  });

  test('a proxy that cannot reach the host answers 502: kind proxy, suggesting noProxy or none', async () => {
    const error = await rejectsWith(execute(props(server, { authorizationServerUrl: 'https://unreachable.example.test/token', proxy: proxy.url })), 'proxy');
    assert.match(
      error.message,
      /the proxy http:\/\/127\.0\.0\.1:\d+ would not open a connection to unreachable\.example\.test \(502 Bad Gateway\)\. If that server is only reachable directly, add it to VS Code's "http\.noProxy" or NO_PROXY/,
    );
    assert.deepEqual(proxy.requests, [{ target: 'unreachable.example.test:443', status: 502 }]);
  });

  suite('system proxy: settings, then environment variables', () => {
    test('HTTP_PROXY is used for an http:// token URL; the log names the variable', async () => {
      process.env.HTTP_PROXY = proxy.url;
      await resetNetwork();
      const { lines, options } = logged();
      await execute(props(server), options);
      assert.equal(proxy.requests.length, 1);
      assert.ok(lines.includes(`info through the proxy ${proxy.url} (from HTTP_PROXY)`), lines.join('\n'));
    });

    test('https_proxy is used for an https:// token URL', async () => {
      process.env.https_proxy = proxy.url;
      await resetNetwork();
      await execute(props(httpsServer, { tlsCaFile: pki.caFile }));
      assert.deepEqual(proxy.requests, [{ target: targetOf(httpsServer), status: 200 }]);
    });

    test('NO_PROXY sends a listed host directly', async () => {
      process.env.HTTP_PROXY = proxy.url;
      process.env.NO_PROXY = 'example.com, 127.0.0.1';
      await resetNetwork();
      const message = await execute(props(server));
      assert.ok(message.accessToken !== undefined);
      assert.equal(proxy.requests.length, 0);
    });

    test('NO_PROXY with a CIDR range and a port', async () => {
      process.env.HTTP_PROXY = proxy.url;
      process.env.no_proxy = `127.0.0.0/8:${new URL(server.tokenEndpoint).port}`;
      await resetNetwork();
      await execute(props(server));
      assert.equal(proxy.requests.length, 0);
    });

    test('"none" ignores the environment', async () => {
      process.env.HTTP_PROXY = 'http://127.0.0.1:9'; // nothing listens there: using it would fail
      await resetNetwork();
      const message = await execute(props(server, { proxy: 'none' }));
      assert.ok(message.accessToken !== undefined);
    });

    test("VS Code's http.proxy wins over the environment; its http.noProxy is honoured", async () => {
      process.env.HTTP_PROXY = 'http://127.0.0.1:9';
      await resetNetwork();
      await execute(props(server), { systemProxy: { proxy: proxy.url } });
      assert.equal(proxy.requests.length, 1);
      proxy.requests.length = 0;
      await execute(props(server), { systemProxy: { proxy: proxy.url, noProxy: ['127.0.0.1'] } });
      assert.equal(proxy.requests.length, 0);
    });

    test('useEnvironment false (http.proxySupport off) ignores HTTP_PROXY', async () => {
      process.env.HTTP_PROXY = 'http://127.0.0.1:9';
      await resetNetwork();
      const message = await execute(props(server), { systemProxy: { useEnvironment: false } });
      assert.ok(message.accessToken !== undefined);
    });

    test('an unusable proxy variable is a proxy error naming the variable', async () => {
      process.env.HTTP_PROXY = 'socks5://127.0.0.1:1080';
      await resetNetwork();
      const error = await rejectsWith(execute(props(server)), 'proxy');
      assert.match(
        error.message,
        /The proxy in the HTTP_PROXY environment variable uses socks5:\/\/, but only http:\/\/ and https:\/\/ proxies are supported\./,
      );
    });

    test('http.proxyStrictSSL off: through the system proxy, an unverifiable server is accepted, with a warning', async () => {
      const message = await execute(props(httpsServer), { systemProxy: { proxy: proxy.url, strictSSL: false } });
      assert.ok(message.accessToken !== undefined);
      assert.ok(
        message.metadata.warnings.some((w) => /"http\.proxyStrictSSL" is off/.test(w)),
        message.metadata.warnings.join('|'),
      );
      assert.equal(proxy.requests.length, 1);
    });
  });
});
