import type * as Yaml from 'yaml';

let library: typeof Yaml | undefined;

/**
 * The yaml package, loaded at the first YAML file rather than with the extension: imports are rare, and its code
 * would otherwise be evaluated at every activation. (Bundled, `require` here becomes esbuild's lazy module init.)
 */
function yaml(): typeof Yaml {
  // eslint-disable-next-line @typescript-eslint/no-require-imports -- the lazy load this function exists for
  return (library ??= require('yaml') as typeof Yaml);
}

/** Aliases a file may expand: enough for any real export, too few for a "billion laughs" file. */
const MAX_ALIAS_COUNT = 100;

/** A YAML file read as JSON data, or where and why it could not be (never the file's text, which may hold secrets). */
export interface ParsedYaml {
  /** The data, undefined when the text is not YAML that this reader accepts. */
  readonly json?: unknown;
  /** Empty, or e.g. ` (line 3, column 7)`, ` (it holds several documents)`. */
  readonly problem: string;
}

/**
 * Reads one YAML 1.2 document with the core schema only (no custom tags, no `<<` merge keys), aliases bounded. Errors
 * are reported by their position only (`linePos`): the parser's own messages quote the text around the error.
 * @see https://yaml.org/spec/1.2.2/
 */
export function parseYaml(text: string): ParsedYaml {
  let document;
  try {
    document = yaml().parseDocument(text, { version: '1.2', schema: 'core', merge: false, uniqueKeys: true, prettyErrors: true, logLevel: 'error' });
  } catch {
    return { problem: ' (it nests too deeply)' };
  }
  const error = document.errors[0];
  if (error !== undefined) {
    if (error.code === 'MULTIPLE_DOCS') {
      return { problem: ' (it holds several documents)' };
    }
    const place = error.linePos?.[0];
    return { problem: place !== undefined ? ` (line ${place.line}, column ${place.col})` : '' };
  }
  try {
    return { json: document.toJS({ maxAliasCount: MAX_ALIAS_COUNT }) as unknown, problem: '' };
  } catch (failure) {
    return { problem: failure instanceof ReferenceError ? ' (its aliases expand too far)' : ' (it nests too deeply)' };
  }
}
