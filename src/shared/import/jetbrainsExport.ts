import { DEFAULT_INVOKER, type InvokerConfig } from '../invoker';
import {
  CLIENT_AUTH_METHOD_LABELS,
  GRANT_TYPE_LABELS,
  isInteractiveGrant,
  PROPERTY_LABELS,
  type ClientAuthMethod,
  type ExtraParameter,
  type GrantType,
} from '../properties';
import { ExportRefusedError, ImportFileError } from './importError';
import { objectOf, own } from './importPreview';
import { JETBRAINS_EXPECTED } from './jetbrains';
import { hasVariable } from './templateVariables';

/**
 * The JetBrains HTTP Client's name of each grant the invoker has and it knows. A grant missing here cannot be
 * exported (JetBrains has no Refresh Token grant); a new grant of the invoker is one line.
 */
export const JETBRAINS_GRANT_NAMES: Readonly<Partial<Record<GrantType, string>>> = {
  client_credentials: 'Client Credentials',
  password: 'Password',
  authorization_code: 'Authorization Code',
  device_code: 'Device Authorization',
};

/** The client authentication methods JetBrains' "Client Credentials" can say, by its words. */
const JETBRAINS_CLIENT_CREDENTIALS: Readonly<Partial<Record<ClientAuthMethod, string>>> = {
  client_secret_basic: 'basic',
  client_secret_post: 'in body',
  none: 'none',
};

export interface JetBrainsExportOptions {
  /** The environment the entry goes into (`dev`, `local`, …). */
  readonly environment: string;
  /** Whether a client secret is stored for the invoker: without one it is a public client (`"Client Credentials": "none"`). */
  readonly hasClientSecret: boolean;
  /** The secrets to write to the private file; only when the user asked for it. */
  readonly secrets?: { readonly clientSecret?: string; readonly password?: string };
  /** The current text of http-client.env.json, if the file exists: its other entries are kept. */
  readonly existingPublic?: string;
  /** The current text of http-client.private.env.json, if the file exists and secrets are written. */
  readonly existingPrivate?: string;
}

export interface JetBrainsExport {
  /** The new text of http-client.env.json: the entry, secrets only as `{{variables}}`. */
  readonly publicText: string;
  /** The new text of http-client.private.env.json, when secrets were given. */
  readonly privateText?: string;
  /** The variables the entry uses for its secrets, defined in the private file. */
  readonly secretVariables: { readonly clientSecret?: string; readonly password?: string };
  /** What the file cannot say (proxy, TLS, …): property labels only, never a value. */
  readonly warnings: readonly string[];
}

/** Why an invoker cannot be exported to JetBrains' format, if it cannot. */
export function jetBrainsExportProblem(config: Pick<InvokerConfig, 'grantType'>): string | undefined {
  return JETBRAINS_GRANT_NAMES[config.grantType] === undefined ? `the JetBrains HTTP Client has no ${GRANT_TYPE_LABELS[config.grantType]} grant` : undefined;
}

/** A variable name for one of the invoker's secrets: letters, digits and `_` only, e.g. `orders_api_client_secret`. */
export function secretVariableName(invokerName: string, field: 'clientSecret' | 'password'): string {
  const slug =
    invokerName
      .toLowerCase()
      .replace(/[^a-z0-9]+/g, '_')
      .replace(/^_+|_+$/g, '') || 'invoker';
  return `${slug}_${field === 'clientSecret' ? 'client_secret' : 'password'}`;
}

function parseExisting(text: string | undefined, file: string): Record<string, unknown> {
  if (text === undefined || text.trim() === '') {
    return {};
  }
  let json: unknown;
  try {
    json = JSON.parse(text.replace(/^\uFEFF/, ''));
  } catch {
    throw new ImportFileError(file, JETBRAINS_EXPECTED, 'it is not valid JSON', 'exported into');
  }
  const root = objectOf(json);
  if (root === undefined) {
    throw new ImportFileError(file, JETBRAINS_EXPECTED, 'it is not a JSON object', 'exported into');
  }
  return root;
}

