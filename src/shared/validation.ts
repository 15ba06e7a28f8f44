import {
  ASSERTION_ALGORITHMS,
  ASSERTION_SOURCES,
  clientAuthMethodOf,
  ASSERTION_AUDIENCES,
  BASIC_ENCODINGS,
  CLIENT_AUTH_METHOD_LABELS,
  CLIENT_AUTH_METHODS,
  GRANT_TYPE_LABELS,
  GRANT_TYPES,
  isInteractiveGrant,
  PROPERTY_LABELS,
  TLS_FILE_PROPERTIES,
  TOOLBOX_ENDPOINTS,
  usesClientSecret,
  type ExtraParameter,
  type InvokerProperties,
  type NetworkProperties,
  type PropertyIssue,
  type ToolboxEndpoint,
} from './properties';

// Validation of the invoker's properties: every problem named by its field, before any request is sent.

/** Parameters the invoker sets itself; an extra parameter may not set them again (credentials go in one place). */
const RESERVED_PARAMETERS = new Set([
  'grant_type',
  'client_id',
  'client_secret',
  'scope',
  'username',
  'password',
  'refresh_token',
  'code',
  'redirect_uri',
  'code_verifier',
  'device_code',
  'client_assertion',
  'client_assertion_type',
  'subject_token',
  'subject_token_type',
  'actor_token',
  'actor_token_type',
  'requested_token_type',
  'assertion',
]);

/** The reserved parameters for the properties: a Token Exchange's own Audience and Resource are not set twice either. */
function reservedParameters(p: InvokerProperties): ReadonlySet<string> {
  if (p.grantType !== 'token_exchange') {
    return RESERVED_PARAMETERS;
  }
  const own = [!isBlank(p.audience) ? 'audience' : '', !isBlank(p.resource) ? 'resource' : ''].filter((name) => name !== '');
  return own.length > 0 ? new Set([...RESERVED_PARAMETERS, ...own]) : RESERVED_PARAMETERS;
}

/** The parameters the invoker sets itself in an authorization request; an authorization parameter may not set them again. */
export const RESERVED_AUTHORIZATION_PARAMETERS: ReadonlySet<string> = new Set([
  'response_type',
  'client_id',
  'redirect_uri',
  'scope',
  'state',
  'code_challenge',
  'code_challenge_method',
]);

const TARGET_MESSAGE_PATTERN = /^[A-Za-z_][A-Za-z0-9_.-]{0,63}$/;

/** True for `localhost`, `*.localhost`, 127.0.0.0/8 and `::1` (also as IPv4-mapped): hosts where plain HTTP stays on the machine. */
export function isLoopbackHost(hostname: string): boolean {
  const host = hostname
    .toLowerCase()
    .replace(/^\[|\]$/g, '')
    .replace(/\.$/, '');
  if (host === 'localhost' || host.endsWith('.localhost')) {
    return true;
  }
  if (/^127\.\d{1,3}\.\d{1,3}\.\d{1,3}$/.test(host)) {
    return true;
  }
  if (host === '::1' || host === '0:0:0:0:0:0:0:1') {
    return true;
  }
  // IPv4-mapped loopback as the WHATWG URL parser writes it: ::ffff:7f00:1 … ::ffff:7fff:ffff
  return /^::ffff:7f[0-9a-f]{2}:[0-9a-f]{1,4}$/.test(host);
}

function issue(field: keyof typeof PROPERTY_LABELS, code: PropertyIssue['code'], rest: string): PropertyIssue {
  return { field, code, message: `"${PROPERTY_LABELS[field]}" ${rest}` };
}

function isBlank(value: string | undefined): boolean {
  return value === undefined || value.trim() === '';
}

