import {
  ASSERTION_ALGORITHMS,
  ASSERTION_SOURCES,
  DEFAULT_SUBJECT_TOKEN_TYPE,
  BASIC_ENCODINGS,
  CLIENT_AUTH_METHODS,
  GRANT_TYPES,
  usesClientSecret,
  type AssertionAlgorithm,
  type AssertionAudience,
  type AssertionSource,
  type BasicEncoding,
  type ClientAuthMethod,
  type ExtraParameter,
  type GrantType,
  type InvokerProperties,
  type NetworkProperties,
} from './properties';

/** Where an invoker's non-secret properties are stored: the user's settings or the workspace's. */
export type InvokerScope = 'user' | 'workspace';

/** The properties that are secrets: they live only in SecretStorage, never in settings, the webview's state or a log. */
export type SecretField =
  | 'clientSecret'
  | 'password'
  | 'refreshToken'
  | 'proxyPassword'
  | 'tlsPassphrase'
  | 'assertionKeyPassphrase'
  | 'subjectToken'
  | 'actorToken'
  | 'assertion'
  | 'introspectionClientSecret';
export const SECRET_FIELDS: readonly SecretField[] = [
  'clientSecret',
  'password',
  'refreshToken',
  'proxyPassword',
  'tlsPassphrase',
  'assertionKeyPassphrase',
  'subjectToken',
  'actorToken',
  'assertion',
  'introspectionClientSecret',
];
/** The secrets that only the network uses (proxy, client key): Discover sends these and no OAuth secret. */
export const NETWORK_SECRETS: readonly SecretField[] = ['proxyPassword', 'tlsPassphrase'];
/** The secrets that authenticate the client (a secret, or the assertion key's passphrase): every request to the server sends these. */
export const CLIENT_AUTH_SECRETS: readonly SecretField[] = ['clientSecret', 'assertionKeyPassphrase'];
/** The secrets of the introspection client: only the introspection endpoint receives them, never the token or revocation endpoint. */
export const INTROSPECTION_CLIENT_SECRETS: readonly SecretField[] = ['introspectionClientSecret'];

/** Which secrets are stored for an invoker: what the form may know (never the values). */
export type StoredSecrets = Readonly<Record<SecretField, boolean>>;
export const NO_STORED_SECRETS: StoredSecrets = {
  clientSecret: false,
  password: false,
  refreshToken: false,
  proxyPassword: false,
  tlsPassphrase: false,
  assertionKeyPassphrase: false,
  subjectToken: false,
  actorToken: false,
  assertion: false,
  introspectionClientSecret: false,
};

/** An invoker as kept in the `oauth2Invoker.invokers` setting: every property but the secrets. */
export interface InvokerConfig {
  readonly name: string;
  readonly authorizationServerUrl: string;
  readonly grantType: GrantType;
  readonly credentialsInRequestBody: boolean;
  readonly clientId: string;
  readonly scope: string;
  readonly username: string;
  readonly extraParameters: readonly ExtraParameter[];
  /** Authorization Code: the authorization endpoint the browser opens (Discover fills it). */
  readonly authorizationEndpointUrl: string;
  /** Authorization Code: the redirect URI registered at the server; empty = a loopback redirect on a free port. */
  readonly redirectUri: string;
  /** Device Authorization: the device authorization endpoint (Discover fills it). */
  readonly deviceAuthorizationEndpointUrl: string;
  /** Extra parameters of the authorization request (or device authorization request): prompt, login_hint, audience… */
  readonly authorizationParameters: readonly ExtraParameter[];
  /** The server sends `iss` in its redirect (RFC 9207 `authorization_response_iss_parameter_supported`): require it. Discover fills it. */
  readonly issParameterSupported: boolean;
  readonly basicEncoding: BasicEncoding;
  readonly allowInsecureHttp: boolean;
  readonly targetMessage: string;
  /** The issuer "Discover" reads metadata from; only the form uses it (the token request goes to `authorizationServerUrl`). */
  readonly issuer: string;
  /** "Discover" uses metadata naming another issuer (a template such as Entra's `{tenantid}`) instead of refusing it. */
  readonly acceptDifferentIssuer: boolean;
  /** `system` (VS Code's `http.proxy`, then the proxy environment variables), `none`, or a proxy URL without credentials. */
  readonly proxy: string;
  readonly proxyUsername: string;
  readonly tlsCaFile: string;
  readonly tlsCertFile: string;
  readonly tlsKeyFile: string;
  readonly tlsPfxFile: string;
  /** Verify the server's certificate (default true). */
  readonly tlsRejectUnauthorized: boolean;
  // Client authentication (issue 12).
  /** The method; empty: by "Credentials in Request Body" (post / basic), `none` without a secret. */
  readonly clientAuthentication: ClientAuthMethod | '';
  /** private_key_jwt: the signing key, PEM or PKCS#12. */
  readonly clientAssertionKeyFile: string;
  /** Empty: the key's own algorithm. */
  readonly clientAssertionAlgorithm: AssertionAlgorithm | '';
  readonly clientAssertionKeyId: string;
  readonly clientAssertionAudience: AssertionAudience;
  /** Token introspection endpoint (RFC 7662), filled by Discover from `introspection_endpoint` or entered. */
  readonly introspectionEndpoint: string;
  /** Token revocation endpoint (RFC 7009), filled by Discover from `revocation_endpoint` or entered. */
  readonly revocationEndpoint: string;
  /** The client Introspect authenticates as (with the Introspection Client Secret); empty: the invoker's own. */
  readonly introspectionClientId: string;
  // Token Exchange (RFC 8693).
  /** The invoker whose current access token is the subject token, as `user:NAME` / `workspace:NAME`; empty: the entered Subject Token. */
  readonly subjectTokenInvoker: string;
  readonly subjectTokenType: string;
  /** Empty: no actor token type (it goes with an actor token). */
  readonly actorTokenType: string;
  readonly requestedTokenType: string;
  /** Space-separated audiences. */
  readonly audience: string;
  /** Space-separated resource URIs. */
  readonly resource: string;
  // JWT Bearer (RFC 7523 §2.1).
  readonly assertionSource: AssertionSource;
  /** Empty: the Client ID. */
  readonly assertionIssuer: string;
  readonly assertionSubject: string;
}

