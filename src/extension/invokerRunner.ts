import * as vscode from 'vscode';
import { DJMessage } from '../core/model/djMessage';
import type { DiscoveryResult } from '../core/toolbox/discovery';
import type { TokenTypeHint } from '../core/toolbox/endpointCall';
import type { InvokerError } from '../core/model/errors';
import type { RouteBinding, TokenBinding } from '../core/model/routeBinding';
import { GRANT_TYPE_LABELS, isInteractiveGrant, PROPERTY_LABELS, type PropertyIssue } from '../shared/properties';
import { validateProperties } from '../shared/validation';
import {
  DEFAULT_INVOKER,
  NETWORK_SECRETS,
  networkProperties,
  secretsSentTo,
  secretsUsedBy,
  toProperties,
  type InvokerConfig,
  type SecretField,
} from '../shared/invoker';
import type { ToolboxEndpoint } from '../shared/properties';
import { loadCore } from './coreLoader';
import { invokerLabel, type InvokerEntry, type InvokerRef, type InvokerStore } from './invokerStore';
import { fieldToFix } from './tokenUi';
import type { Confirmations } from './confirmations';
import { InvokerUnavailable } from './invokerUnavailable';
import { issuedToOf, RouteGuard } from './routeGuard';
import type { MessageRecord } from './messageRecord';
import type { GrantInput } from '../core/grants/tokenRequest';
import { parseSubjectInvoker } from '../shared/subjectInvoker';
import type { MessageStore } from './messageStore';
import type { SecretStore } from './secretStore';
import type { SignInService } from './signIn/signInService';
import { readSystemProxy } from './systemProxy';

export interface RunOptions {
  /**
   * May ask the user (confirm sending a secret to a changed server) and sign them in (open the browser, show a
   * device code); false for the API, CodeLens, the status bar and background renewal, which then fail with
   * `sign-in-required` rather than open anything.
   */
  readonly interactive: boolean;
  readonly signal?: AbortSignal;
  /** Runs the refresh-token grant with this token instead of the invoker's own grant. */
  readonly refreshToken?: string;
  /**
   * Called before the run asks a person anything (a confirmation, a browser, a device code), or would ask one when not
   * interactive: the token broker then stops callers that may not wait for a person.
   */
  readonly personNeeded?: () => void;
  /**
   * A renewal by the token broker, not an explicit Execute: its failure does not replace a last message whose access
   * token is still valid (the failure is thrown and logged; the tree keeps the good token).
   */
  readonly renewal?: boolean;
  /** Awaited right before the request is sent, after every check that may refuse to send it (the broker notes a spent refresh token). */
  readonly beforeSend?: () => Promise<void>;
}

/** True while the record's access token is usable: not failed, not revoked, not expired. */
function stillValid(record: MessageRecord | undefined, now: number): boolean {
  const expiresAt = record?.message.metadata.expiresAt;
  return (
    record !== undefined &&
    record.failure === undefined &&
    record.revoked !== true &&
    (record.message.accessToken ?? '') !== '' &&
    (expiresAt === undefined || expiresAt > now)
  );
}

function isInvokerError(error: unknown): error is InvokerError {
  return error instanceof Error && (error as { code?: unknown }).code === 4 && typeof (error as { kind?: unknown }).kind === 'string';
}

/** What discovery runs with: an invoker's network properties as saved, or as typed in its form. */
export interface DiscoverOptions {
  /** The saved invoker whose stored secrets may be used (for the origin they were entered for). */
  readonly ref?: InvokerRef;
  /** The invoker's properties as typed (the form); default: the saved invoker's, or none. */
  readonly config?: InvokerConfig;
  /** Network secrets typed in the form since its last save: used instead of the stored ones. */
  readonly typed?: Partial<Record<SecretField, string>>;
  readonly signal?: AbortSignal;
}

/** A message for a failure that has no answer of the server (network, timeout): the tree still shows what happened. */
function emptyFailedMessage(entry: InvokerEntry, tokenUrl: string): DJMessage {
  return new DJMessage({
    name: entry.config.targetMessage,
    body: '',
    properties: [],
    metadata: {
      status: 0,
      receivedAt: Date.now(),
      warnings: [],
      grantType: entry.config.grantType,
      tokenUrl,
      clientAuthentication: 'none',
      failed: true,
    },
  });
}