function validateUrl(value: string): PropertyIssue[] {
  if (isBlank(value)) {
    return [issue('authorizationServerUrl', 'required', 'is required.')];
  }
  let url: URL;
  try {
    url = new URL(value.trim());
  } catch {
    return [issue('authorizationServerUrl', 'invalid', `is not a valid URL: "${value.trim().slice(0, 200)}".`)];
  }
  if (url.protocol !== 'https:' && url.protocol !== 'http:') {
    return [issue('authorizationServerUrl', 'invalid', `must start with https:// (it starts with ${url.protocol}//).`)];
  }
  const problems: PropertyIssue[] = [];
  if (url.username !== '' || url.password !== '') {
    problems.push(issue('authorizationServerUrl', 'not-allowed', 'must not contain a user name or password; use Client ID and Client Secret.'));
  }
  if (url.hash !== '') {
    problems.push(issue('authorizationServerUrl', 'invalid', 'must not contain a #fragment.'));
  }
  return problems;
}

function validateExtraParameters(
  parameters: readonly ExtraParameter[],
  field: 'extraParameters' | 'authorizationParameters' = 'extraParameters',
  reserved: ReadonlySet<string> = RESERVED_PARAMETERS,
): PropertyIssue[] {
  const problems: PropertyIssue[] = [];
  const seen = new Set<string>();
  parameters.forEach((parameter, index) => {
    const name = parameter.name.trim();
    const row = `row ${index + 1}`;
    if (name === '') {
      if (parameter.value.trim() !== '') {
        problems.push(issue(field, 'required', `${row} has a value but no name.`));
      }
      return;
    }
    if (reserved.has(name)) {
      problems.push(issue(field, 'not-allowed', `${row} sets "${name}", which the invoker sets from its own property.`));
    } else if (seen.has(name)) {
      problems.push(issue(field, 'invalid', `${row} repeats "${name}".`));
    }
    seen.add(name);
  });
  return problems;
}

function present(value: string | undefined): value is string {
  return !isBlank(value);
}

/** An endpoint the browser or the client reaches: https://, or http:// to loopback (or anywhere with Allow Insecure HTTP). */
function validateEndpoint(
  field: 'authorizationEndpointUrl' | 'deviceAuthorizationEndpointUrl',
  value: string | undefined,
  grant: string,
  allowInsecureHttp: boolean,
): PropertyIssue[] {
  if (isBlank(value)) {
    return [issue(field, 'required', `is required for the ${grant} grant.`)];
  }
  let url: URL;
  try {
    url = new URL((value as string).trim());
  } catch {
    return [issue(field, 'invalid', `is not a valid URL: "${(value as string).trim().slice(0, 200)}".`)];
  }
  if (url.protocol !== 'https:' && url.protocol !== 'http:') {
    return [issue(field, 'invalid', `must start with https:// (it starts with ${url.protocol}//).`)];
  }
  if (url.protocol === 'http:' && !isLoopbackHost(url.hostname) && !allowInsecureHttp) {
    return [issue(field, 'not-allowed', `uses plain http:// to ${url.host}; use https://, or turn on "${PROPERTY_LABELS.allowInsecureHttp}".`)];
  }
  if (url.username !== '' || url.password !== '' || url.hash !== '') {
    return [issue(field, 'invalid', 'must not contain a user name, a password or a #fragment.')];
  }
  return [];
}

/**
 * A redirect URI the invoker can receive: a loopback http:// URL (RFC 8252 §7.3; a port of its own or none, for a
 * free one), an https:// URL (a fixed redirect a proxy forwards to the loopback listener, as code-server's), or
 * the editor's own scheme (`vscode://`, `vscode-insiders://`…, received by its URI handler). Never a fragment.
 * @see https://www.rfc-editor.org/rfc/rfc8252#section-7
 */
