/**
 * The grant types: the original component's Client Credentials, Password Credentials and Refresh Token, the
 * two that sign a person in: Authorization Code with PKCE and Device Authorization (`device_code`; on the wire
 * `urn:ietf:params:oauth:grant-type:device_code`), and the two that trade a token or an assertion: Token Exchange
 * (`token_exchange`, RFC 8693) and JWT Bearer (`jwt_bearer`, RFC 7523 §2.1), each sent as its URN.
 */
export type GrantType = 'client_credentials' | 'password' | 'refresh_token' | 'authorization_code' | 'device_code' | 'token_exchange' | 'jwt_bearer';
export const GRANT_TYPES: readonly GrantType[] = [
  'client_credentials',
  'password',
  'refresh_token',
  'authorization_code',
  'device_code',
  'token_exchange',
  'jwt_bearer',
];

/** The `grant_type` each grant is sent as: the RFC's URN for the extension grants, the name itself for the others. */
export const WIRE_GRANT_TYPES: Readonly<Record<GrantType, string>> = {
  client_credentials: 'client_credentials',
  password: 'password',
  refresh_token: 'refresh_token',
  authorization_code: 'authorization_code',
  device_code: 'urn:ietf:params:oauth:grant-type:device_code',
  token_exchange: 'urn:ietf:params:oauth:grant-type:token-exchange',
  jwt_bearer: 'urn:ietf:params:oauth:grant-type:jwt-bearer',
};

/**
 * The token type identifiers of RFC 8693 §3, for "Subject Token Type", "Actor Token Type" and "Requested Token Type".
 * @see https://www.rfc-editor.org/rfc/rfc8693#section-3
 */
export const TOKEN_TYPE_URIS = [
  'urn:ietf:params:oauth:token-type:access_token',
  'urn:ietf:params:oauth:token-type:refresh_token',
  'urn:ietf:params:oauth:token-type:id_token',
  'urn:ietf:params:oauth:token-type:jwt',
  'urn:ietf:params:oauth:token-type:saml1',
  'urn:ietf:params:oauth:token-type:saml2',
] as const;
/** The subject token's type unless one is chosen: an access token, as another invoker's token is. */
export const DEFAULT_SUBJECT_TOKEN_TYPE = TOKEN_TYPE_URIS[0];

/** Where a JWT Bearer grant's assertion comes from: signed with the invoker's key for each request, or entered as a secret. */
export type AssertionSource = 'signed' | 'entered';
export const ASSERTION_SOURCES: readonly AssertionSource[] = ['signed', 'entered'];

/** The grants that need a person at a browser: never run by background work (API, CodeLens, status bar). */
export const INTERACTIVE_GRANT_TYPES: readonly GrantType[] = ['authorization_code', 'device_code'];

/** True for a grant that signs a person in (a browser, a user code) rather than sending stored credentials. */
export function isInteractiveGrant(grantType: GrantType): boolean {
  return INTERACTIVE_GRANT_TYPES.includes(grantType);
}

/** `auto` sends RFC 6749 §2.3.1 Basic credentials and falls back once to the raw form when the server rejects them. */
export type BasicEncoding = 'auto' | 'rfc6749' | 'raw';
export const BASIC_ENCODINGS: readonly BasicEncoding[] = ['auto', 'rfc6749', 'raw'];

/** A name/value pair sent with the token request, e.g. Auth0's `audience` or Entra v1's `resource`. */
export interface ExtraParameter {
  readonly name: string;
  readonly value: string;
}

/**
 * Which proxy an invoker's requests go through: `system` (the default) uses what the extension passes as
 * `ExecuteOptions.systemProxy` (VS Code's `http.proxy` …), falling back to HTTPS_PROXY / HTTP_PROXY / NO_PROXY;
 * `none` connects directly; anything else is the proxy's URL (`http://proxy.example.com:3128`, no credentials in it).
 */
export type ProxySetting = 'system' | 'none' | (string & {});