/**
 * Runs an invoker: the one path from settings and secrets to `execute()` and the message store, used by the
 * command, the form, the tree and the API alike.
 */
export class InvokerRunner {
  /** The checks that let a secret or a token go along a route only where the person sent or allowed it. */
  private readonly guard: RouteGuard;

  constructor(
    private readonly invokers: InvokerStore,
    private readonly secrets: SecretStore,
    private readonly messages: MessageStore,
    private readonly log: vscode.LogOutputChannel,
    private readonly timeoutMs: () => number,
    private readonly signIn: SignInService,
    private readonly confirmations: Confirmations,
    /** The token broker's getAccessToken: another invoker's current access token, renewed when needed (Token Exchange). */
    private readonly accessTokenOf?: (ref: InvokerRef, options: { interactive: false; signal?: AbortSignal }) => Promise<DJMessage>,
  ) {
    this.guard = new RouteGuard(secrets, confirmations, log);
  }

  /**
   * A Token Exchange from another invoker: that invoker's current access token, as the grant input (renewed first when
   * it is about to expire, never with a browser). Refuses, naming "Subject Token From Invoker", an invoker that does
   * not exist, a cycle, and an invoker that has no token and cannot get one in the background.
   */
  private async subjectTokenGrant(
    entry: InvokerEntry,
    found: InvokerRef,
    binding: RouteBinding,
    options: Pick<RunOptions, 'interactive' | 'personNeeded' | 'signal'>,
  ): Promise<GrantInput | undefined> {
    const value = entry.config.subjectTokenInvoker;
    if (entry.config.grantType !== 'token_exchange' || value === '') {
      return undefined;
    }
    const core = loadCore();
    const refuse = (message: string): never => {
      throw new core.InvokerError(message, { kind: 'invalid-properties', issues: [{ field: 'subjectTokenInvoker', code: 'invalid', message }] });
    };
    const problem = this.invokers.subjectChainProblem(entry);
    if (problem !== undefined) {
      refuse(problem);
    }
    const parsed = parseSubjectInvoker(value);
    const source = this.invokers.find(parsed.name, parsed.scope) as InvokerEntry;
    const sourceRef: InvokerRef = { name: source.config.name, scope: source.scope };
    const field = PROPERTY_LABELS.subjectTokenInvoker;
    if (this.accessTokenOf === undefined) {
      return refuse(`"${field}" needs the token broker, which this runner was not given.`);
    }
    // Before the source's token is even renewed: this invoker may take it, along this route.
    await this.guard.subjectTokenMayGo(found, sourceRef, binding, options);
    let token: string | undefined;
    try {
      token = (await this.accessTokenOf(sourceRef, { interactive: false, signal: options.signal })).accessToken;
    } catch (error) {
      if ((error as { kind?: unknown }).kind === 'aborted') {
        throw error;
      }
      const signInNeeded = (error as { kind?: unknown }).kind === 'sign-in-required';
      refuse(
        signInNeeded
          ? `"${field}": invoker "${invokerLabel(sourceRef)}" holds no access token and cannot get one without you signing in: execute "${invokerLabel(sourceRef)}" first.`
          : `"${field}": invoker "${invokerLabel(sourceRef)}" could not get an access token: ${(error as Error).message}`,
      );
    }
    if (token === undefined || token === '') {
      return refuse(`"${field}": invoker "${invokerLabel(sourceRef)}" holds no access token: execute it first.`);
    }
    this.log.info(`[${invokerLabel(found)}] subject token: the current access token of invoker "${invokerLabel(sourceRef)}"`);
    return { grantType: 'token_exchange', subjectToken: token };
  }

  /** The route a request of this configuration takes now (see RouteBinding): what its secrets must have been entered for. */
  bindingOf(config: InvokerConfig, signal?: AbortSignal): Promise<RouteBinding> {
    return loadCore().routeBindingOf(config.authorizationServerUrl, networkProperties(config, {}), readSystemProxy(), signal);
  }

