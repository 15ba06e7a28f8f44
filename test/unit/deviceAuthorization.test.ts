import * as assert from 'node:assert/strict';
import type { ServerResponse } from 'node:http';
import type { Socket } from 'node:net';
import {
  createRedactor,
  pollDeviceToken,
  requestDeviceAuthorization,
  parseDeviceAuthorizationResponse,
  type DeviceAuthorization,
  type InvokerProperties,
} from '../../src/core/index';
import { assertNoSecret, rejectsWith } from '../fixtures/assertions';
import { answer, startServer, type TestServer } from '../fixtures/httpServer';

const json = { 'content-type': 'application/json' };

function raw(status: number, body: unknown): { status: number; headers: Record<string, string>; body: string } {
  return { status, headers: json, body: typeof body === 'string' ? body : JSON.stringify(body) };
}

const GOOD = { device_code: 'dev-c0de-secret', user_code: 'WDJB-MJHT', verification_uri: 'https://as.example.com/device', expires_in: 900 };

suite('device authorization response (RFC 8628 §3.2)', () => {
  const redact = createRedactor([]);

  test('the fields, interval 5 s when absent, verification_uri_complete when given', () => {
    assert.deepEqual(parseDeviceAuthorizationResponse(raw(200, GOOD), redact), {
      deviceCode: 'dev-c0de-secret',
      userCode: 'WDJB-MJHT',
      verificationUri: 'https://as.example.com/device',
      expiresInSeconds: 900,
      intervalSeconds: 5,
    });
    const complete = parseDeviceAuthorizationResponse(
      raw(200, { ...GOOD, interval: 7, verification_uri_complete: 'https://as.example.com/device?user_code=WDJB-MJHT' }),
      redact,
    );
    assert.equal(complete.intervalSeconds, 7);
    assert.equal(complete.verificationUriComplete, 'https://as.example.com/device?user_code=WDJB-MJHT');
  });

  test("Google's verification_url and a string expires_in are read", () => {
    const { verification_uri: uri, ...rest } = GOOD;
    const parsed = parseDeviceAuthorizationResponse(raw(200, { ...rest, verification_url: uri, expires_in: '1800' }), redact);
    assert.equal(parsed.verificationUri, uri);
    assert.equal(parsed.expiresInSeconds, 1800);
  });

  test("GitHub's form-encoded answer is read", () => {
    const parsed = parseDeviceAuthorizationResponse(
      {
        status: 200,
        headers: { 'content-type': 'application/x-www-form-urlencoded' },
        body: 'device_code=d1&user_code=AB-CD&verification_uri=https%3A%2F%2Fgithub.com%2Flogin%2Fdevice&expires_in=899&interval=5',
      },
      redact,
    );
    assert.equal(parsed.verificationUri, 'https://github.com/login/device');
  });

  test('each missing field is named; an error answer is server-rejected with its error', () => {
    for (const name of ['device_code', 'user_code', 'verification_uri', 'expires_in'] as const) {
      const rest: Record<string, unknown> = { ...GOOD };
      delete rest[name];
      assert.throws(
        () => parseDeviceAuthorizationResponse(raw(200, rest), redact),
        (e: Error & { kind?: string }) => e.kind === 'invalid-response' && e.message.includes(`"${name}"`),
      );
    }
    assert.throws(() => parseDeviceAuthorizationResponse(raw(200, { ...GOOD, verification_uri: 'javascript:alert(1)' }), redact), /"verification_uri"/);
    // Issue 17: the server's verification page is opened only under the rule for every opened address.
    for (const [uri, reason] of [
      ['vscode://another.extension/run?x=1', /"verification_uri" is a vscode: address/],
      ['command:workbench.action.terminal.sendSequence', /"verification_uri" is a command: address/],
      ['http://127.0.0.1.evil.example/device', /"verification_uri" uses plain http:\/\/ to 127\.0\.0\.1\.evil\.example, which is not this machine/],
    ] as const) {
      assert.throws(() => parseDeviceAuthorizationResponse(raw(200, { ...GOOD, verification_uri: uri }), redact), reason);
    }
    for (const complete of ['vscode://another.extension/run', 'file:///etc/passwd', 'http://as.example.com/device?user_code=X']) {
      const parsed = parseDeviceAuthorizationResponse(raw(200, { ...GOOD, verification_uri_complete: complete }), redact);
      assert.equal(parsed.verificationUriComplete, undefined, complete);
    }
    assert.equal(
      parseDeviceAuthorizationResponse(raw(200, { ...GOOD, verification_uri: 'http://[::1]:8080/device' }), redact).verificationUri,
      'http://[::1]:8080/device',
    );
    assert.throws(() => parseDeviceAuthorizationResponse(raw(200, '<html>'), redact), /not a JSON object/);
    assert.throws(
      () => parseDeviceAuthorizationResponse(raw(400, { error: 'unauthorized_client', error_description: 'no device flow' }), redact),
      (e: Error & { kind?: string; error?: string }) =>
        e.kind === 'server-rejected' && e.error === 'unauthorized_client' && e.message.includes('no device flow'),
    );
  });
});

