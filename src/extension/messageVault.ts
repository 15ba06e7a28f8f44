import * as vscode from 'vscode';
import { DJMessage, type DJMessageData } from '../core/model/djMessage';
import { parseTokenBinding, type TokenBinding } from '../core/model/routeBinding';
import type { InvokerRef } from './invokerStore';
import type { FailureSummary, MessageRecord } from './messageRecord';
import type { OwnedSecrets } from './ownedSecrets';

const RECORD_PREFIX = 'oauth2Invoker.message/';

/** A record as stored: plain data, tokens included, which is why it lives in SecretStorage. */
interface StoredRecord {
  readonly invoker: InvokerRef;
  readonly message: DJMessageData;
  readonly failure?: FailureSummary;
  readonly refreshToken?: string;
  readonly revoked?: boolean;
  readonly issuedTo?: TokenBinding;
}

function parse(text: string | undefined): MessageRecord | undefined {
  if (text === undefined) {
    return undefined;
  }
  try {
    const stored = JSON.parse(text) as StoredRecord;
    const issuedTo = parseTokenBinding(stored.issuedTo);
    return {
      invoker: stored.invoker,
      message: DJMessage.fromJSON(stored.message),
      failure: stored.failure,
      refreshToken: stored.refreshToken,
      ...(stored.revoked === true ? { revoked: true } : {}),
      ...(issuedTo !== undefined ? { issuedTo } : {}),
    };
  } catch {
    return undefined;
  }
}

/**
 * Each invoker's last message, kept in SecretStorage (it holds tokens) so that a reload or a restart finds them
 * again. Keys carry the secret store's scope key, so a workspace's invokers stay with that workspace.
 */
export class MessageVault implements vscode.Disposable {
  private readonly changed = new vscode.EventEmitter<string>();
  /** Fires with the storage key of a record that changed: by this window or another (windows share SecretStorage). */
  readonly onDidChange = this.changed.event;
  private readonly listener: vscode.Disposable;

  constructor(
    private readonly storage: OwnedSecrets,
    private readonly scopeKey: (ref: InvokerRef) => string,
  ) {
    this.listener = storage.onDidChange((event) => {
      if (event.key.startsWith(RECORD_PREFIX)) {
        this.changed.fire(event.key);
      }
    });
  }

  dispose(): void {
    this.listener.dispose();
    this.changed.dispose();
  }

  keyOf(ref: InvokerRef): string {
    return `${RECORD_PREFIX}${this.scopeKey(ref)}/${ref.name}`;
  }

  /** The records this window may see: the user's invokers' and this workspace's. */
  async load(visible: (ref: InvokerRef) => boolean): Promise<MessageRecord[]> {
    const records: MessageRecord[] = [];
    for (const key of await this.storage.keys(RECORD_PREFIX)) {
      const record = parse(await this.storage.get(key));
      if (record !== undefined && visible(record.invoker) && this.keyOf(record.invoker) === key) {
        records.push(record);
      }
    }
    return records;
  }

  async read(key: string): Promise<MessageRecord | undefined> {
    return parse(await this.storage.get(key));
  }

  save(record: MessageRecord): Promise<void> {
    const stored: StoredRecord = {
      invoker: record.invoker,
      message: record.message.toJSON(),
      failure: record.failure,
      refreshToken: record.refreshToken,
      ...(record.revoked === true ? { revoked: true } : {}),
      ...(record.issuedTo !== undefined ? { issuedTo: record.issuedTo } : {}),
    };
    return this.storage.store(this.keyOf(record.invoker), JSON.stringify(stored));
  }

  delete(refs: readonly InvokerRef[]): Promise<void> {
    return this.storage.delete(refs.map((ref) => this.keyOf(ref)));
  }
}
