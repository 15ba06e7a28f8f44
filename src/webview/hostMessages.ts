/** Messages from the extension: `init` fills the form, then issues, saves, results and focus requests update it. */
import { DEFAULT_INVOKER, type InvokerConfig } from '../shared/invoker';
import type { InitMessage, SavedMessage, ToWebview } from '../shared/protocol';
import { onDiscovered, setDiscovering } from './discovery';
import { byId, el } from './dom';
import { LABELS, SECTIONS, type FieldKey } from './fields';
import { currentState, keepState, setValue } from './host';
import { sectionHoldsSettings } from './layout';
import { setBusy, setHeading, showHelp, showResult } from './page';
import { resetSecrets, updateStoredSecrets } from './secrets';
import { control, state } from './state';
import { onIssues, reveal, validate } from './validation';
import { fill } from './values';

/** Edit Invoker after a failure: the field that fixes it, with the failure beside it until the field is changed. */
function onFocus(key: string, reason?: string): void {
  if (reason !== undefined) {
    state.serverIssues = [...state.serverIssues.filter((i) => i.field !== key), { field: key, message: reason }];
    validate();
  }
  if (!reveal(key)) {
    // A field the settings hide (a passphrase without a key file): the failure itself says what to set.
    const label = LABELS[key as FieldKey] ?? key;
    showResult(false, reason ?? `"${label}" is not shown with the current settings.`);
  }
}

/** The choices of "Subject Token From Invoker": none, the other invokers, and the saved one even if it is gone (so it is kept). */
function fillSubjectInvokers(choices: InitMessage['subjectInvokers'], current: string): void {
  const select = control('subjectTokenInvoker') as HTMLSelectElement;
  const none = select.options[0];
  const known = choices.some((choice) => choice.value === current);
  const missing = current !== '' && !known ? [el('option', { value: current }, `${current} (not found)`)] : [];
  select.replaceChildren(none, ...choices.map((choice) => el('option', { value: choice.value }, choice.label)), ...missing);
  select.value = current;
}

function onInit(message: InitMessage): void {
  const root = byId('app');
  root.inert = false;
  root.removeAttribute('aria-busy');
  state.takenNames = message.takenNames;
  const config: InvokerConfig = { ...DEFAULT_INVOKER, ...message.config };
  fillSubjectInvokers(message.subjectInvokers, config.subjectTokenInvoker);
  fill(config, message.scope);
  state.discovered = undefined;
  if (state.discovering) {
    setDiscovering(false);
  }
  showHelp(message.help, message.savedName === undefined);
  for (const [section] of SECTIONS) {
    byId<HTMLDetailsElement>(`section-${section}`).open = sectionHoldsSettings(section, config, message.storedSecrets);
  }
  const workspace = control('storage').querySelector<HTMLOptionElement>('option[value="workspace"]');
  if (workspace) {
    workspace.disabled = !message.workspaceAvailable;
  }
  resetSecrets(message.storedSecrets);
  state.touched.clear();
  state.serverIssues = [];
  state.showAll = message.savedName !== undefined || message.dirty;
  byId('banner').hidden = !message.dirty;
  setHeading(message.savedName);
  state.savedRef =
    message.savedName !== undefined && message.savedScope !== undefined ? { savedName: message.savedName, savedScope: message.savedScope } : undefined;
  state.lastDraft = JSON.stringify(currentState());
  keepState();
  validate();
  if (message.focusField !== undefined) {
    onFocus(message.focusField, message.focusReason);
  } else if (!root.contains(document.activeElement)) {
    // The form opens on its first field, not on the page (a reload keeps whatever had the focus).
    control('name').focus();
  }
}

function onSaved(message: SavedMessage): void {
  state.takenNames = message.takenNames;
  control('storage').value = message.scope;
  resetSecrets(message.storedSecrets);
  state.serverIssues = [];
  byId('banner').hidden = true;
  setHeading(message.savedName);
  state.savedRef = { savedName: message.savedName, savedScope: message.scope };
  state.lastDraft = JSON.stringify(currentState());
  keepState();
  validate();
  showResult(true, `Saved to ${message.scope === 'workspace' ? 'Workspace' : 'User'} settings.`);
}

/** Every message the extension sends, to its handler. */
export function onMessage(message: ToWebview): void {
  switch (message.type) {
    case 'init':
      onInit(message);
      break;
    case 'issues':
      onIssues(message.issues);
      break;
    case 'saved':
      onSaved(message);
      break;
    case 'busy':
      setBusy(message.busy);
      break;
    case 'result':
      showResult(message.ok, message.text);
      break;
    case 'storedSecrets':
      updateStoredSecrets(message.storedSecrets);
      validate();
      break;
    case 'subjectInvokers':
      // The choice made stays, even one just deleted (shown as not found, so the form says what to fix).
      fillSubjectInvokers(message.subjectInvokers, control('subjectTokenInvoker').value);
      break;
    case 'focus':
      onFocus(message.field, message.reason);
      break;
    case 'browsed':
      setValue(message.field, message.path);
      control(message.field).focus();
      break;
    case 'discovered':
      onDiscovered(message);
      break;
  }
}
