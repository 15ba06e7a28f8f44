import { createHash, createPrivateKey, X509Certificate } from 'node:crypto';
import { stat } from 'node:fs/promises';
import { BlockList, isIP, type LookupFunction } from 'node:net';
import * as tls from 'node:tls';
import type { Agent as UndiciAgent, Dispatcher, ProxyAgent as UndiciProxyAgent } from 'undici';
import { fileIssue, fsReason, readRegularFile, regularFileProblem, tlsSettingsError } from './boundedFile';
import type { Deadline } from './deadline';
import { InvokerError } from './errors';
import { plainHttpThroughProxy, type NetworkDescription, type ProxySource, type RequestPurpose } from './networkErrors';
import { PROPERTY_LABELS, TLS_FILE_PROPERTIES, type NetworkProperties, type PropertyIssue, type TlsFileProperty } from '../shared/properties';
import { urlPassword } from './redact';
import { CONNECT_TIMEOUT_MS, connector, loopbackDispatcher, POOL_OPTIONS, watchTlsAlerts, type DispatcherLike } from './transport';

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

/**
 * The extension-wide proxy settings that `proxy: 'system'` means, as VS Code has them. Omitted fields fall back to
 * the environment (HTTPS_PROXY, HTTP_PROXY, NO_PROXY, lower case first), which is read once per process.
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

function present(value: string | undefined): value is string {
  return value !== undefined && value.trim() !== '';
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

let environment: ProxyEnvironment | undefined;

/** The process's proxy environment, read once: an extension host's environment does not change while it runs. */
function proxyEnvironment(): ProxyEnvironment {
  environment ??= readProxyEnvironment();
  return environment;
}

