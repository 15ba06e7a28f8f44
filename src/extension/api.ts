import type { DiscoveryResult } from '../core/discovery';
import type { DJMessage } from '../core/djMessage';
import { maskSecrets } from '../core/maskedMessage';
import { DEFAULT_INVOKER, type InvokerConfig, type InvokerScope, type SecretField } from '../shared/invoker';
import type { InvokerRunner } from './invokerRunner';
import type { InvokerService } from './invokerService';
import type { InvokerRef, InvokerStore } from './invokerStore';
import type { TokenService } from './tokenService';
import type { MessageStore } from './messageStore';
import type { ResultTreeProvider } from './resultTree';

/** What `activate()` returns to other extensions and to the tests. It never returns a stored secret. */
export interface OAuth2InvokerApi {
  /**
   * Executes the invoker of that name (the workspace's first) and resolves to its target DJMessage, secret fields other
   * than the access token (`refresh_token`, `id_token`, …) masked in its properties and body; rejects with error code 4.
   */
  execute(invokerName: string): Promise<DJMessage>;
  /**
   * A valid access token of the invoker: from the cache while valid for the safety margin, else renewed (refresh
   * grant when a refresh token is held, else the invoker's own grant). Concurrent calls share one request. Rejects
   * when no token can be had (an error with code 4 from the server, or the reason nothing was sent).
   */
  getAccessToken(invokerName: string): Promise<string>;
  /**
   * Reads an authorization server's metadata (OpenID Connect Discovery, then RFC 8414) from its issuer URL, over the
   * proxy and TLS settings of the invoker named (its stored proxy password and key passphrase included), or with
   * VS Code's proxy settings alone; rejects with error code 4.
   */
  discover(issuer: string, options?: { invoker?: string }): Promise<DiscoveryResult>;
  /** The names of the invokers, the workspace's first. */
  listInvokers(): string[];
  /**
   * Creates or replaces an invoker; secrets go to SecretStorage, bound to the route its requests take now (`''`
   * clears one). With `previousName`, renames that invoker: its secrets and its message (tokens included) move along,
   * after any exchange of it in flight.
   */
  saveInvoker(
    config: Partial<InvokerConfig> & { name: string },
    options?: { scope?: InvokerScope; secrets?: Partial<Record<SecretField, string>>; previousName?: string },
  ): Promise<void>;
  deleteInvoker(invokerName: string, scope?: InvokerScope): Promise<void>;
  /** The last message of each invoker, newest first, masked as `execute` masks it. */
  messages(): Array<{ invoker: string; scope: InvokerScope; message: DJMessage; failed: boolean }>;
  /** The messages view's data provider, so tests read the tree as VS Code does. */
  readonly resultTree: ResultTreeProvider;
  /** Whether the core (and undici) has been loaded; it is not, until the first Execute. */
  isCoreLoaded(): boolean;
  /** Settles when the messages of earlier sessions have been restored from secret storage. */
  readonly restored: Promise<void>;
  /** The SecretStorage keys the extension holds (names only, never a value): for support, and for the tests that prove a delete leaves nothing. */
  storedKeys(): Promise<string[]>;
  /** The folder of the extension's log files (the "OAuth2 Invoker" log), for support and for the tests' redaction checks. */
  readonly logFolder: string;
}

export interface ApiParts {
  readonly invokers: InvokerStore;
  readonly service: InvokerService;
  readonly messages: MessageStore;
  readonly tokens: TokenService;
  readonly runner: InvokerRunner;
  readonly resultTree: ResultTreeProvider;
  readonly isCoreLoaded: () => boolean;
  readonly logFolder: string;
  readonly restored: Promise<void>;
  readonly storedKeys: () => Promise<string[]>;
}

export function createApi(parts: ApiParts): OAuth2InvokerApi {
  const refOf = (invokerName: string): InvokerRef => {
    const entry = parts.invokers.find(invokerName);
    return { name: entry?.config.name ?? invokerName, scope: entry?.scope ?? 'user' };
  };
  return {
    execute: async (invokerName) => maskSecrets(await parts.tokens.execute(refOf(invokerName), { interactive: false })),
    async getAccessToken(invokerName) {
      const message = await parts.tokens.getAccessToken(refOf(invokerName), { interactive: false });
      if (message.accessToken === undefined || message.accessToken === '') {
        throw new Error(`Invoker "${invokerName}" has no access token.`);
      }
      return message.accessToken;
    },
    discover: (issuer, options = {}) => parts.runner.discover(issuer, options.invoker !== undefined ? { ref: refOf(options.invoker) } : {}),
    listInvokers: () => parts.invokers.list().map((entry) => entry.config.name),
    async saveInvoker(config, options = {}) {
      const scope = options.scope ?? 'user';
      const full: InvokerConfig = { ...DEFAULT_INVOKER, ...config };
      const previous = options.previousName ?? full.name;
      const exists = parts.invokers.find(previous, scope) !== undefined;
      await parts.service.save({ config: full, scope, ...(exists ? { previous: { name: previous, scope } } : {}), secrets: options.secrets });
    },
    deleteInvoker: (invokerName, scope = 'user') => parts.service.delete({ name: invokerName, scope }),
    messages: () =>
      parts.messages.list().map((record) => ({
        invoker: record.invoker.name,
        scope: record.invoker.scope,
        message: maskSecrets(record.message),
        failed: record.failure !== undefined,
      })),
    resultTree: parts.resultTree,
    isCoreLoaded: parts.isCoreLoaded,
    logFolder: parts.logFolder,
    restored: parts.restored,
    storedKeys: parts.storedKeys,
  };
}
