import * as vscode from 'vscode';
import { describeExpiry } from '../shared/expiry';
import type { RecentInvokers } from './invokerPicker';
import { invokerKey, invokerLabel } from './invokerStore';
import type { MessageRecord } from './messageRecord';
import type { MessageStore } from './messageStore';

const WARN_BELOW_MS = 60_000;

/**
 * A status-bar item with the time left on the active invoker's token (the one used last); a warning color under a
 * minute. Clicking it offers Copy, Refresh and Execute.
 */
export class TokenStatusBar implements vscode.Disposable {
  private readonly item = vscode.window.createStatusBarItem('oauth2Invoker.token', vscode.StatusBarAlignment.Left, 50);
  private readonly listener: vscode.Disposable;

  constructor(
    private readonly messages: MessageStore,
    private readonly recent: RecentInvokers,
    private readonly now: () => number = Date.now,
  ) {
    this.item.name = 'OAuth2 Invoker token';
    this.item.command = 'oauth2Invoker.tokenActions';
    this.listener = messages.onDidChange(() => this.update());
    this.update();
  }

  dispose(): void {
    this.listener.dispose();
    this.item.dispose();
  }

  /** The record of the invoker used last that has one, else the newest. */
  active(): MessageRecord | undefined {
    const records = this.messages.list();
    for (const key of this.recent.order()) {
      const record = records.find((r) => invokerKey(r.invoker) === key);
      if (record !== undefined) {
        return record;
      }
    }
    return records[0];
  }

  update(): void {
    const record = this.active();
    if (record === undefined) {
      this.item.hide();
      return;
    }
    const label = invokerLabel(record.invoker);
    const expiresAt = record.message.metadata.expiresAt;
    if (record.failure !== undefined) {
      this.item.text = `$(error) ${label}: failed`;
      this.item.tooltip = `OAuth2 invoker "${label}": ${record.failure.message}`;
      this.item.backgroundColor = new vscode.ThemeColor('statusBarItem.errorBackground');
      // Read aloud without the icon's name ("error").
      this.item.accessibilityInformation = { label: `OAuth2 invoker ${label}: its last token request failed` };
    } else {
      const left = expiresAt !== undefined ? expiresAt - this.now() : undefined;
      this.item.text = `$(key) ${label}: ${left === undefined ? 'expiry unknown' : describeExpiry(expiresAt, this.now()).replace(/^expires in /, '')}`;
      this.item.tooltip = `OAuth2 invoker "${label}": ${record.message.name}.AccessToken ${describeExpiry(expiresAt, this.now())}. Click to copy or refresh.`;
      this.item.backgroundColor = left !== undefined && left < WARN_BELOW_MS ? new vscode.ThemeColor('statusBarItem.warningBackground') : undefined;
      // Read aloud without the icon's name ("key"); never the token.
      this.item.accessibilityInformation = { label: `OAuth2 invoker ${label}: access token ${describeExpiry(expiresAt, this.now())}` };
    }
    this.item.show();
  }
}