function hostWithoutBrackets(hostname: string): string {
  return hostname.toLowerCase().replace(/^\[|\]$/g, '').replace(/\.$/, '');
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
  const where = source === 'invoker' ? `"${LABEL.proxy}"` : source === 'settings' ? 'VS Code\'s "http.proxy" setting' : `the ${variable ?? 'proxy'} environment variable`;
  let url: URL;
  try {
    url = new URL(/^[a-z][a-z0-9+.-]*:\/\//i.test(value) ? value : `http://${value}`);
  } catch {
    throw new InvokerError(`The proxy in ${where} is not a valid URL.`, { kind: 'proxy', field: 'proxy' });
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:') {
    throw new InvokerError(`The proxy in ${where} uses ${url.protocol}//, but only http:// and https:// proxies are supported.`, { kind: 'proxy', field: 'proxy' });
  }
  return url;
}

/**
 * Which proxy a request to `target` goes through, or undefined for a direct connection.
 * `none`: direct. A URL: that proxy, for every host. `system` (default): `settings.proxy`, else HTTPS_PROXY (https
 * targets, falling back to HTTP_PROXY) or HTTP_PROXY; a host matched by `settings.noProxy` or NO_PROXY goes direct.
 * Loopback hosts are not exempt by themselves (as with curl and undici): list them in NO_PROXY.
 */
export function proxyRouteFor(target: URL | string, choice: string | undefined, settings: SystemProxySettings | undefined, env: ProxyEnvironment): ProxyRoute | undefined {
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
  return { url: parseProxyUrl(candidate.value, candidate.source, candidate.variable), source: candidate.source, ...(candidate.variable !== undefined ? { variable: candidate.variable } : {}) };
}

function hasTls(p: NetworkProperties): boolean {
  return present(p.tlsCaFile) || present(p.tlsCertFile) || present(p.tlsKeyFile) || present(p.tlsPfxFile) || p.tlsRejectUnauthorized === false;
}

// ---------------------------------------------------------------------------------------------------------------
// TLS material: files read when the configuration (or a file's modification time) changes, never per request.

function refuseTls(issues: PropertyIssue[]): never {
  throw tlsSettingsError(issues);
}

/**
 * Identifies a file's content cheaply: a changed CA file gets a new pool. A FIFO, a device or a file past the size
 * cap is refused here already, before anything is opened.
 */
async function stampOf(field: TlsFileProperty, file: string): Promise<string> {
  let info;
  try {
    info = await stat(file);
  } catch (error) {
    refuseTls([fileIssue(field, `cannot be read: ${fsReason(error)} (${file}).`)]);
  }
  const problem = regularFileProblem(field, file, info);
  if (problem !== undefined) {
    refuseTls([problem]);
  }
  return `${file}@${info.mtimeMs}:${info.size}:${info.ino}`;
}

const PEM_CERTIFICATE = /-----BEGIN (?:TRUSTED )?CERTIFICATE-----[\s\S]+?-----END (?:TRUSTED )?CERTIFICATE-----/g;
const PEM_PRIVATE_KEY = /-----BEGIN (?:RSA |EC |ENCRYPTED |DSA )?PRIVATE KEY-----/;

/** Every certificate in a PEM bundle (or one DER certificate, as Windows exports them), as PEM; an issue when none parses. */
function certificatesIn(field: 'tlsCaFile' | 'tlsCertFile', content: Buffer): string[] {
  const text = content.toString('latin1');
  const blocks = text.match(PEM_CERTIFICATE) ?? [];
  const out: string[] = [];
  try {
    if (blocks.length === 0) {
      out.push(new X509Certificate(content).toString());
    } else {
      for (const block of blocks) {
        out.push(new X509Certificate(block).toString());
      }
    }
  } catch {
    refuseTls([fileIssue(field, blocks.length === 0 ? 'holds no certificate (PEM or DER).' : 'holds a certificate that cannot be parsed.')]);
  }
  return out;
}

function passphraseIssue(what: string, passphrase: string | undefined): PropertyIssue {
  return present(passphrase)
    ? fileIssue('tlsPassphrase', `does not decrypt ${what}.`)
    : fileIssue('tlsPassphrase', `is required: ${what} is encrypted.`);
}

/** The material and what it does, checked field by field so a problem is reported against the right one. */
interface TlsMaterial {
  readonly secureContext?: tls.SecureContext;
  /** For an https:// proxy: the extra CAs, no client certificate. */
  readonly proxySecureContext?: tls.SecureContext;
  readonly clientCertificate: boolean;
}

/** A secure context with the default roots (and whatever the host adds to them) plus the extra CAs. */
function contextWith(options: tls.SecureContextOptions, extraCas: readonly string[]): tls.SecureContext {
  const context = tls.createSecureContext(options);
  const native = (context as { context?: { addCACert?: (pem: string) => void } }).context;
  if (extraCas.length === 0) {
    return context;
  }
  if (typeof native?.addCACert === 'function') {
    // Adding to the default store keeps NODE_EXTRA_CA_CERTS and the system certificates VS Code adds.
    extraCas.forEach((pem) => native.addCACert?.(pem));
    return context;
  }
  const defaults = (tls as { getCACertificates?: (type: string) => string[] }).getCACertificates?.('default') ?? tls.rootCertificates;
  return tls.createSecureContext({ ...options, ca: [...defaults, ...extraCas] });
}

async function loadTls(p: NetworkProperties, signal: AbortSignal): Promise<TlsMaterial> {
  const readTlsFile = (field: TlsFileProperty, file: string): Promise<Buffer> => readRegularFile(file, { field, signal });
  const extraCas = present(p.tlsCaFile) ? certificatesIn('tlsCaFile', await readTlsFile('tlsCaFile', p.tlsCaFile.trim())) : [];
  const passphrase = p.tlsPassphrase !== undefined && p.tlsPassphrase !== '' ? p.tlsPassphrase : undefined;
  const options: tls.SecureContextOptions = {};
  if (present(p.tlsPfxFile)) {
    options.pfx = await readTlsFile('tlsPfxFile', p.tlsPfxFile.trim());
    options.passphrase = passphrase;
  } else if (present(p.tlsCertFile)) {
    const certContent = await readTlsFile('tlsCertFile', p.tlsCertFile.trim());
    const chain = certificatesIn('tlsCertFile', certContent);
    // A PEM file may hold the key beside the certificate; then "Client Key File" may stay empty.
    const keyContent = present(p.tlsKeyFile) ? await readTlsFile('tlsKeyFile', p.tlsKeyFile.trim()) : PEM_PRIVATE_KEY.test(certContent.toString('latin1')) ? certContent : undefined;
    if (keyContent === undefined) {
      refuseTls([{ field: 'tlsKeyFile', code: 'required', message: `"${LABEL.tlsKeyFile}" is required: "${LABEL.tlsCertFile}" holds no private key.` }]);
    }
    try {
      createPrivateKey({ key: keyContent, passphrase });
    } catch (error) {
      const code = (error as { code?: unknown }).code;
      const encrypted = code === 'ERR_OSSL_BAD_DECRYPT' || code === 'ERR_MISSING_PASSPHRASE' || code === 'ERR_OSSL_CRYPTO_INTERRUPTED_OR_CANCELLED' || /-----BEGIN ENCRYPTED PRIVATE KEY-----|Proc-Type: 4,ENCRYPTED/.test(keyContent.toString('latin1'));
      refuseTls([encrypted ? passphraseIssue(`"${LABEL.tlsKeyFile}"`, passphrase) : fileIssue('tlsKeyFile', 'holds no private key that can be read (PEM).')]);
    }
    options.cert = chain.join('\n');
    options.key = keyContent;
    options.passphrase = passphrase;
  }
  let secureContext: tls.SecureContext | undefined;
  try {
    secureContext = options.pfx !== undefined || options.cert !== undefined || extraCas.length > 0 ? contextWith(options, extraCas) : undefined;
  } catch (error) {
    const code = (error as { code?: unknown }).code;
    const message = error instanceof Error ? error.message : '';
    if (options.pfx !== undefined) {
      refuseTls([/mac verify failure|bad decrypt/i.test(message) ? passphraseIssue(`"${LABEL.tlsPfxFile}"`, passphrase) : fileIssue('tlsPfxFile', 'is not a PKCS#12 (.pfx / .p12) file that can be read.')]);
    }
    refuseTls([
      code === 'ERR_OSSL_X509_KEY_VALUES_MISMATCH'
        ? fileIssue('tlsKeyFile', `is not the private key of the certificate in "${LABEL.tlsCertFile}".`)
        : fileIssue('tlsCertFile', `cannot be used: ${message.split('\n')[0]}.`),
    ]);
  }
  return {
    ...(secureContext !== undefined ? { secureContext } : {}),
    ...(extraCas.length > 0 ? { proxySecureContext: contextWith({}, extraCas) } : {}),
    clientCertificate: options.pfx !== undefined || options.cert !== undefined,
  };
}

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
}

