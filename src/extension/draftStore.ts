import type * as vscode from 'vscode';
import type { WebviewState } from '../shared/protocol';

const PREFIX = 'oauth2Invoker.draft:';
/** The form key of a user invoker's form (see `invokerKey`): the one form that is the same in every workspace. */
const USER_FORM = 'user:';

/**
 * Unsaved form contents (never a secret: the protocol's draft has none), kept so a half-filled form survives a
 * failed Execute, a closed panel and a window reload. A user invoker's draft is the user's, in every window; a
 * workspace invoker's and a new invoker's belong to the workspace they were typed in, so one repository's draft never
 * opens in another's invoker of the same name.
 */
export class DraftStore {
  constructor(
    private readonly user: vscode.Memento,
    private readonly workspace: vscode.Memento,
  ) {}

  private memento(formKey: string): vscode.Memento {
    return formKey.startsWith(USER_FORM) ? this.user : this.workspace;
  }

  get(formKey: string): WebviewState | undefined {
    return this.memento(formKey).get<WebviewState>(PREFIX + formKey);
  }

  async set(formKey: string, state: WebviewState): Promise<void> {
    await this.memento(formKey).update(PREFIX + formKey, state);
  }

  async delete(formKey: string): Promise<void> {
    await this.memento(formKey).update(PREFIX + formKey, undefined);
  }
}
