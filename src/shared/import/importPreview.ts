import { DEFAULT_INVOKER, ISSUER_LABEL, toProperties, type InvokerConfig, type SecretField } from '../invoker';
import { isInteractiveGrant, PROPERTY_LABELS, type ExtraParameter } from '../properties';
import { loopbackTarget } from '../redirectUri';
import { validateProperties } from '../validation';
import { mapGrant } from './importGrants';
import { resolveVariables, type VariableScope } from './templateVariables';

/** A file the user picked, already parsed. */
export interface ParsedFile {
  /** Its name without the directory, as messages show it. */
  readonly name: string;
  readonly json: unknown;
}

/** The formats the importers read. */
export type ImportFormat = 'jetbrains' | 'postman' | 'insomnia' | 'bruno' | 'thunder' | 'openapi' | 'hoppscotch';

export const IMPORT_FORMAT_LABELS: Readonly<Record<ImportFormat, string>> = {
  jetbrains: 'JetBrains HTTP Client / httpyac environment',
  postman: 'Postman collection v2.1',
  insomnia: 'Insomnia export',
  bruno: 'Bruno collection',
  thunder: 'Thunder Client collection',
  openapi: 'OpenAPI 3.x / Swagger 2.0 document',
  hoppscotch: 'Hoppscotch collection',
};

/** How the client authenticates, in the three forms every tool offers. */
export type ExternalClientAuthentication = 'basic' | 'body' | 'none';

/**
 * One OAuth 2.0 configuration as another tool holds it, its values still raw (with their `{{variables}}`): each
 * importer reads its format into this, and `toImportRow` turns it into an invoker the same way for all of them.
 */
export interface ExternalAuth {
  /** Where the configuration is in the file, e.g. `dev › Security.Auth › orders-api`: shown in the preview. */
  readonly source: string;
  /** The name the invoker gets (made valid and unique later). */
  readonly name: string;
  /** The tool's name of the grant (`Client Credentials`, `password_credentials`, …). */
  readonly grant: string;
  readonly tokenUrl: string;
  readonly clientId: string;
  readonly clientSecret: string;
  readonly clientAuthentication: ExternalClientAuthentication;
  readonly username: string;
  readonly password: string;
  readonly refreshToken: string;
  readonly scope: string;
  readonly extraParameters: readonly ExtraParameter[];
  /** Authorization Code: the authorization endpoint the browser opens. */
  readonly authorizationUrl: string;
  /** Authorization Code: the redirect URI the tool registered at the server (empty: the tool's default). */
  readonly redirectUrl: string;
  /** Device Authorization: the device authorization endpoint. */
  readonly deviceAuthorizationUrl: string;
  /** Parameters of the authorization (or device authorization) request: prompt, login_hint, audience… */
  readonly authorizationParameters: readonly ExtraParameter[];
  /** Authorization Code: the PKCE the tool was set to use (`''`: it does not say). The invoker always uses S256. */
  readonly pkce: 'S256' | 'plain' | 'off' | '';
  /** What the importer could not carry over (names and labels only, never a value). */
  readonly notes: readonly string[];
  /** The issuer "Discover" reads the endpoints from (an OpenAPI `openIdConnect` scheme), when the tool names one. */
  readonly issuer?: string;
}

export const EMPTY_EXTERNAL_AUTH: Omit<ExternalAuth, 'source' | 'name' | 'grant'> = {
  tokenUrl: '',
  clientId: '',
  clientSecret: '',
  clientAuthentication: 'basic',
  username: '',
  password: '',
  refreshToken: '',
  scope: '',
  extraParameters: [],
  authorizationUrl: '',
  redirectUrl: '',
  deviceAuthorizationUrl: '',
  authorizationParameters: [],
  pkce: '',
  notes: [],
};

/** A configuration the invoker can take: its properties and, kept apart, its secrets. */
export interface ImportCandidate {
  readonly kind: 'invoker';
  readonly source: string;
  readonly config: InvokerConfig;
  readonly secrets: Partial<Record<SecretField, string>>;
  /** Unresolved variables, fields left out, problems Execute would report: shown beside the row (no values). */
  readonly warnings: readonly string[];
}

/** A configuration listed but not imported, with the reason (a grant the invoker does not offer, say). */
export interface SkippedRow {
  readonly kind: 'skipped';
  readonly source: string;
  readonly name: string;
  readonly reason: string;
}

export type ImportRow = ImportCandidate | SkippedRow;

/** What a file holds, before anything is imported. */
export interface ImportPreview {
  readonly format: ImportFormat;
  /** The environment the variables were resolved in, when the file has several. */
  readonly environment?: string;
  /** Every environment the file offers (JetBrains, Postman with its environment file, Insomnia). */
  readonly environments: readonly string[];
  readonly rows: readonly ImportRow[];
}

