import * as vscode from 'vscode';
import type { DJMessage } from '../core/djMessage';
import type { InvokerErrorKind } from '../core/errors';
import { invokerKey, type InvokerRef } from './invokerStore';

/** What the tree shows of a failed Execute besides the server's answer: never a secret (the core redacts). */
export interface FailureSummary {
  readonly message: string;
  readonly kind: InvokerErrorKind;
  readonly status?: number;
  readonly error?: string;
  readonly errorDescription?: string;
}

/** The last message an invoker wrote: its target DJMessage, and why it failed when it did (error code 4). */
export interface MessageRecord {
  readonly invoker: InvokerRef;
  readonly message: DJMessage;
  readonly failure?: FailureSummary;
}

/** The DJMessages of this window, one per invoker (its latest), newest first. */
export class MessageStore implements vscode.Disposable {
  private readonly records = new Map<string, MessageRecord>();
  private readonly changed = new vscode.EventEmitter<MessageRecord | undefined>();
  /** Fires with the record that changed, or undefined when several did. */
  readonly onDidChange = this.changed.event;

  dispose(): void {
    this.changed.dispose();
  }

  list(): MessageRecord[] {
    return [...this.records.values()].sort((a, b) => b.message.metadata.receivedAt - a.message.metadata.receivedAt);
  }

  get(ref: InvokerRef): MessageRecord | undefined {
    return this.records.get(invokerKey(ref));
  }

  set(record: MessageRecord): void {
    this.records.set(invokerKey(record.invoker), record);
    this.changed.fire(record);
  }

  delete(ref: InvokerRef): void {
    if (this.records.delete(invokerKey(ref))) {
      this.changed.fire(undefined);
    }
  }

  clear(): void {
    this.records.clear();
    this.changed.fire(undefined);
  }
}
