import type { ExtraParameter } from '../properties';
import { ImportFileError, ImportLimitError } from './importError';
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
import { parseYaml } from './yamlFile';

export const OPEN_COLLECTION_EXPECTED = 'a file of an OpenCollection (Bruno YAML) collection: a YAML mapping';

type Node = Record<string, unknown> | undefined;

/** OpenCollection's flows under the grant names the importers know. */
const FLOWS: Readonly<Record<string, string>> = {
  client_credentials: 'client_credentials',
  resource_owner_password: 'password',
  resource_owner_password_credentials: 'password',
  password: 'password',
  authorization_code: 'authorization_code',
  implicit: 'implicit',
};

function readYaml(file: FolderFile, budget: ImportBudget): Node {
  const parsed = parseYaml(file.text.replace(/^\uFEFF/, ''), file.path, budget);
  if (parsed.json === undefined) {
    throw new ImportFileError(file.path, OPEN_COLLECTION_EXPECTED, `it is not valid YAML${parsed.problem}`);
  }
  return objectOf(parsed.json);
}

/** `variables: [{ name, value, disabled?, enabled?, secret? }]`, the value a string or `{ data }`. */
function variableList(list: unknown, file: string, budget: ImportBudget): { values: Map<string, string>; secrets: Set<string> } {
  const values = new Map<string, string>();
  const secrets = new Set<string>();
  for (const item of Array.isArray(list) ? list : []) {
    budget.item(file);
    const variable = objectOf(item);
    const name = textOf(own(variable, 'name'));
    if (name === '' || own(variable, 'disabled') === true || own(variable, 'enabled') === false) {
      continue;
    }
    if (own(variable, 'secret') === true) {
      secrets.add(name);
      continue;
    }
    const value = own(variable, 'value');
    values.set(name, textOf(value) || textOf(own(objectOf(value), 'data')));
  }
  return { values, secrets };
}

/** Enabled additional parameters of one request of the flow, with where Bruno sends them. */
function parametersOf(list: unknown): Array<ExtraParameter & { placement: string }> {
  return (Array.isArray(list) ? list : []).flatMap((item) => {
    const parameter = objectOf(item);
    const name = textOf(own(parameter, 'name'));
    return name === '' || own(parameter, 'disabled') === true || own(parameter, 'enabled') === false
      ? []
      : [{ name, value: textOf(own(parameter, 'value')), placement: textOf(own(parameter, 'placement')) }];
  });
}

/**
 * An `auth` mapping of `type: oauth2` as an external configuration: its `flow`, `accessTokenUrl`,
 * `credentials { clientId, clientSecret, placement }`, `resourceOwner { username, password }` and `pkce`, with
 * Bruno's defaults (credentials in the body, no PKCE) for what it leaves out.
 * @see https://docs.usebruno.com/opencollection-yaml/overview
 */
function externalAuthOf(auth: Record<string, unknown>, source: string, name: string): ExternalAuth {
  const get = (node: Node, key: string): string => textOf(own(node, key));
  const credentials = objectOf(own(auth, 'credentials'));
  const owner = objectOf(own(auth, 'resourceOwner'));
  const flow = get(auth, 'flow');
  const pkce = own(auth, 'pkce');
  const pkceOn = pkce === true || own(objectOf(pkce), 'enabled') === true;
  const additional = objectOf(own(auth, 'additionalParameters'));
  const authorization = parametersOf(own(additional, 'authorizationRequest'));
  const token = parametersOf(own(additional, 'accessTokenRequest'));
  const notes: string[] = [];
  const headers = [...authorization, ...token].filter((p) => p.placement === 'header');
  if (headers.length > 0) {
    notes.push(`Additional parameters sent as headers are not imported: ${[...new Set(headers.map((p) => `"${p.name.slice(0, 60)}"`))].join(', ')}.`);
  }
  const plain = (list: ReadonlyArray<ExtraParameter & { placement: string }>): ExtraParameter[] =>
    list.filter((p) => p.placement !== 'header').map((p) => ({ name: p.name, value: p.value }));
  return {
    ...EMPTY_EXTERNAL_AUTH,
    source,
    name,
    grant: Object.prototype.hasOwnProperty.call(FLOWS, flow) ? FLOWS[flow] : flow,
    tokenUrl: get(auth, 'accessTokenUrl'),
    clientId: get(credentials, 'clientId'),
    clientSecret: get(credentials, 'clientSecret'),
    clientAuthentication: brunoClientAuthentication(get(credentials, 'placement')),
    username: get(owner, 'username'),
    password: get(owner, 'password'),
    scope: get(auth, 'scope'),
    extraParameters: plain(token),
    authorizationUrl: get(auth, 'authorizationUrl'),
    redirectUrl: get(auth, 'callbackUrl'),
    authorizationParameters: plain(authorization),
    pkce: pkceOn ? (get(objectOf(pkce), 'method').toLowerCase() === 'plain' ? 'plain' : 'S256') : 'off',
    notes,
  };
}

