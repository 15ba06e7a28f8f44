import { isInteractiveGrant, type ExtraParameter } from '../properties';
import { mapGrant } from './importGrants';
import { ImportFileError } from './importError';
import type { ImportBudget } from './importLimits';
import type { Variable } from './templateVariables';
import {
  EMPTY_EXTERNAL_AUTH,
  invokerNameFrom,
  objectOf,
  own,
  sourcePart,
  textOf,
  toImportRow,
  withUniqueNames,
  type ExternalAuth,
  type ExternalClientAuthentication,
  type ImportPreview,
  type ImportRow,
  type ParsedFile,
} from './importPreview';

export const JETBRAINS_EXPECTED =
  'a JetBrains HTTP Client / httpyac environment file (http-client.env.json): an object of environments, each an object of variables with an optional "Security": { "Auth": { … } }';

/** The environment whose variables and auth configurations every other environment shares. */
const SHARED = '$shared';

function environmentsOf(file: ParsedFile): Record<string, unknown> {
  const root = objectOf(file.json);
  if (root === undefined) {
    throw new ImportFileError(
      file.name,
      JETBRAINS_EXPECTED,
      `it is ${Array.isArray(file.json) ? 'an array' : `a JSON ${file.json === null ? 'null' : typeof file.json}`}`,
    );
  }
  for (const [key, value] of Object.entries(root)) {
    // "$schema" and the like are strings; every other entry is an environment.
    if (!key.startsWith('$') && objectOf(value) === undefined) {
      throw new ImportFileError(file.name, JETBRAINS_EXPECTED, `its entry "${key.slice(0, 60)}" is not an object of variables`);
    }
  }
  return root;
}

/** The names of the environments of the public file and the private one, in file order (`$shared` left out). */
export function jetBrainsEnvironments(files: readonly ParsedFile[]): string[] {
  const names = new Set<string>();
  for (const file of files) {
    for (const [key, value] of Object.entries(environmentsOf(file))) {
      if (!key.startsWith('$') && objectOf(value) !== undefined) {
        names.add(key);
      }
    }
  }
  return [...names];
}

/** The `Security.Auth` object of an environment, if it has one. */
function authsOf(environment: Record<string, unknown> | undefined): Record<string, unknown> {
  return objectOf(own(objectOf(own(environment, 'Security')), 'Auth')) ?? {};
}

const CLIENT_AUTHENTICATION: Readonly<Record<string, ExternalClientAuthentication>> = { basic: 'basic', inbody: 'body', none: 'none' };

function clientAuthenticationOf(value: unknown, notes: string[]): ExternalClientAuthentication {
  const key = textOf(value).toLowerCase().replace(/\s+/g, '');
  if (key === '') {
    return 'basic';
  }
  const found = Object.prototype.hasOwnProperty.call(CLIENT_AUTHENTICATION, key) ? CLIENT_AUTHENTICATION[key] : undefined;
  if (found === undefined) {
    notes.push(`"Client Credentials" is "${textOf(value).slice(0, 30)}", not basic, in body or none: Basic is used.`);
    return 'basic';
  }
  return found;
}

/** Where a custom parameter goes: JetBrains' "Use" (`Everywhere` by default). */
type ParameterUse = 'everywhere' | 'inauthrequest' | 'intokenrequest';

/**
 * Custom Request Parameters: `name: value`, `name: [values]` or `name: { "Value": …, "Use": "Everywhere" | "In Auth
 * Request" | "In Token Request" }`, split into the token request's and the authorization request's parameters.
 */
function parametersOf(value: unknown, signIn: boolean, notes: string[]): { token: ExtraParameter[]; authorization: ExtraParameter[] } {
  const token: ExtraParameter[] = [];
  const authorization: ExtraParameter[] = [];
  for (const [name, raw] of Object.entries(objectOf(value) ?? {})) {
    const described = objectOf(raw);
    const use = (textOf(own(described, 'Use')).toLowerCase().replace(/\s+/g, '') || 'everywhere') as ParameterUse;
    if (use === 'inauthrequest' && !signIn) {
      notes.push(`The custom parameter "${name.slice(0, 60)}" goes only with the authorization request, which this grant does not send: it is left out.`);
      continue;
    }
    const values = described !== undefined ? own(described, 'Value') : raw;
    const list = Array.isArray(values) ? values.map(textOf) : [textOf(values)];
    if (list.length > 1) {
      notes.push(`The custom parameter "${name.slice(0, 60)}" has ${list.length} values; the invoker sends each parameter once: the first is kept.`);
    }
    const parameter = { name, value: list[0] ?? '' };
    if (use !== 'inauthrequest') {
      token.push(parameter);
    }
    if (use !== 'intokenrequest' && signIn) {
      authorization.push(parameter);
    }
  }
  return { token, authorization };
}

