import { STATUS_CODES } from 'node:http';
import {
  ACCESS_TOKEN_PROPERTY,
  DJMessage,
  propertyValue,
  type BasicVariant,
  type ClientAuthentication,
  type DJMessageMetadata,
  type ExpirySource,
} from '../model/djMessage';
import { InvokerError } from '../model/errors';
import { decodeJwt, numericDateMs } from '../model/jwt';
import type { GrantType } from '../../shared/properties';
import { deepValueNote, MAX_JSON_DEPTH, boundJsonDepth } from '../model/jsonDepth';
import { isSensitiveName, REDACTED, redactBody, redactSensitiveValues, type Redactor } from '../secrets/redact';
import type { RawResponse } from '../net/transport';

/** What the parser needs to know about the exchange besides the answer itself. */
export interface ResponseContext {
  readonly targetMessage: string;
  readonly receivedAt: number;
  readonly grantType: GrantType;
  readonly tokenUrl: string;
  readonly clientAuthentication: ClientAuthentication;
  readonly basicVariant?: BasicVariant;
  /** Removes the request's secrets from anything that goes into an error. */
  readonly redact: Redactor;
}

type Fields = ReadonlyArray<readonly [string, unknown]>;

interface ParsedBody {
  readonly fields?: Fields;
  readonly warnings: string[];
  /**
   * The JSON text of fields nested deeper than {@link MAX_JSON_DEPTH} levels, by name: they were not parsed, and
   * stand as `null` in `fields`.
   */
  readonly deep?: ReadonlyMap<string, string>;
}

/** A server's text inside a warning or an error: secrets removed first, then cut to `max` characters. */
function shown(text: string, redact: Redactor, max = 40): string {
  const clean = redact(text);
  return clean.length > max ? `${clean.slice(0, max)}…` : clean;
}

function mediaType(contentType: string | undefined): string {
  return (contentType ?? '').split(';', 1)[0].trim().toLowerCase();
}

function isJsonMediaType(type: string): boolean {
  return type === 'application/json' || type === 'text/json' || type.endsWith('+json');
}

function looksLikeForm(text: string): boolean {
  return /^[\w.~%+-]+=[^\s<>{}]*(&[\w.~%+-]+=[^\s<>{}]*)*$/.test(text);
}

/**
 * Body, in a fixed order: JSON (by content type, or by shape when the type is wrong), then form-encoded, then nothing.
 * JSON is depth-checked before it is parsed: a field nested deeper than {@link MAX_JSON_DEPTH} levels is kept as its
 * text, with a warning, so the fields beside it (an `access_token`) are still read.
 */
function parseBody(raw: RawResponse, redact: Redactor): ParsedBody {
  const type = mediaType(raw.headers['content-type']);
  const text = raw.body.replace(/^\uFEFF/, '').trim();
  const warnings: string[] = [];
  if (text === '') {
    return { warnings };
  }
  // Only in a warning is the content type shown, so only then is the redactor (built on first use) needed.
  const labelled = (): string => (type !== '' ? shown(type, redact) : '');
  if (isJsonMediaType(type) || text.startsWith('{')) {
    const bounded = boundJsonDepth(text, MAX_JSON_DEPTH, () => 'null');
    let value: unknown;
    try {
      if (bounded === undefined) {
        throw new SyntaxError('unbalanced brackets');
      }
      value = JSON.parse(bounded.text);
    } catch {
      return { warnings: [`The body is not valid JSON although it is labelled ${labelled() || 'without a content type'}.`] };
    }
    const tooDeep = bounded.cut.length > 0 ? ` nested deeper than ${MAX_JSON_DEPTH} levels` : '';
    if (value === null || typeof value !== 'object' || Array.isArray(value)) {
      return {
        warnings: [
          `The body is JSON but not an object (it is ${Array.isArray(value) ? `an array${tooDeep}` : String(value === null ? 'null' : typeof value)}).`,
        ],
      };
    }
    if (!isJsonMediaType(type)) {
      warnings.push(`The answer is JSON but labelled "${labelled() || '(no content type)'}".`);
    }
    const deep = new Map<string, string>();
    for (const { name, raw: json } of bounded.cut) {
      if (name !== undefined) {
        deep.set(name, json);
        warnings.push(`"${shown(name, redact)}" is nested deeper than ${MAX_JSON_DEPTH} levels (${json.length} characters): it was not read.`);
      }
    }
    return { fields: Object.entries(value), warnings, ...(deep.size > 0 ? { deep } : {}) };
  }
  if (type === 'application/x-www-form-urlencoded' || ((type === 'text/plain' || type === '') && looksLikeForm(text))) {
    warnings.push('The answer is form-encoded, not JSON (RFC 6749 §5.1 asks for JSON); its fields were read all the same.');
    return { fields: [...new URLSearchParams(text)], warnings };
  }
  return { warnings };
}

