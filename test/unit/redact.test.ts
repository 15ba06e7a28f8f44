import * as assert from 'node:assert/strict';
import * as fc from 'fast-check';
import { createRedactor, REDACTED } from '../../src/core/index';
import { basicCredentialValues, isSensitiveName, redactBody, redactForm, redactHeader } from '../../src/core/secrets/redact';
import { basicValues, formEncoded as formEncodedSecret, secretSpellings } from '../fixtures/spellings';

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
    const body = JSON.stringify({
      access_token: 'opaque-1',
      token_type: 'Bearer',
      expires_in: 60,
      refresh_token: 'r',
      id_token: JWT,
      nested: { session_token: 'x' },
      scope: 'a',
    });
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
    assert.equal(
      redactForm('grant_type=x&device_code=d3v&user_code=ABCD-EFGH', createRedactor([])),
      `grant_type=x&device_code=${REDACTED}&user_code=ABCD-EFGH`,
    );
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

suite('issue 9: redaction spellings', () => {
  const SECRET = `s3cr:t+/ é"<>'&=%\\`;
  const ID = 'cli:ent';
  const redact = createRedactor([SECRET, ...basicCredentialValues(ID, SECRET)]);

  /** Fails when any spelling of the secret (or of the Basic values made from it) survives outside a [REDACTED]. */
  function assertRedacted(output: string, secret: string, clientId: string, context: string): void {
    const spellings = secretSpellings(secret, clientId).filter((spelling) => spelling.length >= 3);
    for (const piece of output.split(REDACTED)) {
      for (const spelling of spellings) {
        assert.ok(!piece.includes(spelling), `${JSON.stringify(spelling)} survives in ${JSON.stringify(output)} (${context})`);
      }
    }
  }

  const examples: ReadonlyArray<readonly [string, string]> = [
    ['HTML-escaped, as lodash writes it', 's3cr:t+/ é&quot;&lt;&gt;&#39;&amp;=%\\'],
    ['HTML-escaped, as OWASP writes it', 's3cr:t+&#x2F; é&quot;&lt;&gt;&#x27;&amp;=%\\'],
    ['HTML numeric and named references', 's3cr&#58;t&#43;&#x2f;&#32;&eacute;&#34;&LT;&GT;&apos;&AMP;&#061;&#x25;&bsol;'],
    ['percent-encoded in lower-case hex, as .NET writes it', 's3cr%3at%2b%2f+%c3%a9%22%3c%3e%27%26%3d%25%5c'],
    ['percent-encoded, mixed hex case, %20 for the space', 's3cr%3At%2b%2F%20%C3%a9%22%3C%3e%27%26%3D%25%5C'],
    ['JSON-escaped, \\u in either case, \\/', 's3cr:t+\\/ \\u00E9\\"\\u003c\\u003E\'\\u0026=%\\\\'],
    ["HTML-escaped inside Go's JSON", 's3cr:t+/ é\\u0026quot;\\u0026lt;\\u0026gt;\\u0026#39;\\u0026amp;=%\\\\'],
    ['JSON inside an HTML page', "s3cr:t+/ é\\&quot;&lt;&gt;'&amp;=%\\\\"],
  ];
  for (const [label, echoed] of examples) {
    test(`a secret echoed ${label} is redacted`, () => {
      assert.equal(redact(`error: ${echoed}.`), `error: ${REDACTED}.`);
    });
  }

  test('the Basic value of either form is redacted, padded or not, percent- or JSON-escaped', () => {
    for (const value of basicValues(ID, SECRET)) {
      for (const echoed of [
        value,
        encodeURIComponent(value),
        encodeURIComponent(value).replace(/%[0-9A-F]{2}/g, (hex) => hex.toLowerCase()),
        JSON.stringify(value).slice(1, -1).replace(/\//g, '\\/'),
      ]) {
        const output = redact(`Authorization: Basic ${echoed} is not valid`);
        assertRedacted(output, SECRET, ID, echoed);
        assert.match(output, /^Authorization: Basic \[REDACTED\]/);
      }
    }
  });

  test('text beside a secret stays readable, and a lone escape character is no secret', () => {
    assert.equal(redact(`100% & <b> s3cr:t`), `100% & <b> s3cr:t`);
    assert.equal(redact(`a=${formEncodedSecret(SECRET)}&b=%41`), `a=${REDACTED}&b=%41`);
  });

  test('a body that is not JSON as a whole (truncated, HTML) still loses the values of token fields', () => {
    assert.equal(
      redactBody('{"access_token": "at-1", "refresh_token":"rt-\\"2", "scope":"a', redact),
      `{"access_token": "${REDACTED}", "refresh_token":"${REDACTED}", "scope":"a`,
    );
    assert.equal(
      redactBody('<a href="/cb?code=c0de&state=s1">again</a> password=hunter22', redact),
      `<a href="/cb?code=${REDACTED}&state=s1">again</a> password=${REDACTED}`,
    );
  });

  test('a JSON body nested too deeply keeps its shape in the log, tokens redacted, the deep value as a note', () => {
    const deep = `${'['.repeat(100_000)}${']'.repeat(100_000)}`;
    assert.equal(
      redactBody(`{"refresh_token":"rt-1","d":${deep},"n":{"id_token":"x"}}`, redact),
      `{"refresh_token":"${REDACTED}","d":"[200000 characters nested deeper than 64 levels]","n":{"id_token":"${REDACTED}"}}`,
    );
  });

  test('property: no spelling of any secret survives, whatever surrounds it', () => {
    const special = fc.constantFrom(
      ':',
      '+',
      '/',
      '%',
      '&',
      '=',
      ' ',
      'é',
      '"',
      '<',
      '>',
      "'",
      '\\',
      ';',
      '#',
      'x',
      'u',
      '2',
      'F',
      'ü',
      '\u00a0',
      '😀',
      '\u2028',
      '\uD800',
    );
    const character = fc.oneof(
      special,
      fc.string({ unit: 'binary', minLength: 1, maxLength: 1 }),
      fc.string({ unit: 'grapheme-ascii', minLength: 1, maxLength: 1 }),
    );
    const text = fc.string({ unit: character, maxLength: 12 });
    fc.assert(
      fc.property(
        fc.string({ unit: character, minLength: 3, maxLength: 16 }),
        fc.string({ unit: character, maxLength: 8 }),
        fc.nat(),
        text,
        text,
        (secret, clientId, pick, before, after) => {
          const spellings = secretSpellings(secret, clientId);
          const echoed = spellings[pick % spellings.length];
          const redactor = createRedactor([secret, ...basicCredentialValues(clientId, secret)]);
          assertRedacted(redactor(`${before}${echoed}${after}`), secret, clientId, `echoed as ${JSON.stringify(echoed)}`);
        },
      ),
      { numRuns: 1000 },
    );
  });
});
