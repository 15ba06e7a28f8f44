import * as assert from 'node:assert/strict';
import * as fc from 'fast-check';
import { decodeJwt, DJMessage, InvokerError } from '../../src/core/index';
import { boundJsonDepth, MAX_JSON_DEPTH } from '../../src/core/model/jsonDepth';
import { createRedactor } from '../../src/core/secrets/redact';
import { expiryOf, parseTokenResponse, type ResponseContext } from '../../src/core/response/tokenResponse';
import type { RawResponse } from '../../src/core/net/transport';

const context: ResponseContext = {
  targetMessage: 'DJMOUT',
  receivedAt: 1_700_000_000_000,
  grantType: 'client_credentials',
  tokenUrl: 'https://as.example.com/token',
  clientAuthentication: 'client_secret_basic',
  basicVariant: 'rfc6749',
  redact: createRedactor(['the-secret']),
};

function json(status: number, body: string, contentType = 'application/json'): RawResponse {
  return { status, headers: { 'content-type': contentType }, body };
}

function jwtWith(payload: object): string {
  const part = (value: object): string => Buffer.from(JSON.stringify(value)).toString('base64url');
  return `${part({ alg: 'RS256', typ: 'at+jwt' })}.${part(payload)}.c2ln`;
}

suite('token response parser', () => {
  test("AccessToken first, then every field in the server's order, as strings", () => {
    const body =
      '{"token_type":"Bearer","access_token":"at","expires_in":3600,"scope":"a b","ext_expires_in":3600,"ok":true,"n":null,"obj":{"x":[1,2]},"instance_url":"https://x.my.salesforce.com"}';
    const message = parseTokenResponse(json(200, body), context);
    assert.equal(message.name, 'DJMOUT');
    assert.equal(message.body, body);
    assert.deepEqual(message.propertyNames(), ['AccessToken', 'token_type', 'expires_in', 'scope', 'ext_expires_in', 'ok', 'n', 'obj', 'instance_url']);
    assert.equal(message.getProperty('AccessToken'), 'at');
    assert.equal(message.getProperty('access_token'), undefined);
    assert.equal(message.getProperty('expires_in'), '3600');
    assert.equal(message.getProperty('ok'), 'true');
    assert.equal(message.getProperty('n'), '');
    assert.equal(message.getProperty('obj'), '{"x":[1,2]}');
    assert.deepEqual(message.metadata.warnings, []);
    assert.equal(message.metadata.expiresAt, context.receivedAt + 3_600_000);
    assert.equal(message.metadata.status, 200);
    assert.equal(message.metadata.failed, false);
  });

  test('without expires_in, the expiry comes from the JWT exp claim', () => {
    const token = jwtWith({ sub: 'a', exp: 1_700_000_600 });
    const message = parseTokenResponse(json(200, JSON.stringify({ access_token: token, token_type: 'Bearer' })), context);
    assert.equal(message.metadata.expiresAt, 1_700_000_600_000);
    assert.equal(message.metadata.expirySource, 'jwt-exp');
  });

  test('with neither, the expiry is unknown', () => {
    const message = parseTokenResponse(json(200, '{"access_token":"opaque","token_type":"Bearer"}'), context);
    assert.equal(message.metadata.expiresAt, undefined);
  });

  test('a non-numeric expires_in is a warning, not a failure', () => {
    const message = parseTokenResponse(json(200, '{"access_token":"a","token_type":"Bearer","expires_in":"soon"}'), context);
    assert.equal(message.metadata.expiresAt, undefined);
    assert.match(message.metadata.warnings[0], /"expires_in" is not a number/);
  });

  test('JSON with a wrong content type is read, with a warning', () => {
    const message = parseTokenResponse(json(200, '{"access_token":"a","token_type":"Bearer"}', 'text/plain'), context);
    assert.equal(message.accessToken, 'a');
    assert.match(message.metadata.warnings[0], /labelled "text\/plain"/);
  });

  test('a message survives a round trip through its plain data', () => {
    const message = parseTokenResponse(json(200, '{"access_token":"a","token_type":"Bearer","x":1}'), context);
    const copy = DJMessage.fromJSON(JSON.parse(JSON.stringify(message)));
    assert.deepEqual(copy.propertyNames(), message.propertyNames());
    assert.equal(copy.getProperty('x'), '1');
    assert.deepEqual(copy.metadata, message.metadata);
  });

  test('property: any status, content type and bytes give a DJMessage or an InvokerError of code 4, never a secret', () => {
    const statuses = fc.oneof(fc.constantFrom(200, 201, 204, 301, 302, 400, 401, 403, 404, 500, 503), fc.integer({ min: 100, max: 599 }));
    const types = fc.constantFrom(
      undefined,
      'application/json',
      'application/json; charset=utf-8',
      'text/html',
      'application/x-www-form-urlencoded',
      'text/plain',
      '',
    );
    const bodies = fc.oneof(
      fc.string(),
      fc.uint8Array({ maxLength: 200 }).map((bytes) => Buffer.from(bytes).toString('utf8')),
      fc.json(),
      fc
        .dictionary(
          fc.constantFrom('access_token', 'token_type', 'expires_in', 'error', 'error_description', 'refresh_token', 'scope', '__proto__', 'AccessToken'),
          fc.jsonValue(),
        )
        .map((o) => JSON.stringify(o)),
      fc.constant('{"error":"x","error_description":"the-secret"}'),
      fc.constant('{"access_token":"a","token_type":"the-secret","expires_in":"the-secret"}'),
      // issue 9: nesting around the depth bound, beside a token or alone
      fc.tuple(fc.integer({ min: 1, max: 300 }), fc.constantFrom('[', '{"a":'), fc.boolean()).map(([depth, open, beside]) => {
        const nested = `${open.repeat(depth)}${open === '[' ? '' : '1'}${(open === '[' ? ']' : '}').repeat(depth)}`;
        return beside ? `{"access_token":"a","token_type":"Bearer","d":${nested}}` : nested;
      }),
    );
    fc.assert(
      fc.property(statuses, types, bodies, (status, type, body) => {
        const raw: RawResponse = { status, headers: type !== undefined ? { 'content-type': type } : {}, body };
        // Only the parser's own throw is caught: the assertions below run outside, so a failing one fails the test.
        let outcome: { message: DJMessage } | { error: unknown };
        try {
          outcome = { message: parseTokenResponse(raw, context) };
        } catch (error) {
          outcome = { error };
        }
        if ('message' in outcome) {
          assert.ok(status >= 200 && status < 300, `a DJMessage for status ${status}`);
          assert.equal(outcome.message.propertyNames()[0], 'AccessToken');
          assert.ok((outcome.message.accessToken ?? '').length > 0);
          assert.equal(outcome.message.body, body);
          assert.ok(!outcome.message.metadata.warnings.some((warning) => warning.includes('the-secret')));
        } else {
          const { error } = outcome;
          assert.ok(error instanceof InvokerError, String(error));
          assert.equal(error.code, 4);
          assert.ok(['server-rejected', 'invalid-response', 'redirect'].includes(error.kind), error.kind);
          assert.ok(!error.message.includes('the-secret'));
          assert.ok(!(error.djMessage?.body ?? '').includes('the-secret'));
        }
      }),
      { numRuns: 2000 },
    );
  });
});