/** The per-invoker network properties: proxy and TLS. Every one is optional; without any, the shared direct pool is used. */
export interface NetworkProperties {
  /** `system` (default), `none`, or a proxy URL. */
  readonly proxy?: ProxySetting;
  /** Sent with `proxyPassword` as Basic Proxy-Authorization to whichever proxy the invoker uses. */
  readonly proxyUsername?: string;
  /** A secret. */
  readonly proxyPassword?: string;
  /** Absolute path of a PEM (or DER) file with extra CA certificates, trusted besides the system's. */
  readonly tlsCaFile?: string;
  /** Absolute path of the client certificate (PEM) for mutual TLS; may also hold the key. */
  readonly tlsCertFile?: string;
  /** Absolute path of the client certificate's private key (PEM). */
  readonly tlsKeyFile?: string;
  /** Absolute path of a PKCS#12 (.pfx / .p12) file with the client certificate and key, instead of the two PEM files. */
  readonly tlsPfxFile?: string;
  /** Decrypts `tlsKeyFile` or `tlsPfxFile`. A secret. */
  readonly tlsPassphrase?: string;
  /** `false` turns off verification of the server's certificate (off by default; every message then carries a warning). */
  readonly tlsRejectUnauthorized?: boolean;
}

/** The OAuth 2.0 Invoker's properties, as the original component names them. */
export interface InvokerProperties extends NetworkProperties {
  readonly authorizationServerUrl: string;
  readonly grantType: GrantType;
  /** false (default): client credentials go in a Basic header; true: in the request body. */
  readonly credentialsInRequestBody?: boolean;
  readonly clientId?: string;
  readonly clientSecret?: string;
  readonly scope?: string;
  readonly username?: string;
  readonly password?: string;
  readonly refreshToken?: string;
  readonly extraParameters?: readonly ExtraParameter[];
  /** Authorization Code: the authorization endpoint the browser opens (Discover fills it). */
  readonly authorizationEndpointUrl?: string;
  /**
   * Authorization Code: the redirect URI registered at the server. Empty: a loopback redirect on 127.0.0.1 with a
   * free port (RFC 8252 §7.3); a fixed `http://127.0.0.1:PORT/path` for servers that compare it exactly.
   */
  readonly redirectUri?: string;
  /** Device Authorization: the device authorization endpoint (RFC 8628 §3.1; Discover fills it). */
  readonly deviceAuthorizationEndpointUrl?: string;
  /** Extra parameters of the authorization request or device authorization request: prompt, login_hint, audience, resource… */
  readonly authorizationParameters?: readonly ExtraParameter[];
  readonly basicEncoding?: BasicEncoding;
  /** Allows plain `http://` to a host that is not loopback. Off by default. */
  readonly allowInsecureHttp?: boolean;
  // Client authentication (issue 12).
  /** How the client authenticates; unset: `client_secret_post` / `client_secret_basic` by "Credentials in Request Body", `none` without a secret. */
  readonly clientAuthentication?: ClientAuthMethod;
  /** private_key_jwt: absolute path of the signing key, PEM (may hold the certificate too) or PKCS#12. */
  readonly clientAssertionKeyFile?: string;
  /** Decrypts `clientAssertionKeyFile`. A secret. */
  readonly assertionKeyPassphrase?: string;
  /** private_key_jwt: the JWS algorithm; unset: the key's own (RS256 for RSA, ES256 for P-256, EdDSA for Ed25519). */
  readonly clientAssertionAlgorithm?: AssertionAlgorithm;
  /** The assertion's `kid` header, as the server's JWKS names the key. */
  readonly clientAssertionKeyId?: string;
  /** The assertion's `aud`: the endpoint it is sent to (default) or the issuer. */
  readonly clientAssertionAudience?: AssertionAudience;
  /** The authorization server's issuer identifier (the assertion's `aud` when `clientAssertionAudience` is `issuer`). */
  readonly issuer?: string;
  /**
   * Discovery uses metadata whose `issuer` is not `issuer` (with a warning) instead of refusing it (RFC 8414 §3.3):
   * only for providers whose metadata names a template, such as Entra ID's multi-tenant `{tenantid}`. Off by default.
   */
  readonly acceptDifferentIssuer?: boolean;
  /** Token introspection (RFC 7662): the server's `introspection_endpoint`, from discovery or entered. */
  readonly introspectionEndpoint?: string;
  /** Token revocation (RFC 7009): the server's `revocation_endpoint`, from discovery or entered. */
  readonly revocationEndpoint?: string;
  /**
   * Another client that Introspect authenticates as (typically the API's: a resource server's confidential client),
   * with `introspectionClientSecret`; unset: the invoker's own client authentication. Revoke always authenticates as
   * the invoker's own client (RFC 7009 §2.1).
   */
  readonly introspectionClientId?: string;
  /** The introspection client's secret: sent only to the introspection endpoint, never to the token or revocation endpoint. A secret. */
  readonly introspectionClientSecret?: string;
  // Token Exchange (RFC 8693 §2.1).
  /** The token to exchange, entered. A secret. (From another invoker, the extension passes it as the grant input.) */
  readonly subjectToken?: string;
  /**
   * The invoker whose current access token is the subject token (`user:NAME` or `workspace:NAME`); empty: the
   * entered Subject Token. The extension resolves it; the core only reads whether it is set.
   */
  readonly subjectTokenInvoker?: string;
  /** The subject token's type URI; unset: `urn:ietf:params:oauth:token-type:access_token`. */
  readonly subjectTokenType?: string;
  /** Optional: the token of the party acting for the subject (delegation). A secret. */
  readonly actorToken?: string;
  /** The actor token's type URI; required with an actor token. */
  readonly actorTokenType?: string;
  /** Optional: the type of token wanted, e.g. `urn:ietf:params:oauth:token-type:jwt`. */
  readonly requestedTokenType?: string;
  /** Optional: the logical name(s) of the target service, separated by spaces; each is sent as an `audience` parameter. */
  readonly audience?: string;
  /** Optional: the URI(s) of the target resource, separated by spaces; each is sent as a `resource` parameter. */
  readonly resource?: string;
  // JWT Bearer (RFC 7523 §2.1).
  /** `signed` (default): a fresh JWT signed with "Client Assertion Key File"; `entered`: the "Assertion" secret as is. */
  readonly assertionSource?: AssertionSource;
  /** The entered assertion. A secret. */
  readonly assertion?: string;
  /** The signed assertion's `iss`; unset: the Client ID. */
  readonly assertionIssuer?: string;
  /** The signed assertion's `sub`: the user or service the token is for. Required to sign. */
  readonly assertionSubject?: string;
}

