import * as assert from 'node:assert/strict';
import { execute, forgetBasicVariants, type DJMessage, type InvokerError, type InvokerProperties } from '../../src/core/index';
import { assertNoSecret, loggedWith, rejectsWith } from '../fixtures/assertions';
import { answer, startServer, type Handler, type TestServer } from '../fixtures/httpServer';
import { formEncoded, htmlEscaped, secretSpellings } from '../fixtures/spellings';

const SECRET = 'sup3r-s3cret:+/%&=é';
const PASSWORD = 'hunter2-pässword';
const REFRESH = 'rt-0123456789abcdef';
const SECRETS = [SECRET, PASSWORD, REFRESH];

suite('messy authorization servers', () => {
  let server: TestServer | undefined;
  setup(() => forgetBasicVariants());
  teardown(async () => {
    await server?.close();
    server = undefined;
  });

  async function serve(handler: Handler): Promise<TestServer> {
    server = await startServer(handler);
    return server;
  }

  function props(url: string, extra: Partial<InvokerProperties> = {}): InvokerProperties {
    return { authorizationServerUrl: url, grantType: 'password', clientId: 'cli', clientSecret: SECRET, username: 'u', password: PASSWORD, ...extra };
  }

  test('an HTML 500 page is a server rejection that says so, with the page in the message body', async () => {
    const s = await serve(answer(500, 'text/html; charset=utf-8', '<!DOCTYPE html><html><body>Oops</body></html>'));
    const error = await rejectsWith(execute(props(s.url), { timeoutMs: 5000 }), 'server-rejected');
    assert.equal(error.status, 500);
    assert.match(error.message, /500 Internal Server Error.*HTML page/);
    assert.equal(error.djMessage?.body, '<!DOCTYPE html><html><body>Oops</body></html>');
    assert.equal(error.djMessage?.metadata.failed, true);
    assertNoSecret(error, SECRETS);
  });

  test('an empty 403 is a server rejection naming the status', async () => {
    const s = await serve(answer(403, undefined, ''));
    const error = await rejectsWith(execute(props(s.url, { clientSecret: 'plain' })), 'server-rejected');
    assert.equal(error.status, 403);
    assert.match(error.message, /403 Forbidden.*empty body/);
    assert.equal(s.requests.length, 1, 'no retry: both Basic forms are the same bytes');
  });

  test('a 200 form-encoded answer (GitHub style) gives every field, with a warning', async () => {
    const s = await serve(answer(200, 'application/x-www-form-urlencoded', 'access_token=gho_abc&scope=repo%2Cgist&token_type=bearer'));
    const message = await execute(props(s.url));
    assert.deepEqual(message.propertyNames(), ['AccessToken', 'scope', 'token_type']);
    assert.equal(message.accessToken, 'gho_abc');
    assert.equal(message.getProperty('scope'), 'repo,gist');
    assert.ok(message.metadata.warnings.some((w) => /form-encoded/.test(w)));
  });

  test('a 200 without access_token is an invalid response', async () => {
    const s = await serve(answer(200, 'application/json', JSON.stringify({ token_type: 'Bearer', refresh_token: REFRESH })));
    const error = await rejectsWith(execute(props(s.url)), 'invalid-response');
    assert.match(error.message, /"access_token" is missing/);
    assertNoSecret(error, SECRETS);
  });

  test('a string expires_in is read as a number, with a warning', async () => {
    const s = await serve(answer(200, 'application/json', '{"access_token":"t","token_type":"Bearer","expires_in":"3600"}'));
    const message = await execute(props(s.url), { now: () => 1_000_000 });
    assert.equal(message.getProperty('expires_in'), '3600');
    assert.equal(message.metadata.expiresAt, 1_000_000 + 3_600_000);
    assert.equal(message.metadata.expirySource, 'expires_in');
    assert.ok(message.metadata.warnings.some((w) => /"expires_in" is a string/.test(w)));
  });

  test('a lowercase bearer token type is kept, with a warning', async () => {
    const s = await serve(answer(200, 'application/json', '{"access_token":"t","token_type":"bearer"}'));
    const message = await execute(props(s.url));
    assert.equal(message.getProperty('token_type'), 'bearer');
    assert.ok(message.metadata.warnings.some((w) => /case-insensitive/.test(w)));
  });

  test('a missing token_type is kept, with a warning', async () => {
    const s = await serve(answer(200, 'application/json', '{"access_token":"t"}'));
    const message = await execute(props(s.url));
    assert.deepEqual(message.propertyNames(), ['AccessToken']);
    assert.ok(message.metadata.warnings.some((w) => /"token_type" is missing/.test(w)));
  });

  test('a 302 is not followed: the error names the Location', async () => {
    const s = await serve(answer(302, 'text/html', '', { location: 'https://login.example.com/authorize' }));
    const error = await rejectsWith(execute(props(s.url)), 'redirect');
    assert.equal(error.location, 'https://login.example.com/authorize');
    assert.match(error.message, /302 Found.*https:\/\/login\.example\.com\/authorize/);
    assert.equal(s.requests.length, 1);
  });

  test('a 10 MB answer with a Content-Length is refused without reading it', async () => {
    const s = await serve(answer(200, 'application/json', `{"access_token":"${'x'.repeat(10 * 1024 * 1024)}"}`));
    const error = await rejectsWith(execute(props(s.url)), 'too-large');
    assert.match(error.message, /larger than 1024 KiB/);
  });

  test('a 10 MB chunked answer is refused once it passes the cap, and the connection is dropped', async () => {
    let written = 0;
    let closed = false;
    const s = await serve((_request, res, socket) => {
      res.writeHead(200, { 'content-type': 'application/json' });
      socket.on('close', () => (closed = true));
      const chunk = 'x'.repeat(64 * 1024);
      const pump = (): void => {
        while (written < 10 * 1024 * 1024 && !closed) {
          written += chunk.length;
          if (!res.write(chunk)) {
            res.once('drain', pump);
            return;
          }
        }
        res.end();
      };
      pump();
    });
    await rejectsWith(execute(props(s.url)), 'too-large');
    for (let waited = 0; !closed && waited < 2000; waited += 10) {
      await new Promise((resolve) => setTimeout(resolve, 10));
    }
    assert.ok(closed, 'the connection was closed');
    assert.ok(written < 10 * 1024 * 1024, `the server wrote ${written} bytes before the client hung up`);
  });

  test('a server that never answers times out within timeoutMs', async () => {
    const s = await serve(() => undefined);
    const error = await rejectsWith(execute(props(s.url), { timeoutMs: 150 }), 'timeout');
    assert.match(error.message, /did not complete within 0\.15 s/);
  });

  test('a slow body is bounded by the same timeout', async () => {
    const s = await serve((_request, res) => {
      res.writeHead(200, { 'content-type': 'application/json', 'content-length': '100' });
      res.write('{"access_token":');
    });
    await rejectsWith(execute(props(s.url), { timeoutMs: 150 }), 'timeout');
  });

  test('a connection reset mid-body is a network error, not a truncated token', async () => {
    const s = await serve((_request, res, socket) => {
      res.writeHead(200, { 'content-type': 'application/json', 'content-length': '1000' });
      res.write('{"access_token":"abc', () => setTimeout(() => socket.destroy(), 10));
    });
    const error = await rejectsWith(execute(props(s.url)), 'network');
    assert.match(error.message, /closed before the whole answer arrived|reset/);
    assertNoSecret(error, SECRETS);
  });

  test('an abort stops the exchange at once', async () => {
    const s = await serve(() => undefined);
    const controller = new AbortController();
    setTimeout(() => controller.abort(), 30);
    const error = await rejectsWith(execute(props(s.url), { signal: controller.signal }), 'aborted');
    assert.match(error.message, /^The token request to http:\/\/127\.0\.0\.1:\d+\/token was cancelled\.$/);
  });

  test('an already aborted signal sends nothing', async () => {
    const s = await serve(answer(200, 'application/json', '{"access_token":"t"}'));
    await rejectsWith(execute(props(s.url), { signal: AbortSignal.abort() }), 'aborted');
    assert.equal(s.requests.length, 0);
  });

  for (const [label, body] of [
    ['truncated JSON', '{"'],
    ['null', 'null'],
    ['an array', '[]'],
    ['a number', '42'],
  ] as const) {
    test(`a 200 whose body is ${label} is an invalid response`, async () => {
      const s = await serve(answer(200, 'application/json', body));
      const error = await rejectsWith(execute(props(s.url)), 'invalid-response');
      assert.equal(error.status, 200);
      assert.equal(error.djMessage?.body, body);
    });
  }

  test('a 200 carrying an error field is a rejection', async () => {
    const s = await serve(answer(200, 'application/json', '{"error":"invalid_grant","error_description":"bad"}'));
    const error = await rejectsWith(execute(props(s.url)), 'server-rejected');
    assert.equal(error.error, 'invalid_grant');
  });

  test("the server's error, description and uri are carried; an echoed secret is redacted everywhere", async () => {
    const body = JSON.stringify({ error: 'invalid_request', error_description: `password ${PASSWORD} is wrong`, error_uri: 'https://docs.example.com/e' });
    const s = await serve(answer(400, 'application/json;charset=UTF-8', body));
    const error = await rejectsWith(execute(props(s.url)), 'server-rejected');
    assert.equal(error.status, 400);
    assert.equal(error.error, 'invalid_request');
    assert.equal(error.errorDescription, 'password [REDACTED] is wrong');
    assert.equal(error.errorUri, 'https://docs.example.com/e');
    assert.equal(error.message, 'The authorization server rejected the token request (400 Bad Request, invalid_request): password [REDACTED] is wrong');
    assert.deepEqual(error.djMessage?.propertyNames(), ['error', 'error_description', 'error_uri']);
    assertNoSecret(error, SECRETS);
  });

  test('a refused connection is a network error naming the cause', async () => {
    const s = await serve(answer(200, 'application/json', '{}'));
    const url = s.url;
    await s.close();
    server = undefined;
    const error = await rejectsWith(execute(props(url)), 'network');
    assert.match(error.message, /refused/);
  });

  test('plain http to a non-loopback host is refused before any connection', async () => {
    const error = await rejectsWith(execute(props('http://auth.example.com/token')), 'insecure-url');
    assert.match(error.message, /"Authorization Server URL" uses plain http:\/\/ to auth\.example\.com/);
  });

  test('the keep-alive pool reuses one connection across executions', async () => {
    const s = await serve(answer(200, 'application/json', '{"access_token":"t","token_type":"Bearer"}'));
    for (let i = 0; i < 6; i += 1) {
      await execute(props(s.url));
    }
    const connections = new Set(s.requests.map((request) => request.remotePort));
    // undici hands a socket back to its pool a tick after the body ends, so back-to-back calls may open a second one.
    assert.ok(connections.size <= 2, `6 executions used ${connections.size} connections`);
  });

  test('on the wire: exact headers, a Content-Length and the form body', async () => {
    const s = await serve(answer(200, 'application/json', '{"access_token":"t","token_type":"Bearer"}'));
    await execute(props(s.url, { credentialsInRequestBody: true, scope: 'a b' }));
    const { headers, body, method } = s.requests[0];
    assert.equal(method, 'POST');
    assert.equal(headers['content-type'], 'application/x-www-form-urlencoded');
    assert.equal(headers.accept, 'application/json');
    assert.equal(headers.authorization, undefined);
    assert.equal(headers['content-length'], String(Buffer.byteLength(body)));
    assert.equal(
      body,
      `grant_type=password&username=u&password=h%C3%BCnter2-p%C3%A4ssword&scope=a+b&client_id=cli&client_secret=${encodeURIComponent(SECRET).replace(/%20/g, '+')}`.replace(
        'h%C3%BCnter2',
        'hunter2',
      ),
    );
  });
});