suite('issue 9: redaction in failed messages', () => {
  test('token fields nested in an error answer are redacted by name in the failed message, as in its body', () => {
    let caught: unknown;
    try {
      parseTokenResponse(json(400, '{"error":"invalid_grant","details":{"refresh_token":"rt-leak","n":[{"access_token":"at-leak"}]}}'), context);
    } catch (error) {
      caught = error;
    }
    assert.ok(caught instanceof InvokerError);
    assert.equal(caught.djMessage?.getProperty('details'), '{"refresh_token":"[REDACTED]","n":[{"access_token":"[REDACTED]"}]}');
    assert.ok(!JSON.stringify(caught.djMessage).includes('-leak'));
  });

  test('a content type a server fills with a secret is redacted in the failed message and the error', () => {
    let caught: unknown;
    try {
      parseTokenResponse({ status: 500, headers: { 'content-type': 'text/x-the-secret' }, body: 'oops' }, context);
    } catch (error) {
      caught = error;
    }
    assert.ok(caught instanceof InvokerError);
    assert.equal(
      caught.message,
      'The authorization server rejected the token request (500 Internal Server Error) with a text/x-[REDACTED] body instead of an OAuth error.',
    );
    assert.equal(caught.djMessage?.metadata.contentType, 'text/x-[REDACTED]');
  });
});