function field(fields: Fields | undefined, name: string): unknown {
  return fields?.find(([key]) => key === name)?.[1];
}

function stringField(fields: Fields | undefined, name: string): string | undefined {
  const value = field(fields, name);
  return typeof value === 'string' && value !== '' ? value : undefined;
}

function statusText(status: number): string {
  const text = STATUS_CODES[status];
  return text !== undefined ? `${status} ${text}` : String(status);
}

function bodyKind(raw: RawResponse, redact: Redactor): string {
  const type = mediaType(raw.headers['content-type']);
  const text = raw.body.trim();
  if (text === '') {
    return 'an empty body';
  }
  if (type === 'text/html' || /^<(!doctype|html)/i.test(text)) {
    return 'an HTML page';
  }
  return `a ${type !== '' ? shown(type, redact) : 'untyped'} body`;
}

/** What nearly every token endpoint labels its answer with: nothing a server could have filled with an echo. */
const COMMON_CONTENT_TYPE = /^(application\/(json|x-www-form-urlencoded)|text\/(plain|html))(\s*;\s*charset="?(utf-?8|iso-8859-1|us-ascii)"?)?$/i;

/** The Content-Type header for the message's details: a common one as it is (no redactor is built), any other redacted. */
function contentType(header: string, redact: Redactor): string {
  return COMMON_CONTENT_TYPE.test(header) ? header : shown(header, redact, 200);
}

function metadata(
  raw: RawResponse,
  context: ResponseContext,
  warnings: readonly string[],
  failed: boolean,
  expiry?: { at: number; source: ExpirySource },
): DJMessageMetadata {
  return {
    status: raw.status,
    receivedAt: context.receivedAt,
    ...(expiry !== undefined ? { expiresAt: expiry.at, expirySource: expiry.source } : {}),
    warnings,
    grantType: context.grantType,
    tokenUrl: context.tokenUrl,
    clientAuthentication: context.clientAuthentication,
    ...(context.basicVariant !== undefined ? { basicVariant: context.basicVariant } : {}),
    ...(raw.headers['content-type'] !== undefined ? { contentType: contentType(raw.headers['content-type'], context.redact) } : {}),
    failed,
  };
}

/** The message that holds a failed answer, secrets replaced, so the user can inspect what the server said. */
function failedMessage(raw: RawResponse, context: ResponseContext, parsed: ParsedBody): DJMessage {
  const properties = (parsed.fields ?? []).map(([name, value]): [string, string] => {
    const deep = parsed.deep?.get(name);
    if (deep !== undefined) {
      return [name, deepValueNote(deep)];
    }
    return [name, isSensitiveName(name) && value !== '' && value !== null ? REDACTED : context.redact(propertyValue(redactSensitiveValues(value)))];
  });
  return new DJMessage({
    name: context.targetMessage,
    body: redactBody(raw.body, context.redact),
    properties,
    metadata: metadata(raw, context, parsed.warnings, true),
  });
}

function rejected(raw: RawResponse, context: ResponseContext, parsed: ParsedBody, what = 'the token request'): InvokerError {
  const r = context.redact;
  const error = stringField(parsed.fields, 'error');
  const description = stringField(parsed.fields, 'error_description');
  const uri = stringField(parsed.fields, 'error_uri');
  const djMessage = failedMessage(raw, context, parsed);
  const head = `The authorization server rejected ${what} (${statusText(raw.status)}`;
  const message =
    error !== undefined
      ? `${head}, ${r(error)})${description !== undefined ? `: ${r(description)}` : '.'}`
      : `${head}) with ${bodyKind(raw, r)} instead of an OAuth error.`;
  return new InvokerError(message, {
    kind: 'server-rejected',
    status: raw.status,
    ...(error !== undefined ? { error: r(error) } : {}),
    ...(description !== undefined ? { errorDescription: r(description) } : {}),
    ...(uri !== undefined ? { errorUri: r(uri) } : {}),
    djMessage,
  });
}

