import { jsonTooDeep } from './jsonDepth';

/** A JWT's parts decoded without verifying its signature: for display and for expiry, never for trust. */
export interface DecodedJwt {
  readonly header: Readonly<Record<string, unknown>>;
  readonly payload: Readonly<Record<string, unknown>>;
}

function decodePart(part: string): Record<string, unknown> | undefined {
  if (!/^[A-Za-z0-9_-]+$/.test(part)) {
    return undefined;
  }
  const json = Buffer.from(part, 'base64url').toString('utf8');
  // Whoever shows the claims walks them recursively: a part nested too deeply is not a JWT to read.
  if (jsonTooDeep(json)) {
    return undefined;
  }
  try {
    const value: unknown = JSON.parse(json);
    return value !== null && typeof value === 'object' && !Array.isArray(value) ? (value as Record<string, unknown>) : undefined;
  } catch {
    return undefined;
  }
}

/**
 * Decodes a compact JWS (three base64url parts, JSON header and payload); undefined for anything else, such as opaque tokens.
 * @see https://www.rfc-editor.org/rfc/rfc7519#section-7.2
 */
export function decodeJwt(token: string): DecodedJwt | undefined {
  const parts = token.split('.');
  if (parts.length !== 3) {
    return undefined;
  }
  const header = decodePart(parts[0]);
  const payload = header !== undefined ? decodePart(parts[1]) : undefined;
  return header !== undefined && payload !== undefined ? { header, payload } : undefined;
}

/** A NumericDate claim (`exp`, `iat`, `nbf`) as epoch milliseconds, when it is a finite number. */
export function numericDateMs(payload: Readonly<Record<string, unknown>>, claim: string): number | undefined {
  const value = payload[claim];
  return typeof value === 'number' && Number.isFinite(value) ? value * 1000 : undefined;
}
