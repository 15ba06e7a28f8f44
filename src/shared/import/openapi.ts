import { ImportFileError, quotedName } from './importError';
import type { ImportBudget } from './importLimits';
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
  type ImportPreview,
  type ImportRow,
  type ParsedFile,
} from './importPreview';

export const OPENAPI_EXPECTED = 'an OpenAPI 3.x or Swagger 2.0 document (JSON or YAML) with an "openapi" or "swagger" field';

/** Scopes filled in when a flow lists this many or fewer and the document's `security` asks for none of them. */
export const FEW_SCOPES = 5;

/** Scope names a warning lists at most. */
const SCOPES_SHOWN = 20;

const CLIENT_ID_NOTE =
  'The document has no client: OpenAPI has no field for a Client ID. Register a client at the authorization server and enter its "Client ID".';

/** True when the JSON is an OpenAPI (3.x) or Swagger (2.0) document: a top-level `openapi` or `swagger` version string. */
export function isOpenApiDocument(json: unknown): boolean {
  const root = objectOf(json);
  return typeof own(root, 'openapi') === 'string' || typeof own(root, 'swagger') === 'string';
}

/** The base URL that relative URLs of the document resolve against, or why there is none. */
type Base = { readonly url: URL } | { readonly missing: string };

/** `servers[0].url` with its `{variables}` replaced by their defaults (OpenAPI 3.x §4.8.5 Server Object). */
function serverBase(root: Record<string, unknown>): Base {
  const servers = own(root, 'servers');
  const server = objectOf(Array.isArray(servers) ? servers[0] : undefined);
  const template = textOf(own(server, 'url')).trim();
  if (template === '') {
    return { missing: 'the document lists no server' };
  }
  const variables = objectOf(own(server, 'variables'));
  let undefinedVariable = '';
  const url = template.replace(/\{([^{}]*)\}/g, (whole, name: string) => {
    const value = own(objectOf(own(variables, name)), 'default');
    if (typeof value !== 'string') {
      undefinedVariable ||= name;
      return whole;
    }
    return value;
  });
  if (undefinedVariable !== '') {
    return { missing: `its first server's URL uses the variable ${quotedName(undefinedVariable)}, which has no default` };
  }
  return absolute(url, `its first server's URL ${quotedName(url)} names no host`);
}

/**
 * Swagger 2.0's `schemes` + `host` + `basePath`. Without `schemes`, the document's own scheme applies, unknown here:
 * https is taken, the only one the invoker opens to a remote host anyway.
 * @see https://swagger.io/specification/v2/#swagger-object
 */
function swaggerBase(root: Record<string, unknown>): Base {
  const host = textOf(own(root, 'host')).trim();
  if (host === '') {
    return { missing: 'the document has no "host"' };
  }
  const schemes = own(root, 'schemes');
  const listed = Array.isArray(schemes) ? schemes.map(textOf) : [];
  const scheme = listed.length === 0 || listed.includes('https') ? 'https' : listed[0];
  const basePath = textOf(own(root, 'basePath')).trim() || '/';
  return absolute(`${scheme}://${host}${basePath.startsWith('/') ? '' : '/'}${basePath}`, `its "host" ${quotedName(host)} is not a host name`);
}

function absolute(url: string, missing: string): Base {
  if (!/^[a-z][a-z0-9+.-]*:\/\//i.test(url)) {
    return { missing };
  }
  try {
    return { url: new URL(url) };
  } catch {
    return { missing };
  }
}

/**
 * A URL of the document, resolved against the base when it is relative (RFC 3986 §5, as OpenAPI 3.x says); a relative
 * one without a base stays as it is, with a note: no host is made up.
 */
function resolveUrl(raw: string, base: Base, label: string, notes: string[]): string {
  const value = raw.trim();
  if (value === '' || /^[a-z][a-z0-9+.-]*:/i.test(value)) {
    return value;
  }
  if ('missing' in base) {
    notes.push(`"${label}" is the relative URL ${quotedName(value)} and ${base.missing}: enter the server's address in front of it.`);
    return value;
  }
  try {
    return new URL(value, base.url).href;
  } catch {
    return value;
  }
}

