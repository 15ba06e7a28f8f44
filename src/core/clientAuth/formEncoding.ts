import type { BasicVariant } from '../model/djMessage';

const FORM_SAFE = /^[A-Za-z0-9*._-]*$/;
const FORM_UNSAFE_IN_URI_COMPONENT = /[!'()~]|%20/g;

/**
 * application/x-www-form-urlencoded serialization of one value, byte for byte as URLSearchParams writes it
 * (only `*-._` and alphanumerics stay as they are, space becomes `+`), without building a URLSearchParams.
 */
export function formUrlEncode(value: string): string {
  if (FORM_SAFE.test(value)) {
    return value;
  }
  let encoded: string;
  try {
    encoded = encodeURIComponent(value);
  } catch {
    return new URLSearchParams([['', value]]).toString().slice(1); // a lone surrogate: URLSearchParams writes U+FFFD
  }
  return encoded.replace(FORM_UNSAFE_IN_URI_COMPONENT, (match) => (match === '%20' ? '+' : `%${match.charCodeAt(0).toString(16).toUpperCase()}`));
}

/**
 * The base64 part of a Basic header. `rfc6749` form-urlencodes id and secret first, as RFC 6749 §2.3.1 requires,
 * so a `:` in the id cannot be mistaken for the separator; `raw` sends their UTF-8 bytes, which some servers expect.
 * @see https://www.rfc-editor.org/rfc/rfc6749#section-2.3.1
 */
export function basicCredentials(clientId: string, clientSecret: string, variant: BasicVariant): string {
  const pair = variant === 'rfc6749' ? `${formUrlEncode(clientId)}:${formUrlEncode(clientSecret)}` : `${clientId}:${clientSecret}`;
  return Buffer.from(pair, 'utf8').toString('base64');
}

/** True when the two Basic forms send different bytes, i.e. when falling back to the raw form can change anything. */
export function basicVariantsDiffer(clientId: string, clientSecret: string): boolean {
  return formUrlEncode(clientId) !== clientId || formUrlEncode(clientSecret) !== clientSecret;
}
