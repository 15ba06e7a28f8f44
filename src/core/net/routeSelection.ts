import { createHash } from 'node:crypto';
import type { LookupFunction } from 'node:net';
import type { Deadline } from './deadline';
import type { RequestPurpose } from './networkErrors';
import { proxyRouteFor, readProxyEnvironment, type ProxyEnvironment, type ProxyRoute, type SystemProxySettings } from './proxyRoute';
import { TLS_FILE_PROPERTIES, type NetworkProperties, type TlsFileProperty } from '../../shared/properties';
import type { RouteBinding } from '../model/routeBinding';
import { hasTls } from './tlsMaterial';

// Network selection: for a URL and the invoker's network properties, VS Code's proxy settings and the proxy
// environment, which proxy applies, whether the certificate is verified, and which pool identity the connection takes;
// one decision for both the connection (network.ts) and the binding of the secrets sent on it (currentRoute.ts),
// remembered until any input changes.

export function present(value: string | undefined): value is string {
  return value !== undefined && value.trim() !== '';
}

function hash(parts: readonly unknown[]): string {
  return createHash('sha256').update(JSON.stringify(parts)).digest('base64url');
}

/** How a route must connect, and what bounds the wait for it. */
export interface RouteOptions {
  /**
   * Plain http:// without "Allow Insecure HTTP": connect only where the host resolves to a loopback address (checked
   * on every new connection), and never through a proxy. Refusals are InvokerErrors of kind `insecure-url`.
   */
  readonly loopbackOnly?: boolean;
  /** Resolves host names instead of the system resolver: tests answer as a hostile DNS server would. */
  readonly lookup?: LookupFunction;
  /** Which request this is, for the words of a refusal. */
  readonly purpose?: RequestPurpose;
  /** Stops the wait for a pool being built (TLS files read); when no one waits any more, the reading stops too. */
  readonly deadline?: Deadline;
}

/** A stable id per resolver function, for the pool key. */
const lookupIds = new WeakMap<LookupFunction, number>();
let nextLookupId = 1;

function lookupId(lookup: LookupFunction | undefined): number {
  if (lookup === undefined) {
    return 0;
  }
  let id = lookupIds.get(lookup);
  if (id === undefined) {
    id = nextLookupId++;
    lookupIds.set(lookup, id);
  }
  return id;
}

export function proxyCredentials(
  p: NetworkProperties,
  route: ProxyRoute,
  settings: SystemProxySettings | undefined,
): { token?: string; hasCredentials: boolean } {
  if (present(p.proxyUsername)) {
    return { token: `Basic ${Buffer.from(`${p.proxyUsername.trim()}:${p.proxyPassword ?? ''}`, 'utf8').toString('base64')}`, hasCredentials: true };
  }
  if (route.url.username !== '') {
    const decode = (part: string): string => {
      try {
        return decodeURIComponent(part);
      } catch {
        return part;
      }
    };
    return { token: `Basic ${Buffer.from(`${decode(route.url.username)}:${decode(route.url.password)}`, 'utf8').toString('base64')}`, hasCredentials: true };
  }
  if (route.source !== 'invoker' && present(settings?.proxyAuthorization)) {
    return { token: settings.proxyAuthorization.trim(), hasCredentials: true };
  }
  return { hasCredentials: false };
}

// The route chosen for a URL and its settings, remembered until any input changes: the proxy (its URL parsed, NO_PROXY
// matched) and the pool's identity. Everything the choice depends on is in the key: the URL, every network property,
// VS Code's proxy settings, the proxy environment's values (read on each call, so a change is seen at once), whether
// only loopback may be reached, and the resolver. The TLS files' stamps are not: they are taken on every call.

/** What network selection decided for one set of inputs. */
export interface Selection {
  readonly proxy: ProxyRoute | undefined;
  /** Through VS Code's (or the environment's) proxy with "http.proxyStrictSSL" off, to an https:// server: nothing is verified. */
  readonly proxyNotStrict: boolean;
  /** The route binding of this selection, but the CA file's content hash (see `selectedBinding`). */
  readonly binding: Omit<RouteBinding, 'caSha256'>;
  /** The TLS files the pool reads, whose stamps join its key. */
  readonly files: readonly TlsFileProperty[];
  /** The pool's key without the files' stamps; undefined: the shared direct pool (no proxy, no TLS, no resolver). */
  readonly identity?: string;
}

