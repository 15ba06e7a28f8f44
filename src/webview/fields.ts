/**
 * The form's one field table: every field, top to bottom, with its kind, help, the grants that show and require it,
 * and its section. The rest of the form is built and validated from it.
 */
import { ISS_PARAMETER_LABEL, ISSUER_LABEL, proxyMode, signsWithAssertionKey, type InvokerConfig, type SecretField } from '../shared/invoker';
import {
  ASSERTION_ALGORITHMS,
  CLIENT_AUTH_METHOD_LABELS,
  CLIENT_AUTH_METHODS,
  GRANT_TYPES,
  PROPERTY_LABELS,
  TOKEN_TYPE_URIS,
  type GrantType,
} from '../shared/properties';

/** The fields that are lists of name/value rows. */
export type RowsField = 'extraParameters' | 'authorizationParameters';
type ConfigField = Exclude<keyof InvokerConfig, RowsField>;
export type FieldKey = ConfigField | SecretField | RowsField | 'storage';
/** `file`: a path with "Browse…"; `proxy`: System / None / URL and the URL; `issuer`: a URL with "Discover". */
export type Kind = 'text' | 'url' | 'select' | 'checkbox' | 'secret' | 'rows' | 'file' | 'proxy' | 'issuer';
/** The collapsible groups below the main fields; each opens by itself when it holds something not at its default. */
export type Section = 'network' | 'tls' | 'toolbox' | 'advanced';

export interface FieldSpec {
  readonly key: FieldKey;
  readonly kind: Kind;
  readonly help: string | ((config: InvokerConfig) => string);
  readonly options?: readonly (readonly [value: string, label: string])[];
  /** Grants that show the field (every grant when absent); secrets follow `secretsUsedBy`. */
  readonly shownFor?: readonly GrantType[];
  /** Shows the field only when this holds (besides `shownFor`). */
  readonly shownWhen?: (config: InvokerConfig) => boolean;
  /** Grants that require the field. */
  readonly requiredFor?: readonly GrantType[];
  readonly section?: Section;
  readonly warning?: boolean;
  /** A warning shown under the field while this returns one (e.g. certificate verification off). */
  readonly warnWhen?: (config: InvokerConfig) => string | undefined;
  readonly placeholder?: string;
}

const CLIENT_AUTH_HELP: Readonly<Record<string, string>> = {
  '': 'How the client proves who it is. By default the Client Secret, in a Basic header or in the body as Credentials in Request Body says; none without a secret.',
  client_secret_basic: 'Client ID and Client Secret in a Basic Auth header (RFC 6749 §2.3.1).',
  client_secret_post: 'Client ID and Client Secret in the request body.',
  client_secret_jwt: 'A short-lived JWT signed with the Client Secret (HS256); the secret itself is not sent (RFC 7523).',
  private_key_jwt: "A short-lived JWT signed with the client's private key (RFC 7523): Entra ID certificate credentials, Okta private_key_jwt.",
  tls_client_auth: 'The client certificate (TLS section) authenticates the client; the server checks it against its CA and the registered subject (RFC 8705).',
  self_signed_tls_client_auth: 'The registered self-signed client certificate (TLS section) authenticates the client (RFC 8705).',
  none: 'A public client: only the Client ID is sent.',
};

const TOKEN_TYPE_OPTIONS = TOKEN_TYPE_URIS.map((uri) => [uri, uri.slice('urn:ietf:params:oauth:token-type:'.length)] as const);

const unlessClientCredentials = (c: InvokerConfig, note: string): string => (c.grantType === 'client_credentials' ? '' : ` ${note}`);
const SIGN_IN: readonly GrantType[] = ['authorization_code', 'device_code'];

