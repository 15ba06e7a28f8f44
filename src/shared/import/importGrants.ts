import type { GrantType } from '../properties';

/** How another tool's grant maps to the invoker: a grant it has, or the reason it is listed but not imported. */
export type GrantMapping = { readonly grantType: GrantType } | { readonly label: string; readonly reason: string };

/**
 * Every grant name the importers know, keyed by its normalized spelling (lowercase letters and digits only), as
 * JetBrains/httpyac ("Client Credentials"), Postman ("password_credentials") and Insomnia ("client_credentials")
 * write it. A grant the invoker gains is one line changed here: `{ grantType: '…' }` instead of the reason.
 */
export const IMPORT_GRANTS: Readonly<Record<string, GrantMapping>> = {
  clientcredentials: { grantType: 'client_credentials' },
  password: { grantType: 'password' },
  passwordcredentials: { grantType: 'password' },
  refreshtoken: { grantType: 'refresh_token' },
  // The invoker always uses PKCE (S256): with or without it in the other tool, it is the same grant here.
  authorizationcode: { grantType: 'authorization_code' },
  authorizationcodewithpkce: { grantType: 'authorization_code' },
  devicecode: { grantType: 'device_code' },
  deviceauthorization: { grantType: 'device_code' },
  urnietfparamsoauthgranttypedevicecode: { grantType: 'device_code' },
  implicit: {
    label: 'Implicit',
    reason: 'the Implicit grant returns the token in a browser redirect, which the invoker does not use (OAuth 2.0 Security BCP: do not use it)',
  },
};

/** The mapping of a tool's grant name; an unknown or missing name gets a reason that quotes it (grant names are not secrets). */
export function mapGrant(name: string): GrantMapping {
  const key = name.toLowerCase().replace(/[^a-z0-9]/g, '');
  const known = Object.prototype.hasOwnProperty.call(IMPORT_GRANTS, key) ? IMPORT_GRANTS[key] : undefined;
  if (known !== undefined) {
    return known;
  }
  const shown = name.trim().slice(0, 60);
  return shown === '' ? { label: 'none', reason: 'no grant type is given' } : { label: shown, reason: `the grant type "${shown}" is unknown` };
}
