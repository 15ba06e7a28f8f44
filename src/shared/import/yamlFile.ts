import type * as Yaml from 'yaml';
import { ImportLimitError } from './importError';
import { IMPORT_LIMITS, type ImportBudget } from './importLimits';

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

/** Lexical tokens read between two looks at the preview's deadline. */
const TOKENS_PER_CHECK = 1024;

/**
 * The deepest collection of the syntax tree, walked with a stack of its own: the package composes recursively and
 * counts on catching a stack overflow, which near the stack's end can take the whole process down instead.
 */
function cstDepth(tokens: readonly Yaml.CST.Token[], budget: ImportBudget, file: string): number {
  let deepest = 0;
  const stack: Array<{ token: Yaml.CST.Token | undefined; depth: number }> = tokens.map((token) => ({ token, depth: 0 }));
  for (let next = stack.pop(); next !== undefined; next = stack.pop()) {
    const { token, depth } = next;
    if (token?.type === 'document') {
      stack.push({ token: token.value, depth });
    } else if (token?.type === 'block-map' || token?.type === 'block-seq' || token?.type === 'flow-collection') {
      deepest = Math.max(deepest, depth + 1);
      budget.check(file);
      for (const item of token.items) {
        stack.push({ token: ('key' in item ? item.key : undefined) ?? undefined, depth: depth + 1 }, { token: item.value, depth: depth + 1 });
      }
    }
  }
  return deepest;
}

/**
 * The first key that a mapping repeats, found in one pass with a set per mapping (the package's own `uniqueKeys`
 * compares every key with every other: a mapping of 50,000 keys took a minute). Keys compare as the package does:
 * scalars by value, collections never.
 */
function repeatedKey(document: Yaml.Document.Parsed, budget: ImportBudget, file: string): Yaml.Scalar | undefined {
  const { isMap, isPair, isScalar, isSeq } = yaml();
  const stack: unknown[] = [document.contents];
  for (let node = stack.pop(); node !== undefined; node = stack.pop()) {
    if (isMap(node)) {
      budget.check(file);
      const keys = new Set<unknown>();
      for (const pair of node.items) {
        if (isScalar(pair.key)) {
          if (keys.has(pair.key.value)) {
            return pair.key;
          }
          keys.add(pair.key.value);
        }
        stack.push(pair.key, pair.value);
      }
    } else if (isSeq(node)) {
      budget.check(file);
      stack.push(...node.items.map((item) => (isPair(item) ? item.value : item)));
    }
  }
  return undefined;
}

/**
 * Reads one YAML 1.2 document with the core schema only (no custom tags, no `<<` merge keys, no repeated keys),
 * aliases bounded, nesting bounded before it is composed, and the preview's deadline looked at as it is read. Errors
 * are reported by their position only: the parser's own messages quote the text around the error.
 * @see https://yaml.org/spec/1.2.2/
 */
export function parseYaml(text: string, file: string, budget: ImportBudget): ParsedYaml {
  const { Composer, Lexer, LineCounter, Parser } = yaml();
  const lines = new LineCounter();
  const place = (offset: number | undefined): string => {
    if (offset === undefined || offset < 0) {
      return '';
    }
    const { line, col } = lines.linePos(offset);
    return ` (line ${line}, column ${col})`;
  };
  const parser = new Parser(lines.addNewLine);
  const tokens: Yaml.CST.Token[] = [];
  lines.addNewLine(0);
  let count = 0;
  for (const lexeme of new Lexer().lex(text)) {
    tokens.push(...parser.next(lexeme));
    count += 1;
    if (count % TOKENS_PER_CHECK === 0) {
      budget.check(file);
    }
  }
  tokens.push(...parser.end());
  if (cstDepth(tokens, budget, file) > IMPORT_LIMITS.yamlDepth) {
    throw new ImportLimitError(file, 'yaml-depth', `it nests lists and mappings deeper than ${IMPORT_LIMITS.yamlDepth} levels`);
  }
  let document: Yaml.Document.Parsed | undefined;
  let several = false;
  try {
    const composer = new Composer({ version: '1.2', schema: 'core', merge: false, uniqueKeys: false, logLevel: 'error' });
    for (const composed of composer.compose(tokens, true, text.length)) {
      if (document !== undefined) {
        several = true;
        break;
      }
      document = composed;
    }
  } catch {
    return { problem: ' (it nests too deeply)' };
  }
  const error = document?.errors[0];
  if (document === undefined || error !== undefined) {
    return { problem: place(error?.pos[0]) };
  }
  if (several) {
    return { problem: ' (it holds several documents)' };
  }
  const repeated = repeatedKey(document, budget, file);
  if (repeated !== undefined) {
    return { problem: place(repeated.range?.[0]) };
  }
  try {
    return { json: document.toJS({ maxAliasCount: MAX_ALIAS_COUNT }) as unknown, problem: '' };
  } catch (failure) {
    return { problem: failure instanceof ReferenceError ? ' (its aliases expand too far)' : ' (it nests too deeply)' };
  }
}