function invalid(raw: RawResponse, context: ResponseContext, parsed: ParsedBody, problem: string): InvokerError {
  // A field too deep to read may be why the answer is not a token response: say so in the same breath.
  const deep = parsed.deep !== undefined ? parsed.warnings.filter((warning) => warning.includes(' nested deeper than ')) : [];
  return new InvokerError([`The authorization server answered ${statusText(raw.status)} but ${problem}`, ...deep].join(' '), {
    kind: 'invalid-response',
    status: raw.status,
    djMessage: failedMessage(raw, context, parsed),
  });
}

/** The fields of an answer of any endpoint (JSON, then form-encoded), with what was odd about it; `fields` is absent when it has none. */
export function parseAnswerBody(raw: RawResponse, redact: Redactor): { readonly fields?: Fields; readonly warnings: readonly string[] } {
  return parseBody(raw, redact);
}

/**
 * The InvokerError (kind `server-rejected`, code 4) for an error answer of any endpoint: status, `error`,
 * `error_description`, `error_uri`, and the failed message (secrets replaced). `what` names the request.
 * @see https://www.rfc-editor.org/rfc/rfc6749#section-5.2
 */
export function rejectedAnswer(raw: RawResponse, context: ResponseContext, what: string): InvokerError {
  return rejected(raw, context, parseBody(raw, context.redact), what);
}

/** The InvokerError (kind `invalid-response`) for a 2xx answer of any endpoint that is not what was asked for. */
export function invalidAnswer(raw: RawResponse, context: ResponseContext, problem: string): InvokerError {
  return invalid(raw, context, parseBody(raw, context.redact), problem);
}

/** "200 OK" for 200. */
export function describeStatus(status: number): string {
  return statusText(status);
}

/** expires_in as seconds: a number, or a numeric string (kept, with a warning); anything else is a warning and no expiry. */
function expiresIn(value: unknown, warnings: string[], redact: Redactor): number | undefined {
  if (value === undefined || value === null || value === '') {
    return undefined;
  }
  const seconds = typeof value === 'number' ? value : typeof value === 'string' && /^\s*\d+(\.\d+)?\s*$/.test(value) ? Number(value) : NaN;
  if (!Number.isFinite(seconds) || seconds < 0) {
    warnings.push(`"expires_in" is not a number of seconds (${shown(JSON.stringify(value), redact)}); the expiry is unknown.`);
    return undefined;
  }
  if (typeof value === 'string') {
    warnings.push('"expires_in" is a string, not a number (RFC 6749 §5.1); it was read as a number.');
  }
  return seconds;
}

/** RFC 8693 §3's type of an access token: the one issued type for which token_type keeps its RFC 6749 meaning. */
const ACCESS_TOKEN_TYPE = 'urn:ietf:params:oauth:token-type:access_token';

/**
 * True when a Token Exchange issued something other than an access token: its `token_type` may then be `N_A` (or
 * absent), since the token is not used to reach a resource.
 * @see https://www.rfc-editor.org/rfc/rfc8693#section-2.2.1
 */
function issuedOtherThanAccessToken(issuedTokenType: unknown): boolean {
  return typeof issuedTokenType === 'string' && issuedTokenType !== '' && issuedTokenType !== ACCESS_TOKEN_TYPE;
}

function tokenTypeWarnings(value: unknown, issuedTokenType: unknown, warnings: string[], redact: Redactor): void {
  if (issuedOtherThanAccessToken(issuedTokenType) && (value === undefined || value === null || value === '' || value === 'N_A')) {
    return;
  }
  if (value === undefined || value === null || value === '') {
    warnings.push('"token_type" is missing (RFC 6749 §5.1 requires it); the token was kept and is used as a Bearer token.');
  } else if (typeof value !== 'string') {
    warnings.push(`"token_type" is not a string (${shown(JSON.stringify(value), redact)}).`);
  } else if (value.toLowerCase() !== 'bearer') {
    warnings.push(`"token_type" is "${shown(value, redact)}", not Bearer: the resource server may need another scheme.`);
  } else if (value !== 'Bearer') {
    warnings.push(`"token_type" is "${value}"; it is case-insensitive (RFC 6749 §5.1) and is used as Bearer.`);
  }
}

/** Below this, a difference between the server's Date header (1 s resolution) and our clock is noise, not skew. */
const SKEW_THRESHOLD_MS = 5_000;

