import { createHash, randomBytes } from 'node:crypto';

/** A PKCE pair: the verifier stays with the client, the challenge goes in the authorization URL. */
export interface Pkce {
  readonly codeVerifier: string;
  readonly codeChallenge: string;
  readonly codeChallengeMethod: 'S256';
}

/**
 * A fresh random value for `state` or a code verifier: 32 bytes from the system's CSPRNG, base64url without
 * padding (43 characters, the unreserved characters RFC 7636 §4.1 allows).
 * @see https://www.rfc-editor.org/rfc/rfc7636#section-4.1
 */
export function randomUrlSafe(bytes = 32): string {
  return randomBytes(bytes).toString('base64url');
}

/**
 * The S256 code challenge of a verifier: BASE64URL(SHA256(ASCII(code_verifier))). Only S256 is ever sent, since
 * `plain` protects nothing against an attacker who reads the authorization request.
 * @see https://www.rfc-editor.org/rfc/rfc7636#section-4.2
 */
export function codeChallengeS256(codeVerifier: string): string {
  if (!/^[A-Za-z0-9._~-]{43,128}$/.test(codeVerifier)) {
    throw new RangeError('"code_verifier" must be 43 to 128 unreserved characters (RFC 7636 §4.1).');
  }
  return createHash('sha256').update(codeVerifier, 'ascii').digest('base64url');
}

/**
 * A new verifier and its S256 challenge, for one authorization attempt.
 * @see https://www.rfc-editor.org/rfc/rfc7636#section-4
 */
export function createPkce(): Pkce {
  const codeVerifier = randomUrlSafe(32);
  return { codeVerifier, codeChallenge: codeChallengeS256(codeVerifier), codeChallengeMethod: 'S256' };
}