function validateRedirectUri(value: string): PropertyIssue[] {
  let url: URL;
  try {
    url = new URL(value.trim());
  } catch {
    return [issue('redirectUri', 'invalid', `is not a valid URL: "${value.trim().slice(0, 200)}".`)];
  }
  if (url.hash !== '' || url.username !== '' || url.password !== '') {
    return [issue('redirectUri', 'invalid', 'must not contain a #fragment, a user name or a password (RFC 6749 §3.1.2).')];
  }
  if (url.protocol === 'http:' && !isLoopbackHost(url.hostname)) {
    return [issue('redirectUri', 'not-allowed', `uses plain http:// to ${url.host}: only loopback redirects (http://127.0.0.1:PORT/path) may be plain http.`)];
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:' && !/^(vscode|vscode-insiders|vscodium|code-oss|cursor|windsurf)[a-z-]*:$/.test(url.protocol)) {
    return [issue('redirectUri', 'invalid', `must be a loopback http:// URL, an https:// URL or a vscode:// URI (it starts with ${url.protocol}//).`)];
  }
  return [];
}

/**
 * An absolute path on any platform: `/etc/ssl/ca.pem`, `C:\certs\ca.pem`, `C:/certs/ca.pem`, `\\server\share\ca.pem`.
 * (No node:path: the form's script runs this validation in the webview.)
 */
export function isAbsolutePath(file: string): boolean {
  return /^(\/|[A-Za-z]:[\\/]|\\\\[^\\])/.test(file);
}

/** The proxy URL of a `proxy` property that is neither `system` nor `none`, or the issue with it. */
function validateProxy(value: string): PropertyIssue[] {
  let url: URL;
  try {
    url = new URL(value.trim());
  } catch {
    return [
      issue('proxy', 'invalid', `must be "system", "none" or a proxy URL such as http://proxy.example.com:3128 (it is "${value.trim().slice(0, 200)}").`),
    ];
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:') {
    return [issue('proxy', 'invalid', `must be an http:// or https:// proxy URL (it starts with ${url.protocol}//).`)];
  }
  const problems: PropertyIssue[] = [];
  if (url.username !== '' || url.password !== '') {
    problems.push(
      issue('proxy', 'not-allowed', `must not contain a user name or password; use "${PROPERTY_LABELS.proxyUsername}" and "${PROPERTY_LABELS.proxyPassword}".`),
    );
  }
  if ((url.pathname !== '/' && url.pathname !== '') || url.search !== '' || url.hash !== '') {
    problems.push(issue('proxy', 'invalid', "must be the proxy's address only: scheme, host and port, without a path."));
  }
  return problems;
}

/**
 * Checks the proxy and TLS properties (without reading any file) and returns every problem, each naming its field.
 * Files are read when a request is sent; a file that cannot be read or parsed is then reported against its field.
 */
export function validateNetworkProperties(properties: NetworkProperties): PropertyIssue[] {
  const p = properties;
  const problems: PropertyIssue[] = [];
  const proxy = p.proxy?.trim() ?? '';
  if (proxy !== '' && proxy !== 'system' && proxy !== 'none') {
    problems.push(...validateProxy(proxy));
  }
  if (present(p.proxyPassword) && !present(p.proxyUsername)) {
    problems.push(issue('proxyUsername', 'required', `is required when a "${PROPERTY_LABELS.proxyPassword}" is given.`));
  }
  for (const field of TLS_FILE_PROPERTIES) {
    const file = p[field];
    if (present(file) && !isAbsolutePath(file.trim())) {
      problems.push(issue(field, 'invalid', `must be an absolute file path (it is "${file.trim().slice(0, 200)}").`));
    }
  }
  if (present(p.tlsPfxFile) && (present(p.tlsCertFile) || present(p.tlsKeyFile))) {
    problems.push(
      issue(
        'tlsPfxFile',
        'not-allowed',
        `cannot be combined with "${PROPERTY_LABELS.tlsCertFile}" or "${PROPERTY_LABELS.tlsKeyFile}": give either the PFX file or the PEM files.`,
      ),
    );
  }
  if (present(p.tlsKeyFile) && !present(p.tlsCertFile)) {
    problems.push(issue('tlsCertFile', 'required', `is required when a "${PROPERTY_LABELS.tlsKeyFile}" is given.`));
  }
  if (p.tlsRejectUnauthorized !== undefined && typeof p.tlsRejectUnauthorized !== 'boolean') {
    problems.push(issue('tlsRejectUnauthorized', 'invalid', 'must be true or false.'));
  }
  return problems;
}