const SECRET_SOURCES = ['clientSecret', 'password', 'refreshToken'] as const;
const NAME_FORBIDDEN = /[/\\]/g;

/** A name the invoker accepts: no slashes, no leading space, at most 64 characters; `Imported` when nothing is left. */
export function invokerNameFrom(name: string): string {
  const cleaned = name.replace(NAME_FORBIDDEN, '-').trim().slice(0, 64).trim();
  return cleaned === '' ? 'Imported' : cleaned;
}

/** `name`, or `name 2`, `name 3` … when it is taken; the result stays within 64 characters. */
export function uniqueName(name: string, taken: ReadonlySet<string>): string {
  return taken.has(name) ? suffixedName(name, taken, 2).name : name;
}

/** The first `name n` not taken, from `n = from` on. */
function suffixedName(name: string, taken: ReadonlySet<string>, from: number): { name: string; n: number } {
  for (let n = from; ; n += 1) {
    const suffix = ` ${n}`;
    const candidate = `${name.slice(0, 64 - suffix.length).trim()}${suffix}`;
    if (!taken.has(candidate)) {
      return { name: candidate, n };
    }
  }
}

/**
 * Turns one external configuration into a preview row: its grant through the one grant table, its variables
 * resolved in `variables`, secrets apart from the properties. A secret whose variable is not defined is left out
 * (the text `{{…}}` is no secret to store); other fields keep the reference and get a warning.
 */
export function toImportRow(auth: ExternalAuth, variables: VariableScope): ImportRow {
  const grant = mapGrant(auth.grant);
  if (!('grantType' in grant)) {
    return { kind: 'skipped', source: auth.source, name: invokerNameFrom(auth.name), reason: `Not imported: ${grant.reason}.` };
  }
  const warnings: string[] = [...auth.notes];
  /** Fields left empty because a secret variable came without its value: their "is required" gives way to why. */
  const withheldFields = new Set<string>();
  const noteWithheld = (label: string, names: readonly string[] | undefined): void => {
    if (names !== undefined && names.length > 0) {
      withheldFields.add(label);
      warnings.push(
        `"${label}" uses ${names.map((name) => `{{${name}}}`).join(', ')}, a secret variable whose value the export did not include: enter it in the form.`,
      );
    }
  };
  const field = (label: string, raw: string): string => {
    const resolved = resolveVariables(raw, variables, label);
    noteWithheld(label, resolved.withheld);
    if (resolved.unresolved.length > 0) {
      warnings.push(`"${label}" uses ${resolved.unresolved.map((name) => `{{${name}}}`).join(', ')}, which no variable defines.`);
    }
    return resolved.value;
  };
  const parameters = (label: string, list: readonly ExtraParameter[]): ExtraParameter[] =>
    list.map((p) => ({ name: field(label, p.name), value: field(label, p.value) }));
  const signIn = isInteractiveGrant(grant.grantType);
  if (grant.grantType === 'authorization_code' && (auth.pkce === 'plain' || auth.pkce === 'off')) {
    warnings.push(
      auth.pkce === 'plain'
        ? 'PKCE was set to "plain": the invoker always uses S256 (RFC 7636 §4.2), which every server that knows PKCE accepts.'
        : 'PKCE was off: the invoker always sends a PKCE challenge (S256); a server that does not know PKCE ignores it (RFC 7636 §5).',
    );
  }
  const redirectUri = grant.grantType === 'authorization_code' ? field(PROPERTY_LABELS.redirectUri, auth.redirectUrl).trim() : '';
  if (redirectUri !== '' && !redirectReachesVsCode(redirectUri)) {
    warnings.push(
      `"${PROPERTY_LABELS.redirectUri}" is ${redirectUri.slice(0, 120)}, which cannot reach VS Code by itself: after signing in, paste the address the browser lands on; or register a loopback redirect (http://127.0.0.1/callback, any port) at the server and clear "${PROPERTY_LABELS.redirectUri}".`,
    );
  }
  const config: InvokerConfig = {
    ...DEFAULT_INVOKER,
    name: invokerNameFrom(auth.name),
    authorizationServerUrl: field(PROPERTY_LABELS.authorizationServerUrl, auth.tokenUrl).trim(),
    grantType: grant.grantType,
    credentialsInRequestBody: auth.clientAuthentication === 'body',
    clientId: field(PROPERTY_LABELS.clientId, auth.clientId),
    scope: field(PROPERTY_LABELS.scope, auth.scope),
    username: grant.grantType === 'password' ? field(PROPERTY_LABELS.username, auth.username) : '',
    extraParameters: parameters(PROPERTY_LABELS.extraParameters, auth.extraParameters),
    authorizationEndpointUrl: grant.grantType === 'authorization_code' ? field(PROPERTY_LABELS.authorizationEndpointUrl, auth.authorizationUrl).trim() : '',
    redirectUri,
    deviceAuthorizationEndpointUrl:
      grant.grantType === 'device_code' ? field(PROPERTY_LABELS.deviceAuthorizationEndpointUrl, auth.deviceAuthorizationUrl).trim() : '',
    authorizationParameters: signIn ? parameters(PROPERTY_LABELS.authorizationParameters, auth.authorizationParameters) : [],
    issuer: field(ISSUER_LABEL, auth.issuer ?? '').trim(),
  };
  const secrets: Partial<Record<SecretField, string>> = {};
  for (const key of SECRET_SOURCES) {
    const raw = auth[key];
    const used =
      key === 'clientSecret' ? auth.clientAuthentication !== 'none' : key === 'password' ? grant.grantType === 'password' : grant.grantType === 'refresh_token';
    if (raw === '' || !used) {
      continue;
    }
    const resolved = resolveVariables(raw, variables, PROPERTY_LABELS[key]);
    noteWithheld(PROPERTY_LABELS[key], resolved.withheld);
    if (resolved.unresolved.length > 0) {
      warnings.push(
        `"${PROPERTY_LABELS[key]}" uses ${resolved.unresolved.map((name) => `{{${name}}}`).join(', ')}, which no variable defines: it is not imported; enter it in the form.`,
      );
    } else if (resolved.value !== '') {
      secrets[key] = resolved.value;
    }
  }
  if (auth.clientAuthentication === 'none' && auth.clientSecret !== '') {
    warnings.push(`"${PROPERTY_LABELS.clientSecret}" is not imported: the client authenticates with its Client ID only.`);
  }
  for (const problem of validateProperties(toProperties(config, secrets), config.targetMessage)) {
    const label = (PROPERTY_LABELS as Readonly<Record<string, string>>)[problem.field];
    if (problem.code === 'required' && label !== undefined && withheldFields.has(label)) {
      continue;
    }
    warnings.push(problem.message);
  }
  return { kind: 'invoker', source: auth.source, config, secrets, warnings: [...new Set(warnings)] };
}