/** The `auth` of a file when it is an OAuth 2.0 mapping (not `inherit`, `none` or another type). */
function oauth2Of(auth: unknown): Record<string, unknown> | undefined {
  const object = objectOf(auth);
  return textOf(own(object, 'type')) === 'oauth2' ? object : undefined;
}

/**
 * Reads a collection in OpenCollection YAML (Bruno's newer format): `opencollection.yml` at the root with the
 * collection's `request.auth`, `folder.yml` in each folder, a YAML file per request with its `http.auth`, and
 * `environments/*.yml`. `auth: inherit` (a plain string) and a folder without auth add no block.
 */
export function readOpenCollection(files: readonly FolderFile[], budget: ImportBudget): BrunoCollection {
  const yamlFiles = files.filter((file) => /\.ya?ml$/i.test(file.path)).sort((a, b) => (a.path < b.path ? -1 : a.path > b.path ? 1 : 0));
  const rootFile = yamlFiles.find((file) => file.path === 'opencollection.yml')!;
  const root = readYaml(rootFile, budget);
  const name = textOf(own(objectOf(own(root, 'info')), 'name')) || textOf(own(root, 'name')) || 'Bruno collection';
  const collectionVariables: BrunoVariables = {
    file: rootFile.path,
    values: variableList(own(objectOf(own(root, 'request')), 'variables'), rootFile.path, budget).values,
  };
  const blocks: BrunoAuthBlock[] = [];
  const add = (auth: Record<string, unknown> | undefined, source: string, blockName: string, scopes: BrunoVariables[]): void => {
    if (auth !== undefined) {
      budget.configuration(source);
      blocks.push({ auth: externalAuthOf(auth, source, blockName), scopes });
    }
  };
  add(oauth2Of(own(objectOf(own(root, 'request')), 'auth')), rootFile.path, name, []);
  const folders = new Map<string, BrunoVariables>();
  const environments: BrunoEnvironment[] = [];
  const requests: Array<{ file: FolderFile; node: Node }> = [];
  for (const file of yamlFiles) {
    budget.item(file.path);
    if (file.path === 'opencollection.yml') {
      continue;
    }
    const node = readYaml(file, budget);
    if (/^environments\/[^/]+\.ya?ml$/i.test(file.path)) {
      const { values, secrets } = variableList(own(node, 'variables'), file.path, budget);
      environments.push({ name: textOf(own(node, 'name')) || baseName(file.path, /\.ya?ml$/i), file: file.path, values, secrets });
    } else if (/^folder\.ya?ml$/i.test(baseName(file.path))) {
      const request = objectOf(own(node, 'request'));
      folders.set(directoryOf(file.path), { file: file.path, values: variableList(own(request, 'variables'), file.path, budget).values });
      const folderName = textOf(own(objectOf(own(node, 'info')), 'name')) || baseName(directoryOf(file.path));
      requests.push({ file, node: { folder: true, name: folderName, auth: own(request, 'auth') } });
    } else {
      requests.push({ file, node });
    }
  }
  const folderScopes = (directory: string, file: string): BrunoVariables[] => {
    const parts = directory === '' ? [] : directory.split('/');
    if (parts.length > IMPORT_LIMITS.folderDepth) {
      throw new ImportLimitError(file, 'folder-depth', `its folders nest deeper than ${IMPORT_LIMITS.folderDepth} levels`);
    }
    const scopes: BrunoVariables[] = [];
    for (let n = parts.length; n > 0; n -= 1) {
      const folder = folders.get(parts.slice(0, n).join('/'));
      if (folder !== undefined) {
        scopes.push(folder);
      }
    }
    return scopes;
  };
  for (const { file, node } of requests) {
    budget.check(file.path);
    const directory = directoryOf(file.path);
    if (own(node, 'folder') === true) {
      add(oauth2Of(own(node, 'auth')), file.path, textOf(own(node, 'name')), folderScopes(directory, file.path));
      continue;
    }
    const info = objectOf(own(node, 'info'));
    const request = objectOf(own(node, 'http')) ?? objectOf(own(node, 'graphql'));
    const requestName = textOf(own(info, 'name')) || baseName(file.path, /\.ya?ml$/i);
    const runtime = variableList(own(objectOf(own(node, 'runtime')), 'variables'), file.path, budget).values;
    add(oauth2Of(own(request, 'auth')), file.path, requestName, [{ file: file.path, values: runtime }, ...folderScopes(directory, file.path)]);
  }
  environments.sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
  return { name, root: rootFile.path, blocks, collectionVariables, environments };
}
