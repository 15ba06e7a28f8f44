import { DJMessage } from './djMessage';
import { isSensitiveName } from './sensitiveNames';
import { SecretSpellings } from '../secrets/secretSpellings';

/** What stands where a secret would: in the tree's labels and in the messages other extensions receive. */
export const SECRET_MASK = '••••••••';

/**
 * The message as another extension may see it: every non-secret field as received, every secret field (the access
 * token, `refresh_token`, `id_token`, …) masked in the properties and in the body, as the tree masks them. Another
 * extension gets a token only through VS Code's Accounts (the `oauth2-invoker` authentication provider), which asks
 * the person first.
 */
export function maskSecrets(message: DJMessage): DJMessage {
  const names = message.propertyNames();
  const hidden = new Set(
    names
      .filter(isSensitiveName)
      .map((name) => message.getProperty(name) ?? '')
      .filter((value) => value !== ''),
  );
  // A secret's value is masked under any name: a server may echo the access token in a field of its own.
  const properties = names.map((name): [string, string] => {
    const value = message.getProperty(name) ?? '';
    return [name, hidden.has(value) ? SECRET_MASK : value];
  });
  // Every spelling the raw answer may hold them in (JSON-escaped, percent-encoded, …), as the redactor finds them.
  const body = hidden.size > 0 ? new SecretSpellings(hidden).replace(message.body, SECRET_MASK) : message.body;
  return new DJMessage({ ...message.toJSON(), properties, body });
}