suite('Basic encoding fallback (basicEncoding: auto)', () => {
  let server: TestServer | undefined;
  setup(() => forgetBasicVariants());
  teardown(async () => {
    await server?.close();
    server = undefined;
  });

  /** A server that compares the Basic header's raw bytes, as some in-house servers do. */
  function rawComparingServer(id: string, secret: string): Handler {
    const expected = `Basic ${Buffer.from(`${id}:${secret}`, 'utf8').toString('base64')}`;
    return (request, res) => {
      if (request.headers.authorization === expected) {
        res.writeHead(200, { 'content-type': 'application/json' });
        res.end('{"access_token":"raw-ok","token_type":"Bearer"}');
      } else {
        res.writeHead(401, { 'content-type': 'application/json', 'www-authenticate': 'Basic' });
        res.end('{"error":"invalid_client"}');
      }
    };
  }

  const id = 'client';
  const secret = 'a+b/c=';

  test('a server that rejects the RFC form gets one retry with the raw form, which is remembered', async () => {
    server = await startServer(rawComparingServer(id, secret));
    const properties: InvokerProperties = { authorizationServerUrl: server.url, grantType: 'client_credentials', clientId: id, clientSecret: secret };
    const message = await execute(properties);
    assert.equal(message.accessToken, 'raw-ok');
    assert.equal(message.metadata.basicVariant, 'raw');
    assert.equal(server.requests.length, 2);
    const second = await execute(properties);
    assert.equal(second.metadata.basicVariant, 'raw');
    assert.equal(server.requests.length, 3, 'the remembered raw form is sent first: one request');
  });

  test('when both forms are rejected, the error says both were tried and there is no third request', async () => {
    server = await startServer(rawComparingServer(id, 'another'));
    const error = await rejectsWith(
      execute({ authorizationServerUrl: server.url, grantType: 'client_credentials', clientId: id, clientSecret: secret }),
      'server-rejected',
    );
    assert.equal(error.error, 'invalid_client');
    assert.match(error.message, /Both Basic forms/);
    assert.equal(server.requests.length, 2);
    assertNoSecret(error, [secret]);
  });

  test('a raw retry the server cannot even parse (400 invalid_request) reports the first answer and is not remembered', async () => {
    server = await startServer((request, res) => {
      const raw = `Basic ${Buffer.from(`${id}:${secret}`, 'utf8').toString('base64')}`;
      res.writeHead(request.headers.authorization === raw ? 400 : 401, { 'content-type': 'application/json' });
      res.end(request.headers.authorization === raw ? '{"error":"invalid_request","error_description":"malformed credentials"}' : '{"error":"invalid_client"}');
    });
    const properties: InvokerProperties = { authorizationServerUrl: server.url, grantType: 'client_credentials', clientId: id, clientSecret: secret };
    const error = await rejectsWith(execute(properties), 'server-rejected');
    assert.equal(error.error, 'invalid_client');
    assert.match(error.message, /Both Basic forms/);
    await rejectsWith(execute(properties), 'server-rejected');
    const rfc = `Basic ${Buffer.from(`${encodeURIComponent(id)}:${new URLSearchParams([['', secret]]).toString().slice(1)}`).toString('base64')}`;
    assert.equal(server.requests[2].headers.authorization, rfc, 'the next Execute starts with the RFC 6749 form again');
  });

  test('basicEncoding rfc6749 never retries', async () => {
    server = await startServer(rawComparingServer(id, secret));
    await rejectsWith(
      execute({ authorizationServerUrl: server.url, grantType: 'client_credentials', clientId: id, clientSecret: secret, basicEncoding: 'rfc6749' }),
      'server-rejected',
    );
    assert.equal(server.requests.length, 1);
  });

  test('the timeout bounds the retry too', async () => {
    let calls = 0;
    server = await startServer((_request, res) => {
      calls += 1;
      if (calls === 1) {
        res.writeHead(401, { 'content-type': 'application/json' });
        res.end('{"error":"invalid_client"}');
      }
    });
    await rejectsWith(
      execute({ authorizationServerUrl: server.url, grantType: 'client_credentials', clientId: id, clientSecret: secret }, { timeoutMs: 200 }),
      'timeout',
    );
    assert.equal(calls, 2);
  });
});

