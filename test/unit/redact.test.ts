import * as assert from 'node:assert/strict';
import { createRedactor, REDACTED } from '../../src/core/index';
import { isSensitiveName, redactBody, redactForm, redactHeader } from '../../src/core/redact';

const JWT = 'eyJhbGciOiJSUzI1NiJ9.eyJzdWIiOiJhbGljZSJ9.c2lnbmF0dXJl';

suite('redaction', () => {
  const redact = createRedactor(['s3cr:t+/ é', 'pw', undefined, '']);

  test('a secret is removed as is, form-encoded, percent-encoded and JSON-escaped', () => {
    assert.equal(redact('a s3cr:t+/ é b'), `a ${REDACTED} b`);
    assert.equal(redact('x=s3cr%3At%2B%2F+%C3%A9'), `x=${REDACTED}`);
    assert.equal(redact('x=s3cr%3At%2B%2F%20%C3%A9'), `x=${REDACTED}`);
    assert.equal(redact(JSON.stringify({ d: 's3cr:t+/ é' })), `{"d":"${REDACTED}"}`);
  });

  test('JWTs are removed wherever they stand', () => {
    assert.equal(redact(`Bearer ${JWT}.`), `Bearer ${REDACTED}.`);
  });

  test('secrets shorter than three characters are left to key-based redaction', () => {
    assert.equal(redact('pwned'), 'pwned');
    assert.equal(redactForm('grant_type=password&username=u&password=pw', redact), `grant_type=password&username=u&password=${REDACTED}`);
  });

  test('forms keep non-secret fields readable', () => {
    assert.equal(
      redactForm('grant_type=refresh_token&refresh_token=abc&client_id=me&client_secret=zz&scope=a+b', redact),
      `grant_type=refresh_token&refresh_token=${REDACTED}&client_id=me&client_secret=${REDACTED}&scope=a+b`,
    );
  });

  test('JSON answers keep their shape with every token value replaced', () => {
    const body = JSON.stringify({ access_token: 'opaque-1', token_type: 'Bearer', expires_in: 60, refresh_token: 'r', id_token: JWT, nested: { session_token: 'x' }, scope: 'a' });
    assert.deepEqual(JSON.parse(redactBody(body, redact)), {
      access_token: REDACTED,
      token_type: 'Bearer',
      expires_in: 60,
      refresh_token: REDACTED,
      id_token: REDACTED,
      nested: { session_token: REDACTED },
      scope: 'a',
    });
  });

  test('form answers and plain text', () => {
    assert.equal(redactBody('access_token=gho_1&token_type=bearer', redact), `access_token=${REDACTED}&token_type=bearer`);
    assert.equal(redactBody('<html>s3cr:t+/ é</html>', redact), `<html>${REDACTED}</html>`);
  });

  test('issue 11: the sign-in token requests keep code, code_verifier and device_code out of a logged form; the user code stays readable', () => {
    assert.equal(
      redactForm('grant_type=authorization_code&code=c0de&redirect_uri=http%3A%2F%2F127.0.0.1%2Fcb&code_verifier=v3r', createRedactor([])),
      `grant_type=authorization_code&code=${REDACTED}&redirect_uri=http%3A%2F%2F127.0.0.1%2Fcb&code_verifier=${REDACTED}`,
    );
    assert.equal(redactForm('grant_type=x&device_code=d3v&user_code=ABCD-EFGH', createRedactor([])), `grant_type=x&device_code=${REDACTED}&user_code=ABCD-EFGH`);
  });

  test('credential headers keep only their scheme', () => {
    assert.equal(redactHeader('Authorization', 'Basic YTpi'), `Basic ${REDACTED}`);
    assert.equal(redactHeader('authorization', 'opaque'), REDACTED);
    assert.equal(redactHeader('cookie', 'a=b'), REDACTED);
    assert.equal(redactHeader('content-type', 'application/json'), 'application/json');
  });

  test('facts about tokens are not secrets', () => {
    for (const name of ['token_type', 'refresh_token_expires_in', 'expires_in', 'scope', 'issued_token_type', 'token_endpoint']) {
      assert.ok(!isSensitiveName(name), name);
    }
    for (const name of ['access_token', 'AccessToken', 'refresh_token', 'client_secret', 'password', 'id_token', 'code', 'client_assertion']) {
      assert.ok(isSensitiveName(name), name);
    }
  });
});
