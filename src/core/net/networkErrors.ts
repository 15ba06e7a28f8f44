import { InvokerError, type InvokerErrorKind, type TransportCause } from '../model/errors';
import { PROPERTY_LABELS, type PropertyIssue } from '../../shared/properties';
import type { Redactor } from '../secrets/redact';

/** What a request was for, so the error's first words say which request failed. */
export type RequestPurpose = 'token' | 'discovery';

/** Where a proxy came from: the invoker's own `proxy` URL, VS Code's `http.proxy`, or an environment variable. */
export type ProxySource = 'invoker' | 'settings' | 'environment';

/** The network a request took, for error messages: never a secret (the proxy shown without its credentials). */
export interface NetworkDescription {
  readonly proxy?: {
    /** `http://proxy.example.com:3128`: scheme, host and port only. */
    readonly display: string;
    readonly source: ProxySource;
    /** The environment variable it came from, e.g. `HTTPS_PROXY`. */
    readonly variable?: string;
    readonly hasCredentials: boolean;
  };
  /** The invoker's extra CA file, when it has one. */
  readonly tlsCaFile?: string;
  /** True when the invoker presents a client certificate (PEM or PFX). */
  readonly clientCertificate: boolean;
}

export interface FailureContext {
  /** The URL as it may be shown (no credentials). */
  readonly url: string;
  readonly purpose?: RequestPurpose;
  readonly network?: NetworkDescription;
  readonly redact?: Redactor;
}

const LABEL = PROPERTY_LABELS;

/** Connection failures without a proxy: what happened, and what to check. */
const NETWORK_MESSAGES: Readonly<Record<string, string>> = {
  ECONNREFUSED: 'the connection was refused (is the server running and the port right?)',
  EAI_AGAIN: 'the host name could not be resolved right now (DNS)',
  ECONNRESET: 'the connection was reset by the server',
  EHOSTUNREACH: 'the host is unreachable',
  ENETUNREACH: 'the network is unreachable',
  ETIMEDOUT: 'the connection timed out',
  UND_ERR_CONNECT_TIMEOUT: 'the connection timed out',
  UND_ERR_SOCKET: 'the connection closed before the whole answer arrived',
  UND_ERR_CLOSED: 'the connection closed before the whole answer arrived',
  UND_ERR_RES_CONTENT_LENGTH_MISMATCH: 'the answer did not match its Content-Length',
  UND_ERR_HEADERS_OVERFLOW: "the answer's headers were too large",
};

/** The server's certificate chain does not end at a CA we trust (self-signed, private or corporate CA). */
const UNTRUSTED_CERTIFICATE = new Set([
  'UNABLE_TO_VERIFY_LEAF_SIGNATURE',
  'UNABLE_TO_GET_ISSUER_CERT',
  'UNABLE_TO_GET_ISSUER_CERT_LOCALLY',
  'SELF_SIGNED_CERT_IN_CHAIN',
  'DEPTH_ZERO_SELF_SIGNED_CERT',
  'CERT_UNTRUSTED',
  'INVALID_CA',
  'CERT_CHAIN_TOO_LONG',
]);

/** TLS alerts a server sends when it does not accept the client certificate it got. */
const CLIENT_CERTIFICATE_REFUSED = new Set([
  'ERR_SSL_TLSV1_ALERT_UNKNOWN_CA',
  'ERR_SSL_SSLV3_ALERT_BAD_CERTIFICATE',
  'ERR_SSL_SSLV3_ALERT_CERTIFICATE_UNKNOWN',
  'ERR_SSL_SSLV3_ALERT_UNSUPPORTED_CERTIFICATE',
  'ERR_SSL_SSLV3_ALERT_CERTIFICATE_EXPIRED',
  'ERR_SSL_SSLV3_ALERT_CERTIFICATE_REVOKED',
  'ERR_SSL_TLSV1_ALERT_ACCESS_DENIED',
  'ERR_SSL_TLSV1_ALERT_DECRYPT_ERROR',
]);

/** Failures of the TCP connection itself: with a proxy, that connection is the one to the proxy. */
const CONNECT_FAILURES = new Set(['ECONNREFUSED', 'ENOTFOUND', 'EAI_AGAIN', 'ETIMEDOUT', 'UND_ERR_CONNECT_TIMEOUT', 'EHOSTUNREACH', 'ENETUNREACH']);

const STATUS_TEXT: Readonly<Record<number, string>> = {
  403: 'Forbidden',
  404: 'Not Found',
  407: 'Proxy Authentication Required',
  500: 'Internal Server Error',
  502: 'Bad Gateway',
  503: 'Service Unavailable',
  504: 'Gateway Timeout',
};

