import * as assert from 'node:assert/strict';
import * as fc from 'fast-check';
import { DJMessage, InvokerError } from '../../src/core/index';
import { createRedactor } from '../../src/core/redact';
import { expiryOf, parseTokenResponse, type ResponseContext } from '../../src/core/tokenResponse';
import type { RawResponse } from '../../src/core/transport';

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
  test('AccessToken first, then every field in the server\'s order, as strings', () => {
    const body = '{"token_type":"Bearer","access_token":"at","expires_in":3600,"scope":"a b","ext_expires_in":3600,"ok":true,"n":null,"obj":{"x":[1,2]},"instance_url":"https://x.my.salesforce.com"}';
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
    const types = fc.constantFrom(undefined, 'application/json', 'application/json; charset=utf-8', 'text/html', 'application/x-www-form-urlencoded', 'text/plain', '');
    const bodies = fc.oneof(
      fc.string(),
      fc.uint8Array({ maxLength: 200 }).map((bytes) => Buffer.from(bytes).toString('utf8')),
      fc.json(),
      fc.dictionary(fc.constantFrom('access_token', 'token_type', 'expires_in', 'error', 'error_description', 'refresh_token', 'scope', '__proto__', 'AccessToken'), fc.jsonValue()).map((o) => JSON.stringify(o)),
      fc.constant('{"error":"x","error_description":"the-secret"}'),
    );
    fc.assert(
      fc.property(statuses, types, bodies, (status, type, body) => {
        const raw: RawResponse = { status, headers: type !== undefined ? { 'content-type': type } : {}, body };
        try {
          const message = parseTokenResponse(raw, context);
          assert.ok(status >= 200 && status < 300);
          assert.equal(message.propertyNames()[0], 'AccessToken');
          assert.ok((message.accessToken ?? '').length > 0);
          assert.equal(message.body, body);
        } catch (error) {
          assert.ok(error instanceof InvokerError, String(error));
          assert.equal(error.code, 4);
          assert.ok(['server-rejected', 'invalid-response', 'redirect'].includes(error.kind));
          assert.ok(!error.message.includes('the-secret'));
          assert.ok(!(error.djMessage?.body ?? '').includes('the-secret'));
        }
      }),
      { numRuns: 2000 },
    );
  });
});

suite('expiry arithmetic', () => {
  const receivedAt = Date.parse('2026-01-01T12:00:00Z');

  test('expires_in counts from the arrival, in our clock, whatever the server\'s Date says', () => {
    assert.deepEqual(expiryOf({ expiresInSeconds: 300, receivedAt, serverDate: 'Thu, 01 Jan 2026 12:10:00 GMT' }), { at: receivedAt + 300_000, source: 'expires_in' });
  });

  test('JWT exp is shifted by the server\'s clock skew', () => {
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
