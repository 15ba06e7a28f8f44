import type { ExtraParameter } from '../properties';
import { ImportFileError, ImportLimitError } from './importError';
import { IMPORT_LIMITS, type ImportBudget } from './importLimits';
import type { Variable } from './templateVariables';
import {
  EMPTY_EXTERNAL_AUTH,
  invokerNameFrom,
  objectOf,
  own,
  sourcePart,
  textOf,
  toImportRow,
  withUniqueNames,
  type ExternalAuth,
  type ImportPreview,
  type ImportRow,
  type ParsedFile,
} from './importPreview';

export const POSTMAN_COLLECTION_EXPECTED = 'a Postman collection (schema v2.1.0): an object with "info" and an "item" array';
export const POSTMAN_ENVIRONMENT_EXPECTED = 'a Postman environment: an object with a "values" array of { "key", "value" }';

/** True when the JSON looks like a Postman collection (its `info.schema` or, without one, `info` beside `item`). */
export function isPostmanCollection(json: unknown): boolean {
  const root = objectOf(json);
  const info = objectOf(own(root, 'info'));
  return info !== undefined && (textOf(own(info, 'schema')).includes('getpostman.com/json/collection') || Array.isArray(own(root, 'item')));
}

/** True when the JSON looks like a Postman environment export. */
export function isPostmanEnvironment(json: unknown): boolean {
  const root = objectOf(json);
  return Array.isArray(own(root, 'values')) && (own(root, '_postman_variable_scope') === 'environment' || typeof own(root, 'name') === 'string');
}

/** Variables of a `[{ key, value, disabled?, enabled? }]` list: disabled ones left out. */
function variablesOf(list: unknown, file: string, into: Map<string, Variable>, budget: ImportBudget): void {
  if (!Array.isArray(list)) {
    return;
  }
  for (const item of list) {
    budget.check(file);
    const variable = objectOf(item);
    const key = textOf(own(variable, 'key'));
    if (variable !== undefined && key !== '' && own(variable, 'disabled') !== true && own(variable, 'enabled') !== false) {
      const value = textOf(own(variable, 'value'));
      // Postman exports a secret variable ("type": "secret", or a collection's "secret": true) without its value.
      const secret = own(variable, 'type') === 'secret' || own(variable, 'secret') === true;
      into.set(key, secret && value === '' ? { value, file, withheld: true } : { value, file });
    }
  }
}

/** The oauth2 attributes: v2.1 writes `[{ key, value, type }]`, v2.0 a plain object. */
function attributesOf(auth: Record<string, unknown>): Map<string, unknown> {
  const raw = own(auth, 'oauth2');
  const attributes = new Map<string, unknown>();
  if (Array.isArray(raw)) {
    for (const item of raw) {
      const attribute = objectOf(item);
      const key = textOf(own(attribute, 'key'));
      if (key !== '') {
        attributes.set(key, own(attribute, 'value'));
      }
    }
  } else {
    for (const [key, value] of Object.entries(objectOf(raw) ?? {})) {
      attributes.set(key, value);
    }
  }
  return attributes;
}

/** Postman's own redirect when "Authorize using browser" is on. */
const POSTMAN_BROWSER_CALLBACK = 'https://oauth.pstmn.io/v1/callback';

/**
 * tokenRequestParams: `[{ key, value, enabled, send_as: request_body | request_header | request_url }]`; the
 * authorization request's (authRequestParams) are always URL parameters, as the invoker sends them.
 */
function parametersOf(value: unknown, notes: string[], request: 'token' | 'authorization' = 'token'): ExtraParameter[] {
  const parameters: ExtraParameter[] = [];
  for (const item of Array.isArray(value) ? value : []) {
    const parameter = objectOf(item);
    const key = textOf(own(parameter, 'key'));
    if (parameter === undefined || key === '' || own(parameter, 'enabled') === false) {
      continue;
    }
    const sendAs = textOf(own(parameter, 'send_as'));
    if (request === 'token' && sendAs !== '' && sendAs !== 'request_body') {
      notes.push(
        `The token request parameter "${key.slice(0, 60)}" is sent as ${sendAs === 'request_header' ? 'a header' : 'a URL parameter'} by Postman; the invoker sends it in the body.`,
      );
    }
    parameters.push({ name: key, value: textOf(own(parameter, 'value')) });
  }
  return parameters;
}

/** The keys of a token Postman saved with the request: a block holding only these has nothing to import. */
const SAVED_TOKEN_KEYS = new Set(['accessToken', 'tokenType', 'addTokenTo', 'headerPrefix', 'tokenName', 'tokenId', 'refreshToken', 'id_token']);

/**
 * Advanced "Audience" and "Resource": Postman keeps each as `{ "<id>": "value" }` (a plain string in older files) and
 * sends it as `audience` / `resource` with the token request, and for Authorization Code with the authorization
 * request too.
 */
