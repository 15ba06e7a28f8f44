import { BlockList, isIP } from 'node:net';
import { InvokerError } from '../model/errors';
import type { ProxySource } from './networkErrors';
import { PROPERTY_LABELS } from '../../shared/properties';

// Which proxy a request goes through: the invoker's own, VS Code's http.* settings, or the environment's variables.

const LABEL = PROPERTY_LABELS;

function present(value: string | undefined): value is string {
  return value !== undefined && value.trim() !== '';
}

/**
 * The extension-wide proxy settings that `proxy: 'system'` means, as VS Code has them. Omitted fields fall back to
 * the environment (HTTPS_PROXY, HTTP_PROXY, NO_PROXY, lower case first), read at each request so a change is seen.
 */
export interface SystemProxySettings {
  /** VS Code's `http.proxy`; empty or absent: the environment decides. May hold `user:password@` (a secret). */
  readonly proxy?: string;
  /** VS Code's `http.noProxy`: hosts reached directly, like NO_PROXY entries. Added to NO_PROXY's. */
  readonly noProxy?: readonly string[];
  /**
   * VS Code's `http.proxyStrictSSL` (default true). `false`: when a request goes through the system proxy, neither
   * the proxy's certificate nor the server's (which an inspecting proxy replaces) is verified; messages carry a warning.
   */
  readonly strictSSL?: boolean;
  /** VS Code's `http.proxyAuthorization`: the Proxy-Authorization header value, used when no credentials are given otherwise. A secret. */
  readonly proxyAuthorization?: string;
  /** `false` (VS Code's `http.proxySupport: off`): ignore the environment variables too. Default true. */
  readonly useEnvironment?: boolean;
}

/** One environment variable's value and its name (for messages). */
export interface EnvironmentValue {
  readonly name: string;
  readonly value: string;
}

/** The proxy environment variables that matter, lower case first as curl and undici read them. */
export interface ProxyEnvironment {
  readonly httpsProxy?: EnvironmentValue;
  readonly httpProxy?: EnvironmentValue;
  readonly noProxy?: EnvironmentValue;
}

/** Where a request goes first: the proxy (credentials included, never shown) and where that choice came from. */
export interface ProxyRoute {
  readonly url: URL;
  readonly source: ProxySource;
  readonly variable?: string;
}

/** Reads the proxy environment variables: `https_proxy` before `HTTPS_PROXY`, empty values ignored. */
export function readProxyEnvironment(env: NodeJS.ProcessEnv = process.env): ProxyEnvironment {
  const pick = (...names: string[]): EnvironmentValue | undefined => {
    for (const name of names) {
      const value = env[name];
      if (value !== undefined && value.trim() !== '') {
        return { name, value: value.trim() };
      }
    }
    return undefined;
  };
  return { httpsProxy: pick('https_proxy', 'HTTPS_PROXY'), httpProxy: pick('http_proxy', 'HTTP_PROXY'), noProxy: pick('no_proxy', 'NO_PROXY') };
}

function hostWithoutBrackets(hostname: string): string {
  return hostname
    .toLowerCase()
    .replace(/^\[|\]$/g, '')
    .replace(/\.$/, '');
}

/**
 * True when NO_PROXY-style entries send the host directly: `*`; a host name, which also covers its subdomains
 * (`example.com`, `.example.com`, `*.example.com`); an IP address or CIDR range (`10.0.0.0/8`); each optionally
 * with `:port`. Entries are separated by commas or white space.
 */
