/**
 * The invoker form: a settings-style page built from one field table, plain DOM.
 * It posts `ready`, shows `init`, keeps drafts (never a secret) in setState and in `draft` messages, and sends
 * secrets only in `save`, only those typed or cleared since the last save.
 */
import type { GrantType } from '../core/properties';
import { PROPERTY_LABELS, validateProperties } from '../core/properties';
import type { InvokerConfig, InvokerScope, SecretField, StoredSecrets } from '../shared/invoker';
import { DEFAULT_INVOKER, SECRET_FIELDS, invokerNameIssue, secretsUsedBy, toProperties } from '../shared/invoker';
import type { FormIssue, FromWebview, InitMessage, SavedMessage, SecretEdits, ToWebview, WebviewState } from '../shared/protocol';

interface VsCodeApi {
  postMessage(message: FromWebview): void;
  getState(): unknown;
  setState(state: WebviewState): void;
}
declare function acquireVsCodeApi(): VsCodeApi;

type ConfigField = Exclude<keyof InvokerConfig, 'extraParameters'>;
type FieldKey = ConfigField | SecretField | 'extraParameters' | 'storage';
type Kind = 'text' | 'url' | 'select' | 'checkbox' | 'secret' | 'rows';
type Control = HTMLInputElement | HTMLSelectElement;

interface FieldSpec {
  readonly key: FieldKey;
  readonly kind: Kind;
  readonly help: string | ((config: InvokerConfig) => string);
  readonly options?: readonly (readonly [value: string, label: string])[];
  /** Grants that show the field (every grant when absent); secrets follow `secretsUsedBy`. */
  readonly shownFor?: readonly GrantType[];
  /** Grants that require the field. */
  readonly requiredFor?: readonly GrantType[];
  readonly advanced?: boolean;
  readonly warning?: boolean;
}

const ALL_GRANTS: readonly GrantType[] = ['client_credentials', 'password', 'refresh_token'];
const unlessClientCredentials = (c: InvokerConfig, note: string): string => (c.grantType === 'client_credentials' ? '' : ` ${note}`);

/** The form, top to bottom: the component's properties in its own order, then this extension's additions. */
const FIELDS: readonly FieldSpec[] = [
  { key: 'name', kind: 'text', requiredFor: ALL_GRANTS, help: 'Names this invoker in the Messages view and in commands: at most 64 characters, without / or \\.' },
  { key: 'authorizationServerUrl', kind: 'url', requiredFor: ALL_GRANTS, help: 'The host URL for requesting OAuth Authorization: the token endpoint, e.g. https://login.example.com/oauth2/token.' },
  {
    key: 'grantType', kind: 'select', help: 'The Grant Type to use for OAuth Authorization.',
    options: [['client_credentials', 'Client Credentials Grant'], ['password', 'Password Credentials Grant'], ['refresh_token', 'Refresh Token']],
  },
  { key: 'credentialsInRequestBody', kind: 'checkbox', help: 'Send the client credentials in the request body. Off (default): Basic Auth header.' },
  {
    key: 'clientId', kind: 'text', requiredFor: ['client_credentials'],
    help: (c) => `The Client ID associated with the resource owner.${unlessClientCredentials(c, 'Optional for this grant.')}`,
  },
  {
    key: 'clientSecret', kind: 'secret', requiredFor: ['client_credentials'],
    help: (c) => `The Client Secret associated with the resource owner.${unlessClientCredentials(c, 'Optional: a public client when no secret.')}`,
  },
  { key: 'scope', kind: 'text', help: 'The scope to be set for OAuth Authorization; separate several with spaces.' },
  { key: 'username', kind: 'text', shownFor: ['password'], requiredFor: ['password'], help: 'User ID to access the resource.' },
  { key: 'password', kind: 'secret', requiredFor: ['password'], help: 'Password to access the resource.' },
  { key: 'refreshToken', kind: 'secret', requiredFor: ['refresh_token'], help: 'ID which provides the user with a new access token when their current token expires.' },
  {
    key: 'targetMessage', kind: 'text',
    help: (c) => `The DJMessage the server response is written to. After a successful request the access token is ${c.targetMessage.trim() || 'DJMOUT'}.AccessToken.`,
  },
  { key: 'extraParameters', kind: 'rows', help: 'Name/value pairs added to the token request, e.g. audience or resource.' },
  {
    key: 'basicEncoding', kind: 'select', advanced: true,
    help: 'How Client ID and Client Secret are encoded in the Basic Auth header. Auto form-encodes them (RFC 6749 §2.3.1) and retries once as typed if the server rejects them.',
    options: [['auto', 'auto: RFC 6749, then raw once'], ['rfc6749', 'rfc6749: form-encoded (RFC 6749 §2.3.1)'], ['raw', 'raw: as typed']],
  },
  {
    key: 'allowInsecureHttp', kind: 'checkbox', advanced: true, warning: true,
    help: 'Allow plain http:// to a host other than this machine. Secrets and the token then cross the network unencrypted.',
  },
  {
    key: 'storage', kind: 'select', options: [['user', 'User settings'], ['workspace', 'Workspace settings']],
    help: 'Where the invoker is kept. Secrets always go to VS Code\'s secret storage, never to settings.',
  },
];

