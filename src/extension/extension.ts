import * as path from 'node:path';
import { performance } from 'node:perf_hooks';
import * as vscode from 'vscode';
import type { WebviewState } from '../shared/protocol';
import type { DJMessage } from '../core/model/djMessage';
import { withFileLock } from '../core/tokens/fileLock';
import { createApi, type OAuth2InvokerApi } from './api';
import { AUTH_PROVIDER_ID, AUTH_PROVIDER_LABEL, InvokerAuthenticationProvider } from './authProvider';
import { Commands, type NewInvokerArgs, type Target } from './commands';
import { CommandTargets } from './commandTargets';
import { Confirmations } from './confirmations';
import { isCoreLoaded, loadCore } from './coreLoader';
import { DraftStore } from './draftStore';
import { InvokerFormPanel } from './formPanel';
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
import { SignInService } from './signIn/signInService';
import { createTestingApi, type OAuth2InvokerTesting } from './testingApi';
import { TokenService } from './tokenService';
import { TokenStatusBar } from './tokenStatusBar';
import { errorText, registerGuardedCommand } from './tokenUi';
import { watchWebStorage } from './webStorageNotice';

const TREE_REFRESH_MS = 30_000;

/** The API for other extensions; in a test run (`ExtensionMode.Test`) also the extension's own tests' way in. */
export type Exports = OAuth2InvokerApi & { readonly testing?: OAuth2InvokerTesting };

export function activate(context: vscode.ExtensionContext): Exports {
  const started = performance.now();
  const log = vscode.window.createOutputChannel('OAuth2 Invoker', { log: true });
  const invokers = new InvokerStore();
  // Windows of one profile share the global storage folder: renewals and the secret key index serialise there.
  const sharedFolder = context.globalStorageUri.scheme === 'file' ? vscode.Uri.joinPath(context.globalStorageUri, 'locks').fsPath : undefined;
  const owned = new OwnedSecrets(
    context.secrets,
    sharedFolder !== undefined ? (task) => withFileLock(path.join(sharedFolder, 'secret-index.lock'), task) : undefined,
  );
  const secrets = new SecretStore(owned, workspaceIdOf(vscode.workspace));
  const vault = new MessageVault(owned, (ref) => secrets.scopeKey(ref));
  const messages = new MessageStore(vault, (ref) => ref.scope === 'user' || (vscode.workspace.workspaceFolders?.length ?? 0) > 0);
  const setting = (key: string, fallback: number): number => vscode.workspace.getConfiguration('oauth2Invoker').get<number>(key, fallback);
  const signIn = new SignInService(log);
  // A Token Exchange takes another invoker's token through the broker; the service is built next, so it is looked up when used.
  const accessTokenOf = (ref: InvokerRef, options: { interactive: false; signal?: AbortSignal }): Promise<DJMessage> => tokens.getAccessToken(ref, options);
  const confirmations = new Confirmations();
  const runner = new InvokerRunner(
    invokers,
    secrets,
    messages,
    log,
    () => Math.max(1, setting('timeoutSeconds', 30)) * 1000,
    signIn,
    confirmations,
    accessTokenOf,
  );
  const tokens = new TokenService(invokers, messages, runner, log, () => Math.max(0, setting('tokenSafetyMarginSeconds', 60)) * 1000, Date.now, sharedFolder);
  const recent = new RecentInvokers(context.globalState);
  const targets = new CommandTargets(confirmations);
  const tree = new ResultTreeProvider(messages, invokers, Date.now, (node) => targets.own(node));
  const treeView = vscode.window.createTreeView('oauth2Invoker.messages', { treeDataProvider: tree, showCollapseAll: true });
  const documents = new MessageDocumentProvider(messages);
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
    documents,
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
    documents,
    vscode.workspace.registerTextDocumentContentProvider(MESSAGE_SCHEME, documents),
    vscode.window.registerWebviewPanelSerializer(InvokerFormPanel.viewType, {
      deserializeWebviewPanel: async (panel, state: WebviewState | undefined) => {
        InvokerFormPanel.revive(commands.formDependencies(), panel, state);
      },
    }),
    command('oauth2Invoker.execute', (target) => commands.execute(target)),
    command('oauth2Invoker.signIn', () => commands.signIn()),
    // These put a token or a body where another extension could read it: see CommandTargets.
    ...(
      [
        ['oauth2Invoker.copyAccessToken', 'copy the access token', (target) => commands.copyAccessToken(target as Target)],
        ['oauth2Invoker.revealAccessToken', 'open the access token', (target) => commands.revealAccessToken(target as Target)],
        ['oauth2Invoker.openBody', 'open the body', (target) => commands.openBody(target as Target)],
        ['oauth2Invoker.copyValue', 'copy a value', (node) => commands.copyValue(node as Parameters<Commands['copyValue']>[0])],
      ] satisfies Array<[string, string, (target: unknown) => unknown]>
    ).map(([id, what, run]) => command(id, targets.handingOut(what, run))),
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
    ...registerHttpSupport({ invokers, messages, tokens, recent, log, targets }),
  );

  // Messages (and their tokens) of earlier sessions come back from SecretStorage after activation, not during it.
  const restored = messages.restore().then(
    (count) => log.info(`restored ${count} message(s) from secret storage`),
    (error: unknown) => log.error(`could not restore messages: ${errorText(error)}`),
  );
  const activationMs = performance.now() - started;
  log.info(`activated in ${activationMs.toFixed(1)} ms (core and undici load on first Execute)`);
  const api = createApi({ invokers, messages, tokens, runner });
  // The test seams exist only where VS Code runs the extension's tests, never for other extensions.
  if (context.extensionMode !== vscode.ExtensionMode.Test) {
    return api;
  }
  const testing = createTestingApi(
    {
      invokers,
      messages,
      tokens,
      runner,
      service,
      resultTree: tree,
      isCoreLoaded,
      logFolder: context.logUri.fsPath,
      restored,
      storedKeys: () => owned.keys(),
      formPanelForTests: (ref) => InvokerFormPanel.find(ref),
      signInForTests: signIn,
      confirmationsForTests: confirmations,
      authProvider,
    },
    api,
  );
  return Object.freeze({ ...api, testing });
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
