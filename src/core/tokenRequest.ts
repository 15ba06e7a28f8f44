import type { BasicVariant, ClientAuthentication } from './djMessage';
import { clientAuthMethodOf, type InvokerProperties } from '../shared/properties';
import { secretClientAuth, type ClientAuth, type SyncClientAuth } from './clientAuthentication';
import { formUrlEncode } from './formEncoding';
import { USER_AGENT } from './version';

export { basicCredentials, basicVariantsDiffer, formUrlEncode } from './formEncoding';

/** A token request ready to send: pure data, so tests compare it exactly. */
export interface TokenRequest {
  readonly url: string;
  readonly headers: Readonly<Record<string, string>>;
  readonly body: string;
  readonly clientAuthentication: ClientAuthentication;
  readonly basicVariant?: BasicVariant;
}

function present(value: string | undefined): value is string {
  return value !== undefined && value !== '';
}

/** How the client authenticates for these properties: the chosen method, else Basic, the body when asked, `none` for a public client. */
export function clientAuthenticationOf(properties: InvokerProperties): ClientAuthentication {
  return clientAuthMethodOf(properties);
}

/** What a person's sign-in produced, for the token request that ends it; fresh for every attempt, never stored. */
export type GrantInput =
  | { readonly grantType: 'authorization_code'; readonly code: string; readonly codeVerifier: string; readonly redirectUri: string }
  | { readonly grantType: 'device_code'; readonly deviceCode: string };

/** RFC 8628's grant type URI: the invoker calls the grant `device_code`. */
export const DEVICE_CODE_GRANT_TYPE = 'urn:ietf:params:oauth:grant-type:device_code';

/** The `grant_type` value sent for an invoker's grant. */
export function wireGrantType(grantType: InvokerProperties['grantType']): string {
  return grantType === 'device_code' ? DEVICE_CODE_GRANT_TYPE : grantType;
}

/** A form being built: `add` appends one parameter, form-urlencoded. */
export type FormWriter = (name: string, value: string) => void;

/** The headers every request to the authorization server carries. */
export function baseHeaders(): Record<string, string> {
  // Accept: JSON, because some servers (GitHub) answer form-encoded unless asked; no charset on the content type,
  // because RFC 6749 Appendix B fixes UTF-8 and strict servers reject a parameter they do not expect.
  return {
    'content-type': 'application/x-www-form-urlencoded',
    accept: 'application/json',
    'user-agent': USER_AGENT,
  };
}

/** A form writer and the parameters it wrote, joined. */
export function formBuilder(): { readonly add: FormWriter; readonly body: () => string } {
  const form: string[] = [];
  return {
    add: (name, value) => {
      form.push(`${formUrlEncode(name)}=${formUrlEncode(value)}`);
    },
    body: () => form.join('&'),
  };
}

/** Appends the non-empty name/value pairs whose names are not blank. */
export function addParameters(add: FormWriter, parameters: readonly { readonly name: string; readonly value: string }[] | undefined): void {
  for (const { name, value } of parameters ?? []) {
    if (name.trim() !== '' && value !== '') {
      add(name.trim(), value);
    }
  }
}

/** The grant's form parameters and the request's fixed headers, before client authentication. */
function unauthenticated(p: InvokerProperties, grant: GrantInput | undefined): { add: FormWriter; body: () => string; headers: Record<string, string> } {
  const { add, body } = formBuilder();
  add('grant_type', wireGrantType(p.grantType));
  if (p.grantType === 'password') {
    add('username', (p.username ?? '').trim());
    add('password', p.password ?? '');
  } else if (p.grantType === 'refresh_token') {
    add('refresh_token', (p.refreshToken ?? '').trim());
  } else if (p.grantType === 'authorization_code' && grant?.grantType === 'authorization_code') {
    add('code', grant.code);
    add('redirect_uri', grant.redirectUri);
    add('code_verifier', grant.codeVerifier);
  } else if (p.grantType === 'device_code' && grant?.grantType === 'device_code') {
    add('device_code', grant.deviceCode);
  }
  const scope = p.scope?.trim();
  if (present(scope) && p.grantType !== 'authorization_code' && p.grantType !== 'device_code') {
    add('scope', scope);
  }
  addParameters(add, p.extraParameters);
  return { add, body, headers: baseHeaders() };
}

function finish(url: string, parts: { body: () => string; headers: Record<string, string> }, auth: ClientAuth): TokenRequest {
  return {
    url: url.trim(),
    headers: parts.headers,
    body: parts.body(),
    clientAuthentication: auth.method,
    ...(auth.basicVariant !== undefined ? { basicVariant: auth.basicVariant } : {}),
  };
}

/**
 * Builds the token request for the properties' grant: a POST of form parameters with the client's credentials
 * in exactly one place (Basic header, body, or only `client_id` for a public client). Empty parameters are omitted.
 * The authorization code and device code grants take what the sign-in produced from `grant`; they send no scope,
 * which the authorization request carried. Only for the methods that sign nothing; `prepareTokenRequest` takes any.
 * @see https://www.rfc-editor.org/rfc/rfc6749#section-4.1.3
 * @see https://www.rfc-editor.org/rfc/rfc7636#section-4.5
 * @see https://www.rfc-editor.org/rfc/rfc6749#section-4.3
 * @see https://www.rfc-editor.org/rfc/rfc6749#section-4.4
 * @see https://www.rfc-editor.org/rfc/rfc6749#section-6
 * @see https://www.rfc-editor.org/rfc/rfc8628#section-3.4
 */
export function buildTokenRequest(
  properties: InvokerProperties,
  basicVariant: BasicVariant = 'rfc6749',
  grant?: GrantInput,
  auth: SyncClientAuth = secretClientAuth(properties, basicVariant),
): TokenRequest {
  const parts = unauthenticated(properties, grant);
  auth.apply({ endpoint: properties.authorizationServerUrl.trim(), headers: parts.headers, add: parts.add });
  return finish(properties.authorizationServerUrl, parts, auth);
}

/**
 * Builds the token request for the properties' grant, authenticated by `auth` (any client authentication method:
 * a JWT assertion is signed here, fresh for this request).
 * @see https://www.rfc-editor.org/rfc/rfc6749#section-2.3
 * @see https://www.rfc-editor.org/rfc/rfc7523#section-2.2
 */
export async function prepareTokenRequest(properties: InvokerProperties, auth: ClientAuth, grant?: GrantInput): Promise<TokenRequest> {
  const parts = unauthenticated(properties, grant);
  await auth.apply({ endpoint: properties.authorizationServerUrl.trim(), headers: parts.headers, add: parts.add });
  return finish(properties.authorizationServerUrl, parts, auth);
}

/**
 * A POST of form parameters to another of the authorization server's endpoints (introspection, revocation, device
 * authorization), the client authenticated by `auth` as for the token request: credentials in exactly one place, a
 * JWT assertion signed here for this endpoint. Empty parameters are omitted.
 * @see https://www.rfc-editor.org/rfc/rfc6749#section-2.3
 * @see https://www.rfc-editor.org/rfc/rfc7523#section-2.2
 */
export async function prepareFormRequest(url: string, parameters: ReadonlyArray<readonly [string, string]>, auth: ClientAuth): Promise<TokenRequest> {
  const { add, body } = formBuilder();
  for (const [name, value] of parameters) {
    if (value !== '') {
      add(name, value);
    }
  }
  const headers = baseHeaders();
  await auth.apply({ endpoint: url.trim(), headers, add });
  return finish(url, { body, headers }, auth);
}