const LABELS: Readonly<Record<FieldKey, string>> = { ...PROPERTY_LABELS, name: 'Name', storage: 'Stored in' };
/** Stands in for a stored secret during validation: the form never knows the value. */
const STORED = '\u2022';

interface FieldUi {
  readonly spec: FieldSpec;
  readonly row: HTMLElement;
  readonly help: HTMLElement;
  readonly error: HTMLElement;
  readonly control?: Control;
}

interface SecretUi {
  stored: boolean;
  mode: 'idle' | 'replacing' | 'clearing';
  readonly status: HTMLElement;
  readonly replace: HTMLButtonElement;
  readonly clear: HTMLButtonElement;
  readonly undo: HTMLButtonElement;
}

const vscode = acquireVsCodeApi();
const fields = new Map<FieldKey, FieldUi>();
const secrets = new Map<SecretField, SecretUi>();
const touched = new Set<string>();
let serverIssues: readonly FormIssue[] = [];
let takenNames: readonly string[] = [];
let showAll = false;
let lastDraft = '';

// ---- DOM helpers ----------------------------------------------------------------------------------------------

function el<K extends keyof HTMLElementTagNameMap>(tag: K, attrs: Record<string, string> = {}, ...children: (Node | string)[]): HTMLElementTagNameMap[K] {
  const node = document.createElement(tag);
  for (const [name, value] of Object.entries(attrs)) {
    node.setAttribute(name, value);
  }
  node.append(...children);
  return node;
}

function button(text: string, action: string, attrs: Record<string, string> = {}): HTMLButtonElement {
  return el('button', { type: 'button', 'data-action': action, class: 'secondary', ...attrs }, text);
}

function byId<T extends HTMLElement>(id: string): T {
  return document.getElementById(id) as T;
}

function field(key: FieldKey): FieldUi {
  return fields.get(key) as FieldUi;
}

function control(key: FieldKey): Control {
  return field(key).control as Control;
}

function secret(key: SecretField): SecretUi {
  return secrets.get(key) as SecretUi;
}

function isCheckbox(c: Control): c is HTMLInputElement {
  return c instanceof HTMLInputElement && c.type === 'checkbox';
}

// ---- Building the form ----------------------------------------------------------------------------------------

function buildControl(spec: FieldSpec, id: string): Control {
  if (spec.kind === 'select') {
    const options = (spec.options ?? []).map(([value, label]) => el('option', { value }, label));
    return el('select', { id, 'data-field': spec.key }, ...options);
  }
  const type = spec.kind === 'secret' ? 'password' : spec.kind;
  const input = el('input', { id, type, 'data-field': spec.key, spellcheck: 'false' });
  if (type !== 'checkbox') {
    input.autocomplete = spec.kind === 'secret' ? 'new-password' : 'off';
  }
  return input;
}

