import { ImportFileError } from './importError';
import type { ImportBudget } from './importLimits';

/** One `key: value` line of a dictionary block; `~key` is a key the user switched off. */
export interface BruPair {
  readonly key: string;
  readonly value: string;
  readonly enabled: boolean;
}

/** A block of a `.bru` file: a dictionary (`meta { … }`), raw text (`docs { … }`), or a list (`vars:secret [ … ]`). */
export type BruBlock =
  | { readonly kind: 'dictionary'; readonly name: string; readonly pairs: readonly BruPair[] }
  | { readonly kind: 'text'; readonly name: string; readonly text: string }
  | { readonly kind: 'list'; readonly name: string; readonly items: readonly string[] };

export const BRU_EXPECTED = 'a Bruno .bru file: blocks such as "meta { … }", each closed by a "}" at the start of a line';

/** Blocks whose content is raw text (code, JSON, Markdown) with braces of its own, never `key: value` pairs. */
function isTextBlock(name: string): boolean {
  return (
    name === 'docs' ||
    name === 'tests' ||
    name === 'body' ||
    name.startsWith('script:') ||
    (name.startsWith('body:') && name !== 'body:form-urlencoded' && name !== 'body:multipart-form')
  );
}

/** Lines read between two looks at the preview's deadline. */
const LINES_PER_CHECK = 1024;

const BLOCK_START = /^([^\s{[]+)\s*([{[])(.*)$/;
const PAIR = /^\s*([^\s:]+)\s*:(.*)$/;
const MULTILINE = "'''";

/**
 * Reads a `.bru` file into its blocks, as Bruno's own grammar does: a block runs from its `name {` line to the
 * first line that starts with `}` (so braces inside scripts, JSON bodies and docs, which Bruno indents, never end
 * it); a dictionary line is `key: value` where the value may be empty, or `'''` … `'''` over several lines;
 * `vars:secret [a, b]` is a list of names. One pass over the lines, no recursion; an unclosed block is refused
 * with its name and line, never its content.
 * @see https://github.com/usebruno/bruno/tree/main/packages/bruno-lang
 */
export function parseBru(text: string, file: string, budget: ImportBudget): BruBlock[] {
  const lines = text.replace(/^\uFEFF/, '').split(/\r?\n/);
  const blocks: BruBlock[] = [];
  let i = 0;
  const check = (): void => {
    if (i % LINES_PER_CHECK === 0) {
      budget.check(file);
    }
  };
  while (i < lines.length) {
    check();
    const start = BLOCK_START.exec(lines[i]);
    i += 1;
    if (start === null) {
      // Bruno refuses such a line; here it is passed over, since nothing the importer reads can be in it.
      continue;
    }
    const [, name, opener, rest] = start;
    const startLine = i;
    budget.item(file);
    if (opener === '[') {
      // Each line is looked at once: a list never closed is not searched again and again as it grows.
      const parts = [rest];
      let closed = rest.includes(']');
      while (!closed && i < lines.length) {
        check();
        parts.push(lines[i]);
        closed = lines[i].includes(']');
        i += 1;
      }
      if (!closed) {
        throw new ImportFileError(file, BRU_EXPECTED, `its list "${name.slice(0, 60)}" (line ${startLine}) has no closing "]"`);
      }
      const inside = parts.join('\n');
      const items = inside
        .slice(0, inside.indexOf(']'))
        .split(/[,\n]/)
        .map((item) => item.trim())
        .filter((item) => item !== '');
      blocks.push({ kind: 'list', name, items });
      continue;
    }
    if (rest.trim() === '}') {
      blocks.push(isTextBlock(name) ? { kind: 'text', name, text: '' } : { kind: 'dictionary', name, pairs: [] });
      continue;
    }
    const body: string[] = [];
    const pairs: BruPair[] = [];
    const dictionary = !isTextBlock(name);
    let closed = false;
    while (i < lines.length) {
      check();
      const line = lines[i];
      i += 1;
      if (line.startsWith('}')) {
        closed = true;
        break;
      }
      if (!dictionary) {
        body.push(line);
        continue;
      }
      const pair = PAIR.exec(line);
      if (pair === null) {
        continue;
      }
      let value = pair[2].trim();
      if (value === MULTILINE) {
        // A value over several lines, indented four spaces inside its quotes.
        const valueLines: string[] = [];
        while (i < lines.length && lines[i].trim() !== MULTILINE && !lines[i].startsWith('}')) {
          check();
          valueLines.push(lines[i].slice(4));
          i += 1;
        }
        if (i < lines.length && lines[i].trim() === MULTILINE) {
          i += 1;
        }
        value = valueLines.join('\n');
      }
      const disabled = pair[1].startsWith('~');
      pairs.push({ key: disabled ? pair[1].slice(1) : pair[1], value, enabled: !disabled });
    }
    if (!closed) {
      throw new ImportFileError(file, BRU_EXPECTED, `its block "${name.slice(0, 60)}" (line ${startLine}) has no closing "}" at the start of a line`);
    }
    blocks.push(dictionary ? { kind: 'dictionary', name, pairs } : { kind: 'text', name, text: body.map((line) => line.replace(/^ {2}/, '')).join('\n') });
  }
  return blocks;
}

/** The pairs of the first dictionary block `name`, switched-off ones left out; undefined when the file has none. */
export function bruDictionary(blocks: readonly BruBlock[], name: string): ReadonlyMap<string, string> | undefined {
  const block = blocks.find((b) => b.name === name && b.kind === 'dictionary');
  if (block?.kind !== 'dictionary') {
    return undefined;
  }
  const map = new Map<string, string>();
  for (const pair of block.pairs) {
    if (pair.enabled && !map.has(pair.key)) {
      map.set(pair.key, pair.value);
    }
  }
  return map;
}

/** The items of the list block `name` (`vars:secret [a, b]`), or none. */
export function bruList(blocks: readonly BruBlock[], name: string): readonly string[] {
  const block = blocks.find((b) => b.name === name && b.kind === 'list');
  return block?.kind === 'list' ? block.items : [];
}
