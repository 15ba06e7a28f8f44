/** The invoker's error code for every failure (as the original component documents it). */
export const IMPORT_ERROR_CODE = 4;

/**
 * A file that cannot be imported (or exported into) as a whole: not JSON, or not of any shape an importer reads. The message names the
 * file and what was expected; it never quotes the file's content (which may hold secrets).
 */
export class ImportFileError extends Error {
  override readonly name = 'ImportFileError';
  readonly code = IMPORT_ERROR_CODE;
  readonly kind = 'invalid-import-file';

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

/** An invoker that another tool's format cannot hold (a grant it does not have), or an export target it cannot name. */
export class ExportRefusedError extends Error {
  override readonly name = 'ExportRefusedError';
  readonly code = IMPORT_ERROR_CODE;
  readonly kind = 'not-exportable';
}