function buildField(spec: FieldSpec): FieldUi {
  const id = `f-${spec.key}`;
  const help = el('div', { id: `${id}-help`, class: spec.warning ? 'help warning' : 'help' });
  const error = el('div', { id: `${id}-error`, class: 'error' });
  if (spec.kind === 'rows') {
    return { spec, help, error, row: buildRows(spec, help, error) };
  }
  const input = buildControl(spec, id);
  input.setAttribute('aria-describedby', `${help.id} ${error.id}`);
  const label = el('label', { for: id, class: 'title' }, LABELS[spec.key]);
  const row = el('div', { class: `field field-${spec.kind}`, id: `row-${spec.key}` });
  if (spec.kind === 'checkbox') {
    row.append(label, el('div', { class: 'check' }, input, help), error);
  } else if (spec.kind === 'secret') {
    row.append(label, help, buildSecret(spec.key as SecretField, input), error);
  } else {
    row.append(label, help, input, error);
  }
  return { spec, row, help, error, control: input };
}

function buildSecret(key: SecretField, input: Control): HTMLElement {
  const label = LABELS[key];
  const ui: SecretUi = {
    stored: false,
    mode: 'idle',
    status: el('span', { class: 'secret-status', id: `f-${key}-status` }),
    replace: button('Replace', 'secret-replace', { 'data-field': key, 'aria-label': `Replace ${label}` }),
    clear: button('Clear', 'secret-clear', { 'data-field': key, 'aria-label': `Clear ${label}` }),
    undo: button('Cancel', 'secret-undo', { 'data-field': key }),
  };
  secrets.set(key, ui);
  return el('div', { class: 'secret' }, input, ui.status, ui.replace, ui.clear, ui.undo);
}

function buildRows(spec: FieldSpec, help: HTMLElement, error: HTMLElement): HTMLElement {
  const legend = el('legend', { class: 'title' }, LABELS[spec.key]);
  const list = el('div', { id: 'param-rows', class: 'param-rows' });
  const add = button('Add Parameter', 'param-add', { id: 'param-add' });
  const row = el('fieldset', { class: 'field field-rows', id: 'row-extraParameters', 'aria-describedby': `${help.id} ${error.id}` });
  row.append(legend, help, list, add, error);
  return row;
}

function buildParamRow(name: string, value: string, index: number): HTMLElement {
  const n = index + 1;
  const attrs = { type: 'text', 'data-field': 'extraParameters', spellcheck: 'false', autocomplete: 'off', 'aria-describedby': 'f-extraParameters-error' };
  const nameInput = el('input', { ...attrs, class: 'param-name', 'aria-label': `Parameter ${n} name`, placeholder: 'name, e.g. audience' });
  const valueInput = el('input', { ...attrs, class: 'param-value', 'aria-label': `Parameter ${n} value`, placeholder: 'value' });
  nameInput.value = name;
  valueInput.value = value;
  const remove = button('\u2715', 'param-remove', { class: 'icon', 'data-index': String(index), 'aria-label': `Remove parameter ${n}`, title: 'Remove' });
  return el('div', { class: 'param-row' }, nameInput, valueInput, remove);
}

function buildPage(root: HTMLElement): void {
  const banner = el('div', { id: 'banner', class: 'banner', role: 'status', hidden: '' },
    el('span', {}, 'Unsaved changes restored'), button('Discard', 'discard'));
  const header = el('header', {}, el('h1', { id: 'heading' }, 'New invoker'),
    el('p', { class: 'help' }, 'Requests an OAuth 2.0 access token and writes the server response to a DJMessage.'));
  const list = el('div', { class: 'fields' });
  const advanced = el('details', { id: 'advanced', class: 'advanced' }, el('summary', {}, 'Advanced'));
  for (const spec of FIELDS) {
    const ui = buildField(spec);
    fields.set(spec.key, ui);
    if (spec.advanced && !advanced.isConnected) {
      list.append(advanced);
    }
    (spec.advanced ? advanced : list).append(ui.row);
  }
  root.replaceChildren(header, banner, list, buildFooter());
  // Shown at once (a reloaded window shows its saved state), but inert until `init`: `init` replaces every value,
  // so anything typed before it would be silently wiped (seen when the extension host answers late).
  root.inert = true;
}

function buildFooter(): HTMLElement {
  const buttons = el('div', { class: 'buttons' },
    button('Execute', 'execute', { id: 'execute', class: 'primary', title: 'Save, then request an access token' }),
    button('Save', 'save', { id: 'save' }),
    button('Copy Access Token', 'copy'),
    button('Show Log', 'log'),
    el('span', { id: 'busy', class: 'busy', 'aria-live': 'polite' }));
  const status = el('div', { id: 'status', class: 'status', role: 'status' });
  return el('footer', {}, buttons, status);
}

