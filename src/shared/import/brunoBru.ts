import type { ExtraParameter } from '../properties';
import { bruDictionary, bruList, parseBru, type BruBlock } from './bruFile';
import { ImportLimitError } from './importError';
import { IMPORT_LIMITS, type ImportBudget } from './importLimits';
import { EMPTY_EXTERNAL_AUTH, objectOf, own, textOf, type ExternalAuth } from './importPreview';
import {
  baseName,
  brunoClientAuthentication,
  directoryOf,
  type BrunoAuthBlock,
  type BrunoCollection,
  type BrunoEnvironment,
  type BrunoVariables,
  type FolderFile,
} from './brunoModel';

const METHODS = ['get', 'post', 'put', 'delete', 'patch', 'options', 'head', 'connect', 'trace'];
const ADDITIONAL = 'auth:oauth2:additional_params:';

/** The enabled `vars:pre-request` of a file (an `@` before a name marks it local to the request: the same variable). */
function variablesOf(blocks: readonly BruBlock[], file: string): BrunoVariables {
  const values = new Map<string, string>();
  for (const [key, value] of bruDictionary(blocks, 'vars:pre-request') ?? []) {
    values.set(key.replace(/^@/, ''), value);
  }
  return { file, values };
}

/** The parameters of one `auth:oauth2:additional_params:<request>:<place>` block. */
function additionalParameters(blocks: readonly BruBlock[], request: string, place: string): ExtraParameter[] {
  return [...(bruDictionary(blocks, `${ADDITIONAL}${request}:${place}`) ?? [])].map(([name, value]) => ({ name, value }));
}

/**
 * An `auth:oauth2` block as an external configuration. Keys a block lacks take Bruno's defaults: credentials in the
 * body, no PKCE (blocks written before Bruno had these keys lack both, and their password blocks the client id too).
 * @see https://docs.usebruno.com/auth/oauth2-2.0/overview
 */
function externalAuthOf(blocks: readonly BruBlock[], source: string, name: string): ExternalAuth {
  const oauth = bruDictionary(blocks, 'auth:oauth2') ?? new Map<string, string>();
  const get = (key: string): string => oauth.get(key) ?? '';
  const notes: string[] = [];
  const authorizationParameters = additionalParameters(blocks, 'auth_req', 'queryparams');
  const extraParameters = [...additionalParameters(blocks, 'access_token_req', 'body'), ...additionalParameters(blocks, 'access_token_req', 'queryparams')];
  if (additionalParameters(blocks, 'access_token_req', 'queryparams').length > 0) {
    notes.push('Parameters Bruno adds to the token request\'s query are sent in its body by the invoker ("Extra Parameters").');
  }
  const headers = [...additionalParameters(blocks, 'auth_req', 'headers'), ...additionalParameters(blocks, 'access_token_req', 'headers')];
  if (headers.length > 0) {
    notes.push(`Additional parameters sent as headers are not imported: ${[...new Set(headers.map((p) => `"${p.name.slice(0, 60)}"`))].join(', ')}.`);
  }
  const pkce = get('pkce').trim().toLowerCase();
  return {
    ...EMPTY_EXTERNAL_AUTH,
    source,
    name,
    grant: get('grant_type'),
    tokenUrl: get('access_token_url'),
    clientId: get('client_id'),
    clientSecret: get('client_secret'),
    clientAuthentication: brunoClientAuthentication(get('credentials_placement')),
    username: get('username'),
    password: get('password'),
    scope: get('scope'),
    extraParameters,
    authorizationUrl: get('authorization_url'),
    redirectUrl: get('callback_url'),
    authorizationParameters,
    pkce: pkce === 'true' ? 'S256' : 'off',
    notes,
  };
}

/** The auth mode a file sets: `auth { mode: … }` of collection.bru and folder.bru, `auth:` of a request's method block. */
function authMode(blocks: readonly BruBlock[], request: boolean): string | undefined {
  if (request) {
    const method = blocks.find((b) => b.kind === 'dictionary' && METHODS.includes(b.name));
    return method !== undefined ? bruDictionary(blocks, method.name)?.get('auth')?.trim() : undefined;
  }
  return bruDictionary(blocks, 'auth')?.get('mode')?.trim();
}

/** An environment file (`environments/<name>.bru`): `vars { … }` and the names of `vars:secret [ … ]`. */
function environmentOf(file: FolderFile, budget: ImportBudget): BrunoEnvironment {
  const blocks = parseBru(file.text, file.path, budget);
  const secrets = new Set(bruList(blocks, 'vars:secret'));
  const values = new Map<string, string>();
  for (const [key, value] of bruDictionary(blocks, 'vars') ?? []) {
    if (!secrets.has(key)) {
      values.set(key, value);
    }
  }
  return { name: baseName(file.path, /\.bru$/i), file: file.path, values, secrets };
}

