import * as vscode from 'vscode';
import { describeExpiry } from '../../shared/expiry';
import {
  authorizationInsertion,
  freeVariableName,
  hasAuthorizationHeader,
  isVariableName,
  requestAt,
  tokenVariableInsertion,
  tokenVariablesOf,
  type HttpFile,
  type TokenVariable,
} from '../../shared/httpFile';
import { invokerLabel, type InvokerRef } from '../invokerStore';
import { documentName, isHttpDocument } from './httpDocuments';
import type { HttpTokens, InvokerArgument } from './httpTokens';
import { requestTitle } from './insertAccessToken';
import type { ParsedDocuments } from './parsedDocuments';
import { showError, showInformation, showWarning } from '../notifications';

/** The insert command's argument, for keybindings, other extensions and tests; without it the command asks. */
export interface InsertTokenVariableArgs {
  readonly invoker?: InvokerArgument;
  /** The variable's name; default `accessToken`, or the next free `accessToken2`, … */
  readonly variable?: string;
  /** Whether the request at the cursor, when it has no Authorization header, gets `Authorization: Bearer {{variable}}`. */
  readonly addHeader?: boolean;
}

/** Which token variable the Refresh CodeLens is about; plain data, as CodeLens arguments travel between processes. */
export interface RefreshTokenVariableArgs {
  readonly uri: string;
  readonly line: number;
  readonly invoker: string;
  readonly variable: string;
}

function insertArgsOf(value: unknown): InsertTokenVariableArgs {
  // The editor context menu passes the document's URI: that is no argument of ours.
  return value !== null && typeof value === 'object' && !(value instanceof vscode.Uri) ? (value as InsertTokenVariableArgs) : {};
}

function isRefreshArgs(value: unknown): value is RefreshTokenVariableArgs {
  const args = value as Partial<RefreshTokenVariableArgs> | undefined;
  return typeof args?.uri === 'string' && typeof args.line === 'number' && typeof args.invoker === 'string' && typeof args.variable === 'string';
}

/** The invoker's variable of that name, the one nearest to where it was. */
function locate(file: HttpFile, invoker: string, variable: string, nearLine: number): TokenVariable | undefined {
  return tokenVariablesOf(file, invoker)
    .filter((entry) => entry.variable.name === variable)
    .sort((a, b) => Math.abs(a.variable.line - nearLine) - Math.abs(b.variable.line - nearLine))[0];
}

function valueRange(entry: TokenVariable): vscode.Range {
  return new vscode.Range(entry.variable.line, entry.variable.valueStart, entry.variable.line, entry.variable.valueEnd);
}

/**
 * **Insert Access Token Variable** and the CodeLens's **Refresh**: a file variable `@accessToken = <token>` below a
 * marker comment naming the invoker, so requests use `{{accessToken}}`, and its value replaced in place later.
 */
export class TokenVariableCommands {
  static readonly insertId = 'oauth2Invoker.insertTokenVariable';
  static readonly refreshId = 'oauth2Invoker.refreshTokenVariable';

  constructor(
    private readonly tokens: HttpTokens,
    private readonly documents: ParsedDocuments,
  ) {}

