import type { DiscoveryResult } from '../core/toolbox/discovery';
import type { DJMessage } from '../core/model/djMessage';
import { maskSecrets } from '../core/model/maskedMessage';
import type { InvokerScope } from '../shared/invoker';
import type { InvokerRunner } from './invokerRunner';
import type { InvokerRef, InvokerStore } from './invokerStore';
import type { TokenService } from './tokenService';
import type { MessageStore } from './messageStore';

/**
 * What `activate()` returns to other extensions. It cannot tell which extension calls it, so it hands out no token and
 * no secret: every secret field of a message, the access token included, is masked as `••••••••`. For a token, ask
 * VS Code's Accounts, which asks the person first:
 * `vscode.authentication.getSession('oauth2-invoker', ['invoker:<name>'], { createIfNone: true })`.
 */
export interface OAuth2InvokerApi {
  /**
   * Executes the invoker of that name (the workspace's first) and resolves to its target DJMessage with every secret
   * field (the access token, `refresh_token`, `id_token`, …) masked in its properties and body; rejects with error
   * code 4. For the token itself, use `vscode.authentication.getSession('oauth2-invoker', ['invoker:<name>'], …)`.
   */
  execute(invokerName: string): Promise<DJMessage>;
  /**
   * Reads an authorization server's metadata (OpenID Connect Discovery, then RFC 8414) from its issuer URL, over the
   * proxy and TLS settings of the invoker named (its stored proxy password and key passphrase included), or with
   * VS Code's proxy settings alone; rejects with error code 4.
   */
  discover(issuer: string, options?: { invoker?: string }): Promise<DiscoveryResult>;
  /** The names of the invokers, the workspace's first. */
  listInvokers(): string[];
  /** The last message of each invoker, newest first, masked as `execute` masks it (no token). */
  messages(): Array<{ invoker: string; scope: InvokerScope; message: DJMessage; failed: boolean }>;
}

export interface ApiParts {
  readonly invokers: InvokerStore;
  readonly messages: MessageStore;
  readonly tokens: TokenService;
  readonly runner: InvokerRunner;
}

/** An invoker's name as the API takes it: the workspace's invoker of that name before the user's. */
export function refByName(invokers: InvokerStore, invokerName: string): InvokerRef {
  const entry = invokers.find(invokerName);
  return { name: entry?.config.name ?? invokerName, scope: entry?.scope ?? 'user' };
}

/** The API for other extensions, frozen: a stranger neither reads a secret through it nor changes it for the next caller. */
export function createApi(parts: ApiParts): OAuth2InvokerApi {
  return Object.freeze({
    execute: async (invokerName: string) => maskSecrets(await parts.tokens.execute(refByName(parts.invokers, invokerName), { interactive: false })),
    discover: (issuer: string, options: { invoker?: string } = {}) =>
      parts.runner.discover(issuer, options.invoker !== undefined ? { ref: refByName(parts.invokers, options.invoker) } : {}),
    listInvokers: () => parts.invokers.list().map((entry) => entry.config.name),
    messages: () =>
      parts.messages.list().map((record) => ({
        invoker: record.invoker.name,
        scope: record.invoker.scope,
        message: maskSecrets(record.message),
        failed: record.failure !== undefined,
      })),
  });
}