/**
 * Reads a collection in Bruno's `.bru` format: one OAuth 2.0 block for each of collection.bru, folder.bru and request
 * files whose auth mode is `oauth2` (requests and folders that inherit add none: the block they inherit is listed
 * once), with the variables of the places it is in.
 */
export function readBruCollection(files: readonly FolderFile[], budget: ImportBudget): BrunoCollection {
  const parsed = new Map<string, BruBlock[]>();
  const blocksOf = (file: FolderFile): BruBlock[] => {
    let blocks = parsed.get(file.path);
    if (blocks === undefined) {
      blocks = parseBru(file.text, file.path, budget);
      parsed.set(file.path, blocks);
    }
    return blocks;
  };
  const bruFiles = files.filter((file) => /\.bru$/i.test(file.path));
  const collectionFile = bruFiles.find((file) => file.path === 'collection.bru');
  const collectionBlocks = collectionFile !== undefined ? blocksOf(collectionFile) : [];
  const manifest = files.find((file) => file.path === 'bruno.json');
  let manifestName = '';
  try {
    manifestName = textOf(own(objectOf(JSON.parse(manifest?.text ?? '{}') as unknown), 'name'));
  } catch {
    // A bruno.json that is not JSON still marks the folder; the collection is then named by its collection.bru.
  }
  const name = manifestName || bruDictionary(collectionBlocks, 'meta')?.get('name') || 'Bruno collection';
  const collectionVariables = variablesOf(collectionBlocks, 'collection.bru');
  const folders = new Map<string, { name: string; variables: BrunoVariables }>();
  for (const file of bruFiles) {
    if (baseName(file.path) === 'folder.bru') {
      const blocks = blocksOf(file);
      const directory = directoryOf(file.path);
      folders.set(directory, { name: bruDictionary(blocks, 'meta')?.get('name') || baseName(directory), variables: variablesOf(blocks, file.path) });
    }
  }
  /** The variables of the folders a file is in, innermost first: a loop over its path, as deep as the limit allows. */
  const folderScopes = (directory: string, file: string): BrunoVariables[] => {
    const parts = directory === '' ? [] : directory.split('/');
    if (parts.length > IMPORT_LIMITS.folderDepth) {
      throw new ImportLimitError(file, 'folder-depth', `its folders nest deeper than ${IMPORT_LIMITS.folderDepth} levels`);
    }
    const scopes: BrunoVariables[] = [];
    for (let n = parts.length; n > 0; n -= 1) {
      const folder = folders.get(parts.slice(0, n).join('/'));
      if (folder !== undefined) {
        scopes.push(folder.variables);
      }
    }
    return scopes;
  };
  const blocks: BrunoAuthBlock[] = [];
  const add = (fileBlocks: readonly BruBlock[], source: string, blockName: string, scopes: BrunoVariables[]): void => {
    budget.configuration(source);
    blocks.push({ auth: externalAuthOf(fileBlocks, source, blockName), scopes });
  };
  if (authMode(collectionBlocks, false) === 'oauth2') {
    add(collectionBlocks, 'collection.bru', name, []);
  }
  const environments: BrunoEnvironment[] = [];
  for (const file of [...bruFiles].sort((a, b) => (a.path < b.path ? -1 : a.path > b.path ? 1 : 0))) {
    budget.item(file.path);
    if (file.path === 'collection.bru') {
      continue;
    }
    if (/^environments\/[^/]+\.bru$/i.test(file.path)) {
      environments.push(environmentOf(file, budget));
      continue;
    }
    const fileBlocks = blocksOf(file);
    const directory = directoryOf(file.path);
    if (baseName(file.path) === 'folder.bru') {
      // A folder.bru without an auth block inherits, as Bruno reads it.
      if (authMode(fileBlocks, false) === 'oauth2') {
        add(fileBlocks, file.path, folders.get(directory)?.name ?? baseName(directory), folderScopes(directory, file.path));
      }
      continue;
    }
    if (authMode(fileBlocks, true) === 'oauth2') {
      const requestName = bruDictionary(fileBlocks, 'meta')?.get('name') || baseName(file.path, /\.bru$/i);
      add(fileBlocks, file.path, requestName, [variablesOf(fileBlocks, file.path), ...folderScopes(directory, file.path)]);
    }
  }
  environments.sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
  return { name, root: 'bruno.json', blocks, collectionVariables, environments };
}
