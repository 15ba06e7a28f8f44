import { invalidProperties } from '../model/invalidProperties';
import { refuseInsecureUrl } from '../net/insecureUrl';
import type { LookupFunction } from 'node:net';
import type { Dispatcher } from 'undici';
import { Deadline } from '../net/deadline';
import { InvokerError } from '../model/errors';
import { selectNetwork, type NetworkRoute } from '../net/network';
import type { SystemProxySettings } from '../net/proxyRoute';
export { endpointsFor, tokenEndpointFor } from '../../shared/properties';
import { GRANT_TYPES, PROPERTY_LABELS, WIRE_GRANT_TYPES, type GrantType, type NetworkProperties, type PropertyIssue } from '../../shared/properties';
import { validateNetworkProperties } from '../../shared/networkValidation';
import { isLoopbackHost } from '../../shared/urlValidation';
import { jsonTooDeep, MAX_JSON_DEPTH } from '../model/jsonDepth';
import { createRedactor, redactError, type Redactor } from '../secrets/redact';
import { send, type RawResponse } from '../net/transport';
import { USER_AGENT } from '../model/version';

export interface DiscoveryOptions {
  /** The invoker's proxy and TLS properties: discovery takes the same way to the server as the token request. */
  readonly network?: NetworkProperties;
  /** As for execute(): what `proxy: 'system'` means. */
  readonly systemProxy?: SystemProxySettings;
  /** Allows plain http:// to a host that is not loopback (the invoker's "Allow Insecure HTTP"). */
  readonly allowInsecureHttp?: boolean;
  readonly signal?: AbortSignal;
  /** Bounds the whole discovery, every candidate URL included (default 30 s). */
  readonly timeoutMs?: number;
  /** Default 1 MiB per answer. */
  readonly maxResponseBytes?: number;
  /** Tests: undici's MockAgent; the network properties are then not applied. */
  readonly dispatcher?: Dispatcher;
  readonly log?: (level: 'info' | 'warn', line: string) => void;
  /** As for execute(): resolves host names instead of the system resolver (tests). */
  readonly lookup?: LookupFunction;
  /**
   * Use metadata whose `issuer` is not the Issuer URL given (kept with a warning) instead of refusing it: only for
   * providers whose metadata names a template, such as Entra ID's multi-tenant `…/{tenantid}/v2.0`. Default false.
   */
  readonly acceptDifferentIssuer?: boolean;
}

/** What the form needs from an authorization server's metadata, and the metadata itself. */
export interface DiscoveryResult {
  /** The `issuer` the metadata states. */
  readonly issuer: string;
  /** Where the metadata was found. */
  readonly metadataUrl: string;
  /** The token endpoint: the invoker's "Authorization Server URL". */
  readonly tokenEndpoint: string;
  /** `grant_types_supported` as listed; absent when the server does not list it (RFC 8414 then means authorization_code and implicit, which servers often forget to extend). */
  readonly grantTypesSupported?: readonly string[];
  /** The invoker's grant types among those listed; every one when the server lists none. */
  readonly invokerGrantTypes: readonly GrantType[];
  /** `token_endpoint_auth_methods_supported` as listed; absent when not listed (default client_secret_basic). */
  readonly tokenEndpointAuthMethodsSupported?: readonly string[];
  /** `authorization_endpoint`, when it is usable (https://, or loopback http://): the invoker's "Authorization Endpoint URL". */
  readonly authorizationEndpoint?: string;
  /** `device_authorization_endpoint` (RFC 8628 §4), when usable: the invoker's "Device Authorization Endpoint". */
  readonly deviceAuthorizationEndpoint?: string;
  /** `authorization_response_iss_parameter_supported` (RFC 9207 §3): the redirect must then carry `iss`. */
  readonly issParameterSupported: boolean;
  /** `introspection_endpoint` (RFC 8414 §2, RFC 7662), when the server names a usable one: the invoker's "Introspection Endpoint". */
  readonly introspectionEndpoint?: string;
  /** `revocation_endpoint` (RFC 8414 §2, RFC 7009), when the server names a usable one: the invoker's "Revocation Endpoint". */
  readonly revocationEndpoint?: string;
  /** The suggested "Credentials in Request Body": see suggestCredentialsInRequestBody. */
  readonly credentialsInRequestBody?: boolean;
  /** `mtls_endpoint_aliases.token_endpoint`: where mutual-TLS clients send token requests (RFC 8705 §5), when listed. */
  readonly mtlsTokenEndpoint?: string;
  /** `mtls_endpoint_aliases.device_authorization_endpoint` (RFC 8705 §5), when listed. */
  readonly mtlsDeviceAuthorizationEndpoint?: string;
  /** `mtls_endpoint_aliases.introspection_endpoint` (RFC 8705 §5), when listed. */
  readonly mtlsIntrospectionEndpoint?: string;
  /** `mtls_endpoint_aliases.revocation_endpoint` (RFC 8705 §5), when listed. */
  readonly mtlsRevocationEndpoint?: string;
  /** Oddities worth showing: an issuer that differs from the URL given (when accepted), a field of the wrong type. */
  readonly warnings: readonly string[];
  /** The whole metadata document. */
  readonly metadata: Readonly<Record<string, unknown>>;
}

