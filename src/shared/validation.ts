import {
  BASIC_ENCODINGS,
  GRANT_TYPE_LABELS,
  GRANT_TYPES,
  isInteractiveGrant,
  TOOLBOX_ENDPOINTS,
  type ExtraParameter,
  type InvokerProperties,
  type PropertyIssue,
} from './properties';
import { validateClientAuthentication } from './clientAuthValidation';
import { validateJwtBearer, validateTokenExchange } from './exchangeGrantValidation';
import { validateNetworkProperties } from './networkValidation';
import { isBlank, issue, present } from './propertyIssue';
import { validateRedirectUri, validateSignInEndpoint, validateTokenUrl, validateToolboxEndpoint } from './urlValidation';

// Validation of the invoker's properties: every problem named by its field, before any request is sent.

/** Parameters the invoker sets itself; an extra parameter may not set them again (credentials go in one place). */
const RESERVED_PARAMETERS = new Set([
  'grant_type',
  'client_id',
  'client_secret',
  'scope',
  'username',
  'password',
  'refresh_token',
  'code',
  'redirect_uri',
  'code_verifier',
  'device_code',
  'client_assertion',
  'client_assertion_type',
  'subject_token',
  'subject_token_type',
  'actor_token',
  'actor_token_type',
  'requested_token_type',
  'assertion',
]);

/** The reserved parameters for the properties: a Token Exchange's own Audience and Resource are not set twice either. */
function reservedParameters(p: InvokerProperties): ReadonlySet<string> {
  if (p.grantType !== 'token_exchange') {
    return RESERVED_PARAMETERS;
  }
  const own = [!isBlank(p.audience) ? 'audience' : '', !isBlank(p.resource) ? 'resource' : ''].filter((name) => name !== '');
  return own.length > 0 ? new Set([...RESERVED_PARAMETERS, ...own]) : RESERVED_PARAMETERS;
}

/** The parameters the invoker sets itself in an authorization request; an authorization parameter may not set them again. */
export const RESERVED_AUTHORIZATION_PARAMETERS: ReadonlySet<string> = new Set([
  'response_type',
  'client_id',
  'redirect_uri',
  'scope',
  'state',
  'code_challenge',
  'code_challenge_method',
  'nonce',
]);

const TARGET_MESSAGE_PATTERN = /^[A-Za-z_][A-Za-z0-9_.-]{0,63}$/;

function validateExtraParameters(
  parameters: readonly ExtraParameter[],
  field: 'extraParameters' | 'authorizationParameters' = 'extraParameters',
  reserved: ReadonlySet<string> = RESERVED_PARAMETERS,
): PropertyIssue[] {
  const problems: PropertyIssue[] = [];
  const seen = new Set<string>();
  parameters.forEach((parameter, index) => {
    const name = parameter.name.trim();
    const row = `row ${index + 1}`;
    if (name === '') {
      if (parameter.value.trim() !== '') {
        problems.push(issue(field, 'required', `${row} has a value but no name.`));
      }
      return;
    }
    if (reserved.has(name)) {
      problems.push(issue(field, 'not-allowed', `${row} sets "${name}", which the invoker sets from its own property.`));
    } else if (seen.has(name)) {
      problems.push(issue(field, 'invalid', `${row} repeats "${name}".`));
    }
    seen.add(name);
  });
  return problems;
}

/**
 * Checks the properties before any request and returns every problem, each naming its field; empty when Execute may run.
 * @see https://www.rfc-editor.org/rfc/rfc6749#section-4.4
 */
export function validateProperties(properties: InvokerProperties, targetMessage?: string): PropertyIssue[] {
  const p = properties;
  const problems = validateTokenUrl(p.authorizationServerUrl);
  if (!GRANT_TYPES.includes(p.grantType)) {
    problems.push(issue('grantType', 'invalid', `must be one of ${GRANT_TYPES.join(', ')}.`));
  }
  if (p.basicEncoding !== undefined && !BASIC_ENCODINGS.includes(p.basicEncoding)) {
    problems.push(issue('basicEncoding', 'invalid', `must be one of ${BASIC_ENCODINGS.join(', ')}.`));
  }
  const grant = GRANT_TYPE_LABELS[p.grantType] ?? p.grantType;
  const explicitMethod = p.clientAuthentication !== undefined;
  if (p.grantType === 'client_credentials') {
    if (isBlank(p.clientId)) {
      problems.push(issue('clientId', 'required', `is required for the ${grant} grant.`));
    }
    if (!explicitMethod && isBlank(p.clientSecret)) {
      problems.push(issue('clientSecret', 'required', `is required for the ${grant} grant.`));
    }
  } else if (!explicitMethod && !isBlank(p.clientSecret) && isBlank(p.clientId)) {
    problems.push(issue('clientId', 'required', 'is required when a Client Secret is given.'));
  }
  problems.push(...validateClientAuthentication(p));
  if (p.grantType === 'password') {
    if (isBlank(p.username)) {
      problems.push(issue('username', 'required', `is required for the ${grant} grant.`));
    }
    if (p.password === undefined || p.password === '') {
      problems.push(issue('password', 'required', `is required for the ${grant} grant.`));
    }
  }
  if (p.grantType === 'refresh_token' && isBlank(p.refreshToken)) {
    problems.push(issue('refreshToken', 'required', `is required for the ${grant} grant.`));
  }
  if (isInteractiveGrant(p.grantType) && isBlank(p.clientId)) {
    problems.push(issue('clientId', 'required', `is required for the ${grant} grant.`));
  }
  if (p.grantType === 'authorization_code') {
    problems.push(...validateSignInEndpoint('authorizationEndpointUrl', p.authorizationEndpointUrl, grant, p.allowInsecureHttp === true));
    if (present(p.redirectUri)) {
      problems.push(...validateRedirectUri(p.redirectUri));
    }
  }
  if (p.grantType === 'device_code') {
    problems.push(...validateSignInEndpoint('deviceAuthorizationEndpointUrl', p.deviceAuthorizationEndpointUrl, grant, p.allowInsecureHttp === true));
  }
  if (p.grantType === 'token_exchange') {
    problems.push(...validateTokenExchange(p));
  }
  if (p.grantType === 'jwt_bearer') {
    problems.push(...validateJwtBearer(p));
  }
  problems.push(...validateExtraParameters(p.extraParameters ?? [], 'extraParameters', reservedParameters(p)));
  problems.push(...validateExtraParameters(p.authorizationParameters ?? [], 'authorizationParameters', RESERVED_AUTHORIZATION_PARAMETERS));
  problems.push(...validateNetworkProperties(p));
  for (const field of TOOLBOX_ENDPOINTS) {
    problems.push(...validateToolboxEndpoint(field, p[field]));
  }
  if (targetMessage !== undefined && !TARGET_MESSAGE_PATTERN.test(targetMessage)) {
    problems.push(issue('targetMessage', 'invalid', 'must start with a letter or _ and hold only letters, digits, _ . - (at most 64), like DJMOUT.'));
  }
  // One issue per field: two checks may find the same missing field (the grant's and the client authentication's
  // need of a Client ID), and the person should read it once.
  return problems.filter(
    (problem, index) => problem.code !== 'required' || problems.findIndex((other) => other.code === 'required' && other.field === problem.field) === index,
  );
}
