import * as vscode from 'vscode';
import { invokerLabel, type InvokerRef } from './invokerStore';
import { InvokerUnavailable } from './invokerUnavailable';
import { plainText } from '../shared/plainText';
import { showError } from './notifications';

/**
 * The text of anything thrown, for the log and the user. Core errors and InvokerUnavailable never carry a secret
 * (the core redacts), and nothing else thrown here holds one.
 */
export function errorText(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}

/** The invoker property that fixes a failure: the one the error names, else its hint's, else its first issue's. */
export function fieldToFix(error: unknown, hintField?: string): string | undefined {
  const e = error as { field?: unknown; issues?: ReadonlyArray<{ field?: unknown }> } | null;
  const field = e?.field ?? hintField ?? e?.issues?.[0]?.field;
  return typeof field === 'string' ? field : undefined;
}

/** Runs token work under a cancellable progress notification (its title made link-free: a notification too); Cancel aborts its signal. */
export function withTokenProgress<T>(title: string, work: (signal: AbortSignal) => Promise<T>): Promise<T> {
  return Promise.resolve(
    vscode.window.withProgress({ location: vscode.ProgressLocation.Notification, title: plainText(title), cancellable: true }, (_progress, cancellation) => {
      const controller = new AbortController();
      const listener = cancellation.onCancellationRequested(() => controller.abort());
      return work(controller.signal).finally(() => listener.dispose());
    }),
  );
}

/** How a failure is told: what goes before the error's text in the log, and what Edit Invoker opens. */
export interface FailureReport {
  readonly log: vscode.LogOutputChannel;
  /** The line the user reads (default: the error's text), e.g. with a hint appended. */
  readonly text?: string;
  /** Said in the log before the text: what was being done. */
  readonly doing?: string;
  /** Opens the invoker's form (at the field that fixes it, when known). */
  readonly edit: () => void;
}

/**
 * Tells a failed token operation of an invoker: a cancel only in the log; anything else in the log and in one line
 * to the user, with Edit Invoker (unless the form cannot fix it) and Show Log.
 */
export function reportTokenFailure(ref: InvokerRef, error: unknown, report: FailureReport): void {
  const text = report.text ?? errorText(error);
  const label = invokerLabel(ref);
  if ((error as { kind?: unknown } | null)?.kind === 'aborted') {
    report.log.info(`[${label}] cancelled`);
    return;
  }
  report.log.error(`[${label}] ${report.doing !== undefined ? `${report.doing}: ` : ''}${text}`);
  const canEdit = !(error instanceof InvokerUnavailable) || error.edit;
  const actions = canEdit ? ['Edit Invoker', 'Show Log'] : ['Show Log'];
  void showError(text, ...actions).then((choice) => {
    if (choice === 'Show Log') {
      report.log.show(true);
    } else if (choice === 'Edit Invoker') {
      report.edit();
    }
  });
}

/**
 * Registers a command behind the boundary every command has: whatever it throws goes to the log and to one line for
 * the user, never an unhandled rejection (a failed settings write, say).
 */
export function registerGuardedCommand(id: string, title: string, log: vscode.LogOutputChannel, run: (...args: never[]) => unknown): vscode.Disposable {
  return vscode.commands.registerCommand(id, async (...args: never[]) => {
    try {
      return await run(...args);
    } catch (error) {
      const text = errorText(error);
      log.error(`${title} failed: ${text}`);
      void showError(`${title} failed: ${text}`, 'Show Log').then((choice) => (choice !== undefined ? log.show(true) : undefined));
      return undefined;
    }
  });
}
