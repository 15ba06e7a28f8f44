import { InvokerError } from '../model/errors';
import { clientAuthMethodOf, type InvokerProperties } from '../../shared/properties';
import { boundJsonDepth, deepValueNote, MAX_JSON_DEPTH } from '../model/jsonDepth';
import { isSensitiveName, REDACTED } from '../model/sensitiveNames';
import { SecretSpellings } from './secretSpellings';
import { basicCredentials, formUrlEncode } from '../grants/tokenRequest';

export { isSensitiveName, REDACTED } from '../model/sensitiveNames';

const JWT_PATTERN = /eyJ[A-Za-z0-9_-]{4,}\.[A-Za-z0-9_-]{4,}\.[A-Za-z0-9_-]*/g;
/** Shorter secrets cannot be told from ordinary text; key-based redaction still hides them in forms and JSON. */
const MIN_SCRUB_LENGTH = 3;

/** A function that removes the given secrets (in every spelling), any JWT and the values of sensitive fields from text. */
export type Redactor = (text: string) => string;

/**
 * Builds the redactor every log line, error message and failed message goes through. It finds each secret in every
 * spelling a server may echo it in (see {@link SecretSpellings}: as is, form- or percent-encoded in either hex case,
 * JSON- or HTML-escaped, mixed), and any JWT. What it needs is prepared once here, not per call.
 */
export function createRedactor(secrets: Iterable<string | undefined>): Redactor {
  const kept: string[] = [];
  for (const secret of secrets) {
    if (secret !== undefined && secret.length >= MIN_SCRUB_LENGTH) {
      kept.push(secret);
    }
  }
  const spellings = new SecretSpellings(kept);
  return (text) => {
    const scrubbed = spellings.size > 0 ? spellings.replace(text, REDACTED) : text;
    return scrubbed.replace(JWT_PATTERN, REDACTED);
  };
}

/**
 * The values of a Basic header for the client, in both forms the invoker may send (RFC 6749 §2.3.1's form-urlencoded
 * first, and raw), without their `=` padding (so an echo without it matches too): a server that echoes the header
 * gives away the secret in base64, so these are secrets for a redactor.
 * @see https://www.rfc-editor.org/rfc/rfc6749#section-2.3.1
 */
export function basicCredentialValues(clientId: string, clientSecret: string | undefined): string[] {
  if (clientSecret === undefined || clientSecret === '') {
    return [];
  }
  return [...new Set((['rfc6749', 'raw'] as const).map((variant) => basicCredentials(clientId, clientSecret, variant).replace(/=+$/, '')))];
}

/**
 * Every secret the properties hold, for a redactor: the client secret (and, when it goes in a Basic header, that
 * header's values), the password, the refresh token, the proxy password, both key passphrases, the Token
 * Exchange's subject and actor tokens, the JWT Bearer grant's entered assertion, and the Introspection Client Secret (and
 * its Basic header's values).
 */
export function propertySecrets(properties: InvokerProperties): Array<string | undefined> {
  return [
    properties.clientSecret,
    properties.password,
    properties.refreshToken,
    properties.proxyPassword,
    properties.tlsPassphrase,
    properties.assertionKeyPassphrase,
    properties.subjectToken,
    properties.actorToken,
    properties.assertion,
    properties.introspectionClientSecret,
    // A server that echoes the Authorization header gives the client secret away in base64.
    ...(clientAuthMethodOf(properties) === 'client_secret_basic' ? basicCredentialValues((properties.clientId ?? '').trim(), properties.clientSecret) : []),
    ...basicCredentialValues((properties.introspectionClientId ?? '').trim(), properties.introspectionClientSecret),
  ];
}

/**
 * The error as it leaves the core: its message and every text a server chose (`error`, `error_description`,
 * `error_uri`, the Location, the cause) passed through the redactor, whichever path built it. The failed message it
 * carries was redacted when it was built.
 */
export function redactError(error: InvokerError, redact: Redactor): InvokerError {
  const text = (value: string | undefined): string | undefined => (value !== undefined ? redact(value) : undefined);
  return new InvokerError(redact(error.message), {
    kind: error.kind,
    status: error.status,
    error: text(error.error),
    errorDescription: text(error.errorDescription),
    errorUri: text(error.errorUri),
    djMessage: error.djMessage,
    issues: error.issues,
    location: text(error.location),
    cause: error.cause !== undefined ? { ...error.cause, message: redact(error.cause.message) } : undefined,
    field: error.field,
  });
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

/** A JSON value with the values of sensitive members replaced, at any depth (callers bound the depth first). */
export function redactSensitiveValues(value: unknown): unknown {
  if (Array.isArray(value)) {
    return value.map(redactSensitiveValues);
  }
  if (value !== null && typeof value === 'object') {
    // No prototype: a member named "__proto__" stays a member.
    const copy: Record<string, unknown> = Object.create(null) as Record<string, unknown>;
    for (const [name, inner] of Object.entries(value)) {
      copy[name] = isSensitiveName(name) && inner !== null && inner !== '' ? REDACTED : redactSensitiveValues(inner);
    }
    return copy;
  }
  return value;
}

const JSON_STRING_MEMBER = /"((?:[^"\\\n]|\\.){1,200})"(\s*:\s*)"(?:[^"\\]|\\.)*"?/g;
const FORM_PAIR = /(^|[?&;\s])([\w.~%+-]{1,200})=([^&\s"'<>]+)/g;

function decodedName(name: string): string {
  try {
    return decodeURIComponent(name.replace(/\+/g, ' '));
  } catch {
    return name;
  }
}

/**
 * Text that is not JSON or a form as a whole (HTML, truncated JSON) with the values of sensitive JSON members
 * (`"refresh_token": "…"`) and form pairs (`password=…`) replaced, as far as they can be told.
 */
function redactSensitiveFields(text: string): string {
  return text
    .replace(JSON_STRING_MEMBER, (match: string, name: string, colon: string) => (isSensitiveName(name) ? `"${name}"${colon}"${REDACTED}"` : match))
    .replace(FORM_PAIR, (match: string, lead: string, name: string) => (isSensitiveName(decodedName(name)) ? `${lead}${name}=${REDACTED}` : match));
}

/**
 * An answer's body for a log or an error: JSON and form answers keep their shape with secrets replaced (a value nested
 * deeper than {@link MAX_JSON_DEPTH} levels is replaced by a note); anything else is scrubbed as text.
 */
export function redactBody(body: string, redactor: Redactor): string {
  const trimmed = body.trim();
  if (trimmed.startsWith('{') || trimmed.startsWith('[')) {
    const bounded = boundJsonDepth(trimmed, MAX_JSON_DEPTH, (raw) => JSON.stringify(deepValueNote(raw)));
    if (bounded !== undefined) {
      try {
        return redactor(JSON.stringify(redactSensitiveValues(JSON.parse(bounded.text))));
      } catch {
        // not JSON after all: scrub as text
      }
    }
  } else if (/^[\w.~%+-]+=[^\s<>]*(&[\w.~%+-]+=[^\s<>]*)*$/.test(trimmed)) {
    return redactForm(trimmed, redactor);
  }
  return redactor(redactSensitiveFields(body));
}
