import { assertionAudienceOf, assertionHeader, loadAssertionKey, signAssertion, type AssertionKey } from '../clientAuth/clientAuthentication';
import type { InvokerProperties } from '../../shared/properties';

/** True when the properties' JWT Bearer grant signs its assertion (the default) rather than sending the entered one. */
export function signsGrantAssertion(properties: InvokerProperties): boolean {
  return properties.grantType === 'jwt_bearer' && (properties.assertionSource ?? 'signed') === 'signed';
}

/** Signs JWT Bearer grant assertions for one Execute: the key is read once, each request gets a fresh JWT. */
export interface GrantAssertionSigner {
  /** A new assertion for a request to `endpoint` (its `aud` unless "Assertion Audience" is the issuer). */
  sign(endpoint: string): Promise<string>;
}

/**
 * Reads the invoker's assertion key (the private_key_jwt properties: key file, passphrase, algorithm, key id) and
 * returns a signer of the JWT Bearer grant's assertion: `iss` = "Assertion Issuer" (default: the Client ID),
 * `sub` = "Assertion Subject", `aud` = the token endpoint or the issuer, `exp` a few minutes ahead, a fresh `jti`,
 * `iat`. A key that cannot sign rejects with kind `invalid-properties` naming the key file or the algorithm.
 * @see https://www.rfc-editor.org/rfc/rfc7523#section-2.1
 * @see https://www.rfc-editor.org/rfc/rfc7523#section-3
 */
export async function grantAssertionSigner(
  properties: InvokerProperties,
  options: { readonly signal?: AbortSignal; readonly now?: () => number } = {},
): Promise<GrantAssertionSigner> {
  const key: AssertionKey = await loadAssertionKey(properties, options.signal);
  const clientId = (properties.clientId ?? '').trim();
  const issuer = (properties.assertionIssuer ?? '').trim() || clientId;
  const parties = { issuer, subject: (properties.assertionSubject ?? '').trim() };
  const header = assertionHeader(key);
  const audience = assertionAudienceOf(properties);
  return { sign: (endpoint) => signAssertion(parties, endpoint, header, key.key, { audience, now: options.now }) };
}
