import * as vscode from 'vscode';
import { plainText } from '../shared/plainText';

// Every notification the extension shows goes through here. Its text often carries outside text (an invoker's
// name from settings or an import, a server's error_description, a device user code), and VS Code turns
// `[label](command:…)` in a notification into a link whose click runs the command: plainText() leaves no such link.
// eslint.config.mjs keeps the window.show*Message calls to this file.

type Severity = 'showInformationMessage' | 'showWarningMessage' | 'showErrorMessage';

function show<T extends string>(severity: Severity, message: string, rest: ReadonlyArray<vscode.MessageOptions | T>): Thenable<T | undefined> {
  const [first, ...items] = rest;
  const args: Array<string | vscode.MessageOptions> =
    first === undefined
      ? []
      : typeof first === 'string'
        ? [first, ...(items as T[])]
        : [{ ...first, ...(first.detail !== undefined ? { detail: plainText(first.detail) } : {}) }, ...(items as T[])];
  // The window's method looked up at each call, as VS Code hands it: one signature for the three overloads.
  const showMessage = vscode.window[severity] as (message: string, ...rest: Array<string | vscode.MessageOptions>) => Thenable<T | undefined>;
  return showMessage.call(vscode.window, plainText(message), ...args);
}

/** `vscode.window.showInformationMessage` with no link in its text or detail. */
export function showInformation<T extends string>(message: string, ...items: T[]): Thenable<T | undefined>;
export function showInformation<T extends string>(message: string, options: vscode.MessageOptions, ...items: T[]): Thenable<T | undefined>;
export function showInformation<T extends string>(message: string, ...rest: Array<vscode.MessageOptions | T>): Thenable<T | undefined> {
  return show('showInformationMessage', message, rest);
}

/** `vscode.window.showWarningMessage` with no link in its text or detail. */
export function showWarning<T extends string>(message: string, ...items: T[]): Thenable<T | undefined>;
export function showWarning<T extends string>(message: string, options: vscode.MessageOptions, ...items: T[]): Thenable<T | undefined>;
export function showWarning<T extends string>(message: string, ...rest: Array<vscode.MessageOptions | T>): Thenable<T | undefined> {
  return show('showWarningMessage', message, rest);
}

/** `vscode.window.showErrorMessage` with no link in its text or detail. */
export function showError<T extends string>(message: string, ...items: T[]): Thenable<T | undefined>;
export function showError<T extends string>(message: string, options: vscode.MessageOptions, ...items: T[]): Thenable<T | undefined>;
export function showError<T extends string>(message: string, ...rest: Array<vscode.MessageOptions | T>): Thenable<T | undefined> {
  return show('showErrorMessage', message, rest);
}
