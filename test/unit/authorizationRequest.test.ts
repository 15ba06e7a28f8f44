import * as assert from 'node:assert/strict';
import {
  buildAuthorizationUrl,
  createRedactor,
  InvokerError,
  parseAuthorizationResponse,
  type InvokerErrorKind,
  type InvokerProperties,
} from '../../src/core/index';

const STATE = 'st4te-Value_123';
const REDIRECT = 'http://127.0.0.1:53111/callback';
const ISSUER = 'https://as.example.com';
const redact = createRedactor([STATE]);

function props(extra: Partial<InvokerProperties> = {}): InvokerProperties {
  return {
    authorizationServerUrl: `${ISSUER}/token`,
    grantType: 'authorization_code',
    clientId: 'my app',
    authorizationEndpointUrl: `${ISSUER}/authorize?tenant=a`,
    ...extra,
  };
}

function refused(url: string, kind: InvokerErrorKind, expected: { issuer?: string; issParameterSupported?: boolean } = {}): InvokerError {
  try {
    parseAuthorizationResponse(url, { state: STATE, ...expected }, redact);
  } catch (error) {
    assert.ok(error instanceof InvokerError);
    assert.equal(error.code, 4);
    assert.equal(error.kind, kind, error.message);
    assert.ok(!error.message.includes(STATE), error.message);
    assert.ok(!error.message.includes('the-code'), error.message);
    return error;
  }
  assert.fail(`expected ${kind}`);
}

suite('authorization request (RFC 6749 §4.1.1, RFC 7636 §4.3)', () => {
  test("the URL keeps the endpoint's query and carries response_type, client_id, redirect_uri, scope, state and the S256 challenge, then the authorization parameters", () => {
    const url = buildAuthorizationUrl(
      props({
        scope: ' openid api:read ',
        authorizationParameters: [
          { name: 'prompt', value: 'login' },
          { name: 'audience', value: 'https://api.example.com/' },
          { name: 'login_hint', value: '' },
          { name: 'state', value: 'attacker' },
        ],
      }),
      { redirectUri: REDIRECT, state: STATE, codeChallenge: 'E9Melhoa2OwvFrEMTJguCHaoeK1t8URWbuGJSstw-cM' },
    );
    assert.equal(
      url,
      `${ISSUER}/authorize?tenant=a&response_type=code&client_id=my+app&redirect_uri=http%3A%2F%2F127.0.0.1%3A53111%2Fcallback&scope=openid+api%3Aread&state=${STATE}&code_challenge=E9Melhoa2OwvFrEMTJguCHaoeK1t8URWbuGJSstw-cM&code_challenge_method=S256&prompt=login&audience=https%3A%2F%2Fapi.example.com%2F`,
    );
  });

  test('a parameter the endpoint URL already sets for the invoker (response_type, state) is replaced, not repeated', () => {
    const url = new URL(
      buildAuthorizationUrl(props({ authorizationEndpointUrl: `${ISSUER}/authorize?response_type=token&state=x` }), {
        redirectUri: REDIRECT,
        state: STATE,
        codeChallenge: 'c',
      }),
    );
    assert.deepEqual(url.searchParams.getAll('response_type'), ['code']);
    assert.deepEqual(url.searchParams.getAll('state'), [STATE]);
    assert.equal(url.searchParams.has('scope'), false);
  });
});

