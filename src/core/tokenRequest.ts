import type { BasicVariant, ClientAuthentication } from './djMessage';
import type { InvokerProperties } from '../shared/properties';
import { USER_AGENT } from './version';

/** A token request ready to send: pure data, so tests compare it exactly. */
export interface TokenRequest {
  readonly url: string;
  readonly headers: Readonly<Record<string, string>>;
  readonly body: string;
  readonly clientAuthentication: ClientAuthentication;
  readonly basicVariant?: BasicVariant;
}

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
  return encoded.replace(FORM_UNSAFE_IN_URI_COMPONENT, (match) =>
    match === '%20' ? '+' : `%${match.charCodeAt(0).toString(16).toUpperCase()}`,
  );
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

function present(value: string | undefined): value is string {
  return value !== undefined && value !== '';
}

/** How the client authenticates for these properties: Basic by default, the body when asked, `none` for a public client. */
export function clientAuthenticationOf(properties: InvokerProperties): ClientAuthentication {
  if (!present(properties.clientSecret)) {
    return 'none';
  }
  return properties.credentialsInRequestBody === true ? 'client_secret_post' : 'client_secret_basic';
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

/**
 * Puts the client's credentials in exactly one place: a Basic header, the body (`client_id` and `client_secret`), or
 * only `client_id` for a public client. Used by the token request and the device authorization request alike.
 * @see https://www.rfc-editor.org/rfc/rfc6749#section-2.3.1
 */
export function authenticateClient(
  properties: InvokerProperties,
  basicVariant: BasicVariant,
  add: FormWriter,
  headers: Record<string, string>,
): { readonly clientAuthentication: ClientAuthentication; readonly basicVariant?: BasicVariant } {
  const clientId = (properties.clientId ?? '').trim();
  const clientAuthentication = clientAuthenticationOf(properties);
  if (clientAuthentication === 'client_secret_basic') {
    headers.authorization = `Basic ${basicCredentials(clientId, properties.clientSecret ?? '', basicVariant)}`;
    return { clientAuthentication, basicVariant };
  }
  if (clientAuthentication === 'client_secret_post') {
    add('client_id', clientId);
    add('client_secret', properties.clientSecret ?? '');
  } else if (present(clientId)) {
    add('client_id', clientId);
  }
  return { clientAuthentication };
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

/**
 * Builds the token request for the properties' grant: a POST of form parameters with the client's credentials
 * in exactly one place (Basic header, body, or only `client_id` for a public client). Empty parameters are omitted.
 * The authorization code and device code grants take what the sign-in produced from `grant`; they send no scope,
 * which the authorization request carried.
 * @see https://www.rfc-editor.org/rfc/rfc6749#section-4.1.3
 * @see https://www.rfc-editor.org/rfc/rfc7636#section-4.5
 * @see https://www.rfc-editor.org/rfc/rfc6749#section-4.3
 * @see https://www.rfc-editor.org/rfc/rfc6749#section-4.4
 * @see https://www.rfc-editor.org/rfc/rfc6749#section-6
 * @see https://www.rfc-editor.org/rfc/rfc8628#section-3.4
 */
export function buildTokenRequest(properties: InvokerProperties, basicVariant: BasicVariant = 'rfc6749', grant?: GrantInput): TokenRequest {
  const p = properties;
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
  const headers = baseHeaders();
  const authentication = authenticateClient(p, basicVariant, add, headers);
  return {
    url: p.authorizationServerUrl.trim(),
    headers,
    body: body(),
    ...authentication,
  };
}