interface Failure {
  readonly kind: InvokerErrorKind;
  readonly sentence: string;
  readonly field?: string;
  readonly issues?: readonly PropertyIssue[];
}

function codeOf(error: unknown): string | undefined {
  const code = (error as { code?: unknown } | null | undefined)?.code;
  return typeof code === 'string' ? code : undefined;
}

/** The error that says most: undici wraps some (a TLS error through a proxy) in one of its own. */
function innermost(error: unknown): unknown {
  const cause = (error as { cause?: unknown } | null | undefined)?.cause;
  const code = codeOf(error);
  if (cause instanceof Error && (code === undefined || code === 'UND_ERR_PRX_TLS' || code === 'UND_ERR_CONNECT')) {
    return cause;
  }
  return error;
}

function causeOf(error: unknown): TransportCause {
  if (error instanceof Error) {
    const code = codeOf(error);
    return { name: error.name, message: error.message, ...(code !== undefined ? { code } : {}) };
  }
  return { name: 'Error', message: String(error) };
}

function proxySourceText(proxy: NonNullable<NetworkDescription['proxy']>): string {
  switch (proxy.source) {
    case 'invoker':
      return `the invoker's "${LABEL.proxy}"`;
    case 'settings':
      return 'VS Code\'s "http.proxy" setting';
    case 'environment':
      return `the ${proxy.variable ?? 'HTTPS_PROXY'} environment variable`;
  }
}

function hostOf(url: string): string {
  try {
    return new URL(url).host;
  } catch {
    return url;
  }
}

function urlField(purpose: RequestPurpose): string {
  return purpose === 'discovery' ? 'issuer' : 'authorizationServerUrl';
}

function urlLabel(purpose: RequestPurpose): string {
  return purpose === 'discovery' ? 'Issuer URL' : LABEL.authorizationServerUrl;
}

function tlsFailure(code: string, error: unknown, context: FailureContext, purpose: RequestPurpose): Failure | undefined {
  const network = context.network;
  const behindProxy = network?.proxy !== undefined ? " If a proxy inspects HTTPS on this network, it is the proxy's CA that is needed." : '';
  if (UNTRUSTED_CERTIFICATE.has(code)) {
    const what =
      code === 'DEPTH_ZERO_SELF_SIGNED_CERT'
        ? "the server's certificate is self-signed"
        : code === 'SELF_SIGNED_CERT_IN_CHAIN'
          ? "the server's certificate chain ends at a self-signed CA that is not trusted"
          : "the server's certificate is signed by a certificate authority that is not trusted";
    const already = network?.tlsCaFile !== undefined ? ` (the CA in ${network.tlsCaFile} did not sign it either)` : '';
    return {
      kind: 'tls',
      field: 'tlsCaFile',
      sentence: `${what}${already} (${code}). Add the CA certificate file (PEM) to the invoker's TLS settings ("${LABEL.tlsCaFile}").${behindProxy}`,
    };
  }
  if (code === 'CERT_HAS_EXPIRED') {
    return {
      kind: 'tls',
      field: 'tlsRejectUnauthorized',
      sentence: `the server's certificate has expired (${code}). The server's administrator must renew it (check this computer's clock too); only for a test server, turn off "${LABEL.tlsRejectUnauthorized}" for this invoker.`,
    };
  }
  if (code === 'CERT_NOT_YET_VALID') {
    return {
      kind: 'tls',
      field: 'tlsRejectUnauthorized',
      sentence: `the server's certificate is not valid yet (${code}). Check this computer's clock; only for a test server, turn off "${LABEL.tlsRejectUnauthorized}" for this invoker.`,
    };
  }
  if (code === 'ERR_TLS_CERT_ALTNAME_INVALID') {
    const reason = (error as { reason?: unknown }).reason;
    const detail = typeof reason === 'string' && reason !== '' ? `: ${reason.replace(/[:\s]+$/, '')}` : '';
    return {
      kind: 'tls',
      field: urlField(purpose),
      sentence: `the server's certificate is not valid for the host ${hostOf(context.url)} (${code}${detail}). Use a host name the certificate names in "${urlLabel(purpose)}".`,
    };
  }
  const noClientCertificate = network?.clientCertificate !== true;
  if (code === 'ERR_SSL_TLSV13_ALERT_CERTIFICATE_REQUIRED' || (code === 'ERR_SSL_SSLV3_ALERT_HANDSHAKE_FAILURE' && noClientCertificate)) {
    if (noClientCertificate) {
      const maybe = code === 'ERR_SSL_SSLV3_ALERT_HANDSHAKE_FAILURE' ? 'the TLS handshake failed; most likely the server requires' : 'the server requires';
      return {
        kind: 'tls',
        field: 'tlsCertFile',
        sentence: `${maybe} a client certificate (mutual TLS) (${code}). Set "${LABEL.tlsCertFile}" and "${LABEL.tlsKeyFile}", or "${LABEL.tlsPfxFile}", in the invoker's TLS settings.`,
      };
    }
  }
  if (CLIENT_CERTIFICATE_REFUSED.has(code) || code === 'ERR_SSL_TLSV13_ALERT_CERTIFICATE_REQUIRED' || code === 'ERR_SSL_SSLV3_ALERT_HANDSHAKE_FAILURE') {
    return {
      kind: 'tls',
      field: 'tlsCertFile',
      sentence: `the server refused the client certificate (${code}). Check that "${LABEL.tlsCertFile}" (or "${LABEL.tlsPfxFile}") holds the certificate the server expects, issued by a CA it trusts and not expired.`,
    };
  }
  if (code === 'ERR_SSL_WRONG_VERSION_NUMBER' || code === 'ERR_SSL_PACKET_LENGTH_TOO_LONG') {
    return {
      kind: 'tls',
      field: urlField(purpose),
      sentence: `the server did not answer with TLS (${code}): the port may serve plain HTTP. Check the scheme and port in "${urlLabel(purpose)}".`,
    };
  }
  if (code.startsWith('ERR_SSL_') || code.startsWith('ERR_TLS_') || code.startsWith('CERT_') || code === 'EPROTO') {
    const reason = (error as { reason?: unknown }).reason;
    return { kind: 'tls', sentence: `the TLS handshake failed (${code}${typeof reason === 'string' && reason !== '' ? `: ${reason}` : ''}).` };
  }
  return undefined;
}

