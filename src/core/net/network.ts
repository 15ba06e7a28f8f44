import type { Agent as UndiciAgent, Dispatcher, ProxyAgent as UndiciProxyAgent } from 'undici';
import type { Deadline } from './deadline';
import { plainHttpThroughProxy, type NetworkDescription } from './networkErrors';
import { readProxyEnvironment, type ProxyRoute, type SystemProxySettings } from './proxyRoute';
import { PROPERTY_LABELS, type NetworkProperties } from '../../shared/properties';
import { urlPassword } from '../secrets/redact';
import { forgetSelections, present, proxyCredentials, selectionFor, type RouteOptions, type Selection } from './routeSelection';
import { hasTls, loadTls, stampOf } from './tlsMaterial';
import { closeSharedPools, CONNECT_TIMEOUT_MS, connector, loopbackDispatcher, POOL_OPTIONS, watchTlsAlerts, type DispatcherLike } from './transport';

export type { RouteOptions } from './routeSelection';

// Deep imports, like transport's Agent: the proxy agent without the rest of undici.
// eslint-disable-next-line @typescript-eslint/no-require-imports
const Agent = require('undici/lib/dispatcher/agent') as typeof UndiciAgent;
// eslint-disable-next-line @typescript-eslint/no-require-imports
const ProxyAgent = require('undici/lib/dispatcher/proxy-agent') as typeof UndiciProxyAgent;
// ProxyAgent opens its tunnel with Dispatcher#connect, which undici's index adds to the prototype; without the index
// (as in our bundle) it must be added here, or every proxied request fails with "connect is not a function".
// eslint-disable-next-line @typescript-eslint/no-require-imports
const DispatcherBase = require('undici/lib/dispatcher/dispatcher') as { prototype: { connect?: unknown } };
// eslint-disable-next-line @typescript-eslint/no-require-imports
DispatcherBase.prototype.connect ??= require('undici/lib/api/api-connect');

/** The network an exchange takes: a dispatcher (none: the shared direct pool) and what to say about it. */
export interface NetworkRoute {
  readonly dispatcher?: DispatcherLike;
  readonly description: NetworkDescription;
  /** Added to every DJMessage the exchange produced: the server's certificate was not verified. */
  readonly warning?: string;
  /** Secrets the route holds that the properties do not (a password in `http.proxy` or HTTPS_PROXY), for the redactor. */
  readonly secrets: readonly string[];
}

const LABEL = PROPERTY_LABELS;
const DIRECT: NetworkRoute = Object.freeze({ description: Object.freeze({ clientCertificate: false }), secrets: Object.freeze([]) });

// ---------------------------------------------------------------------------------------------------------------
// The pools: one per distinct network configuration, reused (keep-alive) until the configuration changes.

interface CachedRoute extends NetworkRoute {
  readonly close: () => Promise<void>;
}

/** A pool being built (its TLS files read) or built; the build stops when every Execute waiting for it gave up. */
interface PoolEntry {
  readonly route: Promise<CachedRoute>;
  readonly stopBuild: AbortController;
  waiting: number;
  settled: boolean;
  /** The route once built: later requests take it without waiting for a promise. */
  built?: CachedRoute;
}

/** At most this many pools stay open; the least recently used one is closed first. */
const MAX_POOLS = 16;
const pools = new Map<string, PoolEntry>();
/** The full key in use for a configuration without its files' stamps: a changed file replaces that pool. */
const currentKeys = new Map<string, string>();

function retire(key: string): void {
  const pool = pools.get(key);
  pools.delete(key);
  // close() lets requests already on their way finish.
  void pool?.route.then((route) => route.close()).catch(() => undefined);
}

/**
 * Waits for `promise` until the deadline stops, then rejects with the deadline's reason (which Deadline#failure
 * turns into a timeout or a cancel); `giveUp` runs then. Without a deadline, the promise itself.
 */
function untilStopped<T>(promise: Promise<T>, deadline: Deadline | undefined, giveUp: () => void = () => undefined): Promise<T> {
  if (deadline === undefined) {
    return promise;
  }
  return new Promise<T>((resolve, reject) => {
    let done = false;
    let unsubscribe = (): void => undefined;
    const finish = (): boolean => {
      const first = !done;
      done = true;
      unsubscribe();
      return first;
    };
    unsubscribe = deadline.onStop((reason) => {
      if (finish()) {
        giveUp();
        reject(reason);
      }
    });
    if (done) {
      return;
    }
    promise.then(
      (value) => finish() && resolve(value),
      (error: unknown) => finish() && reject(error),
    );
  });
}

