import * as assert from 'node:assert/strict';
import { codeChallengeS256, createPkce, randomUrlSafe } from '../../src/core/index';

suite('PKCE (RFC 7636)', () => {
  test('S256 of the Appendix B verifier is the Appendix B challenge', () => {
    assert.equal(codeChallengeS256('dBjftJeZ4CVP-mB92K27uhbUJU1p1r_wW1gFWFOEjXk'), 'E9Melhoa2OwvFrEMTJguCHaoeK1t8URWbuGJSstw-cM');
  });

  test('a verifier outside 43..128 unreserved characters is refused, naming the field', () => {
    assert.throws(() => codeChallengeS256('short'), /"code_verifier"/);
    assert.throws(() => codeChallengeS256('a'.repeat(129)), /"code_verifier"/);
    assert.throws(() => codeChallengeS256(`${'a'.repeat(42)}+`), /"code_verifier"/);
  });

  test('each pair is fresh, 43 base64url characters, and its challenge is S256 of its verifier', () => {
    const pairs = Array.from({ length: 50 }, () => createPkce());
    assert.equal(new Set(pairs.map((p) => p.codeVerifier)).size, 50);
    for (const pair of pairs) {
      assert.match(pair.codeVerifier, /^[A-Za-z0-9_-]{43}$/);
      assert.equal(pair.codeChallenge, codeChallengeS256(pair.codeVerifier));
      assert.equal(pair.codeChallengeMethod, 'S256');
    }
  });

  test('state values are fresh and URL-safe', () => {
    const states = Array.from({ length: 50 }, () => randomUrlSafe());
    assert.equal(new Set(states).size, 50);
    states.forEach((state) => assert.match(state, /^[A-Za-z0-9_-]{43}$/));
  });
});