suite('expiry arithmetic', () => {
  const receivedAt = Date.parse('2026-01-01T12:00:00Z');

  test("expires_in counts from the arrival, in our clock, whatever the server's Date says", () => {
    assert.deepEqual(expiryOf({ expiresInSeconds: 300, receivedAt, serverDate: 'Thu, 01 Jan 2026 12:10:00 GMT' }), {
      at: receivedAt + 300_000,
      source: 'expires_in',
    });
  });

  test("JWT exp is shifted by the server's clock skew", () => {
    // the server's clock runs 10 minutes ahead: its exp of 12:15 is our 12:05
    const exp = Date.parse('2026-01-01T12:15:00Z');
    assert.deepEqual(expiryOf({ jwtExpMs: exp, receivedAt, serverDate: 'Thu, 01 Jan 2026 12:10:00 GMT' }), { at: receivedAt + 300_000, source: 'jwt-exp' });
    // and behind
    assert.equal(expiryOf({ jwtExpMs: exp, receivedAt, serverDate: 'Thu, 01 Jan 2026 11:50:00 GMT' })?.at, Date.parse('2026-01-01T12:25:00Z'));
  });

  test('a skew under 5 s is Date-header resolution, not skew; a bad Date header is ignored', () => {
    const exp = receivedAt + 60_000;
    assert.equal(expiryOf({ jwtExpMs: exp, receivedAt, serverDate: 'Thu, 01 Jan 2026 12:00:03 GMT' })?.at, exp);
    assert.equal(expiryOf({ jwtExpMs: exp, receivedAt, serverDate: 'not a date' })?.at, exp);
    assert.equal(expiryOf({ jwtExpMs: exp, receivedAt })?.at, exp);
  });

  test('no expires_in and no JWT: unknown', () => {
    assert.equal(expiryOf({ receivedAt }), undefined);
  });
});