/** A token endpoint that answers each poll with the next of `answers` (the last repeats) and records the polls. */
async function tokenEndpoint(answers: ReadonlyArray<{ status: number; body: unknown }>): Promise<TestServer> {
  let index = 0;
  return startServer((_request, res) => {
    const next = answers[Math.min(index, answers.length - 1)];
    index += 1;
    answer(next.status, 'application/json', JSON.stringify(next.body))(_request, res, res.socket as never);
  });
}

const pending = { status: 400, body: { error: 'authorization_pending' } };
const slowDown = { status: 400, body: { error: 'slow_down' } };
const token = { status: 200, body: { access_token: 'at-from-device', token_type: 'Bearer', expires_in: 60 } };

suite('device token polling (RFC 8628 §3.4, §3.5)', () => {
  let server: TestServer | undefined;
  teardown(async () => {
    await server?.close();
    server = undefined;
  });

  const authorization: DeviceAuthorization = {
    deviceCode: 'dev-c0de-secret',
    userCode: 'WDJB-MJHT',
    verificationUri: 'https://x.example/device',
    expiresInSeconds: 600,
    intervalSeconds: 2,
  };
  const properties = (url: string): InvokerProperties => ({
    authorizationServerUrl: url,
    grantType: 'device_code',
    clientId: 'tv',
    deviceAuthorizationEndpointUrl: 'http://127.0.0.1:1/device',
  });

  /** A clock that the waits advance: the loop's own arithmetic runs, without sleeping. */
  function fakeTime(): { now: () => number; wait: (ms: number) => Promise<void>; waits: number[] } {
    let t = 1_000_000;
    const waits: number[] = [];
    return {
      now: () => t,
      wait: async (ms) => {
        waits.push(ms);
        t += ms;
      },
      waits,
    };
  }

  test('pending continues, slow_down adds 5 s for good, then the token: every poll sends the device code', async () => {
    server = await tokenEndpoint([pending, slowDown, pending, token]);
    const time = fakeTime();
    const intervals: number[] = [];
    const message = await pollDeviceToken(properties(server.url), authorization, { ...time, onPending: (ms) => intervals.push(ms) });
    assert.equal(message.accessToken, 'at-from-device');
    assert.deepEqual(time.waits, [2000, 2000, 7000, 7000]);
    assert.deepEqual(intervals, [2000, 7000, 7000]);
    assert.equal(server.requests.length, 4);
    for (const request of server.requests) {
      assert.equal(request.body, 'grant_type=urn%3Aietf%3Aparams%3Aoauth%3Agrant-type%3Adevice_code&device_code=dev-c0de-secret&client_id=tv');
    }
  });

  test('expired_token from the server is expired-token (code 4)', async () => {
    server = await tokenEndpoint([pending, { status: 400, body: { error: 'expired_token' } }]);
    const error = await rejectsWith(pollDeviceToken(properties(server.url), authorization, fakeTime()), 'expired-token');
    assert.equal(server.requests.length, 2);
    assertNoSecret(error, ['dev-c0de-secret']);
  });

  test('access_denied from the server is access-denied (code 4), with its description', async () => {
    server = await tokenEndpoint([{ status: 400, body: { error: 'access_denied', error_description: 'user declined' } }]);
    const error = await rejectsWith(pollDeviceToken(properties(server.url), authorization, fakeTime()), 'access-denied');
    assert.equal(error.errorDescription, 'user declined');
  });

  test("the code's own expiry stops polling without a last request past it", async () => {
    server = await tokenEndpoint([pending]);
    const time = fakeTime();
    await rejectsWith(pollDeviceToken(properties(server.url), { ...authorization, expiresInSeconds: 5 }, time), 'expired-token');
    assert.deepEqual(time.waits, [2000, 2000, 1000]);
    assert.equal(server.requests.length, 2);
  });

  test('another error (invalid_client) ends the sign-in as the server said', async () => {
    server = await tokenEndpoint([{ status: 401, body: { error: 'invalid_client' } }]);
    const error = await rejectsWith(pollDeviceToken(properties(server.url), authorization, fakeTime()), 'server-rejected');
    assert.equal(error.error, 'invalid_client');
  });

  test('issue 17: a timeout, a reset connection and 5xx answers do not end the sign-in: polling backs off exponentially (RFC 8628 §3.5) and goes on', async () => {
    const ways: Array<(res: ServerResponse, socket: Socket) => void> = [
      (res) => answer(503, 'text/html', '<html>maintenance</html>')(undefined as never, res, undefined as never),
      (_res, socket) => socket.destroy(),
      () => undefined, // never answers: the request times out
      (res) => answer(500, 'application/json', JSON.stringify({ error: 'server_error' }))(undefined as never, res, undefined as never),
      (res) => answer(502, 'text/plain', 'bad gateway')(undefined as never, res, undefined as never),
      (res) => answer(504, 'text/plain', 'gateway timeout')(undefined as never, res, undefined as never),
      (res) => answer(pending.status, 'application/json', JSON.stringify(pending.body))(undefined as never, res, undefined as never),
      (res) => answer(token.status, 'application/json', JSON.stringify(token.body))(undefined as never, res, undefined as never),
    ];
    let polls = 0;
    server = await startServer((_request, res, socket) => ways[Math.min(polls++, ways.length - 1)](res, socket));
    const time = fakeTime();
    const pauses: number[] = [];
    const logs: string[] = [];
    const message = await pollDeviceToken(
      properties(server.url),
      { ...authorization, expiresInSeconds: 3600 },
      { ...time, timeoutMs: 300, onPending: (ms) => pauses.push(ms), log: (_level, line) => logs.push(line) },
    );
    assert.equal(message.accessToken, 'at-from-device');
    assert.equal(server.requests.length, ways.length);
    // Twice the pause after each failure in a row (at most a minute), then the server's own interval again.
    assert.deepEqual(time.waits, [2000, 4000, 8000, 16000, 32000, 60000, 60000, 2000]);
    assert.deepEqual(pauses, [4000, 8000, 16000, 32000, 60000, 60000, 2000]);
    assert.equal(logs.filter((line) => /Polling again in \d+ s\./.test(line)).length, 6);
    assertNoSecret(logs, ['dev-c0de-secret']);
  });

  test("issue 17: backing off never waits past the code's expiry, which still ends the sign-in", async () => {
    server = await startServer((_request, res) => answer(503, 'text/plain', 'down')(undefined as never, res, undefined as never));
    const time = fakeTime();
    await rejectsWith(pollDeviceToken(properties(server.url), { ...authorization, expiresInSeconds: 20 }, time), 'expired-token');
    assert.deepEqual(time.waits, [2000, 4000, 8000, 6000]);
    assert.equal(server.requests.length, 3);
  });

  test('cancel during the wait ends it at once as aborted, with the real timer', async () => {
    server = await tokenEndpoint([pending]);
    const controller = new AbortController();
    const polling = pollDeviceToken(properties(server.url), { ...authorization, intervalSeconds: 3600 }, { signal: controller.signal });
    setImmediate(() => controller.abort());
    await rejectsWith(polling, 'aborted');
    assert.equal(server.requests.length, 0);
  });
});