/** The signing key's problems (file and algorithm), for the private_key_jwt method or the JWT Bearer grant's signed assertion. */
function validateAssertionKey(p: InvokerProperties, purpose: string): PropertyIssue[] {
  const problems: PropertyIssue[] = [];
  const file = p.clientAssertionKeyFile?.trim() ?? '';
  if (file === '') {
    problems.push(issue('clientAssertionKeyFile', 'required', `is required for ${purpose}.`));
  } else if (!isAbsolutePath(file)) {
    problems.push(issue('clientAssertionKeyFile', 'invalid', `must be an absolute file path (it is "${file.slice(0, 200)}").`));
  }
  if (p.clientAssertionAlgorithm !== undefined && !ASSERTION_ALGORITHMS.includes(p.clientAssertionAlgorithm)) {
    problems.push(issue('clientAssertionAlgorithm', 'invalid', `must be one of ${ASSERTION_ALGORITHMS.join(', ')}.`));
  }
  return problems;
}

/** The assertion audience's problems: a known choice, and an Issuer URL when it is the issuer. */
function validateAssertionAudience(p: InvokerProperties): PropertyIssue[] {
  if (p.clientAssertionAudience !== undefined && !ASSERTION_AUDIENCES.includes(p.clientAssertionAudience)) {
    return [issue('clientAssertionAudience', 'invalid', `must be one of ${ASSERTION_AUDIENCES.join(', ')}.`)];
  }
  if (p.clientAssertionAudience === 'issuer') {
    const issuer = p.issuer?.trim() ?? '';
    if (issuer === '') {
      return [issue('issuer', 'required', `is required when "${PROPERTY_LABELS.clientAssertionAudience}" is the issuer.`)];
    }
    if (!URL.canParse(issuer)) {
      return [issue('issuer', 'invalid', `is not a valid URL: "${issuer.slice(0, 200)}".`)];
    }
  }
  return [];
}

const TOKEN_TYPE_PATTERN = /^[A-Za-z][A-Za-z0-9+.-]*:\S+$/;

/**
 * The Token Exchange properties' problems: a subject token (entered, or another invoker's), an actor token type
 * with an actor token, token types that are URIs, and resources that are absolute URIs without a fragment.
 * @see https://www.rfc-editor.org/rfc/rfc8693#section-2.1
 */
export function validateTokenExchange(p: InvokerProperties): PropertyIssue[] {
  const problems: PropertyIssue[] = [];
  if (isBlank(p.subjectToken) && isBlank(p.subjectTokenInvoker)) {
    problems.push(
      issue(
        'subjectToken',
        'required',
        `is required for the ${GRANT_TYPE_LABELS.token_exchange} grant: enter it, or choose an invoker in "${PROPERTY_LABELS.subjectTokenInvoker}".`,
      ),
    );
  }
  if (!isBlank(p.actorToken) && isBlank(p.actorTokenType)) {
    problems.push(issue('actorTokenType', 'required', `is required when an "${PROPERTY_LABELS.actorToken}" is given (RFC 8693 §2.1).`));
  }
  for (const field of ['subjectTokenType', 'actorTokenType', 'requestedTokenType'] as const) {
    const value = p[field]?.trim() ?? '';
    if (value !== '' && !TOKEN_TYPE_PATTERN.test(value)) {
      problems.push(
        issue(field, 'invalid', `must be a token type URI such as urn:ietf:params:oauth:token-type:access_token (it is "${value.slice(0, 200)}").`),
      );
    }
  }
  for (const resource of (p.resource ?? '').split(/\s+/).filter((part) => part !== '')) {
    if (!URL.canParse(resource) || new URL(resource).hash !== '') {
      problems.push(
        issue('resource', 'invalid', `must hold absolute URIs without a #fragment, separated by spaces (RFC 8707); "${resource.slice(0, 200)}" is not one.`),
      );
      break;
    }
  }
  return problems;
}

