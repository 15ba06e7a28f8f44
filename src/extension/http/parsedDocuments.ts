import * as vscode from 'vscode';
import type { HttpFile } from '../../shared/httpFile';
import { HttpFileCache } from '../../shared/httpFileCache';

/**
 * Every .http document parsed once per version, shared by the CodeLens and the commands: the lens is asked again
 * on each edit, each expiry tick and each change of messages or invokers, and a command parses before and after
 * its request. A closed document is dropped (VS Code numbers a reopened one from 1 again). Completion and the JWT
 * hover read only the cursor's line: a whole-document parse would add work to each keystroke, not save any.
 */
export class ParsedDocuments implements vscode.Disposable {
  private readonly cache = new HttpFileCache();
  private readonly closing = vscode.workspace.onDidCloseTextDocument((document) => this.cache.forget(document.uri.toString()));

  /** The document at its current version, parsed; lines as VS Code holds them, whatever the EOL. */
  get(document: vscode.TextDocument): HttpFile {
    // getText() joins the lines with the document's one EOL, which the parser splits on again.
    return this.cache.get(document.uri.toString(), document.version, () => document.getText());
  }

  dispose(): void {
    this.closing.dispose();
  }
}
