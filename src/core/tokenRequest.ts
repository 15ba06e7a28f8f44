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

/** What client authentication adds to a request: headers and form parameters, in exactly one place. */
export interface ClientCredentialsPlacement {
  readonly clientAuthentication: ClientAuthentication;
  readonly headers: Readonly<Record<string, string>>;
  readonly params: ReadonlyArray<readonly [string, string]>;
  readonly basicVariant?: BasicVariant;
}

/**
 * Places the client's credentials for any request to the authorization server (token, introspection, revocation):
 * a Basic header, the body, or only `client_id` for a public client — never two places at once. The one function
 * a client authentication strategy replaces.
 * @see https://www.rfc-editor.org/rfc/rfc6749#section-2.3.1
 */
export function authenticateClient(properties: InvokerProperties, basicVariant: BasicVariant = 'rfc6749'): ClientCredentialsPlacement {
  const clientId = (properties.clientId ?? '').trim();
  const clientAuthentication = clientAuthenticationOf(properties);
  if (clientAuthentication === 'client_secret_basic') {
    return { clientAuthentication, headers: { authorization: `Basic ${basicCredentials(clientId, properties.clientSecret ?? '', basicVariant)}` }, params: [], basicVariant };
  }
  if (clientAuthentication === 'client_secret_post') {
    return { clientAuthentication, headers: {}, params: [['client_id', clientId], ['client_secret', properties.clientSecret ?? '']] };
  }
  return { clientAuthentication, headers: {}, params: present(clientId) ? [['client_id', clientId]] : [] };
}

/**
 * A POST of form parameters to one of the authorization server's endpoints, the client authenticated by
 * {@link authenticateClient}. Empty parameters are omitted.
 * @see https://www.rfc-editor.org/rfc/rfc6749#section-3.2
 */
export function buildFormRequest(url: string, parameters: ReadonlyArray<readonly [string, string]>, properties: InvokerProperties, basicVariant: BasicVariant = 'rfc6749'): TokenRequest {
  const form: string[] = [];
  const credentials = authenticateClient(properties, basicVariant);
  for (const [name, value] of [...parameters, ...credentials.params]) {
    form.push(`${formUrlEncode(name)}=${formUrlEncode(value)}`);
  }
  // Accept: JSON, because some servers (GitHub) answer form-encoded unless asked; no charset on the content type,
  // because RFC 6749 Appendix B fixes UTF-8 and strict servers reject a parameter they do not expect.
  const headers: Record<string, string> = {
    'content-type': 'application/x-www-form-urlencoded',
    accept: 'application/json',
    'user-agent': USER_AGENT,
    ...credentials.headers,
  };
  return {
    url: url.trim(),
    headers,
    body: form.join('&'),
    clientAuthentication: credentials.clientAuthentication,
    ...(credentials.basicVariant !== undefined ? { basicVariant: credentials.basicVariant } : {}),
  };
}

/**
 * Builds the token request for the properties' grant: a POST of form parameters with the client's credentials
 * in exactly one place (Basic header, body, or only `client_id` for a public client). Empty parameters are omitted.
 * @see https://www.rfc-editor.org/rfc/rfc6749#section-4.3
 * @see https://www.rfc-editor.org/rfc/rfc6749#section-4.4
 * @see https://www.rfc-editor.org/rfc/rfc6749#section-6
 */
export function buildTokenRequest(properties: InvokerProperties, basicVariant: BasicVariant = 'rfc6749'): TokenRequest {
  const p = properties;
  const form: Array<[string, string]> = [];
  const add = (name: string, value: string): void => {
    form.push([name, value]);
  };
  add('grant_type', p.grantType);
  if (p.grantType === 'password') {
    add('username', (p.username ?? '').trim());
    add('password', p.password ?? '');
  } else if (p.grantType === 'refresh_token') {
    add('refresh_token', (p.refreshToken ?? '').trim());
  }
  const scope = p.scope?.trim();
  if (present(scope)) {
    add('scope', scope);
  }
  for (const { name, value } of p.extraParameters ?? []) {
    if (name.trim() !== '' && value !== '') {
      add(name.trim(), value);
    }
  }
  return buildFormRequest(p.authorizationServerUrl, form, p, basicVariant);
}
