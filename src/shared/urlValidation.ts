import { PROPERTY_LABELS, type PropertyIssue, type ToolboxEndpoint } from './properties';
import { isBlank, issue } from './propertyIssue';
import { isListenerHost } from './redirectUri';

// The URL properties: the token endpoint, the sign-in endpoints, the redirect URI and the toolbox endpoints.

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

/** The URL of an http(s) property, or its problem: not a URL, or another scheme. */
function httpUrl(field: keyof typeof PROPERTY_LABELS, value: string): URL | PropertyIssue {
  const text = value.trim();
  if (!text.includes('://') && /^[a-z0-9.-]+\.[a-z0-9-]+(:\d+)?([/?]|$)|^(localhost|\[?[0-9a-f:.]+\]?)(:\d+)?([/?]|$)/i.test(text)) {
    // A host without a scheme ("login.example.com/oauth2/token", "localhost:8080/token"): the fix is to say which.
    return issue(field, 'invalid', `has no scheme: add https:// in front ("https://${text.slice(0, 200)}").`);
  }
  let url: URL;
  try {
    url = new URL(text);
  } catch {
    return issue(field, 'invalid', `is not a valid URL: "${text.slice(0, 200)}".`);
  }
  return url.protocol === 'https:' || url.protocol === 'http:' ? url : issue(field, 'invalid', `must start with https:// (it starts with ${url.protocol}//).`);
}

/** Credentials or a fragment in an endpoint URL: the client's credentials go in their own properties, and RFC 6749 §3.1 forbids a fragment. */
function userOrFragment(field: keyof typeof PROPERTY_LABELS, url: URL): PropertyIssue[] {
  const problems: PropertyIssue[] = [];
  if (url.username !== '' || url.password !== '') {
    problems.push(issue(field, 'not-allowed', 'must not contain a user name or password; use Client ID and Client Secret.'));
  }
  if (url.hash !== '') {
    problems.push(issue(field, 'invalid', 'must not contain a #fragment.'));
  }
  return problems;
}

/** The token endpoint ("Authorization Server URL"): required, an http(s) URL without credentials or fragment. */
export function validateTokenUrl(value: string): PropertyIssue[] {
  if (isBlank(value)) {
    return [issue('authorizationServerUrl', 'required', 'is required.')];
  }
  const url = httpUrl('authorizationServerUrl', value);
  return url instanceof URL ? userOrFragment('authorizationServerUrl', url) : [url];
}

/** An endpoint the browser or the client reaches: https://, or http:// to loopback (or anywhere with Allow Insecure HTTP). */
export function validateSignInEndpoint(
  field: 'authorizationEndpointUrl' | 'deviceAuthorizationEndpointUrl',
  value: string | undefined,
  grant: string,
  allowInsecureHttp: boolean,
): PropertyIssue[] {
  if (isBlank(value)) {
    return [issue(field, 'required', `is required for the ${grant} grant.`)];
  }
  const url = httpUrl(field, value ?? '');
  if (!(url instanceof URL)) {
    return [url];
  }
  if (url.protocol === 'http:' && !isLoopbackHost(url.hostname) && !allowInsecureHttp) {
    return [issue(field, 'not-allowed', `uses plain http:// to ${url.host}; use https://, or turn on "${PROPERTY_LABELS.allowInsecureHttp}".`)];
  }
  return userOrFragment(field, url);
}

/**
 * A redirect URI the invoker can receive: a loopback http:// URL (RFC 8252 §7.3; a port of its own or none, for a
 * free one), an https:// URL (a fixed redirect a proxy forwards to the loopback listener, as code-server's), or
 * the editor's own scheme (`vscode://`, `vscode-insiders://`…, received by its URI handler). Never a fragment.
 * @see https://www.rfc-editor.org/rfc/rfc8252#section-7
 */
export function validateRedirectUri(value: string): PropertyIssue[] {
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
  if (url.protocol === 'http:' && !isListenerHost(url.hostname)) {
    return [
      issue(
        'redirectUri',
        'not-allowed',
        `uses ${url.hostname}, where the sign-in does not listen: it listens on 127.0.0.1 only. Use http://127.0.0.1:PORT/path (or http://localhost:PORT/path), and register that.`,
      ),
    ];
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:' && !/^(vscode|vscode-insiders|vscodium|code-oss|cursor|windsurf)[a-z-]*:$/.test(url.protocol)) {
    return [issue('redirectUri', 'invalid', `must be a loopback http:// URL, an https:// URL or a vscode:// URI (it starts with ${url.protocol}//).`)];
  }
  return [];
}

/** An optional endpoint URL: empty is fine (the operation then says which property to fill), anything else is an http(s) URL without credentials or fragment. */
export function validateToolboxEndpoint(field: ToolboxEndpoint, value: string | undefined): PropertyIssue[] {
  if (isBlank(value)) {
    return [];
  }
  const url = httpUrl(field, value ?? '');
  return url instanceof URL ? userOrFragment(field, url) : [url];
}