/**
 * A server that checks the client certificate itself after the handshake (Node, some gateways) closes the connection
 * without an alert: undici then sees "other side closed" on a fresh TLS connection that never received a byte.
 */
function closedAfterHandshake(code: string | undefined, error: unknown, context: FailureContext): Failure | undefined {
  const bytesRead = (error as { socket?: { bytesRead?: unknown } } | null | undefined)?.socket?.bytesRead;
  if (code !== 'UND_ERR_SOCKET' || bytesRead !== 0 || context.network?.clientCertificate !== true || !context.url.startsWith('https:')) {
    return undefined;
  }
  return {
    kind: 'tls',
    field: 'tlsCertFile',
    sentence: `the server closed the connection right after the TLS handshake without answering: it most likely refused the client certificate (${code}). Check that "${LABEL.tlsCertFile}" (or "${LABEL.tlsPfxFile}") holds the certificate the server expects, issued by a CA it trusts and not expired.`,
  };
}

/** The status a proxy answered a CONNECT with, as undici reports it. */
function proxyStatus(error: unknown): number | undefined {
  const message = error instanceof Error ? error.message : '';
  const match = /^Proxy response \((\d{3})\)|Proxy Authentication Required \((407)\)/.exec(message);
  return match !== null ? Number(match[1] ?? match[2]) : undefined;
}

function proxyFailure(code: string | undefined, error: unknown, context: FailureContext, proxy: NonNullable<NetworkDescription['proxy']>): Failure | undefined {
  const source = proxySourceText(proxy);
  const status = proxyStatus(error);
  if (status === 407) {
    const field = proxy.hasCredentials ? 'proxyPassword' : 'proxyUsername';
    const sentence = proxy.hasCredentials
      ? `the proxy ${proxy.display} rejected the proxy credentials (407 Proxy Authentication Required). Check "${LABEL.proxyUsername}" and "${LABEL.proxyPassword}" in the invoker's network settings.`
      : `the proxy ${proxy.display} requires authentication (407 Proxy Authentication Required). Set "${LABEL.proxyUsername}" and "${LABEL.proxyPassword}" in the invoker's network settings.`;
    return { kind: 'proxy', field, sentence };
  }
  if (status !== undefined) {
    const text = STATUS_TEXT[status] !== undefined ? `${status} ${STATUS_TEXT[status]}` : String(status);
    return {
      kind: 'proxy',
      field: 'proxy',
      sentence: `the proxy ${proxy.display} would not open a connection to ${hostOf(context.url)} (${text}). If that server is only reachable directly, add it to VS Code's "http.noProxy" or NO_PROXY, or set the invoker's "${LABEL.proxy}" to none.`,
    };
  }
  if (code !== undefined && CONNECT_FAILURES.has(code)) {
    const what =
      code === 'ECONNREFUSED'
        ? 'refused the connection'
        : code === 'ENOTFOUND' || code === 'EAI_AGAIN'
          ? 'could not be found: its host name does not resolve (DNS)'
          : 'could not be reached';
    return {
      kind: 'proxy',
      field: 'proxy',
      sentence: `the proxy ${proxy.display} ${what} (${code}). Check ${source}, or set the invoker's "${LABEL.proxy}" to none to connect directly.`,
    };
  }
  return undefined;
}

