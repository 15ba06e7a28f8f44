import * as vscode from 'vscode';
import { HTTP_SELECTOR } from './httpDocuments';
import { HttpTokens, type HttpSupportDependencies } from './httpTokens';
import { InsertAccessTokenCommand } from './insertAccessToken';
import { JwtHoverProvider } from './jwtHover';
import { ParsedDocuments } from './parsedDocuments';
import { TokenCompletionProvider } from './tokenCompletion';
import { TokenVariableCommands } from './tokenVariable';
import { TokenVariableCodeLensProvider } from './tokenVariableLens';

export type { HttpSupportDependencies } from './httpTokens';

/**
 * Tokens in .http / .rest files (REST Client, httpyac): the Insert Access Token and Insert Access Token Variable
 * commands, the token variable's CodeLens with Refresh, completion after `Authorization: Bearer ` and `@name = `,
 * and a hover on any JWT. Everything is registered here; activate() pushes what this returns.
 */
export function registerHttpSupport(deps: HttpSupportDependencies): vscode.Disposable[] {
  const tokens = new HttpTokens(deps);
  const documents = new ParsedDocuments();
  const insert = new InsertAccessTokenCommand(tokens, documents);
  const variables = new TokenVariableCommands(tokens, documents);
  const lenses = new TokenVariableCodeLensProvider(tokens, documents, deps);
  const completion = new TokenCompletionProvider(tokens);
  // The command boundary: anything unexpected goes to the log (never a token: errors here carry none) and one line to the user.
  const guarded =
    (name: string, run: (argument?: unknown) => Promise<void>) =>
    async (argument?: unknown): Promise<void> => {
      try {
        await run(argument);
      } catch (error) {
        const text = error instanceof Error ? error.message : String(error);
        deps.log.error(`${name} failed: ${text}`);
        void vscode.window.showErrorMessage(`${name} failed: ${text}`, 'Show Log').then((choice) => (choice !== undefined ? deps.log.show(true) : undefined));
      }
    };
  return [
    documents,
    lenses,
    vscode.commands.registerCommand(InsertAccessTokenCommand.id, guarded('Insert Access Token', (argument) => insert.run(argument))),
    vscode.commands.registerCommand(TokenVariableCommands.insertId, guarded('Insert Access Token Variable', (argument) => variables.insert(argument))),
    vscode.commands.registerCommand(TokenVariableCommands.refreshId, guarded('Refresh Token Variable', (argument) => variables.refresh(argument))),
    vscode.commands.registerCommand(TokenCompletionProvider.acceptId, guarded('Insert Access Token', (argument) => completion.accept(argument))),
    vscode.languages.registerCodeLensProvider(HTTP_SELECTOR, lenses),
    vscode.languages.registerCompletionItemProvider(HTTP_SELECTOR, completion, ...TokenCompletionProvider.triggerCharacters),
    vscode.languages.registerHoverProvider(HTTP_SELECTOR, new JwtHoverProvider()),
  ];
}
