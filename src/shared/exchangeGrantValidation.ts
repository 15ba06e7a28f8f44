import { ASSERTION_SOURCES, clientAuthMethodOf, GRANT_TYPE_LABELS, PROPERTY_LABELS, type InvokerProperties, type PropertyIssue } from './properties';
import { validateAssertionAudience, validateAssertionKey } from './clientAuthValidation';
import { isBlank, issue } from './propertyIssue';

// The grants that trade a token or an assertion: Token Exchange (RFC 8693) and JWT Bearer (RFC 7523 §2.1).

const TOKEN_TYPE_PATTERN = /^[A-Za-z][A-Za-z0-9+.-]*:\S+$/;

/**
 * The Token Exchange properties' problems: a subject token (entered, or another invoker's), an actor token type
 * with an actor token, token types that are URIs, and resources that are absolute URIs without a fragment.
 * @see https://www.rfc-editor.org/rfc/rfc8693#section-2.1
 */
export function validateTokenExchange(p: InvokerProperties): PropertyIssue[] {
  const problems: PropertyIssue[] = [];
  if (isBlank(p.subjectToken) && isBlank(p.subjectTokenInvoker)) {
    problems.push(
      issue(
        'subjectToken',
        'required',
        `is required for the ${GRANT_TYPE_LABELS.token_exchange} grant: enter it, or choose an invoker in "${PROPERTY_LABELS.subjectTokenInvoker}".`,
      ),
    );
  }
  if (!isBlank(p.actorToken) && isBlank(p.actorTokenType)) {
    problems.push(issue('actorTokenType', 'required', `is required when an "${PROPERTY_LABELS.actorToken}" is given (RFC 8693 §2.1).`));
  }
  for (const field of ['subjectTokenType', 'actorTokenType', 'requestedTokenType'] as const) {
    const value = p[field]?.trim() ?? '';
    if (value !== '' && !TOKEN_TYPE_PATTERN.test(value)) {
      problems.push(
        issue(field, 'invalid', `must be a token type URI such as urn:ietf:params:oauth:token-type:access_token (it is "${value.slice(0, 200)}").`),
      );
    }
  }
  for (const resource of (p.resource ?? '').split(/\s+/).filter((part) => part !== '')) {
    if (!URL.canParse(resource) || new URL(resource).hash !== '') {
      problems.push(
        issue('resource', 'invalid', `must hold absolute URIs without a #fragment, separated by spaces (RFC 8707); "${resource.slice(0, 200)}" is not one.`),
      );
      break;
    }
  }
  return problems;
}

/**
 * The JWT Bearer properties' problems: the entered assertion, or what signing one needs (a subject, an issuer or
 * Client ID, the key) when the client's own authentication does not check the key already.
 * @see https://www.rfc-editor.org/rfc/rfc7523#section-2.1
 */
export function validateJwtBearer(p: InvokerProperties): PropertyIssue[] {
  const source = p.assertionSource ?? 'signed';
  if (!ASSERTION_SOURCES.includes(source)) {
    return [issue('assertionSource', 'invalid', `must be one of ${ASSERTION_SOURCES.join(', ')}.`)];
  }
  const grant = GRANT_TYPE_LABELS.jwt_bearer;
  if (source === 'entered') {
    return isBlank(p.assertion) ? [issue('assertion', 'required', `is required for the ${grant} grant when the assertion is entered.`)] : [];
  }
  const problems: PropertyIssue[] = [];
  if (isBlank(p.assertionSubject)) {
    problems.push(
      issue('assertionSubject', 'required', `is required to sign the ${grant} assertion: it is the "sub" claim, the user or service the token is for.`),
    );
  }
  if (isBlank(p.assertionIssuer) && isBlank(p.clientId)) {
    problems.push(
      issue('assertionIssuer', 'required', `is required to sign the ${grant} assertion when there is no "${PROPERTY_LABELS.clientId}" (it defaults to it).`),
    );
  }
  const method = clientAuthMethodOf(p);
  if (method !== 'private_key_jwt') {
    problems.push(...validateAssertionKey(p, `the ${grant} grant's signed assertion`));
  }
  if (method !== 'private_key_jwt' && method !== 'client_secret_jwt') {
    problems.push(...validateAssertionAudience(p));
  }
  return problems;
}
