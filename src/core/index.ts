import { DJMessage, type BasicVariant } from './djMessage';
import { InvokerError } from './errors';
import { exchange, type ExchangeOptions } from './exchange';
import { GRANT_TYPE_LABELS, isInteractiveGrant, PROPERTY_LABELS, type InvokerProperties } from '../shared/properties';
import { isLoopbackHost } from '../shared/urlValidation';
import { validateProperties } from '../shared/validation';
import type { ExchangeLog } from './exchangeLog';
import { basicVariantsDiffer, clientAuthenticationOf, prepareTokenRequest, type GrantInput } from './tokenRequest';
import { clientAuthFor } from './clientAuthentication';
import { parseTokenResponse } from './tokenResponse';
import { checkIdTokenNonce } from './nonce';
import { grantAssertionSigner, signsGrantAssertion, type GrantAssertionSigner } from './grantAssertion';
import type { EndpointCallOptions, TokenTypeHint } from './endpointCall';
import { introspect as introspectToken, introspectionMessageName } from './introspection';
import { revoke as revokeToken } from './revocation';
import { introspectionClientProperties } from './introspectionClient';

export { ACCESS_TOKEN_PROPERTY, DJMessage } from './djMessage';
export type { BasicVariant, ClientAuthentication, DJMessageData, DJMessageMetadata, ExpirySource } from './djMessage';
export { INVOKER_INVALID_ERROR, InvokerError, isInvokerError } from './errors';
export type { InvokerErrorKind } from './errors';
export { GRANT_TYPE_LABELS, GRANT_TYPES, INTERACTIVE_GRANT_TYPES, isInteractiveGrant, PROPERTY_LABELS, TLS_FILE_PROPERTIES } from '../shared/properties';
export { validateNetworkProperties } from '../shared/networkValidation';
export { validateProperties } from '../shared/validation';
export type { BasicEncoding, ExtraParameter, GrantType, InvokerProperties, NetworkProperties, PropertyIssue, ProxySetting } from '../shared/properties';
export { CLIENT_AUTH_METHODS, clientAuthMethodOf } from '../shared/properties';
export type { AssertionAlgorithm, AssertionAudience, ClientAuthMethod } from '../shared/properties';
export { clientAuthFor, ClientIdOnly, ClientSecretBasic, ClientSecretJwt, ClientSecretPost, loadAssertionKey, PrivateKeyJwt } from './clientAuthentication';
export type { AssertionKey, ClientAuth, ClientAuthTarget } from './clientAuthentication';
export { createRedactor, REDACTED } from './redact';
export { decodeJwt } from './jwt';
export { resetNetwork } from './network';
export { bypassesProxy, proxyRouteFor, readProxyEnvironment } from './proxyRoute';
export type { ProxyEnvironment, ProxyRoute, SystemProxySettings } from './proxyRoute';
export type { NetworkDescription, ProxySource } from './networkErrors';
export { discover, metadataUrls, parseAuthorizationServerMetadata, suggestCredentialsInRequestBody } from './discovery';
export type { DiscoveryOptions, DiscoveryResult } from './discovery';
export { hintFor, introspectionHintFor } from './hints';
export { routeBindingOf } from './currentRoute';
export { readRegularFile, MAX_TLS_FILE_BYTES } from './boundedFile';
export type { Hint } from './hints';
export { codeChallengeS256, createPkce, randomUrlSafe } from './pkce';
export type { Pkce } from './pkce';
export { buildAuthorizationUrl, parseAuthorizationResponse } from './authorizationRequest';
export { asksForOpenId, checkIdTokenNonce, nonceFor } from './nonce';
export type { AuthorizationAttempt, AuthorizationExpectation } from './authorizationRequest';
export { DEVICE_CODE_GRANT_TYPE } from './tokenRequest';
export type { GrantInput } from './tokenRequest';
export {
  deviceAuthorizationParameters,
  DEFAULT_DEVICE_INTERVAL_SECONDS,
  parseDeviceAuthorizationResponse,
  requestDeviceAuthorization,
} from './deviceAuthorization';
export type { DeviceAuthorization, DeviceAuthorizationOptions } from './deviceAuthorization';
export { MAX_BACKOFF_MS, pollDeviceToken, SLOW_DOWN_STEP_MS } from './devicePolling';
export { DEFAULT_SIGN_IN_TIMEOUT_MS, LoopbackAuthServer } from './loopbackServer';
export type { LoopbackOptions } from './loopbackServer';
export type { DevicePollingOptions, Wait } from './devicePolling';
export { INTROSPECTION_SUFFIX, introspectionMessageName, introspectionState } from './introspection';
export type { EndpointCallOptions, TokenTypeHint } from './endpointCall';
export { TOOLBOX_ENDPOINTS } from '../shared/properties';

