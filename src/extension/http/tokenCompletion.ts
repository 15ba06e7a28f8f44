import * as vscode from 'vscode';
import { describeExpiry } from '../../shared/expiry';
import { tokenCompletionContext } from '../../shared/httpFile';
import { invokerLabel, type InvokerRef } from '../invokerStore';
import { documentName } from './httpDocuments';
import type { HttpTokens } from './httpTokens';

/** Where the accept command writes the token: the document and the position the completion left the cursor at. */
export interface AcceptTokenCompletionArgs {
  readonly uri: string;
  readonly line: number;
  readonly character: number;
  readonly invoker: InvokerRef;
}

function isAcceptArgs(value: unknown): value is AcceptTokenCompletionArgs {
  const args = value as Partial<AcceptTokenCompletionArgs> | undefined;
  return typeof args?.uri === 'string' && typeof args.line === 'number' && typeof args.character === 'number' && typeof args.invoker?.name === 'string';
}

/**
 * Completion of a token after `Authorization: Bearer ` and after `@name = `: one item per invoker, labelled with its
 * name and expiry. The token is never in the label, detail or documentation. A fresh cached token is the item's
 * insertText; otherwise accepting the item gets one (VS Code ignores an insertText changed in resolveCompletionItem,
 * so "lazy" is a command run on accept: browsing the list never sends a request).
 */
export class TokenCompletionProvider implements vscode.CompletionItemProvider {
  static readonly acceptId = 'oauth2Invoker.acceptTokenCompletion';
  static readonly triggerCharacters = [' ', '='];

  constructor(private readonly tokens: HttpTokens) {}

  provideCompletionItems(document: vscode.TextDocument, position: vscode.Position): vscode.CompletionItem[] | undefined {
    const context = tokenCompletionContext(document.lineAt(position.line).text, position.character);
    if (context === undefined) {
      return undefined;
    }
    const now = Date.now();
    const start = new vscode.Position(position.line, context.valueStart);
    const range = { inserting: new vscode.Range(start, position), replacing: new vscode.Range(start, position.with({ character: context.valueEnd })) };
    return this.tokens.list().map((entry, index) => {
      const ref: InvokerRef = { name: entry.config.name, scope: entry.scope };
      const cached = this.tokens.cached(ref);
      const fresh = this.tokens.freshToken(ref);
      const expiry = cached !== undefined ? describeExpiry(cached.metadata.expiresAt, now) : 'no token yet';
      const item = new vscode.CompletionItem(
        { label: entry.config.name, detail: entry.scope === 'workspace' ? ' (workspace)' : undefined, description: expiry },
        vscode.CompletionItemKind.Value,
      );
      item.detail = `Access token of OAuth2 invoker "${invokerLabel(ref)}" (${entry.config.targetMessage})`;
      item.documentation = new vscode.MarkdownString(
        fresh !== undefined
          ? `Inserts the cached access token of this invoker (${expiry}).`
          : `Gets a valid access token when accepted: ${cached !== undefined ? `the cached one ${expiry}` : 'none was received yet'}, so the invoker runs first.`,
      );
      item.range = range;
      // What is typed after "Bearer " is usually an old token, not an invoker's name: keep every item listed.
      item.filterText = `${context.typed}${entry.config.name}`;
      item.sortText = String(index).padStart(4, '0');
      if (fresh !== undefined) {
        item.insertText = `${context.prefix}${fresh}`;
      } else {
        item.insertText = context.prefix;
        const args: AcceptTokenCompletionArgs = {
          uri: document.uri.toString(),
          line: position.line,
          character: context.valueStart + context.prefix.length,
          invoker: ref,
        };
        item.command = { title: 'Insert Access Token', command: TokenCompletionProvider.acceptId, arguments: [this.tokens.own(args)] };
      }
      return item;
    });
  }

  /** After an item without a fresh token was accepted: get a valid one and write it where the completion left off. */
  async accept(argument?: unknown): Promise<void> {
    if (!isAcceptArgs(argument)) {
      return;
    }
    // Completion never signs in (README: background work never opens a browser).
    const message = await this.tokens.obtain(argument.invoker, { interactive: false });
    const document = vscode.workspace.textDocuments.find((candidate) => candidate.uri.toString() === argument.uri);
    const token = message?.accessToken;
    if (message === undefined || token === undefined || document === undefined || document.isClosed || argument.line >= document.lineCount) {
      return;
    }
    const edit = new vscode.WorkspaceEdit();
    edit.insert(document.uri, document.validatePosition(new vscode.Position(argument.line, argument.character)), token);
    await vscode.workspace.applyEdit(edit);
    this.tokens.log.info(
      `[${invokerLabel(argument.invoker)}] access token of ${message.name} completed in ${documentName(document)} (${describeExpiry(message.metadata.expiresAt, Date.now())})`,
    );
  }
}
