import type { ExtraParameter } from '../properties';
import { EMPTY_EXTERNAL_AUTH, objectOf, own, textOf, type ExternalAuth } from './importPreview';

/** Variables nest this deep at most in an environment; deeper ones are not read. */
const MAX_VARIABLE_DEPTH = 20;

/**
 * Insomnia's environment data nests (`{ "api": { "host": … } }`, used as `{{ _.api.host }}`): flattened to dotted
 * names into `into`, later layers over earlier ones. Both export formats (v4 JSON, v5 YAML) keep environments so.
 */
export function flattenEnvironment(data: unknown, into: Map<string, string>, prefix = '', depth = 0): void {
  const object = objectOf(data);
  if (object === undefined || depth > MAX_VARIABLE_DEPTH) {
    return;
  }
  for (const [key, value] of Object.entries(object)) {
    const name = prefix === '' ? key : `${prefix}.${key}`;
    if (objectOf(value) !== undefined) {
      flattenEnvironment(value, into, name, depth + 1);
    } else if (typeof value === 'string' || typeof value === 'number' || typeof value === 'boolean') {
      into.set(name, String(value));
    }
  }
}

/** A lookup of Insomnia's Nunjucks names: `{{ _.name }}` and `{{ name }}` are the same variable. */
export function insomniaLookup(variables: ReadonlyMap<string, string>): (name: string) => string | undefined {
  return (name) => variables.get(name.replace(/^_\./, ''));
}

/** True for an `authentication` object the importers read: `"type": "oauth2"` and not disabled. */
export function isOAuth2Authentication(auth: Record<string, unknown> | undefined): auth is Record<string, unknown> {
  return auth !== undefined && own(auth, 'type') === 'oauth2' && own(auth, 'disabled') !== true;
}

/**
 * An Insomnia `authentication` of type oauth2 (the same fields in the v4 and v5 formats) as an external
 * configuration: its grant (Insomnia's default is Authorization Code), token and authorization URLs, client,
 * PKCE, and its own Audience and Resource fields, which Insomnia sends with both requests.
 */
export function insomniaExternalAuth(source: string, name: string, auth: Record<string, unknown>): ExternalAuth {
  const get = (key: string): string => textOf(own(auth, key));
  const extraParameters: ExtraParameter[] = ['audience', 'resource'].filter((key) => get(key) !== '').map((key) => ({ name: key, value: get(key) }));
  const usePkce = own(auth, 'usePkce');
  return {
    ...EMPTY_EXTERNAL_AUTH,
    source,
    name,
    grant: get('grantType') || 'authorization_code',
    tokenUrl: get('accessTokenUrl'),
    clientId: get('clientId'),
    clientSecret: get('clientSecret'),
    clientAuthentication: own(auth, 'credentialsInBody') === true ? 'body' : 'basic',
    username: get('username'),
    password: get('password'),
    refreshToken: get('refreshToken'),
    scope: get('scope'),
    extraParameters,
    authorizationUrl: get('authorizationUrl'),
    redirectUrl: get('redirectUrl'),
    authorizationParameters: extraParameters,
    pkce: usePkce === true ? (get('pkceMethod').toLowerCase() === 'plain' ? 'plain' : 'S256') : usePkce === false ? 'off' : '',
    notes: [],
  };
}