export const DEFAULT_INVOKER: InvokerConfig = {
  name: '',
  authorizationServerUrl: '',
  grantType: 'client_credentials',
  credentialsInRequestBody: false,
  clientId: '',
  scope: '',
  username: '',
  extraParameters: [],
  authorizationEndpointUrl: '',
  redirectUri: '',
  deviceAuthorizationEndpointUrl: '',
  authorizationParameters: [],
  issParameterSupported: false,
  basicEncoding: 'auto',
  allowInsecureHttp: false,
  targetMessage: 'DJMOUT',
  issuer: '',
  acceptDifferentIssuer: false,
  proxy: 'system',
  proxyUsername: '',
  tlsCaFile: '',
  tlsCertFile: '',
  tlsKeyFile: '',
  tlsPfxFile: '',
  tlsRejectUnauthorized: true,
  clientAuthentication: '',
  clientAssertionKeyFile: '',
  clientAssertionAlgorithm: '',
  clientAssertionKeyId: '',
  clientAssertionAudience: 'token_endpoint',
  introspectionEndpoint: '',
  revocationEndpoint: '',
  introspectionClientId: '',
  subjectTokenInvoker: '',
  subjectTokenType: DEFAULT_SUBJECT_TOKEN_TYPE,
  actorTokenType: '',
  requestedTokenType: '',
  audience: '',
  resource: '',
  assertionSource: 'signed',
  assertionIssuer: '',
  assertionSubject: '',
};

const NAME_PATTERN = /^[^\s/\\][^/\\]{0,63}$/;

/** The invoker's name problem, if any: names key the secrets and the messages, so they are short and path-free. */
export function invokerNameIssue(name: string, taken: readonly string[]): string | undefined {
  const trimmed = name.trim();
  if (trimmed === '') {
    return '"Name" is required.';
  }
  if (!NAME_PATTERN.test(trimmed)) {
    return '"Name" must be at most 64 characters, without / or \\.';
  }
  if (taken.includes(trimmed)) {
    return `"Name" is taken: another invoker is called "${trimmed}".`;
  }
  return undefined;
}

function text(value: unknown, fallback: string): string {
  return typeof value === 'string' ? value : fallback;
}

/**
 * Reads one entry of the setting leniently: a hand-edited settings.json may hold anything, so every field falls
 * back to its default and secrets that someone wrote into settings are ignored rather than sent.
 */