suite('issue 9: redaction spellings', () => {
  const ID = 'cli:ent';
  const CLIENT_SECRET = `s3cr:t+/ é"<>'&=%\\`;
  let server: TestServer | undefined;
  setup(() => forgetBasicVariants());
  teardown(async () => {
    await server?.close();
    server = undefined;
  });

  /** Runs Execute against the server, returning the error and every log line. */
  async function failingExecute(
    handler: Handler,
    extra: Partial<InvokerProperties> = {},
  ): Promise<{ error: InvokerError; lines: string[]; server: TestServer }> {
    server = await startServer(handler);
    const lines: string[] = [];
    const properties: InvokerProperties = {
      authorizationServerUrl: server.url,
      grantType: 'client_credentials',
      clientId: ID,
      clientSecret: CLIENT_SECRET,
      ...extra,
    };
    const error = await rejectsWith(execute(properties, { log: (level, line) => lines.push(`${level}: ${line}`) }), 'server-rejected');
    return { error, lines, server };
  }

  /** No spelling of the client secret or of its Basic values, in the error (message, fields, failed message) or the log. */
  function assertNoSpelling(error: InvokerError, lines: readonly string[]): void {
    assertNoSecret({ error, lines: loggedWith(lines, /^info: answer body: /) }, secretSpellings(CLIENT_SECRET, ID));
  }

  test('a server that echoes the Basic value it received (both forms, on the retry) leaves it in neither the error nor the log', async () => {
    const {
      error,
      lines,
      server: s,
    } = await failingExecute((request, res) => {
      const basic = (request.headers.authorization ?? '').replace(/^Basic /, '');
      res.writeHead(401, { 'content-type': 'application/json' });
      res.end(
        JSON.stringify({
          error: 'invalid_client',
          error_description: `Unknown credentials ${basic} (${encodeURIComponent(basic).replace(/%[0-9A-F]{2}/g, (hex) => hex.toLowerCase())})`,
        }),
      );
    });
    assert.equal(s.requests.length, 2, 'both Basic forms were sent');
    assert.match(error.errorDescription ?? '', /^Unknown credentials \[REDACTED\]=* \(\[REDACTED\](%3d)*\)$/);
    assert.ok(lines.some((line) => line.includes('answer body: {"error":"invalid_client","error_description":"Unknown credentials [REDACTED]')));
    assertNoSpelling(error, lines);
  });

  test('a secret echoed HTML-escaped in an error page, or percent-encoded in lower-case hex, reaches neither the error nor the log', async () => {
    const { error, lines } = await failingExecute(
      answer(
        500,
        'text/html',
        `<html><body><p>Bad secret ${htmlEscaped(CLIENT_SECRET)}</p><a href="/retry?secret=${formEncoded(CLIENT_SECRET).replace(/%[0-9A-F]{2}/g, (hex) => hex.toLowerCase())}">retry</a></body></html>`,
      ),
      { credentialsInRequestBody: true },
    );
    assert.equal(error.djMessage?.body, '<html><body><p>Bad secret [REDACTED]</p><a href="/retry?secret=[REDACTED]">retry</a></body></html>');
    assertNoSpelling(error, lines);
  });

  test('a secret a server puts into token_type or expires_in is redacted in the warnings, not cut in half', async () => {
    server = await startServer(
      answer(200, 'application/json', JSON.stringify({ access_token: 't', token_type: `x${'y'.repeat(30)}${CLIENT_SECRET}`, expires_in: CLIENT_SECRET })),
    );
    const lines: string[] = [];
    const message = await execute(
      { authorizationServerUrl: server.url, grantType: 'client_credentials', clientId: ID, clientSecret: CLIENT_SECRET },
      { log: (level, line) => lines.push(`${level}: ${line}`) },
    );
    assert.deepEqual(message.metadata.warnings, [
      `"token_type" is "x${'y'.repeat(30)}[REDACTED…", not Bearer: the resource server may need another scheme.`,
      '"expires_in" is not a number of seconds ("[REDACTED]"); the expiry is unknown.',
    ]);
    assertNoSecret(
      { warnings: message.metadata.warnings, lines: loggedWith(lines, /^info: answer body: /) },
      secretSpellings(CLIENT_SECRET, ID).map((spelling) => spelling.slice(0, 8)),
    );
  });
});

