import * as assert from 'node:assert/strict';
import type { LookupAddress, LookupOptions } from 'node:dns';
import { createServer } from 'node:http';
import type { AddressInfo, LookupFunction, Socket } from 'node:net';
import { networkInterfaces } from 'node:os';
import {
  bypassesProxy,
  discover,
  execute,
  proxyRouteFor,
  readProxyEnvironment,
  validateNetworkProperties,
  validateProperties,
  type InvokerProperties,
  type ProxyEnvironment,
} from '../../src/core/index';
import { isLoopbackAddress } from '../../src/core/signIn/loopback';
import { openPoolCount, resetNetwork, selectNetwork } from '../../src/core/net/network';
import { assertNoSecret, rejectsWith } from '../fixtures/assertions';
import { answer, startServer } from '../fixtures/httpServer';
import { describeNetworkFailure, type NetworkDescription } from '../../src/core/net/networkErrors';
import { createRedactor, isSensitiveName, redactUrlCredentials, urlPassword } from '../../src/core/secrets/redact';

const NO_ENV: ProxyEnvironment = {};
const u = (url: string): URL => new URL(url);

/** An error as Node or undici throws it: a message and a code. */
function nodeError(message: string, code: string, extra: Record<string, unknown> = {}): Error {
  return Object.assign(new Error(message), { code, ...extra });
}