/**
 * The JWT Bearer properties' problems: the entered assertion, or what signing one needs (a subject, an issuer or
 * Client ID, the key) when the client's own authentication does not check the key already.
 * @see https://www.rfc-editor.org/rfc/rfc7523#section-2.1
 */
export function validateJwtBearer(p: InvokerProperties): PropertyIssue[] {
  const source = p.assertionSource ?? 'signed';
  if (!ASSERTION_SOURCES.includes(source)) {
    return [issue('assertionSource', 'invalid', `must be one of ${ASSERTION_SOURCES.join(', ')}.`)];
  }
  const grant = GRANT_TYPE_LABELS.jwt_bearer;
  if (source === 'entered') {
    return isBlank(p.assertion) ? [issue('assertion', 'required', `is required for the ${grant} grant when the assertion is entered.`)] : [];
  }
  const problems: PropertyIssue[] = [];
  if (isBlank(p.assertionSubject)) {
    problems.push(
      issue('assertionSubject', 'required', `is required to sign the ${grant} assertion: it is the "sub" claim, the user or service the token is for.`),
    );
  }
  if (isBlank(p.assertionIssuer) && isBlank(p.clientId)) {
    problems.push(
      issue('assertionIssuer', 'required', `is required to sign the ${grant} assertion when there is no "${PROPERTY_LABELS.clientId}" (it defaults to it).`),
    );
  }
  const method = clientAuthMethodOf(p);
  if (method !== 'private_key_jwt') {
    problems.push(...validateAssertionKey(p, `the ${grant} grant's signed assertion`));
  }
  if (method !== 'private_key_jwt' && method !== 'client_secret_jwt') {
    problems.push(...validateAssertionAudience(p));
  }
  return problems;
}

/** The client authentication properties' problems: what the chosen method needs, each naming its field. */
export function validateClientAuthentication(p: InvokerProperties): PropertyIssue[] {
  if (p.clientAuthentication === undefined) {
    return [];
  }
  const method = p.clientAuthentication;
  if (!CLIENT_AUTH_METHODS.includes(method)) {
    return [issue('clientAuthentication', 'invalid', `must be one of ${CLIENT_AUTH_METHODS.join(', ')}.`)];
  }
  const label = CLIENT_AUTH_METHOD_LABELS[method];
  const problems: PropertyIssue[] = [];
  if (method !== 'none' && isBlank(p.clientId)) {
    problems.push(issue('clientId', 'required', `is required for client authentication "${label}".`));
  }
  if (usesClientSecret(method) && isBlank(p.clientSecret)) {
    problems.push(issue('clientSecret', 'required', `is required for client authentication "${label}".`));
  }
  if (method === 'private_key_jwt') {
    problems.push(...validateAssertionKey(p, `client authentication "${label}"`));
  }
  if (method === 'private_key_jwt' || method === 'client_secret_jwt') {
    problems.push(...validateAssertionAudience(p));
  }
  if ((method === 'tls_client_auth' || method === 'self_signed_tls_client_auth') && isBlank(p.tlsCertFile) && isBlank(p.tlsPfxFile)) {
    problems.push(
      issue(
        'tlsCertFile',
        'required',
        `(or "${PROPERTY_LABELS.tlsPfxFile}") is required for client authentication "${label}": the client certificate authenticates the client.`,
      ),
    );
  }
  return problems;
}

/** An optional endpoint URL: empty is fine (the operation then says which property to fill), anything else is an http(s) URL without credentials or fragment. */
export function validateToolboxEndpoint(field: ToolboxEndpoint, value: string | undefined): PropertyIssue[] {
  if (isBlank(value)) {
    return [];
  }
  const text = (value ?? '').trim();
  let url: URL;
  try {
    url = new URL(text);
  } catch {
    return [issue(field, 'invalid', `is not a valid URL: "${text.slice(0, 200)}".`)];
  }
  if (url.protocol !== 'https:' && url.protocol !== 'http:') {
    return [issue(field, 'invalid', `must start with https:// (it starts with ${url.protocol}//).`)];
  }
  if (url.username !== '' || url.password !== '') {
    return [issue(field, 'not-allowed', 'must not contain a user name or password; use Client ID and Client Secret.')];
  }
  if (url.hash !== '') {
    return [issue(field, 'invalid', 'must not contain a #fragment.')];
  }
  return [];
}