const DEFAULT_TIMEOUT_MS = 30_000;
const OIDC_SUFFIX = '/.well-known/openid-configuration';
const OAUTH_SUFFIX = '/.well-known/oauth-authorization-server';

/**
 * The suggested "Credentials in Request Body" for the client authentication methods a server lists: `false` (Basic)
 * when client_secret_basic is among them or none are listed (RFC 8414's default), `true` when only client_secret_post
 * is, undefined when neither is (the server wants another method, e.g. private_key_jwt).
 * @see https://www.rfc-editor.org/rfc/rfc8414#section-2
 */
export function suggestCredentialsInRequestBody(methods: readonly string[] | undefined): boolean | undefined {
  if (methods === undefined || methods.includes('client_secret_basic')) {
    return false;
  }
  return methods.includes('client_secret_post') ? true : undefined;
}

/**
 * The URLs to read, in order: OpenID Connect Discovery's (appended to the issuer), then RFC 8414's (inserted between
 * the host and the issuer's path), then the OpenID form with the path inserted. A URL that already names a
 * `/.well-known/` document is read as it is.
 * @see https://openid.net/specs/openid-connect-discovery-1_0.html#ProviderConfig
 * @see https://www.rfc-editor.org/rfc/rfc8414#section-3.1
 * @see https://www.rfc-editor.org/rfc/rfc8414#section-5
 */
export function metadataUrls(issuer: string): string[] {
  const url = new URL(issuer.trim());
  if (url.pathname.includes('/.well-known/')) {
    return [url.href];
  }
  const path = url.pathname.replace(/\/+$/, '');
  if (path === '') {
    return [`${url.origin}${OIDC_SUFFIX}`, `${url.origin}${OAUTH_SUFFIX}`];
  }
  return [`${url.origin}${path}${OIDC_SUFFIX}`, `${url.origin}${OAUTH_SUFFIX}${path}`, `${url.origin}${OIDC_SUFFIX}${path}`];
}

function issuerIssue(message: string, code: PropertyIssue['code'] = 'invalid'): InvokerError {
  const issues: PropertyIssue[] = [{ field: 'issuer', code, message: `"Issuer URL" ${message}` }];
  return new InvokerError(`"Issuer URL" ${message}`, { kind: code === 'not-allowed' ? 'insecure-url' : 'invalid-properties', issues });
}