  /** The invoker to run, or InvokerUnavailable: unknown, or a workspace's invoker in an untrusted workspace. */
  private runnable(ref: InvokerRef): { entry: InvokerEntry; found: InvokerRef } {
    const entry = this.invokers.find(ref.name, ref.scope);
    if (entry === undefined) {
      // A message whose invoker was deleted (or renamed, or replaced in settings) stays in the view: say so, and what to do.
      throw new InvokerUnavailable(
        this.messages.get(ref) !== undefined
          ? `The invoker "${invokerLabel(ref)}" of this message no longer exists (it was deleted or renamed in settings), so its message cannot run, renew or be checked again: create the invoker again, or clear the message.`
          : `There is no invoker "${invokerLabel(ref)}".`,
        false,
      );
    }
    const found: InvokerRef = { name: entry.config.name, scope: entry.scope };
    if (entry.scope === 'workspace' && !vscode.workspace.isTrusted) {
      throw new InvokerUnavailable(
        `Invoker "${invokerLabel(found)}" is defined by this workspace's settings, and the workspace is not trusted: it does not execute until you trust the workspace.`,
        false,
      );
    }
    return { entry, found };
  }

  /**
   * A person is present: each secret the grant requires and nobody stored yet (a demo invoker's Client Secret, say) is
   * asked for in a password input box naming the field and the invoker, then stored as the form stores it (bound to
   * the route it is entered for). Cancelling the box cancels the run; without a person the missing secret stays an error.
   */
  private async askMissingSecrets(
    ref: InvokerRef,
    config: InvokerConfig,
    stored: Partial<Record<SecretField, string>>,
    binding: RouteBinding,
  ): Promise<Partial<Record<SecretField, string>>> {
    const secrets = { ...stored };
    const sent = secretsSentTo(config, 'token');
    const issues = validateProperties(toProperties(config, secrets), config.targetMessage);
    const missing = issues.filter(
      (issue): issue is PropertyIssue & { field: SecretField } => issue.code === 'required' && (sent as readonly string[]).includes(issue.field),
    );
    if (missing.length < issues.length) {
      // Something else is wrong too (an address that does not parse, say): nothing is asked, Execute names it all.
      return secrets;
    }
    const label = invokerLabel(ref);
    for (const field of new Set(missing.map((issue) => issue.field))) {
      const value = await this.confirmations.askSecret({
        title: `Invoker "${label}": enter its "${PROPERTY_LABELS[field]}"`,
        prompt: `${missing.find((issue) => issue.field === field)?.message ?? ''} It is kept in VS Code's secret storage, never in settings.`,
      });
      if (value === undefined || value === '') {
        throw new (loadCore().InvokerError)(`Execute of "${label}" was cancelled: "${PROPERTY_LABELS[field]}" was not entered.`, { kind: 'aborted' });
      }
      await this.secrets.set(ref, field, value, binding);
      this.log.info(`[${label}] "${PROPERTY_LABELS[field]}" entered at Execute and stored for the current route`);
      secrets[field] = value;
    }
    return secrets;
  }

