import type { ExtraParameter, GrantType } from './properties';

/**
 * Provider presets for "New Invoker": pure data and small functions, shared by the extension and the form.
 * A preset pre-fills what it can (token URL from a template, grant, where the client credentials go, scope or extra
 * parameters) and its help text explains the rest. Templates name their placeholders in braces: `{tenant}`.
 */

/** How a placeholder's value is checked before it goes into a URL or a form field. */
export type PlaceholderKind =
  /** One path segment: no `/`, `?`, `#`, `%` or white space (a tenant, a realm, an authorization server id). */
  | 'segment'
  /** A host name, optionally with `:port` (an Okta or Auth0 domain). */
  | 'host'
  /** An https:// URL without query or fragment; a trailing `/` is dropped (a Keycloak realm URL). */
  | 'url'
  /** Free text for a form field, not a URL part (a resource or an audience); a trailing `/` is dropped. */
  | 'text';

export interface PresetPlaceholder {
  /** As written in the templates: `tenant` for `{tenant}`. */
  readonly name: string;
  readonly label: string;
  readonly kind: PlaceholderKind;
  readonly example: string;
  readonly help: string;
  /** Used when the user leaves it empty; without one the placeholder is required. */
  readonly defaultValue?: string;
}

export type PresetId = 'entra-v2' | 'entra-v1' | 'okta-custom' | 'okta-org' | 'auth0' | 'keycloak' | 'salesforce' | 'google' | 'github' | 'generic';

export interface Preset {
  readonly id: PresetId;
  readonly label: string;
  /** One line under the label in the picker. */
  readonly description: string;
  /** The token endpoint, with placeholders; empty for the generic preset. */
  readonly tokenUrlTemplate: string;
  /** For "Discover": the issuer, with the same placeholders; absent when the provider publishes no metadata. */
  readonly issuerTemplate?: string;
  /** Authorization Code: the authorization endpoint, with the same placeholders; absent when the provider has none. */
  readonly authorizationEndpointTemplate?: string;
  /** Device Authorization: the device authorization endpoint (RFC 8628), with placeholders; absent when the provider has none. */
  readonly deviceAuthorizationEndpointTemplate?: string;
  /** Parameters of the authorization request with placeholders in their values (Auth0's `audience`). */
  readonly authorizationParameters?: readonly ExtraParameter[];
  readonly placeholders: readonly PresetPlaceholder[];
  /** The grant pre-selected; the first of `grantTypes`. */
  readonly grantType: GrantType;
  /** The invoker grants the provider offers. */
  readonly grantTypes: readonly GrantType[];
  readonly credentialsInRequestBody: boolean;
  /** The scope, with placeholders (`{resource}/.default`); absent: left as it is. */
  readonly scopeTemplate?: string;
  /** Extra parameters with placeholders in their values (`audience={audience}`). */
  readonly extraParameters: readonly ExtraParameter[];
  /** Answer fields worth showing prominently in the tree (Salesforce's `instance_url`). */
  readonly prominentProperties: readonly string[];
  /** What the preset fills, what the user must still do, and the provider's quirks. Plain text, a few sentences. */
  readonly help: string;
  /** The provider's documentation of its token endpoint. */
  readonly docs?: string;
}

const TENANT: PresetPlaceholder = {
  name: 'tenant',
  label: 'Tenant',
  kind: 'segment',
  example: 'contoso.onmicrosoft.com',
  help: 'The Directory (tenant) ID or a verified domain. Not "common" for the Client Credentials grant.',
};

const ENTRA_RESOURCE: PresetPlaceholder = {
  name: 'resource',
  label: 'Resource (Application ID URI)',
  kind: 'text',
  example: 'api://11111111-2222-3333-4444-555555555555',
  help: 'The API the token is for: its Application ID URI, e.g. https://graph.microsoft.com or api://<application-id>.',
};

const OKTA_DOMAIN: PresetPlaceholder = {
  name: 'domain',
  label: 'Okta domain',
  kind: 'host',
  example: 'dev-123456.okta.com',
  help: "Your Okta org's domain (or custom domain), without https://.",
};

