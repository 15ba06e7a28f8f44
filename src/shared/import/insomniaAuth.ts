import type { ExtraParameter } from '../properties';
import type { ImportBudget } from './importLimits';
import { EMPTY_EXTERNAL_AUTH, objectOf, own, textOf, type ExternalAuth } from './importPreview';
import type { Variable, VariableScope } from './templateVariables';

/** Variables nest this deep at most in an environment; deeper ones are not read. */
const MAX_VARIABLE_DEPTH = 20;

/**
 * Insomnia's environment data nests (`{ "api": { "host": … } }`, used as `{{ _.api.host }}`): flattened to dotted
 * names into `into`, later environments over earlier ones. Both export formats (v4 JSON, v5 YAML) keep environments so.
 */
export function flattenEnvironment(
  data: unknown,
  file: string,
  budget: ImportBudget,
  into = new Map<string, Variable>(),
  prefix = '',
  depth = 0,
): Map<string, Variable> {
  const object = objectOf(data);
  if (object === undefined || depth > MAX_VARIABLE_DEPTH) {
    return into;
  }
  for (const [key, value] of Object.entries(object)) {
    budget.check(file);
    const name = prefix === '' ? key : `${prefix}.${key}`;
    if (objectOf(value) !== undefined) {
      flattenEnvironment(value, file, budget, into, name, depth + 1);
    } else if (typeof value === 'string' || typeof value === 'number' || typeof value === 'boolean') {
      into.set(name, { value: String(value), file });
    }
  }
  return into;
}

/**
 * The variables of a request: its environments from the outermost (the base environment) to the innermost (its
 * folder's), looked up innermost first, so that no environment is copied for each request. Insomnia's Nunjucks
 * names `{{ _.name }}` and `{{ name }}` are the same variable.
 */
export function insomniaScope(layers: readonly ReadonlyMap<string, Variable>[], budget: ImportBudget, file: string): VariableScope {
  return {
    budget,
    file,
    lookup: (name) => {
      const key = name.replace(/^_\./, '');
      for (let i = layers.length - 1; i >= 0; i -= 1) {
        const found = layers[i].get(key);
        if (found !== undefined) {
          return found;
        }
      }
      return undefined;
    },
  };
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