/** Sets `root[environment][...path] = value`, creating the objects on the way and keeping every other key and its order. */
function setIn(root: Record<string, unknown>, file: string, path: readonly string[], value: unknown): void {
  let node = root;
  for (const key of path.slice(0, -1)) {
    const existing = own(node, key);
    if (existing === undefined) {
      const created: Record<string, unknown> = {};
      Object.defineProperty(node, key, { value: created, enumerable: true, writable: true, configurable: true });
      node = created;
    } else {
      const object = objectOf(existing);
      if (object === undefined) {
        throw new ImportFileError(file, JETBRAINS_EXPECTED, `its "${path.slice(0, path.indexOf(key) + 1).join('.')}" is not an object`, 'exported into');
      }
      node = object;
    }
  }
  Object.defineProperty(node, path[path.length - 1], { value, enumerable: true, writable: true, configurable: true });
}

/** Labels of the properties an http-client.env.json entry cannot hold, when the invoker sets them. */
function notCarried(config: InvokerConfig): string[] {
  const keys = [
    'basicEncoding',
    'allowInsecureHttp',
    'proxy',
    'proxyUsername',
    'tlsCaFile',
    'tlsCertFile',
    'tlsKeyFile',
    'tlsPfxFile',
    'tlsRejectUnauthorized',
    'targetMessage',
    'clientAssertionKeyFile',
    'introspectionEndpoint',
    'revocationEndpoint',
  ] as const;
  const changed = keys.filter((key) => config[key] !== DEFAULT_INVOKER[key]).map((key) => `"${PROPERTY_LABELS[key]}"`);
  if (config.issuer.trim() !== '') {
    changed.push('"Issuer URL"');
  }
  if (config.introspectionClientId.trim() !== '') {
    changed.push(`"${PROPERTY_LABELS.introspectionClientId}" and "${PROPERTY_LABELS.introspectionClientSecret}"`);
  }
  if (config.clientAuthentication !== '' && JETBRAINS_CLIENT_CREDENTIALS[config.clientAuthentication] === undefined) {
    changed.push(`"${PROPERTY_LABELS.clientAuthentication}" (${CLIENT_AUTH_METHOD_LABELS[config.clientAuthentication]}; the file says basic, in body or none)`);
  }
  return changed.length > 0 ? [`Not exported (the file has no place for them): ${changed.join(', ')}.`] : [];
}

/**
 * The token request's and the authorization request's parameters as JetBrains' Custom Request Parameters: a
 * parameter of both (same value) is written plain ("Everywhere"); one of only one request says which with "Use".
 */
function customParameters(
  token: readonly ExtraParameter[],
  authorization: readonly ExtraParameter[],
  signIn: boolean,
  warnings: string[],
): Record<string, unknown> {
  const named = (list: readonly ExtraParameter[]): ExtraParameter[] => list.filter((p) => p.name.trim() !== '');
  const entries = new Map<string, unknown>();
  for (const p of named(token)) {
    const both = named(authorization).some((a) => a.name === p.name && a.value === p.value);
    entries.set(p.name, !signIn || both ? p.value : { Value: p.value, Use: 'In Token Request' });
  }
  for (const p of named(authorization)) {
    if (!entries.has(p.name)) {
      entries.set(p.name, { Value: p.value, Use: 'In Auth Request' });
    } else if (!named(token).some((t) => t.name === p.name && t.value === p.value)) {
      warnings.push(`The parameter "${p.name.slice(0, 60)}" has another value in each request; the file holds one: the token request's is written.`);
    }
  }
  return Object.fromEntries(entries);
}

/**
 * Writes the invoker as a `Security.Auth` entry of an http-client.env.json environment — the JetBrains HTTP Client
 * and httpyac both read it — with its secrets only as `{{variables}}`; their values go to the private file, and
 * only when given. The entry replaces one of the same name; everything else in both files is kept.
 * @see https://www.jetbrains.com/help/idea/oauth-2-0-authorization.html
 */