suite('network: proxy choice', () => {
  const env: ProxyEnvironment = {
    httpsProxy: { name: 'HTTPS_PROXY', value: 'http://secure-proxy:3128' },
    httpProxy: { name: 'http_proxy', value: 'plain-proxy:8080' },
    noProxy: { name: 'NO_PROXY', value: '.internal.example, 10.0.0.0/8, localhost:8443' },
  };

  test('none is direct; a URL is that proxy for every host, NO_PROXY or not', () => {
    assert.equal(proxyRouteFor(u('https://as.example.com/token'), 'none', { proxy: 'http://p:1' }, env), undefined);
    const route = proxyRouteFor(u('https://a.internal.example/token'), 'http://mine:3128', undefined, env);
    assert.equal(route?.url.href, 'http://mine:3128/');
    assert.equal(route?.source, 'invoker');
  });

  test("system: VS Code's http.proxy first, then HTTPS_PROXY for https (HTTP_PROXY as fallback), HTTP_PROXY for http", () => {
    assert.equal(proxyRouteFor(u('https://as.example.com'), 'system', { proxy: 'http://vscode:1' }, env)?.source, 'settings');
    const https = proxyRouteFor(u('https://as.example.com'), undefined, undefined, env);
    assert.deepEqual([https?.url.host, https?.variable], ['secure-proxy:3128', 'HTTPS_PROXY']);
    const http = proxyRouteFor(u('http://127.0.0.1:8080/token'), undefined, undefined, env);
    assert.deepEqual([http?.url.href, http?.variable], ['http://plain-proxy:8080/', 'http_proxy'], 'a scheme-less value means http://');
    assert.equal(proxyRouteFor(u('https://as.example.com'), undefined, undefined, { httpProxy: env.httpProxy })?.variable, 'http_proxy');
    assert.equal(proxyRouteFor(u('https://as.example.com'), undefined, undefined, NO_ENV), undefined);
  });

  test('system: NO_PROXY and http.noProxy both send hosts directly; useEnvironment false ignores the variables', () => {
    assert.equal(proxyRouteFor(u('https://sso.internal.example/token'), undefined, undefined, env), undefined);
    assert.equal(proxyRouteFor(u('https://10.1.2.3/token'), undefined, undefined, env), undefined);
    assert.equal(proxyRouteFor(u('https://as.example.com'), undefined, { proxy: 'http://vscode:1', noProxy: ['example.com'] }, env), undefined);
    assert.equal(
      proxyRouteFor(u('https://sso.internal.example'), undefined, { proxy: 'http://vscode:1' }, env),
      undefined,
      'NO_PROXY applies to http.proxy too',
    );
    assert.equal(proxyRouteFor(u('https://as.example.com'), undefined, { useEnvironment: false }, env), undefined);
    assert.notEqual(proxyRouteFor(u('https://sso.internal.example'), undefined, { proxy: 'http://vscode:1', useEnvironment: false }, env), undefined);
  });

  test('NO_PROXY matching: *, suffixes, leading dots and stars, ports, IPv4 and IPv6 ranges, brackets', () => {
    const bypass = (url: string, ...entries: string[]): boolean => bypassesProxy(u(url), entries);
    assert.equal(bypass('https://anything.example', '*'), true);
    assert.equal(bypass('https://example.com', 'example.com'), true);
    assert.equal(bypass('https://api.example.com', 'example.com'), true);
    assert.equal(bypass('https://api.example.com', '*.example.com'), true);
    assert.equal(bypass('https://api.example.com', '.example.com'), true);
    assert.equal(bypass('https://badexample.com', 'example.com'), false);
    assert.equal(bypass('https://localhost:8443', 'localhost:8443'), true);
    assert.equal(bypass('https://localhost', 'localhost:8443'), false);
    assert.equal(bypass('https://127.0.0.1:9000', '127.0.0.0/8'), true);
    assert.equal(bypass('https://192.168.1.1', '127.0.0.0/8'), false);
    assert.equal(bypass('https://[::1]:8443', '::1'), true);
    assert.equal(bypass('https://[fd00::5]', 'fd00::/8'), true);
    assert.equal(bypass('https://[::1]:8443', '[::1]:8443'), true);
    assert.equal(bypass('https://as.example.com', 'a.example.org, b.example.org as.example.com'), true);
    assert.equal(bypass('https://as.example.com', '10.0.0.0/99'), false, 'a bad range is ignored');
  });

  test('the environment is read lower case first, blank values ignored', () => {
    const read = readProxyEnvironment({
      https_proxy: 'http://lower:1',
      HTTPS_PROXY: 'http://upper:1',
      http_proxy: ' ',
      HTTP_PROXY: 'http://up:2',
      NO_PROXY: 'x',
    });
    assert.deepEqual(read, {
      httpsProxy: { name: 'https_proxy', value: 'http://lower:1' },
      httpProxy: { name: 'HTTP_PROXY', value: 'http://up:2' },
      noProxy: { name: 'NO_PROXY', value: 'x' },
    });
  });

  test('an unsupported proxy scheme is a proxy error naming where it came from', () => {
    assert.throws(() => proxyRouteFor(u('https://a.example'), undefined, { proxy: 'socks5://p:1080' }, NO_ENV), /VS Code's "http\.proxy" setting uses socks5:/);
  });
});

suite('network: pools', () => {
  teardown(() => resetNetwork());

  test('without proxy or TLS properties: the shared direct pool, chosen synchronously, nothing opened', () => {
    const route = selectNetwork(u('https://as.example.com/token'), {}, { useEnvironment: false });
    assert.ok(!(route instanceof Promise));
    assert.equal(route.dispatcher, undefined);
    assert.equal(route.warning, undefined);
    assert.equal(openPoolCount(), 0);
  });

  test('one pool per configuration, reused; at most 16 kept', async () => {
    const a = await selectNetwork(u('https://as.example.com/token'), { proxy: 'http://127.0.0.1:1' });
    const b = await selectNetwork(u('https://other.example.com/token'), { proxy: 'http://127.0.0.1:1' });
    assert.equal(a.dispatcher, b.dispatcher, 'another host, same configuration: same pool');
    const c = await selectNetwork(u('https://as.example.com/token'), { proxy: 'http://127.0.0.1:1', proxyUsername: 'x', proxyPassword: 'y' });
    assert.notEqual(a.dispatcher, c.dispatcher, 'other credentials: another pool');
    for (let port = 2; port < 30; port += 1) {
      await selectNetwork(u('https://as.example.com/token'), { proxy: `http://127.0.0.1:${port}` });
    }
    assert.equal(openPoolCount(), 16);
  });

  for (const [shared, extra] of [
    ['the shared pool of plain http:// to loopback', {}],
    ['the shared direct pool ("Allow Insecure HTTP" on)', { allowInsecureHttp: true }],
  ] as const) {
    test(`resetNetwork (deactivation) closes ${shared} too: the next request opens a new connection`, async () => {
      const server = await startServer(answer(200, 'application/json', '{"access_token":"at","token_type":"Bearer"}'));
      try {
        const p: InvokerProperties = {
          authorizationServerUrl: server.url,
          grantType: 'client_credentials',
          clientId: 'c',
          clientSecret: 's',
          proxy: 'none',
          ...extra,
        };
        for (let request = 0; request < 4; request += 1) {
          await execute(p);
        }
        const before = new Set(server.requests.map((request) => request.remotePort));
        assert.ok(before.size < 4, 'connections are kept alive and reused between requests');
        await resetNetwork();
        await execute(p);
        assert.ok(!before.has(server.requests[4].remotePort), 'after the reset, a new connection: the kept-alive ones were closed');
      } finally {
        await server.close();
      }
    });
  }

  test('"Verify Server Certificate" off warns for https only', async () => {
    assert.match((await selectNetwork(u('https://as.example.com/token'), { tlsRejectUnauthorized: false })).warning ?? '', /not verified/);
    assert.equal((await selectNetwork(u('http://127.0.0.1/token'), { tlsRejectUnauthorized: false })).warning, undefined);
  });
});

suite('network: property validation', () => {
  const base: InvokerProperties = { authorizationServerUrl: 'https://as.example.com/token', grantType: 'client_credentials', clientId: 'a', clientSecret: 'b' };
  const fields = (extra: Partial<InvokerProperties>): string[] => validateProperties({ ...base, ...extra }).map((i) => i.field);

  test('proxy: system, none, a URL; anything else names "Proxy"', () => {
    assert.deepEqual(fields({ proxy: 'system' }), []);
    assert.deepEqual(fields({ proxy: 'none' }), []);
    assert.deepEqual(fields({ proxy: 'http://proxy.example.com:3128' }), []);
    assert.deepEqual(fields({ proxy: 'https://proxy.example.com/' }), []);
    assert.deepEqual(fields({ proxy: 'proxy.example.com:3128' }), ['proxy']);
    assert.deepEqual(fields({ proxy: 'socks5://proxy:1080' }), ['proxy']);
    assert.deepEqual(fields({ proxy: 'http://proxy:3128/path' }), ['proxy']);
  });

  test('credentials belong in their fields, not the proxy URL; a password needs a user name', () => {
    const issues = validateNetworkProperties({ proxy: 'http://u:p@proxy:3128', proxyPassword: 'x' });
    assert.deepEqual(
      issues.map((i) => i.field),
      ['proxy', 'proxyUsername'],
    );
    assert.equal(issues[0].message, '"Proxy" must not contain a user name or password; use "Proxy Username" and "Proxy Password".');
    assert.equal(issues[1].message, '"Proxy Username" is required when a "Proxy Password" is given.');
  });

  test('TLS files must be absolute; PFX or PEM, not both; a key needs its certificate', () => {
    assert.deepEqual(fields({ tlsCaFile: 'relative/ca.pem' }), ['tlsCaFile']);
    assert.deepEqual(fields({ tlsCaFile: '/etc/ssl/ca.pem', tlsCertFile: '/c.pem', tlsKeyFile: '/k.pem' }), []);
    assert.deepEqual(fields({ tlsPfxFile: '/c.p12', tlsCertFile: '/c.pem' }), ['tlsPfxFile']);
    assert.deepEqual(fields({ tlsKeyFile: '/k.pem' }), ['tlsCertFile']);
    assert.deepEqual(fields({ tlsCertFile: '/both.pem' }), [], 'the key may be in the certificate file');
    assert.deepEqual(fields({ tlsCaFile: '  ' }), [], 'blank is unset');
  });
});

suite('network: failures name their cause and fix', () => {
  const url = 'https://as.example.com/token';
  const direct: NetworkDescription = { clientCertificate: false };
  const viaProxy: NetworkDescription = {
    clientCertificate: false,
    proxy: { display: 'http://proxy.corp:3128', source: 'environment', variable: 'HTTPS_PROXY', hasCredentials: false },
  };

  test('DNS failure (ENOTFOUND): the host, the URL field, and the proxy setting as the other way', () => {
    const error = describeNetworkFailure(nodeError('getaddrinfo ENOTFOUND as.example.com', 'ENOTFOUND', { hostname: 'as.example.com' }), {
      url,
      network: direct,
    });
    assert.equal(error.kind, 'network');
    assert.equal(error.field, 'authorizationServerUrl');
    assert.equal(
      error.message,
      'The token request to https://as.example.com/token failed: the host name as.example.com could not be resolved (ENOTFOUND). Check the host in "Authorization Server URL"; if this network reaches it only through a proxy, set the invoker\'s "Proxy" (or VS Code\'s "http.proxy").',
    );
  });

  test("with a proxy, a failed connection is the proxy's: named with the variable it came from", () => {
    const error = describeNetworkFailure(nodeError('getaddrinfo ENOTFOUND proxy.corp', 'ENOTFOUND'), { url, network: viaProxy });
    assert.equal(error.kind, 'proxy');
    assert.equal(
      error.message,
      'The token request to https://as.example.com/token failed: the proxy http://proxy.corp:3128 could not be found: its host name does not resolve (DNS) (ENOTFOUND). Check the HTTPS_PROXY environment variable, or set the invoker\'s "Proxy" to none to connect directly.',
    );
  });

  test('TLS codes map to their sentences and fields', () => {
    const cases: Array<[string, string | undefined, RegExp]> = [
      ['SELF_SIGNED_CERT_IN_CHAIN', 'tlsCaFile', /chain ends at a self-signed CA that is not trusted/],
      ['UNABLE_TO_GET_ISSUER_CERT_LOCALLY', 'tlsCaFile', /signed by a certificate authority that is not trusted/],
      ['CERT_NOT_YET_VALID', 'tlsRejectUnauthorized', /not valid yet/],
      ['ERR_SSL_SSLV3_ALERT_HANDSHAKE_FAILURE', 'tlsCertFile', /most likely the server requires a client certificate/],
      ['ERR_SSL_SSLV3_ALERT_BAD_CERTIFICATE', 'tlsCertFile', /refused the client certificate/],
      ['ERR_SSL_WRONG_VERSION_NUMBER', 'authorizationServerUrl', /did not answer with TLS .* the port may serve plain HTTP/],
      ['ERR_SSL_SOMETHING_ELSE', undefined, /the TLS handshake failed \(ERR_SSL_SOMETHING_ELSE\)/],
    ];
    for (const [code, field, pattern] of cases) {
      const error = describeNetworkFailure(nodeError('x', code), { url, network: direct });
      assert.equal(error.kind, 'tls', code);
      assert.equal(error.field, field, code);
      assert.match(error.message, pattern, code);
    }
  });

  test('a TLS error undici wraps (through a proxy) is unwrapped', () => {
    const inner = nodeError("Hostname/IP does not match certificate's altnames", 'ERR_TLS_CERT_ALTNAME_INVALID', {
      reason: "Host: as.example.com. is not in the cert's altnames: DNS:other",
    });
    const wrapped = Object.assign(new Error('secure proxy connection failed'), { code: 'UND_ERR_PRX_TLS', cause: inner });
    const error = describeNetworkFailure(wrapped, { url, network: viaProxy });
    assert.equal(error.kind, 'tls');
    assert.match(
      error.message,
      /not valid for the host as\.example\.com \(ERR_TLS_CERT_ALTNAME_INVALID: Host: as\.example\.com\. is not in the cert's altnames: DNS:other\)/,
    );
  });

  test('a secret in an underlying message is redacted', () => {
    const error = describeNetworkFailure(nodeError('connect to http://u:hunter22@proxy failed', 'EWHATEVER'), { url, redact: createRedactor(['hunter22']) });
    assert.ok(!error.message.includes('hunter22') && !(error.cause?.message ?? '').includes('hunter22'));
  });
});

suite('redaction of network secrets', () => {
  test("a proxy URL's credentials are replaced; its password (as written and decoded) is a secret", () => {
    assert.equal(redactUrlCredentials('http://bob:s%40cret@proxy:3128'), 'http://[REDACTED]@proxy:3128');
    assert.deepEqual(urlPassword('http://bob:s%40cret@proxy:3128'), ['s%40cret', 's@cret']);
    assert.deepEqual(urlPassword('proxy:3128'), []);
  });

  test('passphrases and Proxy-Authorization are sensitive names', () => {
    assert.equal(isSensitiveName('tlsPassphrase'), true);
    assert.equal(isSensitiveName('proxy-authorization'), true);
  });
});

/** An address of this machine that is not loopback: where a hostile DNS answer for a `.localhost` name could point. */
function nonLoopbackAddress(): { address: string; family: 4 | 6 } | undefined {
  const all = Object.values(networkInterfaces()).flatMap((list) => list ?? []);
  const v4 = all.find((one) => !one.internal && one.family === 'IPv4');
  if (v4 !== undefined) {
    return { address: v4.address, family: 4 };
  }
  const v6 = all.find((one) => !one.internal && one.family === 'IPv6' && !one.address.toLowerCase().startsWith('fe80:'));
  return v6 !== undefined ? { address: v6.address, family: 6 } : undefined;
}

/** A resolver that answers every name with these addresses, as a hostile (or just misconfigured) DNS server would. */
function resolverAnswering(...answers: Array<{ address: string; family: 4 | 6 }>): LookupFunction & { asked: string[] } {
  const asked: string[] = [];
  const lookup = (
    hostname: string,
    options: LookupOptions,
    callback: (error: NodeJS.ErrnoException | null, address: string | LookupAddress[], family?: number) => void,
  ): void => {
    asked.push(hostname);
    setImmediate(() => (options.all === true ? callback(null, answers) : callback(null, answers[0].address, answers[0].family)));
  };
  return Object.assign(lookup, { asked });
}

/** A plain HTTP token endpoint that counts every connection and every byte it receives. */
async function countingServer(
  host: string,
): Promise<{ port: number; connections: () => number; bytes: () => number; requests: () => number; close: () => Promise<void> }> {
  let connections = 0;
  let bytes = 0;
  let requests = 0;
  const sockets = new Set<Socket>();
  const server = createServer((req, res) => {
    requests += 1;
    req.resume();
    req.on('end', () => {
      res.writeHead(200, { 'content-type': 'application/json' });
      res.end('{"access_token":"at-from-counting-server","token_type":"Bearer","expires_in":60}');
    });
  });
  server.on('connection', (socket: Socket) => {
    connections += 1;
    sockets.add(socket);
    socket.on('data', (chunk: Buffer) => {
      bytes += chunk.length;
    });
    socket.on('close', () => sockets.delete(socket));
  });
  await new Promise<void>((resolve) => server.listen(0, host, resolve));
  return {
    port: (server.address() as AddressInfo).port,
    connections: () => connections,
    bytes: () => bytes,
    requests: () => requests,
    close: () =>
      new Promise<void>((resolve) => {
        sockets.forEach((socket) => socket.destroy());
        server.close(() => resolve());
      }),
  };
}

suite('issue 9: plain http:// without "Allow Insecure HTTP" goes only where the connection really is loopback', () => {
  const outside = nonLoopbackAddress() ?? { address: '192.0.2.1', family: 4 as const }; // TEST-NET-1 when the machine has no other address
  let evil: Awaited<ReturnType<typeof countingServer>> | undefined;
  let local: Awaited<ReturnType<typeof countingServer>>;
  const secret = 'cl1ent-s3cret-in-cl3ar';
  const props = (url: string, extra: Partial<InvokerProperties> = {}): InvokerProperties => ({
    authorizationServerUrl: url,
    grantType: 'client_credentials',
    clientId: 'client',
    clientSecret: secret,
    proxy: 'none',
    ...extra,
  });

  suiteSetup(async () => {
    evil = nonLoopbackAddress() !== undefined ? await countingServer(outside.address) : undefined;
    local = await countingServer('127.0.0.1');
  });
  suiteTeardown(async () => {
    await resetNetwork();
    await Promise.all([evil?.close(), local.close()]);
  });

  const evilPort = (): number => evil?.port ?? 9;

  test('a *.localhost name that resolves elsewhere: refused at connect time, the server there receives no byte', async () => {
    const lookup = resolverAnswering(outside);
    const options = { lookup }; // a variable: the option is new, and the test must compile against the code before it
    const error = await rejectsWith(execute(props(`http://evil.localhost:${evilPort()}/token`), options), 'insecure-url');
    assert.deepEqual(lookup.asked, ['evil.localhost'], 'the name was resolved, with the injected resolver');
    assert.equal(error.field, 'authorizationServerUrl');
    assert.deepEqual(
      error.issues.map((i) => [i.field, i.code]),
      [['authorizationServerUrl', 'not-allowed']],
    );
    assert.equal(
      error.message,
      `The token request to http://evil.localhost:${evilPort()}/token failed: "Authorization Server URL" uses plain http:// to evil.localhost:${evilPort()}, which resolved to ${outside.address}, not a loopback address: nothing was sent, as credentials and tokens would travel unencrypted. Use https://, or turn on "Allow Insecure HTTP" for this invoker.`,
    );
    assertNoSecret(error, [secret]);
    assert.equal(evil?.connections() ?? 0, 0);
    assert.equal(evil?.bytes() ?? 0, 0);
  });

  test('localhost. and a *.localhost name resolving to a second address besides loopback are refused too', async () => {
    for (const host of ['localhost.', 'app.localhost']) {
      const options = { lookup: resolverAnswering({ address: '127.0.0.1', family: 4 }, outside) };
      const error = await rejectsWith(execute(props(`http://${host}:${evilPort()}/token`), options), 'insecure-url');
      assert.match(error.message, new RegExp(`which resolved to ${outside.address.replace(/[.:]/g, '\\$&')}, not a loopback address`));
    }
    assert.equal(evil?.bytes() ?? 0, 0);
  });

  test('the same hostile answer with "Allow Insecure HTTP" on reaches that server: the refusal above is the guard, not the network', async () => {
    if (evil === undefined) {
      return; // this machine has no address but loopback: nothing could have been reached (the guard is shown above)
    }
    const before = evil.requests();
    const lookup = resolverAnswering(outside);
    const message = await execute(props(`http://evil.localhost:${evil.port}/token`, { allowInsecureHttp: true }), { lookup });
    assert.equal(message.accessToken, 'at-from-counting-server');
    assert.equal(evil.requests(), before + 1);
    // The connection kept alive for that invoker is never lent to one without "Allow Insecure HTTP".
    const bytes = evil.bytes();
    await rejectsWith(execute(props(`http://evil.localhost:${evil.port}/token`), { lookup }), 'insecure-url');
    assert.equal(evil.bytes(), bytes);
  });

  test('localhost., foo.localhost and localhost resolving to loopback (IPv4 or IPv6-mapped) still work', async () => {
    const before = local.requests();
    const answers = [
      ['localhost.', { address: '127.0.0.1', family: 4 }],
      ['foo.localhost', { address: '127.0.0.1', family: 4 }],
      ['localhost', { address: '127.0.0.1', family: 4 }],
      ['mapped.localhost', { address: '::ffff:127.0.0.1', family: 6 }],
    ] as const;
    for (const [host, answer] of answers) {
      const message = await execute(props(`http://${host}:${local.port}/token`), { lookup: resolverAnswering(answer) });
      assert.equal(message.accessToken, 'at-from-counting-server', host);
    }
    assert.equal(local.requests(), before + answers.length);
  });

  test('with the system resolver, localhost still works', async () => {
    const before = local.requests();
    const message = await execute(props(`http://localhost:${local.port}/token`));
    assert.equal(message.accessToken, 'at-from-counting-server');
    assert.equal(local.requests(), before + 1);
  });

  test('discovery: an issuer on a *.localhost name that resolves elsewhere is refused naming "Issuer URL", nothing sent', async () => {
    const [connections, bytes] = [evil?.connections() ?? 0, evil?.bytes() ?? 0];
    const options = { lookup: resolverAnswering(outside) };
    const error = await rejectsWith(discover(`http://evil.localhost:${evilPort()}`, options), 'insecure-url');
    assert.deepEqual(
      error.issues.map((i) => i.field),
      ['issuer'],
    );
    assert.match(
      error.message,
      new RegExp(
        `^The discovery request to http://evil\\.localhost:${evilPort()}/\\.well-known/openid-configuration failed: "Issuer URL" uses plain http:// to evil\\.localhost:${evilPort()}, which resolved to ${outside.address.replace(/[.:]/g, '\\$&')}, not a loopback address`,
      ),
    );
    assert.equal(evil?.connections() ?? 0, connections);
    assert.equal(evil?.bytes() ?? 0, bytes);
  });

  test('loopback addresses: 127.0.0.0/8, ::1 and IPv4-mapped loopback; nothing else', () => {
    for (const address of ['127.0.0.1', '127.1.2.3', '::1', '0:0:0:0:0:0:0:1', '::ffff:127.0.0.1', '::ffff:7f00:1']) {
      assert.ok(isLoopbackAddress(address), address);
    }
    for (const address of ['192.0.2.2', '10.0.0.1', '::', '0.0.0.0', '::ffff:192.0.2.2', 'fd00::2', 'localhost', '', undefined]) {
      assert.ok(!isLoopbackAddress(address), String(address));
    }
  });
});

suite('issue 9: connections per origin are bounded, as a browser bounds them', () => {
  let server: Awaited<ReturnType<typeof countingServer>>;
  setup(async () => {
    server = await countingServer('127.0.0.1');
  });
  teardown(async () => {
    await resetNetwork();
    await server.close();
  });

  const props = (extra: Partial<InvokerProperties> = {}): InvokerProperties => ({
    authorizationServerUrl: `http://127.0.0.1:${server.port}/token`,
    grantType: 'client_credentials',
    clientId: 'client',
    clientSecret: 'secret',
    proxy: 'none',
    ...extra,
  });

  const cases: Array<[string, Partial<InvokerProperties>]> = [
    ['the shared pool of plain http:// to loopback', {}],
    ['the shared direct pool ("Allow Insecure HTTP" on)', { allowInsecureHttp: true }],
    ['a pool of its own (a TLS property set)', { tlsRejectUnauthorized: false }],
  ];
  for (const [name, extra] of cases) {
    test(`200 concurrent Executes open at most 6 connections: ${name}`, async () => {
      const messages = await Promise.all(Array.from({ length: 200 }, () => execute(props(extra))));
      assert.equal(messages.filter((m) => m.accessToken === 'at-from-counting-server').length, 200);
      assert.equal(server.requests(), 200);
      assert.ok(server.connections() >= 1 && server.connections() <= 6, `${server.connections()} connections`);
    });
  }
});