function advancedParametersOf(attributes: ReadonlyMap<string, unknown>): ExtraParameter[] {
  const parameters: ExtraParameter[] = [];
  for (const name of ['audience', 'resource']) {
    const raw = attributes.get(name);
    const values = typeof raw === 'string' ? [raw] : Object.values(objectOf(raw) ?? {}).map(textOf);
    for (const value of new Set(values)) {
      if (value.trim() !== '') {
        parameters.push({ name, value });
      }
    }
  }
  return parameters;
}

function externalAuthOf(source: string, name: string, auth: Record<string, unknown>): ExternalAuth | { readonly savedTokenOnly: true } {
  const attributes = attributesOf(auth);
  if (attributes.size > 0 && [...attributes.keys()].every((key) => SAVED_TOKEN_KEYS.has(key))) {
    return { savedTokenOnly: true };
  }
  const get = (key: string): string => textOf(attributes.get(key));
  const notes: string[] = [];
  const grant = get('grant_type');
  const advanced = advancedParametersOf(attributes);
  const authorizationCode = grant === '' || grant.startsWith('authorization_code');
  return {
    ...EMPTY_EXTERNAL_AUTH,
    source,
    name,
    // Postman's own default when the collection does not say.
    grant: grant || 'authorization_code',
    tokenUrl: get('accessTokenUrl'),
    clientId: get('clientId'),
    clientSecret: get('clientSecret'),
    clientAuthentication: get('client_authentication') === 'body' ? 'body' : 'basic',
    username: get('username'),
    password: get('password'),
    scope: get('scope'),
    extraParameters: [...parametersOf(attributes.get('tokenRequestParams'), notes), ...advanced],
    authorizationUrl: get('authUrl'),
    redirectUrl: attributes.get('useBrowser') === true ? POSTMAN_BROWSER_CALLBACK : get('redirect_uri'),
    authorizationParameters: [...parametersOf(attributes.get('authRequestParams'), notes, 'authorization'), ...(authorizationCode ? advanced : [])],
    pkce:
      grant === 'authorization_code_with_pkce'
        ? get('challengeAlgorithm') === 'plain'
          ? 'plain'
          : 'S256'
        : grant === 'authorization_code' || grant === ''
          ? 'off'
          : '',
    notes,
  };
}

/**
 * Reads every `auth` of `"type": "oauth2"` of a Postman collection — the collection's own, each folder's, each
 * request's — with `{{variables}}` resolved from the environment file (when given) over the collection's variables.
 * @see https://schema.postman.com/collection/json/v2.1.0/draft-07/docs/index.html
 */
export function previewPostman(collection: ParsedFile, environment: ParsedFile | undefined, budget: ImportBudget): ImportPreview {
  const root = objectOf(collection.json);
  if (root === undefined || !isPostmanCollection(root)) {
    throw new ImportFileError(collection.name, POSTMAN_COLLECTION_EXPECTED, 'it has no "info" object with an "item" array');
  }
  const variables = new Map<string, Variable>();
  variablesOf(own(root, 'variable'), collection.name, variables, budget);
  let environmentName: string | undefined;
  if (environment !== undefined) {
    if (!isPostmanEnvironment(environment.json)) {
      throw new ImportFileError(environment.name, POSTMAN_ENVIRONMENT_EXPECTED, 'it has no "values" array');
    }
    variablesOf(own(objectOf(environment.json), 'values'), environment.name, variables, budget);
    environmentName = textOf(own(objectOf(environment.json), 'name')) || environment.name;
  }
  const scope = { lookup: (key: string) => variables.get(key), budget, file: collection.name };
  const rows: ImportRow[] = [];
  const collectionName = textOf(own(objectOf(own(root, 'info')), 'name')) || collection.name;
  // Recursive, but never deeper than folderDepth frames: the depth is checked before going in.
  const visit = (node: Record<string, unknown>, path: readonly string[], name: string, auth: unknown): void => {
    if (path.length > IMPORT_LIMITS.folderDepth) {
      throw new ImportLimitError(collection.name, 'folder-depth', `its folders nest deeper than ${IMPORT_LIMITS.folderDepth} levels`);
    }
    budget.item(collection.name);
    const described = objectOf(auth);
    if (described !== undefined && own(described, 'type') === 'oauth2') {
      budget.configuration(collection.name);
      const external = externalAuthOf(path.join(' › '), name, described);
      rows.push(
        'savedTokenOnly' in external
          ? { kind: 'skipped', source: path.join(' › '), name: invokerNameFrom(name), reason: 'Only a saved token, nothing to import.' }
          : toImportRow(external, scope),
      );
    }
    const items = own(node, 'item');
    for (const item of Array.isArray(items) ? items : []) {
      const child = objectOf(item);
      if (child === undefined) {
        continue;
      }
      const childName = textOf(own(child, 'name')) || '(unnamed)';
      const request = objectOf(own(child, 'request'));
      visit(child, [...path, sourcePart(childName)], childName, request !== undefined ? own(request, 'auth') : own(child, 'auth'));
    }
  };
  visit(root, [sourcePart(collectionName)], collectionName, own(root, 'auth'));
  return { format: 'postman', environment: environmentName, environments: environmentName !== undefined ? [environmentName] : [], rows: withUniqueNames(rows) };
}
