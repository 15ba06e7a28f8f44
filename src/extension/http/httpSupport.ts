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
    registerGuardedCommand(
      InsertAccessTokenCommand.id,
      'Insert Access Token',
      deps.log,
      deps.targets.handingOut('insert the access token into the editor', (argument) => insert.run(argument)),
    ),
    registerGuardedCommand(
      TokenVariableCommands.insertId,
      'Insert Access Token Variable',
      deps.log,
      deps.targets.handingOut('write the access token into a .http file', (argument) => variables.insert(argument)),
    ),
    registerGuardedCommand(
      TokenVariableCommands.refreshId,
      'Refresh Token Variable',
      deps.log,
      deps.targets.handingOut('write a new access token into a .http file', (argument) => variables.refresh(argument)),
    ),
    registerGuardedCommand(
      TokenCompletionProvider.acceptId,
      'Insert Access Token',
      deps.log,
      deps.targets.handingOut('insert the access token into a document', (argument) => completion.accept(argument)),
    ),
    vscode.languages.registerCodeLensProvider(HTTP_SELECTOR, lenses),
    vscode.languages.registerCompletionItemProvider(HTTP_SELECTOR, completion, ...TokenCompletionProvider.triggerCharacters),
    vscode.languages.registerHoverProvider(HTTP_SELECTOR, new JwtHoverProvider()),
  ];
}
