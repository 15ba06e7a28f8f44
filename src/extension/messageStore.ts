import { createHash } from 'node:crypto';
import * as vscode from 'vscode';
import { invokerKey, type InvokerRef } from './invokerStore';
import type { MessageRecord } from './messageRecord';
import type { MessageVault } from './messageVault';

function sameRecord(a: MessageRecord | undefined, b: MessageRecord | undefined): boolean {
  return (
    JSON.stringify(a?.message) === JSON.stringify(b?.message) &&
    a?.refreshToken === b?.refreshToken &&
    JSON.stringify(a?.failure) === JSON.stringify(b?.failure) &&
    a?.revoked === b?.revoked &&
    JSON.stringify(a?.issuedTo) === JSON.stringify(b?.issuedTo)
  );
}

/** A token's fingerprint: what is kept of a revoked token (never the token itself). */
function fingerprint(token: string): string {
  return createHash('sha256').update(token, 'utf8').digest('base64url');
}

/**
 * The DJMessages of this window, one per invoker (its latest), newest first; kept in the vault so that they and
 * their tokens survive a reload, and kept in step with other windows that share the vault.
 */
export class MessageStore implements vscode.Disposable {
  private readonly records = new Map<string, MessageRecord>();
  private readonly changed = new vscode.EventEmitter<MessageRecord | undefined>();
  /** Fires with the record that changed, or undefined when several did. */
  readonly onDidChange = this.changed.event;
  private readonly listener: vscode.Disposable;
  private restoring: Promise<number> | undefined;
  /** Each invoker's latest introspection answer (`<target>_INTROSPECTION`): this window's only, not kept across reloads. */
  private readonly introspections = new Map<string, MessageRecord>();
  /** Fingerprints of the tokens revoked in this window, so a .http file that still holds one can say so. */
  private readonly revokedTokens = new Set<string>();
  /** Storage keys this window is writing: their change events are its own, not news. */
  private readonly writing = new Map<string, number>();

  constructor(
    private readonly vault: MessageVault,
    private readonly visible: (ref: InvokerRef) => boolean,
  ) {
    this.listener = vault.onDidChange((key) => void this.reload(key));
  }

  dispose(): void {
    this.listener.dispose();
    this.changed.dispose();
  }

  /** Loads the records kept by earlier sessions. */
  restore(): Promise<number> {
    this.restoring ??= this.vault.load(this.visible).then((restored) => {
      for (const record of restored) {
        // A record this window wrote meanwhile is newer than the stored one.
        if (!this.records.has(invokerKey(record.invoker))) {
          this.records.set(invokerKey(record.invoker), record);
        }
      }
      this.changed.fire(undefined);
      return restored.length;
    });
    return this.restoring;
  }

  /** Settles once the records of earlier sessions are in: token commands wait for it, so none acts on a half-loaded store. */
  async whenRestored(): Promise<void> {
    await this.restoring?.catch(() => undefined);
  }

  /**
   * Reads the invoker's stored record again and takes it when another window wrote a newer one: a renewal does this
   * under the cross-window lock before it spends a refresh token, which another window may have spent already.
   */
  /** The invoker's key in the shared storage: the same in every window that sees the invoker. */
  storageKey(ref: InvokerRef): string {
    return this.vault.keyOf(ref);
  }

  async reread(ref: InvokerRef): Promise<void> {
    await this.take(this.vault.keyOf(ref));
  }

  /** Another window (or this one) changed a stored record: take the stored version when it differs. */
  private async reload(storageKey: string): Promise<void> {
    if ((this.writing.get(storageKey) ?? 0) > 0) {
      return;
    }
    await this.take(storageKey);
  }

  private async take(storageKey: string): Promise<void> {
    const stored = await this.vault.read(storageKey);
    const local = [...this.records.values()].find((record) => this.vault.keyOf(record.invoker) === storageKey);
    if (stored === undefined) {
      if (local !== undefined) {
        this.records.delete(invokerKey(local.invoker));
        this.changed.fire(undefined);
      }
    } else if (
      this.visible(stored.invoker) &&
      !sameRecord(stored, local) &&
      // Only a newer exchange replaces what this window holds: a rotated refresh token never goes back.
      stored.message.metadata.receivedAt >= (local?.message.metadata.receivedAt ?? 0)
    ) {
      this.records.set(invokerKey(stored.invoker), stored);
      this.changed.fire(stored);
    }
  }

  list(): MessageRecord[] {
    return [...this.records.values()].sort((a, b) => b.message.metadata.receivedAt - a.message.metadata.receivedAt);
  }

  get(ref: InvokerRef): MessageRecord | undefined {
    return this.records.get(invokerKey(ref));
  }

  /** The introspection answers, newest first. */
  listIntrospections(): MessageRecord[] {
    return [...this.introspections.values()].sort((a, b) => b.message.metadata.receivedAt - a.message.metadata.receivedAt);
  }

  getIntrospection(ref: InvokerRef): MessageRecord | undefined {
    return this.introspections.get(invokerKey(ref));
  }

  /** Shows an introspection answer beside the invoker's message (replacing its previous one). */
  setIntrospection(record: MessageRecord): void {
    this.introspections.set(invokerKey(record.invoker), record);
    this.changed.fire(record);
  }

  /** Remembers (by fingerprint) that a token was revoked. */
  markRevoked(token: string): void {
    this.revokedTokens.add(fingerprint(token));
    this.changed.fire(undefined);
  }

  /** True when the token was revoked in this window. */
  isRevoked(token: string): boolean {
    return this.revokedTokens.size > 0 && this.revokedTokens.has(fingerprint(token));
  }

  /** Replaces the invoker's record, in memory at once and in the vault before the promise resolves. */
  async set(record: MessageRecord): Promise<void> {
    this.records.set(invokerKey(record.invoker), record);
    this.changed.fire(record);
    await this.writingTo([record.invoker], () => this.vault.save(record));
  }

  async delete(refs: readonly InvokerRef[]): Promise<void> {
    const introspected = refs.filter((ref) => this.introspections.delete(invokerKey(ref)));
    const present = [...refs.filter((ref) => this.records.delete(invokerKey(ref))), ...introspected];
    if (present.length > 0) {
      this.changed.fire(undefined);
    }
    await this.writingTo(refs, () => this.vault.delete(refs));
  }

  /** Moves the invoker's record to its new name or scope (a rename): its tokens stay with it. */
  async move(from: InvokerRef, to: InvokerRef): Promise<void> {
    const record = this.get(from);
    if (record === undefined || invokerKey(from) === invokerKey(to)) {
      return;
    }
    await this.set({ ...record, invoker: to });
    await this.delete([from]);
  }

  async clear(): Promise<void> {
    await this.delete([...this.records.values(), ...this.introspections.values()].map((record) => record.invoker));
  }

  private async writingTo(refs: readonly InvokerRef[], write: () => Promise<void>): Promise<void> {
    const keys = refs.map((ref) => this.vault.keyOf(ref));
    keys.forEach((key) => this.writing.set(key, (this.writing.get(key) ?? 0) + 1));
    try {
      await write();
    } finally {
      keys.forEach((key) => this.writing.set(key, (this.writing.get(key) ?? 1) - 1));
    }
  }
}