/** Client authentication methods, by their RFC 7591 / OpenID Connect registration names. */
export type ClientAuthMethod =
  'client_secret_basic' | 'client_secret_post' | 'client_secret_jwt' | 'private_key_jwt' | 'tls_client_auth' | 'self_signed_tls_client_auth' | 'none';
export const CLIENT_AUTH_METHODS: readonly ClientAuthMethod[] = [
  'client_secret_basic',
  'client_secret_post',
  'client_secret_jwt',
  'private_key_jwt',
  'tls_client_auth',
  'self_signed_tls_client_auth',
  'none',
];
export const CLIENT_AUTH_METHOD_LABELS: Readonly<Record<ClientAuthMethod, string>> = {
  client_secret_basic: 'Client Secret in Basic Header',
  client_secret_post: 'Client Secret in Request Body',
  client_secret_jwt: 'Client Secret JWT (HS256)',
  private_key_jwt: 'Private Key JWT',
  tls_client_auth: 'Mutual TLS (PKI certificate)',
  self_signed_tls_client_auth: 'Mutual TLS (self-signed certificate)',
  none: 'None (public client)',
};
/** The algorithms a private_key_jwt assertion may be signed with. */
export type AssertionAlgorithm = 'RS256' | 'PS256' | 'ES256' | 'EdDSA';
export const ASSERTION_ALGORITHMS: readonly AssertionAlgorithm[] = ['RS256', 'PS256', 'ES256', 'EdDSA'];
/** The assertion's audience: the endpoint the request goes to (RFC 7523 §3) or the issuer identifier. */
export type AssertionAudience = 'token_endpoint' | 'issuer';
export const ASSERTION_AUDIENCES: readonly AssertionAudience[] = ['token_endpoint', 'issuer'];

