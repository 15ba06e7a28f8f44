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

/** The grant's form parameters and the request's fixed headers, before client authentication. */
function unauthenticated(properties: InvokerProperties): { form: string[]; add: (name: string, value: string) => void; headers: Record<string, string> } {
  const p = properties;
  const form: string[] = [];
  const add = (name: string, value: string): void => {
    form.push(`${formUrlEncode(name)}=${formUrlEncode(value)}`);
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
  // Accept: JSON, because some servers (GitHub) answer form-encoded unless asked; no charset on the content type,
  // because RFC 6749 Appendix B fixes UTF-8 and strict servers reject a parameter they do not expect.
  const headers: Record<string, string> = {
    'content-type': 'application/x-www-form-urlencoded',
    accept: 'application/json',
    'user-agent': USER_AGENT,
  };
  return { form, add, headers };
}

function finish(properties: InvokerProperties, parts: { form: string[]; headers: Record<string, string> }, auth: ClientAuth): TokenRequest {
  return {
    url: properties.authorizationServerUrl.trim(),
    headers: parts.headers,
    body: parts.form.join('&'),
    clientAuthentication: auth.method,
    ...(auth.basicVariant !== undefined ? { basicVariant: auth.basicVariant } : {}),
  };
}

/**
 * Builds the token request for the properties' grant: a POST of form parameters with the client's credentials
 * in exactly one place (Basic header, body, or only `client_id` for a public client). Empty parameters are omitted.
 * Only for the methods that sign nothing; `prepareTokenRequest` takes any method.
 * @see https://www.rfc-editor.org/rfc/rfc6749#section-4.3
 * @see https://www.rfc-editor.org/rfc/rfc6749#section-4.4
 * @see https://www.rfc-editor.org/rfc/rfc6749#section-6
 */
export function buildTokenRequest(properties: InvokerProperties, basicVariant: BasicVariant = 'rfc6749', auth: SyncClientAuth = secretClientAuth(properties, basicVariant)): TokenRequest {
  const parts = unauthenticated(properties);
  auth.apply({ endpoint: properties.authorizationServerUrl.trim(), headers: parts.headers, add: parts.add });
  return finish(properties, parts, auth);
}

/**
 * Builds the token request for the properties' grant, authenticated by `auth` (any client authentication method:
 * a JWT assertion is signed here, fresh for this request).
 * @see https://www.rfc-editor.org/rfc/rfc6749#section-2.3
 * @see https://www.rfc-editor.org/rfc/rfc7523#section-2.2
 */
export async function prepareTokenRequest(properties: InvokerProperties, auth: ClientAuth): Promise<TokenRequest> {
  const parts = unauthenticated(properties);
  await auth.apply({ endpoint: properties.authorizationServerUrl.trim(), headers: parts.headers, add: parts.add });
  return finish(properties, parts, auth);
}
