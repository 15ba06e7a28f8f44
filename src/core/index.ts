/**
 * The core's entry: what the extension loads at its first Execute (dist/core.js) and what the tests import. The code
 * lives in folders by concern: model, tokens, secrets, grants, clientAuth, signIn, toolbox, response, net.
 */
export { ACCESS_TOKEN_PROPERTY, DJMessage } from './model/djMessage';
export type { BasicVariant, ClientAuthentication, DJMessageData, DJMessageMetadata, ExpirySource } from './model/djMessage';
export { INVOKER_INVALID_ERROR, InvokerError, isInvokerError } from './model/errors';
export type { InvokerErrorKind } from './model/errors';
export { GRANT_TYPE_LABELS, GRANT_TYPES, INTERACTIVE_GRANT_TYPES, isInteractiveGrant, PROPERTY_LABELS, TLS_FILE_PROPERTIES } from '../shared/properties';
export { validateNetworkProperties } from '../shared/networkValidation';
export { validateProperties } from '../shared/validation';
export type { BasicEncoding, ExtraParameter, GrantType, InvokerProperties, NetworkProperties, PropertyIssue, ProxySetting } from '../shared/properties';
export { CLIENT_AUTH_METHODS, clientAuthMethodOf } from '../shared/properties';
export type { AssertionAlgorithm, AssertionAudience, ClientAuthMethod } from '../shared/properties';
export {
  clientAuthFor,
  ClientIdOnly,
  ClientSecretBasic,
  ClientSecretJwt,
  ClientSecretPost,
  loadAssertionKey,
  PrivateKeyJwt,
} from './clientAuth/clientAuthentication';
export type { AssertionKey, ClientAuth, ClientAuthTarget } from './clientAuth/clientAuthentication';
export { createRedactor, REDACTED } from './secrets/redact';
export { decodeJwt } from './model/jwt';
export { resetNetwork } from './net/network';
export { bypassesProxy, proxyRouteFor, readProxyEnvironment } from './net/proxyRoute';
export type { ProxyEnvironment, ProxyRoute, SystemProxySettings } from './net/proxyRoute';
export type { NetworkDescription, ProxySource } from './net/networkErrors';
export { discover, metadataUrls, parseAuthorizationServerMetadata, suggestCredentialsInRequestBody } from './toolbox/discovery';
export type { DiscoveryOptions, DiscoveryResult } from './toolbox/discovery';
export { hintFor, introspectionHintFor } from './response/hints';
export { routeBindingOf } from './net/currentRoute';
export { readRegularFile, MAX_TLS_FILE_BYTES } from './net/boundedFile';
export type { Hint } from './response/hints';
export { codeChallengeS256, createPkce, randomUrlSafe } from './signIn/pkce';
export type { Pkce } from './signIn/pkce';
export { buildAuthorizationUrl, parseAuthorizationResponse } from './signIn/authorizationRequest';
export { asksForOpenId, checkIdTokenNonce, nonceFor } from './signIn/nonce';
export type { AuthorizationAttempt, AuthorizationExpectation } from './signIn/authorizationRequest';
export { DEVICE_CODE_GRANT_TYPE } from './grants/tokenRequest';
export type { GrantInput } from './grants/tokenRequest';
export {
  deviceAuthorizationParameters,
  DEFAULT_DEVICE_INTERVAL_SECONDS,
  parseDeviceAuthorizationResponse,
  requestDeviceAuthorization,
} from './signIn/deviceAuthorization';
export type { DeviceAuthorization, DeviceAuthorizationOptions } from './signIn/deviceAuthorization';
export { MAX_BACKOFF_MS, pollDeviceToken, SLOW_DOWN_STEP_MS } from './signIn/devicePolling';
export { DEFAULT_SIGN_IN_TIMEOUT_MS, LoopbackAuthServer } from './signIn/loopbackServer';
export type { LoopbackOptions } from './signIn/loopbackServer';
export type { DevicePollingOptions, Wait } from './signIn/devicePolling';
export { INTROSPECTION_SUFFIX, introspectionMessageName, introspectionState } from './toolbox/introspection';
export type { EndpointCallOptions, TokenTypeHint } from './toolbox/endpointCall';
export { TOOLBOX_ENDPOINTS } from '../shared/properties';

export { DEFAULT_TARGET_MESSAGE, execute, grantSecrets, refuseInvalid } from './grants/execute';
export type { ExecuteOptions } from './grants/execute';
export { forgetBasicVariants } from './clientAuth/basicMemory';
export { introspect, revoke } from './toolbox/toolboxCalls';
export { DEFAULT_EXCHANGE_TIMEOUT_MS as DEFAULT_TIMEOUT_MS } from './net/exchange';
export type { ExchangeOptions } from './net/exchange';
/** Receives one redacted line per step of an exchange; the extension writes them to its log. */
export type { ExchangeLog } from './net/exchangeLog';
