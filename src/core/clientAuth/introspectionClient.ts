import type { InvokerProperties } from '../../shared/properties';

// The introspection client: servers such as Keycloak answer introspection requests only from confidential clients
// (RFC 7662 §2.1 leaves it to the server whom it answers), so the tokens of a public client are introspected as
// another client, typically the API's. Revocation has no such client: RFC 7009 §2.1 lets only the client a token was
// issued to revoke it, so Revoke always authenticates as the invoker's own client.

/** True when the properties name an introspection client: Introspect then authenticates as it. */
export function hasIntrospectionClient(properties: Pick<InvokerProperties, 'introspectionClientId'>): boolean {
  return (properties.introspectionClientId ?? '').trim() !== '';
}

/**
 * The properties Introspect authenticates with. With an "Introspection Client ID": that client with its
 * "Introspection Client Secret", in a Basic header (RFC 6749 §2.3.1), or in the body when the invoker sends its own
 * credentials there ("Credentials in Request Body", or client_secret_post); none of the invoker's own client
 * credentials (its secret, its assertion key) go along. Without one: the properties as they are. The network
 * properties are kept either way.
 * @see https://www.rfc-editor.org/rfc/rfc7662#section-2.1
 */
export function introspectionClientProperties(properties: InvokerProperties): InvokerProperties {
  if (!hasIntrospectionClient(properties)) {
    return properties;
  }
  const inBody =
    properties.clientAuthentication === 'client_secret_post' || (properties.clientAuthentication === undefined && properties.credentialsInRequestBody === true);
  return {
    ...properties,
    clientId: (properties.introspectionClientId ?? '').trim(),
    clientSecret: properties.introspectionClientSecret ?? '',
    clientAuthentication: inBody ? 'client_secret_post' : 'client_secret_basic',
    clientAssertionKeyFile: undefined,
    assertionKeyPassphrase: undefined,
  };
}
