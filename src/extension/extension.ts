import { performance } from 'node:perf_hooks';
import * as vscode from 'vscode';
import type { WebviewState } from '../shared/protocol';
import { createApi, type OAuth2InvokerApi } from './api';
import { Commands } from './commands';
import { isCoreLoaded } from './coreLoader';
import { DraftStore } from './draftStore';
import { InvokerFormPanel } from './formPanel';
import { RecentInvokers } from './invokerPicker';
import { InvokerRunner } from './invokerRunner';
import { InvokerStore } from './invokerStore';
import { MESSAGE_SCHEME, MessageDocumentProvider } from './messageDocuments';
import { MessageStore } from './messageStore';
import { ResultTreeProvider } from './resultTree';
import { SecretStore, workspaceIdOf } from './secretStore';

const TREE_REFRESH_MS = 30_000;

export function activate(context: vscode.ExtensionContext): OAuth2InvokerApi {
  const started = performance.now();
  const log = vscode.window.createOutputChannel('OAuth2 Invoker', { log: true });
  const invokers = new InvokerStore();
  const secrets = new SecretStore(context.secrets, workspaceIdOf(vscode.workspace));
  const messages = new MessageStore();
  const timeoutMs = (): number => Math.max(1, vscode.workspace.getConfiguration('oauth2Invoker').get<number>('timeoutSeconds', 30)) * 1000;
  const runner = new InvokerRunner(invokers, secrets, messages, log, timeoutMs);
  const tree = new ResultTreeProvider(messages);
  const treeView = vscode.window.createTreeView('oauth2Invoker.messages', { treeDataProvider: tree, showCollapseAll: true });
  const drafts = new DraftStore(context.globalState);
  const commands = new Commands({
    invokers,
    secrets,
    messages,
    runner,
    recent: new RecentInvokers(context.globalState),
    tree,
    treeView,
    log,
    form: { extensionUri: context.extensionUri, invokers, secrets, drafts, log },
  });
  const timer = setInterval(() => tree.refresh(), TREE_REFRESH_MS);

  context.subscriptions.push(
    log,
    invokers,
    secrets,
    messages,
    tree,
    treeView,
    { dispose: () => clearInterval(timer) },
    vscode.workspace.registerTextDocumentContentProvider(MESSAGE_SCHEME, new MessageDocumentProvider(messages)),
    vscode.window.registerWebviewPanelSerializer(InvokerFormPanel.viewType, {
      deserializeWebviewPanel: async (panel, state: WebviewState | undefined) => {
        InvokerFormPanel.revive(commands.formDependencies(), panel, state);
      },
    }),
    vscode.commands.registerCommand('oauth2Invoker.execute', (target) => commands.execute(target)),
    vscode.commands.registerCommand('oauth2Invoker.copyAccessToken', (target) => commands.copyAccessToken(target)),
    vscode.commands.registerCommand('oauth2Invoker.revealAccessToken', (target) => commands.revealAccessToken(target)),
    vscode.commands.registerCommand('oauth2Invoker.openBody', (target) => commands.openBody(target)),
    vscode.commands.registerCommand('oauth2Invoker.copyValue', (node) => commands.copyValue(node)),
    vscode.commands.registerCommand('oauth2Invoker.newInvoker', () => commands.newInvoker()),
    vscode.commands.registerCommand('oauth2Invoker.editInvoker', (target) => commands.editInvoker(target)),
    vscode.commands.registerCommand('oauth2Invoker.duplicateInvoker', (target) => commands.duplicateInvoker(target)),
    vscode.commands.registerCommand('oauth2Invoker.deleteInvoker', (target) => commands.deleteInvoker(target)),
    vscode.commands.registerCommand('oauth2Invoker.clearMessages', () => commands.clearMessages()),
    vscode.commands.registerCommand('oauth2Invoker.showLog', () => commands.showLog()),
  );

  const activationMs = performance.now() - started;
  log.info(`activated in ${activationMs.toFixed(1)} ms (core and undici load on first Execute)`);
  return createApi({ invokers, secrets, messages, runner, resultTree: tree, activationMs: () => activationMs, isCoreLoaded, logFolder: context.logUri.fsPath });
}

export function deactivate(): void {
  // Everything is disposed through context.subscriptions.
}
