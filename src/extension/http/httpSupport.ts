import * as vscode from 'vscode';
import { HTTP_SELECTOR } from './httpDocuments';
import { registerGuardedCommand } from '../tokenUi';
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
  return [
    documents,
    lenses,
    // Each writes a token into a document another extension could read: see CommandTargets.
    ...(
      [
        [InsertAccessTokenCommand.id, 'Insert Access Token', 'insert the access token into the editor', (argument) => insert.run(argument)],
        [TokenVariableCommands.insertId, 'Insert Access Token Variable', 'write the access token into a .http file', (argument) => variables.insert(argument)],
        [TokenVariableCommands.refreshId, 'Refresh Token Variable', 'write a new access token into a .http file', (argument) => variables.refresh(argument)],
        [TokenCompletionProvider.acceptId, 'Insert Access Token', 'insert the access token into a document', (argument) => completion.accept(argument)],
      ] satisfies Array<[string, string, string, (argument: unknown) => Promise<void>]>
    ).map(([id, title, what, run]) => registerGuardedCommand(id, title, deps.log, deps.targets.handingOut(what, run))),
    vscode.languages.registerCodeLensProvider(HTTP_SELECTOR, lenses),
    vscode.languages.registerCompletionItemProvider(HTTP_SELECTOR, completion, ...TokenCompletionProvider.triggerCharacters),
    vscode.languages.registerHoverProvider(HTTP_SELECTOR, new JwtHoverProvider()),
  ];
}