/** The component's default target message. */
export const DEFAULT_TARGET_MESSAGE = 'DJMOUT';
export { DEFAULT_EXCHANGE_TIMEOUT_MS as DEFAULT_TIMEOUT_MS } from './exchange';
export type { ExchangeOptions } from './exchange';

/** Receives one redacted line per step of an exchange; the extension writes them to its log. */
export type { ExchangeLog } from './exchangeLog';

export interface ExecuteOptions extends ExchangeOptions {
  /** The DJMessage to write the server's answer to (default `DJMOUT`). */
  readonly targetMessage?: string;
  /**
   * What a person's sign-in produced (authorization code and PKCE verifier, or device code): required by, and only
   * used for, the Authorization Code and Device Authorization grants. Redacted from every log line and error.
   */
  readonly grant?: GrantInput;
}

/** Which Basic form worked for a token URL and client, so the next Execute starts with it. */
const basicVariantMemory = new Map<string, BasicVariant>();

/** Forgets every remembered Basic form, so that a test starts without what an earlier one learnt (the extension never calls it). */
export function forgetBasicVariants(): void {
  basicVariantMemory.clear();
}

function memoryKey(properties: InvokerProperties): string {
  return `${properties.authorizationServerUrl.trim()}\n${(properties.clientId ?? '').trim()}`;
}

/**
 * Refuses properties Execute would refuse, before anything is sent: the issues naming each field, or plain http://
 * to a token endpoint that is not loopback. A sign-in calls it before it opens the browser.
 */
export function refuseInvalid(properties: InvokerProperties, targetMessage: string): void {
  const issues = validateProperties(properties, targetMessage);
  if (issues.length > 0) {
    const list = issues.map((issue) => issue.message).join(' ');
    throw new InvokerError(`The invoker's properties are not valid: ${list}`, { kind: 'invalid-properties', issues });
  }
  const url = new URL(properties.authorizationServerUrl.trim());
  if (url.protocol === 'http:' && !isLoopbackHost(url.hostname) && properties.allowInsecureHttp !== true) {
    throw new InvokerError(
      `"${PROPERTY_LABELS.authorizationServerUrl}" uses plain http:// to ${url.host}, which would send credentials and tokens unencrypted. Use https://, or turn on "${PROPERTY_LABELS.allowInsecureHttp}" for this invoker.`,
      {
        kind: 'insecure-url',
        issues: [{ field: 'authorizationServerUrl', code: 'not-allowed', message: 'Plain http:// is only allowed for loopback hosts.' }],
      },
    );
  }
}

/** The secrets of a grant input: the code and its verifier, the device code, the subject token, or the assertion. */
export function grantSecrets(grant: GrantInput | undefined): string[] {
  switch (grant?.grantType) {
    case undefined:
      return [];
    case 'authorization_code':
      return [grant.code, grant.codeVerifier, ...(grant.nonce !== undefined ? [grant.nonce] : [])];
    case 'device_code':
      return [grant.deviceCode];
    case 'token_exchange':
      return [grant.subjectToken];
    case 'jwt_bearer':
      return [grant.assertion];
  }
}

