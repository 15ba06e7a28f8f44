import { ImportFileError, ImportLimitError } from './importError';
import { IMPORT_LIMITS, type ImportBudget } from './importLimits';
import { objectOf, own, sourcePart, textOf, toImportRow, withUniqueNames, type ImportPreview, type ImportRow, type ParsedFile } from './importPreview';
import { flattenEnvironment, insomniaExternalAuth, insomniaScope, isOAuth2Authentication } from './insomniaAuth';
import type { Variable } from './templateVariables';

export const INSOMNIA_V5_EXPECTED =
  'an Insomnia collection export (YAML, "type: collection.insomnia.rest/5.0" or "spec.insomnia.rest/5.0") with its "collection" of requests and folders';

const DOCUMENT_TYPE = /^(collection|spec|environment)\.insomnia\.rest\/5(\.\d+)?$/;

/** The kind of an Insomnia v5 document (`type: collection.insomnia.rest/5.0`, …), or undefined for anything else. */
export function insomniaV5Kind(json: unknown): 'collection' | 'environment' | undefined {
  const match = DOCUMENT_TYPE.exec(textOf(own(objectOf(json), 'type')));
  if (match === null) {
    return undefined;
  }
  return match[1] === 'environment' ? 'environment' : 'collection';
}

type Node = Record<string, unknown>;

/** An `environments` block of a file: the base environment's data and its sub-environments by name. */
interface Environments {
  readonly file: string;
  readonly base: unknown;
  readonly sub: ReadonlyMap<string, unknown>;
}

function environmentsOf(file: ParsedFile | undefined, budget: ImportBudget): Environments {
  const block = objectOf(own(objectOf(file?.json), 'environments'));
  const sub = new Map<string, unknown>();
  const list = own(block, 'subEnvironments');
  for (const item of Array.isArray(list) ? list : []) {
    budget.item(file?.name ?? '');
    const environment = objectOf(item);
    const name = textOf(own(environment, 'name')) || textOf(own(objectOf(own(environment, 'meta')), 'id'));
    if (environment !== undefined && name !== '' && !sub.has(name)) {
      sub.set(name, own(environment, 'data'));
    }
  }
  return { file: file?.name ?? '', base: own(block, 'data'), sub };
}

/** The names of the sub-environments a collection (and a global environment file chosen with it) offers. */
function environmentNames(layers: readonly Environments[]): string[] {
  return [...new Set(layers.flatMap((layer) => [...layer.sub.keys()]))];
}

/**
 * Reads the OAuth 2.0 authentication (`type: oauth2`, not disabled) of every request and folder of an Insomnia v5
 * collection or design document (the YAML that Insomnia 10 and later exports and keeps in Git), with `{{ _.name }}`
 * resolved in this order, later over earlier: a global environment file chosen with it (its base, then the named
 * sub-environment), the collection's base environment, its named sub-environment, and the environments of the
 * folders the request is in.
 * @see https://developer.konghq.com/insomnia/import-export/
 */
export function previewInsomniaV5(
  collection: ParsedFile,
  globalEnvironment: ParsedFile | undefined,
  environment: string | undefined,
  budget: ImportBudget,
): ImportPreview {
  const root = objectOf(collection.json);
  const items = own(root, 'collection');
  if (root === undefined || insomniaV5Kind(root) !== 'collection' || (items !== undefined && !Array.isArray(items))) {
    throw new ImportFileError(collection.name, INSOMNIA_V5_EXPECTED, 'its "collection" is not a list of requests and folders');
  }
  const layers = [environmentsOf(globalEnvironment, budget), environmentsOf(collection, budget)];
  const environments = environmentNames(layers);
  if (environment !== undefined && !environments.includes(environment)) {
    throw new ImportFileError(
      collection.name,
      `one of its sub-environments (${environments.join(', ') || 'none'})`,
      `it has no environment "${environment.slice(0, 60)}"`,
    );
  }
  const variables = new Map<string, Variable>();
  for (const layer of layers) {
    flattenEnvironment(layer.base, layer.file, budget, variables);
    if (environment !== undefined) {
      flattenEnvironment(layer.sub.get(environment), layer.file, budget, variables);
    }
  }
  const rows: ImportRow[] = [];
  const collectionName = textOf(own(root, 'name')) || collection.name;
  /**
   * Recursive, but never deeper than folderDepth frames: the depth is checked before going in. `inherited` holds the
   * environments from the collection's to the innermost folder's, each flattened once.
   */
  const visit = (list: readonly unknown[], path: readonly string[], inherited: readonly ReadonlyMap<string, Variable>[]): void => {
    if (path.length > IMPORT_LIMITS.folderDepth) {
      throw new ImportLimitError(collection.name, 'folder-depth', `its folders nest deeper than ${IMPORT_LIMITS.folderDepth} levels`);
    }
    for (const item of list) {
      const node: Node | undefined = objectOf(item);
      if (node === undefined) {
        continue;
      }
      budget.item(collection.name);
      const name = textOf(own(node, 'name')) || textOf(own(objectOf(own(node, 'meta')), 'id')) || '(unnamed)';
      const children = own(node, 'children');
      // A folder's environment is over the collection's for the folder and everything in it.
      const folderEnvironment = Array.isArray(children) ? objectOf(own(node, 'environment')) : undefined;
      const scoped = folderEnvironment !== undefined ? [...inherited, flattenEnvironment(folderEnvironment, collection.name, budget)] : inherited;
      const auth = objectOf(own(node, 'authentication'));
      if (isOAuth2Authentication(auth)) {
        budget.configuration(collection.name);
        rows.push(toImportRow(insomniaExternalAuth([...path, sourcePart(name)].join(' › '), name, auth), insomniaScope(scoped, budget, collection.name)));
      }
      if (Array.isArray(children)) {
        visit(children, [...path, sourcePart(name)], scoped);
      }
    }
  };
  visit(Array.isArray(items) ? items : [], [sourcePart(collectionName)], [variables]);
  return { format: 'insomnia', environment, environments, rows: withUniqueNames(rows) };
}
