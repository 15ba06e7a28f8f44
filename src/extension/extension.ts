import { performance } from 'node:perf_hooks';
import * as vscode from 'vscode';
import type { WebviewState } from '../shared/protocol';
import type { DJMessage } from '../core/djMessage';
import { createApi, type OAuth2InvokerApi } from './api';
import { AUTH_PROVIDER_ID, AUTH_PROVIDER_LABEL, InvokerAuthenticationProvider } from './authProvider';
import { Commands, type NewInvokerArgs } from './commands';
import { isCoreLoaded, loadCore } from './coreLoader';
import { DraftStore } from './draftStore';
import { InvokerFormPanel, type FormPanelTestHooks } from './formPanel';
import { registerHttpSupport } from './http/httpSupport';
import { ImportExportCommands, type ImportArgs } from './importExport';
import { RecentInvokers } from './invokerPicker';
import { InvokerRunner } from './invokerRunner';
import { InvokerService } from './invokerService';
import { MessageVault } from './messageVault';
import { OwnedSecrets } from './ownedSecrets';
import { InvokerStore, type InvokerRef } from './invokerStore';
import { MESSAGE_SCHEME, MessageDocumentProvider } from './messageDocuments';
import { MessageStore } from './messageStore';
import { ResultTreeProvider } from './resultTree';
import { SecretStore, workspaceIdOf } from './secretStore';
import { SignInService, type SignInTestHooks } from './signIn/signInService';
import { TokenService } from './tokenService';
import { TokenStatusBar } from './tokenStatusBar';
import { errorText, registerGuardedCommand } from './tokenUi';
import { watchWebStorage } from './webStorageNotice';

const TREE_REFRESH_MS = 30_000;

/** The tests reach the authentication provider itself where VS Code's consent dialog stands between them and getSession. */
export interface AuthProviderTestHooks {
  authProviderForTests(): InvokerAuthenticationProvider;
}

/** What the extension's own in-host tests get besides the API (only in a test run). */
type TestHooks = FormPanelTestHooks & SignInTestHooks & AuthProviderTestHooks;

