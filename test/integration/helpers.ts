import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import * as vscode from 'vscode';
import type { OAuth2InvokerApi } from '../../src/extension/api';
import type { Exports } from '../../src/extension/extension';
import type { OAuth2InvokerTesting } from '../../src/extension/testingApi';

export const EXTENSION_ID = 'oauth2-invoker.oauth2-invoker';

/**
 * The extension's test surface, activating it if needed: `activate()` adds `testing` to its exports only in
 * `ExtensionMode.Test`, the mode VS Code gives an extension whose tests it runs (`extensionTestsPath`).
 */
export async function activateApi(): Promise<OAuth2InvokerTesting> {
  const { testing } = await activateExports();
  assert.ok(testing !== undefined, 'the extension runs in ExtensionMode.Test, so its exports hold the test surface');
  return testing;
}

/** What `activate()` returned: the API other extensions get (and, in a test run, `testing`). */
export async function activateExports(): Promise<Exports> {
  const extension = vscode.extensions.getExtension<Exports>(EXTENSION_ID);
  assert.ok(extension, `extension ${EXTENSION_ID} is installed`);
  return extension.activate();
}

/** The exports as another extension gets them in production, where `activate()` adds no `testing`. */
export async function productionExports(): Promise<OAuth2InvokerApi> {
  const entries = Object.entries(await activateExports()).filter(([key]) => key !== 'testing');
  return Object.fromEntries(entries) as unknown as OAuth2InvokerApi;
}

/** Every file below a folder, recursively (logs, settings). */
export function filesBelow(folder: string): string[] {
  if (!fs.existsSync(folder)) {
    return [];
  }
  return fs.readdirSync(folder, { withFileTypes: true }).flatMap((entry) => {
    const full = path.join(folder, entry.name);
    return entry.isDirectory() ? filesBelow(full) : [full];
  });
}

/** How long the log channel may take to write a line to its file (it writes asynchronously, slowly on a loaded machine). */
const LOG_WRITE_WAIT_MS = 20_000;

/** The text of the extension's log files (the "OAuth2 Invoker" channel) in this window's logs. */
function logFilesText(api: OAuth2InvokerTesting): string {
  const logsRoot = path.dirname(path.dirname(api.logFolder));
  return filesBelow(logsRoot)
    .filter((file) => file.includes('OAuth2 Invoker'))
    .map((file) => fs.readFileSync(file, 'utf8'))
    .join('\n');
}

/**
 * The extension's log as written to its files, once `line` is in it: the line the operation under test writes last
 * (`[name] Execute (client_credentials) → DJMOUT`, `… sign-in required`). A check that a secret is absent reads the
 * log through this, so a log not written yet cannot pass it; a line that never comes fails, naming it.
 */
export async function logWithLine(api: OAuth2InvokerTesting, line: RegExp): Promise<string> {
  const deadline = Date.now() + LOG_WRITE_WAIT_MS;
  for (;;) {
    const text = logFilesText(api);
    if (line.test(text)) {
      return text;
    }
    if (Date.now() > deadline) {
      assert.fail(`the log has no line matching ${String(line)} after ${LOG_WRITE_WAIT_MS / 1000} s`);
    }
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}

/** Fails when any secret (as is, form- or percent-encoded) appears in the text. */
export function assertAbsent(text: string, secrets: Iterable<string>, where: string): void {
  for (const secret of secrets) {
    if (secret === '') {
      continue;
    }
    for (const form of new Set([secret, encodeURIComponent(secret), new URLSearchParams([['', secret]]).toString().slice(1)])) {
      assert.ok(!text.includes(form), `a secret appears in ${where}`);
    }
  }
}

/**
 * A tooltip's text as a person reads it: a MarkdownString's backslash escapes (CommonMark §2.4) taken out, so that a
 * secret or a server's text is found in it whatever punctuation it holds; a plain string as it is.
 */
export function tooltipText(tooltip: string | vscode.MarkdownString | undefined): string {
  return tooltip instanceof vscode.MarkdownString ? tooltip.value.replace(/\\([!-/:-@[-`{-~])/g, '$1') : (tooltip ?? '');
}

/**
 * A property of an invoker's message as a person gets it: "Copy Value" on its node in the Messages view (other
 * extensions get every secret field masked).
 */
export async function copyPropertyFromTree(api: OAuth2InvokerTesting, invoker: string, property: string): Promise<string> {
  const root = api.resultTree.messageNodes().find((node) => node.record.invoker.name === invoker);
  assert.ok(root !== undefined, `the message of "${invoker}" is in the tree`);
  const node = api.resultTree.getChildren(root).find((child) => child.kind === 'property' && child.name === property);
  assert.ok(node !== undefined, `the message of "${invoker}" has ${property}`);
  await vscode.env.clipboard.writeText('');
  await vscode.commands.executeCommand('oauth2Invoker.copyValue', node);
  const value = await vscode.env.clipboard.readText();
  assert.notEqual(value, '');
  return value;
}

/** Changes a user invoker's settings as a pulled commit or Settings Sync would: the settings only, nothing re-entered or confirmed. */
export async function editSettings(name: string, change: Record<string, unknown>): Promise<void> {
  const settings = vscode.workspace.getConfiguration('oauth2Invoker');
  const list = settings.inspect<Array<Record<string, unknown>>>('invokers')?.globalValue ?? [];
  await settings.update(
    'invokers',
    list.map((item) => (item.name === name ? { ...item, ...change } : item)),
    vscode.ConfigurationTarget.Global,
  );
}
