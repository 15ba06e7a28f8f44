import type { ExtraParameter } from '../properties';
import { ImportFileError } from './importError';
import {
  EMPTY_EXTERNAL_AUTH,
  objectOf,
  own,
  textOf,
  toImportRow,
  withUniqueNames,
  type ExternalAuth,
  type ImportPreview,
  type ImportRow,
  type ParsedFile,
} from './importPreview';

export const INSOMNIA_EXPECTED = 'an Insomnia export (format 4): an object with "_type": "export", "__export_format": 4 and a "resources" array';

/** True when the JSON looks like an Insomnia v4 export. */
export function isInsomniaExport(json: unknown): boolean {
  const root = objectOf(json);
  return own(root, '_type') === 'export' && Array.isArray(own(root, 'resources'));
}

type Resource = Record<string, unknown>;

function resourcesOf(file: ParsedFile): Resource[] {
  const root = objectOf(file.json);
  if (root === undefined || !isInsomniaExport(root)) {
    throw new ImportFileError(file.name, INSOMNIA_EXPECTED, 'it is not an Insomnia export');
  }
  const format = own(root, '__export_format');
  if (format !== 4) {
    throw new ImportFileError(file.name, INSOMNIA_EXPECTED, `its "__export_format" is ${JSON.stringify(format) ?? 'missing'}`);
  }
  return (own(root, 'resources') as unknown[]).map(objectOf).filter((r): r is Resource => r !== undefined);
}

const id = (resource: Resource | undefined): string => textOf(own(resource, '_id'));
const type = (resource: Resource | undefined): string => textOf(own(resource, '_type'));

/** Environments: the base ones (children of a workspace) and the sub-environments under them. */
function environmentsOf(resources: readonly Resource[]): { base: Resource[]; sub: Resource[] } {
  const environments = resources.filter((r) => type(r) === 'environment');
  const workspaces = new Set(resources.filter((r) => type(r) === 'workspace').map(id));
  const base = environments.filter((r) => workspaces.has(textOf(own(r, 'parentId'))) || !environments.some((e) => id(e) === textOf(own(r, 'parentId'))));
  const sub = environments.filter((r) => !base.includes(r));
  return { base, sub };
}

/** Insomnia's environment data nests (`{ "api": { "host": … } }`, used as `{{ _.api.host }}`): flattened to dotted names. */
function flatten(data: unknown, prefix: string, into: Map<string, string>, depth = 0): void {
  const object = objectOf(data);
  if (object === undefined || depth > 20) {
    return;
  }
  for (const [key, value] of Object.entries(object)) {
    const name = prefix === '' ? key : `${prefix}.${key}`;
    if (objectOf(value) !== undefined) {
      flatten(value, name, into, depth + 1);
    } else if (typeof value === 'string' || typeof value === 'number' || typeof value === 'boolean') {
      into.set(name, String(value));
    }
  }
}

function externalAuthOf(source: string, name: string, auth: Record<string, unknown>): ExternalAuth {
  const get = (key: string): string => textOf(own(auth, key));
  const notes: string[] = [];
  // Insomnia has fields of their own for these two token request parameters.
  const extraParameters: ExtraParameter[] = ['audience', 'resource'].filter((key) => get(key) !== '').map((key) => ({ name: key, value: get(key) }));
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
    notes,
  };
}

/** The names of an export's sub-environments (the base environment always applies). */
export function insomniaEnvironments(file: ParsedFile): string[] {
  return environmentsOf(resourcesOf(file)).sub.map((r) => textOf(own(r, 'name')) || id(r));
}

/**
 * Reads the OAuth 2.0 authentication (`"type": "oauth2"`, not disabled) of every request and request group of an
 * Insomnia v4 export, with Nunjucks variables (`{{ _.name }}`, `{{ name }}`) resolved in the base environment and,
 * when named, one sub-environment over it.
 * @see https://docs.insomnia.rest/insomnia/import-export-data
 */
export function previewInsomnia(file: ParsedFile, environment?: string): ImportPreview {
  const resources = resourcesOf(file);
  const { base, sub } = environmentsOf(resources);
  const environments = sub.map((r) => textOf(own(r, 'name')) || id(r));
  const chosen = environment !== undefined ? sub.find((r) => (textOf(own(r, 'name')) || id(r)) === environment) : undefined;
  if (environment !== undefined && chosen === undefined) {
    throw new ImportFileError(
      file.name,
      `one of its sub-environments (${environments.join(', ') || 'none'})`,
      `it has no environment "${environment.slice(0, 60)}"`,
    );
  }
  const variables = new Map<string, string>();
  for (const environmentResource of [...base, ...(chosen !== undefined ? [chosen] : [])]) {
    flatten(own(environmentResource, 'data'), '', variables);
  }
  const byId = new Map(resources.map((r) => [id(r), r]));
  const pathOf = (resource: Resource): string => {
    const names: string[] = [];
    const seen = new Set<Resource>();
    for (let r: Resource | undefined = resource; r !== undefined && !seen.has(r); r = byId.get(textOf(own(r, 'parentId')))) {
      seen.add(r);
      names.unshift(textOf(own(r, 'name')) || id(r) || '(unnamed)');
    }
    return names.join(' › ');
  };
  const rows: ImportRow[] = [];
  for (const resource of resources) {
    const auth = objectOf(own(resource, 'authentication'));
    if (
      !['request', 'request_group', 'grpc_request', 'websocket_request'].includes(type(resource)) ||
      auth === undefined ||
      own(auth, 'type') !== 'oauth2' ||
      own(auth, 'disabled') === true
    ) {
      continue;
    }
    const name = textOf(own(resource, 'name')) || id(resource) || 'Insomnia';
    rows.push(toImportRow(externalAuthOf(pathOf(resource), name, auth), (key) => variables.get(key.replace(/^_\./, ''))));
  }
  return { format: 'insomnia', environment: chosen !== undefined ? environment : undefined, environments, rows: withUniqueNames(rows) };
}