/** A redirect URI a route of the sign-in receives by itself: a loopback one, code-server's port proxy, or a vscode:// URI. */
function redirectReachesVsCode(uri: string): boolean {
  return loopbackTarget(uri) !== undefined || (/^[a-z-]+:\/\//i.test(uri) && !/^https?:/i.test(uri));
}

/** Characters of one name (a folder's, an environment's) in a row's `source`, which repeats its folders' names. */
const SOURCE_PART_LENGTH = 100;

/** A name as a part of a row's `source`: cut short, since a folder's name is repeated in every row inside it. */
export function sourcePart(name: string): string {
  return name.length > SOURCE_PART_LENGTH ? `${name.slice(0, SOURCE_PART_LENGTH - 1)}…` : name;
}

/** Gives every row of a preview a name of its own (`orders`, `orders 2`, …), in file order. */
export function withUniqueNames(rows: readonly ImportRow[]): ImportRow[] {
  const taken = new Set<string>();
  // The suffix each name is at: a file of a thousand rows of one name is then read in linear time, not quadratic.
  const suffixes = new Map<string, number>();
  return rows.map((row) => {
    const current = row.kind === 'invoker' ? row.config.name : row.name;
    let name = current;
    if (taken.has(current)) {
      const suffixed = suffixedName(current, taken, suffixes.get(current) ?? 2);
      suffixes.set(current, suffixed.n + 1);
      name = suffixed.name;
    }
    taken.add(name);
    if (name === current) {
      return row;
    }
    return row.kind === 'invoker' ? { ...row, config: { ...row.config, name } } : { ...row, name };
  });
}

/** A plain object (not an array, not null), or undefined: the importers read untrusted JSON through this. */
export function objectOf(value: unknown): Record<string, unknown> | undefined {
  return value !== null && typeof value === 'object' && !Array.isArray(value) ? (value as Record<string, unknown>) : undefined;
}

/** A string value, numbers and booleans written as text (tools store `"Scope": 1` when a user typed a number); else ''. */
export function textOf(value: unknown): string {
  if (typeof value === 'string') {
    return value;
  }
  return typeof value === 'number' || typeof value === 'boolean' ? String(value) : '';
}

/** Own property lookup: a file's `__proto__` or `constructor` key never reaches Object.prototype. */
export function own(record: Record<string, unknown> | undefined, key: string): unknown {
  return record !== undefined && Object.prototype.hasOwnProperty.call(record, key) ? record[key] : undefined;
}
