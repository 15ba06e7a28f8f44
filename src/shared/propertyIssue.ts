import { PROPERTY_LABELS, type PropertyIssue } from './properties';

/** A property's problem, its message starting with the property's label in quotes. */
export function issue(field: keyof typeof PROPERTY_LABELS, code: PropertyIssue['code'], rest: string): PropertyIssue {
  return { field, code, message: `"${PROPERTY_LABELS[field]}" ${rest}` };
}

export function isBlank(value: string | undefined): boolean {
  return value === undefined || value.trim() === '';
}

export function present(value: string | undefined): value is string {
  return !isBlank(value);
}
