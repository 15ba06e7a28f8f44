import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import * as vscode from 'vscode';
import type { OAuth2InvokerApi } from '../../src/extension/api';

export const EXTENSION_ID = 'oauth2-invoker.oauth2-invoker';

/** The extension's API, activating it if needed. */
export async function activateApi(): Promise<OAuth2InvokerApi> {
  const extension = vscode.extensions.getExtension<OAuth2InvokerApi>(EXTENSION_ID);
  assert.ok(extension, `extension ${EXTENSION_ID} is installed`);
  return extension.activate();
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
function logFilesText(api: OAuth2InvokerApi): string {
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
export async function logWithLine(api: OAuth2InvokerApi, line: RegExp): Promise<string> {
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
 * A property of an invoker's message as a person gets it: "Copy Value" on its node in the Messages view (the API
 * masks secret fields such as `refresh_token`).
 */
export async function copyPropertyFromTree(api: OAuth2InvokerApi, invoker: string, property: string): Promise<string> {
  const root = api.resultTree.getChildren().find((node) => node.record.invoker.name === invoker);
  assert.ok(root !== undefined, `the message of "${invoker}" is in the tree`);
  const node = api.resultTree.getChildren(root).find((child) => child.kind === 'property' && child.name === property);
  assert.ok(node !== undefined, `the message of "${invoker}" has ${property}`);
  await vscode.env.clipboard.writeText('');
  await vscode.commands.executeCommand('oauth2Invoker.copyValue', node);
  const value = await vscode.env.clipboard.readText();
  assert.notEqual(value, '');
  return value;
}
