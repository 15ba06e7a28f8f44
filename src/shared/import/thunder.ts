import type { ExtraParameter } from '../properties';
import { ImportFileError, ImportLimitError } from './importError';
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
  type ImportPreview,
  type ImportRow,
  type ParsedFile,
} from './importPreview';

export const THUNDER_EXPECTED =
  'a Thunder Client file: thunder-tests/thunderclient.json (requests), thunderCollection.json or collections/*.json (collections), with thunderEnvironment.json or environments/*.json';

/** What a Thunder Client file holds: requests, collections, or environments (each an array, or one object in the split layout). */
export type ThunderKind = 'requests' | 'collection' | 'environment';

type Entry = Record<string, unknown>;

function isRequest(entry: Entry): boolean {
  return typeof own(entry, '_id') === 'string' && typeof own(entry, 'colId') === 'string' && typeof own(entry, 'url') === 'string';
}

function isCollection(entry: Entry): boolean {
  return typeof own(entry, '_id') === 'string' && typeof own(entry, 'colName') === 'string';
}

function isEnvironment(entry: Entry): boolean {
  return typeof own(entry, '_id') === 'string' && typeof own(entry, 'name') === 'string' && Array.isArray(own(entry, 'data'));
}

/**
 * The kind of a Thunder Client file by its shape, or undefined: `thunderclient.json` is an array of requests (each with
 * `_id`, `colId` and `url`), `thunderCollection.json` an array of collections (`_id`, `colName`), `thunderEnvironment.json`
 * an array of environments (`_id`, `name`, `data`); the split layout (`collections/*.json`, `environments/*.json`, also
 * under `.thunder-client/`) holds one such object per file. An empty array is nobody's.
 */
export function thunderKind(json: unknown): ThunderKind | undefined {
  const entries = Array.isArray(json) ? json.map(objectOf) : [objectOf(json)];
  const first = entries[0];
  if (first === undefined || entries.some((entry) => entry === undefined)) {
    return undefined;
  }
  const all = (test: (entry: Entry) => boolean): boolean => entries.every((entry) => test(entry!));
  if (Array.isArray(json) && all(isRequest)) {
    return 'requests';
  }
  if (all(isCollection)) {
    return 'collection';
  }
  return all(isEnvironment) ? 'environment' : undefined;
}

/** The entries of a file: its array, or the one object of the split layout. */
function entriesOf(file: ParsedFile): Entry[] {
  const list = Array.isArray(file.json) ? (file.json as unknown[]) : [file.json];
  return list.map(objectOf).filter((entry): entry is Entry => entry !== undefined);
}

/** Thunder's grant names (`authorization_code_pkce` is its PKCE variant) in the spelling of the one grant table. */
function grantOf(raw: string): { grant: string; pkce: ExternalAuth['pkce'] } {
  const key = raw.toLowerCase().replace(/[^a-z]/g, '');
  if (key === 'authorizationcodepkce' || key === 'pkce') {
    return { grant: 'authorization_code', pkce: 'S256' };
  }
  return { grant: raw || 'authorization_code', pkce: key === 'authorizationcode' || raw === '' ? 'off' : '' };
}

/**
 * One `auth` of `"type": "oauth2"`: `{ grantType, authUrl, tokenUrl, callbackUrl, clientId, clientSecret, username,
 * password, scope, clientAuth: "in-header" | "in-body", audience, tokenPrefix, … }`.
 */
function externalAuthOf(source: string, name: string, oauth2: Entry): ExternalAuth {
  const get = (key: string): string => textOf(own(oauth2, key));
  const { grant, pkce } = grantOf(get('grantType'));
  const notes: string[] = [];
  const audience = get('audience').trim();
  const parameters: ExtraParameter[] = audience !== '' ? [{ name: 'audience', value: audience }] : [];
  const prefix = get('tokenPrefix').trim();
  if (prefix !== '' && prefix.toLowerCase() !== 'bearer') {
    notes.push(`"Token Prefix" is "${prefix.slice(0, 40)}": the invoker gets the token, and whatever sends it with a request chooses the prefix.`);
  }
  return {
    ...EMPTY_EXTERNAL_AUTH,
    source,
    name,
    grant,
    tokenUrl: get('tokenUrl'),
    clientId: get('clientId'),
    clientSecret: get('clientSecret'),
    // "Send Auth": as a Basic header or in the request body; the header when the file does not say.
    clientAuthentication: /body/i.test(get('clientAuth')) ? 'body' : 'basic',
    username: get('username'),
    password: get('password'),
    scope: get('scope'),
    extraParameters: parameters,
    authorizationUrl: get('authUrl'),
    redirectUrl: get('callbackUrl'),
    // The audience goes with the authorization request too, as Postman and Insomnia send it: Auth0 reads it there.
    authorizationParameters: parameters,
    pkce,
    notes,
  };
}

/** The OAuth 2.0 settings of an `auth` object, or undefined when it is another type, `inherit` or none. */
function oauth2Of(auth: unknown): Entry | undefined {
  const described = objectOf(auth);
  return own(described, 'type') === 'oauth2' ? (objectOf(own(described, 'oauth2')) ?? {}) : undefined;
}

/**
 * Reads every `auth` of `"type": "oauth2"` of Thunder Client files — a collection's (`settings.auth`), a folder's
 * (`folders[].settings.auth`), a request's (`auth`) — one row per block in effect (requests that inherit make none),
 * with `{{variables}}` resolved in one environment.
 * @see https://github.com/thunderclient/thunder-client-support#auth
 */
