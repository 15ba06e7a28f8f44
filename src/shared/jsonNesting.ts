/** The characters that open, close and escape JSON's nesting, as char codes (the scanners here and in the core's jsonDepth). */
export const QUOTE = 0x22;
export const BACKSLASH = 0x5c;
export const OPEN_BRACKET = 0x5b;
export const CLOSE_BRACKET = 0x5d;
export const OPEN_BRACE = 0x7b;
export const CLOSE_BRACE = 0x7d;

/**
 * True when JSON text opens arrays and objects more than `maxDepth` levels deep, found in one pass over the text
 * (brackets outside strings counted) before anything parses it. The core's `jsonDepth` cuts deep values out of a
 * server's answer; an imported file is refused whole, so a yes or no is all this needs (and src/shared does not import
 * the core).
 * @see https://www.rfc-editor.org/rfc/rfc8259#section-9
 */
export function jsonNestsDeeper(text: string, maxDepth: number): boolean {
  let depth = 0;
  let inString = false;
  for (let i = 0; i < text.length; i += 1) {
    const c = text.charCodeAt(i);
    if (inString) {
      if (c === BACKSLASH) {
        i += 1;
      } else if (c === QUOTE) {
        inString = false;
      }
    } else if (c === QUOTE) {
      inString = true;
    } else if (c === OPEN_BRACKET || c === OPEN_BRACE) {
      depth += 1;
      if (depth > maxDepth) {
        return true;
      }
    } else if (c === CLOSE_BRACKET || c === CLOSE_BRACE) {
      depth -= 1;
    }
  }
  return false;
}