  async insert(argument?: unknown): Promise<void> {
    const args = insertArgsOf(argument);
    const editor = vscode.window.activeTextEditor;
    if (editor === undefined || !isHttpDocument(editor.document)) {
      void showInformation('Open a .http or .rest file to add an access token variable to.');
      return;
    }
    const ref = await this.tokens.resolve(args.invoker, 'A token variable for which invoker?');
    if (ref === undefined) {
      return;
    }
    const document = editor.document;
    const cursorLine = editor.selection.active.line;
    const before = this.documents.get(document);
    // The invoker's own variable when the file has one (it is updated, not doubled), else a free name.
    const name = args.variable ?? tokenVariablesOf(before, ref.name)[0]?.variable.name ?? freeVariableName(before);
    if (!isVariableName(name)) {
      void showError(`"${name}" is not a variable name both REST Client and httpyac read: use letters, digits and _.`);
      return;
    }
    const request = requestAt(before, cursorLine);
    let addHeader = false;
    if (request !== undefined && !hasAuthorizationHeader(request)) {
      addHeader = args.addHeader ?? (await this.askAddHeader(name, requestTitle(request))) ?? false;
    }
    // A command a person runs: it may sign in.
    const message = await this.tokens.obtain(ref, { interactive: true });
    const token = message?.accessToken;
    if (message === undefined || token === undefined || document.isClosed) {
      return;
    }
    // Looked up again: the document may have changed while the token was on its way. One edit, one undo step.
    const file = this.documents.get(document);
    const edit = new vscode.WorkspaceEdit();
    const existing = locate(file, ref.name, name, cursorLine);
    if (existing !== undefined) {
      edit.replace(document.uri, valueRange(existing), token);
    } else {
      const insertion = tokenVariableInsertion(file, cursorLine, ref.name, name, token);
      edit.insert(document.uri, new vscode.Position(insertion.line, insertion.character), insertion.text);
    }
    const target = addHeader ? requestAt(file, cursorLine) : undefined;
    if (target !== undefined && !hasAuthorizationHeader(target)) {
      const insertion = authorizationInsertion(file, target, `Bearer {{${name}}}`);
      edit.insert(document.uri, new vscode.Position(insertion.line, insertion.character), insertion.text);
    }
    await vscode.workspace.applyEdit(edit);
    const expiry = describeExpiry(message.metadata.expiresAt, Date.now());
    this.tokens.log.info(
      `[${invokerLabel(ref)}] token variable @${name} ${existing !== undefined ? 'updated' : 'written'} in ${documentName(document)} (${expiry})`,
    );
    void showInformation(`@${name} holds the access token of "${invokerLabel(ref)}" (${expiry}): use {{${name}}} in requests; its CodeLens refreshes it.`);
  }

  private async askAddHeader(variable: string, request: string): Promise<boolean | undefined> {
    const items = [
      { label: '$(add) Also use it in this request', description: `Authorization: Bearer {{${variable}}}`, detail: request, add: true },
      { label: '$(symbol-variable) Only the variable', description: `@${variable} = <token>`, add: false },
    ];
    const picked = await vscode.window.showQuickPick(items, {
      title: 'Insert Access Token Variable',
      placeHolder: 'This request has no Authorization header.',
    });
    return picked?.add;
  }

  /** Replaces the variable's value with a valid token: one edit, undoable. */
  async refresh(argument?: unknown): Promise<void> {
    if (!isRefreshArgs(argument)) {
      return;
    }
    const uri = vscode.Uri.parse(argument.uri);
    const document =
      vscode.workspace.textDocuments.find((candidate) => candidate.uri.toString() === argument.uri) ?? (await vscode.workspace.openTextDocument(uri));
    const found = locate(this.documents.get(document), argument.invoker, argument.variable, argument.line);
    const ref: InvokerRef | undefined = this.tokens.refOf(argument.invoker);
    if (found === undefined) {
      return;
    }
    if (ref === undefined) {
      const create = 'New Invoker';
      const choice = await showWarning(`There is no OAuth2 invoker named "${argument.invoker}" for @${argument.variable}.`, create);
      if (choice === create) {
        await vscode.commands.executeCommand('oauth2Invoker.newInvoker');
      }
      return;
    }
    // When the document already holds the invoker's valid token, Refresh means a new one (the server may have revoked it).
    const current = this.tokens.freshToken(ref);
    // The CodeLens never signs in (README: background work never opens a browser).
    const message = await this.tokens.obtain(ref, { interactive: false, forceRefresh: current !== undefined && found.variable.value === current });
    const token = message?.accessToken;
    const now =
      message !== undefined && !document.isClosed ? locate(this.documents.get(document), argument.invoker, argument.variable, found.variable.line) : undefined;
    if (message === undefined || token === undefined || now === undefined || now.variable.value === token) {
      return;
    }
    const edit = new vscode.WorkspaceEdit();
    edit.replace(document.uri, valueRange(now), token);
    await vscode.workspace.applyEdit(edit);
    this.tokens.log.info(
      `[${invokerLabel(ref)}] token variable @${argument.variable} refreshed in ${documentName(document)} (${describeExpiry(message.metadata.expiresAt, Date.now())})`,
    );
  }
}