/** The method the properties choose: the explicit one, else today's pair by "Credentials in Request Body", else `none` without a secret. */
export function clientAuthMethodOf(properties: InvokerProperties): ClientAuthMethod {
  if (properties.clientAuthentication !== undefined) {
    return properties.clientAuthentication;
  }
  if (properties.clientSecret === undefined || properties.clientSecret === '') {
    return 'none';
  }
  return properties.credentialsInRequestBody === true ? 'client_secret_post' : 'client_secret_basic';
}

/** The endpoints discovery reads, each with its RFC 8705 §5 mutual-TLS alias when the server lists one. */
export interface DiscoveredEndpoints {
  readonly tokenEndpoint: string;
  readonly mtlsTokenEndpoint?: string;
  readonly deviceAuthorizationEndpoint?: string;
  readonly mtlsDeviceAuthorizationEndpoint?: string;
  readonly introspectionEndpoint?: string;
  readonly mtlsIntrospectionEndpoint?: string;
  readonly revocationEndpoint?: string;
  readonly mtlsRevocationEndpoint?: string;
}

/** The endpoint properties Discover fills, as it fills them for a client authentication method. */
export type EndpointProperties = Pick<InvokerProperties, 'authorizationServerUrl' | 'deviceAuthorizationEndpointUrl' | ToolboxEndpoint>;

/** True for the mutual-TLS methods (RFC 8705 §2), whose client certificate authenticates the client. */
export function isMutualTls(method: ClientAuthMethod | undefined): boolean {
  return method === 'tls_client_auth' || method === 'self_signed_tls_client_auth';
}

/**
 * The endpoints for a client authentication method: for the mutual-TLS methods each endpoint's
 * `mtls_endpoint_aliases` entry when the server lists one (it may serve client certificates on another host), else the
 * endpoint itself. Endpoints the server does not name are absent.
 * @see https://www.rfc-editor.org/rfc/rfc8705#section-5
 */
export function endpointsFor(result: DiscoveredEndpoints, method: ClientAuthMethod | undefined): EndpointProperties {
  const mtls = isMutualTls(method);
  const pick = (endpoint: string | undefined, alias: string | undefined): string | undefined => (mtls && alias !== undefined ? alias : endpoint);
  const device = pick(result.deviceAuthorizationEndpoint, result.mtlsDeviceAuthorizationEndpoint);
  const introspection = pick(result.introspectionEndpoint, result.mtlsIntrospectionEndpoint);
  const revocation = pick(result.revocationEndpoint, result.mtlsRevocationEndpoint);
  return {
    authorizationServerUrl: pick(result.tokenEndpoint, result.mtlsTokenEndpoint) ?? result.tokenEndpoint,
    ...(device !== undefined ? { deviceAuthorizationEndpointUrl: device } : {}),
    ...(introspection !== undefined ? { introspectionEndpoint: introspection } : {}),
    ...(revocation !== undefined ? { revocationEndpoint: revocation } : {}),
  };
}

/**
 * The token endpoint for a client authentication method: the `mtls_endpoint_aliases` one for the mutual-TLS methods
 * when the server lists it, else `token_endpoint`.
 * @see https://www.rfc-editor.org/rfc/rfc8705#section-5
 */
export function tokenEndpointFor(result: DiscoveredEndpoints, method: ClientAuthMethod | undefined): string {
  return endpointsFor(result, method).authorizationServerUrl;
}

/** True for the methods that send the Client Secret (in a header, the body or as an HMAC key). */
export function usesClientSecret(method: ClientAuthMethod): boolean {
  return method === 'client_secret_basic' || method === 'client_secret_post' || method === 'client_secret_jwt';
}