function checkIssuer(issuer: string, allowInsecureHttp: boolean): URL {
  if (issuer.trim() === '') {
    throw issuerIssue('is required.', 'required');
  }
  let url: URL;
  try {
    url = new URL(issuer.trim());
  } catch {
    throw issuerIssue(`is not a valid URL: "${issuer.trim().slice(0, 200)}".`);
  }
  if (url.protocol !== 'https:' && url.protocol !== 'http:') {
    throw issuerIssue(`must start with https:// (it starts with ${url.protocol}//).`);
  }
  if (url.username !== '' || url.password !== '' || url.search !== '' || url.hash !== '') {
    throw issuerIssue('must not contain a user name, a password, a ?query or a #fragment (RFC 8414 §2).');
  }
  refuseInsecureUrl(url, 'issuer', allowInsecureHttp);
  return url;
}

function allowedEndpoint(value: string, allowInsecureHttp: boolean): boolean {
  try {
    const url = new URL(value);
    return url.protocol === 'https:' || (url.protocol === 'http:' && (allowInsecureHttp || isLoopbackHost(url.hostname)));
  } catch {
    return false;
  }
}

function stringList(metadata: Record<string, unknown>, name: string, warnings: string[]): string[] | undefined {
  const value = metadata[name];
  if (value === undefined || value === null) {
    return undefined;
  }
  if (!Array.isArray(value) || !value.every((item) => typeof item === 'string')) {
    warnings.push(`"${name}" is not a list of strings; it was ignored.`);
    return undefined;
  }
  return value as string[];
}

/**
 * Reads one metadata answer: a JSON object with a usable `token_endpoint`; its `issuer` identical to the one expected
 * (else refused, kind `issuer-mismatch` naming both: metadata of another issuer must not be used; with
 * `acceptDifferentIssuer`, for templated issuers such as Entra's `{tenantid}`, kept with a warning), the lists
 * checked, the suggestion made.
 * @see https://www.rfc-editor.org/rfc/rfc8414#section-3.2
 * @see https://www.rfc-editor.org/rfc/rfc8414#section-3.3
 * @see https://openid.net/specs/openid-connect-discovery-1_0.html#ProviderConfigurationValidation
 */
