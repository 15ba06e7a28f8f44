import type { BasicVariant, ClientAuthentication } from '../model/djMessage';
import { clientAuthMethodOf, DEFAULT_SUBJECT_TOKEN_TYPE, WIRE_GRANT_TYPES, type InvokerProperties } from '../../shared/properties';
import { secretClientAuth, type ClientAuth, type SyncClientAuth } from '../clientAuth/clientAuthentication';
import { formUrlEncode } from '../clientAuth/formEncoding';
import { USER_AGENT } from '../model/version';

export { basicCredentials, basicVariantsDiffer, formUrlEncode } from '../clientAuth/formEncoding';

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

/**
 * A secret the grant's request needs that is not a stored property, fresh for every attempt, never stored: what a
 * person's sign-in produced, the access token of another invoker that a Token Exchange trades (resolved by the
 * extension), or the JWT Bearer assertion signed for this request.
 */
export type GrantInput =
  | {
      readonly grantType: 'authorization_code';
      readonly code: string;
      readonly codeVerifier: string;
      readonly redirectUri: string;
      /** The `nonce` the authorization request sent (scope `openid`): the answer's id_token must carry it. */
      readonly nonce?: string;
    }
  | { readonly grantType: 'device_code'; readonly deviceCode: string }
  | { readonly grantType: 'token_exchange'; readonly subjectToken: string }
  | { readonly grantType: 'jwt_bearer'; readonly assertion: string };

/** RFC 8628's grant type URI: the invoker calls the grant `device_code`. */
export const DEVICE_CODE_GRANT_TYPE = WIRE_GRANT_TYPES.device_code;

/** The `grant_type` value sent for an invoker's grant. */
export function wireGrantType(grantType: InvokerProperties['grantType']): string {
  return WIRE_GRANT_TYPES[grantType] ?? grantType;
}

/** The space-separated values of a property (several audiences or resources), each once, in order. */
export function spaceSeparated(value: string | undefined): string[] {
  return [...new Set((value ?? '').split(/\s+/).filter((part) => part !== ''))];
}

/**
 * The Token Exchange parameters: the subject token (the grant input's, else the entered one) and its type, the
 * optional actor token and its type, the requested type, and each audience and resource. Empty ones are omitted.
 * @see https://www.rfc-editor.org/rfc/rfc8693#section-2.1
 */
function addTokenExchange(add: FormWriter, p: InvokerProperties, grant: GrantInput | undefined): void {
  add('subject_token', grant?.grantType === 'token_exchange' ? grant.subjectToken : (p.subjectToken ?? '').trim());
  add('subject_token_type', p.subjectTokenType?.trim() || DEFAULT_SUBJECT_TOKEN_TYPE);
  const actorToken = (p.actorToken ?? '').trim();
  if (actorToken !== '') {
    add('actor_token', actorToken);
    const actorType = (p.actorTokenType ?? '').trim();
    if (actorType !== '') {
      add('actor_token_type', actorType);
    }
  }
  const requested = (p.requestedTokenType ?? '').trim();
  if (requested !== '') {
    add('requested_token_type', requested);
  }
  for (const resource of spaceSeparated(p.resource)) {
    add('resource', resource);
  }
  for (const audience of spaceSeparated(p.audience)) {
    add('audience', audience);
  }
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
  } else if (p.grantType === 'token_exchange') {
    addTokenExchange(add, p, grant);
  } else if (p.grantType === 'jwt_bearer') {
    // RFC 7523 §2.1: the signed assertion of this attempt (the grant input), else the entered one.
    add('assertion', grant?.grantType === 'jwt_bearer' ? grant.assertion : (p.assertion ?? '').trim());
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