/**
 * When the access token expires, in our clock: `expires_in` counted from when the answer arrived (RFC 6749 §5.1);
 * else the JWT `exp` claim, an absolute time in the server's clock, shifted by the skew its Date header shows;
 * else unknown.
 */
export function expiryOf(input: {
  readonly expiresInSeconds?: number;
  readonly jwtExpMs?: number;
  readonly receivedAt: number;
  readonly serverDate?: string;
}): { at: number; source: ExpirySource } | undefined {
  if (input.expiresInSeconds !== undefined) {
    return { at: input.receivedAt + input.expiresInSeconds * 1000, source: 'expires_in' };
  }
  if (input.jwtExpMs === undefined) {
    return undefined;
  }
  const serverNow = input.serverDate !== undefined ? Date.parse(input.serverDate) : NaN;
  const skew = Number.isFinite(serverNow) ? serverNow - input.receivedAt : 0;
  return { at: Math.abs(skew) >= SKEW_THRESHOLD_MS ? input.jwtExpMs - skew : input.jwtExpMs, source: 'jwt-exp' };
}

/**
 * Interprets a token endpoint's answer: a DJMessage holding `AccessToken` and every field of the answer,
 * or an InvokerError (code 4) carrying the server's status, `error`, `error_description` and body.
 * Order: status, content type, body (JSON, then form-encoded), object shape, `error` fields, `access_token`.
 * @see https://www.rfc-editor.org/rfc/rfc6749#section-5.1
 * @see https://www.rfc-editor.org/rfc/rfc6749#section-5.2
 */
export function parseTokenResponse(raw: RawResponse, context: ResponseContext): DJMessage {
  if (raw.status >= 300 && raw.status < 400) {
    const location = raw.headers.location;
    const where = location !== undefined ? ` to ${context.redact(location)}` : ' without a Location';
    throw new InvokerError(
      `The authorization server answered ${statusText(raw.status)}, redirecting${where}; token requests do not follow redirects. Check the Authorization Server URL: it must be the token endpoint itself.`,
      {
        kind: 'redirect',
        status: raw.status,
        ...(location !== undefined ? { location: context.redact(location) } : {}),
        djMessage: failedMessage(raw, context, parseBody(raw, context.redact)),
      },
    );
  }
  const parsed = parseBody(raw, context.redact);
  if (raw.status < 200 || raw.status >= 300 || field(parsed.fields, 'error') !== undefined) {
    throw rejected(raw, context, parsed);
  }
  if (parsed.fields === undefined) {
    const reason = parsed.warnings[0] ?? `its body is ${bodyKind(raw, context.redact)}, not a token response.`;
    throw invalid(raw, context, parsed, reason.charAt(0).toLowerCase() + reason.slice(1));
  }
  const accessToken = field(parsed.fields, 'access_token');
  if (typeof accessToken !== 'string' || accessToken === '') {
    throw invalid(raw, context, parsed, `"access_token" is ${accessToken === undefined ? 'missing from' : 'not a non-empty string in'} its answer.`);
  }
  const warnings = [...parsed.warnings];
  const properties: Array<[string, string]> = [[ACCESS_TOKEN_PROPERTY, accessToken]];
  for (const [name, value] of parsed.fields) {
    if (name === 'access_token') {
      continue;
    }
    if (name === ACCESS_TOKEN_PROPERTY) {
      warnings.push(`The answer has its own "${ACCESS_TOKEN_PROPERTY}" field; the property holds "access_token" instead.`);
      continue;
    }
    // A field too deep to parse keeps the JSON text the server sent (what propertyValue writes for an object, unparsed).
    properties.push([name, parsed.deep?.get(name) ?? propertyValue(value)]);
  }
  tokenTypeWarnings(field(parsed.fields, 'token_type'), field(parsed.fields, 'issued_token_type'), warnings, context.redact);
  const expiresInSeconds = expiresIn(field(parsed.fields, 'expires_in'), warnings, context.redact);
  const expiry = expiryOf({
    expiresInSeconds,
    // Only decoded when the answer gives no expires_in: most do, and then the JWT is not touched.
    jwtExpMs: expiresInSeconds === undefined ? numericDateMs(decodeJwt(accessToken)?.payload ?? {}, 'exp') : undefined,
    receivedAt: context.receivedAt,
    serverDate: raw.headers.date,
  });
  return new DJMessage({
    name: context.targetMessage,
    body: raw.body,
    properties,
    metadata: metadata(raw, context, warnings, false, expiry),
  });
}
