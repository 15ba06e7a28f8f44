import * as vscode from 'vscode';
import { DJMessage, type DJMessageData } from '../core/djMessage';
import type { InvokerRef } from './invokerStore';
import type { FailureSummary, MessageRecord } from './messageStore';

const RECORD_PREFIX = 'oauth2Invoker.message/';
const INDEX_KEY = 'oauth2Invoker.messageIndex';

/** A record as stored: plain data, tokens included, which is why it lives in SecretStorage. */
interface StoredRecord {
  readonly invoker: InvokerRef;
  readonly message: DJMessageData;
  readonly failure?: FailureSummary;
  readonly refreshToken?: string;
}

function parse(text: string | undefined): MessageRecord | undefined {
  if (text === undefined) {
    return undefined;
  }
  try {
    const stored = JSON.parse(text) as StoredRecord;
    return { invoker: stored.invoker, message: DJMessage.fromJSON(stored.message), failure: stored.failure, refreshToken: stored.refreshToken };
  } catch {
    return undefined;
  }
}

/**
 * Each invoker's last message, kept in SecretStorage (it holds tokens) so that a reload or a restart finds them
 * again. Keys carry the secret store's scope key, so a workspace's invokers stay with that workspace.
 */
export class MessageVault implements vscode.Disposable {
  private writes: Promise<unknown> = Promise.resolve();
  private readonly changed = new vscode.EventEmitter<string>();
  /** Fires with the storage key of a record that changed: by this window or another (windows share SecretStorage). */
  readonly onDidChange = this.changed.event;
  private readonly listener: vscode.Disposable;

  constructor(
    private readonly storage: vscode.SecretStorage,
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

  private async index(): Promise<string[]> {
    try {
      const parsed: unknown = JSON.parse((await this.storage.get(INDEX_KEY)) ?? '[]');
      return Array.isArray(parsed) ? parsed.filter((key): key is string => typeof key === 'string') : [];
    } catch {
      return [];
    }
  }

  /** Runs storage writes one after another, so the index never loses a concurrent update of this window. */
  private queue(task: () => Promise<void>): Promise<void> {
    const next = this.writes.then(task, task);
    this.writes = next.catch(() => undefined);
    return next;
  }

  private async write(key: string, value: string | undefined): Promise<void> {
    if (value === undefined) {
      await this.storage.delete(key);
    } else {
      await this.storage.store(key, value);
    }
  }

  /** The records this window may see: the user's invokers' and this workspace's. */
  async load(visible: (ref: InvokerRef) => boolean): Promise<MessageRecord[]> {
    const records: MessageRecord[] = [];
    for (const key of await this.index()) {
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
    const key = this.keyOf(record.invoker);
    const stored: StoredRecord = { invoker: record.invoker, message: record.message.toJSON(), failure: record.failure, refreshToken: record.refreshToken };
    return this.queue(async () => {
      await this.write(key, JSON.stringify(stored));
      const index = await this.index();
      if (!index.includes(key)) {
        await this.storage.store(INDEX_KEY, JSON.stringify([...index, key]));
      }
    });
  }

  delete(refs: readonly InvokerRef[]): Promise<void> {
    const keys = refs.map((ref) => this.keyOf(ref));
    return this.queue(async () => {
      for (const key of keys) {
        await this.write(key, undefined);
      }
      const index = await this.index();
      await this.storage.store(INDEX_KEY, JSON.stringify(index.filter((key) => !keys.includes(key))));
    });
  }
}