export const PRESETS: readonly Preset[] = [
  {
    id: 'entra-v2',
    label: 'Microsoft Entra ID (v2)',
    description: 'Azure AD / Entra ID v2.0 endpoint: scope=<resource>/.default',
    tokenUrlTemplate: 'https://login.microsoftonline.com/{tenant}/oauth2/v2.0/token',
    issuerTemplate: 'https://login.microsoftonline.com/{tenant}/v2.0',
    authorizationEndpointTemplate: 'https://login.microsoftonline.com/{tenant}/oauth2/v2.0/authorize',
    deviceAuthorizationEndpointTemplate: 'https://login.microsoftonline.com/{tenant}/oauth2/v2.0/devicecode',
    placeholders: [TENANT, ENTRA_RESOURCE],
    grantType: 'client_credentials',
    grantTypes: ['client_credentials', 'password', 'refresh_token', 'authorization_code', 'device_code'],
    credentialsInRequestBody: true,
    scopeTemplate: '{resource}/.default',
    extraParameters: [],
    prominentProperties: [],
    help:
      'Fills the v2.0 token URL for your tenant and the scope <resource>/.default, which the Client Credentials grant requires (it grants the application permissions consented for that API). ' +
      'Set "Client ID" to the app registration\'s Application (client) ID and "Client Secret" to the secret\'s Value (not its Secret ID). ' +
      'The Password grant also needs "Allow public client flows" for a public client and does not work for accounts with MFA. National clouds use another host (login.microsoftonline.us, login.partner.microsoftonline.cn).',
    docs: 'https://learn.microsoft.com/entra/identity-platform/v2-oauth2-client-creds-grant-flow',
  },
  {
    id: 'entra-v1',
    label: 'Microsoft Entra ID (v1)',
    description: 'Azure AD v1 endpoint: resource=<resource> instead of a scope',
    tokenUrlTemplate: 'https://login.microsoftonline.com/{tenant}/oauth2/token',
    issuerTemplate: 'https://login.microsoftonline.com/{tenant}',
    authorizationEndpointTemplate: 'https://login.microsoftonline.com/{tenant}/oauth2/authorize',
    deviceAuthorizationEndpointTemplate: 'https://login.microsoftonline.com/{tenant}/oauth2/devicecode',
    authorizationParameters: [{ name: 'resource', value: '{resource}' }],
    placeholders: [TENANT, ENTRA_RESOURCE],
    grantType: 'client_credentials',
    grantTypes: ['client_credentials', 'password', 'refresh_token', 'authorization_code', 'device_code'],
    credentialsInRequestBody: true,
    extraParameters: [{ name: 'resource', value: '{resource}' }],
    prominentProperties: [],
    help:
      'Fills the v1 token URL and a "resource" extra parameter: v1 takes the API\'s Application ID URI as resource, not a scope (leave "Scope" empty). ' +
      'Prefer the v2 preset for new work; v1 tokens carry the v1 claims (aud is the resource).',
    docs: 'https://learn.microsoft.com/previous-versions/azure/active-directory/azuread-dev/v1-oauth2-client-creds-grant-flow',
  },
  {
    id: 'okta-custom',
    label: 'Okta (custom authorization server)',
    description: 'https://<domain>/oauth2/<server>/v1/token — "default" unless you made another',
    tokenUrlTemplate: 'https://{domain}/oauth2/{authServerId}/v1/token',
    issuerTemplate: 'https://{domain}/oauth2/{authServerId}',
    authorizationEndpointTemplate: 'https://{domain}/oauth2/{authServerId}/v1/authorize',
    deviceAuthorizationEndpointTemplate: 'https://{domain}/oauth2/{authServerId}/v1/device/authorize',
    placeholders: [
      OKTA_DOMAIN,
      {
        name: 'authServerId',
        label: 'Authorization server ID',
        kind: 'segment',
        example: 'default',
        defaultValue: 'default',
        help: 'Security › API › Authorization Servers: "default" or the ID of yours.',
      },
    ],
    grantType: 'client_credentials',
    grantTypes: ['client_credentials', 'password', 'refresh_token', 'authorization_code', 'device_code'],
    credentialsInRequestBody: false,
    extraParameters: [],
    prominentProperties: [],
    help:
      'Fills the token URL of a custom authorization server. "Scope" must name a custom scope of that server, and an access policy rule must allow this client, grant and scope. ' +
      'Okta sends the secret with Basic authentication by default; if the app is set to "Client secret post", turn on "Credentials in Request Body" (Okta refuses credentials sent in both places).',
    docs: 'https://developer.okta.com/docs/guides/implement-grant-type/clientcreds/main/',
  },
  {
    id: 'okta-org',
    label: 'Okta (org authorization server)',
    description: 'https://<domain>/oauth2/v1/token — Okta API scopes only',
    tokenUrlTemplate: 'https://{domain}/oauth2/v1/token',
    issuerTemplate: 'https://{domain}',
    authorizationEndpointTemplate: 'https://{domain}/oauth2/v1/authorize',
    deviceAuthorizationEndpointTemplate: 'https://{domain}/oauth2/v1/device/authorize',
    placeholders: [OKTA_DOMAIN],
    grantType: 'refresh_token',
    grantTypes: ['refresh_token', 'password', 'authorization_code', 'device_code'],
    credentialsInRequestBody: false,
    extraParameters: [],
    prominentProperties: [],
    help: "The org authorization server issues tokens for Okta's own APIs. It accepts the Client Credentials grant only with private_key_jwt, which the invoker does not send: for client credentials with a secret, use the custom authorization server preset.",
    docs: 'https://developer.okta.com/docs/concepts/auth-servers/',
  },
  {
    id: 'auth0',
    label: 'Auth0',
    description: 'https://<domain>/oauth/token with an audience',
    tokenUrlTemplate: 'https://{domain}/oauth/token',
    issuerTemplate: 'https://{domain}/',
    authorizationEndpointTemplate: 'https://{domain}/authorize',
    deviceAuthorizationEndpointTemplate: 'https://{domain}/oauth/device/code',
    authorizationParameters: [{ name: 'audience', value: '{audience}' }],
    placeholders: [
      {
        name: 'domain',
        label: 'Auth0 domain',
        kind: 'host',
        example: 'my-tenant.eu.auth0.com',
        help: "The tenant's domain (or custom domain), without https://.",
      },
      {
        name: 'audience',
        label: 'Audience (API Identifier)',
        kind: 'text',
        example: 'https://api.example.com',
        help: 'The Identifier of the API under Applications › APIs.',
      },
    ],
    grantType: 'client_credentials',
    grantTypes: ['client_credentials', 'password', 'refresh_token', 'authorization_code', 'device_code'],
    credentialsInRequestBody: true,
    extraParameters: [{ name: 'audience', value: '{audience}' }],
    prominentProperties: [],
    help:
      'Fills the token URL and the "audience" extra parameter, which Auth0 needs to issue an access token for your API. ' +
      'The application must be authorized for that API (the API\'s Machine to Machine Applications tab). Auth0 applications default to "Client secret post".',
    docs: 'https://auth0.com/docs/get-started/authentication-and-authorization-flow/client-credentials-flow/call-your-api-using-the-client-credentials-flow',
  },
  {
    id: 'keycloak',
    label: 'Keycloak',
    description: 'The realm URL: <base>/realms/<realm>',
    tokenUrlTemplate: '{realmUrl}/protocol/openid-connect/token',
    issuerTemplate: '{realmUrl}',
    authorizationEndpointTemplate: '{realmUrl}/protocol/openid-connect/auth',
    deviceAuthorizationEndpointTemplate: '{realmUrl}/protocol/openid-connect/auth/device',
    placeholders: [
      {
        name: 'realmUrl',
        label: 'Realm URL',
        kind: 'url',
        example: 'https://sso.example.com/realms/my-realm',
        help: "The realm's URL: https://<host>/realms/<realm> (Keycloak before 17: https://<host>/auth/realms/<realm>).",
      },
    ],
    grantType: 'client_credentials',
    grantTypes: ['client_credentials', 'password', 'refresh_token', 'authorization_code', 'device_code'],
    credentialsInRequestBody: false,
    extraParameters: [],
    prominentProperties: [],
    help:
      'Fills the realm\'s token endpoint. For the Client Credentials grant the client needs "Client authentication" and "Service accounts roles" on; the Password grant needs "Direct access grants". ' +
      'The secret is on the client\'s Credentials tab; if it holds "%" or "+", some Keycloak versions misread it in a Basic header: then turn on "Credentials in Request Body".',
    docs: 'https://www.keycloak.org/docs/latest/securing_apps/#_client_credentials_grant',
  },
  {
    id: 'salesforce',
    label: 'Salesforce',
    description: "My Domain token URL; the answer's instance_url is the API host",
    tokenUrlTemplate: 'https://{myDomain}/services/oauth2/token',
    issuerTemplate: 'https://{myDomain}',
    placeholders: [
      {
        name: 'myDomain',
        label: 'My Domain host',
        kind: 'host',
        example: 'acme.my.salesforce.com',
        help: "Your org's My Domain host (a sandbox: acme--dev.sandbox.my.salesforce.com). The Client Credentials grant does not work on login.salesforce.com.",
      },
    ],
    grantType: 'client_credentials',
    grantTypes: ['client_credentials', 'password', 'refresh_token'],
    credentialsInRequestBody: true,
    extraParameters: [],
    prominentProperties: ['instance_url'],
    help:
      "Fills the My Domain token URL. The answer's instance_url is the host to call the APIs on, shown with the message. " +
      'The connected (or external client) app must enable the Client Credentials Flow with a Run As user. Salesforce answers carry no expires_in; the token lasts as long as the session policy allows. ' +
      "The Password grant needs the user's security token appended to the password unless the IP is trusted.",
    docs: 'https://help.salesforce.com/s/articleView?id=sf.remoteaccess_oauth_client_credentials_flow.htm',
  },
  {
    id: 'google',
    label: 'Google',
    description: 'Sign in with a Google account (authorization code or device code)',
    tokenUrlTemplate: 'https://oauth2.googleapis.com/token',
    issuerTemplate: 'https://accounts.google.com',
    authorizationEndpointTemplate: 'https://accounts.google.com/o/oauth2/v2/auth',
    deviceAuthorizationEndpointTemplate: 'https://oauth2.googleapis.com/device/code',
    authorizationParameters: [{ name: 'access_type', value: 'offline' }],
    placeholders: [],
    grantType: 'authorization_code',
    grantTypes: ['authorization_code', 'device_code', 'refresh_token'],
    credentialsInRequestBody: true,
    extraParameters: [],
    prominentProperties: [],
    help:
      'Signs you in with your Google account: create an OAuth client of type "Desktop app" (Authorization Code; Google gives it a client secret that is not secret, enter it all the same) or "TVs and Limited Input devices" (Device Authorization, which allows only some scopes). access_type=offline makes Google issue a refresh token. ' +
      'The Refresh Token grant exchanges a refresh token from an earlier consent (e.g. the OAuth Playground). ' +
      'Google has no Client Credentials or Password grant: service accounts sign a JWT instead, which the invoker does not do.',
    docs: 'https://developers.google.com/identity/protocols/oauth2/web-server#offline',
  },
  {
    id: 'github',
    label: 'GitHub',
    description: 'Sign in with GitHub by device code (or in the browser)',
    tokenUrlTemplate: 'https://github.com/login/oauth/access_token',
    authorizationEndpointTemplate: 'https://github.com/login/oauth/authorize',
    deviceAuthorizationEndpointTemplate: 'https://github.com/login/device/code',
    placeholders: [],
    grantType: 'device_code',
    grantTypes: ['device_code', 'authorization_code', 'refresh_token'],
    credentialsInRequestBody: true,
    extraParameters: [],
    prominentProperties: [],
    help:
      'Device Authorization: turn on "Enable Device Flow" in the OAuth or GitHub App\'s settings; only the Client ID is needed. Authorization Code: register http://127.0.0.1/callback as the callback URL (GitHub accepts any port on it). ' +
      "GitHub refreshes the expiring user tokens of a GitHub App (refresh_token, with the app's client ID and secret in the body). " +
      'GitHub answers form-encoded unless asked for JSON (the invoker asks), and reports errors such as bad_refresh_token with status 200. It has no Client Credentials or Password grant. ' +
      'GitHub Enterprise Server: replace github.com with your host.',
    docs: 'https://docs.github.com/apps/creating-github-apps/authenticating-with-a-github-app/refreshing-user-access-tokens',
  },
  {
    id: 'generic',
    label: 'Other OAuth 2.0 server',
    description: 'Enter the token URL, or discover it from the issuer',
    tokenUrlTemplate: '',
    placeholders: [],
    grantType: 'client_credentials',
    grantTypes: ['client_credentials', 'password', 'refresh_token', 'authorization_code', 'device_code'],
    credentialsInRequestBody: false,
    extraParameters: [],
    prominentProperties: [],
    help: 'Enter the token endpoint, or the issuer URL and "Discover": it reads the server\'s metadata (/.well-known/openid-configuration or /.well-known/oauth-authorization-server) and fills the token URL, the sign-in endpoints and the suggested "Credentials in Request Body". To sign in as a user, choose Authorization Code or Device Authorization: with a discovered issuer, Client ID and Scope are all that is left.',
  },
];