export function normalizeInvoker(raw: unknown): InvokerConfig | undefined {
  if (raw === null || typeof raw !== 'object') {
    return undefined;
  }
  const r = raw as Record<string, unknown>;
  const name = text(r.name, '').trim();
  if (name === '') {
    return undefined;
  }
  const grantType = GRANT_TYPES.find((g) => g === r.grantType) ?? DEFAULT_INVOKER.grantType;
  const basicEncoding = BASIC_ENCODINGS.find((e) => e === r.basicEncoding) ?? DEFAULT_INVOKER.basicEncoding;
  const rows = (value: unknown): ExtraParameter[] =>
    Array.isArray(value)
      ? value
          .filter((p): p is Record<string, unknown> => p !== null && typeof p === 'object')
          .map((p) => ({ name: text(p.name, ''), value: text(p.value, '') }))
      : [];
  const extraParameters = rows(r.extraParameters);
  return {
    name,
    authorizationServerUrl: text(r.authorizationServerUrl, ''),
    grantType,
    credentialsInRequestBody: r.credentialsInRequestBody === true,
    clientId: text(r.clientId, ''),
    scope: text(r.scope, ''),
    username: text(r.username, ''),
    extraParameters,
    authorizationEndpointUrl: text(r.authorizationEndpointUrl, '').trim(),
    redirectUri: text(r.redirectUri, '').trim(),
    deviceAuthorizationEndpointUrl: text(r.deviceAuthorizationEndpointUrl, '').trim(),
    authorizationParameters: rows(r.authorizationParameters),
    issParameterSupported: r.issParameterSupported === true,
    basicEncoding,
    allowInsecureHttp: r.allowInsecureHttp === true,
    targetMessage: text(r.targetMessage, '').trim() || DEFAULT_INVOKER.targetMessage,
    issuer: text(r.issuer, '').trim(),
    acceptDifferentIssuer: r.acceptDifferentIssuer === true,
    proxy: text(r.proxy, '').trim() || DEFAULT_INVOKER.proxy,
    proxyUsername: text(r.proxyUsername, ''),
    tlsCaFile: text(r.tlsCaFile, '').trim(),
    tlsCertFile: text(r.tlsCertFile, '').trim(),
    tlsKeyFile: text(r.tlsKeyFile, '').trim(),
    tlsPfxFile: text(r.tlsPfxFile, '').trim(),
    // Only an explicit false turns verification off: a typo in settings.json keeps it on.
    tlsRejectUnauthorized: r.tlsRejectUnauthorized !== false,
    clientAuthentication: CLIENT_AUTH_METHODS.find((m) => m === r.clientAuthentication) ?? '',
    clientAssertionKeyFile: text(r.clientAssertionKeyFile, '').trim(),
    clientAssertionAlgorithm: ASSERTION_ALGORITHMS.find((a) => a === r.clientAssertionAlgorithm) ?? '',
    clientAssertionKeyId: text(r.clientAssertionKeyId, '').trim(),
    clientAssertionAudience: r.clientAssertionAudience === 'issuer' ? 'issuer' : 'token_endpoint',
    introspectionEndpoint: text(r.introspectionEndpoint, '').trim(),
    revocationEndpoint: text(r.revocationEndpoint, '').trim(),
    introspectionClientId: text(r.introspectionClientId, '').trim(),
    subjectTokenInvoker: text(r.subjectTokenInvoker, '').trim(),
    subjectTokenType: text(r.subjectTokenType, '').trim() || DEFAULT_INVOKER.subjectTokenType,
    actorTokenType: text(r.actorTokenType, '').trim(),
    requestedTokenType: text(r.requestedTokenType, '').trim(),
    audience: text(r.audience, '').trim(),
    resource: text(r.resource, '').trim(),
    assertionSource: ASSERTION_SOURCES.find((source) => source === r.assertionSource) ?? DEFAULT_INVOKER.assertionSource,
    assertionIssuer: text(r.assertionIssuer, '').trim(),
    assertionSubject: text(r.assertionSubject, '').trim(),
  };
}

/** The setting's form of an invoker: defaults left out, so settings.json stays short and readable. */
export function serializeInvoker(config: InvokerConfig): Record<string, unknown> {
  const out: Record<string, unknown> = { name: config.name.trim(), authorizationServerUrl: config.authorizationServerUrl.trim(), grantType: config.grantType };
  const defaults = DEFAULT_INVOKER as unknown as Record<string, unknown>;
  for (const [key, value] of Object.entries(config)) {
    if (key in out) {
      continue;
    }
    const isDefault = Array.isArray(value) ? value.length === 0 : value === defaults[key];
    if (!isDefault) {
      out[key] = Array.isArray(value) ? value.filter((p: ExtraParameter) => p.name.trim() !== '' || p.value !== '') : value;
    }
  }
  return out;
}