/** Waits for a pool entry; the last waiter to give up stops the build (its file reads) while it is still running. */
function waitFor(entry: PoolEntry, deadline: Deadline | undefined): Promise<CachedRoute> {
  if (entry.settled) {
    return entry.route;
  }
  entry.waiting += 1;
  if (deadline === undefined) {
    return entry.route; // waits as long as it takes: the build is never stopped for want of waiters
  }
  let counted = true;
  const leave = (): void => {
    if (counted) {
      counted = false;
      entry.waiting -= 1;
    }
  };
  const waited = untilStopped(entry.route, deadline, () => {
    leave();
    if (entry.waiting === 0 && !entry.settled) {
      entry.stopBuild.abort();
    }
  });
  void waited.then(leave, leave);
  return waited;
}

function unverifiedWarning(p: NetworkProperties, proxyNotStrict: boolean, https: boolean): string | undefined {
  if (!https) {
    return undefined; // plain http:// has no certificate to verify
  }
  if (p.tlsRejectUnauthorized === false) {
    return `The server's certificate was not verified ("${LABEL.tlsRejectUnauthorized}" is off for this invoker): anyone on the network path could have read or changed this exchange.`;
  }
  if (proxyNotStrict) {
    return 'The server\'s certificate was not verified (VS Code\'s "http.proxyStrictSSL" is off and the request went through the proxy): anyone on the network path could have read or changed this exchange.';
  }
  return undefined;
}

/** Wraps undici's ProxyAgent: it writes a `host` header into the headers it is given, so it gets a copy. */
function copyingHeaders(agent: UndiciProxyAgent): Pick<Dispatcher, 'dispatch'> {
  return {
    dispatch: (options, handler) => agent.dispatch({ ...options, headers: { ...(options.headers as Record<string, string>) } }, handler),
  };
}

/** undici builds the TLS connection through the tunnel with a connector of its own; wrap it so its TLS alerts are kept too. */
function watchTunnelTlsAlerts(agent: UndiciProxyAgent): void {
  const symbol = Object.getOwnPropertySymbols(agent).find((s) => s.description === 'connect endpoint function');
  const record = agent as unknown as Record<symbol, unknown>;
  if (symbol !== undefined && typeof record[symbol] === 'function') {
    record[symbol] = watchTlsAlerts(record[symbol] as Parameters<typeof watchTlsAlerts>[0]);
  }
}

async function buildRoute(
  target: URL,
  p: NetworkProperties,
  route: ProxyRoute | undefined,
  proxyNotStrict: boolean,
  settings: SystemProxySettings | undefined,
  options: RouteOptions,
  signal: AbortSignal,
): Promise<CachedRoute> {
  const material = hasTls(p) ? await loadTls(p, signal) : { clientCertificate: false };
  const rejectUnauthorized = p.tlsRejectUnauthorized !== false && !proxyNotStrict;
  const requestTls = {
    ...(material.secureContext !== undefined ? { secureContext: material.secureContext } : {}),
    ...(rejectUnauthorized ? {} : { rejectUnauthorized: false }),
  };
  const description: NetworkDescription = {
    ...(present(p.tlsCaFile) ? { tlsCaFile: p.tlsCaFile.trim() } : {}),
    clientCertificate: material.clientCertificate,
  };
  const warning = unverifiedWarning(p, proxyNotStrict, target.protocol === 'https:');
  if (route === undefined) {
    const agent = new Agent({ ...POOL_OPTIONS, connect: connector(requestTls, { lookup: options.lookup, loopbackOnly: options.loopbackOnly }) });
    return { dispatcher: agent, description, ...(warning !== undefined ? { warning } : {}), secrets: [], close: () => agent.close() };
  }
  const credentials = proxyCredentials(p, route, settings);
  const proxyUri = `${route.url.protocol}//${route.url.host}`;
  const agent = new ProxyAgent({
    uri: proxyUri,
    // connections: the tunnels per origin, as for a direct pool.
    ...POOL_OPTIONS,
    ...(credentials.token !== undefined ? { token: credentials.token } : {}),
    requestTls: { timeout: CONNECT_TIMEOUT_MS, ...requestTls },
    proxyTls: {
      timeout: CONNECT_TIMEOUT_MS,
      ...(material.proxySecureContext !== undefined ? { secureContext: material.proxySecureContext } : {}),
      ...(proxyNotStrict ? { rejectUnauthorized: false } : {}),
      ...(options.lookup !== undefined ? { lookup: options.lookup } : {}),
    },
  });
  watchTunnelTlsAlerts(agent);
  return {
    dispatcher: copyingHeaders(agent),
    description: {
      ...description,
      proxy: {
        display: proxyUri,
        source: route.source,
        ...(route.variable !== undefined ? { variable: route.variable } : {}),
        hasCredentials: credentials.hasCredentials,
      },
    },
    ...(warning !== undefined ? { warning } : {}),
    secrets: [
      ...urlPassword(route.url.href),
      ...(route.source !== 'invoker' && present(settings?.proxyAuthorization) ? [settings.proxyAuthorization.trim()] : []),
      // The credentials as the proxy receives them (base64 of user:password, without padding), should anything echo them.
      ...(credentials.token !== undefined ? [credentials.token.replace(/^\S+\s+/, '').replace(/=+$/, '')] : []),
    ],
    close: () => agent.close(),
  };
}

