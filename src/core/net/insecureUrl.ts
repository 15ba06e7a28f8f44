import { InvokerError } from '../model/errors';
import { PROPERTY_LABELS } from '../../shared/properties';
import { isLoopbackHost } from '../../shared/urlValidation';

/**
 * Refuses plain http:// to a host that is not loopback by its name, before anything is sent, unless the invoker allows
 * insecure http: credentials and tokens would travel unencrypted. The one refusal of every endpoint (token,
 * introspection, revocation, device authorization, discovery); where the connection is made, `network.ts` checks again
 * the addresses the name resolves to.
 * @see https://www.rfc-editor.org/rfc/rfc6749#section-3.2
 */
export function refuseInsecureUrl(url: URL, field: string, allowInsecureHttp: boolean | undefined): void {
  if (url.protocol === 'http:' && !isLoopbackHost(url.hostname) && allowInsecureHttp !== true) {
    const label = (PROPERTY_LABELS as Record<string, string>)[field] ?? field;
    const message = `"${label}" uses plain http:// to ${url.host}, which would send credentials and tokens unencrypted. Use https://, or turn on "${PROPERTY_LABELS.allowInsecureHttp}" for this invoker.`;
    throw new InvokerError(message, { kind: 'insecure-url', issues: [{ field, code: 'not-allowed', message }] });
  }
}