/** The core's properties for an invoker and its secrets. */
export function toProperties(config: InvokerConfig, secrets: Partial<Record<SecretField, string>>): InvokerProperties {
  return {
    authorizationServerUrl: config.authorizationServerUrl,
    grantType: config.grantType,
    credentialsInRequestBody: config.credentialsInRequestBody,
    clientId: config.clientId,
    clientSecret: secrets.clientSecret,
    scope: config.scope,
    username: config.username,
    password: secrets.password,
    refreshToken: secrets.refreshToken,
    extraParameters: config.extraParameters,
    authorizationEndpointUrl: config.authorizationEndpointUrl,
    redirectUri: config.redirectUri,
    deviceAuthorizationEndpointUrl: config.deviceAuthorizationEndpointUrl,
    authorizationParameters: config.authorizationParameters,
    basicEncoding: config.basicEncoding,
    allowInsecureHttp: config.allowInsecureHttp,
    ...networkProperties(config, secrets),
    ...clientAuthenticationProperties(config, secrets),
    ...grantProperties(config, secrets),
    introspectionEndpoint: config.introspectionEndpoint,
    revocationEndpoint: config.revocationEndpoint,
    ...(filled(config.introspectionClientId)
      ? { introspectionClientId: config.introspectionClientId, introspectionClientSecret: secrets.introspectionClientSecret }
      : {}),
  };
}

/** True when the invoker signs with its assertion key: private_key_jwt client authentication, or a JWT Bearer grant that signs. */
export function signsWithAssertionKey(
  config: Pick<InvokerConfig, 'grantType'> & Partial<Pick<InvokerConfig, 'clientAuthentication' | 'assertionSource'>>,
): boolean {
  return config.clientAuthentication === 'private_key_jwt' || (config.grantType === 'jwt_bearer' && (config.assertionSource ?? 'signed') === 'signed');
}

/** The core's client authentication properties of an invoker; none when the method is left to "Credentials in Request Body". */
function clientAuthenticationProperties(config: InvokerConfig, secrets: Partial<Record<SecretField, string>>): Partial<InvokerProperties> {
  const key: Partial<InvokerProperties> = signsWithAssertionKey(config)
    ? {
        clientAssertionKeyFile: config.clientAssertionKeyFile,
        assertionKeyPassphrase: secrets.assertionKeyPassphrase,
        ...(config.clientAssertionAlgorithm !== '' ? { clientAssertionAlgorithm: config.clientAssertionAlgorithm } : {}),
        clientAssertionKeyId: config.clientAssertionKeyId,
        clientAssertionAudience: config.clientAssertionAudience,
        issuer: config.issuer,
      }
    : {};
  if (config.clientAuthentication === '') {
    return key;
  }
  return { clientAuthentication: config.clientAuthentication, ...key, clientAssertionAudience: config.clientAssertionAudience, issuer: config.issuer };
}

/** The core's properties of the Token Exchange and JWT Bearer grants; none for the other grants. */
function grantProperties(config: InvokerConfig, secrets: Partial<Record<SecretField, string>>): Partial<InvokerProperties> {
  if (config.grantType === 'token_exchange') {
    return {
      ...(config.subjectTokenInvoker !== '' ? { subjectTokenInvoker: config.subjectTokenInvoker } : { subjectToken: secrets.subjectToken }),
      subjectTokenType: config.subjectTokenType,
      actorToken: secrets.actorToken,
      actorTokenType: config.actorTokenType,
      requestedTokenType: config.requestedTokenType,
      audience: config.audience,
      resource: config.resource,
    };
  }
  if (config.grantType === 'jwt_bearer') {
    return config.assertionSource === 'entered'
      ? { assertionSource: 'entered', assertion: secrets.assertion }
      : { assertionSource: 'signed', assertionIssuer: config.assertionIssuer, assertionSubject: config.assertionSubject };
  }
  return {};
}

/** The core's network properties (proxy and TLS) of an invoker and its secrets: the token request and discovery use the same. */
export function networkProperties(config: InvokerConfig, secrets: Partial<Record<SecretField, string>>): NetworkProperties {
  return {
    proxy: config.proxy,
    proxyUsername: config.proxyUsername,
    proxyPassword: secrets.proxyPassword,
    tlsCaFile: config.tlsCaFile,
    tlsCertFile: config.tlsCertFile,
    tlsKeyFile: config.tlsKeyFile,
    tlsPfxFile: config.tlsPfxFile,
    tlsPassphrase: secrets.tlsPassphrase,
    tlsRejectUnauthorized: config.tlsRejectUnauthorized,
  };
}

/** The properties that decide where an invoker's tokens come from and who holds them: its token URL, client and route. */
const TOKEN_ROUTE_PROPERTIES = [
  'authorizationServerUrl',
  'clientId',
  'proxy',
  'tlsCaFile',
  'tlsRejectUnauthorized',
  'tlsCertFile',
  'tlsKeyFile',
  'tlsPfxFile',
] as const satisfies ReadonlyArray<keyof InvokerConfig>;

