import { DJMessage, propertyValue } from '../model/djMessage';
import { callToolbox, type EndpointCallOptions, type EndpointOperation, type TokenTypeHint } from './endpointCall';
import type { InvokerProperties } from '../../shared/properties';
import { describeStatus, invalidAnswer, parseAnswerBody, rejectedAnswer, type ResponseContext } from '../response/tokenResponse';
import type { RawResponse } from '../net/transport';

/** The name of the introspection answer's DJMessage: the invoker's target message with this suffix, e.g. `DJMOUT_INTROSPECTION`. */
export const INTROSPECTION_SUFFIX = '_INTROSPECTION';

export const INTROSPECTION: EndpointOperation = {
  endpoint: 'introspectionEndpoint',
  what: 'the introspection request',
  metadataField: 'introspection_endpoint',
  usesIntrospectionClient: true,
};

/** The DJMessage name an introspection of the target message's token is written to. */
export function introspectionMessageName(targetMessage: string): string {
  return `${targetMessage}${INTROSPECTION_SUFFIX}`;
}

/**
 * Reads an introspection answer into a DJMessage named `messageName`: every field a property, in the server's order
 * (`active` where the server put it), the body as received. An error answer is an InvokerError (code 4, server-rejected);
 * a 2xx answer without a boolean `active` is one too (invalid-response).
 * @see https://www.rfc-editor.org/rfc/rfc7662#section-2.2
 */
export function processIntrospectionResponse(raw: RawResponse, context: ResponseContext & { readonly messageName: string }): DJMessage {
  const failedContext = { ...context, targetMessage: context.messageName };
  const parsed = parseAnswerBody(raw, context.redact);
  if (raw.status < 200 || raw.status >= 300 || parsed.fields?.some(([name]) => name === 'error') === true) {
    throw rejectedAnswer(raw, failedContext, 'the introspection request');
  }
  if (raw.status !== 200) {
    throw invalidAnswer(raw, failedContext, `RFC 7662 §2.2 answers 200 to an introspection request.`);
  }
  if (parsed.fields === undefined) {
    throw invalidAnswer(raw, failedContext, `its body is not a JSON object (${parsed.warnings[0] ?? 'empty'}).`);
  }
  const active = parsed.fields.find(([name]) => name === 'active')?.[1];
  const warnings = [...parsed.warnings];
  if (typeof active !== 'boolean') {
    if (active === 'true' || active === 'false') {
      warnings.push(`"active" is the string "${active}", not a boolean (RFC 7662 §2.2); it was read as ${active}.`);
    } else {
      throw invalidAnswer(
        raw,
        failedContext,
        `"active" is ${active === undefined ? 'missing from' : 'not a boolean in'} its answer (RFC 7662 §2.2 requires it).`,
      );
    }
  }
  return new DJMessage({
    name: context.messageName,
    body: raw.body,
    properties: parsed.fields.map(([name, value]): [string, string] => [name, propertyValue(value)]),
    metadata: {
      status: raw.status,
      receivedAt: context.receivedAt,
      warnings,
      grantType: context.grantType,
      tokenUrl: context.tokenUrl,
      clientAuthentication: context.clientAuthentication,
      ...(context.basicVariant !== undefined ? { basicVariant: context.basicVariant } : {}),
      ...(raw.headers['content-type'] !== undefined ? { contentType: context.redact(raw.headers['content-type']).slice(0, 200) } : {}),
      failed: false,
      operation: 'introspection',
    },
  });
}

/** What an introspection says, in a few words: "active" or "inactive". */
export function introspectionState(message: DJMessage): 'active' | 'inactive' {
  return message.getProperty('active') === 'true' ? 'active' : 'inactive';
}

/**
 * Introspects a token at the invoker's Introspection Endpoint: a POST of `token` and `token_type_hint`, the client
 * authenticated as the introspection client when one is set, else by any method as for the token request (an assertion's
 * audience is this endpoint). Returns the answer
 * as a DJMessage (named `<target>_INTROSPECTION` unless `messageName` says otherwise). Every failure is an
 * InvokerError (code 4).
 * @see https://www.rfc-editor.org/rfc/rfc7662#section-2.1
 */
export async function introspect(
  properties: InvokerProperties,
  token: string,
  hint: TokenTypeHint,
  options: EndpointCallOptions & { readonly messageName?: string } = {},
): Promise<DJMessage> {
  const messageName = options.messageName ?? introspectionMessageName('DJMOUT');
  const message = await callToolbox(properties, INTROSPECTION, token, hint, options, (raw, context) =>
    processIntrospectionResponse(raw, { ...context, messageName }),
  );
  options.log?.(
    'info',
    `introspection: the ${hint === 'access_token' ? 'access' : 'refresh'} token is ${introspectionState(message)} (${describeStatus(message.metadata.status)})`,
  );
  return message;
}
