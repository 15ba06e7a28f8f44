import { DEFAULT_INVOKER, type InvokerConfig } from '../invoker';
import { PROPERTY_LABELS, type GrantType } from '../properties';
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
  return JETBRAINS_GRANT_NAMES[config.grantType] === undefined
    ? `the JetBrains HTTP Client has no ${config.grantType === 'refresh_token' ? 'Refresh Token' : config.grantType} grant`
    : undefined;
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
  ] as const;
  const changed = keys.filter((key) => config[key] !== DEFAULT_INVOKER[key]).map((key) => `"${PROPERTY_LABELS[key]}"`);
  if (config.issuer.trim() !== '') {
    changed.push('"Issuer URL"');
  }
  return changed.length > 0 ? [`Not exported (the file has no place for them): ${changed.join(', ')}.`] : [];
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
  if (options.hasClientSecret) {
    secretVariables.clientSecret = secretVariableName(config.name, 'clientSecret');
    entry['Client Secret'] = `{{${secretVariables.clientSecret}}}`;
    entry['Client Credentials'] = config.credentialsInRequestBody ? 'in body' : 'basic';
  } else {
    entry['Client Credentials'] = 'none';
  }
  if (config.grantType === 'password') {
    entry.Username = config.username;
    secretVariables.password = secretVariableName(config.name, 'password');
    entry.Password = `{{${secretVariables.password}}}`;
  }
  if (config.scope !== '') {
    entry.Scope = config.scope;
  }
  const parameters = config.extraParameters.filter((p) => p.name.trim() !== '');
  if (parameters.length > 0) {
    entry['Custom Request Parameters'] = Object.fromEntries(parameters.map((p) => [p.name, p.value]));
  }
  if ([config.authorizationServerUrl, config.clientId, config.scope, config.username, ...parameters.flatMap((p) => [p.name, p.value])].some(hasVariable)) {
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