  /**
   * Executes the invoker (or, with `refreshToken`, the refresh-token grant with the invoker's client) and stores
   * its message; a failure is stored too (marked failed) and rethrown.
   */
  async run(ref: InvokerRef, options: RunOptions): Promise<DJMessage> {
    const { entry, found } = this.runnable(ref);
    const refreshing = options.refreshToken !== undefined;
    const config = refreshing ? { ...entry.config, grantType: 'refresh_token' as const } : entry.config;
    const signingIn = !refreshing && isInteractiveGrant(config.grantType);
    if (signingIn && !options.interactive) {
      options.personNeeded?.();
      // Background work never opens a browser: nothing is sent, nothing stored, the last message stays.
      throw new (loadCore().InvokerError)(
        `Invoker "${invokerLabel(found)}" signs you in (${GRANT_TYPE_LABELS[config.grantType]}): sign in required. Run it with "OAuth2 Invoker: Execute" to sign in; requests made in the background never open a browser.`,
        { kind: 'sign-in-required' },
      );
    }
    const binding = await this.bindingOf(config, options.signal);
    const issuedTo: TokenBinding = { route: binding, clientId: config.clientId.trim() };
    const previous = this.messages.get(found);
    if (refreshing) {
      // The refresh token goes only where it came from (and to the client it was issued to).
      if (previous === undefined || previous.refreshToken !== options.refreshToken) {
        throw new InvokerUnavailable(`Invoker "${invokerLabel(found)}" holds no such refresh token: execute it again.`, false);
      }
      await this.guard.tokensMayGo(found, 'refresh token', issuedToOf(previous), issuedTo, options);
    }
    const stored = await this.guard.secretsFor(binding, found, secretsSentTo(config, 'token'), options);
    const secrets = options.interactive && !refreshing ? await this.askMissingSecrets(found, config, stored, binding) : stored;
    const core = loadCore();
    const label = invokerLabel(found);
    this.log.info(`[${label}] ${refreshing ? 'Refresh' : 'Execute'} (${config.grantType}) → ${config.targetMessage}`);
    const properties = toProperties(config, refreshing ? { ...secrets, refreshToken: options.refreshToken } : secrets);
    try {
      const executeOptions = {
        targetMessage: config.targetMessage,
        signal: options.signal,
        timeoutMs: this.timeoutMs(),
        systemProxy: readSystemProxy(),
        log: (level: 'info' | 'warn', line: string) => this.log[level](`[${label}] ${line}`),
      };
      let result: DJMessage;
      if (signingIn && config.grantType === 'device_code') {
        options.personNeeded?.();
        result = await this.signIn.deviceCode(label, properties, executeOptions);
      } else if (signingIn) {
        options.personNeeded?.();
        const grant = await this.signIn.authorizationCode(label, config, properties, options.signal);
        result = await core.execute(properties, { ...executeOptions, grant });
      } else {
        const grant = refreshing ? undefined : await this.subjectTokenGrant(entry, found, binding, options);
        await options.beforeSend?.();
        result = await core.execute(properties, grant !== undefined ? { ...executeOptions, grant } : executeOptions);
      }
      const message = DJMessage.fromJSON(result.toJSON());
      const received = message.getProperty('refresh_token') || undefined;
      // RFC 6749 §6: a refresh answer without a refresh token leaves the old one in use.
      const refreshToken = received ?? (config.grantType === 'refresh_token' ? (options.refreshToken ?? secrets.refreshToken) : undefined);
      await this.messages.set({ invoker: found, message, refreshToken, issuedTo });
      if (received !== undefined && entry.config.grantType === 'refresh_token') {
        // The invoker's own refresh token was rotated: the stored one is spent, keep the new one instead.
        await this.secrets.set(found, 'refreshToken', received, binding);
      }
      return message;
    } catch (error) {
      if (isInvokerError(error) && !['invalid-properties', 'insecure-url', 'aborted', 'sign-in-required'].includes(error.kind)) {
        const message =
          error.djMessage !== undefined ? DJMessage.fromJSON(error.djMessage.toJSON()) : emptyFailedMessage(entry, entry.config.authorizationServerUrl.trim());
        const spent = refreshing && error.error === 'invalid_grant';
        const hint = core.hintFor(error, properties);
        const field = fieldToFix(error, hint?.field);
        if (options.renewal === true && !spent && stillValid(previous, Date.now())) {
          // A renewal that failed (the server is down, say) does not take away a token that still works.
          this.log.warn(`[${label}] the renewal failed; the last token is kept while it is valid: ${error.message}`);
          throw error;
        }
        const keptRefreshToken = spent ? undefined : previous?.refreshToken;
        await this.messages.set({
          invoker: found,
          message,
          failure: {
            message: error.message,
            kind: error.kind,
            status: error.status,
            error: error.error,
            errorDescription: error.errorDescription,
            hint: hint?.text,
            ...(field !== undefined ? { field } : {}),
          },
          refreshToken: keptRefreshToken,
          // The refresh token kept stays bound to where it was issued.
          ...(keptRefreshToken !== undefined && previous !== undefined ? { issuedTo: issuedToOf(previous) } : {}),
        });
      }
      throw error;
    }
  }

