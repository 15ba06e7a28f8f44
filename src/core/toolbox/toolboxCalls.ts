import type { DJMessage } from '../model/djMessage';
import type { InvokerProperties } from '../../shared/properties';
import { toolboxBasicVariant } from '../clientAuth/basicMemory';
import { introspectionClientProperties } from '../clientAuth/introspectionClient';
import { DEFAULT_TARGET_MESSAGE } from '../grants/execute';
import type { EndpointCallOptions, TokenTypeHint } from './endpointCall';
import { introspect as introspectToken, introspectionMessageName } from './introspection';
import { revoke as revokeToken } from './revocation';

// The toolbox requests as the extension calls them: authenticated with the Basic form the token request remembers.

/**
 * Introspects a token (RFC 7662) at the invoker's Introspection Endpoint, authenticated like its token request (or
 * as its introspection client);
 * the answer is the DJMessage `<targetMessage>_INTROSPECTION`. Every failure rejects with an InvokerError (code 4).
 * @see https://www.rfc-editor.org/rfc/rfc7662#section-2
 */
export function introspect(
  properties: InvokerProperties,
  token: string,
  hint: TokenTypeHint,
  options: EndpointCallOptions & { readonly targetMessage?: string } = {},
): Promise<DJMessage> {
  return introspectToken(properties, token, hint, {
    // An introspection client never sends a token request: nothing is remembered for it.
    basicVariant: toolboxBasicVariant(introspectionClientProperties(properties)),
    ...options,
    messageName: introspectionMessageName(options.targetMessage ?? DEFAULT_TARGET_MESSAGE),
  });
}

/**
 * Revokes a token (RFC 7009) at the invoker's Revocation Endpoint, authenticated like its token request.
 * Resolves on 200; every failure rejects with an InvokerError (code 4).
 * @see https://www.rfc-editor.org/rfc/rfc7009#section-2
 */
export function revoke(properties: InvokerProperties, token: string, hint: TokenTypeHint, options: EndpointCallOptions = {}): Promise<void> {
  return revokeToken(properties, token, hint, { basicVariant: toolboxBasicVariant(properties), ...options });
}
