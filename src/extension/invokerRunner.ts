import * as vscode from 'vscode';
import { DJMessage } from '../core/djMessage';
import type { DiscoveryResult } from '../core/discovery';
import type { InvokerError } from '../core/errors';
import { PROPERTY_LABELS } from '../shared/properties';
import { DEFAULT_INVOKER, NETWORK_SECRETS, networkProperties, secretsUsedBy, toProperties, type InvokerConfig, type SecretField } from '../shared/invoker';
import { loadCore } from './coreLoader';
import { invokerLabel, type InvokerEntry, type InvokerRef, type InvokerStore } from './invokerStore';
import type { MessageStore } from './messageStore';
import { originOf, type SecretStore, type WithheldSecret } from './secretStore';
import { readSystemProxy } from './systemProxy';

/** Why an invoker could not run before anything was sent, said to the user as is. `edit` when the form fixes it. */
export class InvokerUnavailable extends Error {
  override readonly name = 'InvokerUnavailable';
  constructor(
    message: string,
    readonly edit: boolean,
  ) {
    super(message);
  }
}

export interface RunOptions {
  /** May ask the user (confirm sending a secret to a changed server); false for the API. */
  readonly interactive: boolean;
  readonly signal?: AbortSignal;
  /** Runs the refresh-token grant with this token instead of the invoker's own grant. */
  readonly refreshToken?: string;
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

/** The invoker property that fixes a failure: the one the error names, else its hint's, else its first issue's. */
export function fieldOf(error: InvokerError, hintField?: string): string | undefined {
  return error.field ?? hintField ?? error.issues[0]?.field;
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
  constructor(
    private readonly invokers: InvokerStore,
    private readonly secrets: SecretStore,
    private readonly messages: MessageStore,
    private readonly log: vscode.LogOutputChannel,
    private readonly timeoutMs: () => number,
  ) {}

  private async confirmRebind(entry: InvokerEntry, ref: InvokerRef, withheld: readonly WithheldSecret[]): Promise<boolean> {
    const url = entry.config.authorizationServerUrl;
    const names = withheld.map((w) => `"${PROPERTY_LABELS[w.field]}"`).join(' and ');
    const was = [...new Set(withheld.map((w) => w.boundOrigin || 'another server'))].join(', ');
    const send = `Send to ${originOf(url)}`;
    const choice = await vscode.window.showWarningMessage(
      `The Authorization Server URL of invoker "${invokerLabel(ref)}" now points to ${originOf(url)}, but its ${names} ${withheld.length > 1 ? 'were' : 'was'} entered for ${was}.`,
      { modal: true, detail: `Send the stored ${withheld.length > 1 ? 'secrets' : 'secret'} to ${originOf(url)} only if you trust that server. Otherwise edit the invoker and enter ${withheld.length > 1 ? 'them' : 'it'} again.` },
      send,
    );
    return choice === send;
  }

  /** The secrets this grant sends, after the origin check; refuses when one is withheld and not confirmed. */
  private async secretsFor(entry: InvokerEntry, ref: InvokerRef, interactive: boolean): Promise<Partial<Record<SecretField, string>>> {
    const fields = secretsUsedBy(entry.config);
    const url = entry.config.authorizationServerUrl;
    const { values, withheld } = await this.secrets.forUrl(ref, url, fields);
    if (withheld.length === 0) {
      return values;
    }
    if (interactive && (await this.confirmRebind(entry, ref, withheld))) {
      await this.secrets.rebind(ref, withheld.map((w) => w.field), url);
      this.log.info(`[${invokerLabel(ref)}] stored secrets re-bound to ${originOf(url)} after confirmation`);
      return (await this.secrets.forUrl(ref, url, fields)).values;
    }
    const names = withheld.map((w) => `"${PROPERTY_LABELS[w.field]}"`).join(' and ');
    throw new InvokerUnavailable(
      `Invoker "${invokerLabel(ref)}": the stored ${names} ${withheld.length > 1 ? 'were' : 'was'} entered for ${withheld[0].boundOrigin || 'another server'} and ${withheld.length > 1 ? 'are' : 'is'} not sent to ${originOf(url) || 'the new URL'}. Edit the invoker and enter ${withheld.length > 1 ? 'them' : 'it'} again, or confirm when asked.`,
      true,
    );
  }

  /**
   * Executes the invoker (or, with `refreshToken`, the refresh-token grant with the invoker's client) and stores
   * its message; a failure is stored too (marked failed) and rethrown.
   */
  async run(ref: InvokerRef, options: RunOptions): Promise<DJMessage> {
    const entry = this.invokers.find(ref.name, ref.scope);
    if (entry === undefined) {
      throw new InvokerUnavailable(`There is no invoker "${invokerLabel(ref)}".`, false);
    }
    const found: InvokerRef = { name: entry.config.name, scope: entry.scope };
    if (entry.scope === 'workspace' && !vscode.workspace.isTrusted) {
      throw new InvokerUnavailable(
        `Invoker "${invokerLabel(found)}" is defined by this workspace's settings, and the workspace is not trusted: it does not execute until you trust the workspace.`,
        false,
      );
    }
    const refreshing = options.refreshToken !== undefined;
    const config = refreshing ? { ...entry.config, grantType: 'refresh_token' as const } : entry.config;
    const secrets = await this.secretsFor({ ...entry, config }, found, options.interactive);
    const core = loadCore();
    const label = invokerLabel(found);
    this.log.info(`[${label}] ${refreshing ? 'Refresh' : 'Execute'} (${config.grantType}) → ${config.targetMessage}`);
    const previous = this.messages.get(found);
    const properties = toProperties(config, refreshing ? { ...secrets, refreshToken: options.refreshToken } : secrets);
    try {
      const result = await core.execute(properties, {
        targetMessage: config.targetMessage,
        signal: options.signal,
        timeoutMs: this.timeoutMs(),
        systemProxy: readSystemProxy(),
        log: (level, line) => this.log[level](`[${label}] ${line}`),
      });
      const message = DJMessage.fromJSON(result.toJSON());
      const received = message.getProperty('refresh_token') || undefined;
      // RFC 6749 §6: a refresh answer without a refresh token leaves the old one in use.
      const refreshToken = received ?? (config.grantType === 'refresh_token' ? (options.refreshToken ?? secrets.refreshToken) : undefined);
      await this.messages.set({ invoker: found, message, refreshToken });
      if (received !== undefined && entry.config.grantType === 'refresh_token') {
        // The invoker's own refresh token was rotated: the stored one is spent, keep the new one instead.
        await this.secrets.set(found, 'refreshToken', received, entry.config.authorizationServerUrl);
      }
      return message;
    } catch (error) {
      if (isInvokerError(error) && !['invalid-properties', 'insecure-url', 'aborted'].includes(error.kind)) {
        const message = error.djMessage !== undefined ? DJMessage.fromJSON(error.djMessage.toJSON()) : emptyFailedMessage(entry, entry.config.authorizationServerUrl.trim());
        const spent = refreshing && error.error === 'invalid_grant';
        const hint = core.hintFor(error, properties);
        const field = fieldOf(error, hint?.field);
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
          refreshToken: spent ? undefined : previous?.refreshToken,
        });
      }
      throw error;
    }
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
    const stored = trusted && wanted.length > 0 ? (await this.secrets.forUrl({ name: saved.config.name, scope: saved.scope }, config.authorizationServerUrl, wanted)).values : {};
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
      timeoutMs: this.timeoutMs(),
      signal: options.signal,
      log: (level, line) => this.log[level](`[${label}] discovery: ${line}`),
    });
  }
}