  /**
   * Introspects (RFC 7662) or revokes (RFC 7009) `token` at the invoker's endpoint, the client authenticated as for
   * its token request (any method: a secret, an assertion signed for this endpoint, the client certificate), or, to
   * introspect, as its introspection client when it has one. That client's secrets (the client secret and assertion key
   * passphrase, or the Introspection Client Secret) and the network secrets go along only when the endpoint's route is
   * the one they were entered for (else the user confirms, as for Execute); no grant secret (password, refresh token)
   * is sent.
   * Resolves with the introspection's DJMessage (`<target>_INTROSPECTION`), or undefined once revoked.
   */
  async toolbox(
    ref: InvokerRef,
    operation: 'introspect' | 'revoke',
    token: string,
    hint: TokenTypeHint,
    options: Omit<RunOptions, 'refreshToken'>,
  ): Promise<DJMessage | undefined> {
    const { entry, found } = this.runnable(ref);
    const endpointField: ToolboxEndpoint = operation === 'introspect' ? 'introspectionEndpoint' : 'revocationEndpoint';
    // The binding is checked for the endpoint's own route: a secret entered for the token endpoint's server does not
    // go to another one unasked.
    const routed: InvokerConfig = { ...entry.config, authorizationServerUrl: entry.config[endpointField] };
    const wanted = secretsSentTo(entry.config, operation === 'introspect' ? 'introspection' : 'revocation');
    const binding = await this.bindingOf(routed, options.signal);
    // The token itself goes only along the route it was issued through (the endpoint's route must be that one).
    const record = this.messages.get(found);
    const which = hint === 'access_token' ? 'access token' : 'refresh token';
    if (record !== undefined) {
      await this.guard.tokensMayGo(found, which, { route: issuedToOf(record).route }, { route: binding }, options);
    }
    const secrets = await this.guard.secretsFor(binding, found, wanted, options);
    const core = loadCore();
    const label = invokerLabel(found);
    this.log.info(`[${label}] ${operation === 'introspect' ? 'Introspect' : 'Revoke'} the ${which} of ${entry.config.targetMessage}`);
    const callOptions = {
      signal: options.signal,
      timeoutMs: this.timeoutMs(),
      systemProxy: readSystemProxy(),
      log: (level: 'info' | 'warn', line: string) => this.log[level](`[${label}] ${line}`),
    };
    const properties = toProperties(entry.config, secrets);
    if (operation === 'revoke') {
      await core.revoke(properties, token, hint, callOptions);
      return undefined;
    }
    const result = await core.introspect(properties, token, hint, { ...callOptions, targetMessage: entry.config.targetMessage });
    return DJMessage.fromJSON(result.toJSON());
  }

  /**
   * Reads an issuer's metadata over an invoker's proxy and TLS settings (VS Code's proxy for `system`): the form's
   * "Discover" and the API's `discover`. Only the network secrets go along, each only for the origin it was entered for.
   */
  async discover(issuer: string, options: DiscoverOptions = {}): Promise<DiscoveryResult> {
    const saved = options.ref !== undefined ? this.invokers.find(options.ref.name, options.ref.scope) : undefined;
    if (options.ref !== undefined && saved === undefined && options.config === undefined) {
      throw new InvokerUnavailable(`There is no invoker "${invokerLabel(options.ref)}".`, false);
    }
    const config = options.config ?? saved?.config ?? DEFAULT_INVOKER;
    const typed = options.typed ?? {};
    const wanted = secretsUsedBy(config).filter((field) => NETWORK_SECRETS.includes(field) && typed[field] === undefined);
    // A workspace's invoker in an untrusted workspace does not send its stored secrets anywhere (as with Execute).
    const trusted = saved !== undefined && (saved.scope === 'user' || vscode.workspace.isTrusted);
    const stored =
      trusted && wanted.length > 0
        ? (await this.secrets.forRoute({ name: saved.config.name, scope: saved.scope }, wanted, await this.bindingOf(config, options.signal))).values
        : {};
    const secrets: Partial<Record<SecretField, string>> = { ...stored };
    for (const field of NETWORK_SECRETS) {
      if (typed[field] !== undefined && typed[field] !== '') {
        secrets[field] = typed[field];
      }
    }
    const label = config.name.trim() || 'new invoker';
    this.log.info(`[${label}] Discover ${issuer.trim()}`);
    return loadCore().discover(issuer, {
      network: networkProperties(config, secrets),
      systemProxy: readSystemProxy(),
      allowInsecureHttp: config.allowInsecureHttp,
      acceptDifferentIssuer: config.acceptDifferentIssuer,
      timeoutMs: this.timeoutMs(),
      signal: options.signal,
      log: (level, line) => this.log[level](`[${label}] discovery: ${line}`),
    });
  }
}