/** A property that Execute refused before sending anything. */
export interface PropertyIssue {
  /** The property's name as in `InvokerProperties` (or `targetMessage`). */
  readonly field: string;
  readonly code: 'required' | 'invalid' | 'not-allowed';
  /** One sentence that names the field, e.g. `"Client ID" is required for the Client Credentials grant.` */
  readonly message: string;
}

/** Human names of the properties, as the form labels them; messages quote these. */
export const PROPERTY_LABELS: Readonly<Record<keyof InvokerProperties | 'targetMessage', string>> = {
  authorizationServerUrl: 'Authorization Server URL',
  grantType: 'Authorization Grant Type',
  credentialsInRequestBody: 'Credentials in Request Body',
  clientId: 'Client ID',
  clientSecret: 'Client Secret',
  scope: 'Scope',
  username: 'Username',
  password: 'Password',
  refreshToken: 'Refresh Token',
  extraParameters: 'Extra Parameters',
  authorizationEndpointUrl: 'Authorization Endpoint URL',
  redirectUri: 'Redirect URI',
  deviceAuthorizationEndpointUrl: 'Device Authorization Endpoint',
  authorizationParameters: 'Authorization Parameters',
  basicEncoding: 'Basic Encoding',
  allowInsecureHttp: 'Allow Insecure HTTP',
  proxy: 'Proxy',
  proxyUsername: 'Proxy Username',
  proxyPassword: 'Proxy Password',
  tlsCaFile: 'CA Certificates File',
  tlsCertFile: 'Client Certificate File',
  tlsKeyFile: 'Client Key File',
  tlsPfxFile: 'Client PFX File',
  tlsPassphrase: 'Client Key Passphrase',
  tlsRejectUnauthorized: 'Verify Server Certificate',
  targetMessage: 'Target Message',
  clientAuthentication: 'Client Authentication',
  clientAssertionKeyFile: 'Client Assertion Key File',
  assertionKeyPassphrase: 'Assertion Key Passphrase',
  clientAssertionAlgorithm: 'Assertion Signing Algorithm',
  clientAssertionKeyId: 'Key ID',
  clientAssertionAudience: 'Assertion Audience',
  issuer: 'Issuer URL',
  acceptDifferentIssuer: 'Accept a Different Issuer',
  introspectionEndpoint: 'Introspection Endpoint',
  revocationEndpoint: 'Revocation Endpoint',
  introspectionClientId: 'Introspection Client ID',
  introspectionClientSecret: 'Introspection Client Secret',
  subjectToken: 'Subject Token',
  subjectTokenInvoker: 'Subject Token From Invoker',
  subjectTokenType: 'Subject Token Type',
  actorToken: 'Actor Token',
  actorTokenType: 'Actor Token Type',
  requestedTokenType: 'Requested Token Type',
  audience: 'Audience',
  resource: 'Resource',
  assertionSource: 'Assertion',
  assertion: 'Assertion JWT',
  assertionIssuer: 'Assertion Issuer',
  assertionSubject: 'Assertion Subject',
};

/** The network properties that hold a file path, in the form's order. */
export const TLS_FILE_PROPERTIES = ['tlsCaFile', 'tlsCertFile', 'tlsKeyFile', 'tlsPfxFile'] as const;
export type TlsFileProperty = (typeof TLS_FILE_PROPERTIES)[number];
/** Every property that names a file the form can browse for: the TLS files and the client assertion key. */
export type FileFieldProperty = TlsFileProperty | 'clientAssertionKeyFile';

export const GRANT_TYPE_LABELS: Readonly<Record<GrantType, string>> = {
  client_credentials: 'Client Credentials',
  password: 'Password Credentials',
  refresh_token: 'Refresh Token',
  authorization_code: 'Authorization Code (PKCE)',
  device_code: 'Device Authorization',
  token_exchange: 'Token Exchange',
  jwt_bearer: 'JWT Bearer',
};

/** The endpoints of the token toolbox (Introspect, Revoke), each optional. */
export const TOOLBOX_ENDPOINTS = ['introspectionEndpoint', 'revocationEndpoint'] as const;
export type ToolboxEndpoint = (typeof TOOLBOX_ENDPOINTS)[number];