suite('issue 9: deep JSON', () => {
  const LEVELS = 100_000;
  const deepArray = `${'['.repeat(LEVELS)}${']'.repeat(LEVELS)}`;
  const deepObject = `${'{"a":'.repeat(LEVELS)}1${'}'.repeat(LEVELS)}`;

  function parseFails(raw: RawResponse): InvokerError {
    let caught: unknown;
    try {
      parseTokenResponse(raw, context);
    } catch (error) {
      caught = error;
    }
    assert.ok(caught instanceof InvokerError, `expected an InvokerError, got ${String(caught)}`);
    assert.equal(caught.code, 4);
    return caught;
  }

  test('100,000 levels of [ are an invalid response that says how deep, not a crash', () => {
    const error = parseFails(json(200, deepArray));
    assert.equal(error.kind, 'invalid-response');
    assert.equal(
      error.message,
      'The authorization server answered 200 OK but the body is JSON but not an object (it is an array nested deeper than 64 levels).',
    );
    assert.equal(error.djMessage?.body, '["[199998 characters nested deeper than 64 levels]"]');
  });

  test('100,000 levels of {"a": (600 KB) are an invalid response naming the deep field', () => {
    assert.ok(deepObject.length > 600_000);
    const error = parseFails(json(200, deepObject));
    assert.equal(error.kind, 'invalid-response');
    assert.equal(
      error.message,
      `The authorization server answered 200 OK but "access_token" is missing from its answer. "a" is nested deeper than 64 levels (${deepObject.length - 6} characters): it was not read.`,
    );
    assert.deepEqual(error.djMessage?.toJSON().properties, [['a', `[${deepObject.length - 6} characters nested deeper than 64 levels]`]]);
  });

  test('a valid access_token beside one deep field is kept; the deep field keeps its text, with a warning', () => {
    const body = `{"access_token":"at","token_type":"Bearer","deep":${deepArray},"expires_in":60}`;
    const message = parseTokenResponse(json(200, body), context);
    assert.equal(message.accessToken, 'at');
    assert.deepEqual(message.propertyNames(), ['AccessToken', 'token_type', 'deep', 'expires_in']);
    assert.equal(message.getProperty('deep'), deepArray);
    assert.equal(message.getProperty('expires_in'), '60');
    assert.deepEqual(message.metadata.warnings, [`"deep" is nested deeper than 64 levels (${deepArray.length} characters): it was not read.`]);
    assert.equal(message.body, body);
  });

  test("an error answer with a deep field is still the server's rejection", () => {
    const error = parseFails(json(400, `{"error":"invalid_grant","error_description":"no","trace":${deepObject}}`));
    assert.equal(error.kind, 'server-rejected');
    assert.equal(error.error, 'invalid_grant');
    assert.equal(error.djMessage?.getProperty('trace'), `[${deepObject.length} characters nested deeper than 64 levels]`);
  });

  test('a deep access_token is not a token', () => {
    const error = parseFails(json(200, `{"access_token":${deepArray},"token_type":"Bearer"}`));
    assert.equal(error.kind, 'invalid-response');
    assert.match(error.message, /"access_token" is not a non-empty string in its answer\. "access_token" is nested deeper than 64 levels/);
  });

  test('unbalanced deep brackets are not JSON', () => {
    const error = parseFails(json(200, '['.repeat(LEVELS)));
    assert.equal(error.kind, 'invalid-response');
    assert.match(error.message, /not valid JSON/);
  });

  test('64 levels are read; 65 are not', () => {
    const nested = (depth: number): string => `${'['.repeat(depth)}${']'.repeat(depth)}`;
    const at64 = parseTokenResponse(json(200, `{"access_token":"at","token_type":"Bearer","d":${nested(63)}}`), context);
    assert.equal(at64.getProperty('d'), nested(63));
    assert.deepEqual(at64.metadata.warnings, []);
    const at65 = parseTokenResponse(json(200, `{"access_token":"at","token_type":"Bearer","d":${nested(64)}}`), context);
    assert.equal(at65.getProperty('d'), nested(64));
    assert.equal(at65.metadata.warnings.length, 1);
  });

  test('brackets inside strings are not nesting', () => {
    const text = `{"access_token":"at","token_type":"Bearer","s":"${'['.repeat(200)}\\"${'{'.repeat(200)}"}`;
    const message = parseTokenResponse(json(200, text), context);
    assert.equal(message.getProperty('s'), `${'['.repeat(200)}"${'{'.repeat(200)}`);
    assert.deepEqual(message.metadata.warnings, []);
    assert.equal(boundJsonDepth(text, MAX_JSON_DEPTH, () => 'null')?.text, text);
  });

  test('a JWT whose claims nest too deeply is not decoded (whoever shows its claims walks them)', () => {
    const part = (value: string): string => Buffer.from(value).toString('base64url');
    const token = `${part('{"alg":"none"}')}.${part(`{"exp":1,"x":${deepArray}}`)}.`;
    assert.equal(decodeJwt(token), undefined);
    assert.notEqual(decodeJwt(`${part('{"alg":"none"}')}.${part('{"exp":1,"x":[[1]]}')}.`), undefined);
  });
});