/** What a document's `security` requirements ask of each scheme: at the top level, and in any operation. */
interface Requirements {
  readonly top: ReadonlyMap<string, ReadonlySet<string>>;
  readonly operations: ReadonlyMap<string, ReadonlySet<string>>;
}

/** The HTTP methods of a Path Item Object, whose Operation Objects may have `security`. */
const METHODS = ['get', 'put', 'post', 'delete', 'options', 'head', 'patch', 'trace', 'query'];

/** Adds the scopes of a Security Requirement list (`[{ scheme: [scopes] }]`) to `into`, in order, each once. */
function collectScopes(security: unknown, into: Map<string, Set<string>>, budget: ImportBudget, file: string): void {
  for (const requirement of Array.isArray(security) ? security : []) {
    budget.check(file);
    for (const [scheme, list] of Object.entries(objectOf(requirement) ?? {})) {
      const scopes = into.get(scheme) ?? new Set<string>();
      into.set(scheme, scopes);
      for (const scope of Array.isArray(list) ? list : []) {
        const text = textOf(scope).trim();
        if (text !== '') {
          scopes.add(text);
        }
      }
    }
  }
}

/**
 * The document's requirements, read once for the whole document (not once per scheme), the preview's deadline
 * looked at for each path and requirement.
 */
function requirementsOf(root: Record<string, unknown>, budget: ImportBudget, file: string): Requirements {
  const top = new Map<string, Set<string>>();
  collectScopes(own(root, 'security'), top, budget, file);
  const operations = new Map<string, Set<string>>();
  for (const item of Object.values(objectOf(own(root, 'paths')) ?? {})) {
    budget.check(file);
    for (const method of METHODS) {
      collectScopes(own(objectOf(own(objectOf(item), method)), 'security'), operations, budget, file);
    }
  }
  return { top, operations };
}

function namedList(names: readonly string[]): string {
  const shown = names.slice(0, SCOPES_SHOWN).map(quotedName).join(', ');
  return names.length > SCOPES_SHOWN ? `${shown} and ${names.length - SCOPES_SHOWN} more` : shown;
}

const PARAMETER = /\{[^{}]*\}/;

/**
 * The scope of a row: what the document's top-level `security` asks of the scheme; else every scope the flow lists
 * when there are few; else none, with a note naming those to choose from. Never one the document does not name,
 * nor one with a `{parameter}`; scopes the operations ask for that the flow does not list (Open Finance's
 * `consent:consentId`, a template of the consent's id) are named in a note, not filled in.
 */
function scopeOf(requirements: Requirements, scheme: string, listed: readonly string[], notes: string[]): string {
  const top = [...(requirements.top.get(scheme) ?? [])];
  const base = top.length > 0 ? top : listed.length <= FEW_SCOPES ? listed : [];
  const chosen = base.filter((scope) => !PARAMETER.test(scope));
  if (top.length === 0 && chosen.length > 0) {
    notes.push(
      `"Scope" holds every scope the document lists (${chosen.length}), since its top-level "security" asks for none: remove those the client does not need.`,
    );
  }
  if (base.length === 0 && listed.length > 0) {
    notes.push(
      `"Scope" is left empty: the document lists ${listed.length} scopes and its top-level "security" asks for none; choose from ${namedList(listed)}.`,
    );
  }
  const operations = [...(requirements.operations.get(scheme) ?? [])];
  const held = [
    ...new Set([...base.filter((scope) => PARAMETER.test(scope)), ...operations.filter((scope) => !listed.includes(scope) && !base.includes(scope))]),
  ];
  if (held.length > 0) {
    notes.push(
      `The document also asks for ${namedList(held)}, which the flow does not list or which hold a {parameter}: not filled in; add them, with their values, if the API needs them.`,
    );
  }
  return chosen.join(' ');
}

/** OpenAPI 3.x flow names (and Swagger 2.0 `flow` values) with the grant the invoker knows them by. */
const FLOWS: Readonly<Record<string, { readonly grant: string; readonly label: string }>> = {
  clientCredentials: { grant: 'client_credentials', label: 'Client Credentials' },
  application: { grant: 'client_credentials', label: 'Client Credentials' },
  authorizationCode: { grant: 'authorization_code', label: 'Authorization Code' },
  accessCode: { grant: 'authorization_code', label: 'Authorization Code' },
  password: { grant: 'password', label: 'Password' },
  implicit: { grant: 'implicit', label: 'Implicit' },
  // OpenAPI 3.2.
  deviceAuthorization: { grant: 'device_code', label: 'Device Authorization' },
};