export function bypassesProxy(target: URL, entries: readonly string[]): boolean {
  const host = hostWithoutBrackets(target.hostname);
  const port = Number(target.port) || (target.protocol === 'https:' ? 443 : 80);
  const ipVersion = isIP(host);
  for (const raw of entries.flatMap((entry) => entry.split(/[\s,]+/))) {
    const entry = raw.trim().toLowerCase();
    if (entry === '') {
      continue;
    }
    if (entry === '*') {
      return true;
    }
    const withPort = /^(\[[^\]]+\]|[^:]+):(\d+)$/.exec(entry);
    if (withPort !== null && Number(withPort[2]) !== port) {
      continue;
    }
    const name = hostWithoutBrackets(withPort !== null ? withPort[1] : entry).replace(/^\*?\./, '');
    const cidr = /^(.+)\/(\d{1,3})$/.exec(name);
    if (cidr !== null && ipVersion !== 0) {
      const family = isIP(cidr[1]);
      if (family === ipVersion) {
        const list = new BlockList();
        try {
          list.addSubnet(cidr[1], Number(cidr[2]), family === 4 ? 'ipv4' : 'ipv6');
        } catch {
          continue; // not a valid range: ignore it, as curl does
        }
        if (list.check(host, family === 4 ? 'ipv4' : 'ipv6')) {
          return true;
        }
      }
      continue;
    }
    if (host === name || host.endsWith(`.${name}`)) {
      return true;
    }
  }
  return false;
}

/** A proxy URL as people write it: `proxy:3128` means `http://proxy:3128`. */
function parseProxyUrl(value: string, source: ProxySource, variable?: string): URL {
  const where =
    source === 'invoker' ? `"${LABEL.proxy}"` : source === 'settings' ? 'VS Code\'s "http.proxy" setting' : `the ${variable ?? 'proxy'} environment variable`;
  let url: URL;
  try {
    url = new URL(/^[a-z][a-z0-9+.-]*:\/\//i.test(value) ? value : `http://${value}`);
  } catch {
    throw new InvokerError(`The proxy in ${where} is not a valid URL.`, { kind: 'proxy', field: 'proxy' });
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:') {
    throw new InvokerError(`The proxy in ${where} uses ${url.protocol}//, but only http:// and https:// proxies are supported.`, {
      kind: 'proxy',
      field: 'proxy',
    });
  }
  return url;
}

/**
 * Which proxy a request to `target` goes through, or undefined for a direct connection.
 * `none`: direct. A URL: that proxy, for every host. `system` (default): `settings.proxy`, else HTTPS_PROXY (https
 * targets, falling back to HTTP_PROXY) or HTTP_PROXY; a host matched by `settings.noProxy` or NO_PROXY goes direct.
 * Loopback hosts are not exempt by themselves (as with curl and undici): list them in NO_PROXY.
 */
export function proxyRouteFor(
  target: URL | string,
  choice: string | undefined,
  settings: SystemProxySettings | undefined,
  env: ProxyEnvironment,
): ProxyRoute | undefined {
  const mode = choice?.trim() ?? '';
  if (mode === 'none') {
    return undefined;
  }
  if (mode !== '' && mode !== 'system') {
    return { url: parseProxyUrl(mode, 'invoker'), source: 'invoker' };
  }
  const useEnvironment = settings?.useEnvironment !== false;
  let candidate: { value: string; source: ProxySource; variable?: string } | undefined;
  if (present(settings?.proxy)) {
    candidate = { value: settings.proxy.trim(), source: 'settings' };
  } else if (useEnvironment && (env.httpsProxy !== undefined || env.httpProxy !== undefined)) {
    const https = (typeof target === 'string' ? target.trim().slice(0, 6).toLowerCase() : target.protocol) === 'https:';
    const variable = https ? (env.httpsProxy ?? env.httpProxy) : env.httpProxy;
    candidate = variable !== undefined ? { value: variable.value, source: 'environment', variable: variable.name } : undefined;
  }
  if (candidate === undefined) {
    return undefined;
  }
  const bypass = [...(settings?.noProxy ?? []), ...(useEnvironment && env.noProxy !== undefined ? [env.noProxy.value] : [])];
  if (bypass.length > 0 && bypassesProxy(typeof target === 'string' ? new URL(target) : target, bypass)) {
    return undefined;
  }
  return {
    url: parseProxyUrl(candidate.value, candidate.source, candidate.variable),
    source: candidate.source,
    ...(candidate.variable !== undefined ? { variable: candidate.variable } : {}),
  };
}