export function activate(context: vscode.ExtensionContext): OAuth2InvokerApi | (OAuth2InvokerApi & TestHooks) {
  const started = performance.now();
  const log = vscode.window.createOutputChannel('OAuth2 Invoker', { log: true });
  const invokers = new InvokerStore();
  const owned = new OwnedSecrets(context.secrets);
  const secrets = new SecretStore(owned, workspaceIdOf(vscode.workspace));
  const vault = new MessageVault(owned, (ref) => secrets.scopeKey(ref));
  const messages = new MessageStore(vault, (ref) => ref.scope === 'user' || (vscode.workspace.workspaceFolders?.length ?? 0) > 0);
  const setting = (key: string, fallback: number): number => vscode.workspace.getConfiguration('oauth2Invoker').get<number>(key, fallback);
  const signIn = new SignInService(log);
  // A Token Exchange takes another invoker's token through the broker; the service is built next, so it is looked up when used.
  const accessTokenOf = (ref: InvokerRef, options: { interactive: false; signal?: AbortSignal }): Promise<DJMessage> => tokens.getAccessToken(ref, options);
  const runner = new InvokerRunner(invokers, secrets, messages, log, () => Math.max(1, setting('timeoutSeconds', 30)) * 1000, signIn, accessTokenOf);
  const tokens = new TokenService(invokers, messages, runner, log, () => Math.max(0, setting('tokenSafetyMarginSeconds', 60)) * 1000);
  const recent = new RecentInvokers(context.globalState);
  const tree = new ResultTreeProvider(messages);
  const treeView = vscode.window.createTreeView('oauth2Invoker.messages', { treeDataProvider: tree, showCollapseAll: true });
  const drafts = new DraftStore(context.globalState, context.workspaceState);
  const service = new InvokerService({
    invokers,
    secrets,
    messages,
    drafts,
    log,
    serialize: (keys, task) => tokens.broker.serialize(keys, task),
    bindingOf: (config) => runner.bindingOf(config),
  });
  const commands = new Commands({
    invokers,
    service,
    messages,
    tokens,
    recent,
    tree,
    treeView,
    log,
    runner,
    form: { extensionUri: context.extensionUri, invokers, secrets, service, drafts, log },
  });
  const importExport = new ImportExportCommands({
    invokers,
    service,
    secrets,
    runner,
    recent,
    log,
    testMode: context.extensionMode === vscode.ExtensionMode.Test,
  });
  const authProvider = new InvokerAuthenticationProvider({ invokers, messages, tokens, recent, log });
  const statusBar = new TokenStatusBar(messages, recent);
  const titles = new Map(
    ((context.extension.packageJSON as { contributes?: { commands?: Array<{ command: string; title: string }> } }).contributes?.commands ?? []).map((c) => [
      c.command,
      c.title,
    ]),
  );
  const command = (id: string, run: (...args: never[]) => unknown): vscode.Disposable => registerGuardedCommand(id, titles.get(id) ?? id, log, run);
  const timer = setInterval(() => {
    tree.refresh();
    statusBar.update();
  }, TREE_REFRESH_MS);

  context.subscriptions.push(
    signIn,
    vscode.window.registerUriHandler(signIn.uriHandler),
    log,
    invokers,
    secrets,
    messages,
    vault,
    tree,
    treeView,
    statusBar,
    authProvider,
    vscode.authentication.registerAuthenticationProvider(AUTH_PROVIDER_ID, AUTH_PROVIDER_LABEL, authProvider, { supportsMultipleAccounts: false }),
    { dispose: () => clearInterval(timer) },
    watchWebStorage(secrets, context.globalState),
    vscode.workspace.registerTextDocumentContentProvider(MESSAGE_SCHEME, new MessageDocumentProvider(messages)),
    vscode.window.registerWebviewPanelSerializer(InvokerFormPanel.viewType, {
      deserializeWebviewPanel: async (panel, state: WebviewState | undefined) => {
        InvokerFormPanel.revive(commands.formDependencies(), panel, state);
      },
    }),
    command('oauth2Invoker.execute', (target) => commands.execute(target)),
    command('oauth2Invoker.copyAccessToken', (target) => commands.copyAccessToken(target)),
    command('oauth2Invoker.revealAccessToken', (target) => commands.revealAccessToken(target)),
    command('oauth2Invoker.openBody', (target) => commands.openBody(target)),
    command('oauth2Invoker.copyValue', (node) => commands.copyValue(node)),
    command('oauth2Invoker.newInvoker', (args?: unknown) => commands.newInvoker(newInvokerArgs(args))),
    command('oauth2Invoker.editInvoker', (target) => commands.editInvoker(target)),
    command('oauth2Invoker.duplicateInvoker', (target) => commands.duplicateInvoker(target)),
    command('oauth2Invoker.deleteInvoker', (target) => commands.deleteInvoker(target)),
    command('oauth2Invoker.clearMessages', () => commands.clearMessages()),
    command('oauth2Invoker.refreshToken', (target) => commands.refreshToken(target)),
    command('oauth2Invoker.clearTokens', (target) => commands.clearTokens(target)),
    command('oauth2Invoker.introspectToken', (target, options) => commands.introspectToken(target, options)),
    command('oauth2Invoker.revokeToken', (target, options) => commands.revokeToken(target, options)),
    command('oauth2Invoker.tokenActions', () => commands.tokenActions(statusBar.active()?.invoker)),
    command('oauth2Invoker.showLog', () => commands.showLog()),
    command('oauth2Invoker.importInvokers', (args?: ImportArgs) => importExport.importInvokers(args !== null && typeof args === 'object' ? args : {})),
    command('oauth2Invoker.exportInvoker', (target?: unknown) => importExport.exportInvoker(target)),
    ...registerHttpSupport({ invokers, messages, tokens, recent, log }),
  );

  // Messages (and their tokens) of earlier sessions come back from SecretStorage after activation, not during it.
  const restored = messages.restore().then(
    (count) => log.info(`restored ${count} message(s) from secret storage`),
    (error: unknown) => log.error(`could not restore messages: ${errorText(error)}`),
  );
  const activationMs = performance.now() - started;
  log.info(`activated in ${activationMs.toFixed(1)} ms (core and undici load on first Execute)`);
  const api = createApi({
    invokers,
    service,
    messages,
    tokens,
    runner,
    resultTree: tree,
    isCoreLoaded,
    logFolder: context.logUri.fsPath,
    restored,
    storedKeys: () => owned.keys(),
  });
  // The test seams exist only where VS Code runs the extension's tests, never for other extensions.
  if (context.extensionMode !== vscode.ExtensionMode.Test) {
    return api;
  }
  const testHooks: TestHooks = { formPanelForTests: (ref) => InvokerFormPanel.find(ref), signInForTests: signIn, authProviderForTests: () => authProvider };
  return Object.assign(api, testHooks);
}

/** The New Invoker command's argument when it is one (a menu passes none, a keybinding or an extension may pass `{ preset, values }`). */
function newInvokerArgs(args: unknown): NewInvokerArgs | undefined {
  if (args === null || typeof args !== 'object') {
    return undefined;
  }
  const { preset, values } = args as { preset?: unknown; values?: unknown };
  const strings =
    values !== null && typeof values === 'object'
      ? Object.fromEntries(Object.entries(values).filter((entry): entry is [string, string] => typeof entry[1] === 'string'))
      : undefined;
  return { ...(typeof preset === 'string' ? { preset } : {}), ...(strings !== undefined ? { values: strings } : {}) };
}

export async function deactivate(): Promise<void> {
  // Everything else is disposed through context.subscriptions. The connection pools belong to the core: closed
  // only when it was loaded (loading it here just to close nothing would cost the time activation saved).
  if (isCoreLoaded()) {
    await loadCore().resetNetwork();
  }
}
