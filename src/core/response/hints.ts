import type { ClientAuthentication } from '../model/djMessage';
import type { InvokerError } from '../model/errors';
import { clientAuthMethodOf, GRANT_TYPE_LABELS, PROPERTY_LABELS, type GrantType, type InvokerProperties } from '../../shared/properties';
import { hasIntrospectionClient } from '../clientAuth/introspectionClient';

/** One line that tells what most likely fixes a failure the server explained (or did not). */
export interface Hint {
  /** Stable, for tests and for the extension to tell hints apart: `entra-invalid-secret`, `basic-empty-answer`, … */
  readonly id: string;
  readonly text: string;
  /** The property to change, when one is the likely fix. */
  readonly field?: keyof InvokerProperties;
}

const L = PROPERTY_LABELS;

interface Facts {
  readonly status?: number;
  readonly error: string;
  readonly description: string;
  readonly body: string;
  readonly grantType?: GrantType;
  readonly clientAuthentication?: ClientAuthentication;
  readonly clientSecret?: string;
  readonly inBody: boolean;
}

const ENTRA_DEFAULT_SCOPE = 'use <resource>/.default, e.g. https://graph.microsoft.com/.default or api://<application-id>/.default';

/** Entra ID (Azure AD) AADSTS codes: what each means for an invoker, and the field to change. */
const ENTRA: Readonly<Record<string, Omit<Hint, 'id'> & { readonly key: string }>> = {
  '7000215': {
    key: 'invalid-secret',
    text: "Entra ID: the client secret is wrong. Use the secret's Value (shown once, when it was created), not its Secret ID.",
    field: 'clientSecret',
  },
  '7000222': {
    key: 'expired-secret',
    text: 'Entra ID: the client secret has expired. Create a new one under the app\'s "Certificates & secrets".',
    field: 'clientSecret',
  },
  '700016': {
    key: 'app-not-found',
    text: 'Entra ID: no application with this Client ID exists in that tenant. Check "Client ID" (the Application (client) ID) and the tenant in the token URL.',
    field: 'clientId',
  },
  '90002': {
    key: 'tenant-not-found',
    text: 'Entra ID: the tenant in the token URL does not exist. Use the Directory (tenant) ID or a verified domain of the tenant.',
    field: 'authorizationServerUrl',
  },
  '900023': {
    key: 'tenant-invalid',
    text: 'Entra ID: the tenant in the token URL is not valid. Use the Directory (tenant) ID or a verified domain of the tenant.',
    field: 'authorizationServerUrl',
  },
  '90013': {
    key: 'tenant-invalid',
    text: 'Entra ID: the tenant in the token URL is not valid. Use the Directory (tenant) ID or a verified domain of the tenant.',
    field: 'authorizationServerUrl',
  },
  '50059': {
    key: 'no-tenant',
    text: 'Entra ID: the token URL names no tenant Entra can use (/common or /organizations). Put the Directory (tenant) ID in the token URL.',
    field: 'authorizationServerUrl',
  },
  '70011': {
    key: 'invalid-scope',
    text: `Entra ID: the scope is not valid. For the Client Credentials grant on the v2 endpoint, ${ENTRA_DEFAULT_SCOPE}.`,
    field: 'scope',
  },
  '1002012': {
    key: 'invalid-scope',
    text: `Entra ID: the Client Credentials grant needs a scope ending in /.default: ${ENTRA_DEFAULT_SCOPE}.`,
    field: 'scope',
  },
  '900144': {
    key: 'missing-parameter',
    text: 'Entra ID: a required parameter is missing. The v2 endpoint (…/oauth2/v2.0/token) needs "Scope"; the v1 endpoint (…/oauth2/token) needs a "resource" extra parameter instead.',
    field: 'scope',
  },
  '500011': {
    key: 'resource-not-found',
    text: 'Entra ID: the resource named in the scope (or "resource") was not found in the tenant. Check its Application ID URI, and that the API is registered or consented in this tenant.',
    field: 'scope',
  },
  '65001': { key: 'consent', text: "Entra ID: consent is missing. An administrator must grant admin consent to the app's API permissions." },
  '50126': {
    key: 'invalid-credentials',
    text: 'Entra ID: the username or password is wrong, or the account is federated, which the Password grant cannot sign in.',
    field: 'password',
  },
  '50034': {
    key: 'user-not-found',
    text: 'Entra ID: this user does not exist in the tenant. Check "Username" (the full user principal name).',
    field: 'username',
  },
  '50076': {
    key: 'mfa',
    text: 'Entra ID: this account requires multi-factor authentication, which the Password grant cannot do. Use an account without MFA or another grant.',
  },
  '50079': {
    key: 'mfa',
    text: 'Entra ID: this account must register for multi-factor authentication, which the Password grant cannot do. Use an account without MFA or another grant.',
  },
  '50158': { key: 'mfa', text: 'Entra ID: a Conditional Access policy requires an interactive sign-in, which the Password grant cannot do.' },
  '7000218': {
    key: 'secret-required',
    text: 'Entra ID: the app expects a client secret. Set "Client Secret", or turn on "Allow public client flows" in the app registration for the Password grant without one.',
    field: 'clientSecret',
  },
  '700082': { key: 'refresh-expired', text: 'Entra ID: the refresh token expired after a period of inactivity. Get a new one.', field: 'refreshToken' },
  '50173': {
    key: 'refresh-revoked',
    text: 'Entra ID: the refresh token was revoked (for example after a password change). Get a new one.',
    field: 'refreshToken',
  },
  '7000112': { key: 'app-disabled', text: 'Entra ID: the application is disabled in this tenant.' },
};

