import type * as vscode from 'vscode';
import type { WebviewState } from '../shared/protocol';

const PREFIX = 'oauth2Invoker.draft:';

/**
 * Unsaved form contents (never a secret: the protocol's draft has none), kept in the extension's global state so a
 * half-filled form survives a failed Execute, a closed panel and a window reload.
 */
export class DraftStore {
  constructor(private readonly memento: vscode.Memento) {}

  get(formKey: string): WebviewState | undefined {
    return this.memento.get<WebviewState>(PREFIX + formKey);
  }

  async set(formKey: string, state: WebviewState): Promise<void> {
    await this.memento.update(PREFIX + formKey, state);
  }

  async delete(formKey: string): Promise<void> {
    await this.memento.update(PREFIX + formKey, undefined);
  }
}
