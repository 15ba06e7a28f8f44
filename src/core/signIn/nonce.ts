import type { DJMessage } from '../model/djMessage';
import { InvokerError } from '../model/errors';
import { decodeJwt } from '../model/jwt';
import { randomUrlSafe } from './pkce';
import type { Redactor } from '../secrets/redact';

// OpenID Connect's nonce: a fresh random value in the authorization request that the id_token must carry back, so
// that an id_token injected from another sign-in (or replayed) is not taken for this one's.

/** True when the scope asks for OpenID Connect: `openid` among its space-separated values. */
export function asksForOpenId(scope: string | undefined): boolean {
  return (scope ?? '').split(/\s+/).includes('openid');
}

/**
 * A fresh nonce for an authorization request whose scope has `openid` (32 random bytes, base64url); undefined when
 * it has not, so a plain OAuth request stays as it was. Some servers refuse an OpenID request without one.
 * @see https://openid.net/specs/openid-connect-core-1_0.html#AuthRequest
 */
export function nonceFor(scope: string | undefined): string | undefined {
  return asksForOpenId(scope) ? randomUrlSafe() : undefined;
}

/**
 * Checks the `id_token` of a sign-in's token response against the nonce its authorization request sent: its `nonce`
 * claim must equal it exactly. An answer without an id_token (a server that does not speak OpenID Connect) passes.
 * A mismatch is kind `nonce-mismatch`, naming the id_token's nonce (redacted, shortened), never the token.
 * @see https://openid.net/specs/openid-connect-core-1_0.html#TokenResponseValidation
 * @see https://openid.net/specs/openid-connect-core-1_0.html#IDTokenValidation
 */
export function checkIdTokenNonce(message: DJMessage, nonce: string, redact: Redactor): void {
  const idToken = message.getProperty('id_token');
  if (idToken === undefined || idToken === '') {
    return;
  }
  const payload = decodeJwt(idToken)?.payload;
  if (payload === undefined) {
    throw new InvokerError('The "id_token" is not a JWT that can be read, so its "nonce" could not be checked: the answer was refused.', {
      kind: 'nonce-mismatch',
    });
  }
  const claim = payload.nonce;
  if (claim === nonce) {
    return;
  }
  const named = typeof claim === 'string' ? `"${redact(claim).slice(0, 100)}"` : claim === undefined ? 'none' : `a ${typeof claim}`;
  throw new InvokerError(
    `The "id_token" carries the nonce ${named}, not the one this sign-in sent: it answers another sign-in (or was replayed), and was refused.`,
    { kind: 'nonce-mismatch' },
  );
}