/** A Token Exchange whose subject is another invoker's token needs that token as its grant input: only the extension has it. */
function refuseWithoutSubjectToken(properties: InvokerProperties, grant: GrantInput | undefined): void {
  const source = properties.subjectTokenInvoker?.trim() ?? '';
  if (properties.grantType !== 'token_exchange' || source === '' || (grant?.grantType === 'token_exchange' && grant.subjectToken !== '')) {
    return;
  }
  const message = `"${PROPERTY_LABELS.subjectTokenInvoker}" names the invoker "${source}", whose access token was not passed: run the invoker from VS Code, which gets that token first.`;
  throw new InvokerError(message, { kind: 'invalid-properties', issues: [{ field: 'subjectTokenInvoker', code: 'required', message }] });
}

/** The Authorization Code and Device grants end a sign-in: without its result there is nothing to send. */
function refuseWithoutSignIn(properties: InvokerProperties, grant: GrantInput | undefined): void {
  if (isInteractiveGrant(properties.grantType) && grant?.grantType !== properties.grantType) {
    throw new InvokerError(
      `The ${GRANT_TYPE_LABELS[properties.grantType]} grant needs a person to sign in first: run the invoker from VS Code (Execute) to sign in.`,
      { kind: 'sign-in-required' },
    );
  }
}

/** The Basic forms to try, in order: one, or (auto, when they differ) the remembered one first and the other as fallback. */
function basicVariants(properties: InvokerProperties): BasicVariant[] {
  const encoding = properties.basicEncoding ?? 'auto';
  if (encoding !== 'auto') {
    return [encoding];
  }
  if (clientAuthenticationOf(properties) !== 'client_secret_basic' || !basicVariantsDiffer((properties.clientId ?? '').trim(), properties.clientSecret ?? '')) {
    return ['rfc6749'];
  }
  const first = basicVariantMemory.get(memoryKey(properties)) ?? 'rfc6749';
  return [first, first === 'rfc6749' ? 'raw' : 'rfc6749'];
}

/** A server saying "who are you?": what a Basic form the server decodes differently looks like. */
function isClientAuthRejection(error: unknown): boolean {
  if (!(error instanceof InvokerError) || error.kind !== 'server-rejected') {
    return false;
  }
  const emptyBody = (error.djMessage?.body ?? '').trim() === '';
  return error.status === 401 || error.error === 'invalid_client' || ((error.status === 400 || error.status === 403) && emptyBody);
}

/** A failure that shows the server accepted the client (it objected to the grant, the scope or the answer's shape). */
function passedClientAuthentication(error: unknown): boolean {
  if (!(error instanceof InvokerError) || isClientAuthRejection(error)) {
    return false;
  }
  return error.kind === 'invalid-response' || (error.kind === 'server-rejected' && error.error !== undefined && error.error !== 'invalid_request');
}

function withSuffix(error: InvokerError, suffix: string): InvokerError {
  return new InvokerError(`${error.message} ${suffix}`, error);
}

/** The message with one more warning (a DJMessage's metadata is read-only, so this is a copy). */
function withWarning(message: DJMessage, warning: string): DJMessage {
  const data = message.toJSON();
  return new DJMessage({ ...data, metadata: { ...data.metadata, warnings: [...data.metadata.warnings, warning] } });
}

/** The error with the warning added to the failed answer's message it carries, if any. */
function errorWithWarning(error: unknown, warning: string): unknown {
  if (!(error instanceof InvokerError) || error.djMessage === undefined) {
    return error;
  }
  return new InvokerError(error.message, { ...error, kind: error.kind, issues: error.issues, djMessage: withWarning(error.djMessage, warning) });
}

/**
 * The OAuth 2.0 Invoker's Execute action: requests an access token with the properties' grant and writes the
 * server's answer to the target DJMessage. Every failure rejects with an InvokerError whose code is 4.
 * @see https://www.rfc-editor.org/rfc/rfc6749#section-4.3
 * @see https://www.rfc-editor.org/rfc/rfc6749#section-4.4
 * @see https://www.rfc-editor.org/rfc/rfc6749#section-6
 */
