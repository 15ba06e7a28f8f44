/**
 * Which fields the form shows for an invoker: those its grant and settings use. Pure (no DOM), so the whole table is
 * unit-tested in plain Node; layout.ts hides the rest.
 */
import { secretsUsedBy, type InvokerConfig, type SecretField } from '../shared/invoker';
import { FIELDS, type FieldKey, type FieldSpec } from './fields';

/** True when the form shows the field for this invoker: a secret when the invoker uses it, another field by its grant and condition. */
export function isShown(spec: FieldSpec, config: InvokerConfig): boolean {
  if (spec.kind === 'secret') {
    return secretsUsedBy(config).includes(spec.key as SecretField);
  }
  return (spec.shownFor === undefined || spec.shownFor.includes(config.grantType)) && (spec.shownWhen?.(config) ?? true);
}

/** The fields shown for this invoker, in the form's order. */
export function shownFields(config: InvokerConfig): FieldKey[] {
  return FIELDS.filter((spec) => isShown(spec, config)).map((spec) => spec.key);
}