suite('device authorization request (RFC 8628 §3.1)', () => {
  let server: TestServer | undefined;
  teardown(async () => {
    await server?.close();
    server = undefined;
  });

  test('POSTs client_id, scope and the authorization parameters; the answer is parsed', async () => {
    server = await startServer(answer(200, 'application/json', JSON.stringify(GOOD)));
    const result = await requestDeviceAuthorization({
      authorizationServerUrl: `${server.origin}/token`,
      grantType: 'device_code',
      clientId: 'tv app',
      scope: 'openid offline_access',
      deviceAuthorizationEndpointUrl: `${server.origin}/device`,
      authorizationParameters: [{ name: 'audience', value: 'api' }],
    });
    assert.equal(result.userCode, 'WDJB-MJHT');
    assert.equal(server.requests.length, 1);
    const [request] = server.requests;
    assert.equal(request.method, 'POST');
    assert.equal(request.url, '/device');
    assert.equal(request.headers.accept, 'application/json');
    assert.equal(request.body, 'scope=openid+offline_access&audience=api&client_id=tv+app');
  });

  test('a confidential client authenticates as at the token endpoint; an error answer keeps no secret', async () => {
    server = await startServer(answer(401, 'application/json', JSON.stringify({ error: 'invalid_client', error_description: 'bad s3cret-value' })));
    const error = await rejectsWith(
      requestDeviceAuthorization({
        authorizationServerUrl: `${server.origin}/token`,
        grantType: 'device_code',
        clientId: 'tv',
        clientSecret: 's3cret-value',
        deviceAuthorizationEndpointUrl: `${server.origin}/device`,
      }),
      'server-rejected',
    );
    assert.equal(server.requests[0].headers.authorization, `Basic ${Buffer.from('tv:s3cret-value').toString('base64')}`);
    assertNoSecret(error, ['s3cret-value']);
  });

  test('a server echoing the Basic header: the value is in neither the error nor the log, which records the exchange', async () => {
    const basic = Buffer.from('tv:echoed-s3cret').toString('base64');
    server = await startServer(answer(401, 'application/json', JSON.stringify({ error: 'invalid_client', error_description: `got Basic ${basic}` })));
    const lines: string[] = [];
    const error = await rejectsWith(
      requestDeviceAuthorization(
        {
          authorizationServerUrl: `${server.origin}/token`,
          grantType: 'device_code',
          clientId: 'tv',
          clientSecret: 'echoed-s3cret',
          deviceAuthorizationEndpointUrl: `${server.origin}/device`,
        },
        { log: (_level, line) => lines.push(line) },
      ),
      'server-rejected',
    );
    assert.ok(
      lines.some((line) => /^POST http:\/\/127\.0\.0\.1:\d+\/device \(device authorization\)/.test(line)),
      lines.join('\n'),
    );
    assert.ok(
      lines.some((line) => line.startsWith('answer 401 in ')),
      lines.join('\n'),
    );
    for (const text of [error.message, error.errorDescription ?? '', ...lines]) {
      assert.ok(!text.includes(basic.replace(/=+$/, '')) && !text.includes('echoed-s3cret'), text);
    }
  });

  test('a missing endpoint is refused before sending, naming the field', async () => {
    const error = await rejectsWith(
      requestDeviceAuthorization({ authorizationServerUrl: 'https://as.example/token', grantType: 'device_code', clientId: 'tv' }),
      'invalid-properties',
    );
    assert.equal(error.issues[0].field, 'deviceAuthorizationEndpointUrl');
    assert.match(error.message, /"Device Authorization Endpoint" is required/);
  });
});