/** At most this many pools stay open; the least recently used one is closed first. */
const MAX_POOLS = 16;
const pools = new Map<string, PoolEntry>();
/** The full key in use for a configuration without its files' stamps: a changed file replaces that pool. */
const currentKeys = new Map<string, string>();

function hash(parts: readonly unknown[]): string {
  return createHash('sha256').update(JSON.stringify(parts)).digest('base64url');
}

function retire(key: string): void {
  const pool = pools.get(key);
  pools.delete(key);
  // close() lets requests already on their way finish.
  void pool?.route.then((route) => route.close()).catch(() => undefined);
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

function proxyCredentials(p: NetworkProperties, route: ProxyRoute, settings: SystemProxySettings | undefined): { token?: string; hasCredentials: boolean } {
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

async function buildRoute(target: URL, p: NetworkProperties, route: ProxyRoute | undefined, settings: SystemProxySettings | undefined, options: RouteOptions, signal: AbortSignal): Promise<CachedRoute> {
  const material = hasTls(p) ? await loadTls(p, signal) : { clientCertificate: false };
  const proxyNotStrict = route !== undefined && route.source !== 'invoker' && settings?.strictSSL === false && target.protocol === 'https:';
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
      proxy: { display: proxyUri, source: route.source, ...(route.variable !== undefined ? { variable: route.variable } : {}), hasCredentials: credentials.hasCredentials },
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

async function cachedRoute(target: URL, p: NetworkProperties, route: ProxyRoute | undefined, settings: SystemProxySettings | undefined, options: RouteOptions): Promise<NetworkRoute> {
  const files = TLS_FILE_PROPERTIES.filter((field) => present(p[field]) && !(field === 'tlsCertFile' && present(p.tlsPfxFile)));
  const stamps = files.length === 0 ? [] : await untilStopped(Promise.all(files.map((field) => stampOf(field, (p[field] as string).trim()))), options.deadline);
  const proxyNotStrict = route !== undefined && route.source !== 'invoker' && settings?.strictSSL === false;
  const identity = hash([
    route?.url.href,
    route !== undefined ? proxyCredentials(p, route, settings).token : undefined,
    proxyNotStrict,
    target.protocol === 'https:',
    files.map((field) => [field, (p[field] as string).trim()]),
    p.tlsPassphrase ?? '',
    p.tlsRejectUnauthorized === false,
    options.loopbackOnly === true,
    lookupId(options.lookup),
  ]);
  const key = hash([identity, stamps]);
  const previous = currentKeys.get(identity);
  if (previous !== undefined && previous !== key) {
    retire(previous);
  }
  currentKeys.set(identity, key);
  let entry = pools.get(key);
  if (entry === undefined) {
    const stopBuild = new AbortController();
    const built = buildRoute(target, p, route, settings, options, stopBuild.signal);
    const created: PoolEntry = { route: built, stopBuild, waiting: 0, settled: false };
    entry = created;
    built.then(
      () => {
        created.settled = true;
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
  return waitFor(entry, options.deadline);
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
export function selectNetwork(target: URL | string, p: NetworkProperties, settings?: SystemProxySettings, options: RouteOptions = {}): NetworkRoute | Promise<NetworkRoute> {
  // The default path (no proxy applies, no TLS property) does no more than these few checks: not even a URL parse.
  const route = proxyRouteFor(target, p.proxy, settings, proxyEnvironment());
  if (route !== undefined && options.loopbackOnly === true) {
    const proxy = { display: `${route.url.protocol}//${route.url.host}`, source: route.source, ...(route.variable !== undefined ? { variable: route.variable } : {}), hasCredentials: false };
    throw plainHttpThroughProxy(typeof target === 'string' ? new URL(target) : target, proxy, options.purpose);
  }
  if (route === undefined && !hasTls(p) && options.lookup === undefined) {
    if (options.loopbackOnly === true) {
      directLoopback ??= Object.freeze({ dispatcher: loopbackDispatcher(), description: DIRECT.description, secrets: DIRECT.secrets });
      return directLoopback;
    }
    return DIRECT;
  }
  return cachedRoute(typeof target === 'string' ? new URL(target) : target, p, route, settings, options);
}

/** Closes every pool this module opened (not the shared direct one) and forgets the environment it read; for tests and deactivation. */
export async function resetNetwork(): Promise<void> {
  const all = [...pools.values()];
  pools.clear();
  currentKeys.clear();
  environment = undefined;
  await Promise.all(all.map((pool) => pool.route.then((route) => route.close()).catch(() => undefined)));
}

/** How many pools are open: for tests that check reuse. */
export function openPoolCount(): number {
  return pools.size;
}
