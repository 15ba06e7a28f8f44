import * as path from 'node:path';

/** The importers and the export, as the extension uses them. */
export type Importers = typeof import('../shared/import/index');

let importers: Importers | undefined;

/**
 * Loads the importers (with the YAML parser, most of their size) from their own bundle at the first Import or Export,
 * as coreLoader.ts loads the core: dist/import.js beside dist/extension.js, kept out of the activation bundle.
 */
export function loadImporters(): Importers {
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  importers ??= require(path.join(__dirname, 'import.js')) as Importers;
  return importers;
}
