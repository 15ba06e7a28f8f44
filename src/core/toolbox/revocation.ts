import { callToolbox, type EndpointCallOptions, type EndpointOperation, type TokenTypeHint } from './endpointCall';
import { InvokerError } from '../model/errors';
import type { InvokerProperties } from '../../shared/properties';
import { rejectedAnswer, type ResponseContext } from '../response/tokenResponse';
import type { RawResponse } from '../net/transport';

/** Revocation authenticates as the invoker's own client, always: RFC 7009 §2.1 lets only the client a token was issued to revoke it. */
export const REVOCATION: EndpointOperation = {
  endpoint: 'revocationEndpoint',
  what: 'the revocation request',
  metadataField: 'revocation_endpoint',
  usesIntrospectionClient: false,
};

/**
 * Reads a revocation answer: 200 means the token is revoked, or was already invalid (the body, if any, is ignored);
 * anything else is an InvokerError (code 4, server-rejected) with the server's error fields. `unsupported_token_type`
 * is explained: the server cannot revoke this kind of token (many revoke refresh tokens only).
 * @see https://www.rfc-editor.org/rfc/rfc7009#section-2.2
 * @see https://www.rfc-editor.org/rfc/rfc7009#section-2.2.1
 */
export function processRevocationResponse(raw: RawResponse, context: ResponseContext): void {
  if (raw.status === 200) {
    return;
  }
  const error = rejectedAnswer(raw, context, 'the revocation request');
  if (error.error === 'unsupported_token_type') {
    throw new InvokerError(
      `${error.message} The server does not revoke this type of token (RFC 7009 §2.2.1 "unsupported_token_type"): many servers revoke only refresh tokens, or only their own opaque tokens; a self-contained JWT stays valid until it expires.`,
      error,
    );
  }
  if (raw.status >= 200 && raw.status < 300) {
    throw new InvokerError(`The authorization server answered ${raw.status} to the revocation request; RFC 7009 §2.2 answers 200 when the token is revoked.`, {
      ...error,
      kind: 'invalid-response',
    });
  }
  throw error;
}

/**
 * Revokes a token at the invoker's Revocation Endpoint: a POST of `token` and `token_type_hint`, the client
 * authenticated by any method as for the token request (an assertion's audience is this endpoint), never as the
 * introspection client: RFC 7009 §2.1 lets only the client a token was issued to revoke it. Resolves when the
 * server answered 200 (revoked, or already invalid); every failure is an InvokerError (code 4).
 * @see https://www.rfc-editor.org/rfc/rfc7009#section-2.1
 */
export async function revoke(properties: InvokerProperties, token: string, hint: TokenTypeHint, options: EndpointCallOptions = {}): Promise<void> {
  await callToolbox(properties, REVOCATION, token, hint, options, processRevocationResponse);
  options.log?.('info', `revocation: the ${hint === 'access_token' ? 'access' : 'refresh'} token is revoked`);
}
