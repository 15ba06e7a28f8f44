const VARIABLE = /\{\{\s*([^{}]*?)\s*\}\}/g;
const MAX_DEPTH = 8;

/** A value with its `{{variables}}` replaced, and the names of those that could not be. */
export interface Resolved {
  readonly value: string;
  readonly unresolved: readonly string[];
}

/**
 * Replaces each `{{name}}` (spaces inside the braces allowed) by `lookup(name)`, again inside the replacement (a
 * variable may use another), at most a few levels deep so that a cycle ends. Names the lookup does not know (and
 * dynamic ones such as `{{$uuid}}`) stay as they are and are reported.
 */
export function resolveVariables(value: string, lookup: (name: string) => string | undefined): Resolved {
  const unresolved = new Set<string>();
  const resolve = (text: string, depth: number): string =>
    text.replace(VARIABLE, (whole, name: string) => {
      const found = depth < MAX_DEPTH ? lookup(name) : undefined;
      if (found === undefined) {
        unresolved.add(name);
        return whole;
      }
      return resolve(found, depth + 1);
    });
  const resolved = resolve(value, 0);
  return { value: resolved, unresolved: [...unresolved] };
}

/** True when a value still holds a `{{…}}` reference. */
export function hasVariable(value: string): boolean {
  return /\{\{[^{}]*\}\}/.test(value);
}
