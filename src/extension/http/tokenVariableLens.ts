import * as vscode from 'vscode';
import { invokerLabel } from '../invokerStore';
import type { HttpSupportDependencies, HttpTokens } from './httpTokens';
import type { ParsedDocuments } from './parsedDocuments';
import { TokenVariableCommands, type RefreshTokenVariableArgs } from './tokenVariable';

/** How often "expires in …" is brought up to date while nothing else changes. */
const EXPIRY_TICK_MS = 30_000;

/**
 * The CodeLens on each token variable line: the invoker (opens it), when the token written there expires, and
 * Refresh. Reads only the cache: showing a lens never sends a request.
 */
export class TokenVariableCodeLensProvider implements vscode.CodeLensProvider, vscode.Disposable {
  private readonly changed = new vscode.EventEmitter<void>();
  readonly onDidChangeCodeLenses = this.changed.event;
  private readonly disposables: vscode.Disposable[];

  constructor(
    private readonly tokens: HttpTokens,
    private readonly documents: ParsedDocuments,
    deps: Pick<HttpSupportDependencies, 'messages' | 'invokers'>,
  ) {
    const timer = setInterval(() => this.changed.fire(), EXPIRY_TICK_MS);
    this.disposables = [
      this.changed,
      deps.messages.onDidChange(() => this.changed.fire()),
      deps.invokers.onDidChange(() => this.changed.fire()),
      { dispose: () => clearInterval(timer) },
    ];
  }

  dispose(): void {
    this.disposables.forEach((disposable) => disposable.dispose());
  }

  provideCodeLenses(document: vscode.TextDocument): vscode.CodeLens[] {
    const now = Date.now();
    return this.documents.get(document).tokenVariables.flatMap((entry) => {
      const range = new vscode.Range(entry.variable.line, 0, entry.variable.line, 0);
      const ref = this.tokens.refOf(entry.invoker);
      if (ref === undefined) {
        return [
          new vscode.CodeLens(range, {
            title: `$(warning) no invoker "${entry.invoker}"`,
            command: 'oauth2Invoker.newInvoker',
            tooltip: 'Create the invoker this variable names',
          }),
        ];
      }
      const refresh: RefreshTokenVariableArgs = {
        uri: document.uri.toString(),
        line: entry.variable.line,
        invoker: entry.invoker,
        variable: entry.variable.name,
      };
      return [
        new vscode.CodeLens(range, {
          title: `$(key) ${invokerLabel(ref)}`,
          command: 'oauth2Invoker.editInvoker',
          arguments: [ref],
          tooltip: 'Edit the invoker',
        }),
        // No command: a label.
        new vscode.CodeLens(range, { title: this.tokens.describeValue(ref, entry.variable.value, now), command: '' }),
        new vscode.CodeLens(range, {
          title: '$(refresh) Refresh',
          command: TokenVariableCommands.refreshId,
          arguments: [this.tokens.own(refresh)],
          tooltip: `Replace @${entry.variable.name} with a valid access token of "${invokerLabel(ref)}"`,
        }),
      ];
    });
  }
}
