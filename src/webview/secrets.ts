/**
 * The secret fields: a stored secret shows "Stored ✓" with Replace and Clear, never its value; what is typed or
 * cleared here goes to the extension on Save only (`secretEdits`), and never into the webview's state.
 */
import { SECRET_FIELDS, type SecretField, type StoredSecrets } from '../shared/invoker';
import type { SecretEdits } from '../shared/protocol';
import { button, el } from './dom';
import { LABELS } from './fields';
import { control, secret, state, type Control, type SecretUi } from './state';

export function buildSecret(key: SecretField, input: Control): HTMLElement {
  const label = LABELS[key];
  const ui: SecretUi = {
    stored: false,
    mode: 'idle',
    status: el('span', { class: 'secret-status', id: `f-${key}-status` }),
    replace: button('Replace', 'secret-replace', { 'data-field': key, 'aria-label': `Replace ${label}` }),
    clear: button('Clear', 'secret-clear', { 'data-field': key, 'aria-label': `Clear ${label}` }),
    undo: button('Cancel', 'secret-undo', { 'data-field': key }),
  };
  state.secrets.set(key, ui);
  return el('div', { class: 'secret' }, input, ui.status, ui.replace, ui.clear, ui.undo);
}

function renderSecret(key: SecretField): void {
  const s = secret(key);
  const input = control(key) as HTMLInputElement;
  const clearing = s.stored && s.mode === 'clearing';
  input.hidden = s.stored && s.mode !== 'replacing';
  input.placeholder = s.stored ? 'New value (empty keeps the stored one)' : '';
  s.status.hidden = !s.stored || s.mode === 'replacing';
  s.status.textContent = clearing ? 'Will be cleared on save' : 'Stored \u2713';
  s.status.classList.toggle('clearing', clearing);
  s.replace.hidden = s.clear.hidden = !s.stored || s.mode !== 'idle';
  s.undo.hidden = !s.stored || s.mode === 'idle';
  s.undo.textContent = clearing ? 'Undo' : 'Cancel';
  s.undo.setAttribute('aria-label', `${clearing ? 'Undo clearing' : 'Keep stored'} ${LABELS[key]}`);
}

/** Forgets every typed or cleared secret and shows what is stored. */
export function resetSecrets(stored: StoredSecrets): void {
  for (const key of SECRET_FIELDS) {
    Object.assign(secret(key), { stored: stored[key], mode: 'idle' });
    control(key).value = '';
    renderSecret(key);
  }
}

/** Secrets changed elsewhere: keep what the user typed here, drop a Clear that has nothing left to clear (then validate). */
export function updateStoredSecrets(stored: StoredSecrets): void {
  for (const key of SECRET_FIELDS) {
    const s = secret(key);
    s.stored = stored[key];
    s.mode = !s.stored ? 'idle' : control(key).value !== '' ? 'replacing' : s.mode;
    renderSecret(key);
  }
}

/** Replace, Clear or Cancel/Undo beside a stored secret; returns the element that takes the focus once validated. */
export function secretAction(action: string, key: SecretField): HTMLElement {
  const s = secret(key);
  const input = control(key);
  if (action === 'secret-replace') {
    s.mode = 'replacing';
  } else if (action === 'secret-clear') {
    s.mode = 'clearing';
    input.value = '';
  } else {
    s.mode = 'idle';
    input.value = '';
  }
  renderSecret(key);
  state.touched.add(key);
  return s.mode === 'replacing' ? input : s.mode === 'clearing' ? s.undo : s.replace;
}

/** Only what was typed or cleared since the last save; a field left out stays as stored. */
export function secretEdits(): SecretEdits {
  const edits: SecretEdits = {};
  for (const key of SECRET_FIELDS) {
    const value = control(key).value;
    if (secret(key).mode === 'clearing') {
      edits[key] = { action: 'clear' };
    } else if (value !== '') {
      edits[key] = { action: 'replace', value };
    }
  }
  return edits;
}

/** Which secrets are stored, as the form was last told. */
export function storedSecrets(): StoredSecrets {
  return Object.fromEntries(SECRET_FIELDS.map((key) => [key, secret(key).stored])) as Record<SecretField, boolean>;
}