export function parseAuthorizationServerMetadata(
  raw: RawResponse,
  context: { readonly metadataUrl: string; readonly expectedIssuer?: string; readonly allowInsecureHttp?: boolean; readonly acceptDifferentIssuer?: boolean },
): DiscoveryResult {
  const where = `The metadata at ${context.metadataUrl}`;
  const text = raw.body.replace(/^\uFEFF/, '');
  if (jsonTooDeep(text)) {
    throw new InvokerError(`${where} nests JSON deeper than ${MAX_JSON_DEPTH} levels; it was not read.`, { kind: 'invalid-response', status: raw.status });
  }
  let metadata: unknown;
  try {
    metadata = JSON.parse(text);
  } catch {
    throw new InvokerError(`${where} is not JSON (${raw.headers['content-type'] ?? 'no content type'}).`, { kind: 'invalid-response', status: raw.status });
  }
  if (metadata === null || typeof metadata !== 'object' || Array.isArray(metadata)) {
    throw new InvokerError(`${where} is not a JSON object.`, { kind: 'invalid-response', status: raw.status });
  }
  const m = metadata as Record<string, unknown>;
  const warnings: string[] = [];
  const tokenEndpoint = m.token_endpoint;
  if (typeof tokenEndpoint !== 'string' || tokenEndpoint === '') {
    throw new InvokerError(`${where} has no "token_endpoint".`, { kind: 'invalid-response', status: raw.status });
  }
  if (!allowedEndpoint(tokenEndpoint, context.allowInsecureHttp === true)) {
    throw new InvokerError(`${where} names a "token_endpoint" that is not an https:// URL: ${tokenEndpoint.slice(0, 200)}.`, {
      kind: 'invalid-response',
      status: raw.status,
    });
  }
  const issuer = typeof m.issuer === 'string' ? m.issuer : '';
  const expected = context.expectedIssuer?.trim();
  if (expected !== undefined && issuer !== expected) {
    // Compared exactly, as the redirect's `iss` is (RFC 9207 §2.4): a trailing slash names another issuer.
    const stated = issuer === '' ? 'no "issuer"' : `the issuer "${issuer.slice(0, 200)}"`;
    if (context.acceptDifferentIssuer !== true) {
      const message = `"${PROPERTY_LABELS.issuer}" is "${expected}", but ${where} names ${stated} (RFC 8414 §3.3 requires the same): it was not used. Enter the server's own issuer, or turn on "${PROPERTY_LABELS.acceptDifferentIssuer}" for a provider whose metadata names a template (Entra ID's {tenantid}).`;
      throw new InvokerError(message, { kind: 'issuer-mismatch', status: raw.status, issues: [{ field: 'issuer', code: 'invalid', message }] });
    }
    warnings.push(`The metadata names ${stated}, not the Issuer URL given (${expected}); it was used since "${PROPERTY_LABELS.acceptDifferentIssuer}" is on.`);
  } else if (issuer === '') {
    warnings.push('The metadata has no "issuer".');
  }
  const grantTypesSupported = stringList(m, 'grant_types_supported', warnings);
  const tokenEndpointAuthMethodsSupported = stringList(m, 'token_endpoint_auth_methods_supported', warnings);
  /** An endpoint of the metadata (or of its `mtls_endpoint_aliases`): a usable URL, else absent with a warning. */
  const endpointIn = (record: Record<string, unknown>, name: string, shownAs: string): string | undefined => {
    const value = record[name];
    if (value === undefined || value === null || value === '') {
      return undefined;
    }
    if (typeof value !== 'string' || !allowedEndpoint(value, context.allowInsecureHttp === true)) {
      warnings.push(`"${shownAs}" is not an https:// URL; it was ignored.`);
      return undefined;
    }
    return value;
  };
  const endpoint = (name: string): string | undefined => endpointIn(m, name, name);
  const authorizationEndpoint = endpoint('authorization_endpoint');
  const deviceAuthorizationEndpoint = endpoint('device_authorization_endpoint');
  // A sign-in grant is offered only with its endpoint; device_code, token exchange and JWT bearer are listed under their URNs.
  const listed = (grant: GrantType): boolean => grantTypesSupported === undefined || grantTypesSupported.includes(WIRE_GRANT_TYPES[grant]);
  const invokerGrantTypes = GRANT_TYPES.filter(
    (grant) =>
      listed(grant) &&
      (grant !== 'authorization_code' || authorizationEndpoint !== undefined) &&
      (grant !== 'device_code' || deviceAuthorizationEndpoint !== undefined),
  );
  if (grantTypesSupported !== undefined && invokerGrantTypes.length === 0) {
    warnings.push(`The server lists none of the invoker's grant types (${GRANT_TYPES.join(', ')}) in "grant_types_supported".`);
  }
  const credentialsInRequestBody = suggestCredentialsInRequestBody(tokenEndpointAuthMethodsSupported);
  const introspectionEndpoint = endpoint('introspection_endpoint');
  const revocationEndpoint = endpoint('revocation_endpoint');
  if (credentialsInRequestBody === undefined) {
    warnings.push(
      'The server lists neither client_secret_basic nor client_secret_post in "token_endpoint_auth_methods_supported": it may not accept a client secret.',
    );
  }
  // RFC 8705 §5: where mutual-TLS clients send each request, when the server serves client certificates elsewhere.
  const listedAliases = m.mtls_endpoint_aliases;
  const aliases =
    listedAliases !== null && typeof listedAliases === 'object' && !Array.isArray(listedAliases) ? (listedAliases as Record<string, unknown>) : {};
  const alias = (name: string): string | undefined => endpointIn(aliases, name, `mtls_endpoint_aliases.${name}`);
  const mtlsTokenEndpoint = alias('token_endpoint');
  const mtlsDeviceAuthorizationEndpoint = alias('device_authorization_endpoint');
  const mtlsIntrospectionEndpoint = alias('introspection_endpoint');
  const mtlsRevocationEndpoint = alias('revocation_endpoint');
  return {
    issuer,
    metadataUrl: context.metadataUrl,
    tokenEndpoint,
    ...(mtlsTokenEndpoint !== undefined ? { mtlsTokenEndpoint } : {}),
    ...(mtlsDeviceAuthorizationEndpoint !== undefined ? { mtlsDeviceAuthorizationEndpoint } : {}),
    ...(mtlsIntrospectionEndpoint !== undefined ? { mtlsIntrospectionEndpoint } : {}),
    ...(mtlsRevocationEndpoint !== undefined ? { mtlsRevocationEndpoint } : {}),
    ...(grantTypesSupported !== undefined ? { grantTypesSupported } : {}),
    invokerGrantTypes,
    ...(authorizationEndpoint !== undefined ? { authorizationEndpoint } : {}),
    ...(deviceAuthorizationEndpoint !== undefined ? { deviceAuthorizationEndpoint } : {}),
    issParameterSupported: m.authorization_response_iss_parameter_supported === true,
    ...(tokenEndpointAuthMethodsSupported !== undefined ? { tokenEndpointAuthMethodsSupported } : {}),
    ...(introspectionEndpoint !== undefined ? { introspectionEndpoint } : {}),
    ...(revocationEndpoint !== undefined ? { revocationEndpoint } : {}),
    ...(credentialsInRequestBody !== undefined ? { credentialsInRequestBody } : {}),
    warnings,
    metadata: m,
  };
}

