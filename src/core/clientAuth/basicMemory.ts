/**
 * The two Basic forms of client credentials (RFC 6749 §2.3.1 form-encoded, and raw, which many servers expect) and the
 * memory of which one a server took, per token URL and client, so the next request starts with it: the token request
 * tries the other once when the client is rejected, and the toolbox requests start with the remembered one.
 * @see https://www.rfc-editor.org/rfc/rfc6749#section-2.3.1
 */
import type { BasicVariant } from '../model/djMessage';
import { InvokerError } from '../model/errors';
import type { InvokerProperties } from '../../shared/properties';
import type { ExchangeLog } from '../net/exchangeLog';
import { basicVariantsDiffer, clientAuthenticationOf } from '../grants/tokenRequest';
import type { DJMessage } from '../model/djMessage';

/** Which Basic form worked for a token URL and client, so the next Execute starts with it. */
const basicVariantMemory = new Map<string, BasicVariant>();

/** Forgets every remembered Basic form, so that a test starts without what an earlier one learnt (the extension never calls it). */
export function forgetBasicVariants(): void {
  basicVariantMemory.clear();
}

function memoryKey(properties: InvokerProperties): string {
  return `${properties.authorizationServerUrl.trim()}\n${(properties.clientId ?? '').trim()}`;
}

/** The Basic forms to try, in order: one, or (auto, when they differ) the remembered one first and the other as fallback. */
function basicVariants(properties: InvokerProperties): BasicVariant[] {
  const encoding = properties.basicEncoding ?? 'auto';
  if (encoding !== 'auto') {
    return [encoding];
  }
  if (clientAuthenticationOf(properties) !== 'client_secret_basic' || !basicVariantsDiffer((properties.clientId ?? '').trim(), properties.clientSecret ?? '')) {
    return ['rfc6749'];
  }
  const first = basicVariantMemory.get(memoryKey(properties)) ?? 'rfc6749';
  return [first, first === 'rfc6749' ? 'raw' : 'rfc6749'];
}

/** A server saying "who are you?": what a Basic form the server decodes differently looks like. */
function isClientAuthRejection(error: unknown): boolean {
  if (!(error instanceof InvokerError) || error.kind !== 'server-rejected') {
    return false;
  }
  const emptyBody = (error.djMessage?.body ?? '').trim() === '';
  return error.status === 401 || error.error === 'invalid_client' || ((error.status === 400 || error.status === 403) && emptyBody);
}

/** A failure that shows the server accepted the client (it objected to the grant, the scope or the answer's shape). */
function passedClientAuthentication(error: unknown): boolean {
  if (!(error instanceof InvokerError) || isClientAuthRejection(error)) {
    return false;
  }
  return error.kind === 'invalid-response' || (error.kind === 'server-rejected' && error.error !== undefined && error.error !== 'invalid_request');
}

function withSuffix(error: InvokerError, suffix: string): InvokerError {
  return new InvokerError(`${error.message} ${suffix}`, error);
}

/**
 * Runs the token request with the first Basic form and, when the server rejects the client and the other form
 * differs, once more with the other; remembers the form the server took for the next Execute.
 * @see https://www.rfc-editor.org/rfc/rfc6749#section-2.3.1
 */
export async function withBasicFallback(
  properties: InvokerProperties,
  attempt: (variant: BasicVariant) => Promise<DJMessage>,
  log: ExchangeLog | undefined,
): Promise<DJMessage> {
  const [first, fallback] = basicVariants(properties);
  let message: DJMessage;
  try {
    message = await attempt(first);
  } catch (error) {
    if (fallback === undefined || !isClientAuthRejection(error)) {
      throw error;
    }
    log?.('warn', `client authentication with the ${first} Basic form was rejected; retrying once with the ${fallback} form`);
    try {
      message = await attempt(fallback);
    } catch (retryError) {
      if (passedClientAuthentication(retryError)) {
        // The server got past client authentication with this form: it is the one to start with next time.
        basicVariantMemory.set(memoryKey(properties), fallback);
      } else if (retryError instanceof InvokerError && retryError.kind === 'server-rejected') {
        // The fallback did no better (rejected, or not even parsed: a raw '%' is a malformed Basic value to a
        // server that decodes): the first answer is the one that explains, and nothing is remembered.
        throw withSuffix(error as InvokerError, `(Both Basic forms of the client credentials were tried: RFC 6749 form-encoded and raw.)`);
      }
      throw retryError;
    }
  }
  if (message.metadata.basicVariant !== undefined && (properties.basicEncoding ?? 'auto') === 'auto') {
    basicVariantMemory.set(memoryKey(properties), message.metadata.basicVariant);
  }
  return message;
}

/** The Basic form the token request of these properties starts with (remembered per token URL and client), for the toolbox requests. */
export function toolboxBasicVariant(properties: InvokerProperties): BasicVariant {
  return basicVariants(properties)[0];
}
