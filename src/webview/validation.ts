/** The problems beside each field: the form's own (shared with the extension) and those the extension reported. */
import { notSavedAnnouncement } from '../shared/formAnnouncement';
import { formIssues } from '../shared/formValidation';
import type { InvokerConfig, SecretField } from '../shared/invoker';
import type { FormIssue } from '../shared/protocol';
import { byId } from './dom';
import { FIELDS, LABELS, type FieldKey } from './fields';
import { openSectionOf, updateLayout } from './layout';
import { showResult } from './page';
import { secretEdits, storedSecrets } from './secrets';
import { field, secret, state, type Control, type FieldUi } from './state';
import { readConfig } from './values';

function localIssues(config: InvokerConfig): FormIssue[] {
  return formIssues(config, secretEdits(), storedSecrets(), state.takenNames);
}

function setError(ui: FieldUi, messages: readonly string[]): void {
  ui.error.textContent = [...new Set(messages)].join(' ');
  ui.row.classList.toggle('invalid', messages.length > 0);
  const targets = ui.control ? [ui.control, ...(ui.extra !== undefined ? [ui.extra] : [])] : [...ui.row.querySelectorAll('input')];
  for (const target of targets) {
    target.setAttribute('aria-invalid', String(messages.length > 0));
  }
}

/** Validates what is typed and shows each issue beside its field (local ones once the field was touched). */
export function validate(): void {
  const config = readConfig();
  updateLayout(config);
  const local = localIssues(config).filter((i) => state.showAll || state.touched.has(i.field));
  const all = [...state.serverIssues, ...local];
  for (const ui of state.fields.values()) {
    setError(
      ui,
      all.filter((i) => i.field === ui.spec.key).map((i) => i.message),
    );
  }
}

function focusTarget(ui: FieldUi): HTMLElement {
  if (ui.spec.kind === 'rows') {
    return ui.row.querySelector('input') ?? byId(`add-${ui.spec.key}`);
  }
  if (ui.spec.kind === 'secret' && ui.control?.hidden) {
    const s = secret(ui.spec.key as SecretField);
    return s.replace.hidden ? s.undo : s.replace;
  }
  if (ui.spec.kind === 'proxy' && ui.extra !== undefined && !ui.extra.hidden) {
    return ui.extra;
  }
  return ui.control as Control;
}

/**
 * Brings a field into view and focus, its section opened: for issues and for Edit Invoker after a failure that named
 * the field. A field the current settings hide (a passphrase without a key) is not focused; the caller says so.
 */
export function reveal(key: string): boolean {
  const ui = state.fields.get(key as FieldKey);
  if (ui === undefined || ui.row.hidden) {
    return false;
  }
  openSectionOf(ui);
  ui.row.scrollIntoView({ block: 'center' });
  focusTarget(ui).focus();
  ui.row.classList.remove('flash');
  void ui.row.offsetWidth; // restart the highlight's animation
  ui.row.classList.add('flash');
  return true;
}

/** Issues from the extension: shown like local ones; the first bad field gets focus. */
export function onIssues(issues: readonly FormIssue[]): void {
  state.serverIssues = issues;
  state.showAll = true;
  validate();
  const shown = FIELDS.map((spec) => field(spec.key)).filter((ui) => !ui.row.hidden);
  const misplaced = issues.filter((i) => !shown.some((ui) => ui.spec.key === i.field));
  const bad = shown.filter((ui) => issues.some((i) => i.field === ui.spec.key));
  if (issues.length > 0) {
    // Read aloud by the status line (role="status"): which fields to fix, not only how many problems.
    const announcement = notSavedAnnouncement(
      issues.length,
      bad.map((ui) => LABELS[ui.spec.key]),
    );
    showResult(false, misplaced.length > 0 ? misplaced.map((i) => i.message).join(' ') : announcement);
  }
  bad.forEach(openSectionOf);
  if (bad.length > 0) {
    focusTarget(bad[0]).focus();
  }
}