export function exportJetBrains(config: InvokerConfig, options: JetBrainsExportOptions): JetBrainsExport {
  const grant = JETBRAINS_GRANT_NAMES[config.grantType];
  if (grant === undefined) {
    throw new ExportRefusedError(`"${config.name}" cannot be exported: ${jetBrainsExportProblem(config)}.`);
  }
  const environment = options.environment.trim();
  if (environment === '' || environment.startsWith('$')) {
    throw new ExportRefusedError('The environment needs a name that does not start with $.');
  }
  const warnings = notCarried(config);
  const entry: Record<string, unknown> = {
    Type: 'OAuth2',
    'Grant Type': grant,
    'Token URL': config.authorizationServerUrl.trim(),
    'Client ID': config.clientId,
  };
  const secretVariables: { clientSecret?: string; password?: string } = {};
  const method = config.clientAuthentication === '' ? undefined : JETBRAINS_CLIENT_CREDENTIALS[config.clientAuthentication];
  if (options.hasClientSecret && method !== 'none') {
    secretVariables.clientSecret = secretVariableName(config.name, 'clientSecret');
    entry['Client Secret'] = `{{${secretVariables.clientSecret}}}`;
    entry['Client Credentials'] = method ?? (config.credentialsInRequestBody ? 'in body' : 'basic');
  } else {
    entry['Client Credentials'] = 'none';
  }
  if (config.grantType === 'password') {
    entry.Username = config.username;
    secretVariables.password = secretVariableName(config.name, 'password');
    entry.Password = `{{${secretVariables.password}}}`;
  }
  if (config.grantType === 'authorization_code') {
    entry['Auth URL'] = config.authorizationEndpointUrl.trim();
    if (config.redirectUri.trim() !== '') {
      entry['Redirect URL'] = config.redirectUri.trim();
    } else {
      warnings.push(
        `"${PROPERTY_LABELS.redirectUri}" is empty (a loopback redirect on a free port): the JetBrains HTTP Client then uses its own redirect, which the server must accept.`,
      );
    }
    entry.PKCE = { 'Code Challenge Method': 'S256' };
  }
  if (config.grantType === 'device_code') {
    entry['Device Auth URL'] = config.deviceAuthorizationEndpointUrl.trim();
  }
  if (config.scope !== '') {
    entry.Scope = config.scope;
  }
  const signIn = isInteractiveGrant(config.grantType);
  const parameters = customParameters(config.extraParameters, signIn ? config.authorizationParameters : [], signIn, warnings);
  if (Object.keys(parameters).length > 0) {
    entry['Custom Request Parameters'] = parameters;
  }
  const written = [config.extraParameters, signIn ? config.authorizationParameters : []].flat().filter((p) => p.name.trim() !== '');
  const values = [
    config.authorizationServerUrl,
    config.clientId,
    config.scope,
    config.username,
    config.authorizationEndpointUrl,
    config.redirectUri,
    config.deviceAuthorizationEndpointUrl,
  ];
  if ([...values, ...written.flatMap((p) => [p.name, p.value])].some(hasVariable)) {
    warnings.push('A value holds {{…}}, which the JetBrains HTTP Client and httpyac read as a variable.');
  }
  const publicRoot = parseExisting(options.existingPublic, 'http-client.env.json');
  setIn(publicRoot, 'http-client.env.json', [environment, 'Security', 'Auth', config.name], entry);
  let privateText: string | undefined;
  if (options.secrets !== undefined) {
    const privateRoot = parseExisting(options.existingPrivate, 'http-client.private.env.json');
    for (const field of ['clientSecret', 'password'] as const) {
      const variable = secretVariables[field];
      const value = options.secrets[field];
      if (variable !== undefined && value !== undefined && value !== '') {
        setIn(privateRoot, 'http-client.private.env.json', [environment, variable], value);
      }
    }
    privateText = `${JSON.stringify(privateRoot, null, 2)}\n`;
  }
  return { publicText: `${JSON.stringify(publicRoot, null, 2)}\n`, privateText, secretVariables, warnings };
}
