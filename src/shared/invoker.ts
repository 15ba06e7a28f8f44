import type { BasicEncoding, ExtraParameter, GrantType, InvokerProperties } from '../core/properties';

/** Where an invoker's non-secret properties are stored: the user's settings or the workspace's. */
export type InvokerScope = 'user' | 'workspace';

/** The properties that are secrets: they live only in SecretStorage, never in settings, the webview's state or a log. */
export type SecretField = 'clientSecret' | 'password' | 'refreshToken';
export const SECRET_FIELDS: readonly SecretField[] = ['clientSecret', 'password', 'refreshToken'];

/** Which secrets are stored for an invoker: what the form may know (never the values). */
export type StoredSecrets = Readonly<Record<SecretField, boolean>>;

/** An invoker as kept in the `oauth2Invoker.invokers` setting: every property but the secrets. */
export interface InvokerConfig {
  readonly name: string;
  readonly authorizationServerUrl: string;
  readonly grantType: GrantType;
  readonly credentialsInRequestBody: boolean;
  readonly clientId: string;
  readonly scope: string;
  readonly username: string;
  readonly extraParameters: readonly ExtraParameter[];
  readonly basicEncoding: BasicEncoding;
  readonly allowInsecureHttp: boolean;
  readonly targetMessage: string;
}

export const DEFAULT_INVOKER: InvokerConfig = {
  name: '',
  authorizationServerUrl: '',
  grantType: 'client_credentials',
  credentialsInRequestBody: false,
  clientId: '',
  scope: '',
  username: '',
  extraParameters: [],
  basicEncoding: 'auto',
  allowInsecureHttp: false,
  targetMessage: 'DJMOUT',
};

const NAME_PATTERN = /^[^\s/\\][^/\\]{0,63}$/;

/** The invoker's name problem, if any: names key the secrets and the messages, so they are short and path-free. */
export function invokerNameIssue(name: string, taken: readonly string[]): string | undefined {
  const trimmed = name.trim();
  if (trimmed === '') {
    return '"Name" is required.';
  }
  if (!NAME_PATTERN.test(trimmed)) {
    return '"Name" must be at most 64 characters, without / or \\.';
  }
  if (taken.includes(trimmed)) {
    return `"Name" is taken: another invoker is called "${trimmed}".`;
  }
  return undefined;
}

function text(value: unknown, fallback: string): string {
  return typeof value === 'string' ? value : fallback;
}

/**
 * Reads one entry of the setting leniently: a hand-edited settings.json may hold anything, so every field falls
 * back to its default and secrets that someone wrote into settings are ignored rather than sent.
 */
export function normalizeInvoker(raw: unknown): InvokerConfig | undefined {
  if (raw === null || typeof raw !== 'object') {
    return undefined;
  }
  const r = raw as Record<string, unknown>;
  const name = text(r.name, '').trim();
  if (name === '') {
    return undefined;
  }
  const grantType = (['client_credentials', 'password', 'refresh_token'] as const).find((g) => g === r.grantType) ?? DEFAULT_INVOKER.grantType;
  const basicEncoding = (['auto', 'rfc6749', 'raw'] as const).find((e) => e === r.basicEncoding) ?? DEFAULT_INVOKER.basicEncoding;
  const extraParameters = Array.isArray(r.extraParameters)
    ? r.extraParameters
        .filter((p): p is Record<string, unknown> => p !== null && typeof p === 'object')
        .map((p) => ({ name: text(p.name, ''), value: text(p.value, '') }))
    : [];
  return {
    name,
    authorizationServerUrl: text(r.authorizationServerUrl, ''),
    grantType,
    credentialsInRequestBody: r.credentialsInRequestBody === true,
    clientId: text(r.clientId, ''),
    scope: text(r.scope, ''),
    username: text(r.username, ''),
    extraParameters,
    basicEncoding,
    allowInsecureHttp: r.allowInsecureHttp === true,
    targetMessage: text(r.targetMessage, '').trim() || DEFAULT_INVOKER.targetMessage,
  };
}

/** The setting's form of an invoker: defaults left out, so settings.json stays short and readable. */
export function serializeInvoker(config: InvokerConfig): Record<string, unknown> {
  const out: Record<string, unknown> = { name: config.name.trim(), authorizationServerUrl: config.authorizationServerUrl.trim(), grantType: config.grantType };
  const defaults = DEFAULT_INVOKER as unknown as Record<string, unknown>;
  for (const [key, value] of Object.entries(config)) {
    if (key in out) {
      continue;
    }
    const isDefault = Array.isArray(value) ? value.length === 0 : value === defaults[key];
    if (!isDefault) {
      out[key] = Array.isArray(value) ? value.filter((p: ExtraParameter) => p.name.trim() !== '' || p.value !== '') : value;
    }
  }
  return out;
}

/** The core's properties for an invoker and its secrets. */
export function toProperties(config: InvokerConfig, secrets: Partial<Record<SecretField, string>>): InvokerProperties {
  return {
    authorizationServerUrl: config.authorizationServerUrl,
    grantType: config.grantType,
    credentialsInRequestBody: config.credentialsInRequestBody,
    clientId: config.clientId,
    clientSecret: secrets.clientSecret,
    scope: config.scope,
    username: config.username,
    password: secrets.password,
    refreshToken: secrets.refreshToken,
    extraParameters: config.extraParameters,
    basicEncoding: config.basicEncoding,
    allowInsecureHttp: config.allowInsecureHttp,
  };
}

/** Which secrets a grant uses; the others are neither asked for nor sent. */
export function secretsUsedBy(grantType: GrantType): readonly SecretField[] {
  switch (grantType) {
    case 'client_credentials':
      return ['clientSecret'];
    case 'password':
      return ['clientSecret', 'password'];
    case 'refresh_token':
      return ['clientSecret', 'refreshToken'];
  }
}
