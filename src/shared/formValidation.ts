/**
 * The form's validation, run twice on the same code: by the webview as the user types, and by the extension on Save
 * (the form may be stale, e.g. a name taken meanwhile). Each problem names its field, like the core's.
 */
import { ISSUER_LABEL, invokerNameIssue, secretsUsedBy, toProperties, type InvokerConfig, type SecretField, type StoredSecrets } from './invoker';
import { PROPERTY_LABELS } from './properties';
import { validateIntrospectionClient } from './clientAuthValidation';
import { validateProperties } from './validation';
import type { FormIssue, SecretEdits } from './protocol';

/**
 * Stands for a stored secret during validation: the form and the panel know whether a secret is stored, never its
 * value, and the core's checks only ask whether one is there.
 */
export const STORED_SECRET = '\u2022';

/**
 * Problems of the form's own fields that the core does not see: a Proxy set to "URL" with no URL (the core reads an
 * empty proxy as `system`), an Issuer URL that is not an http(s) URL.
 */
export function formOnlyIssues(config: Pick<InvokerConfig, 'proxy' | 'issuer'>): FormIssue[] {
  const issues: FormIssue[] = [];
  if (config.proxy.trim() === '') {
    issues.push({ field: 'proxy', message: `"${PROPERTY_LABELS.proxy}" needs a URL, e.g. http://proxy.example.com:3128 (or choose System or None).` });
  }
  const issuer = config.issuer.trim();
  if (issuer !== '') {
    let url: URL | undefined;
    try {
      url = new URL(issuer);
    } catch {
      url = undefined;
    }
    if (url === undefined || (url.protocol !== 'https:' && url.protocol !== 'http:')) {
      issues.push({ field: 'issuer', message: `"${ISSUER_LABEL}" must be an https:// URL, e.g. https://login.example.com/realms/acme.` });
    }
  }
  return issues;
}

/**
 * Every problem of an invoker as the form holds it: its name (against the other names of its scope), the form's own
 * fields, then the core's `validateProperties`. A secret typed or cleared counts as typed; one left alone counts as
 * stored or absent. Only the secrets this invoker uses are checked: a Proxy Password kept after its user name was
 * cleared is harmless.
 */
export function formIssues(config: InvokerConfig, edits: SecretEdits, stored: StoredSecrets, takenNames: readonly string[]): FormIssue[] {
  const secrets: Partial<Record<SecretField, string>> = {};
  for (const field of secretsUsedBy(config)) {
    const edit = edits[field];
    secrets[field] = edit?.action === 'replace' ? edit.value : edit?.action === 'clear' ? undefined : stored[field] ? STORED_SECRET : undefined;
  }
  const nameIssue = invokerNameIssue(config.name, takenNames);
  const properties = toProperties(config, secrets);
  // The introspection client is checked here and by Introspect, not by Execute, which never sends its secret.
  return [
    ...(nameIssue !== undefined ? [{ field: 'name', message: nameIssue }] : []),
    ...formOnlyIssues(config),
    ...[...validateProperties(properties, config.targetMessage), ...validateIntrospectionClient(properties)].map(({ field, message }) => ({ field, message })),
  ];
}
