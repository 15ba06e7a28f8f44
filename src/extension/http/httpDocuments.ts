import * as vscode from 'vscode';

/**
 * The documents the .http support works in: the `http` language (REST Client, httpyac) and, without either
 * extension, plain text files named `*.http` or `*.rest`.
 */
export const HTTP_SELECTOR: vscode.DocumentSelector = [{ language: 'http' }, { language: 'plaintext', pattern: '**/*.{http,rest}' }];

export function isHttpDocument(document: vscode.TextDocument): boolean {
  return vscode.languages.match(HTTP_SELECTOR, document) > 0;
}

/** How a document is named in the log and in messages: its file name, never its content. */
export function documentName(document: vscode.TextDocument): string {
  return document.uri.path.split('/').pop() || document.uri.toString(true);
}
