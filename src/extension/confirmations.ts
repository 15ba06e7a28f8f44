import { showWarning } from './notifications';

/** A question to the person in a modal dialog: what happens, why it matters, and the one button that goes ahead. */
export interface Confirmation {
  readonly text: string;
  readonly detail: string;
  readonly button: string;
}

/** What the in-host tests get (only in a test run): VS Code shows no dialog there, so a test answers instead. */
export interface ConfirmationsTestHooks {
  confirmationsForTests: Confirmations;
}

/**
 * The modal confirmations that let a secret or a token go somewhere new (a changed route, another invoker's token):
 * one place asks them, so each is a real dialog for a person and, in the extension's own tests, a question a test
 * answers and can read back.
 */
export class Confirmations {
  private answer: ((question: Confirmation) => boolean) | undefined;
  /** Every question asked while a test answers them, oldest first. */
  readonly asked: Confirmation[] = [];

  /** True when the person pressed the button; false when they closed the dialog. */
  async confirm(question: Confirmation): Promise<boolean> {
    if (this.answer !== undefined) {
      this.asked.push(question);
      return this.answer(question);
    }
    const choice = await showWarning(question.text, { modal: true, detail: question.detail }, question.button);
    return choice === question.button;
  }

  /** Tests only: answers every question with `answer` (undefined: dialogs again), and forgets what was asked. */
  answerForTests(answer: ((question: Confirmation) => boolean) | undefined): void {
    this.answer = answer;
    this.asked.length = 0;
  }
}
