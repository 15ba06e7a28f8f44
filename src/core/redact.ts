import { formUrlEncode } from './tokenRequest';

/** What stands where a secret was. */
export const REDACTED = '[REDACTED]';

/** Field names whose values are secrets wherever they appear: request forms, JSON answers, properties. */
export function isSensitiveName(name: string): boolean {
  const n = name.toLowerCase();
  // Facts about a token are not the token: token_type, refresh_token_expires_in, token_endpoint, id_token_hint's type.
  if (/(^token_type$|_type$|_hint$|_in$|_at$|_uri$|_url$|_endpoint$)/.test(n)) {
    return false;
  }
  return /secret|password|passwd|passphrase|token|assertion|^code$|code_verifier|device_code|^(proxy-)?authorization$|cookie|credential/.test(n);
}

const JWT_PATTERN = /eyJ[A-Za-z0-9_-]{4,}\.[A-Za-z0-9_-]{4,}\.[A-Za-z0-9_-]*/g;
/** Shorter secrets cannot be told from ordinary text; key-based redaction still hides them in forms and JSON. */
const MIN_SCRUB_LENGTH = 3;

/** Every form a secret may take in a log line or an answer: as is, form-urlencoded, percent-encoded, JSON-escaped. */
function spellings(secret: string): string[] {
  const forms = new Set([secret, formUrlEncode(secret), encodeURIComponent(secret), JSON.stringify(secret).slice(1, -1)]);
  return [...forms].filter((form) => form.length >= MIN_SCRUB_LENGTH);
}

function escapeRegExp(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}

/** A function that removes the given secrets (in every spelling), any JWT and the values of sensitive fields from text. */
export type Redactor = (text: string) => string;

/** Builds the redactor every log line and error message goes through. */
export function createRedactor(secrets: Iterable<string | undefined>): Redactor {
  const all = new Set<string>();
  for (const secret of secrets) {
    if (secret !== undefined && secret !== '') {
      spellings(secret).forEach((form) => all.add(form));
    }
  }
  // Longest first, so a secret that contains another is replaced whole.
  const sorted = [...all].sort((a, b) => b.length - a.length);
  const pattern = sorted.length > 0 ? new RegExp(sorted.map(escapeRegExp).join('|'), 'g') : undefined;
  return (text) => {
    const scrubbed = pattern !== undefined ? text.replace(pattern, REDACTED) : text;
    return scrubbed.replace(JWT_PATTERN, REDACTED);
  };
}

/**
 * A URL fit for a log or an error: any `user:password@` replaced, so a proxy URL from a setting or HTTPS_PROXY
 * can be shown without its credentials.
 */
export function redactUrlCredentials(url: string): string {
  return url.replace(/^([a-z][a-z0-9+.-]*:\/\/)[^/?#@]*@/i, `$1${REDACTED}@`);
}

/** The password inside a URL's user info (as written and decoded), for a redactor; the user name is not a secret. */
export function urlPassword(url: string | undefined): string[] {
  if (url === undefined || !url.includes('@')) {
    return [];
  }
  try {
    const { password } = new URL(url.includes('://') ? url : `http://${url}`);
    if (password === '') {
      return [];
    }
    try {
      return [password, decodeURIComponent(password)];
    } catch {
      return [password];
    }
  } catch {
    return [];
  }
}

/** A header value for a log: credentials keep only their scheme. */
export function redactHeader(name: string, value: string): string {
  const n = name.toLowerCase();
  if (n === 'authorization' || n === 'proxy-authorization') {
    const scheme = value.split(' ', 1)[0];
    return scheme !== value ? `${scheme} ${REDACTED}` : REDACTED;
  }
  return isSensitiveName(n) ? REDACTED : value;
}

/** A form body for a log: sensitive fields' values replaced, the rest readable. */
export function redactForm(body: string, redactor: Redactor): string {
  const parts: string[] = [];
  for (const [name, value] of new URLSearchParams(body)) {
    parts.push(`${formUrlEncode(name)}=${isSensitiveName(name) ? REDACTED : formUrlEncode(value)}`);
  }
  return redactor(parts.join('&'));
}

function redactValue(value: unknown): unknown {
  if (Array.isArray(value)) {
    return value.map(redactValue);
  }
  if (value !== null && typeof value === 'object') {
    const copy: Record<string, unknown> = {};
    for (const [name, inner] of Object.entries(value)) {
      copy[name] = isSensitiveName(name) && inner !== null && inner !== '' ? REDACTED : redactValue(inner);
    }
    return copy;
  }
  return value;
}

/** An answer's body for a log or an error: JSON and form answers keep their shape with secrets replaced; anything else is scrubbed. */
export function redactBody(body: string, redactor: Redactor): string {
  const trimmed = body.trim();
  if (trimmed.startsWith('{') || trimmed.startsWith('[')) {
    try {
      return redactor(JSON.stringify(redactValue(JSON.parse(trimmed))));
    } catch {
      // not JSON after all: scrub as text
    }
  } else if (/^[\w.~%+-]+=[^\s<>]*(&[\w.~%+-]+=[^\s<>]*)*$/.test(trimmed)) {
    return redactForm(trimmed, redactor);
  }
  return redactor(body);
}
