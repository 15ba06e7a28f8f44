import type * as vscode from 'vscode';

const INDEX_KEY = 'oauth2Invoker.keys';
/** The index the message vault kept before this one covered every key. */
const LEGACY_MESSAGE_INDEX = 'oauth2Invoker.messageIndex';

function parseIndex(text: string | undefined): string[] {
  try {
    const parsed: unknown = JSON.parse(text ?? '[]');
    return Array.isArray(parsed) ? parsed.filter((key): key is string => typeof key === 'string') : [];
  } catch {
    return [];
  }
}

/** Runs a task exclusively across the windows that share the SecretStorage (a lock every window honours). */
export type Exclusive = <T>(task: () => Promise<T>) => Promise<T>;

/**
 * The extension's SecretStorage with an index of every key it writes, since SecretStorage cannot list its keys:
 * what the extension stores can be found again (restored messages) and shown to be gone (a deleted invoker).
 * Index updates run one after another, in this window and, with `exclusive`, across the windows that share the
 * storage: each reads the index, changes it and writes it under the lock, so no window's key is lost to another's write.
 */
export class OwnedSecrets {
  private writes: Promise<unknown> = Promise.resolve();

  constructor(
    private readonly storage: vscode.SecretStorage,
    private readonly exclusive: Exclusive = (task) => task(),
  ) {}

  get onDidChange(): vscode.Event<vscode.SecretStorageChangeEvent> {
    return this.storage.onDidChange;
  }

  get(key: string): Thenable<string | undefined> {
    return this.storage.get(key);
  }

  private queue(task: () => Promise<void>): Promise<void> {
    const locked = (): Promise<void> => this.exclusive(task);
    const next = this.writes.then(locked, locked);
    this.writes = next.catch(() => undefined);
    return next;
  }

  private async index(): Promise<string[]> {
    const [current, legacy] = await Promise.all([this.storage.get(INDEX_KEY), this.storage.get(LEGACY_MESSAGE_INDEX)]);
    return [...new Set([...parseIndex(current), ...parseIndex(legacy)])];
  }

  private async writeIndex(keys: readonly string[]): Promise<void> {
    await this.storage.store(INDEX_KEY, JSON.stringify(keys));
    if ((await this.storage.get(LEGACY_MESSAGE_INDEX)) !== undefined) {
      await this.storage.delete(LEGACY_MESSAGE_INDEX);
    }
  }

  store(key: string, value: string): Promise<void> {
    return this.queue(async () => {
      await this.storage.store(key, value);
      const index = await this.index();
      if (!index.includes(key)) {
        await this.writeIndex([...index, key]);
      }
    });
  }

  delete(keys: readonly string[]): Promise<void> {
    return this.queue(async () => {
      for (const key of keys) {
        await this.storage.delete(key);
      }
      const index = await this.index();
      if (keys.some((key) => index.includes(key))) {
        await this.writeIndex(index.filter((key) => !keys.includes(key)));
      }
    });
  }

  /** The keys this extension has written and not deleted, those starting with `prefix` when given. */
  async keys(prefix = ''): Promise<string[]> {
    return (await this.index()).filter((key) => key.startsWith(prefix));
  }
}
