import { invalidProperties } from '../model/invalidProperties';
import { DJMessage, type BasicVariant } from '../model/djMessage';
import { InvokerError } from '../model/errors';
import { exchange, type ExchangeOptions } from '../net/exchange';
import { GRANT_TYPE_LABELS, isInteractiveGrant, PROPERTY_LABELS, type InvokerProperties } from '../../shared/properties';
import { refuseInsecureUrl } from '../net/insecureUrl';
import { validateProperties } from '../../shared/validation';
import { prepareTokenRequest, type GrantInput } from './tokenRequest';
import { clientAuthFor } from '../clientAuth/clientAuthentication';
import { withBasicFallback } from '../clientAuth/basicMemory';
import { parseTokenResponse } from '../response/tokenResponse';
import { checkIdTokenNonce } from '../signIn/nonce';
import { grantAssertionSigner, signsGrantAssertion, type GrantAssertionSigner } from './grantAssertion';

/** The component's default target message. */
export const DEFAULT_TARGET_MESSAGE = 'DJMOUT';

export interface ExecuteOptions extends ExchangeOptions {
  /** The DJMessage to write the server's answer to (default `DJMOUT`). */
  readonly targetMessage?: string;
  /**
   * What a person's sign-in produced (authorization code and PKCE verifier, or device code): required by, and only
   * used for, the Authorization Code and Device Authorization grants. Redacted from every log line and error.
   */
  readonly grant?: GrantInput;
}

/**
 * Refuses properties Execute would refuse, before anything is sent: the issues naming each field, or plain http://
 * to a token endpoint that is not loopback. A sign-in calls it before it opens the browser.
 */
export function refuseInvalid(properties: InvokerProperties, targetMessage: string): void {
  const issues = validateProperties(properties, targetMessage);
  if (issues.length > 0) {
    throw invalidProperties(issues);
  }
  refuseInsecureUrl(new URL(properties.authorizationServerUrl.trim()), 'authorizationServerUrl', properties.allowInsecureHttp);
}

/** The secrets of a grant input: the code and its verifier, the device code, the subject token, or the assertion. */
export function grantSecrets(grant: GrantInput | undefined): string[] {
  switch (grant?.grantType) {
    case undefined:
      return [];
    case 'authorization_code':
      return [grant.code, grant.codeVerifier, ...(grant.nonce !== undefined ? [grant.nonce] : [])];
    case 'device_code':
      return [grant.deviceCode];
    case 'token_exchange':
      return [grant.subjectToken];
    case 'jwt_bearer':
      return [grant.assertion];
  }
}

/** A Token Exchange whose subject is another invoker's token needs that token as its grant input: only the extension has it. */
function refuseWithoutSubjectToken(properties: InvokerProperties, grant: GrantInput | undefined): void {
  const source = properties.subjectTokenInvoker?.trim() ?? '';
  if (properties.grantType !== 'token_exchange' || source === '' || (grant?.grantType === 'token_exchange' && grant.subjectToken !== '')) {
    return;
  }
  const message = `"${PROPERTY_LABELS.subjectTokenInvoker}" names the invoker "${source}", whose access token was not passed: run the invoker from VS Code, which gets that token first.`;
  throw new InvokerError(message, { kind: 'invalid-properties', issues: [{ field: 'subjectTokenInvoker', code: 'required', message }] });
}

/** The Authorization Code and Device grants end a sign-in: without its result there is nothing to send. */
function refuseWithoutSignIn(properties: InvokerProperties, grant: GrantInput | undefined): void {
  if (isInteractiveGrant(properties.grantType) && grant?.grantType !== properties.grantType) {
    throw new InvokerError(
      `The ${GRANT_TYPE_LABELS[properties.grantType]} grant needs a person to sign in first: run the invoker from VS Code (Execute) to sign in.`,
      { kind: 'sign-in-required' },
    );
  }
}

/** The message with one more warning (a DJMessage's metadata is read-only, so this is a copy). */
function withWarning(message: DJMessage, warning: string): DJMessage {
  const data = message.toJSON();
  return new DJMessage({ ...data, metadata: { ...data.metadata, warnings: [...data.metadata.warnings, warning] } });
}

/** The error with the warning added to the failed answer's message it carries, if any. */
function errorWithWarning(error: unknown, warning: string): unknown {
  if (!(error instanceof InvokerError) || error.djMessage === undefined) {
    return error;
  }
  return new InvokerError(error.message, { ...error, kind: error.kind, issues: error.issues, djMessage: withWarning(error.djMessage, warning) });
}

/**
 * The OAuth 2.0 Invoker's Execute action: requests an access token with the properties' grant and writes the
 * server's answer to the target DJMessage. Every failure rejects with an InvokerError whose code is 4.
 * @see https://www.rfc-editor.org/rfc/rfc6749#section-4.3
 * @see https://www.rfc-editor.org/rfc/rfc6749#section-4.4
 * @see https://www.rfc-editor.org/rfc/rfc6749#section-6
 */
export async function execute(properties: InvokerProperties, options: ExecuteOptions = {}): Promise<DJMessage> {
  const targetMessage = options.targetMessage ?? DEFAULT_TARGET_MESSAGE;
  refuseInvalid(properties, targetMessage);
  refuseWithoutSignIn(properties, options.grant);
  refuseWithoutSubjectToken(properties, options.grant);
  const tokenUrl = properties.authorizationServerUrl.trim();
  const target = { what: 'the token request', url: tokenUrl, secrets: grantSecrets(options.grant) };
  return exchange(properties, target, options, async ({ route, redact, now, send }) => {
    let grantSigner: GrantAssertionSigner | undefined;
    /** The grant input of one attempt: for a JWT Bearer grant that signs, a fresh assertion (the exchange redacts it). */
    const grantFor = async (): Promise<GrantInput | undefined> => {
      if (!signsGrantAssertion(properties)) {
        return options.grant;
      }
      grantSigner ??= await grantAssertionSigner(properties, { signal: options.signal, now });
      return { grantType: 'jwt_bearer', assertion: await grantSigner.sign(tokenUrl) };
    };
    const attempt = async (variant: BasicVariant): Promise<DJMessage> => {
      // A JWT method signs a fresh assertion for each request; only client_secret_basic ever makes a second attempt.
      const auth = await clientAuthFor(properties, { basicVariant: variant, signal: options.signal, now });
      const request = await prepareTokenRequest(properties, auth, await grantFor());
      const { raw, receivedAt } = await send(request);
      return parseTokenResponse(raw, {
        targetMessage,
        receivedAt,
        grantType: properties.grantType,
        tokenUrl: request.url,
        clientAuthentication: request.clientAuthentication,
        basicVariant: request.basicVariant,
        redact,
      });
    };
    try {
      const message = await withBasicFallback(properties, attempt, options.log);
      if (options.grant?.grantType === 'authorization_code' && options.grant.nonce !== undefined) {
        // OpenID Connect: the id_token must answer this sign-in's request; a refused answer is not kept (it holds tokens).
        checkIdTokenNonce(message, options.grant.nonce, redact);
      }
      for (const warning of message.metadata.warnings) {
        options.log?.('warn', warning);
      }
      return route?.warning !== undefined ? withWarning(message, route.warning) : message;
    } catch (error) {
      throw route?.warning !== undefined ? errorWithWarning(error, route.warning) : error;
    }
  });
}
