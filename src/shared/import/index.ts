import { ImportFileError, ImportLimitError } from './importError';
import { IMPORT_LIMITS, ImportBudget, type ImportClock } from './importLimits';
import { jsonNestsDeeper } from '../jsonNesting';
import { objectOf, own, type ImportPreview, type ParsedFile } from './importPreview';
import { INSOMNIA_EXPECTED, isInsomniaExport, previewInsomnia } from './insomnia';
import { INSOMNIA_V5_EXPECTED, insomniaV5Kind, previewInsomniaV5 } from './insomniaV5';
import { parseYaml } from './yamlFile';
import { isBrunoCollection, previewBruno } from './bruno';
import { previewThunder, THUNDER_EXPECTED, thunderKind } from './thunder';
import { JETBRAINS_EXPECTED, previewJetBrains } from './jetbrains';
import { isPostmanCollection, isPostmanEnvironment, POSTMAN_COLLECTION_EXPECTED, previewPostman } from './postman';
import { isOpenApiDocument, OPENAPI_EXPECTED, previewOpenApi } from './openapi';
import { HOPPSCOTCH_EXPECTED, hoppscotchKind, previewHoppscotch } from './hoppscotch';

export { ExportRefusedError, ImportFileError, ImportLimitError, type ImportLimit } from './importError';
export { IMPORT_LIMITS, type ImportClock } from './importLimits';
export { IMPORT_GRANTS, mapGrant } from './importGrants';
export { isBrunoCollection } from './bruno';
export * from './importPreview';

/** A file as the user picked it: its name (no directory) and its text. */
export interface ImportFile {
  readonly name: string;
  readonly text: string;
  /** For the files of a picked folder (a Bruno collection): the path relative to that folder, with `/`. */
  readonly path?: string;
}

export interface ImportOptions {
  /** The environment whose variables resolve `{{…}}` (JetBrains environment, Insomnia sub-environment). */
  readonly environment?: string;
  /** The clock of the preview's deadline (`IMPORT_LIMITS.milliseconds`): `Date.now` unless a test gives another. */
  readonly clock?: ImportClock;
}

const ANY_EXPECTED = `${JETBRAINS_EXPECTED}; ${POSTMAN_COLLECTION_EXPECTED} (with its environment, if any); ${INSOMNIA_V5_EXPECTED}; ${INSOMNIA_EXPECTED}; ${THUNDER_EXPECTED}; ${OPENAPI_EXPECTED}; or ${HOPPSCOTCH_EXPECTED} (with its environment, if any)`;

/**
 * The position of a JSON syntax error, and nothing else of the engine's message: newer engines quote the text
 * around the error, which may be a secret.
 */
function syntaxErrorPlace(error: unknown): string {
  const message = error instanceof Error ? error.message : '';
  const line = /line (\d+) column (\d+)/.exec(message);
  if (line !== null) {
    return ` (line ${line[1]}, column ${line[2]})`;
  }
  const position = /position (\d+)/.exec(message);
  return position !== null ? ` (at character ${position[1]})` : '';
}

function parse(file: ImportFile, budget: ImportBudget): ParsedFile {
  const text = file.text.replace(/^\uFEFF/, '');
  const yaml = /\.ya?ml$/i.test(file.name);
  if (!yaml) {
    // JSON.parse itself does not recurse, but a value nested 100,000 levels deep is no export, and whatever walks it
    // recursively later would overflow the stack.
    if (jsonNestsDeeper(text, IMPORT_LIMITS.jsonDepth)) {
      throw new ImportLimitError(file.name, 'json-depth', `it nests arrays and objects deeper than ${IMPORT_LIMITS.jsonDepth} levels`);
    }
    try {
      return { name: file.name, json: JSON.parse(text) as unknown };
    } catch (error) {
      // A file named otherwise may still be YAML (an Insomnia export saved as .txt): only a YAML mapping counts, since
      // any text at all is a YAML scalar.
      const asYaml = /\.json$/i.test(file.name) ? undefined : parseYaml(text, file.name, budget);
      if (asYaml?.json !== undefined && objectOf(asYaml.json) !== undefined) {
        return { name: file.name, json: asYaml.json };
      }
      throw new ImportFileError(file.name, ANY_EXPECTED, `it is not valid JSON${syntaxErrorPlace(error)}`);
    }
  }
  const parsed = parseYaml(text, file.name, budget);
  if (parsed.json === undefined) {
    throw new ImportFileError(file.name, ANY_EXPECTED, `it is not valid YAML${parsed.problem}`);
  }
  return { name: file.name, json: parsed.json };
}

type Kind =
  | 'jetbrains-public'
  | 'jetbrains-private'
  | 'postman-collection'
  | 'postman-environment'
  | 'insomnia'
  | 'insomnia-collection'
  | 'insomnia-environment'
  | `thunder-${NonNullable<ReturnType<typeof thunderKind>>}`
  | 'openapi'
  | 'hoppscotch-collection'
  | 'hoppscotch-environment';

/** How messages name a companion environment file. */
const ENVIRONMENT_LABELS: Partial<Record<Kind, string>> = {
  'postman-environment': 'a Postman environment',
  'insomnia-environment': 'an Insomnia global environment',
  'hoppscotch-environment': 'a Hoppscotch environment',
};

/** True when some environment of the object has a `Security.Auth` object: a JetBrains file under any name. */
function hasSecurityAuth(json: unknown): boolean {
  return Object.values(objectOf(json) ?? {}).some((environment) => objectOf(own(objectOf(own(objectOf(environment), 'Security')), 'Auth')) !== undefined);
}