/** At most this many selections are remembered; then they are all forgotten and chosen afresh. */
const MAX_SELECTIONS = 64;
const selections = new Map<string, Selection>();
let selectionsMade = 0;

function selectionKey(
  target: URL | string,
  p: NetworkProperties,
  settings: SystemProxySettings | undefined,
  env: ProxyEnvironment,
  options: RouteOptions,
): string {
  return JSON.stringify([
    typeof target === 'string' ? target : target.href,
    p.proxy,
    p.proxyUsername,
    p.proxyPassword,
    p.tlsCaFile,
    p.tlsCertFile,
    p.tlsKeyFile,
    p.tlsPfxFile,
    p.tlsPassphrase,
    p.tlsRejectUnauthorized,
    settings?.proxy,
    settings?.noProxy,
    settings?.strictSSL,
    settings?.proxyAuthorization,
    settings?.useEnvironment,
    env.httpsProxy,
    env.httpProxy,
    env.noProxy,
    options.loopbackOnly === true,
    lookupId(options.lookup),
  ]);
}

function originOf(target: URL | string): string {
  try {
    return (typeof target === 'string' ? new URL(target.trim()) : target).origin;
  } catch {
    return '';
  }
}

/** One decision for both the connection and the binding of the secrets sent on it. */
function choose(
  target: URL | string,
  p: NetworkProperties,
  settings: SystemProxySettings | undefined,
  env: ProxyEnvironment,
  options: RouteOptions,
): Selection {
  const origin = originOf(target);
  const route = origin !== '' ? proxyRouteFor(target, p.proxy, settings, env) : undefined;
  const https = (typeof target === 'string' ? target.trim().slice(0, 6).toLowerCase() : target.protocol) === 'https:';
  const proxyNotStrict = route !== undefined && route.source !== 'invoker' && settings?.strictSSL === false && https;
  const binding = {
    origin,
    proxy: route === undefined ? 'direct' : `${route.source === 'environment' ? (route.variable ?? 'environment') : route.source} ${route.url.origin}`,
    verify: p.tlsRejectUnauthorized !== false && !proxyNotStrict,
    caFile: p.tlsCaFile?.trim() ?? '',
  };
  if (route === undefined && !hasTls(p) && options.lookup === undefined) {
    return { proxy: undefined, proxyNotStrict, binding, files: [] };
  }
  const files = TLS_FILE_PROPERTIES.filter((field) => present(p[field]) && !(field === 'tlsCertFile' && present(p.tlsPfxFile)));
  const identity = hash([
    route?.url.href,
    route !== undefined ? proxyCredentials(p, route, settings).token : undefined,
    proxyNotStrict,
    https,
    files.map((field) => [field, (p[field] as string).trim()]),
    p.tlsPassphrase ?? '',
    p.tlsRejectUnauthorized === false,
    options.loopbackOnly === true,
    lookupId(options.lookup),
  ]);
  return { proxy: route, proxyNotStrict, binding, files, identity };
}

/** The remembered selection for these inputs, chosen afresh when any of them changed. A refusal (a bad proxy URL) is not remembered. */
export function selectionFor(
  target: URL | string,
  p: NetworkProperties,
  settings: SystemProxySettings | undefined,
  env: ProxyEnvironment,
  options: RouteOptions,
): Selection {
  const key = selectionKey(target, p, settings, env, options);
  let selection = selections.get(key);
  if (selection === undefined) {
    selectionsMade += 1;
    selection = choose(target, p, settings, env, options);
    if (selections.size >= MAX_SELECTIONS) {
      selections.clear();
    }
    selections.set(key, selection);
  }
  return selection;
}

/** How many times network selection was made afresh (not taken from memory): for tests that check reuse. */
export function routeSelectionCount(): number {
  return selectionsMade;
}

/**
 * The route binding of a request to `target` with these properties: the proxy and verification come from the very
 * selection the connection takes (remembered alike, the proxy environment read alike), not from a second reckoning.
 * The CA file's content hash is left to the caller (it reads the file).
 */
export function selectedBinding(target: string, p: NetworkProperties, settings: SystemProxySettings | undefined): Omit<RouteBinding, 'caSha256'> {
  return selectionFor(target, p, settings, readProxyEnvironment(), {}).binding;
}

/** Forgets every remembered selection (tests and deactivation). */
export function forgetSelections(): void {
  selections.clear();
}
