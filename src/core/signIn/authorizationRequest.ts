import { InvokerError } from '../model/errors';
import { type InvokerProperties } from '../../shared/properties';
import { RESERVED_AUTHORIZATION_PARAMETERS } from '../../shared/validation';
import type { Redactor } from '../secrets/redact';

/** What one authorization attempt sends besides the invoker's properties: fresh for every attempt. */
export interface AuthorizationAttempt {
  /** The redirect URI the browser will really reach (after `asExternalUri`), sent as `redirect_uri`. */
  readonly redirectUri: string;
  readonly state: string;
  readonly codeChallenge: string;
  /** OpenID Connect's `nonce`, sent when the scope asks for `openid` (see `nonceFor`); the id_token must carry it back. */
  readonly nonce?: string;
}

/** What the redirect must match: the attempt's `state`, and the issuer when the server names itself (RFC 9207). */
export interface AuthorizationExpectation {
  readonly state: string;
  /** The invoker's issuer; `iss` in the redirect must equal it exactly whenever present. */
  readonly issuer?: string;
  /** The server's metadata said `authorization_response_iss_parameter_supported`: `iss` must then be present. */
  readonly issParameterSupported?: boolean;
}

/**
 * The URL to open in the browser: the authorization endpoint (its own query kept) with `response_type=code`,
 * `client_id`, `redirect_uri`, `scope` when given, `state`, the S256 `code_challenge`, the attempt's `nonce` when it
 * has one, then the invoker's authorization parameters (prompt, login_hint, audience, resource…), empty ones omitted.
 * @see https://www.rfc-editor.org/rfc/rfc6749#section-4.1.1
 * @see https://www.rfc-editor.org/rfc/rfc7636#section-4.3
 * @see https://openid.net/specs/openid-connect-core-1_0.html#AuthRequest
 */
export function buildAuthorizationUrl(properties: InvokerProperties, attempt: AuthorizationAttempt): string {
  const url = new URL((properties.authorizationEndpointUrl ?? '').trim());
  const query = url.searchParams;
  for (const name of RESERVED_AUTHORIZATION_PARAMETERS) {
    query.delete(name);
  }
  query.set('response_type', 'code');
  query.set('client_id', (properties.clientId ?? '').trim());
  query.set('redirect_uri', attempt.redirectUri);
  const scope = properties.scope?.trim();
  if (scope !== undefined && scope !== '') {
    query.set('scope', scope);
  }
  query.set('state', attempt.state);
  query.set('code_challenge', attempt.codeChallenge);
  query.set('code_challenge_method', 'S256');
  if (attempt.nonce !== undefined) {
    query.set('nonce', attempt.nonce);
  }
  for (const { name, value } of properties.authorizationParameters ?? []) {
    const key = name.trim();
    if (key !== '' && value !== '' && !RESERVED_AUTHORIZATION_PARAMETERS.has(key)) {
      query.set(key, value);
    }
  }
  return url.href;
}

/** Parameters of an authorization response (RFC 6749 §4.1.2, RFC 9207, OpenID Connect's implicit and hybrid ones). */
const RESPONSE_PARAMETERS = ['code', 'state', 'error', 'iss', 'access_token', 'id_token'];

/**
 * The response parameters of a redirect: its query. `response_type=code` answers in the query only, so a redirect
 * that carries response parameters in its #fragment (an implicit or fragment-mode answer, or one pasted from
 * elsewhere) is refused; a fragment without any (Facebook's `#_=_`) is ignored.
 * @see https://www.rfc-editor.org/rfc/rfc6749#section-4.1.2
 * @see https://openid.net/specs/oauth-v2-multiple-response-types-1_0.html#ResponseModes
 */
function responseParameters(url: URL): URLSearchParams {
  const fragment = new URLSearchParams(url.hash.slice(1));
  if (RESPONSE_PARAMETERS.some((name) => fragment.has(name))) {
    throw new InvokerError(
      'The redirect carries its answer in the #fragment, where the Authorization Code grant (response_type=code) never puts it: it was refused.',
      { kind: 'invalid-response' },
    );
  }
  return url.searchParams;
}

function single(parameters: URLSearchParams, name: string): string | undefined {
  const values = parameters.getAll(name);
  if (values.length > 1) {
    throw new InvokerError(`The authorization response repeats "${name}"; it was refused.`, { kind: 'invalid-response' });
  }
  return values[0];
}

/**
 * Reads the URL the browser was redirected to and returns its authorization `code`, after checking, in this
 * order: the answer is in the query (never a #fragment), `iss` (RFC 9207: required when the server advertises it,
 * and exactly the expected issuer whenever present), `state` (exactly this attempt's), then an OAuth `error`
 * (`access_denied` has its own kind). Every
 * failure is an InvokerError (code 4) whose text holds neither the code nor the state.
 * @see https://www.rfc-editor.org/rfc/rfc6749#section-4.1.2
 * @see https://www.rfc-editor.org/rfc/rfc9207#section-2.4
 */
export function parseAuthorizationResponse(redirectedTo: string, expected: AuthorizationExpectation, redact: Redactor): { readonly code: string } {
  let url: URL;
  try {
    url = new URL(redirectedTo.trim());
  } catch {
    throw new InvokerError('The redirect URL is not a valid URL: paste the whole address the browser shows after signing in.', { kind: 'invalid-response' });
  }
  const parameters = responseParameters(url);
  const iss = single(parameters, 'iss');
  if (iss !== undefined) {
    // Compared as strings, exactly (RFC 9207 §2.4): discovery made sure the Issuer URL is the server's own issuer.
    if (expected.issuer !== undefined && expected.issuer !== '' && iss !== expected.issuer.trim()) {
      throw new InvokerError(
        `The authorization response comes from the issuer "${redact(iss).slice(0, 200)}", not "${expected.issuer}" (RFC 9207): it was refused, since another server may have sent it.`,
        { kind: 'issuer-mismatch' },
      );
    }
  } else if (expected.issParameterSupported === true) {
    throw new InvokerError(
      'The authorization response has no "iss" although the server advertises authorization_response_iss_parameter_supported (RFC 9207): it was refused.',
      { kind: 'issuer-mismatch' },
    );
  }
  const state = single(parameters, 'state');
  if (state !== expected.state) {
    throw new InvokerError(
      state === undefined
        ? 'The authorization response has no "state": it does not answer this sign-in and was refused.'
        : 'The authorization response\'s "state" is not the one this sign-in sent (a stale or forged redirect): it was refused.',
      { kind: 'state-mismatch' },
    );
  }
  const error = single(parameters, 'error');
  if (error !== undefined) {
    const description = single(parameters, 'error_description');
    const uri = single(parameters, 'error_uri');
    const safeError = redact(error).slice(0, 200);
    const safeDescription = description !== undefined ? redact(description).slice(0, 1000) : undefined;
    const denied = error === 'access_denied';
    throw new InvokerError(
      `${denied ? 'The sign-in was refused' : 'The authorization server refused the sign-in'} (${safeError})${safeDescription !== undefined ? `: ${safeDescription}` : '.'}`,
      {
        kind: denied ? 'access-denied' : 'authorization-rejected',
        error: safeError,
        ...(safeDescription !== undefined ? { errorDescription: safeDescription } : {}),
        ...(uri !== undefined ? { errorUri: redact(uri).slice(0, 500) } : {}),
      },
    );
  }
  const code = single(parameters, 'code');
  if (code === undefined || code === '') {
    throw new InvokerError('The authorization response has neither a "code" nor an "error".', { kind: 'invalid-response' });
  }
  return { code };
}
