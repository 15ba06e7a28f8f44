import type { DJMessage } from '../core/model/djMessage';
import { DEFAULT_INVOKER, type InvokerConfig, type InvokerScope, type SecretField } from '../shared/invoker';
import { refByName, type ApiParts, type OAuth2InvokerApi } from './api';
import type { InvokerAuthenticationProvider } from './authProvider';
import type { ConfirmationsTestHooks } from './confirmations';
import type { FormPanelTestHooks } from './formPanel';
import type { InvokerService } from './invokerService';
import type { ResultTreeProvider } from './resultTree';
import type { SignInTestHooks } from './signIn/signInService';

/**
 * The extension's own in-host tests' way in, beside the API: `activate()` adds it as `testing` only when VS Code runs
 * the extension in `ExtensionMode.Test` (an `extensionTestsPath` run), never in production, where another extension
 * is a stranger. It hands out what the API withholds (tokens, the tree, the log folder) and changes invokers as the
 * form does, so the tests can set up and check what a person would see.
 */
export interface OAuth2InvokerTesting extends FormPanelTestHooks, SignInTestHooks, ConfirmationsTestHooks {
  /** Executes the invoker of that name (the workspace's first) and resolves to its target DJMessage as the extension holds it, tokens included. */
  execute(invokerName: string): Promise<DJMessage>;
  /** A valid access token of the invoker, as Copy Access Token gets it (cache, else renewed); rejects when there is none. */
  getAccessToken(invokerName: string): Promise<string>;
  discover: OAuth2InvokerApi['discover'];
  listInvokers: OAuth2InvokerApi['listInvokers'];
  /** The last message of each invoker, newest first, as the extension holds it (tokens included). */
  messages(): Array<{ invoker: string; scope: InvokerScope; message: DJMessage; failed: boolean }>;
  /**
   * Creates or replaces an invoker as the form's Save does; secrets go to SecretStorage, bound to the route its
   * requests take now (`''` clears one). With `previousName`, renames that invoker.
   */
  saveInvoker(
    config: Partial<InvokerConfig> & { name: string },
    options?: { scope?: InvokerScope; secrets?: Partial<Record<SecretField, string>>; previousName?: string },
  ): Promise<void>;
  deleteInvoker(invokerName: string, scope?: InvokerScope): Promise<void>;
  /** The messages view's data provider, so tests read the tree as VS Code does. */
  readonly resultTree: ResultTreeProvider;
  /** Whether the core (and undici) has been loaded; it is not, until the first Execute. */
  isCoreLoaded(): boolean;
  /** Settles when the messages of earlier sessions have been restored from secret storage. */
  readonly restored: Promise<void>;
  /** The SecretStorage keys the extension holds (names only), for the tests that prove a delete leaves nothing. */
  storedKeys(): Promise<string[]>;
  /** The folder of the extension's log files, for the tests' redaction checks. */
  readonly logFolder: string;
  /** The authentication provider itself, where VS Code's consent dialog stands between the tests and getSession. */
  authProviderForTests(): InvokerAuthenticationProvider;
}

export interface TestingParts extends ApiParts, FormPanelTestHooks, SignInTestHooks, ConfirmationsTestHooks {
  readonly service: InvokerService;
  readonly resultTree: ResultTreeProvider;
  readonly isCoreLoaded: () => boolean;
  readonly logFolder: string;
  readonly restored: Promise<void>;
  readonly storedKeys: () => Promise<string[]>;
  readonly authProvider: InvokerAuthenticationProvider;
}

export function createTestingApi(parts: TestingParts, api: OAuth2InvokerApi): OAuth2InvokerTesting {
  const refOf = (invokerName: string) => refByName(parts.invokers, invokerName);
  return {
    execute: (invokerName) => parts.tokens.execute(refOf(invokerName), { interactive: false }),
    async getAccessToken(invokerName) {
      const message = await parts.tokens.getAccessToken(refOf(invokerName), { interactive: false });
      if (message.accessToken === undefined || message.accessToken === '') {
        throw new Error(`Invoker "${invokerName}" has no access token.`);
      }
      return message.accessToken;
    },
    discover: api.discover,
    listInvokers: api.listInvokers,
    messages: () =>
      parts.messages.list().map((record) => ({
        invoker: record.invoker.name,
        scope: record.invoker.scope,
        message: record.message,
        failed: record.failure !== undefined,
      })),
    async saveInvoker(config, options = {}) {
      const scope = options.scope ?? 'user';
      const full: InvokerConfig = { ...DEFAULT_INVOKER, ...config };
      const previous = options.previousName ?? full.name;
      const exists = parts.invokers.find(previous, scope) !== undefined;
      await parts.service.save({ config: full, scope, ...(exists ? { previous: { name: previous, scope } } : {}), secrets: options.secrets });
    },
    deleteInvoker: (invokerName, scope = 'user') => parts.service.delete({ name: invokerName, scope }),
    resultTree: parts.resultTree,
    isCoreLoaded: parts.isCoreLoaded,
    restored: parts.restored,
    storedKeys: parts.storedKeys,
    logFolder: parts.logFolder,
    formPanelForTests: parts.formPanelForTests,
    signInForTests: parts.signInForTests,
    confirmationsForTests: parts.confirmationsForTests,
    authProviderForTests: () => parts.authProvider,
  };
}