function cachedRoute(
  target: URL,
  p: NetworkProperties,
  selection: Selection & { readonly identity: string },
  settings: SystemProxySettings | undefined,
  options: RouteOptions,
): NetworkRoute | Promise<NetworkRoute> {
  const { proxy: route, files, identity } = selection;
  // The files' stamps (modification time, size, inode) are taken on every call: a changed file gets a new pool.
  let stamps: string[];
  try {
    stamps = files.map((field) => stampOf(field, (p[field] as string).trim()));
  } catch (error) {
    return Promise.reject(error as Error);
  }
  const key = stamps.length === 0 ? identity : `${identity}|${stamps.join('|')}`;
  const previous = currentKeys.get(identity);
  if (previous !== undefined && previous !== key) {
    retire(previous);
  }
  currentKeys.set(identity, key);
  let entry = pools.get(key);
  if (entry === undefined) {
    const stopBuild = new AbortController();
    const built = buildRoute(target, p, route, selection.proxyNotStrict, settings, options, stopBuild.signal);
    const created: PoolEntry = { route: built, stopBuild, waiting: 0, settled: false };
    entry = created;
    built.then(
      (done) => {
        created.settled = true;
        created.built = done;
      },
      () => {
        created.settled = true;
        // A configuration that failed (a missing file, a build nobody waited for) is not kept: the next Execute tries again.
        if (pools.get(key) === created) {
          pools.delete(key);
          currentKeys.delete(identity);
        }
      },
    );
    if (pools.size >= MAX_POOLS) {
      const oldest = pools.keys().next().value as string;
      retire(oldest);
    }
  } else {
    pools.delete(key); // re-inserted below: most recently used last
  }
  pools.set(key, entry);
  return entry.built ?? waitFor(entry, options.deadline);
}

let directLoopback: NetworkRoute | undefined;

/**
 * The dispatcher and description for a request to `target` with these network properties: the shared direct pool
 * (synchronously, no work) when no proxy applies and no TLS property is set; else a pool kept for this configuration.
 * With `loopbackOnly` (plain http:// without "Allow Insecure HTTP"), a pool whose every connection is checked to go
 * to a loopback address, and no proxy: a proxy reads plain http:// and resolves names itself, so nothing here could
 * check where the request ends up; that refusal throws at once (kind `insecure-url`).
 * Rejects with an InvokerError (`invalid-properties` naming the field) when a TLS file cannot be read or used,
 * or (`proxy`) when the proxy URL of a setting or environment variable is not usable.
 */
export function selectNetwork(
  target: URL | string,
  p: NetworkProperties,
  settings?: SystemProxySettings,
  options: RouteOptions = {},
): NetworkRoute | Promise<NetworkRoute> {
  const selection = selectionFor(target, p, settings, readProxyEnvironment(), options);
  const route = selection.proxy;
  if (route !== undefined && options.loopbackOnly === true) {
    const proxy = {
      display: `${route.url.protocol}//${route.url.host}`,
      source: route.source,
      ...(route.variable !== undefined ? { variable: route.variable } : {}),
      hasCredentials: false,
    };
    throw plainHttpThroughProxy(typeof target === 'string' ? new URL(target) : target, proxy, options.purpose);
  }
  const identity = selection.identity;
  if (identity === undefined) {
    if (options.loopbackOnly === true) {
      directLoopback ??= Object.freeze({ dispatcher: loopbackDispatcher(), description: DIRECT.description, secrets: DIRECT.secrets });
      return directLoopback;
    }
    return DIRECT;
  }
  return cachedRoute(typeof target === 'string' ? new URL(target) : target, p, { ...selection, identity }, settings, options);
}

/**
 * Closes every pool (the proxy and TLS ones of this module, and transport's shared direct and loopback pools) with
 * their kept-alive connections, and forgets the environment it read; for tests and deactivation.
 */
export async function resetNetwork(): Promise<void> {
  const all = [...pools.values()];
  pools.clear();
  currentKeys.clear();
  directLoopback = undefined;
  forgetSelections();
  await Promise.all([closeSharedPools(), ...all.map((pool) => pool.route.then((route) => route.close()).catch(() => undefined))]);
}

/** How many pools are open: for tests that check reuse. */
export function openPoolCount(): number {
  return pools.size;
}