// ---- Reading and writing values -------------------------------------------------------------------------------

function readRows(): { name: string; value: string }[] {
  return [...document.querySelectorAll<HTMLElement>('.param-row')].map((row) => ({
    name: (row.querySelector('.param-name') as HTMLInputElement).value,
    value: (row.querySelector('.param-value') as HTMLInputElement).value,
  }));
}

function renderRows(rows: readonly { name: string; value: string }[]): void {
  byId('param-rows').replaceChildren(...rows.map((p, i) => buildParamRow(p.name, p.value, i)));
}

/** The config as typed: every non-secret field, hidden ones included (they keep their values). */
function readConfig(): InvokerConfig {
  const config: Record<string, unknown> = { ...DEFAULT_INVOKER, extraParameters: readRows() };
  for (const key of Object.keys(DEFAULT_INVOKER)) {
    const c = fields.get(key as FieldKey)?.control;
    if (c) {
      config[key] = isCheckbox(c) ? c.checked : c.value;
    }
  }
  return config as unknown as InvokerConfig;
}

function readScope(): InvokerScope {
  return control('storage').value === 'workspace' ? 'workspace' : 'user';
}

function fill(config: InvokerConfig, scope: InvokerScope): void {
  const values = config as unknown as Record<string, unknown>;
  for (const key of Object.keys(DEFAULT_INVOKER)) {
    const c = fields.get(key as FieldKey)?.control;
    if (c && isCheckbox(c)) {
      c.checked = values[key] === true;
    } else if (c) {
      c.value = String(values[key] ?? '');
    }
  }
  control('storage').value = scope;
  renderRows(config.extraParameters);
}

// ---- Secrets --------------------------------------------------------------------------------------------------

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
function resetSecrets(stored: StoredSecrets): void {
  for (const key of SECRET_FIELDS) {
    Object.assign(secret(key), { stored: stored[key], mode: 'idle' });
    control(key).value = '';
    renderSecret(key);
  }
}

/** Secrets changed elsewhere: keep what the user typed here, drop a Clear that has nothing left to clear. */
function updateStoredSecrets(stored: StoredSecrets): void {
  for (const key of SECRET_FIELDS) {
    const s = secret(key);
    s.stored = stored[key];
    s.mode = !s.stored ? 'idle' : control(key).value !== '' ? 'replacing' : s.mode;
    renderSecret(key);
  }
  validate();
}

function secretAction(action: string, key: SecretField): void {
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
  touched.add(key);
  validate();
  (s.mode === 'replacing' ? input : s.mode === 'clearing' ? s.undo : s.replace).focus();
}

