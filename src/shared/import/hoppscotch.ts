import type { ExtraParameter } from '../properties';
import { ImportFileError, ImportLimitError, quotedName } from './importError';
import { IMPORT_LIMITS, type ImportBudget } from './importLimits';
import type { Variable } from './templateVariables';
import {
  EMPTY_EXTERNAL_AUTH,
  objectOf,
  own,
  sourcePart,
  textOf,
  toImportRow,
  withUniqueNames,
  type ExternalAuth,
  type ExternalClientAuthentication,
  type ImportPreview,
  type ImportRow,
  type ParsedFile,
} from './importPreview';

export const HOPPSCOTCH_EXPECTED = 'a Hoppscotch collection export: an object (or an array of them) with "name", "folders" and "requests"';
const HOPPSCOTCH_ENVIRONMENT_EXPECTED = 'a Hoppscotch environment export: an object (or an array of them) with "name" and a "variables" array';

function isCollection(json: unknown): boolean {
  const root = objectOf(json);
  return root !== undefined && typeof own(root, 'name') === 'string' && (Array.isArray(own(root, 'folders')) || Array.isArray(own(root, 'requests')));
}

function isEnvironment(json: unknown): boolean {
  const root = objectOf(json);
  return root !== undefined && typeof own(root, 'name') === 'string' && Array.isArray(own(root, 'variables')) && !isCollection(root);
}

/** What a Hoppscotch export holds: collections (one, or an array), environments (one, or an array), or neither. */
export function hoppscotchKind(json: unknown): 'collection' | 'environment' | undefined {
  const list = Array.isArray(json) ? json : [json];
  if (list.length > 0 && list.every(isCollection)) {
    return 'collection';
  }
  return list.length > 0 && list.every(isEnvironment) ? 'environment' : undefined;
}

/** Hoppscotch writes variables `<<name>>`; the import's variable resolution reads `{{name}}`. */
function braced(value: string): string {
  return value.replace(/<<\s*([^<>]*?)\s*>>/g, '{{$1}}');
}

/**
 * Variables of a `[{ key, value }]` (older) or `[{ key, initialValue, currentValue, secret }]` (newer) list, added
 * to `into`. A secret variable is exported without its value: it is left undefined, so that a field using it
 * warns instead of holding the reference.
 */
function variablesOf(list: unknown, file: string, into: Map<string, Variable>, budget: ImportBudget, secrets: Set<string>): void {
  for (const item of Array.isArray(list) ? list : []) {
    budget.item(file);
    const variable = objectOf(item);
    const key = textOf(own(variable, 'key'));
    if (variable === undefined || key === '' || own(variable, 'active') === false) {
      continue;
    }
    const value = textOf(own(variable, 'initialValue')) || textOf(own(variable, 'value')) || textOf(own(variable, 'currentValue'));
    if (own(variable, 'secret') === true && value === '') {
      into.delete(key);
      secrets.add(key);
      continue;
    }
    into.set(key, { value: braced(value), file });
  }
}

/** `[{ key, value, active, sendIn? }]`, the active ones; a token request parameter sent elsewhere than the body gets a note. */
function parametersOf(list: unknown, notes: string[], request: 'token' | 'authorization'): ExtraParameter[] {
  const parameters: ExtraParameter[] = [];
  for (const item of Array.isArray(list) ? list : []) {
    const parameter = objectOf(item);
    const key = textOf(own(parameter, 'key'));
    if (parameter === undefined || key === '' || own(parameter, 'active') === false) {
      continue;
    }
    const sendIn = textOf(own(parameter, 'sendIn'));
    if (request === 'token' && sendIn !== '' && sendIn !== 'body') {
      notes.push(
        `The token request parameter ${quotedName(key)} is sent in the ${sendIn === 'url' ? 'URL' : 'headers'} by Hoppscotch; the invoker sends it in the body.`,
      );
    }
    parameters.push({ name: braced(key), value: braced(textOf(own(parameter, 'value'))) });
  }
  return parameters;
}

const GRANTS: Readonly<Record<string, string>> = {
  AUTHORIZATION_CODE: 'authorization_code',
  CLIENT_CREDENTIALS: 'client_credentials',
  PASSWORD: 'password',
  IMPLICIT: 'implicit',
};