function kindOf(file: ParsedFile): Kind {
  if (isInsomniaExport(file.json)) {
    return 'insomnia';
  }
  const insomnia = insomniaV5Kind(file.json);
  if (insomnia !== undefined) {
    return `insomnia-${insomnia}`;
  }
  if (isPostmanCollection(file.json)) {
    return 'postman-collection';
  }
  if (isPostmanEnvironment(file.json)) {
    return 'postman-environment';
  }
  // Before JetBrains, whose detection takes any name ending in env.json: a Thunder environment is an object of its own shape.
  const thunder = thunderKind(file.json);
  if (thunder !== undefined) {
    return `thunder-${thunder}`;
  }
  if (isOpenApiDocument(file.json)) {
    return 'openapi';
  }
  const hoppscotch = hoppscotchKind(file.json);
  if (hoppscotch !== undefined) {
    return `hoppscotch-${hoppscotch}`;
  }
  if (objectOf(file.json) !== undefined && (/env\.json$/i.test(file.name) || hasSecurityAuth(file.json))) {
    return /private\.env\.json$/i.test(file.name) ? 'jetbrains-private' : 'jetbrains-public';
  }
  throw new ImportFileError(
    file.name,
    ANY_EXPECTED,
    Array.isArray(file.json) ? 'it is a JSON array' : objectOf(file.json) === undefined ? 'it is not a JSON object' : 'its shape is none of these',
  );
}

function one(files: readonly ParsedFile[], what: string): ParsedFile | undefined {
  if (files.length > 1) {
    throw new ImportFileError(files[1].name, `at most one ${what}`, `"${files[0].name}" is one already`);
  }
  return files[0];
}

/**
 * Reads the files the user picked — one tool's at a time: a JetBrains/httpyac `http-client.env.json` with or without
 * its `http-client.private.env.json`, a Postman collection with or without an environment, an Insomnia YAML
 * collection (v5) with or without a global environment, an Insomnia export in format 3 or 4 (JSON or YAML), Thunder
 * Client's requests, collections and environments, or the files of a Bruno collection folder (each with its `path`) —
 * into a preview. Throws an ImportFileError (code 4) that names the file when one cannot be read as any of them.
 */
export function previewImport(files: readonly ImportFile[], options: ImportOptions = {}): ImportPreview {
  if (files.length === 0) {
    throw new ImportFileError('(no file)', ANY_EXPECTED, 'no file was chosen');
  }
  const budget = new ImportBudget(options.clock);
  if (isBrunoCollection(files)) {
    return previewBruno(files, options.environment, budget);
  }
  const parsed = files.map((file) => parse(file, budget));
  const groups = new Map<Kind, ParsedFile[]>();
  for (const file of parsed) {
    const kind = kindOf(file);
    groups.set(kind, [...(groups.get(kind) ?? []), file]);
  }
  const of = (kind: Kind): ParsedFile[] => groups.get(kind) ?? [];
  const tools = new Set([...groups.keys()].map((kind) => kind.split('-')[0]));
  if (tools.size > 1) {
    throw new ImportFileError(parsed[parsed.length - 1].name, 'the files of one tool at a time', `it is not from the same tool as "${parsed[0].name}"`);
  }
  if (groups.has('insomnia')) {
    if (groups.has('insomnia-collection') || groups.has('insomnia-environment')) {
      throw new ImportFileError(of('insomnia')[0].name, 'one Insomnia export at a time', 'it is an export in format 4, chosen with a YAML one');
    }
    return previewInsomnia(one(of('insomnia'), 'Insomnia export')!, options.environment, budget);
  }
  /** A collection and, optionally, the environment file chosen with it; an environment alone is refused. */
  const collectionWith = (collectionKind: Kind, environmentKind: Kind, tool: string, expected: string): [ParsedFile, ParsedFile | undefined] => {
    const collection = one(of(collectionKind), `${tool} collection`);
    if (collection === undefined) {
      throw new ImportFileError(
        of(environmentKind)[0].name,
        `${expected}, chosen together with this environment`,
        `it is ${ENVIRONMENT_LABELS[environmentKind]!} alone`,
      );
    }
    return [collection, one(of(environmentKind), ENVIRONMENT_LABELS[environmentKind]!.replace(/^an? /, ''))];
  };
  if (groups.has('insomnia-collection') || groups.has('insomnia-environment')) {
    const [collection, environment] = collectionWith('insomnia-collection', 'insomnia-environment', 'Insomnia', INSOMNIA_V5_EXPECTED);
    return previewInsomniaV5(collection, environment, options.environment, budget);
  }
  if (groups.has('openapi')) {
    return previewOpenApi(one(of('openapi'), 'OpenAPI document')!, budget);
  }
  if (groups.has('hoppscotch-collection') || groups.has('hoppscotch-environment')) {
    const [collection, environment] = collectionWith('hoppscotch-collection', 'hoppscotch-environment', 'Hoppscotch', HOPPSCOTCH_EXPECTED);
    return previewHoppscotch(collection, environment, options.environment, budget);
  }
  if (groups.has('postman-collection') || groups.has('postman-environment')) {
    return previewPostman(...collectionWith('postman-collection', 'postman-environment', 'Postman', POSTMAN_COLLECTION_EXPECTED), budget);
  }
  if (tools.has('thunder')) {
    return previewThunder(of('thunder-requests'), of('thunder-collection'), of('thunder-environment'), options.environment, budget);
  }
  return previewJetBrains(
    one(of('jetbrains-public'), 'http-client.env.json'),
    one(of('jetbrains-private'), 'http-client.private.env.json'),
    options.environment,
    budget,
  );
}
export {
  exportJetBrains,
  jetBrainsExportProblem,
  secretVariableName,
  JETBRAINS_GRANT_NAMES,
  type JetBrainsExport,
  type JetBrainsExportOptions,
} from './jetbrainsExport';
export { gitignoreCovers, gitignoreWith } from './gitignore';