/** Only what was typed or cleared since the last save; a field left out stays as stored. */
function secretEdits(): SecretEdits {
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

function secretForValidation(key: SecretField): string | undefined {
  const value = control(key).value;
  if (value !== '') {
    return value;
  }
  const s = secret(key);
  return s.stored && s.mode !== 'clearing' ? STORED : undefined;
}

// ---- Visibility and validation --------------------------------------------------------------------------------

function isShown(spec: FieldSpec, grant: GrantType): boolean {
  if (spec.kind === 'secret') {
    return secretsUsedBy(grant).includes(spec.key as SecretField);
  }
  return spec.shownFor === undefined || spec.shownFor.includes(grant);
}

/** Shows the fields of the chosen grant; hidden fields keep their values. */
function updateLayout(config: InvokerConfig): void {
  const grant = config.grantType;
  for (const ui of fields.values()) {
    ui.row.hidden = !isShown(ui.spec, grant);
    ui.help.textContent = typeof ui.spec.help === 'string' ? ui.spec.help : ui.spec.help(config);
    if (ui.control && !isCheckbox(ui.control) && ui.spec.kind !== 'select') {
      ui.control.required = ui.spec.requiredFor?.includes(grant) ?? false;
    }
  }
}

function localIssues(config: InvokerConfig): FormIssue[] {
  const typed = Object.fromEntries(SECRET_FIELDS.map((key) => [key, secretForValidation(key)]));
  const issues: FormIssue[] = validateProperties(toProperties(config, typed), config.targetMessage);
  const nameIssue = invokerNameIssue(config.name, takenNames);
  return nameIssue === undefined ? issues : [{ field: 'name', message: nameIssue }, ...issues];
}

function setError(ui: FieldUi, messages: readonly string[]): void {
  ui.error.textContent = [...new Set(messages)].join(' ');
  ui.row.classList.toggle('invalid', messages.length > 0);
  const targets = ui.control ? [ui.control] : [...ui.row.querySelectorAll('input')];
  for (const target of targets) {
    target.setAttribute('aria-invalid', String(messages.length > 0));
  }
}

/** Validates what is typed and shows each issue beside its field (local ones once the field was touched). */
function validate(): void {
  const config = readConfig();
  updateLayout(config);
  const local = localIssues(config).filter((i) => showAll || touched.has(i.field));
  const all = [...serverIssues, ...local];
  for (const ui of fields.values()) {
    setError(ui, all.filter((i) => i.field === ui.spec.key).map((i) => i.message));
  }
}

function focusTarget(ui: FieldUi): HTMLElement {
  if (ui.spec.kind === 'rows') {
    return ui.row.querySelector('input') ?? byId('param-add');
  }
  if (ui.spec.kind === 'secret' && ui.control?.hidden) {
    const s = secret(ui.spec.key as SecretField);
    return s.replace.hidden ? s.undo : s.replace;
  }
  return ui.control as Control;
}

/** Issues from the extension: shown like local ones; the first bad field gets focus. */
function onIssues(issues: readonly FormIssue[]): void {
  serverIssues = issues;
  showAll = true;
  validate();
  const shown = FIELDS.map((spec) => field(spec.key)).filter((ui) => !ui.row.hidden);
  const misplaced = issues.filter((i) => !shown.some((ui) => ui.spec.key === i.field));
  if (issues.length > 0) {
    const count = issues.length === 1 ? '1 problem' : `${issues.length} problems`;
    showResult(false, misplaced.length > 0 ? misplaced.map((i) => i.message).join(' ') : `Not saved: ${count} to fix.`);
  }
  const first = shown.find((ui) => issues.some((i) => i.field === ui.spec.key));
  if (first?.spec.advanced) {
    byId<HTMLDetailsElement>('advanced').open = true;
  }
  if (first) {
    focusTarget(first).focus();
  }
}

// ---- Drafts ---------------------------------------------------------------------------------------------------

/** The saved invoker this form edits, kept in the state so a reloaded window reopens the same one. */
let savedRef: { readonly savedName: string; readonly savedScope: InvokerScope } | undefined;

function currentState(): WebviewState {
  return { config: readConfig(), scope: readScope(), ...savedRef };
}

function postDraft(): void {
  const state = currentState();
  const text = JSON.stringify(state);
  if (text !== lastDraft) {
    lastDraft = text;
    vscode.postMessage({ type: 'draft', config: state.config, scope: state.scope });
  }
}

/**
 * Keeps the state and tells the extension at once, on every change: a panel closed (Ctrl+W, the tab's close button)
 * or a window reloaded right after typing gets no later chance — nothing posted from `pagehide` reaches the
 * extension once the webview is being torn down, so a debounced draft lost the last field typed.
 */
function changed(key: string): void {
  touched.add(key);
  serverIssues = key === 'grantType' ? [] : serverIssues.filter((i) => i.field !== key);
  validate();
  vscode.setState(currentState());
  postDraft();
}

// ---- Actions --------------------------------------------------------------------------------------------------

function save(execute: boolean): void {
  const state = currentState();
  lastDraft = JSON.stringify(state);
  showAll = true;
  validate();
  vscode.postMessage({ type: 'save', ...state, secrets: secretEdits(), execute });
}

function editRows(edit: (rows: { name: string; value: string }[]) => void, focus: (list: HTMLElement) => HTMLElement | null): void {
  const rows = readRows();
  edit(rows);
  renderRows(rows);
  (focus(byId('param-rows')) ?? byId('param-add')).focus();
  changed('extraParameters');
}

function onClick(target: HTMLElement): void {
  const action = target.closest('button')?.dataset.action;
  const key = target.closest('button')?.dataset.field as SecretField | undefined;
  const index = Number(target.closest('button')?.dataset.index);
  switch (action) {
    case 'save':
    case 'execute':
      save(action === 'execute');
      break;
    case 'copy':
      vscode.postMessage({ type: 'copyAccessToken' });
      break;
    case 'log':
      vscode.postMessage({ type: 'showLog' });
      break;
    case 'discard':
      vscode.postMessage({ type: 'discardDraft' });
      break;
    case 'param-add':
      editRows((rows) => rows.push({ name: '', value: '' }), (list) => list.querySelector('.param-row:last-child .param-name'));
      break;
    case 'param-remove':
      editRows((rows) => rows.splice(index, 1), (list) => list.querySelectorAll<HTMLElement>('.param-row .icon')[index] ?? list.querySelector('.param-row:last-child .icon'));
      break;
    case 'secret-replace':
    case 'secret-clear':
    case 'secret-undo':
      secretAction(action, key as SecretField);
      break;
  }
}

// ---- Messages from the extension ------------------------------------------------------------------------------

function setHeading(savedName: string | undefined): void {
  byId('heading').textContent = savedName ?? 'New invoker';
}

function onInit(message: InitMessage): void {
  const root = byId('app');
  root.inert = false;
  root.removeAttribute('aria-busy');
  takenNames = message.takenNames;
  fill({ ...DEFAULT_INVOKER, ...message.config }, message.scope);
  const workspace = control('storage').querySelector<HTMLOptionElement>('option[value="workspace"]');
  if (workspace) {
    workspace.disabled = !message.workspaceAvailable;
  }
  resetSecrets(message.storedSecrets);
  touched.clear();
  serverIssues = [];
  showAll = message.savedName !== undefined || message.dirty;
  byId('banner').hidden = !message.dirty;
  setHeading(message.savedName);
  savedRef = message.savedName !== undefined && message.savedScope !== undefined ? { savedName: message.savedName, savedScope: message.savedScope } : undefined;
  lastDraft = JSON.stringify(currentState());
  vscode.setState(currentState());
  validate();
}

function onSaved(message: SavedMessage): void {
  takenNames = message.takenNames;
  control('storage').value = message.scope;
  resetSecrets(message.storedSecrets);
  serverIssues = [];
  byId('banner').hidden = true;
  setHeading(message.savedName);
  savedRef = { savedName: message.savedName, savedScope: message.scope };
  lastDraft = JSON.stringify(currentState());
  vscode.setState(currentState());
  validate();
  showResult(true, `Saved to ${message.scope === 'workspace' ? 'Workspace' : 'User'} settings.`);
}

function setBusy(busy: boolean): void {
  for (const id of ['save', 'execute']) {
    byId<HTMLButtonElement>(id).disabled = busy;
  }
  byId('busy').textContent = busy ? 'Executing\u2026' : '';
  if (busy) {
    showResult(undefined, '');
  }
}

function showResult(ok: boolean | undefined, text: string): void {
  const status = byId('status');
  status.textContent = text;
  status.classList.toggle('ok', ok === true);
  status.classList.toggle('failed', ok === false);
}

function onMessage(message: ToWebview): void {
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
      break;
  }
}