/** The preset with this id, if any. */
export function presetById(id: string): Preset | undefined {
  return PRESETS.find((preset) => preset.id === id);
}

/** Placeholder names in a template, in order of first appearance. */
export function placeholdersIn(template: string): string[] {
  return [...new Set([...template.matchAll(/\{([A-Za-z][A-Za-z0-9]*)\}/g)].map((match) => match[1]))];
}

/** A value the user typed, checked and normalized for its kind; a string is the problem, naming the placeholder. */
export function placeholderValue(placeholder: PresetPlaceholder, raw: string | undefined): { value: string } | { problem: string } {
  const value = (raw ?? '').trim() || (placeholder.defaultValue ?? '');
  const name = `"${placeholder.label}"`;
  if (value === '') {
    return { problem: `${name} is required, e.g. ${placeholder.example}.` };
  }
  switch (placeholder.kind) {
    case 'segment':
      return /^[^\s/?#%\\]+$/.test(value) ? { value } : { problem: `${name} must be one name without / ? # % or spaces, e.g. ${placeholder.example}.` };
    case 'host': {
      const host = value.replace(/^https?:\/\//i, '').replace(/\/+$/, '');
      return /^[A-Za-z0-9]([A-Za-z0-9-]*[A-Za-z0-9])?(\.[A-Za-z0-9]([A-Za-z0-9-]*[A-Za-z0-9])?)*(:\d{1,5})?$/.test(host)
        ? { value: host.toLowerCase() }
        : { problem: `${name} must be a host name, e.g. ${placeholder.example}.` };
    }
    case 'url': {
      let url: URL;
      try {
        url = new URL(value);
      } catch {
        return { problem: `${name} must be a URL, e.g. ${placeholder.example}.` };
      }
      if (url.protocol !== 'https:' && url.protocol !== 'http:') {
        return { problem: `${name} must start with https://, e.g. ${placeholder.example}.` };
      }
      if (url.search !== '' || url.hash !== '' || url.username !== '' || url.password !== '') {
        return { problem: `${name} must not contain a ?query, a #fragment or credentials.` };
      }
      return { value: url.href.replace(/\/+$/, '') };
    }
    case 'text':
      return { value: value.replace(/\/+$/, '') };
  }
}

/** A template with its placeholders replaced; the placeholders without a value stay as they are and are listed. */
export function fillTemplate(template: string, values: Readonly<Record<string, string>>): { text: string; missing: string[] } {
  const missing: string[] = [];
  const text = template.replace(/\{([A-Za-z][A-Za-z0-9]*)\}/g, (whole, name: string) => {
    const value = values[name];
    if (value === undefined || value === '') {
      missing.push(name);
      return whole;
    }
    return value;
  });
  return { text, missing: [...new Set(missing)] };
}

/** What a preset writes into the form, given the placeholder values the user typed. */
export interface PresetFill {
  readonly authorizationServerUrl: string;
  readonly issuer?: string;
  readonly grantType: GrantType;
  readonly credentialsInRequestBody: boolean;
  /** Absent: the preset leaves "Scope" as it is. */
  readonly scope?: string;
  readonly extraParameters: readonly ExtraParameter[];
  /** The sign-in endpoints, when the provider has them. */
  readonly authorizationEndpointUrl?: string;
  readonly deviceAuthorizationEndpointUrl?: string;
  readonly authorizationParameters: readonly ExtraParameter[];
  /** One sentence per placeholder that is missing or malformed, naming it; the fill is partial until this is empty. */
  readonly problems: readonly string[];
}

/** Fills a preset's templates with the user's values (checked per kind); problems name each placeholder to fix. */
export function applyPreset(preset: Preset, rawValues: Readonly<Record<string, string | undefined>> = {}): PresetFill {
  const values: Record<string, string> = {};
  const problems: string[] = [];
  for (const placeholder of preset.placeholders) {
    const checked = placeholderValue(placeholder, rawValues[placeholder.name]);
    if ('value' in checked) {
      values[placeholder.name] = checked.value;
    } else {
      problems.push(checked.problem);
    }
  }
  const fill = (template: string): string => fillTemplate(template, values).text;
  return {
    authorizationServerUrl: fill(preset.tokenUrlTemplate),
    ...(preset.issuerTemplate !== undefined ? { issuer: fill(preset.issuerTemplate) } : {}),
    grantType: preset.grantType,
    credentialsInRequestBody: preset.credentialsInRequestBody,
    ...(preset.scopeTemplate !== undefined ? { scope: fill(preset.scopeTemplate) } : {}),
    extraParameters: preset.extraParameters.map((parameter) => ({ name: parameter.name, value: fill(parameter.value) })),
    ...(preset.authorizationEndpointTemplate !== undefined ? { authorizationEndpointUrl: fill(preset.authorizationEndpointTemplate) } : {}),
    ...(preset.deviceAuthorizationEndpointTemplate !== undefined ? { deviceAuthorizationEndpointUrl: fill(preset.deviceAuthorizationEndpointTemplate) } : {}),
    authorizationParameters: (preset.authorizationParameters ?? []).map((parameter) => ({ name: parameter.name, value: fill(parameter.value) })),
    problems,
  };
}

/**
 * Recognizes a provider from a token URL (for an existing invoker: which preset's help to show) and reads back the
 * placeholder values, e.g. the tenant of an Entra ID URL. Undefined when no preset's template matches.
 */
export function matchPreset(tokenUrl: string): { preset: Preset; values: Record<string, string> } | undefined {
  const url = tokenUrl.trim().replace(/\/+$/, '');
  for (const preset of PRESETS) {
    if (preset.tokenUrlTemplate === '') {
      continue;
    }
    const names: string[] = [];
    const pattern = preset.tokenUrlTemplate
      .split(/(\{[A-Za-z][A-Za-z0-9]*\})/)
      .map((part) => {
        const name = /^\{([A-Za-z][A-Za-z0-9]*)\}$/.exec(part)?.[1];
        if (name === undefined) {
          return part.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
        }
        names.push(name);
        const kind = preset.placeholders.find((p) => p.name === name)?.kind;
        return kind === 'url' ? '(https?://.+?)' : '([^/?#]+)';
      })
      .join('');
    const match = new RegExp(`^${pattern}$`, 'i').exec(url);
    if (match !== null) {
      return { preset, values: Object.fromEntries(names.map((name, i) => [name, match[i + 1]])) };
    }
  }
  return undefined;
}
