import { readBruCollection } from './brunoBru';
import { isIgnoredPath, type BrunoCollection, type BrunoEnvironment, type FolderFile } from './brunoModel';
import { ImportFileError, quotedName } from './importError';
import type { ImportBudget } from './importLimits';
import { toImportRow, withUniqueNames, type ImportPreview, type ImportRow } from './importPreview';
import { readOpenCollection } from './openCollection';
import type { Variable, VariableScope } from './templateVariables';

export type { FolderFile } from './brunoModel';

export const BRUNO_EXPECTED = 'a Bruno collection folder: bruno.json (with .bru files) or opencollection.yml at its root';

/** A path as the importer compares it: forward slashes, no leading `./` or `/`. */
export function folderPath(path: string): string {
  return path.replace(/\\/g, '/').replace(/^(\.\/|\/)+/, '');
}

/** True when the files are a Bruno collection folder: `bruno.json` or `opencollection.yml` at its root. */
export function isBrunoCollection(files: ReadonlyArray<{ readonly path?: string }>): boolean {
  return files.some((file) => file.path !== undefined && ['bruno.json', 'opencollection.yml'].includes(folderPath(file.path)));
}

/** `KEY=value` lines of a `.env` file (`export`, quotes and `#` comments allowed), as Bruno's `process.env`. */
function dotenv(text: string): Map<string, string> {
  const values = new Map<string, string>();
  for (const line of text.split(/\r?\n/)) {
    const match = /^\s*(?:export\s+)?([\w.-]+)\s*=\s*(.*?)\s*$/.exec(line);
    if (match === null) {
      continue;
    }
    let value = match[2];
    const quoted = /^(["'])(.*)\1$/.exec(value);
    value = quoted !== null ? quoted[2] : value.replace(/\s+#.*$/, '');
    values.set(match[1], value);
  }
  return values;
}

/**
 * Reads a Bruno collection folder (`.bru` files with bruno.json, or OpenCollection YAML with opencollection.yml)
 * into one row per OAuth 2.0 block in effect, with `{{variables}}` resolved as Bruno does: the request's, its
 * folders' (innermost first), the environment's, the collection's; `{{process.env.X}}` from the root `.env`.
 * Secret variables have no value in the folder and `{{$oauth2.…}}` exists only when Bruno runs: rows that use them
 * say so. Without `environment`, the first environment (by name) applies.
 */
export function previewBruno(
  picked: ReadonlyArray<{ readonly name: string; readonly path?: string; readonly text: string }>,
  environment: string | undefined,
  budget: ImportBudget,
): ImportPreview {
  const files: FolderFile[] = picked.flatMap((file) => {
    const path = folderPath(file.path ?? file.name);
    return isIgnoredPath(path) ? [] : [{ path, text: file.text }];
  });
  const collection: BrunoCollection = files.some((file) => file.path === 'opencollection.yml')
    ? readOpenCollection(files, budget)
    : readBruCollection(files, budget);
  const environments = collection.environments.map((e) => e.name);
  if (environment !== undefined && !environments.includes(environment)) {
    throw new ImportFileError(
      collection.root,
      `one of its environments (${environments.join(', ') || 'none'})`,
      `the collection has no environment ${quotedName(environment)}`,
    );
  }
  const chosen: BrunoEnvironment | undefined = collection.environments.find((e) => e.name === (environment ?? environments[0]));
  const dotEnvFile = files.find((file) => file.path === '.env');
  const processEnv = dotEnvFile !== undefined ? dotenv(dotEnvFile.text) : new Map<string, string>();
  const rows: ImportRow[] = [];
  for (const block of collection.blocks) {
    budget.check(block.auth.source);
    const secretsUsed = new Set<string>();
    const processUsed = new Set<string>();
    let runtimeUsed = false;
    const scope: VariableScope = {
      budget,
      file: block.auth.source,
      lookup: (name): Variable | undefined => {
        if (name.startsWith('process.env.')) {
          const value = processEnv.get(name.slice('process.env.'.length));
          if (value === undefined) {
            processUsed.add(name);
          }
          return value !== undefined ? { value, file: '.env' } : undefined;
        }
        if (name.startsWith('$oauth2.')) {
          runtimeUsed = true;
          return undefined;
        }
        for (const layer of [...block.scopes, ...(chosen !== undefined ? [chosen] : []), collection.collectionVariables]) {
          const value = layer.values.get(name);
          if (value !== undefined) {
            return { value, file: layer.file };
          }
          if (layer === chosen && chosen.secrets.has(name)) {
            secretsUsed.add(name);
            return undefined;
          }
        }
        return undefined;
      },
    };
    const row = toImportRow(block.auth, scope);
    const notes: string[] = [];
    for (const name of secretsUsed) {
      notes.push(
        `{{${name}}} is a secret variable of the environment ${quotedName(chosen!.name)}: Bruno keeps its value out of the collection folder, so it is not imported; enter it in the form.`,
      );
    }
    if (processUsed.size > 0) {
      const names = [...processUsed].map((name) => `{{${name}}}`).join(', ');
      notes.push(
        dotEnvFile === undefined
          ? `${names} comes from the collection's .env file, which the folder does not have (a .env.example is not read).`
          : `${names} is not in the collection's .env file.`,
      );
    }
    if (runtimeUsed) {
      notes.push('{{$oauth2.…}} values exist only while Bruno runs the collection: they are not imported.');
    }
    rows.push(row.kind === 'invoker' && notes.length > 0 ? { ...row, warnings: [...notes, ...row.warnings] } : row);
  }
  if (rows.length === 0) {
    throw new ImportFileError(
      collection.root,
      BRUNO_EXPECTED,
      'no OAuth 2.0 configuration in this collection (no collection, folder or request has the auth mode oauth2)',
    );
  }
  return { format: 'bruno', environment: chosen?.name, environments, rows: withUniqueNames(rows) };
}