/**
 * Checks the properties before any request and returns every problem, each naming its field; empty when Execute may run.
 * @see https://www.rfc-editor.org/rfc/rfc6749#section-4.4
 */
export function validateProperties(properties: InvokerProperties, targetMessage?: string): PropertyIssue[] {
  const p = properties;
  const problems = validateUrl(p.authorizationServerUrl);
  if (!GRANT_TYPES.includes(p.grantType)) {
    problems.push(issue('grantType', 'invalid', `must be one of ${GRANT_TYPES.join(', ')}.`));
  }
  if (p.basicEncoding !== undefined && !BASIC_ENCODINGS.includes(p.basicEncoding)) {
    problems.push(issue('basicEncoding', 'invalid', `must be one of ${BASIC_ENCODINGS.join(', ')}.`));
  }
  const grant = GRANT_TYPE_LABELS[p.grantType] ?? p.grantType;
  const explicitMethod = p.clientAuthentication !== undefined;
  if (p.grantType === 'client_credentials') {
    if (isBlank(p.clientId)) {
      problems.push(issue('clientId', 'required', `is required for the ${grant} grant.`));
    }
    if (!explicitMethod && isBlank(p.clientSecret)) {
      problems.push(issue('clientSecret', 'required', `is required for the ${grant} grant.`));
    }
  } else if (!explicitMethod && !isBlank(p.clientSecret) && isBlank(p.clientId)) {
    problems.push(issue('clientId', 'required', 'is required when a Client Secret is given.'));
  }
  problems.push(...validateClientAuthentication(p));
  if (p.grantType === 'password') {
    if (isBlank(p.username)) {
      problems.push(issue('username', 'required', `is required for the ${grant} grant.`));
    }
    if (p.password === undefined || p.password === '') {
      problems.push(issue('password', 'required', `is required for the ${grant} grant.`));
    }
  }
  if (p.grantType === 'refresh_token' && isBlank(p.refreshToken)) {
    problems.push(issue('refreshToken', 'required', `is required for the ${grant} grant.`));
  }
  if (isInteractiveGrant(p.grantType) && isBlank(p.clientId)) {
    problems.push(issue('clientId', 'required', `is required for the ${grant} grant.`));
  }
  if (p.grantType === 'authorization_code') {
    problems.push(...validateEndpoint('authorizationEndpointUrl', p.authorizationEndpointUrl, grant, p.allowInsecureHttp === true));
    if (present(p.redirectUri)) {
      problems.push(...validateRedirectUri(p.redirectUri));
    }
  }
  if (p.grantType === 'device_code') {
    problems.push(...validateEndpoint('deviceAuthorizationEndpointUrl', p.deviceAuthorizationEndpointUrl, grant, p.allowInsecureHttp === true));
  }
  if (p.grantType === 'token_exchange') {
    problems.push(...validateTokenExchange(p));
  }
  if (p.grantType === 'jwt_bearer') {
    problems.push(...validateJwtBearer(p));
  }
  problems.push(...validateExtraParameters(p.extraParameters ?? [], 'extraParameters', reservedParameters(p)));
  problems.push(...validateExtraParameters(p.authorizationParameters ?? [], 'authorizationParameters', RESERVED_AUTHORIZATION_PARAMETERS));
  problems.push(...validateNetworkProperties(p));
  for (const field of TOOLBOX_ENDPOINTS) {
    problems.push(...validateToolboxEndpoint(field, p[field]));
  }
  if (targetMessage !== undefined && !TARGET_MESSAGE_PATTERN.test(targetMessage)) {
    problems.push(issue('targetMessage', 'invalid', 'must start with a letter or _ and hold only letters, digits, _ . - (at most 64), like DJMOUT.'));
  }
  return problems;
}
