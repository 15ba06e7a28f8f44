/** The extension's own form panels, driven through their test seam (see formPanel.test.ts), for the in-host suites. */
import * as assert from 'node:assert/strict';
import * as vscode from 'vscode';
import type { OAuth2InvokerTesting } from '../../src/extension/testingApi';
import type { InvokerFormPanel } from '../../src/extension/formPanel';
import type { InvokerRef } from '../../src/extension/invokerStore';
import type { FromWebview, ToWebview } from '../../src/shared/protocol';

export type Api = OAuth2InvokerTesting;

export const NEW_FORM_TITLE = 'New OAuth2 Invoker';

export const sleep = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms));

/** One of the extension's form panels, with every message it posted to its webview since the test took hold of it. */
export class Form {
  readonly posted: ToWebview[] = [];
  private readonly listener: vscode.Disposable;

  constructor(readonly panel: InvokerFormPanel) {
    this.listener = panel.onDidPostForTests((message) => this.posted.push(message));
  }

  /** Posts a message as the webview would and resolves, once the panel has handled it, to what it posted meanwhile. */
  async send(message: FromWebview): Promise<ToWebview[]> {
    const from = this.posted.length;
    await this.panel.receiveForTests(message);
    return this.posted.slice(from);
  }

  /** Closes the panel's tab (titled after the invoker it edits, `ref`) as a person does, and waits until the panel is gone. */
  async close(api: Api, ref?: InvokerRef): Promise<void> {
    this.listener.dispose();
    const title = ref !== undefined ? `Invoker: ${ref.name}` : NEW_FORM_TITLE;
    const tab = await tabTitled(title);
    await vscode.window.tabGroups.close(tab);
    for (let waited = 0; api.formPanelForTests(ref) === this.panel && waited < 5000; waited += 50) {
      await sleep(50);
    }
    assert.notEqual(api.formPanelForTests(ref), this.panel, `the form "${title}" is disposed once its tab is closed`);
  }
}

/** The tab of a form (it appears a moment after the panel is created). */
export async function tabTitled(title: string): Promise<vscode.Tab> {
  const find = (): vscode.Tab | undefined =>
    vscode.window.tabGroups.all
      .flatMap((group) => group.tabs)
      .find((tab) => tab.label === title && tab.input instanceof vscode.TabInputWebview && tab.input.viewType.endsWith('oauth2Invoker.form'));
  for (let waited = 0; find() === undefined && waited < 5000; waited += 50) {
    await sleep(50);
  }
  const tab = find();
  assert.ok(tab !== undefined, `a form tab "${title}" is open`);
  return tab;
}

/** The one message of a type among those posted (a webview may also say `ready` by itself, which re-sends `init`). */
export function last<T extends ToWebview['type']>(messages: readonly ToWebview[], type: T): Extract<ToWebview, { type: T }> {
  const found = messages.filter((message): message is Extract<ToWebview, { type: T }> => message.type === type);
  assert.ok(found.length > 0, `the panel posted "${type}"; it posted ${messages.map((m) => m.type).join(', ') || 'nothing'}`);
  return found[found.length - 1];
}

export function settingsText(): string {
  return JSON.stringify(vscode.workspace.getConfiguration('oauth2Invoker').inspect('invokers'));
}

export function savedSetting(name: string): Record<string, unknown> | undefined {
  const entries = vscode.workspace.getConfiguration('oauth2Invoker').inspect<Array<Record<string, unknown>>>('invokers')?.globalValue ?? [];
  return entries.find((entry) => entry.name === name);
}

/** The blank new-invoker form, opened by the New Invoker command. */
export async function openNewForm(api: Api): Promise<Form> {
  await vscode.commands.executeCommand('oauth2Invoker.newInvoker', { preset: 'generic' });
  const panel = api.formPanelForTests();
  assert.ok(panel !== undefined, 'New Invoker opened the new-invoker form');
  return new Form(panel);
}

/** The form of a saved user invoker, opened by the Edit Invoker command. */
export async function openEditForm(api: Api, name: string): Promise<Form> {
  await vscode.commands.executeCommand('oauth2Invoker.editInvoker', name);
  const panel = api.formPanelForTests({ name, scope: 'user' });
  assert.ok(panel !== undefined, `Edit Invoker opened the form of "${name}"`);
  return new Form(panel);
}
