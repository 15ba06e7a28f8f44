import { ImportFileError, ImportLimitError, quotedName } from './importError';
import { IMPORT_LIMITS, type ImportBudget } from './importLimits';
import { objectOf, own, sourcePart, textOf, toImportRow, withUniqueNames, type ImportPreview, type ImportRow, type ParsedFile } from './importPreview';
import { flattenEnvironment, insomniaExternalAuth, insomniaScope, isOAuth2Authentication } from './insomniaAuth';
import type { Variable } from './templateVariables';

export const INSOMNIA_EXPECTED = 'an Insomnia export (format 3 or 4): an object with "_type": "export", "__export_format": 3 or 4 and a "resources" array';

/** True when the JSON looks like an Insomnia v4 export. */
export function isInsomniaExport(json: unknown): boolean {
  const root = objectOf(json);
  return own(root, '_type') === 'export' && Array.isArray(own(root, 'resources'));
}

type Resource = Record<string, unknown>;

/** The resources that carry an `authentication`: requests of each kind, and folders. */
const AUTHENTICATED_TYPES = ['request', 'request_group', 'grpc_request', 'websocket_request'];

function resourcesOf(file: ParsedFile, budget: ImportBudget): Resource[] {
  const root = objectOf(file.json);
  if (root === undefined || !isInsomniaExport(root)) {
    throw new ImportFileError(file.name, INSOMNIA_EXPECTED, 'it is not an Insomnia export');
  }
  const format = own(root, '__export_format');
  // Format 3 (Insomnia 6) has the resources and authentication of format 4, and Insomnia still reads it.
  if (format !== 4 && format !== 3) {
    throw new ImportFileError(file.name, INSOMNIA_EXPECTED, `its "__export_format" is ${JSON.stringify(format) ?? 'missing'}`);
  }
  const resources: Resource[] = [];
  for (const item of own(root, 'resources') as unknown[]) {
    const resource = objectOf(item);
    if (resource !== undefined) {
      budget.item(file.name);
      resources.push(resource);
    }
  }
  return resources;
}

const id = (resource: Resource | undefined): string => textOf(own(resource, '_id'));
const type = (resource: Resource | undefined): string => textOf(own(resource, '_type'));

/** Environments: the base ones (children of a workspace, or of nothing in the file) and the sub-environments under them. */
function environmentsOf(resources: readonly Resource[]): { base: Resource[]; sub: Resource[] } {
  const environments = resources.filter((r) => type(r) === 'environment');
  const workspaces = new Set(resources.filter((r) => type(r) === 'workspace').map(id));
  const environmentIds = new Set(environments.map(id));
  const isBase = (r: Resource): boolean => workspaces.has(textOf(own(r, 'parentId'))) || !environmentIds.has(textOf(own(r, 'parentId')));
  return { base: environments.filter(isBase), sub: environments.filter((r) => !isBase(r)) };
}

/**
 * Reads the OAuth 2.0 authentication (`"type": "oauth2"`, not disabled) of every request and request group of an
 * Insomnia v4 export, with Nunjucks variables (`{{ _.name }}`, `{{ name }}`) resolved in the base environment,
 * when named one sub-environment over it, and the environments of the folders it is in over both.
 * @see https://docs.insomnia.rest/insomnia/import-export-data
 */
export function previewInsomnia(file: ParsedFile, environment: string | undefined, budget: ImportBudget): ImportPreview {
  const resources = resourcesOf(file, budget);
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
  const variables = new Map<string, Variable>();
  for (const environmentResource of [...base, ...(chosen !== undefined ? [chosen] : [])]) {
    flattenEnvironment(own(environmentResource, 'data'), file.name, budget, variables);
  }
  const byId = new Map(resources.map((r) => [id(r), r]));
  const parentOf = (r: Resource): Resource | undefined => {
    const parentId = textOf(own(r, 'parentId'));
    return parentId !== '' ? byId.get(parentId) : undefined;
  };
  /**
   * The resource and its parents, outermost first: walked up `parentId` one step at a time, at most folderDepth
   * steps; a parent that comes back (a cycle) is refused.
   */
  const lineOf = (resource: Resource): Resource[] => {
    const line: Resource[] = [];
    const seen = new Set<Resource>();
    for (let r: Resource | undefined = resource; r !== undefined; r = parentOf(r)) {
      if (seen.has(r)) {
        throw new ImportLimitError(
          file.name,
          'folder-cycle',
          `its folder ${quotedName(textOf(own(r, 'name')) || id(r))} is inside itself (its "parentId" chain comes back to it)`,
        );
      }
      // The request, its folders and the workspace.
      if (line.length > IMPORT_LIMITS.folderDepth + 1) {
        throw new ImportLimitError(file.name, 'folder-depth', `its folders nest deeper than ${IMPORT_LIMITS.folderDepth} levels`);
      }
      budget.check(file.name);
      seen.add(r);
      line.push(r);
    }
    return line.reverse();
  };
  /** Each folder's own environment, flattened once for all the requests in it. */
  const folderVariables = new Map<Resource, Map<string, Variable>>();
  const variablesOfFolder = (folder: Resource): Map<string, Variable> => {
    let found = folderVariables.get(folder);
    if (found === undefined) {
      found = flattenEnvironment(own(folder, 'environment'), file.name, budget);
      folderVariables.set(folder, found);
    }
    return found;
  };
  const rows: ImportRow[] = [];
  for (const resource of resources) {
    const auth = objectOf(own(resource, 'authentication'));
    if (!AUTHENTICATED_TYPES.includes(type(resource)) || !isOAuth2Authentication(auth)) {
      continue;
    }
    budget.configuration(file.name);
    const line = lineOf(resource);
    // A folder's environment is over the workspace's for everything in it (the inner folder's over the outer's).
    const layers = [variables, ...line.filter((r) => type(r) === 'request_group').map(variablesOfFolder)];
    const name = textOf(own(resource, 'name')) || id(resource) || 'Insomnia';
    const path = line.map((r) => sourcePart(textOf(own(r, 'name')) || id(r) || '(unnamed)')).join(' › ');
    rows.push(toImportRow(insomniaExternalAuth(path, name, auth), insomniaScope(layers, budget, file.name)));
  }
  return { format: 'insomnia', environment: chosen !== undefined ? environment : undefined, environments, rows: withUniqueNames(rows) };
}
