import * as vscode from 'vscode';
import { describeExpiry } from '../../shared/expiry';
import { authorizationInsertion, hasAuthorizationHeader, requestAt, type HttpRequest } from '../../shared/httpFile';
import { invokerLabel } from '../invokerStore';
import { documentName, isHttpDocument } from './httpDocuments';
import type { HttpTokens, InvokerArgument } from './httpTokens';
import type { ParsedDocuments } from './parsedDocuments';
import { showInformation } from '../notifications';

/** Where the token goes: at the cursor (or over the selection), or into a new Authorization header of the request. */
export type TokenPlacement = 'cursor' | 'header';

/** The command's argument, for keybindings, other extensions and tests; without it the command asks. */
export interface InsertAccessTokenArgs {
  readonly invoker?: InvokerArgument;
  readonly placement?: TokenPlacement;
}

function argsOf(value: unknown): InsertAccessTokenArgs {
  // The editor context menu passes the document's URI: that is no argument of ours.
  return value !== null && typeof value === 'object' && !(value instanceof vscode.Uri) ? (value as InsertAccessTokenArgs) : {};
}

/** How a request is named in a question: its name, else its method and URL without the query (which may hold keys). */
export function requestTitle(request: HttpRequest): string {
  const target = `${request.method} ${request.url.split('?', 1)[0]}`;
  return request.name !== undefined ? `"${request.name}" (${target})` : target;
}

/** The request under a lone cursor that has no Authorization header: where the command offers to add one. */
function requestWithoutAuthorization(editor: vscode.TextEditor, documents: ParsedDocuments): HttpRequest | undefined {
  if (editor.selections.length !== 1 || !editor.selection.isEmpty || !isHttpDocument(editor.document)) {
    return undefined;
  }
  const request = requestAt(documents.get(editor.document), editor.selection.active.line);
  return request !== undefined && !hasAuthorizationHeader(request) ? request : undefined;
}

async function askPlacement(request: HttpRequest): Promise<TokenPlacement | undefined> {
  const items: Array<vscode.QuickPickItem & { placement: TokenPlacement }> = [
    { label: '$(add) Add an Authorization header', description: 'Authorization: Bearer <token>', detail: requestTitle(request), placement: 'header' },
    { label: '$(edit) Insert at the cursor', description: 'the token alone', placement: 'cursor' },
  ];
  const picked = await vscode.window.showQuickPick(items, { title: 'Insert Access Token', placeHolder: 'This request has no Authorization header.' });
  return picked?.placement;
}

/** **Insert Access Token**: a valid token of an invoker at the cursor, over the selection, or as the request's Authorization header. */
export class InsertAccessTokenCommand {
  static readonly id = 'oauth2Invoker.insertAccessToken';

  constructor(
    private readonly tokens: HttpTokens,
    private readonly documents: ParsedDocuments,
  ) {}

  async run(argument?: unknown): Promise<void> {
    const args = argsOf(argument);
    const editor = vscode.window.activeTextEditor;
    if (editor === undefined) {
      void showInformation('Open an editor to insert an access token into.');
      return;
    }
    const ref = await this.tokens.resolve(args.invoker, 'Insert the access token of which invoker?');
    if (ref === undefined) {
      return;
    }
    // The question comes before the network: a person decides, then waits.
    const request = requestWithoutAuthorization(editor, this.documents);
    const placement = request === undefined ? 'cursor' : (args.placement ?? (await askPlacement(request)));
    if (placement === undefined) {
      return;
    }
    // A command a person runs: it may sign in.
    const message = await this.tokens.obtain(ref, { interactive: true });
    const token = message?.accessToken;
    if (message === undefined || token === undefined || editor.document.isClosed) {
      return;
    }
    const document = editor.document;
    let where = 'at the cursor';
    if (placement === 'header') {
      // Looked up again: the document may have changed while the token was on its way.
      const file = this.documents.get(document);
      const now = requestAt(file, editor.selection.active.line);
      if (now !== undefined && !hasAuthorizationHeader(now)) {
        const insertion = authorizationInsertion(file, now, `Bearer ${token}`);
        const edit = new vscode.WorkspaceEdit();
        edit.insert(document.uri, new vscode.Position(insertion.line, insertion.character), insertion.text);
        await vscode.workspace.applyEdit(edit);
        where = `as the Authorization header of ${requestTitle(now)}`;
      } else {
        await this.atCursor(editor, token);
      }
    } else {
      await this.atCursor(editor, token);
    }
    const expiry = describeExpiry(message.metadata.expiresAt, Date.now());
    this.tokens.log.info(`[${invokerLabel(ref)}] access token of ${message.name} inserted into ${documentName(document)} ${where} (${expiry})`);
  }

  private async atCursor(editor: vscode.TextEditor, token: string): Promise<void> {
    const selections = editor.selections;
    const done = await editor.edit((builder) => selections.forEach((selection) => builder.replace(selection, token)));
    if (!done) {
      // The editor went away (another tab took it): write to its document at the same places.
      const edit = new vscode.WorkspaceEdit();
      selections.forEach((selection) => edit.replace(editor.document.uri, selection, token));
      await vscode.workspace.applyEdit(edit);
    }
  }
}