interface Context {
  /** What the `security` requirements ask of each scheme. */
  readonly requirements: Requirements;
  readonly base: Base;
  readonly file: string;
  readonly title: string;
  readonly budget: ImportBudget;
}

/** One flow of an `oauth2` scheme (3.x Flow Object, or a 2.0 Security Scheme Object itself) as a configuration. */
function flowAuth(context: Context, scheme: string, flowName: string, flow: Record<string, unknown>, several: boolean): ExternalAuth {
  const known = Object.prototype.hasOwnProperty.call(FLOWS, flowName) ? FLOWS[flowName] : undefined;
  const notes: string[] = [];
  const scopes = Object.keys(objectOf(own(flow, 'scopes')) ?? {});
  // Scalar's documented extension: the client its "Try it" uses.
  const clientId = textOf(own(flow, 'x-scalar-client-id')).trim();
  notes.push(clientId === '' ? CLIENT_ID_NOTE : 'The "Client ID" is the example client the document names ("x-scalar-client-id"): use your own.');
  return {
    ...EMPTY_EXTERNAL_AUTH,
    source: [context.title, sourcePart(scheme), sourcePart(flowName)].join(' › '),
    name: several ? `${scheme} ${known?.label ?? flowName}` : scheme,
    grant: known?.grant ?? flowName,
    tokenUrl: resolveUrl(textOf(own(flow, 'tokenUrl')), context.base, 'tokenUrl', notes),
    authorizationUrl: resolveUrl(textOf(own(flow, 'authorizationUrl')), context.base, 'authorizationUrl', notes),
    deviceAuthorizationUrl: resolveUrl(textOf(own(flow, 'deviceAuthorizationUrl')), context.base, 'deviceAuthorizationUrl', notes),
    clientId,
    scope: scopeOf(context.requirements, scheme, scopes, notes),
    notes,
  };
}

const DISCOVERY_SUFFIX = /\/\.well-known\/openid-configuration\/?$/;

/** An `openIdConnect` scheme: Authorization Code with the Issuer set, so that "Discover" fills the endpoints. */
function openIdAuth(context: Context, scheme: string, definition: Record<string, unknown>): ExternalAuth {
  const notes: string[] = [];
  const discovery = resolveUrl(textOf(own(definition, 'openIdConnectUrl')), context.base, 'openIdConnectUrl', notes);
  const issuer = discovery.replace(DISCOVERY_SUFFIX, '');
  notes.push(
    issuer === discovery
      ? `"openIdConnectUrl" does not end in /.well-known/openid-configuration: check the "Issuer URL", then press "Discover" to fill the endpoints.`
      : 'The "Issuer URL" comes from "openIdConnectUrl": press "Discover" to fill the endpoints. The grant is Authorization Code; choose another if the client uses one.',
    CLIENT_ID_NOTE,
  );
  // An OpenID Connect scheme lists no scopes: those its operations ask for are the document's own word.
  const top = [...(context.requirements.top.get(scheme) ?? [])];
  const asked = top.length > 0 ? top : [...(context.requirements.operations.get(scheme) ?? [])];
  const scopes = asked.filter((scope) => !PARAMETER.test(scope));
  if (scopes.length === 0) {
    notes.push('"Scope" is left empty: the document asks for no scope of this scheme; OpenID Connect needs "openid".');
  } else if (top.length === 0) {
    notes.push(`"Scope" is what the document's operations ask of this scheme (${namedList(scopes)}).`);
  }
  if (scopes.length < asked.length) {
    notes.push(`The document also asks for ${namedList(asked.filter((scope) => PARAMETER.test(scope)))}, which hold a {parameter}: not filled in.`);
  }
  return {
    ...EMPTY_EXTERNAL_AUTH,
    source: [context.title, sourcePart(scheme)].join(' › '),
    name: scheme,
    grant: 'authorization_code',
    issuer,
    scope: scopes.join(' '),
    notes,
  };
}

const LOCAL_SCHEME = /^#\/(?:components\/securitySchemes|securityDefinitions)\/([^/]+)$/;