// ---- Start ----------------------------------------------------------------------------------------------------

function restoredState(): WebviewState | undefined {
  const state = vscode.getState() as Partial<WebviewState> | undefined;
  if (state === null || typeof state !== 'object' || typeof state.config !== 'object' || state.config === null) {
    return undefined;
  }
  return { config: { ...DEFAULT_INVOKER, ...state.config }, scope: state.scope === 'workspace' ? 'workspace' : 'user' };
}

function start(): void {
  const root = byId('app');
  buildPage(root);
  const state = restoredState() ?? { config: DEFAULT_INVOKER, scope: 'user' };
  fill(state.config, state.scope);
  resetSecrets({ clientSecret: false, password: false, refreshToken: false });
  validate();
  root.addEventListener('input', (e) => {
    const key = (e.target as HTMLElement).dataset.field;
    if (key !== undefined) {
      changed(key);
    }
  });
  root.addEventListener('focusout', (e) => {
    const key = (e.target as HTMLElement).dataset.field;
    if (key !== undefined && !touched.has(key)) {
      touched.add(key);
      validate();
    }
  });
  root.addEventListener('click', (e) => onClick(e.target as HTMLElement));
  window.addEventListener('message', (e: MessageEvent<ToWebview>) => onMessage(e.data));
  vscode.postMessage({ type: 'ready' });
}

start();
