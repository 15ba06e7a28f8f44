/** One step of an operation on several stores: what it does, and how to put back whatever of it was done. */
export interface UndoableStep {
  /** Takes what `undo` needs (the state before) and returns the undo; runs before `run`, which may fail halfway. */
  prepare(): Promise<() => Promise<void>>;
  run(): Promise<void>;
}

/**
 * Runs the steps in order; when one fails, undoes it and every step before it, last first, and rethrows the failure.
 * A failing undo does not stop the others: it is reported to `onUndoError` and the original failure is rethrown.
 */
export async function allOrNothing(steps: readonly UndoableStep[], onUndoError: (error: unknown) => void): Promise<void> {
  const undo: Array<() => Promise<void>> = [];
  try {
    for (const step of steps) {
      undo.push(await step.prepare());
      await step.run();
    }
  } catch (error) {
    for (const back of undo.reverse()) {
      try {
        await back();
      } catch (undoError) {
        onUndoError(undoError);
      }
    }
    throw error;
  }
}
