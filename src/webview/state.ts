/**
 * What the form remembers between events, in one object: the elements built for each field, and what the extension
 * and the user said so far. Never a secret: a typed secret stays in its input until Save sends it.
 */
import type { InvokerScope, SecretField } from '../shared/invoker';
import type { DiscoverySummary, FormIssue } from '../shared/protocol';
import type { FieldKey, FieldSpec } from './fields';

export type Control = HTMLInputElement | HTMLSelectElement;

export interface FieldUi {
  readonly spec: FieldSpec;
  readonly row: HTMLElement;
  readonly help: HTMLElement;
  /** Shown under the control when there is something to say: a warning, or what Discover found. */
  readonly note: HTMLElement;
  readonly error: HTMLElement;
  readonly control?: Control;
  /** The proxy's URL input, beside its select. */
  readonly extra?: HTMLInputElement;
}

export interface SecretUi {
  stored: boolean;
  mode: 'idle' | 'replacing' | 'clearing';
  readonly status: HTMLElement;
  readonly replace: HTMLButtonElement;
  readonly clear: HTMLButtonElement;
  readonly undo: HTMLButtonElement;
}

export interface FormState {
  /** Each field's elements, as built from the field table. */
  readonly fields: Map<FieldKey, FieldUi>;
  /** Each secret's buttons and what is stored, as built. */
  readonly secrets: Map<SecretField, SecretUi>;
  /** Fields typed in or left: their problems are shown (all are once `showAll`). */
  readonly touched: Set<string>;
  /** Problems the extension reported (Save, Discover, a failed Execute), each shown until its field changes. */
  serverIssues: readonly FormIssue[];
  /** The names of the other invokers of the scope: a name taken is said at once. */
  takenNames: readonly string[];
  /** Show every problem, touched or not: after Save, and for a saved invoker or a restored draft. */
  showAll: boolean;
  /** The last draft posted, as JSON: an unchanged form posts none. */
  lastDraft: string;
  /** What the last Discover found, for the notes under Issuer URL and Grant Type. */
  discovered: DiscoverySummary | undefined;
  /** A Discover is under way: its button is disabled. */
  discovering: boolean;
  /** The saved invoker this form edits, kept in the webview state so a reloaded window reopens the same one. */
  savedRef: { readonly savedName: string; readonly savedScope: InvokerScope } | undefined;
}

export const state: FormState = {
  fields: new Map(),
  secrets: new Map(),
  touched: new Set(),
  serverIssues: [],
  takenNames: [],
  showAll: false,
  lastDraft: '',
  discovered: undefined,
  discovering: false,
  savedRef: undefined,
};

/** A field's elements (every key of the field table has them once the page is built). */
export function field(key: FieldKey): FieldUi {
  return state.fields.get(key) as FieldUi;
}

export function control(key: FieldKey): Control {
  return field(key).control as Control;
}

/** A secret's buttons and stored flag. */
export function secret(key: SecretField): SecretUi {
  return state.secrets.get(key) as SecretUi;
}

export function isCheckbox(c: Control): c is HTMLInputElement {
  return c instanceof HTMLInputElement && c.type === 'checkbox';
}