interface Miss {
  readonly url: string;
  readonly error: InvokerError;
}

function missed(url: string, raw: RawResponse): InvokerError {
  if (raw.status >= 300 && raw.status < 400) {
    const location = raw.headers.location;
    return new InvokerError(
      `${url} answered ${raw.status}, redirecting${location !== undefined ? ` to ${location}` : ''}; discovery does not follow redirects.`,
      {
        kind: 'redirect',
        status: raw.status,
        ...(location !== undefined ? { location } : {}),
      },
    );
  }
  return new InvokerError(`${url} answered ${raw.status}.`, { kind: 'server-rejected', status: raw.status });
}

/** The most telling of the misses: metadata of another issuer, metadata that was found but is unusable, then a redirect, then the last status. */
function bestMiss(issuer: string, misses: readonly Miss[]): InvokerError {
  const found = misses.find((miss) => miss.error.kind === 'issuer-mismatch') ?? misses.find((miss) => miss.error.kind === 'invalid-response');
  if (found !== undefined) {
    return found.error;
  }
  const redirect = misses.find((miss) => miss.error.kind === 'redirect');
  const tried = misses.map((miss) => `${miss.url} (${miss.error.status ?? '?'})`).join(', ');
  const follow =
    redirect?.error.location !== undefined ? ` One of them redirects to ${redirect.error.location}: if that is the server's, enter its issuer instead.` : '';
  const last = misses.at(-1)?.error;
  return new InvokerError(
    `No authorization server metadata was found for ${issuer}: tried ${tried}.${follow} Check "Issuer URL" (for Keycloak, the realm URL; for Entra ID, https://login.microsoftonline.com/<tenant>/v2.0).`,
    {
      kind: redirect !== undefined ? 'redirect' : 'server-rejected',
      ...(last?.status !== undefined ? { status: last.status } : {}),
      ...(redirect?.error.location !== undefined ? { location: redirect.error.location } : {}),
    },
  );
}

