import * as vscode from 'vscode';
import { plainText } from '../shared/plainText';
import { showWarning } from './notifications';

/** A question to the person in a modal dialog: what happens, why it matters, and the one button that goes ahead. */
export interface Confirmation {
  readonly text: string;
  readonly detail: string;
  readonly button: string;
}

/** A secret the person is asked for (a password input box): what for, and which field. */
export interface SecretQuestion {
  readonly title: string;
  readonly prompt: string;
}

/** What the in-host tests get (only in a test run): VS Code shows no dialog there, so a test answers instead. */
export interface ConfirmationsTestHooks {
  confirmationsForTests: Confirmations;
}

/**
 * The questions to the person: a missing secret asked for, and the modal confirmations that let a secret or a token go
 * somewhere new (a changed route, another invoker's token). One place asks them, so each is a real dialog for a person
 * and, in the extension's own tests, a question a test answers and can read back.
 */
export class Confirmations {
  private answer: ((question: Confirmation) => boolean) | undefined;
  private secretAnswer: ((question: SecretQuestion) => string | undefined) | undefined;
  /** Every secret asked for while a test answers them, oldest first. */
  readonly secretsAsked: SecretQuestion[] = [];
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

  /** The secret the person typed in a password input box; undefined when they cancelled it. */
  async askSecret(question: SecretQuestion): Promise<string | undefined> {
    if (this.secretAnswer !== undefined) {
      this.secretsAsked.push(question);
      return this.secretAnswer(question);
    }
    return vscode.window.showInputBox({ title: plainText(question.title), prompt: plainText(question.prompt), password: true, ignoreFocusOut: true });
  }

  /** Tests only: answers every secret question with `answer` (undefined: input boxes again), and forgets what was asked. */
  answerSecretsForTests(answer: ((question: SecretQuestion) => string | undefined) | undefined): void {
    this.secretAnswer = answer;
    this.secretsAsked.length = 0;
  }

  /** Tests only: answers every question with `answer` (undefined: dialogs again), and forgets what was asked. */
  answerForTests(answer: ((question: Confirmation) => boolean) | undefined): void {
    this.answer = answer;
    this.asked.length = 0;
  }
}
