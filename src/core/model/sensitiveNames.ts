/** What stands where a secret was. */
export const REDACTED = '[REDACTED]';

/** Field names whose values are secrets wherever they appear: request forms, JSON answers, properties. */
export function isSensitiveName(name: string): boolean {
  const n = name.toLowerCase();
  // Facts about a token are not the token: token_type, refresh_token_expires_in, token_endpoint, id_token_hint's type.
  if (/(^token_type$|_type$|_hint$|_in$|_at$|_uri$|_url$|_endpoint$)/.test(n)) {
    return false;
  }
  return /secret|password|passwd|passphrase|token|assertion|^code$|code_verifier|device_code|^(proxy-)?authorization$|cookie|credential/.test(n);
}