function directFailure(code: string | undefined, error: unknown, context: FailureContext, purpose: RequestPurpose): Failure | undefined {
  if (code === 'ENOTFOUND') {
    const hostname = (error as { hostname?: unknown }).hostname;
    const host = typeof hostname === 'string' && hostname !== '' ? hostname : hostOf(context.url);
    return {
      kind: 'network',
      field: urlField(purpose),
      sentence: `the host name ${host} could not be resolved (ENOTFOUND). Check the host in "${urlLabel(purpose)}"; if this network reaches it only through a proxy, set the invoker's "${LABEL.proxy}" (or VS Code's "http.proxy").`,
    };
  }
  if (code === 'ECONNREFUSED') {
    return { kind: 'network', field: urlField(purpose), sentence: NETWORK_MESSAGES[code] };
  }
  return undefined;
}

/** A plain http:// connection refused because its host is not loopback after all (see loopback.ts). */
function notLoopbackFailure(code: string | undefined, error: unknown, context: FailureContext, purpose: RequestPurpose): Failure | undefined {
  if (code !== 'ERR_NOT_LOOPBACK') {
    return undefined;
  }
  const address = String((error as { address?: unknown }).address);
  const sentence = `"${urlLabel(purpose)}" uses plain http:// to ${hostOf(context.url)}, which resolved to ${address}, not a loopback address: nothing was sent, as credentials and tokens would travel unencrypted. Use https://, or turn on "${LABEL.allowInsecureHttp}" for this invoker.`;
  return { kind: 'insecure-url', field: urlField(purpose), sentence, issues: [{ field: urlField(purpose), code: 'not-allowed', message: sentence }] };
}

/**
 * The refusal of plain http:// (without "Allow Insecure HTTP") through a proxy: the proxy reads what it forwards,
 * and where it connects (its own loopback, or a name its own resolver answers) cannot be checked from here.
 * @see https://www.rfc-editor.org/rfc/rfc9110#section-3.7
 */
export function plainHttpThroughProxy(target: URL, proxy: NonNullable<NetworkDescription['proxy']>, purpose: RequestPurpose = 'token'): InvokerError {
  const sentence = `"${urlLabel(purpose)}" uses plain http:// to ${target.host}, and the request would go through the proxy ${proxy.display} (from ${proxySourceText(proxy)}), which would read credentials and tokens unencrypted. Connect directly (add the host to VS Code's "http.noProxy" or NO_PROXY, or set the invoker's "${LABEL.proxy}" to none), use https://, or turn on "${LABEL.allowInsecureHttp}" for this invoker.`;
  return new InvokerError(sentence, {
    kind: 'insecure-url',
    field: urlField(purpose),
    issues: [{ field: urlField(purpose), code: 'not-allowed', message: sentence }],
  });
}

/**
 * Turns a failure of undici (or of Node's TLS) into an InvokerError whose sentence names the cause and the setting
 * that fixes it, keeping only safe data: kind `tls` for certificate problems, `proxy` for the proxy's, else `network`.
 */
export function describeNetworkFailure(error: unknown, context: FailureContext): InvokerError {
  const purpose = context.purpose ?? 'token';
  const redact = context.redact ?? ((text: string) => text);
  const inner = innermost(error);
  const cause = causeOf(error);
  const innerCode = codeOf(inner) ?? codeOf((error as { cause?: unknown } | null | undefined)?.cause);
  const code = innerCode ?? cause.code;
  const proxy = context.network?.proxy;
  const failure =
    notLoopbackFailure(code, inner, context, purpose) ??
    closedAfterHandshake(code, inner, context) ??
    (code !== undefined ? tlsFailure(code, inner, context, purpose) : undefined) ??
    (proxy !== undefined ? proxyFailure(code, inner, context, proxy) : directFailure(code, inner, context, purpose));
  const head = `The ${purpose === 'discovery' ? 'discovery' : 'token'} request to ${context.url} failed:`;
  const sentence =
    failure?.sentence ?? `${(code !== undefined ? NETWORK_MESSAGES[code] : undefined) ?? (inner instanceof Error ? inner.message : cause.message)}.`;
  const full = sentence.endsWith('.') ? sentence : `${sentence}.`;
  return new InvokerError(redact(`${head} ${full}`), {
    kind: failure?.kind ?? 'network',
    cause: { name: cause.name, message: redact(cause.message), ...(code !== undefined ? { code } : {}) },
    ...(failure?.field !== undefined ? { field: failure.field } : {}),
    ...(failure?.issues !== undefined ? { issues: failure.issues.map((issue) => ({ ...issue, message: redact(issue.message) })) } : {}),
  });
}