/** The form, top to bottom: the component's properties in its own order, then this extension's additions. */
export const FIELDS: readonly FieldSpec[] = [
  {
    key: 'name',
    kind: 'text',
    requiredFor: GRANT_TYPES,
    help: 'Names this invoker in the Messages view and in commands: at most 64 characters, without / or \\.',
  },
  {
    key: 'issuer',
    kind: 'issuer',
    placeholder: 'https://sso.example.com/realms/acme',
    help: "Optional. The authorization server's issuer: Discover reads its metadata and fills the Authorization Server URL, the sign-in endpoints and Credentials in Request Body.",
  },
  {
    key: 'authorizationServerUrl',
    kind: 'url',
    requiredFor: GRANT_TYPES,
    help: 'The host URL for requesting OAuth Authorization: the token endpoint, e.g. https://login.example.com/oauth2/token.',
  },
  {
    key: 'grantType',
    kind: 'select',
    help: 'The Grant Type to use for OAuth Authorization.',
    options: [
      ['client_credentials', 'Client Credentials Grant'],
      ['password', 'Password Credentials Grant'],
      ['refresh_token', 'Refresh Token'],
      ['authorization_code', 'Authorization Code with PKCE (sign in in the browser)'],
      ['device_code', 'Device Authorization (sign in with a code)'],
      ['token_exchange', 'Token Exchange (RFC 8693)'],
      ['jwt_bearer', 'JWT Bearer (RFC 7523)'],
    ],
  },
  {
    key: 'authorizationEndpointUrl',
    kind: 'url',
    shownFor: ['authorization_code'],
    requiredFor: ['authorization_code'],
    help: 'The page where you sign in, e.g. https://login.example.com/oauth2/authorize. Discover fills it.',
  },
  {
    key: 'redirectUri',
    kind: 'text',
    shownFor: ['authorization_code'],
    placeholder: 'empty: http://127.0.0.1:<free port>/callback',
    help: 'Empty: a loopback redirect on a free port (register http://127.0.0.1/callback; most servers accept any port on it). For a server that compares the whole URI, the one you registered, e.g. http://127.0.0.1:33418/callback, or a vscode:// URI.',
  },
  {
    key: 'deviceAuthorizationEndpointUrl',
    kind: 'url',
    shownFor: ['device_code'],
    requiredFor: ['device_code'],
    help: 'Where the sign-in code is requested (RFC 8628), e.g. https://login.example.com/oauth2/device/code. Discover fills it.',
  },
  {
    key: 'clientAuthentication',
    kind: 'select',
    help: (c) => CLIENT_AUTH_HELP[c.clientAuthentication],
    options: [
      ['', 'Client Secret (Credentials in Request Body decides)'],
      ...CLIENT_AUTH_METHODS.map((m) => [m, `${CLIENT_AUTH_METHOD_LABELS[m]} — ${m}`] as const),
    ],
  },
  {
    key: 'credentialsInRequestBody',
    kind: 'checkbox',
    shownWhen: (c) => c.clientAuthentication === '',
    help: 'Send the client credentials in the request body. Off (default): Basic Auth header.',
  },
  {
    key: 'clientAssertionKeyFile',
    kind: 'file',
    placeholder: '/path/to/client-key.pem',
    shownWhen: signsWithAssertionKey,
    help: "The private key that signs the client assertion (and the JWT Bearer grant's assertion): PEM (it may hold the certificate too, which adds x5t#S256 to the header, as Entra ID requires) or PKCS#12 (.pfx, .p12).",
  },
  {
    key: 'assertionKeyPassphrase',
    kind: 'secret',
    help: 'Decrypts the Client Assertion Key File, when it is encrypted (always for a PKCS#12 file with a password).',
  },
  {
    key: 'clientAssertionAlgorithm',
    kind: 'select',
    shownWhen: signsWithAssertionKey,
    help: "The JWS algorithm of the assertion. The key's own: RS256 for RSA, ES256 for EC P-256, EdDSA for Ed25519.",
    options: [['', "The key's own"], ...ASSERTION_ALGORITHMS.map((a) => [a, a] as const)],
  },
  {
    key: 'clientAssertionKeyId',
    kind: 'text',
    shownWhen: signsWithAssertionKey,
    help: 'Optional: the "kid" header, as the server\'s JWKS names the key (Okta requires it).',
  },
  {
    key: 'clientAssertionAudience',
    kind: 'select',
    shownWhen: (c) => signsWithAssertionKey(c) || c.clientAuthentication === 'client_secret_jwt',
    help: 'The assertion\'s "aud": the endpoint it is sent to (RFC 7523, Entra ID, Okta), or the Issuer URL for servers that want that.',
    options: [
      ['token_endpoint', 'The token endpoint'],
      ['issuer', 'The Issuer URL'],
    ],
  },
  {
    key: 'clientId',
    kind: 'text',
    requiredFor: ['client_credentials', ...SIGN_IN],
    help: (c) =>
      `The client's identifier, as the authorization server registered this application (not the user).${c.grantType === 'client_credentials' || SIGN_IN.includes(c.grantType) ? '' : ' Optional for this grant.'}`,
  },
  {
    key: 'clientSecret',
    kind: 'secret',
    requiredFor: ['client_credentials'],
    help: (c) =>
      `The secret the authorization server issued to this client (the application, not the user).${unlessClientCredentials(c, SIGN_IN.includes(c.grantType) ? 'Leave empty for a public client (the usual case for an app registered as native or desktop; PKCE protects the code).' : 'Optional: a public client when no secret.')}`,
  },
  { key: 'scope', kind: 'text', help: 'The scope to be set for OAuth Authorization; separate several with spaces.' },
  { key: 'username', kind: 'text', shownFor: ['password'], requiredFor: ['password'], help: 'User ID to access the resource.' },
  { key: 'password', kind: 'secret', requiredFor: ['password'], help: 'Password to access the resource.' },
  {
    key: 'refreshToken',
    kind: 'secret',
    requiredFor: ['refresh_token'],
    help: 'ID which provides the user with a new access token when their current token expires.',
  },
  {
    key: 'subjectTokenInvoker',
    kind: 'select',
    shownFor: ['token_exchange'],
    // The other invokers are added when the form is filled (init).
    options: [['', 'None: the Subject Token entered below']],
    help: 'The invoker whose current access token is exchanged: renewed first when it is about to expire (without opening a browser). None: enter the token to exchange below.',
  },
  {
    key: 'subjectToken',
    kind: 'secret',
    requiredFor: ['token_exchange'],
    help: 'The token to exchange (RFC 8693 subject_token), e.g. the access token an API received. Kept in secret storage.',
  },
  {
    key: 'subjectTokenType',
    kind: 'select',
    shownFor: ['token_exchange'],
    help: "What the subject token is (subject_token_type). Another invoker's token is an access token.",
    options: TOKEN_TYPE_OPTIONS,
  },
  {
    key: 'actorToken',
    kind: 'secret',
    help: 'Optional: the token of the party that acts for the subject (delegation, RFC 8693 actor_token). Kept in secret storage.',
  },
  {
    key: 'actorTokenType',
    kind: 'select',
    shownFor: ['token_exchange'],
    help: 'What the actor token is (actor_token_type); required with an Actor Token.',
    options: [['', 'None (no actor token)'], ...TOKEN_TYPE_OPTIONS],
  },
  {
    key: 'requestedTokenType',
    kind: 'select',
    shownFor: ['token_exchange'],
    help: "Optional: the type of token wanted (requested_token_type). The answer's issued_token_type says what was issued.",
    options: [['', "The server's choice"], ...TOKEN_TYPE_OPTIONS],
  },
  {
    key: 'audience',
    kind: 'text',
    shownFor: ['token_exchange'],
    help: 'Optional: the logical name of the service the new token is for (audience); several separated by spaces.',
  },
  {
    key: 'resource',
    kind: 'text',
    shownFor: ['token_exchange'],
    placeholder: 'https://api.example.com',
    help: 'Optional: the URI of the resource the new token is for (resource, RFC 8707); several separated by spaces.',
  },
  {
    key: 'assertionSource',
    kind: 'select',
    shownFor: ['jwt_bearer'],
    help: (c) =>
      c.assertionSource === 'entered'
        ? 'The assertion entered below is sent as is (RFC 7523 assertion): it must still be valid when the invoker runs.'
        : 'A fresh JWT for each request, signed with the Client Assertion Key File: iss = Assertion Issuer, sub = Assertion Subject, aud = the token endpoint (or the issuer), exp in two minutes, a new jti.',
    options: [
      ['signed', "Signed with the invoker's key"],
      ['entered', 'Entered'],
    ],
  },
  {
    key: 'assertion',
    kind: 'secret',
    requiredFor: ['jwt_bearer'],
    help: 'The JWT to send as the assertion. Kept in secret storage.',
  },
  {
    key: 'assertionIssuer',
    kind: 'text',
    shownFor: ['jwt_bearer'],
    shownWhen: (c) => c.assertionSource === 'signed',
    help: "The assertion's iss: who signs it. Empty: the Client ID.",
  },
  {
    key: 'assertionSubject',
    kind: 'text',
    shownFor: ['jwt_bearer'],
    shownWhen: (c) => c.assertionSource === 'signed',
    requiredFor: ['jwt_bearer'],
    help: "The assertion's sub: the user or service the token is for, as the server knows it.",
  },
  {
    key: 'targetMessage',
    kind: 'text',
    help: (c) =>
      `The DJMessage the server response is written to. After a successful request the access token is ${c.targetMessage.trim() || 'DJMOUT'}.AccessToken.`,
  },
  { key: 'extraParameters', kind: 'rows', help: 'Name/value pairs added to the token request, e.g. audience or resource.' },
  {
    key: 'authorizationParameters',
    kind: 'rows',
    shownFor: SIGN_IN,
    help: (c) =>
      `Name/value pairs added to the ${c.grantType === 'device_code' ? 'device authorization request' : 'authorization URL'}, e.g. prompt=login, login_hint, audience, resource.`,
  },
  {
    key: 'proxy',
    kind: 'proxy',
    section: 'network',
    placeholder: 'http://proxy.example.com:3128',
    options: [
      ['system', 'System'],
      ['none', 'None'],
      ['url', 'URL'],
    ],
    help: (c) => {
      switch (proxyMode(c.proxy)) {
        case 'system':
          return "VS Code's proxy: the http.proxy setting (with http.noProxy, http.proxyStrictSSL), else HTTPS_PROXY / HTTP_PROXY and NO_PROXY.";
        case 'none':
          return "Connect directly, whatever VS Code's settings and the environment say.";
        case 'url':
          return "This proxy, for this invoker's requests: scheme, host and port, without credentials.";
      }
    },
  },
  {
    key: 'proxyUsername',
    kind: 'text',
    section: 'network',
    shownWhen: (c) => proxyMode(c.proxy) !== 'none',
    help: 'For a proxy that asks for Basic authentication (407). Leave empty for none, or for the credentials of http.proxy / http.proxyAuthorization.',
  },
  { key: 'proxyPassword', kind: 'secret', section: 'network', help: 'Sent to the proxy with the Proxy Username.' },
  {
    key: 'tlsCaFile',
    kind: 'file',
    section: 'tls',
    placeholder: '/path/to/corporate-ca.pem',
    help: "A PEM (or DER) file of CA certificates trusted besides the system's: for a private or corporate CA, or an inspecting proxy.",
  },
  {
    key: 'tlsCertFile',
    kind: 'file',
    section: 'tls',
    placeholder: '/path/to/client.pem',
    help: 'Mutual TLS: the client certificate (PEM); it may hold the private key too.',
  },
  {
    key: 'tlsKeyFile',
    kind: 'file',
    section: 'tls',
    placeholder: '/path/to/client-key.pem',
    help: "The client certificate's private key (PEM), unless the certificate file holds it.",
  },
  {
    key: 'tlsPfxFile',
    kind: 'file',
    section: 'tls',
    placeholder: '/path/to/client.p12',
    help: 'Mutual TLS instead of the PEM files: a PKCS#12 file (.pfx, .p12) with the certificate and key.',
  },
  { key: 'tlsPassphrase', kind: 'secret', section: 'tls', help: 'Decrypts the Client Key File or the Client PFX File, when it is encrypted.' },
  {
    key: 'tlsRejectUnauthorized',
    kind: 'checkbox',
    section: 'tls',
    help: "Check the server's certificate against the system's CAs and the CA Certificates File (recommended).",
    warnWhen: (c) =>
      c.tlsRejectUnauthorized
        ? undefined
        : 'Off: any certificate is accepted, so anyone on the network path can read and change the exchange, secrets included. Every message this invoker gets carries a warning.',
  },
  {
    key: 'introspectionEndpoint',
    kind: 'url',
    section: 'toolbox',
    placeholder: 'https://login.example.com/oauth2/introspect',
    help: "For Introspect Token (RFC 7662): the server's introspection_endpoint. Discover fills it. The client authenticates as for the token request, or as the Introspection Client below.",
  },
  {
    key: 'introspectionClientId',
    kind: 'text',
    section: 'toolbox',
    help: "Optional: another client that Introspect authenticates as, typically the API's (a resource server's) confidential client. Servers such as Keycloak answer introspection only from confidential clients, so a public client's tokens need one. Empty: the invoker's own client.",
  },
  {
    key: 'introspectionClientSecret',
    kind: 'secret',
    section: 'toolbox',
    help: "The Introspection Client ID's secret, in a Basic header (or the body, with Credentials in Request Body). Sent only to the Introspection Endpoint, never to the token or revocation endpoint.",
  },
  {
    key: 'revocationEndpoint',
    kind: 'url',
    section: 'toolbox',
    placeholder: 'https://login.example.com/oauth2/revoke',
    help: "For Revoke Token (RFC 7009): the server's revocation_endpoint. Discover fills it. The client authenticates as for the token request: only the client a token was issued to may revoke it.",
  },
  {
    key: 'basicEncoding',
    kind: 'select',
    section: 'advanced',
    help: 'How Client ID and Client Secret are encoded in the Basic Auth header. Auto form-encodes them (RFC 6749 §2.3.1) and retries once as typed if the server rejects them.',
    options: [
      ['auto', 'auto: RFC 6749, then raw once'],
      ['rfc6749', 'rfc6749: form-encoded (RFC 6749 §2.3.1)'],
      ['raw', 'raw: as typed'],
    ],
  },
  {
    key: 'issParameterSupported',
    kind: 'checkbox',
    section: 'advanced',
    shownFor: ['authorization_code'],
    help: "The server names itself (iss) in its redirect (RFC 9207): a redirect without it, or from another issuer, is refused. Discover sets it from the server's metadata.",
  },
  {
    key: 'acceptDifferentIssuer',
    kind: 'checkbox',
    section: 'advanced',
    warning: true,
    help: "Discover uses metadata whose issuer is not the Issuer URL (RFC 8414 §3.3 says it must be the same). Only for a provider whose metadata names a template, such as Entra ID's multi-tenant {tenantid}.",
  },
  {
    key: 'allowInsecureHttp',
    kind: 'checkbox',
    section: 'advanced',
    warning: true,
    help: 'Allow plain http:// to a host other than this machine. Secrets and the token then cross the network unencrypted.',
  },
  {
    key: 'storage',
    kind: 'select',
    options: [
      ['user', 'User settings'],
      ['workspace', 'Workspace settings'],
    ],
    help: "Where the invoker is kept. Secrets always go to VS Code's secret storage, never to settings.",
  },
];

export const LABELS: Readonly<Record<FieldKey, string>> = {
  ...PROPERTY_LABELS,
  name: 'Name',
  storage: 'Stored in',
  issuer: ISSUER_LABEL,
  issParameterSupported: ISS_PARAMETER_LABEL,
};

export const SECTIONS: readonly (readonly [section: Section, title: string])[] = [
  ['network', 'Network'],
  ['tls', 'TLS'],
  ['toolbox', 'Introspection and revocation'],
  ['advanced', 'Advanced'],
];