/** `clientAuthentication` (and its earlier name `sendAs`); without either, Hoppscotch sends the client in the body. */
function clientAuthenticationOf(info: Record<string, unknown>): ExternalClientAuthentication {
  const value = textOf(own(info, 'clientAuthentication')) || textOf(own(info, 'sendAs'));
  return value === 'AS_BASIC_AUTH_HEADERS' ? 'basic' : 'body';
}

/**
 * One `oauth-2` auth: `grantTypeInfo` (v3 on), or the flat fields of the first versions (Authorization Code only).
 * Saved tokens (`token`, `refreshToken`) are never read.
 * @see https://github.com/hoppscotch/hoppscotch/tree/main/packages/hoppscotch-data/src/rest
 */
function externalAuthOf(source: string, name: string, auth: Record<string, unknown>): ExternalAuth {
  const info = objectOf(own(auth, 'grantTypeInfo'));
  const get = (record: Record<string, unknown> | undefined, key: string): string => braced(textOf(own(record, key)));
  const notes: string[] = [];
  if (info === undefined) {
    const discovery = get(auth, 'oidcDiscoveryURL').trim();
    return {
      ...EMPTY_EXTERNAL_AUTH,
      source,
      name,
      grant: 'authorization_code',
      tokenUrl: get(auth, 'accessTokenURL'),
      authorizationUrl: get(auth, 'authURL'),
      clientId: get(auth, 'clientID'),
      clientAuthentication: 'body',
      scope: get(auth, 'scope'),
      issuer: discovery.replace(/\/\.well-known\/openid-configuration\/?$/, ''),
      notes,
    };
  }
  const hoppGrant = textOf(own(info, 'grantType'));
  const grant = Object.prototype.hasOwnProperty.call(GRANTS, hoppGrant) ? GRANTS[hoppGrant] : hoppGrant;
  const signIn = grant === 'authorization_code';
  if (parametersOf(own(info, 'refreshRequestParams'), [], 'token').length > 0) {
    notes.push('The refresh request parameters are not imported: the invoker sends the token request parameters when it refreshes.');
  }
  return {
    ...EMPTY_EXTERNAL_AUTH,
    source,
    name,
    grant,
    // Client Credentials and Password keep their token URL in `authEndpoint`.
    tokenUrl: signIn ? get(info, 'tokenEndpoint') : get(info, 'authEndpoint') || get(info, 'tokenEndpoint'),
    authorizationUrl: signIn ? get(info, 'authEndpoint') : '',
    clientId: get(info, 'clientID'),
    clientSecret: get(info, 'clientSecret'),
    clientAuthentication: clientAuthenticationOf(info),
    username: get(info, 'username'),
    password: get(info, 'password'),
    scope: get(info, 'scopes'),
    extraParameters: parametersOf(own(info, 'tokenRequestParams'), notes, 'token'),
    authorizationParameters: parametersOf(own(info, 'authRequestParams'), notes, 'authorization'),
    pkce: signIn ? (own(info, 'isPKCE') !== true ? 'off' : textOf(own(info, 'codeVerifierMethod')) === 'plain' ? 'plain' : 'S256') : '',
    notes,
  };
}

/** The row's warnings name variables as Hoppscotch writes them, `<<name>>`, as the person knows them. */
function hoppscotchSpelling(row: ImportRow): ImportRow {
  return row.kind === 'invoker' ? { ...row, warnings: row.warnings.map((warning) => warning.replace(/\{\{([^{}]*)\}\}/g, '<<$1>>')) } : row;
}

/** A note for each secret variable the configuration uses that the export left without its value. */
function withSecretNotes(auth: ExternalAuth, secrets: ReadonlySet<string>, variables: ReadonlyMap<string, Variable>): ExternalAuth {
  if (secrets.size === 0) {
    return auth;
  }
  const fields = [auth.tokenUrl, auth.authorizationUrl, auth.clientId, auth.clientSecret, auth.username, auth.password, auth.scope];
  const used = new Set<string>();
  for (const field of fields) {
    for (const match of field.matchAll(/\{\{([^{}]*)\}\}/g)) {
      if (secrets.has(match[1]) && !variables.has(match[1])) {
        used.add(match[1]);
      }
    }
  }
  const notes = [...used].map(
    (name) => `${quotedName(`<<${name}>>`)} is a secret variable: Hoppscotch exports it without its value; enter the value in the form.`,
  );
  return notes.length === 0 ? auth : { ...auth, notes: [...auth.notes, ...notes] };
}