/** A scheme that is a `$ref` to another scheme of the same document, read one step (no chain, so no cycle); else as it is. */
function referenced(schemes: Record<string, unknown>, definition: Record<string, unknown> | undefined): Record<string, unknown> | undefined {
  const local = LOCAL_SCHEME.exec(textOf(own(definition, '$ref')));
  const target = local !== null ? objectOf(own(schemes, decodeURIComponent(local[1]).replace(/~1/g, '/').replace(/~0/g, '~'))) : undefined;
  return target !== undefined && own(target, '$ref') === undefined ? target : definition;
}

/**
 * Reads the OAuth 2.0 security schemes of an OpenAPI 3.x document (`components.securitySchemes`: one row per flow, and
 * `openIdConnect`) or a Swagger 2.0 one (`securityDefinitions`). Other schemes (API keys, HTTP) make no row.
 * @see https://spec.openapis.org/oas/v3.1.0#security-scheme-object
 * @see https://swagger.io/specification/v2/#security-definitions-object
 */
export function previewOpenApi(document: ParsedFile, budget: ImportBudget): ImportPreview {
  const root = objectOf(document.json);
  if (root === undefined || !isOpenApiDocument(root)) {
    throw new ImportFileError(document.name, OPENAPI_EXPECTED, 'it has neither');
  }
  const swagger = typeof own(root, 'swagger') === 'string';
  const context: Context = {
    requirements: requirementsOf(root, budget, document.name),
    base: swagger ? swaggerBase(root) : serverBase(root),
    file: document.name,
    title: sourcePart(textOf(own(objectOf(own(root, 'info')), 'title')).trim() || document.name),
    budget,
  };
  const schemes = objectOf(swagger ? own(root, 'securityDefinitions') : own(objectOf(own(root, 'components')), 'securitySchemes')) ?? {};
  const scope = { lookup: () => undefined, budget, file: document.name };
  const rows: ImportRow[] = [];
  const add = (auth: ExternalAuth): void => {
    budget.configuration(document.name);
    rows.push(toImportRow(auth, scope));
  };
  for (const [name, value] of Object.entries(schemes)) {
    budget.item(document.name);
    const definition = referenced(schemes, objectOf(value));
    const type = textOf(own(definition, 'type'));
    if (definition === undefined) {
      continue;
    }
    if (type === '' && typeof own(definition, '$ref') === 'string') {
      budget.configuration(document.name);
      rows.push({
        kind: 'skipped',
        source: [context.title, sourcePart(name)].join(' › '),
        name: invokerNameFrom(name),
        reason: `Not imported: the scheme is a "$ref" to ${quotedName(textOf(own(definition, '$ref')))}, which the import does not follow; import the document it points to.`,
      });
      continue;
    }
    if (type === 'openIdConnect') {
      add(openIdAuth(context, name, definition));
    } else if (type === 'oauth2' && swagger) {
      add(flowAuth(context, name, textOf(own(definition, 'flow')), definition, false));
    } else if (type === 'oauth2') {
      const flows = Object.entries(objectOf(own(definition, 'flows')) ?? {}).filter((entry) => objectOf(entry[1]) !== undefined);
      for (const [flowName, flow] of flows) {
        budget.item(document.name);
        add(flowAuth(context, name, flowName, objectOf(flow)!, flows.length > 1));
      }
      if (flows.length === 0) {
        budget.configuration(document.name);
        const source = [context.title, sourcePart(name)].join(' › ');
        rows.push({ kind: 'skipped', source, name: invokerNameFrom(name), reason: 'Not imported: this oauth2 scheme lists no flow in "flows".' });
      }
    }
  }
  if (rows.length === 0) {
    const others = Object.entries(schemes)
      .slice(0, SCOPES_SHOWN)
      .map(([name, value]) => `${quotedName(textOf(own(objectOf(value), 'type')) || 'untyped')} ${quotedName(name)}`);
    rows.push({
      kind: 'skipped',
      source: context.title,
      name: invokerNameFrom(context.title),
      reason: `Not imported: the document defines no OAuth 2.0 or OpenID Connect security scheme${others.length > 0 ? ` (only ${others.join(', ')})` : ''}.`,
    });
  }
  return { format: 'openapi', environments: [], rows: withUniqueNames(rows) };
}