export async function execute(properties: InvokerProperties, options: ExecuteOptions = {}): Promise<DJMessage> {
  const targetMessage = options.targetMessage ?? DEFAULT_TARGET_MESSAGE;
  refuseInvalid(properties, targetMessage);
  refuseWithoutSignIn(properties, options.grant);
  refuseWithoutSubjectToken(properties, options.grant);
  const tokenUrl = properties.authorizationServerUrl.trim();
  const target = { what: 'the token request', url: tokenUrl, secrets: grantSecrets(options.grant) };
  return exchange(properties, target, options, async ({ route, redact, now, send }) => {
    let grantSigner: GrantAssertionSigner | undefined;
    /** The grant input of one attempt: for a JWT Bearer grant that signs, a fresh assertion (the exchange redacts it). */
    const grantFor = async (): Promise<GrantInput | undefined> => {
      if (!signsGrantAssertion(properties)) {
        return options.grant;
      }
      grantSigner ??= await grantAssertionSigner(properties, { signal: options.signal, now });
      return { grantType: 'jwt_bearer', assertion: await grantSigner.sign(tokenUrl) };
    };
    const attempt = async (variant: BasicVariant): Promise<DJMessage> => {
      // A JWT method signs a fresh assertion for each request; only client_secret_basic ever makes a second attempt.
      const auth = await clientAuthFor(properties, { basicVariant: variant, signal: options.signal, now });
      const request = await prepareTokenRequest(properties, auth, await grantFor());
      const { raw, receivedAt } = await send(request);
      return parseTokenResponse(raw, {
        targetMessage,
        receivedAt,
        grantType: properties.grantType,
        tokenUrl: request.url,
        clientAuthentication: request.clientAuthentication,
        basicVariant: request.basicVariant,
        redact,
      });
    };
    try {
      const message = await withBasicFallback(properties, attempt, options.log);
      if (options.grant?.grantType === 'authorization_code' && options.grant.nonce !== undefined) {
        // OpenID Connect: the id_token must answer this sign-in's request; a refused answer is not kept (it holds tokens).
        checkIdTokenNonce(message, options.grant.nonce, redact);
      }
      for (const warning of message.metadata.warnings) {
        options.log?.('warn', warning);
      }
      return route?.warning !== undefined ? withWarning(message, route.warning) : message;
    } catch (error) {
      throw route?.warning !== undefined ? errorWithWarning(error, route.warning) : error;
    }
  });
}

/**
 * Runs the token request with the first Basic form and, when the server rejects the client and the other form
 * differs, once more with the other; remembers the form the server took for the next Execute.
 * @see https://www.rfc-editor.org/rfc/rfc6749#section-2.3.1
 */
async function withBasicFallback(
  properties: InvokerProperties,
  attempt: (variant: BasicVariant) => Promise<DJMessage>,
  log: ExchangeLog | undefined,
): Promise<DJMessage> {
  const [first, fallback] = basicVariants(properties);
  let message: DJMessage;
  try {
    message = await attempt(first);
  } catch (error) {
    if (fallback === undefined || !isClientAuthRejection(error)) {
      throw error;
    }
    log?.('warn', `client authentication with the ${first} Basic form was rejected; retrying once with the ${fallback} form`);
    try {
      message = await attempt(fallback);
    } catch (retryError) {
      if (passedClientAuthentication(retryError)) {
        // The server got past client authentication with this form: it is the one to start with next time.
        basicVariantMemory.set(memoryKey(properties), fallback);
      } else if (retryError instanceof InvokerError && retryError.kind === 'server-rejected') {
        // The fallback did no better (rejected, or not even parsed: a raw '%' is a malformed Basic value to a
        // server that decodes): the first answer is the one that explains, and nothing is remembered.
        throw withSuffix(error as InvokerError, `(Both Basic forms of the client credentials were tried: RFC 6749 form-encoded and raw.)`);
      }
      throw retryError;
    }
  }
  if (message.metadata.basicVariant !== undefined && (properties.basicEncoding ?? 'auto') === 'auto') {
    basicVariantMemory.set(memoryKey(properties), message.metadata.basicVariant);
  }
  return message;
}

/** The Basic form the token request of these properties starts with (remembered per token URL and client), for the toolbox requests. */
function toolboxBasicVariant(properties: InvokerProperties): BasicVariant {
  return basicVariants(properties)[0];
}

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