suite('authorization response (RFC 6749 §4.1.2, RFC 9207)', () => {
  test("the code of a redirect with the attempt's state", () => {
    assert.deepEqual(parseAuthorizationResponse(`${REDIRECT}?code=the-code&state=${STATE}`, { state: STATE }, redact), { code: 'the-code' });
  });

  test('issue 17: an answer in the #fragment is refused (response_type=code answers in the query); a fragment without one is ignored', () => {
    for (const url of [
      `${REDIRECT}#code=the-code&state=${STATE}`,
      `${REDIRECT}?code=the-code&state=${STATE}#code=the-code&state=${STATE}`,
      `${REDIRECT}#error=access_denied&state=${STATE}`,
      `${REDIRECT}#access_token=the-code&state=${STATE}`,
    ]) {
      assert.match(refused(url, 'invalid-response').message, /#fragment/);
    }
    assert.deepEqual(parseAuthorizationResponse(`${REDIRECT}?code=the-code&state=${STATE}#_=_`, { state: STATE }, redact), { code: 'the-code' });
  });

  test('a state mismatch, a missing state and a repeated state are refused', () => {
    refused(`${REDIRECT}?code=the-code&state=other`, 'state-mismatch');
    refused(`${REDIRECT}?code=the-code`, 'state-mismatch');
    refused(`${REDIRECT}?code=the-code&state=${STATE}&state=${STATE}`, 'invalid-response');
  });

  test("a state mismatch wins over an error: a forged error redirect is not reported as the server's", () => {
    refused(`${REDIRECT}?error=access_denied&state=forged`, 'state-mismatch');
  });

  test("access_denied has its own kind, with the server's description", () => {
    const error = refused(`${REDIRECT}?error=access_denied&error_description=The+user+said+no&state=${STATE}`, 'access-denied');
    assert.equal(error.error, 'access_denied');
    assert.equal(error.errorDescription, 'The user said no');
    assert.match(error.message, /The user said no/);
  });

  test('another error in the redirect is authorization-rejected, with error, description and uri', () => {
    const error = refused(
      `${REDIRECT}?error=invalid_scope&error_description=unknown+scope&error_uri=https%3A%2F%2Fas.example.com%2Fhelp&state=${STATE}`,
      'authorization-rejected',
    );
    assert.equal(error.error, 'invalid_scope');
    assert.equal(error.errorDescription, 'unknown scope');
    assert.equal(error.errorUri, 'https://as.example.com/help');
  });

  test('the server echoing the state in its description does not leak it into the message', () => {
    const error = refused(`${REDIRECT}?error=server_error&error_description=bad+${STATE}&state=${STATE}`, 'authorization-rejected');
    assert.ok(!String(error.errorDescription).includes(STATE));
  });

  test('iss: required when the server advertises it, equal to the issuer whenever present', () => {
    assert.deepEqual(
      parseAuthorizationResponse(
        `${REDIRECT}?code=the-code&state=${STATE}&iss=${encodeURIComponent(ISSUER)}`,
        { state: STATE, issuer: ISSUER, issParameterSupported: true },
        redact,
      ),
      { code: 'the-code' },
    );
    refused(`${REDIRECT}?code=the-code&state=${STATE}`, 'issuer-mismatch', { issuer: ISSUER, issParameterSupported: true });
    refused(`${REDIRECT}?code=the-code&state=${STATE}&iss=https%3A%2F%2Fevil.example`, 'issuer-mismatch', { issuer: ISSUER });
    // A server that does not advertise RFC 9207 may leave iss out.
    assert.deepEqual(parseAuthorizationResponse(`${REDIRECT}?code=the-code&state=${STATE}`, { state: STATE, issuer: ISSUER }, redact), { code: 'the-code' });
  });

  test('issue 17: iss is compared exactly (RFC 9207 §2.4), even when the server does not advertise it: a trailing slash is another issuer', () => {
    refused(`${REDIRECT}?code=the-code&state=${STATE}&iss=${encodeURIComponent(`${ISSUER}/`)}`, 'issuer-mismatch', { issuer: ISSUER });
    refused(`${REDIRECT}?code=the-code&state=${STATE}&iss=${encodeURIComponent(ISSUER)}`, 'issuer-mismatch', { issuer: `${ISSUER}/` });
    refused(`${REDIRECT}?code=the-code&state=${STATE}&iss=${encodeURIComponent(ISSUER.toUpperCase())}`, 'issuer-mismatch', { issuer: ISSUER });
  });

  test("an iss mismatch is checked before the error: a mixed-up server's error is not believed", () => {
    refused(`${REDIRECT}?error=access_denied&state=${STATE}&iss=https%3A%2F%2Fevil.example`, 'issuer-mismatch', { issuer: ISSUER });
  });

  test('neither code nor error, and a text that is not a URL, are invalid responses', () => {
    refused(`${REDIRECT}?state=${STATE}`, 'invalid-response');
    refused('not a url', 'invalid-response');
  });
});
