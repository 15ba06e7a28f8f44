import * as vscode from 'vscode';
import { DJMessage } from '../core/djMessage';
import type { InvokerError } from '../core/errors';
import { PROPERTY_LABELS } from '../core/properties';
import { secretsUsedBy, toProperties, type SecretField } from '../shared/invoker';
import { loadCore } from './coreLoader';
import { invokerLabel, type InvokerEntry, type InvokerRef, type InvokerStore } from './invokerStore';
import type { MessageStore } from './messageStore';
import { originOf, type SecretStore, type WithheldSecret } from './secretStore';

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
    const fields = secretsUsedBy(entry.config.grantType);
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
        await this.messages.set({
          invoker: found,
          message,
          failure: {
            message: error.message,
            kind: error.kind,
            status: error.status,
            error: error.error,
            errorDescription: error.errorDescription,
            hint: core.hintFor(error, properties)?.text,
          },
          refreshToken: spent ? undefined : previous?.refreshToken,
        });
      }
      throw error;
    }
  }
}