/**
 * Discovers an authorization server from its issuer URL: reads OpenID Connect Discovery's and RFC 8414's metadata
 * (GET, `Accept: application/json`, over the invoker's proxy and TLS settings, at most `maxResponseBytes`, within
 * `timeoutMs`) and returns the token endpoint, the grant types and client authentication methods, and the suggested
 * "Credentials in Request Body". Redirects are not followed and metadata naming another issuer is not used: the
 * issuer identifier must be exact (RFC 8414 §3.3), so a redirect is reported with its target, and a different
 * `issuer` with both names, for the user to check (`acceptDifferentIssuer` opts out, for templated issuers). Plain
 * http:// only to loopback (or when allowed).
 * Every failure rejects with an InvokerError (code 4).
 * @see https://www.rfc-editor.org/rfc/rfc8414#section-3
 * @see https://openid.net/specs/openid-connect-discovery-1_0.html#ProviderConfig
 */
export async function discover(issuerUrl: string, options: DiscoveryOptions = {}): Promise<DiscoveryResult> {
  const allowInsecureHttp = options.allowInsecureHttp === true;
  const issuer = checkIssuer(issuerUrl, allowInsecureHttp);
  const network = options.network ?? {};
  const issues = validateNetworkProperties(network);
  if (issues.length > 0) {
    throw invalidProperties(issues, "The invoker's network properties are not valid");
  }
  if (options.signal?.aborted === true) {
    throw new InvokerError('The discovery was cancelled before it started.', { kind: 'aborted' });
  }
  const timeoutMs = options.timeoutMs ?? DEFAULT_TIMEOUT_MS;
  let route: NetworkRoute | undefined;
  let redactor: Redactor | undefined;
  const redact: Redactor = (text) => (redactor ??= createRedactor([network.proxyPassword, network.tlsPassphrase, ...(route?.secrets ?? [])]))(text);
  const deadline = new Deadline(timeoutMs, options.signal);
  const urls = metadataUrls(issuer.href);
  try {
    if (options.dispatcher === undefined) {
      const loopbackOnly = issuer.protocol === 'http:' && !allowInsecureHttp;
      const selected = selectNetwork(new URL(urls[0]), network, options.systemProxy, { loopbackOnly, lookup: options.lookup, purpose: 'discovery', deadline });
      route = selected instanceof Promise ? await selected : selected;
    }
    const misses: Miss[] = [];
    for (const url of urls) {
      options.log?.('info', `GET ${url}`);
      const raw = await send(
        { url, method: 'GET', headers: { accept: 'application/json', 'user-agent': USER_AGENT } },
        {
          deadline,
          dispatcher: options.dispatcher ?? route?.dispatcher,
          maxResponseBytes: options.maxResponseBytes,
          network: route?.description,
          purpose: 'discovery',
          redact,
        },
      );
      options.log?.('info', `answer ${raw.status} (${redact(raw.headers['content-type'] ?? 'no content type')}, ${raw.body.length} characters)`);
      if (raw.status < 200 || raw.status >= 300) {
        misses.push({ url, error: missed(url, raw) });
        continue;
      }
      try {
        const expectedIssuer = issuer.pathname.includes('/.well-known/') ? undefined : issuerUrl;
        const result = parseAuthorizationServerMetadata(raw, {
          metadataUrl: url,
          expectedIssuer,
          allowInsecureHttp,
          acceptDifferentIssuer: options.acceptDifferentIssuer,
        });
        const warnings = route?.warning !== undefined ? [...result.warnings, route.warning] : result.warnings;
        warnings.forEach((warning) => options.log?.('warn', warning));
        return { ...result, warnings };
      } catch (error) {
        if (!(error instanceof InvokerError)) {
          throw error;
        }
        misses.push({ url, error });
      }
    }
    throw bestMiss(issuer.href, misses);
  } catch (error) {
    const stopped = deadline.failure(error, `The discovery of ${issuer.href}`);
    if (stopped !== undefined) {
      throw stopped;
    }
    if (error instanceof InvokerError) {
      const safe = redactError(error, redact);
      options.log?.('warn', safe.message);
      throw safe;
    }
    throw new InvokerError(`The discovery of ${issuer.href} failed unexpectedly: ${redact(String(error))}`, { kind: 'network' });
  } finally {
    deadline.dispose();
  }
}