export function previewThunder(
  requestFiles: readonly ParsedFile[],
  collectionFiles: readonly ParsedFile[],
  environmentFiles: readonly ParsedFile[],
  environment: string | undefined,
  budget: ImportBudget,
): ImportPreview {
  if (requestFiles.length === 0 && collectionFiles.length === 0) {
    throw new ImportFileError(
      environmentFiles[0]?.name ?? '(no file)',
      `${THUNDER_EXPECTED}, chosen together with this environment`,
      'it is a Thunder Client environment alone',
    );
  }
  const environments: { name: string; entry: Entry; file: string }[] = [];
  for (const file of environmentFiles) {
    for (const entry of entriesOf(file)) {
      budget.item(file.name);
      environments.push({ name: textOf(own(entry, 'name')) || '(unnamed)', entry, file: file.name });
    }
  }
  const names = environments.map((e) => e.name);
  if (environment !== undefined && !names.includes(environment)) {
    throw new ImportFileError(
      environmentFiles[0]?.name ?? requestFiles[0]?.name ?? collectionFiles[0].name,
      `one of its environments (${names.join(', ') || 'none'})`,
      `it has no environment "${environment.slice(0, 60)}"`,
    );
  }
  const chosen = environments.find((e) => e.name === environment) ?? environments.find((e) => own(e.entry, 'default') === true) ?? environments[0];
  const variables = new Map<string, Variable>();
  for (const item of Array.isArray(own(chosen?.entry, 'data')) ? (own(chosen?.entry, 'data') as unknown[]) : []) {
    budget.check(chosen!.file);
    const variable = objectOf(item);
    const key = textOf(own(variable, 'name'));
    if (key !== '' && own(variable, 'enabled') !== false) {
      variables.set(key, { value: textOf(own(variable, 'value')), file: chosen!.file });
    }
  }
  const firstFile = collectionFiles[0]?.name ?? requestFiles[0].name;
  const scope = { lookup: (key: string) => variables.get(key), budget, file: firstFile };
  const rows: ImportRow[] = [];
  const add = (file: string, path: readonly string[], name: string, oauth2: Entry | undefined): void => {
    if (oauth2 !== undefined) {
      budget.configuration(file);
      rows.push(toImportRow(externalAuthOf(path.join(' › '), name, oauth2), { ...scope, file }));
    }
  };
  const collections = new Map<string, { name: string; folders: Map<string, Entry>; file: string }>();
  const requests: { entry: Entry; file: string }[] = [];
  for (const file of collectionFiles) {
    for (const collection of entriesOf(file)) {
      budget.item(file.name);
      const name = textOf(own(collection, 'colName')) || '(unnamed)';
      const folders = new Map<string, Entry>();
      for (const item of Array.isArray(own(collection, 'folders')) ? (own(collection, 'folders') as unknown[]) : []) {
        budget.item(file.name);
        const folder = objectOf(item);
        if (folder !== undefined) {
          folders.set(textOf(own(folder, '_id')), folder);
        }
      }
      collections.set(textOf(own(collection, '_id')), { name, folders, file: file.name });
      add(file.name, [sourcePart(name)], name, oauth2Of(own(objectOf(own(collection, 'settings')), 'auth')));
      for (const folder of folders.values()) {
        budget.check(file.name);
        const folderName = textOf(own(folder, 'name')) || '(unnamed)';
        add(file.name, [sourcePart(name), ...folderPath(folder, folders, file.name)], folderName, oauth2Of(own(objectOf(own(folder, 'settings')), 'auth')));
      }
      for (const request of Array.isArray(own(collection, 'requests')) ? (own(collection, 'requests') as unknown[]) : []) {
        const entry = objectOf(request);
        if (entry !== undefined) {
          requests.push({ entry, file: file.name });
        }
      }
    }
  }
  for (const file of requestFiles) {
    requests.push(...entriesOf(file).map((entry) => ({ entry, file: file.name })));
  }
  for (const { entry, file } of requests) {
    budget.item(file);
    const oauth2 = oauth2Of(own(entry, 'auth'));
    if (oauth2 === undefined) {
      continue;
    }
    const collection = collections.get(textOf(own(entry, 'colId')));
    const name = textOf(own(entry, 'name')) || '(unnamed)';
    const folder = collection?.folders.get(textOf(own(entry, 'containerId')));
    const folders = folder !== undefined ? folderPath(folder, collection!.folders, file) : [];
    add(file, [sourcePart(collection?.name ?? '(collection not chosen)'), ...folders, sourcePart(name)], name, oauth2);
  }
  return {
    format: 'thunder',
    environment: chosen?.name,
    environments: names,
    rows: withUniqueNames(rows),
  };
}

/** The names of a folder and the folders it is in (`containerId`), outermost first; at most `folderDepth` of them. */
function folderPath(folder: Entry, folders: ReadonlyMap<string, Entry>, file: string): string[] {
  const path: string[] = [];
  let current: Entry | undefined = folder;
  while (current !== undefined) {
    if (path.length >= IMPORT_LIMITS.folderDepth) {
      throw new ImportLimitError(file, 'folder-depth', `its folders nest deeper than ${IMPORT_LIMITS.folderDepth} levels (or in a loop)`);
    }
    path.unshift(sourcePart(textOf(own(current, 'name')) || '(unnamed)'));
    const parent = textOf(own(current, 'containerId'));
    current = parent !== '' ? folders.get(parent) : undefined;
  }
  return path;
}
