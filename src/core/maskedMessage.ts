import { DJMessage } from './djMessage';
import { isSensitiveName } from './redact';

/** What stands where a secret would: in the tree's labels and in the messages other extensions receive. */
export const SECRET_MASK = '••••••••';

/** How a value may stand in a raw answer: as is, JSON-escaped, form- or percent-encoded. */
function spellingsInBody(value: string): string[] {
  const forms = [value, JSON.stringify(value).slice(1, -1), encodeURIComponent(value), encodeURIComponent(value).replace(/%20/g, '+')];
  return [...new Set(forms)].filter((form) => form !== '').sort((a, b) => b.length - a.length);
}

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
  let body = message.body;
  for (const form of [...hidden].flatMap(spellingsInBody)) {
    body = body.split(form).join(SECRET_MASK);
  }
  return new DJMessage({ ...message.toJSON(), properties, body });
}
