import { invalidProperties } from '../model/invalidProperties';
import { refuseInsecureUrl } from '../net/insecureUrl';
import { clientAuthFor } from '../clientAuth/clientAuthentication';
import type { BasicVariant } from '../model/djMessage';
import { InvokerError } from '../model/errors';
import { exchange, type ExchangeOptions, type ExchangeTarget } from '../net/exchange';
import { introspectionHintFor } from '../response/hints';
import { PROPERTY_LABELS, type InvokerProperties, type PropertyIssue, type ToolboxEndpoint } from '../../shared/properties';
import { validateClientAuthentication, validateIntrospectionClient } from '../../shared/clientAuthValidation';
import { validateNetworkProperties } from '../../shared/networkValidation';
import { validateToolboxEndpoint } from '../../shared/urlValidation';
import { prepareFormRequest } from '../grants/tokenRequest';
import type { ResponseContext } from '../response/tokenResponse';
import { hasIntrospectionClient, introspectionClientProperties } from '../clientAuth/introspectionClient';
import type { RawResponse } from '../net/transport';

/** Which token a toolbox request is about: sent as `token_type_hint` (RFC 7662 §2.1, RFC 7009 §2.1). */
export type TokenTypeHint = 'access_token' | 'refresh_token';

/** Options of Introspect, Revoke and the device authorization request: as for execute(), less the target message. */
export interface EndpointCallOptions extends ExchangeOptions {
  /** The Basic form to send (execute() remembers which one the server took); default RFC 6749's. */
  readonly basicVariant?: BasicVariant;
}

/** What one toolbox operation is: its endpoint property, its name in sentences, and its RFC's metadata field. */
export interface EndpointOperation {
  readonly endpoint: ToolboxEndpoint;
  /** "the introspection request" */
  readonly what: string;
  /** `introspection_endpoint` */
  readonly metadataField: string;
  /**
   * True when the request authenticates as the introspection client, if one is set (see introspectionClientProperties);
   * false: always as the invoker's own client.
   */
  readonly usesIntrospectionClient: boolean;
}

/** True when a request of the operation authenticates as the properties' introspection client. */
function asIntrospectionClient(properties: InvokerProperties, operation: EndpointOperation): boolean {
  return operation.usesIntrospectionClient && hasIntrospectionClient(properties);
}

function refuse(issues: PropertyIssue[]): never {
  throw invalidProperties(issues);
}

/**
 * The endpoint URL of the operation, or an InvokerError (code 4) naming the property to fix: an endpoint the
 * server does not have (not discovered, not entered), a URL that does not parse, plain http:// off loopback, or the
 * client it authenticates as (the introspection client, else the invoker's own) missing what it needs.
 */
export function endpointOf(properties: InvokerProperties, operation: EndpointOperation): string {
  const field = operation.endpoint;
  const value = (properties[field] ?? '').trim();
  const label = PROPERTY_LABELS[field];
  if (value === '') {
    refuse([
      {
        field,
        code: 'required',
        // Not "the server names none": most often the invoker was never discovered (no Issuer URL), and the server has one.
        message: `"${label}" is not set. Run Discover with the server's "${PROPERTY_LABELS.issuer}" (it reads "${operation.metadataField}" from the server's metadata), or enter the endpoint in "${label}".`,
      },
    ]);
  }
  const client = asIntrospectionClient(properties, operation) ? validateIntrospectionClient(properties) : validateClientAuthentication(properties);
  const issues = [...validateToolboxEndpoint(field, value), ...client, ...validateNetworkProperties(properties)];
  if (issues.length > 0) {
    refuse(issues);
  }
  refuseInsecureUrl(new URL(value), field, properties.allowInsecureHttp);
  return value;
}

/**
 * Sends one form POST to an endpoint of the authorization server other than the token endpoint (introspection,
 * revocation, device authorization) as execute() sends a token request: the client authenticated by the invoker's
 * method (a JWT assertion signed for this endpoint, or the client certificate over TLS), over the invoker's network
 * route, within one Deadline, every log line and error redacted. `process` reads the answer; every failure is an
 * InvokerError (code 4).
 * @see https://www.rfc-editor.org/rfc/rfc6749#section-2.3
 * @see https://www.rfc-editor.org/rfc/rfc7523#section-2.2
 * @see https://www.rfc-editor.org/rfc/rfc8705#section-2
 */
export function callEndpoint<T>(
  properties: InvokerProperties,
  target: ExchangeTarget,
  parameters: ReadonlyArray<readonly [string, string]>,
  options: EndpointCallOptions,
  process: (raw: RawResponse, context: ResponseContext) => T,
): Promise<T> {
  return exchange(properties, target, options, async ({ redact, now, send }) => {
    const auth = await clientAuthFor(properties, { basicVariant: options.basicVariant, signal: options.signal, now });
    const request = await prepareFormRequest(target.url, parameters, auth);
    const { raw, receivedAt } = await send(request);
    return process(raw, {
      targetMessage: '',
      receivedAt,
      grantType: properties.grantType,
      tokenUrl: request.url,
      clientAuthentication: request.clientAuthentication,
      ...(request.basicVariant !== undefined ? { basicVariant: request.basicVariant } : {}),
      redact,
    });
  });
}

/**
 * Sends one toolbox request (introspection, revocation) about `token` to the operation's endpoint: as the
 * introspection client when the operation uses it and one is set (see introspectionClientProperties), else as the
 * invoker's own client. An introspection that refuses the client carries its hint in the message, and the field that
 * fixes it (see introspectionHintFor).
 * @see https://www.rfc-editor.org/rfc/rfc7662#section-2.1
 * @see https://www.rfc-editor.org/rfc/rfc7009#section-2.1
 */
export async function callToolbox<T>(
  properties: InvokerProperties,
  operation: EndpointOperation,
  token: string,
  hint: TokenTypeHint,
  options: EndpointCallOptions,
  process: (raw: RawResponse, context: ResponseContext) => T,
): Promise<T> {
  const url = endpointOf(properties, operation);
  const client = asIntrospectionClient(properties, operation) ? introspectionClientProperties(properties) : properties;
  try {
    return await callEndpoint(client, toolboxTarget(operation, url, token), tokenParameters(token, hint), options, process);
  } catch (error) {
    const found = operation.usesIntrospectionClient && error instanceof InvokerError ? introspectionHintFor(error, properties) : undefined;
    if (found === undefined || !(error instanceof InvokerError)) {
      throw error;
    }
    throw new InvokerError(`${error.message} ${found.text}`, { ...error, field: found.field });
  }
}

/** The exchange of a toolbox operation at `url` about `token`: the token is a secret of it, a redirect names the endpoint. */
export function toolboxTarget(operation: EndpointOperation, url: string, token: string): ExchangeTarget {
  return { what: operation.what, url, logAs: operation.what, redirectField: operation.endpoint, secrets: [token] };
}

/** The form of a toolbox request: the token and which kind it is (RFC 7662 §2.1, RFC 7009 §2.1). */
export function tokenParameters(token: string, hint: TokenTypeHint): ReadonlyArray<readonly [string, string]> {
  return [
    ['token', token],
    ['token_type_hint', hint],
  ];
}