function text(value: unknown): string {
  return typeof value === 'string' ? value : '';
}

function factsOf(error: InvokerError, properties: Partial<InvokerProperties> | undefined): Facts {
  const metadata = error.djMessage?.metadata;
  return {
    ...(error.status !== undefined ? { status: error.status } : {}),
    error: text(error.error),
    description: text(error.errorDescription),
    body: error.djMessage?.body ?? '',
    grantType: metadata?.grantType ?? properties?.grantType,
    clientAuthentication: metadata?.clientAuthentication,
    ...(properties?.clientSecret !== undefined ? { clientSecret: properties.clientSecret } : {}),
    inBody: metadata !== undefined ? metadata.clientAuthentication === 'client_secret_post' : properties?.credentialsInRequestBody === true,
  };
}

function switchCredentials(f: Facts): string {
  return f.inBody ? `turn off "${L.credentialsInRequestBody}" (send a Basic header)` : `turn on "${L.credentialsInRequestBody}"`;
}

function entraHint(f: Facts, error: InvokerError): Hint | undefined {
  const code =
    /AADSTS(\d+)/.exec(f.description)?.[1] ??
    /AADSTS(\d+)/.exec(f.body)?.[1] ??
    /"error_codes"\s*:\s*\[\s*(\d+)/.exec(f.body)?.[1] ??
    error.djMessage?.getProperty('error_codes')?.match(/\d+/)?.[0];
  if (code === undefined) {
    return undefined;
  }
  const known = ENTRA[code];
  if (known !== undefined) {
    return { id: `entra-${known.key}`, text: known.text, ...(known.field !== undefined ? { field: known.field } : {}) };
  }
  return { id: 'entra-other', text: `Entra ID error AADSTS${code}: Microsoft explains it at https://login.microsoftonline.com/error?code=${code}.` };
}

function oktaHint(f: Facts): Hint | undefined {
  const d = f.description;
  if (/multiple client credentials/i.test(d)) {
    return {
      id: 'okta-multiple-credentials',
      text: `Okta received client credentials in more than one place. Send them once: check "${L.credentialsInRequestBody}", and that no Extra Parameter repeats client_id or client_assertion.`,
      field: 'credentialsInRequestBody',
    };
  }
  if (/Org Authorization Server must use the private_key_jwt/i.test(d)) {
    return {
      id: 'okta-org-server',
      text: 'Okta: the org authorization server (…/oauth2/v1/token) takes client credentials only with private_key_jwt. Use a custom authorization server: https://<domain>/oauth2/default/v1/token.',
      field: 'authorizationServerUrl',
    };
  }
  if (/Policy evaluation failed/i.test(d)) {
    return {
      id: 'okta-policy',
      text: 'Okta: no access policy rule of the authorization server lets this client use this grant and scope. Add one under Security › API › Authorization Servers › Access Policies.',
    };
  }
  return undefined;
}

function keycloakHint(f: Facts): Hint | undefined {
  const d = f.description;
  if (/Client not enabled to retrieve service account/i.test(d)) {
    return {
      id: 'keycloak-service-account',
      text: 'Keycloak: turn on "Service accounts roles" (Client authentication on) for this client to use the Client Credentials grant.',
      field: 'grantType',
    };
  }
  if (/Client not allowed for direct access grants/i.test(d)) {
    return { id: 'keycloak-direct-access', text: 'Keycloak: turn on "Direct access grants" for this client to use the Password grant.', field: 'grantType' };
  }
  if (
    /Invalid client (or Invalid client credentials|secret|credentials)/i.test(d) &&
    f.clientAuthentication === 'client_secret_basic' &&
    /[%+]/.test(f.clientSecret ?? '')
  ) {
    return {
      id: 'keycloak-percent-secret',
      text: `The client secret holds "%" or "+", which some Keycloak versions do not decode in a Basic header: turn on "${L.credentialsInRequestBody}", or set "${L.basicEncoding}" to raw.`,
      field: 'credentialsInRequestBody',
    };
  }
  return undefined;
}

function auth0Hint(f: Facts): Hint | undefined {
  const d = f.description;
  if (/^Service not found/i.test(d)) {
    return {
      id: 'auth0-audience-unknown',
      text: 'Auth0: no API has this audience. Set the "audience" extra parameter to the API\'s Identifier (Applications › APIs).',
      field: 'extraParameters',
    };
  }
  if (/No audience parameter was provided/i.test(d)) {
    return {
      id: 'auth0-audience-missing',
      text: 'Auth0: add an "audience" extra parameter with the API\'s Identifier (or set a default audience for the tenant).',
      field: 'extraParameters',
    };
  }
  if (/Client has not been granted scopes|Client is not authorized to access/i.test(d)) {
    return {
      id: 'auth0-not-authorized',
      text: 'Auth0: authorize this application for the API (the API\'s "Machine to Machine Applications" tab) and grant the scopes it asks for.',
      field: 'scope',
    };
  }
  return undefined;
}

function salesforceHint(f: Facts): Hint | undefined {
  const d = f.description;
  if (/request not supported on this domain/i.test(d)) {
    return {
      id: 'salesforce-my-domain',
      text: 'Salesforce: the Client Credentials grant works only on your My Domain URL: https://<my-domain>.my.salesforce.com/services/oauth2/token.',
      field: 'authorizationServerUrl',
    };
  }
  if (/no client credentials user enabled/i.test(d)) {
    return { id: 'salesforce-run-as', text: 'Salesforce: choose a "Run As" user for the Client Credentials Flow in the connected app\'s policies.' };
  }
  if (f.error === 'invalid_grant' && /^authentication failure$/i.test(d) && f.grantType === 'password') {
    return {
      id: 'salesforce-security-token',
      text: "Salesforce: append the user's security token to the password, unless the caller's IP address is trusted.",
      field: 'password',
    };
  }
  return undefined;
}

function genericHint(f: Facts, error: InvokerError): Hint | undefined {
  const grant = f.grantType !== undefined ? GRANT_TYPE_LABELS[f.grantType] : 'this';
  if (/authentication (method|mechanism)/i.test(f.description) && /not (allowed|supported|match)|does not match|mismatch/i.test(f.description)) {
    return {
      id: 'client-auth-method',
      text: `The server expects the client credentials in the other place: ${switchCredentials(f)}.`,
      field: 'credentialsInRequestBody',
    };
  }
  if (/No required SSL certificate was sent/i.test(f.body)) {
    return {
      id: 'client-certificate-required',
      text: `The server requires a client certificate (mutual TLS): set "${L.tlsCertFile}" and "${L.tlsKeyFile}", or "${L.tlsPfxFile}".`,
      field: 'tlsCertFile',
    };
  }
  if (
    error.kind === 'server-rejected' &&
    f.error === '' &&
    f.body.trim() === '' &&
    f.clientAuthentication === 'client_secret_basic' &&
    (f.status === 400 || f.status === 401 || f.status === 403)
  ) {
    return {
      id: 'basic-empty-answer',
      text: `The server answered ${f.status} with nothing after Basic authentication: try "${L.credentialsInRequestBody}".`,
      field: 'credentialsInRequestBody',
    };
  }
  switch (f.error) {
    case 'invalid_scope':
      return {
        id: 'invalid-scope',
        text: `The server refused "${L.scope}": request only scopes this client may have (Entra ID: <resource>/.default; Auth0: the API also needs an "audience").`,
        field: 'scope',
      };
    case 'unauthorized_client':
      return {
        id: 'unauthorized-client',
        text: `This client may not use the ${grant} grant: allow it for the client on the server (Okta: the app's grant types; Keycloak: "Service accounts roles" or "Direct access grants"; Entra ID: "Allow public client flows").`,
        field: 'grantType',
      };
    case 'unsupported_grant_type':
      return {
        id: 'unsupported-grant-type',
        text: `The server does not offer the ${grant} grant at this URL: check "${L.grantType}" and that "${L.authorizationServerUrl}" is the token endpoint (Google and GitHub have no Client Credentials grant).`,
        field: 'grantType',
      };
    case 'invalid_client':
    case 'incorrect_client_credentials':
      if (f.clientAuthentication === 'private_key_jwt') {
        return {
          id: 'invalid-client-assertion',
          text: `The server refused the signed client assertion: check that the public key of "${L.clientAssertionKeyFile}" is registered for "${L.clientId}" (with its "${L.clientAssertionKeyId}" as the server's JWKS names it), and "${L.clientAssertionAlgorithm}" and "${L.clientAssertionAudience}".`,
          field: 'clientAssertionKeyFile',
        };
      }
      if (f.clientAuthentication === 'client_secret_jwt') {
        return {
          id: 'invalid-client-assertion',
          text: `The server refused the client assertion signed with "${L.clientSecret}": check the secret, and "${L.clientAssertionAudience}".`,
          field: 'clientSecret',
        };
      }
      if (f.clientAuthentication === 'tls_client_auth' || f.clientAuthentication === 'self_signed_tls_client_auth') {
        return {
          id: 'invalid-client-certificate',
          text: `The server did not accept the client certificate for "${L.clientId}": check that "${L.tlsCertFile}" (or "${L.tlsPfxFile}") is the certificate registered for the client.`,
          field: 'tlsCertFile',
        };
      }
      if (f.clientAuthentication === 'none' || (f.clientAuthentication === undefined && (f.clientSecret ?? '').trim() === '')) {
        // A public client sends no secret, so where the credentials go is not the lead: the client itself is.
        return {
          id: 'invalid-public-client',
          text: `The server did not accept the public client "${L.clientId}" without a secret: check "${L.clientId}"; if the server gave this client a secret, enter it in "${L.clientSecret}".`,
          field: 'clientId',
        };
      }
      return {
        id: 'invalid-client',
        text: `Client authentication failed: check "${L.clientId}" and "${L.clientSecret}"; if both are right, the server may want them elsewhere: ${switchCredentials(f)}.`,
        field: 'clientSecret',
      };
    case 'invalid_grant':
    case 'bad_refresh_token':
      return f.grantType === 'refresh_token' || f.error === 'bad_refresh_token'
        ? {
            id: 'invalid-refresh-token',
            text: `The refresh token is expired, revoked or already used (servers that rotate refresh tokens accept each once): get a new "${L.refreshToken}".`,
            field: 'refreshToken',
          }
        : f.grantType === 'password'
          ? {
              id: 'invalid-user-credentials',
              text: `The server refused the resource owner's credentials: check "${L.username}" and "${L.password}" (an account with MFA cannot use the Password grant).`,
              field: 'password',
            }
          : undefined;
    default:
      return undefined;
  }
}

/**
 * A one-line hint for a failed Execute, from what the server said (Entra ID AADSTS codes, Okta, Keycloak, Auth0 and
 * Salesforce messages, the OAuth error codes of RFC 6749 §5.2) and the properties that were sent; undefined when
 * there is nothing to add to the error's own message (network, TLS and proxy errors already name their fix).
 * @see https://www.rfc-editor.org/rfc/rfc6749#section-5.2
 */
export function hintFor(error: InvokerError, properties?: Partial<InvokerProperties>): Hint | undefined {
  if (error.kind === 'redirect') {
    return {
      id: 'redirect',
      text: `"${L.authorizationServerUrl}" is probably not the token endpoint itself: use Discover with the issuer URL to find it.`,
      field: 'authorizationServerUrl',
    };
  }
  if (error.kind !== 'server-rejected' && error.kind !== 'invalid-response') {
    return undefined;
  }
  const f = factsOf(error, properties);
  return entraHint(f, error) ?? oktaHint(f) ?? keycloakHint(f) ?? auth0Hint(f) ?? salesforceHint(f) ?? genericHint(f, error);
}

/**
 * A one-line hint for a refused introspection request (401, 403, `invalid_client` or `unauthorized_client`): with an
 * introspection client, that client's credentials; without one, for a public client, that servers such as Keycloak
 * answer introspection requests only from confidential clients ("Client not allowed."), and which fields to fill in.
 * Undefined for any other failure, and for a confidential client's refusal (the error names the server's reason).
 * @see https://www.rfc-editor.org/rfc/rfc7662#section-2.1
 */
export function introspectionHintFor(error: InvokerError, properties: InvokerProperties): Hint | undefined {
  const refused =
    error.kind === 'server-rejected' &&
    (error.status === 401 || error.status === 403 || error.error === 'invalid_client' || error.error === 'unauthorized_client');
  if (!refused) {
    return undefined;
  }
  if (hasIntrospectionClient(properties)) {
    return {
      id: 'introspection-client-refused',
      text: `The server did not accept the introspection client: check "${L.introspectionClientId}" and "${L.introspectionClientSecret}" (a confidential client the server lets introspect tokens, such as the API's), and "${L.credentialsInRequestBody}".`,
      field: 'introspectionClientSecret',
    };
  }
  if (clientAuthMethodOf(properties) !== 'none') {
    return undefined;
  }
  return {
    id: 'introspection-public-client',
    text: `This invoker is a public client (it sends only its Client ID), and servers such as Keycloak answer introspection requests only from confidential clients: fill in "${L.introspectionClientId}" and "${L.introspectionClientSecret}" with the credentials of a confidential client, typically the API's (a resource server's).`,
    field: 'introspectionClientId',
  };
}
