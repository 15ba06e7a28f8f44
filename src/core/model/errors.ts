import type { PropertyIssue } from '../../shared/properties';
import type { DJMessage } from './djMessage';

/** The component's error code for every failure of Execute: "Invalid error — error by server while requesting access token". */
export const INVOKER_INVALID_ERROR = 4;

/**
 * Why an Execute (or a discovery) failed; the extension branches on this, never on message text.
 * - `invalid-properties`: refused before sending; `issues` name the fields (a TLS file that cannot be read or parsed too).
 * - `insecure-url`: plain http:// (without "Allow Insecure HTTP") to a host that is not loopback: by its name, by the
 *   address it resolved to when connecting, or because a proxy is in between.
 * - `server-rejected`: a non-2xx answer or an OAuth `error`; `status`, `error`, `errorDescription`, `djMessage`.
 * - `invalid-response`: a 2xx answer that is not a token response (or not authorization server metadata).
 * - `redirect`: a 3xx answer; `location`. Redirects are never followed.
 * - `too-large`: the answer passed the size cap.
 * - `network`: the connection failed (DNS, refused, reset, closed early); `field` names what to check.
 * - `tls`: the TLS handshake failed: unknown CA, expired certificate, host name mismatch, client certificate
 *   required or refused; `field` names the TLS property that fixes it.
 * - `proxy`: the proxy refused the connection, asked for credentials (407) or would not open a tunnel.
 * - `timeout`, `aborted`: the deadline passed, or the caller cancelled.
 * - `access-denied`: the user (or the server for them) refused the sign-in: `error=access_denied` in the redirect
 *   or in a device-code poll.
 * - `authorization-rejected`: the authorization redirect carried another OAuth `error` (`error`, `errorDescription`).
 * - `state-mismatch`: the redirect's `state` is not the one this attempt sent (a forged or stale redirect).
 * - `issuer-mismatch`: the redirect's `iss` is missing (RFC 9207 advertised) or names another server (mix-up), or
 *   the metadata found names another issuer than the one asked for (RFC 8414 §3.3).
 * - `nonce-mismatch`: the id_token of a sign-in does not carry the `nonce` its authorization request sent (OpenID Connect).
 * - `expired-token`: the device code expired before the user signed in (RFC 8628 `expired_token`).
 * - `sign-in-required`: the grant needs a person at a browser and the caller may not open one (API, CodeLens, status bar).
 */
export type InvokerErrorKind =
  | 'invalid-properties'
  | 'insecure-url'
  | 'server-rejected'
  | 'invalid-response'
  | 'redirect'
  | 'too-large'
  | 'network'
  | 'tls'
  | 'proxy'
  | 'timeout'
  | 'aborted'
  | 'access-denied'
  | 'authorization-rejected'
  | 'state-mismatch'
  | 'issuer-mismatch'
  | 'nonce-mismatch'
  | 'expired-token'
  | 'sign-in-required';

/** Data-carrying cause of a network failure: never holds a request, a header or a secret. */
export interface TransportCause {
  readonly name: string;
  readonly code?: string;
  readonly message: string;
}

export interface InvokerErrorDetails {
  readonly kind: InvokerErrorKind;
  readonly status?: number;
  readonly error?: string;
  readonly errorDescription?: string;
  readonly errorUri?: string;
  readonly djMessage?: DJMessage;
  readonly issues?: readonly PropertyIssue[];
  readonly location?: string;
  readonly cause?: TransportCause;
  /** The invoker property whose change fixes a network, TLS or proxy failure, e.g. `tlsCaFile` or `proxyUsername`. */
  readonly field?: string;
}

/**
 * The one error Execute rejects with: `code` is always 4, as the original component documents.
 * Its message and fields are redacted before construction; it never carries a secret.
 */
export class InvokerError extends Error {
  override readonly name = 'InvokerError';
  readonly code = INVOKER_INVALID_ERROR;
  readonly kind: InvokerErrorKind;
  readonly status?: number;
  readonly error?: string;
  readonly errorDescription?: string;
  readonly errorUri?: string;
  readonly djMessage?: DJMessage;
  readonly issues: readonly PropertyIssue[];
  readonly location?: string;
  override readonly cause?: TransportCause;
  readonly field?: string;

  constructor(message: string, details: InvokerErrorDetails) {
    super(message);
    this.kind = details.kind;
    this.status = details.status;
    this.error = details.error;
    this.errorDescription = details.errorDescription;
    this.errorUri = details.errorUri;
    this.djMessage = details.djMessage;
    this.issues = details.issues ?? [];
    this.location = details.location;
    this.cause = details.cause;
    this.field = details.field;
  }
}

export function isInvokerError(value: unknown): value is InvokerError {
  return value instanceof InvokerError;
}