/** JetBrains' PKCE: `true`/`false`, or `{ "Code Challenge Method": "S256" | "Plain", "Code Verifier": … }`. */
function pkceOf(value: unknown): ExternalAuth['pkce'] {
  if (value === undefined) {
    return '';
  }
  if (value === false) {
    return 'off';
  }
  return textOf(own(objectOf(value), 'Code Challenge Method')).toLowerCase() === 'plain' ? 'plain' : 'S256';
}

function externalAuthOf(id: string, environment: string, entry: Record<string, unknown>): ExternalAuth {
  const notes: string[] = [];
  const get = (key: string): string => textOf(own(entry, key));
  const grant = get('Grant Type');
  const mapped = mapGrant(grant);
  const parameters = parametersOf(own(entry, 'Custom Request Parameters'), 'grantType' in mapped && isInteractiveGrant(mapped.grantType), notes);
  return {
    ...EMPTY_EXTERNAL_AUTH,
    source: `${sourcePart(environment)} › Security.Auth › ${sourcePart(id)}`,
    name: id,
    grant,
    tokenUrl: get('Token URL'),
    clientId: get('Client ID'),
    clientSecret: get('Client Secret'),
    clientAuthentication: clientAuthenticationOf(own(entry, 'Client Credentials'), notes),
    username: get('Username'),
    password: get('Password'),
    scope: get('Scope'),
    extraParameters: parameters.token,
    authorizationUrl: get('Auth URL'),
    redirectUrl: get('Redirect URL'),
    deviceAuthorizationUrl: get('Device Auth URL'),
    authorizationParameters: parameters.authorization,
    pkce: pkceOf(own(entry, 'PKCE')),
    notes,
  };
}

function variablesOf(environment: Record<string, unknown> | undefined, file: string, into: Map<string, Variable>, budget: ImportBudget): void {
  for (const [key, value] of Object.entries(environment ?? {})) {
    budget.check(file);
    if (typeof value === 'string' || typeof value === 'number' || typeof value === 'boolean') {
      into.set(key, { value: String(value), file });
    }
  }
}

/**
 * Reads the OAuth2 configurations (`Security.Auth` entries of `"Type": "OAuth2"`) of one environment of a JetBrains
 * HTTP Client / httpyac environment file and its private counterpart: the private file's values win, `$shared`
 * gives what the environment does not, and `{{variables}}` resolve within that environment.
 * @see https://www.jetbrains.com/help/idea/oauth-2-0-authorization.html
 */
export function previewJetBrains(
  publicFile: ParsedFile | undefined,
  privateFile: ParsedFile | undefined,
  environment: string | undefined,
  budget: ImportBudget,
): ImportPreview {
  const files = [publicFile, privateFile].filter((f): f is ParsedFile => f !== undefined);
  const roots = files.map(environmentsOf);
  const environments = jetBrainsEnvironments(files);
  if (environment !== undefined && !environments.includes(environment)) {
    throw new ImportFileError(
      files[0]?.name ?? 'http-client.env.json',
      `one of its environments (${environments.join(', ') || 'none'})`,
      `it has no environment "${environment.slice(0, 60)}"`,
    );
  }
  // Without a choice, the first environment that has a Security.Auth of its own: the first one may have none.
  const withAuth = environments.find((name) => roots.some((root) => Object.keys(authsOf(objectOf(own(root, name)))).length > 0));
  const chosen = environment ?? withAuth ?? environments[0] ?? SHARED;
  // Later layers win: $shared, then the environment; in each, the private file over the public one.
  const layers = [SHARED, chosen].flatMap((name) => roots.map((root, i) => ({ environment: objectOf(own(root, name)), file: files[i].name })));
  const variables = new Map<string, Variable>();
  const auths = new Map<string, Record<string, unknown>>();
  /** The file of each auth entry's latest layer: the one its limit errors name. */
  const authFiles = new Map<string, string>();
  for (const layer of layers) {
    variablesOf(layer.environment, layer.file, variables, budget);
    for (const [id, value] of Object.entries(authsOf(layer.environment))) {
      const entry = objectOf(value);
      if (entry !== undefined) {
        budget.item(layer.file);
        auths.set(id, { ...(auths.get(id) ?? {}), ...entry });
        authFiles.set(id, layer.file);
      }
    }
  }
  const rows: ImportRow[] = [];
  for (const [id, entry] of auths) {
    const file = authFiles.get(id)!;
    budget.configuration(file);
    const type = textOf(own(entry, 'Type'));
    if (type.toLowerCase() !== 'oauth2') {
      rows.push({
        kind: 'skipped',
        source: `${sourcePart(chosen)} › Security.Auth › ${sourcePart(id)}`,
        name: invokerNameFrom(id),
        reason: `Not imported: its "Type" is ${type === '' ? 'missing' : `"${type.slice(0, 30)}"`}, not "OAuth2".`,
      });
      continue;
    }
    rows.push(toImportRow(externalAuthOf(id, chosen, entry), { lookup: (name) => variables.get(name), budget, file }));
  }
  return { format: 'jetbrains', environment: chosen === SHARED ? undefined : chosen, environments, rows: withUniqueNames(rows) };
}