/**
 * True when a save changes the token URL, the client or the route of an invoker: the tokens it holds were issued for
 * what it was, and are not kept for what it is now.
 */
export function tokenRouteChanged(before: InvokerConfig, after: InvokerConfig): boolean {
  const norm = (value: unknown): unknown => (typeof value === 'string' ? value.trim() : value);
  return TOKEN_ROUTE_PROPERTIES.some((property) => norm(before[property]) !== norm(after[property]));
}

function filled(value: string): boolean {
  return value.trim() !== '';
}

/** True when the invoker presents a client certificate: a PEM certificate (which may hold its key), a key or a PFX file. */
export function hasClientCertificate(config: Pick<InvokerConfig, 'tlsCertFile' | 'tlsKeyFile' | 'tlsPfxFile'>): boolean {
  return filled(config.tlsCertFile) || filled(config.tlsKeyFile) || filled(config.tlsPfxFile);
}

/** What decides which secrets an invoker uses. */
type SecretsConfig = Pick<InvokerConfig, 'grantType' | 'proxy' | 'proxyUsername' | 'tlsCertFile' | 'tlsKeyFile' | 'tlsPfxFile'> &
  Partial<Pick<InvokerConfig, 'clientAuthentication' | 'subjectTokenInvoker' | 'assertionSource' | 'introspectionClientId'>>;

/**
 * Which secrets an invoker uses; the others are neither asked for nor sent. The grant decides the OAuth secrets;
 * the Proxy Password goes with a Proxy Username (and a proxy that may be used), the passphrase with a client key,
 * the Introspection Client Secret with an Introspection Client ID.
 */
export function secretsUsedBy(config: SecretsConfig): readonly SecretField[] {
  const method = config.clientAuthentication ?? '';
  const fields: SecretField[] = method === '' || usesClientSecret(method) ? ['clientSecret'] : [];
  if (signsWithAssertionKey(config)) {
    fields.push('assertionKeyPassphrase');
  }
  if (config.grantType === 'password') {
    fields.push('password');
  } else if (config.grantType === 'refresh_token') {
    fields.push('refreshToken');
  } else if (config.grantType === 'token_exchange') {
    // From another invoker, its current access token is the subject: none is stored for this one.
    fields.push(...((config.subjectTokenInvoker ?? '') === '' ? (['subjectToken'] as const) : []), 'actorToken');
  } else if (config.grantType === 'jwt_bearer' && config.assertionSource === 'entered') {
    fields.push('assertion');
  }
  if (config.proxy.trim() !== 'none' && filled(config.proxyUsername)) {
    fields.push('proxyPassword');
  }
  if (hasClientCertificate(config)) {
    fields.push('tlsPassphrase');
  }
  if (filled(config.introspectionClientId ?? '')) {
    fields.push('introspectionClientSecret');
  }
  return fields;
}

/**
 * The secrets each kind of request of the invoker carries. The token request: every secret it uses but the
 * introspection client's. Introspect: the Introspection Client Secret when an Introspection Client ID is set, else the
 * invoker's own client authentication secrets; Revoke: those of the invoker's own client (RFC 7009 §2.1); both with
 * the network secrets, and no grant secret (password, refresh token…).
 */
export function secretsSentTo(config: SecretsConfig, request: 'token' | 'introspection' | 'revocation'): readonly SecretField[] {
  const used = secretsUsedBy(config);
  if (request === 'token') {
    return used.filter((field) => !INTROSPECTION_CLIENT_SECRETS.includes(field));
  }
  const client = request === 'introspection' && filled(config.introspectionClientId ?? '') ? INTROSPECTION_CLIENT_SECRETS : CLIENT_AUTH_SECRETS;
  return used.filter((field) => client.includes(field) || NETWORK_SECRETS.includes(field));
}

/**
 * What the setting's `proxy` says, as the form's Proxy select shows it: `system` and `none` as such, anything else
 * (a URL, or nothing yet) is `url`.
 */
export function proxyMode(proxy: string): 'system' | 'none' | 'url' {
  const value = proxy.trim();
  return value === 'system' || value === 'none' ? value : 'url';
}

/** The label of the form's Issuer URL field (the core's discovery messages name it so). */
export const ISSUER_LABEL = 'Issuer URL';

/** The label of the form's RFC 9207 checkbox. */
export const ISS_PARAMETER_LABEL = 'Require Issuer in Redirect';
