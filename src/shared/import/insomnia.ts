import { ImportFileError } from './importError';
import { objectOf, own, textOf, toImportRow, withUniqueNames, type ImportPreview, type ImportRow, type ParsedFile } from './importPreview';
import { flattenEnvironment, insomniaExternalAuth, insomniaLookup, isOAuth2Authentication } from './insomniaAuth';

export const INSOMNIA_EXPECTED = 'an Insomnia export (format 4): an object with "_type": "export", "__export_format": 4 and a "resources" array';

/** True when the JSON looks like an Insomnia v4 export. */
export function isInsomniaExport(json: unknown): boolean {
  const root = objectOf(json);
  return own(root, '_type') === 'export' && Array.isArray(own(root, 'resources'));
}

type Resource = Record<string, unknown>;

/** The resources that carry an `authentication`: requests of each kind, and folders. */
const AUTHENTICATED_TYPES = ['request', 'request_group', 'grpc_request', 'websocket_request'];

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

/** The names of an export's sub-environments (the base environment always applies). */
export function insomniaEnvironments(file: ParsedFile): string[] {
  return environmentsOf(resourcesOf(file)).sub.map((r) => textOf(own(r, 'name')) || id(r));
}

/**
 * Reads the OAuth 2.0 authentication (`"type": "oauth2"`, not disabled) of every request and request group of an
 * Insomnia v4 export, with Nunjucks variables (`{{ _.name }}`, `{{ name }}`) resolved in the base environment,
 * when named one sub-environment over it, and the environments of the folders it is in over both.
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
    flattenEnvironment(own(environmentResource, 'data'), variables);
  }
  const byId = new Map(resources.map((r) => [id(r), r]));
  /** The resource and its parents, outermost first (a parent cycle ends where it repeats). */
  const lineOf = (resource: Resource): Resource[] => {
    const line: Resource[] = [];
    for (let r: Resource | undefined = resource; r !== undefined && !line.includes(r); r = byId.get(textOf(own(r, 'parentId')))) {
      line.unshift(r);
    }
    return line;
  };
  const rows: ImportRow[] = [];
  for (const resource of resources) {
    const auth = objectOf(own(resource, 'authentication'));
    if (!AUTHENTICATED_TYPES.includes(type(resource)) || !isOAuth2Authentication(auth)) {
      continue;
    }
    const line = lineOf(resource);
    // A folder's environment is over the workspace's for everything in it (the inner folder's over the outer's).
    const scoped = new Map(variables);
    for (const folder of line.filter((r) => type(r) === 'request_group')) {
      flattenEnvironment(own(folder, 'environment'), scoped);
    }
    const name = textOf(own(resource, 'name')) || id(resource) || 'Insomnia';
    const path = line.map((r) => textOf(own(r, 'name')) || id(r) || '(unnamed)').join(' › ');
    rows.push(toImportRow(insomniaExternalAuth(path, name, auth), insomniaLookup(scoped)));
  }
  return { format: 'insomnia', environment: chosen !== undefined ? environment : undefined, environments, rows: withUniqueNames(rows) };
}