suite('issue 9: deep JSON', () => {
  const LEVELS = 100_000;
  const deepArray = `${'['.repeat(LEVELS)}${']'.repeat(LEVELS)}`;
  const deepObject = `${'{"a":'.repeat(LEVELS)}1${'}'.repeat(LEVELS)}`;
  let server: TestServer | undefined;
  teardown(async () => {
    await server?.close();
    server = undefined;
  });

  async function run(body: string, status = 200): Promise<{ outcome: Promise<DJMessage>; lines: string[] }> {
    server = await startServer(answer(status, 'application/json', body));
    const lines: string[] = [];
    const outcome = execute(
      { authorizationServerUrl: server.url, grantType: 'refresh_token', refreshToken: 'rt-0123456789abcdef' },
      { log: (level, line) => lines.push(`${level}: ${line}`) },
    );
    return { outcome, lines };
  }

  test('100,000 levels of [ are an invalid response (code 4), not a network error', async () => {
    const { outcome, lines } = await run(deepArray);
    const error = await rejectsWith(outcome, 'invalid-response');
    assert.match(error.message, /not an object \(it is an array nested deeper than 64 levels\)/);
    assert.ok(lines.includes('info: answer body: ["[199998 characters nested deeper than 64 levels]"]'), lines.join('\n'));
  });

  test('100,000 levels of {"a": (600 KB) are an invalid response naming the field', async () => {
    const { outcome } = await run(deepObject);
    const error = await rejectsWith(outcome, 'invalid-response');
    assert.ok(
      error.message.endsWith(
        `"access_token" is missing from its answer. "a" is nested deeper than 64 levels (${deepObject.length - 6} characters): it was not read.`,
      ),
      error.message,
    );
  });

  test('a 200 whose valid access_token sits beside one deep field gives the token, with a warning', async () => {
    const body = `{"access_token":"at-1","token_type":"Bearer","refresh_token":"rt-2","deep":${deepObject}}`;
    const { outcome, lines } = await run(body);
    const message = await outcome;
    assert.equal(message.accessToken, 'at-1');
    assert.equal(message.getProperty('refresh_token'), 'rt-2');
    assert.equal(message.getProperty('deep'), deepObject);
    assert.deepEqual(message.metadata.warnings, [`"deep" is nested deeper than 64 levels (${deepObject.length} characters): it was not read.`]);
    // The log keeps the answer's shape, tokens redacted by name, the deep field as a note.
    assert.ok(
      lines.includes(
        `info: answer body: {"access_token":"[REDACTED]","token_type":"Bearer","refresh_token":"[REDACTED]","deep":"[${deepObject.length} characters nested deeper than 64 levels]"}`,
      ),
      lines.join('\n').slice(0, 2000),
    );
  });

  test("a deep error answer is the server's rejection", async () => {
    const { outcome } = await run(`{"error":"invalid_grant","trace":${deepArray}}`, 400);
    const error = await rejectsWith(outcome, 'server-rejected');
    assert.equal(error.error, 'invalid_grant');
  });
});