/** The environments of the file chosen with the collection, by name. */
function environmentsOf(file: ParsedFile | undefined): Array<{ name: string; variables: unknown }> {
  if (file === undefined) {
    return [];
  }
  if (hoppscotchKind(file.json) !== 'environment') {
    throw new ImportFileError(file.name, HOPPSCOTCH_ENVIRONMENT_EXPECTED, 'its shape is not one');
  }
  const list = Array.isArray(file.json) ? file.json : [file.json];
  return list.map((item) => ({ name: textOf(own(objectOf(item), 'name')) || file.name, variables: own(objectOf(item), 'variables') }));
}

/**
 * Reads every active `oauth-2` auth of a Hoppscotch collection export — each collection's, folder's and request's
 * (`inherit` uses the one above, already a row) — with `<<variables>>` from the chosen environment, then the
 * collection's and folders' own variables, then the request's.
 */
export function previewHoppscotch(
  collection: ParsedFile,
  environmentFile: ParsedFile | undefined,
  chosen: string | undefined,
  budget: ImportBudget,
): ImportPreview {
  if (hoppscotchKind(collection.json) !== 'collection') {
    throw new ImportFileError(collection.name, HOPPSCOTCH_EXPECTED, 'its shape is not one');
  }
  const environments = environmentsOf(environmentFile);
  const environment = environments.find((e) => e.name === chosen) ?? environments[0];
  const globals = new Map<string, Variable>();
  const secrets = new Set<string>();
  if (environment !== undefined) {
    variablesOf(environment.variables, environmentFile!.name, globals, budget, secrets);
  }
  const rows: ImportRow[] = [];
  // Recursive, but never deeper than folderDepth frames: the depth is checked before going in.
  const visit = (node: Record<string, unknown>, path: readonly string[], inherited: ReadonlyMap<string, Variable>): void => {
    if (path.length > IMPORT_LIMITS.folderDepth) {
      throw new ImportLimitError(collection.name, 'folder-depth', `its folders nest deeper than ${IMPORT_LIMITS.folderDepth} levels`);
    }
    budget.item(collection.name);
    const lists = [own(node, 'variables'), own(node, 'requestVariables')].filter((list) => Array.isArray(list) && list.length > 0);
    // Copied only where a node has variables of its own: a large collection's requests mostly have none.
    const variables = lists.length > 0 ? new Map(inherited) : inherited;
    for (const list of lists) {
      variablesOf(list, collection.name, variables as Map<string, Variable>, budget, secrets);
    }
    const auth = objectOf(own(node, 'auth'));
    if (auth !== undefined && own(auth, 'authType') === 'oauth-2' && own(auth, 'authActive') !== false) {
      budget.configuration(collection.name);
      const name = textOf(own(node, 'name')) || '(unnamed)';
      const external = externalAuthOf(path.join(' › '), name, auth);
      rows.push(
        hoppscotchSpelling(toImportRow(withSecretNotes(external, secrets, variables), { lookup: (key) => variables.get(key), budget, file: collection.name })),
      );
    }
    for (const key of ['folders', 'requests']) {
      const children = own(node, key);
      for (const item of Array.isArray(children) ? children : []) {
        const child = objectOf(item);
        if (child !== undefined) {
          visit(child, [...path, sourcePart(textOf(own(child, 'name')) || '(unnamed)')], variables);
        }
      }
    }
  };
  const roots = Array.isArray(collection.json) ? collection.json : [collection.json];
  for (const root of roots) {
    const node = objectOf(root)!;
    visit(node, [sourcePart(textOf(own(node, 'name')) || collection.name)], globals);
  }
  return { format: 'hoppscotch', environment: environment?.name, environments: environments.map((e) => e.name), rows: withUniqueNames(rows) };
}
