/** The invoker's error code for every failure (as the original component documents it). */
export const IMPORT_ERROR_CODE = 4;

/**
 * A file that cannot be imported (or exported into) as a whole: not JSON, or not of any shape an importer reads. The message names the
 * file and what was expected; it never quotes the file's content (which may hold secrets).
 */
export class ImportFileError extends Error {
  override readonly name: string = 'ImportFileError';
  readonly code = IMPORT_ERROR_CODE;
  readonly kind: 'invalid-import-file' | 'import-limit' = 'invalid-import-file';

  constructor(
    /** The file's name as the user picked it (no directory). */
    readonly file: string,
    /** What the file was expected to be, e.g. `a Postman collection (schema v2.1.0)`. */
    readonly expected: string,
    /** What was found instead, without any value of the file. */
    readonly found: string,
    /** What could not be done with it: an export writes into an existing file too. */
    action: 'imported' | 'exported into' = 'imported',
  ) {
    super(`"${file}" cannot be ${action}: ${found}; expected ${expected}.`);
  }
}

/** The limit of an import that a file went over (see `IMPORT_LIMITS`). */
export type ImportLimit =
  | 'json-depth'
  | 'yaml-depth'
  | 'folder-depth'
  | 'folder-cycle'
  | 'items'
  | 'configurations'
  | 'variable-depth'
  | 'variable-cycle'
  | 'field-substitutions'
  | 'field-characters'
  | 'expanded'
  | 'time';

/**
 * A file that goes over a limit of the importers (too deep, too many items, variables that expand too far, too
 * slow to read): refused as a whole, before it holds up the extension host. The message names the file, the limit
 * and, for a variable, its name and the field that uses it; never a value.
 */
export class ImportLimitError extends ImportFileError {
  override readonly name = 'ImportLimitError';
  override readonly kind = 'import-limit';

  constructor(
    file: string,
    /** Which limit the file went over. */
    readonly limit: ImportLimit,
    /** What the file does, e.g. `its folders nest deeper than 100 levels`, without any value of the file. */
    found: string,
  ) {
    super(file, 'a file within the limits of the importers', found);
    this.message = `"${file}" cannot be imported: ${found}; an import stops there, to keep VS Code responsive.`;
  }
}

/**
 * A name from a file (a variable, a folder) as a message quotes it: one line, at most 60 characters, and no square
 * brackets, so that no message shown as Markdown turns it into a link.
 */
export function quotedName(name: string): string {
  const plain = name
    .replace(/\p{Cc}+/gu, ' ')
    .replace(/\[/g, '(')
    .replace(/\]/g, ')');
  return `"${plain.length > 60 ? `${plain.slice(0, 59)}…` : plain}"`;
}

/** An invoker that another tool's format cannot hold (a grant it does not have), or an export target it cannot name. */
export class ExportRefusedError extends Error {
  override readonly name = 'ExportRefusedError';
  readonly code = IMPORT_ERROR_CODE;
  readonly kind = 'not-exportable';
}
