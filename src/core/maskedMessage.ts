import { DJMessage } from './djMessage';
import { isSensitiveName } from './redact';
import { SecretSpellings } from './secretSpellings';

/** What stands where a secret would: in the tree's labels and in the messages other extensions receive. */
export const SECRET_MASK = '••••••••';

/**
 * The message as another extension may see it: the access token and every non-secret field as received, every other
 * secret field (`refresh_token`, `id_token`, …) masked in the properties and in the body, as the tree masks them.
 */
export function maskSecrets(message: DJMessage): DJMessage {
  const accessToken = message.accessToken;
  const hidden = new Set<string>();
  const properties = message.propertyNames().map((name): [string, string] => {
    const value = message.getProperty(name) ?? '';
    if (value !== '' && value !== accessToken && isSensitiveName(name)) {
      hidden.add(value);
      return [name, SECRET_MASK];
    }
    return [name, value];
  });
  // Every spelling the raw answer may hold them in (JSON-escaped, percent-encoded, …), as the redactor finds them.
  const body = hidden.size > 0 ? new SecretSpellings(hidden).replace(message.body, SECRET_MASK) : message.body;
  return new DJMessage({ ...message.toJSON(), properties, body });
}
