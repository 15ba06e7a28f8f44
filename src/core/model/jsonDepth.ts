import { BACKSLASH, CLOSE_BRACE, CLOSE_BRACKET, OPEN_BRACE, OPEN_BRACKET, QUOTE } from '../../shared/jsonNesting';

/**
 * How deeply a server's JSON may nest arrays and objects and still be read as a whole. A token response nests two or
 * three levels; 100,000 levels (600 KB) would overflow the stack of whatever walks the value recursively
 * (JSON.stringify, the redaction of sensitive fields, the tree), so deeper values are cut off before they are parsed.
 */
export const MAX_JSON_DEPTH = 64;

/** A value one level below the top that nests too deeply, cut out of the text by {@link boundJsonDepth}. */
export interface CutValue {
  /** Its member name, when the top level is an object. */
  readonly name?: string;
  /** Its JSON text as the server sent it. */
  readonly raw: string;
}

/** JSON text whose nesting is bounded, from {@link boundJsonDepth}. */
export interface BoundedJson {
  /** The text with each cut value replaced: it nests at most `maxDepth` levels, so it can be parsed and walked recursively. */
  readonly text: string;
  /** The values that were cut, in the order of the text. */
  readonly cut: readonly CutValue[];
}

function memberName(literal: string): string | undefined {
  try {
    const name: unknown = JSON.parse(literal);
    return typeof name === 'string' ? name : undefined;
  } catch {
    return undefined;
  }
}

/**
 * Bounds the nesting of JSON text without parsing it, by counting brackets outside strings in one pass: every value
 * one level below the top (a member of the top-level object, an element of the top-level array) that nests deeper
 * than `maxDepth` (at least 1) is replaced by `replacement(raw)`, which must be JSON text. Undefined when the brackets
 * do not balance or a string does not end: such text is not JSON at any depth. Nothing else is validated: parse the result.
 * @see https://www.rfc-editor.org/rfc/rfc8259#section-9
 */
export function boundJsonDepth(text: string, maxDepth: number, replacement: (raw: string) => string): BoundedJson | undefined {
  const length = text.length;
  // Nesting deeper than maxDepth takes more than maxDepth opening brackets and as many closing ones.
  if (length <= 2 * maxDepth) {
    return { text, cut: [] };
  }
  const topIsObject = /^\s*\{/.test(text);
  let depth = 0;
  let inString = false;
  // The last string at the top level: in an object, the name of the member whose value follows.
  let nameStart = -1;
  let nameEnd = -1;
  let valueStart = -1;
  let valueTooDeep = false;
  const spans: Array<{ start: number; end: number; name: string | undefined }> = [];
  for (let i = 0; i < length; i += 1) {
    const c = text.charCodeAt(i);
    if (inString) {
      if (c === BACKSLASH) {
        i += 1;
      } else if (c === QUOTE) {
        inString = false;
        if (depth === 1) {
          nameEnd = i + 1;
        }
      }
    } else if (c === QUOTE) {
      inString = true;
      if (depth === 1) {
        nameStart = i;
      }
    } else if (c === OPEN_BRACKET || c === OPEN_BRACE) {
      depth += 1;
      if (depth === 2) {
        valueStart = i;
        valueTooDeep = false;
      }
      if (depth > maxDepth) {
        valueTooDeep = true;
      }
    } else if (c === CLOSE_BRACKET || c === CLOSE_BRACE) {
      if (depth === 2 && valueTooDeep) {
        spans.push({ start: valueStart, end: i + 1, name: topIsObject && nameStart >= 0 ? memberName(text.slice(nameStart, nameEnd)) : undefined });
      }
      depth -= 1;
      if (depth < 0) {
        return undefined;
      }
    }
  }
  if (depth !== 0 || inString) {
    return undefined;
  }
  if (spans.length === 0) {
    return { text, cut: [] };
  }
  const parts: string[] = [];
  const cut: CutValue[] = [];
  let at = 0;
  for (const { start, end, name } of spans) {
    const raw = text.slice(start, end);
    cut.push(name !== undefined ? { name, raw } : { raw });
    parts.push(text.slice(at, start), replacement(raw));
    at = end;
  }
  parts.push(text.slice(at));
  return { text: parts.join(''), cut };
}

/**
 * True when JSON text with balanced brackets nests arrays and objects deeper than `maxDepth`: checked before parsing,
 * by the same one pass, for text that is read whole or not at all (authorization server metadata, JWT claims).
 * @see https://www.rfc-editor.org/rfc/rfc8259#section-9
 */
export function jsonTooDeep(text: string, maxDepth: number = MAX_JSON_DEPTH): boolean {
  return (boundJsonDepth(text, maxDepth, (raw) => raw)?.cut.length ?? 0) > 0;
}

/** What stands in a log, an error or a failed message where a value nested too deeply was cut out. */
export function deepValueNote(raw: string): string {
  return `[${raw.length} characters nested deeper than ${MAX_JSON_DEPTH} levels]`;
}
