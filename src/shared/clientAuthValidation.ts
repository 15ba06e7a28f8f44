import {
  ASSERTION_ALGORITHMS,
  ASSERTION_AUDIENCES,
  CLIENT_AUTH_METHOD_LABELS,
  CLIENT_AUTH_METHODS,
  PROPERTY_LABELS,
  usesClientSecret,
  type InvokerProperties,
  type PropertyIssue,
} from './properties';
import { isAbsolutePath } from './networkValidation';
import { isBlank, issue } from './propertyIssue';

// Client authentication, and the signing key and audience that JWT assertions (the client's, a JWT Bearer grant's) share.

/** The signing key's problems (file and algorithm), for the private_key_jwt method or the JWT Bearer grant's signed assertion. */
export function validateAssertionKey(p: InvokerProperties, purpose: string): PropertyIssue[] {
  const problems: PropertyIssue[] = [];
  const file = p.clientAssertionKeyFile?.trim() ?? '';
  if (file === '') {
    problems.push(issue('clientAssertionKeyFile', 'required', `is required for ${purpose}.`));
  } else if (!isAbsolutePath(file)) {
    problems.push(issue('clientAssertionKeyFile', 'invalid', `must be an absolute file path (it is "${file.slice(0, 200)}").`));
  }
  if (p.clientAssertionAlgorithm !== undefined && !ASSERTION_ALGORITHMS.includes(p.clientAssertionAlgorithm)) {
    problems.push(issue('clientAssertionAlgorithm', 'invalid', `must be one of ${ASSERTION_ALGORITHMS.join(', ')}.`));
  }
  return problems;
}

/** The assertion audience's problems: a known choice, and an Issuer URL when it is the issuer. */
export function validateAssertionAudience(p: InvokerProperties): PropertyIssue[] {
  if (p.clientAssertionAudience !== undefined && !ASSERTION_AUDIENCES.includes(p.clientAssertionAudience)) {
    return [issue('clientAssertionAudience', 'invalid', `must be one of ${ASSERTION_AUDIENCES.join(', ')}.`)];
  }
  if (p.clientAssertionAudience === 'issuer') {
    const issuer = p.issuer?.trim() ?? '';
    if (issuer === '') {
      return [issue('issuer', 'required', `is required when "${PROPERTY_LABELS.clientAssertionAudience}" is the issuer.`)];
    }
    if (!URL.canParse(issuer)) {
      return [issue('issuer', 'invalid', `is not a valid URL: "${issuer.slice(0, 200)}".`)];
    }
  }
  return [];
}

/** The client authentication properties' problems: what the chosen method needs, each naming its field. */
export function validateClientAuthentication(p: InvokerProperties): PropertyIssue[] {
  if (p.clientAuthentication === undefined) {
    return [];
  }
  const method = p.clientAuthentication;
  if (!CLIENT_AUTH_METHODS.includes(method)) {
    return [issue('clientAuthentication', 'invalid', `must be one of ${CLIENT_AUTH_METHODS.join(', ')}.`)];
  }
  const label = CLIENT_AUTH_METHOD_LABELS[method];
  const problems: PropertyIssue[] = [];
  if (method !== 'none' && isBlank(p.clientId)) {
    problems.push(issue('clientId', 'required', `is required for client authentication "${label}".`));
  }
  if (usesClientSecret(method) && isBlank(p.clientSecret)) {
    problems.push(issue('clientSecret', 'required', `is required for client authentication "${label}".`));
  }
  if (method === 'private_key_jwt') {
    problems.push(...validateAssertionKey(p, `client authentication "${label}"`));
  }
  if (method === 'private_key_jwt' || method === 'client_secret_jwt') {
    problems.push(...validateAssertionAudience(p));
  }
  if ((method === 'tls_client_auth' || method === 'self_signed_tls_client_auth') && isBlank(p.tlsCertFile) && isBlank(p.tlsPfxFile)) {
    problems.push(
      issue(
        'tlsCertFile',
        'required',
        `(or "${PROPERTY_LABELS.tlsPfxFile}") is required for client authentication "${label}": the client certificate authenticates the client.`,
      ),
    );
  }
  return problems;
}

/**
 * The introspection client's problems: an Introspection Client ID and its secret go together (Introspect
 * authenticates as that confidential client; without a secret it would be one more public client).
 */
export function validateIntrospectionClient(p: InvokerProperties): PropertyIssue[] {
  const secret = p.introspectionClientSecret !== undefined && p.introspectionClientSecret !== '';
  if (!isBlank(p.introspectionClientId) && !secret) {
    return [
      issue(
        'introspectionClientSecret',
        'required',
        `is required with an "${PROPERTY_LABELS.introspectionClientId}": Introspect authenticates as that client.`,
      ),
    ];
  }
  if (isBlank(p.introspectionClientId) && secret) {
    return [issue('introspectionClientId', 'required', `is required with an "${PROPERTY_LABELS.introspectionClientSecret}".`)];
  }
  return [];
}
