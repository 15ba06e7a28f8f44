import { redactBody, redactForm, redactHeader, type Redactor } from '../secrets/redact';
import type { NetworkRoute } from './network';
import type { TokenRequest } from '../grants/tokenRequest';
import type { RawResponse } from './transport';

/** Receives one redacted line per step of an exchange; the extension writes them to its log. */
export type ExchangeLog = (level: 'info' | 'warn', line: string) => void;

/** The request as sent, every credential redacted: the token request, introspection, revocation, device authorization. */
export function logRequest(log: ExchangeLog, request: TokenRequest, redact: Redactor, what?: string): void {
  const auth = request.basicVariant !== undefined ? `${request.clientAuthentication} (${request.basicVariant})` : request.clientAuthentication;
  log('info', `POST ${redact(request.url)}${what !== undefined ? ` (${what})` : ''} — client authentication: ${auth}`);
  const headers = Object.entries(request.headers).map(([name, value]) => `${name}: ${redactHeader(name, value)}`);
  log('info', `request headers: ${headers.join('; ')}`);
  log('info', `request body: ${redactForm(request.body, redact)}`);
}

/** The answer as received, every token and secret redacted. */
export function logResponse(log: ExchangeLog, raw: RawResponse, elapsedMs: number, redact: Redactor): void {
  log('info', `answer ${raw.status} in ${elapsedMs} ms (${redact(raw.headers['content-type'] ?? 'no content type')}, ${raw.body.length} characters)`);
  log('info', `answer body: ${redactBody(raw.body, redact)}`);
}

/** The route an exchange takes: its proxy (and where it came from), its TLS material, and any warning about it. */
export function logNetwork(log: ExchangeLog, route: NetworkRoute): void {
  const { proxy, tlsCaFile, clientCertificate } = route.description;
  if (proxy !== undefined) {
    const from = proxy.source === 'invoker' ? 'the invoker' : proxy.source === 'settings' ? 'http.proxy' : (proxy.variable ?? 'the environment');
    log('info', `through the proxy ${proxy.display} (from ${from}${proxy.hasCredentials ? ', with credentials' : ''})`);
  }
  if (tlsCaFile !== undefined || clientCertificate) {
    log(
      'info',
      `TLS: ${[tlsCaFile !== undefined ? `extra CAs from ${tlsCaFile}` : '', clientCertificate ? 'client certificate' : ''].filter((part) => part !== '').join(', ')}`,
    );
  }
  if (route.warning !== undefined) {
    log('warn', route.warning);
  }
}
