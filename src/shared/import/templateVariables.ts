import { ImportLimitError, quotedName } from './importError';
import { IMPORT_LIMITS, type ImportBudget } from './importLimits';

const VARIABLE = /\{\{\s*([^{}]*?)\s*\}\}/g;

/** A variable's value and the file that defines it (the one a limit error names). */
export interface Variable {
  readonly value: string;
  readonly file: string;
  /** A secret variable the export left without its value (Postman writes these): it resolves to nothing. */
  readonly withheld?: boolean;
}

/** Where the `{{names}}` of one configuration are looked up, and the budget of the preview they expand in. */
export interface VariableScope {
  readonly lookup: (name: string) => Variable | undefined;
  readonly budget: ImportBudget;
  /** The file of the configuration: the one an error names when no variable is to blame. */
  readonly file: string;
}

/** A value with its `{{variables}}` replaced, and the names of those that could not be. */
export interface Resolved {
  readonly value: string;
  readonly unresolved: readonly string[];
  /** The secret variables used whose value the export did not include (they resolved to nothing). */
  readonly withheld?: readonly string[];
}

/**
 * Replaces each `{{name}}` (spaces inside the braces allowed) of the field `label` by its variable's value, again
 * inside the value (a variable may use another). Names the scope does not know (and dynamic ones such as
 * `{{$uuid}}`) stay as they are and are reported. Bounded, since ten variables that each use the next ten times
 * expand to ten billion copies: a variable that uses itself, variables nested more than `variableDepth` levels, a
 * field that replaces more than `fieldSubstitutions` variables or grows past `fieldCharacters` throw an
 * ImportLimitError naming the field, the variable the field uses and its file.
 */
export function resolveVariables(value: string, scope: VariableScope, label: string): Resolved {
  if (!value.includes('{{')) {
    return { value, unresolved: [] };
  }
  const unresolved = new Set<string>();
  const withheld = new Set<string>();
  let references = 0;
  let substitutions = 0;
  /** The variable the field itself uses, on the way to the one being expanded: the one an error names. */
  let outer: Variable & { name: string } = { name: '', value: '', file: scope.file };
  const refuse = (limit: ImportLimitError['limit'], found: string): never => {
    throw new ImportLimitError(outer.file, limit, found);
  };
  const tooLong = (): never =>
    refuse('field-characters', `"${label}" grows past ${IMPORT_LIMITS.fieldCharacters} characters once the variable ${quotedName(outer.name)} is replaced`);
  const expand = (text: string, chain: readonly string[]): string => {
    let result = '';
    let at = 0;
    for (const match of text.matchAll(VARIABLE)) {
      const name = match[1];
      result += text.slice(at, match.index);
      at = match.index + match[0].length;
      references += 1;
      if (references > IMPORT_LIMITS.fieldSubstitutions) {
        const inside = chain.length > 0 ? `, counting those inside ${quotedName(outer.name)}` : '';
        refuse('field-substitutions', `"${label}" uses variables more than ${IMPORT_LIMITS.fieldSubstitutions} times${inside}`);
      }
      const variable = scope.lookup(name);
      if (variable === undefined) {
        unresolved.add(name);
        result += match[0];
        continue;
      }
      if (variable.withheld === true) {
        withheld.add(name);
        continue;
      }
      if (chain.length === 0) {
        outer = { name, ...variable };
      }
      if (chain.includes(name)) {
        refuse('variable-cycle', `"${label}" uses the variable ${quotedName(outer.name)}, which uses itself`);
      }
      if (chain.length >= IMPORT_LIMITS.variableDepth) {
        refuse(
          'variable-depth',
          `"${label}" uses the variable ${quotedName(outer.name)}, whose variables nest more than ${IMPORT_LIMITS.variableDepth} levels deep`,
        );
      }
      substitutions += 1;
      scope.budget.check(variable.file);
      result += expand(variable.value, [...chain, name]);
      if (result.length > IMPORT_LIMITS.fieldCharacters) {
        tooLong();
      }
    }
    return result + text.slice(at);
  };
  const resolved = expand(value, []);
  if (substitutions > 0) {
    if (resolved.length > IMPORT_LIMITS.fieldCharacters) {
      tooLong();
    }
    scope.budget.expand(outer.file, resolved.length);
  }
  return { value: resolved, unresolved: [...unresolved], ...(withheld.size > 0 ? { withheld: [...withheld] } : {}) };
}

/** True when a value still holds a `{{…}}` reference. */
export function hasVariable(value: string): boolean {
  return /\{\{[^{}]*\}\}/.test(value);
}
