import * as vscode from 'vscode';
import type { SecretStore } from './secretStore';
import { showInformation } from './notifications';

const SHOWN_KEY = 'oauth2Invoker.webStorageNoticeShown';

export const WEB_STORAGE_NOTICE =
  "In the browser, VS Code keeps secrets in the browser's own storage for this address: the secrets and tokens of OAuth2 Invoker survive a reload " +
  "and a restart of code-server at the same address, but not another browser or profile, clearing the site's data, or opening code-server at another host or port.";

/**
 * In code-server and VS Code for the Web, SecretStorage lives in the browser (localStorage of the page's origin,
 * sealed with a key half the server keeps), not in the operating system's keychain: says so once, when the first
 * secret is stored, since that is when it starts to matter.
 */
export function watchWebStorage(secrets: SecretStore, memento: vscode.Memento): vscode.Disposable {
  if (vscode.env.uiKind !== vscode.UIKind.Web || memento.get<boolean>(SHOWN_KEY) === true) {
    return new vscode.Disposable(() => undefined);
  }
  const listener = secrets.onDidChange(() => {
    listener.dispose();
    void memento.update(SHOWN_KEY, true);
    void showInformation(WEB_STORAGE_NOTICE);
  });
  return listener;
}
