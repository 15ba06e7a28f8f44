/**
 * The invoker form: a settings-style page built from one field table, plain DOM.
 * It posts `ready`, shows `init`, keeps drafts (never a secret) in setState and in `draft` messages, and sends
 * secrets only in `save`, only those typed or cleared since the last save.
 */
import { formIssues, formOnlyIssues } from '../shared/formValidation';
import type { InvokerConfig, InvokerScope, SecretField, StoredSecrets } from '../shared/invoker';
import { DEFAULT_INVOKER, ISSUER_LABEL, NETWORK_SECRETS, NO_STORED_SECRETS, SECRET_FIELDS, hasClientCertificate, proxyMode, secretsUsedBy } from '../shared/invoker';
import { GRANT_TYPE_LABELS, GRANT_TYPES, PROPERTY_LABELS, type GrantType, type TlsFileProperty } from '../shared/properties';
import type {
  DiscoveredMessage,
  DiscoverySummary,
  FormHelp,
  FormIssue,
  FromWebview,
  InitMessage,
  SavedMessage,
  SecretEdits,
  ToWebview,
  WebviewState,
} from '../shared/protocol';

interface VsCodeApi {
  postMessage(message: FromWebview): void;
  getState(): unknown;
  setState(state: WebviewState): void;
}
declare function acquireVsCodeApi(): VsCodeApi;

type ConfigField = Exclude<keyof InvokerConfig, 'extraParameters'>;
type FieldKey = ConfigField | SecretField | 'extraParameters' | 'storage';
/** `file`: a path with "Browse…"; `proxy`: System / None / URL and the URL; `issuer`: a URL with "Discover". */
type Kind = 'text' | 'url' | 'select' | 'checkbox' | 'secret' | 'rows' | 'file' | 'proxy' | 'issuer';
type Control = HTMLInputElement | HTMLSelectElement;
/** The collapsible groups below the main fields; each opens by itself when it holds something not at its default. */
type Section = 'network' | 'tls' | 'advanced';

interface FieldSpec {
  readonly key: FieldKey;
  readonly kind: Kind;
  readonly help: string | ((config: InvokerConfig) => string);
  readonly options?: readonly (readonly [value: string, label: string])[];
  /** Grants that show the field (every grant when absent); secrets follow `secretsUsedBy`. */
  readonly shownFor?: readonly GrantType[];
  /** Shows the field only when this holds (besides `shownFor`). */
  readonly shownWhen?: (config: InvokerConfig) => boolean;
  /** Grants that require the field. */
  readonly requiredFor?: readonly GrantType[];
  readonly section?: Section;
  readonly warning?: boolean;
  /** A warning shown under the field while this returns one (e.g. certificate verification off). */
  readonly warnWhen?: (config: InvokerConfig) => string | undefined;
  readonly placeholder?: string;
}

const unlessClientCredentials = (c: InvokerConfig, note: string): string => (c.grantType === 'client_credentials' ? '' : ` ${note}`);

/** The form, top to bottom: the component's properties in its own order, then this extension's additions. */
const FIELDS: readonly FieldSpec[] = [
  { key: 'name', kind: 'text', requiredFor: GRANT_TYPES, help: 'Names this invoker in the Messages view and in commands: at most 64 characters, without / or \\.' },
  {
    key: 'issuer', kind: 'issuer', placeholder: 'https://sso.example.com/realms/acme',
    help: 'Optional. The authorization server\'s issuer: Discover reads its metadata and fills the Authorization Server URL and Credentials in Request Body.',
  },
  { key: 'authorizationServerUrl', kind: 'url', requiredFor: GRANT_TYPES, help: 'The host URL for requesting OAuth Authorization: the token endpoint, e.g. https://login.example.com/oauth2/token.' },
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
    key: 'proxy', kind: 'proxy', section: 'network', placeholder: 'http://proxy.example.com:3128',
    options: [['system', 'System'], ['none', 'None'], ['url', 'URL']],
    help: (c) => {
      switch (proxyMode(c.proxy)) {
        case 'system':
          return 'VS Code\'s proxy: the http.proxy setting (with http.noProxy, http.proxyStrictSSL), else HTTPS_PROXY / HTTP_PROXY and NO_PROXY.';
        case 'none':
          return 'Connect directly, whatever VS Code\'s settings and the environment say.';
        case 'url':
          return 'This proxy, for this invoker\'s requests: scheme, host and port, without credentials.';
      }
    },
  },
  {
    key: 'proxyUsername', kind: 'text', section: 'network', shownWhen: (c) => proxyMode(c.proxy) !== 'none',
    help: 'For a proxy that asks for Basic authentication (407). Leave empty for none, or for the credentials of http.proxy / http.proxyAuthorization.',
  },
  { key: 'proxyPassword', kind: 'secret', section: 'network', help: 'Sent to the proxy with the Proxy Username.' },
  { key: 'tlsCaFile', kind: 'file', section: 'tls', placeholder: '/path/to/corporate-ca.pem', help: 'A PEM (or DER) file of CA certificates trusted besides the system\'s: for a private or corporate CA, or an inspecting proxy.' },
  { key: 'tlsCertFile', kind: 'file', section: 'tls', placeholder: '/path/to/client.pem', help: 'Mutual TLS: the client certificate (PEM); it may hold the private key too.' },
  { key: 'tlsKeyFile', kind: 'file', section: 'tls', placeholder: '/path/to/client-key.pem', help: 'The client certificate\'s private key (PEM), unless the certificate file holds it.' },
  { key: 'tlsPfxFile', kind: 'file', section: 'tls', placeholder: '/path/to/client.p12', help: 'Mutual TLS instead of the PEM files: a PKCS#12 file (.pfx, .p12) with the certificate and key.' },
  { key: 'tlsPassphrase', kind: 'secret', section: 'tls', help: 'Decrypts the Client Key File or the Client PFX File, when it is encrypted.' },
  {
    key: 'tlsRejectUnauthorized', kind: 'checkbox', section: 'tls',
    help: 'Check the server\'s certificate against the system\'s CAs and the CA Certificates File (recommended).',
    warnWhen: (c) => (c.tlsRejectUnauthorized ? undefined : 'Off: any certificate is accepted, so anyone on the network path can read and change the exchange, secrets included. Every message this invoker gets carries a warning.'),
  },
  {
    key: 'basicEncoding', kind: 'select', section: 'advanced',
    help: 'How Client ID and Client Secret are encoded in the Basic Auth header. Auto form-encodes them (RFC 6749 §2.3.1) and retries once as typed if the server rejects them.',
    options: [['auto', 'auto: RFC 6749, then raw once'], ['rfc6749', 'rfc6749: form-encoded (RFC 6749 §2.3.1)'], ['raw', 'raw: as typed']],
  },
  {
    key: 'allowInsecureHttp', kind: 'checkbox', section: 'advanced', warning: true,
    help: 'Allow plain http:// to a host other than this machine. Secrets and the token then cross the network unencrypted.',
  },
  {
    key: 'storage', kind: 'select', options: [['user', 'User settings'], ['workspace', 'Workspace settings']],
    help: 'Where the invoker is kept. Secrets always go to VS Code\'s secret storage, never to settings.',
  },
];

const LABELS: Readonly<Record<FieldKey, string>> = { ...PROPERTY_LABELS, name: 'Name', storage: 'Stored in', issuer: ISSUER_LABEL };

const SECTIONS: readonly (readonly [section: Section, title: string])[] = [
  ['network', 'Network'],
  ['tls', 'TLS'],
  ['advanced', 'Advanced'],
];

interface FieldUi {
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
/** What the last Discover found, for the notes under Issuer URL and Grant Type. */
let discovered: DiscoverySummary | undefined;
let discovering = false;

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
  if (spec.kind === 'select' || spec.kind === 'proxy') {
    const options = (spec.options ?? []).map(([value, label]) => el('option', { value }, label));
    return el('select', { id, 'data-field': spec.key }, ...options);
  }
  const type = spec.kind === 'secret' ? 'password' : spec.kind === 'file' ? 'text' : spec.kind === 'issuer' ? 'url' : spec.kind;
  const input = el('input', { id, type, 'data-field': spec.key, spellcheck: 'false' });
  if (type !== 'checkbox') {
    input.autocomplete = spec.kind === 'secret' ? 'new-password' : 'off';
  }
  if (spec.placeholder !== undefined) {
    input.placeholder = spec.placeholder;
  }
  return input;
}

function buildField(spec: FieldSpec): FieldUi {
  const id = `f-${spec.key}`;
  const help = el('div', { id: `${id}-help`, class: spec.warning ? 'help warning' : 'help' });
  const note = el('div', { id: `${id}-note`, class: 'note', 'aria-live': 'polite', hidden: '' });
  const error = el('div', { id: `${id}-error`, class: 'error' });
  if (spec.kind === 'rows') {
    return { spec, help, note, error, row: buildRows(spec, help, error) };
  }
  const input = buildControl(spec, id);
  input.setAttribute('aria-describedby', `${help.id} ${note.id} ${error.id}`);
  const label = el('label', { for: id, class: 'title' }, LABELS[spec.key]);
  const row = el('div', { class: `field field-${spec.kind}`, id: `row-${spec.key}` });
  let extra: HTMLInputElement | undefined;
  switch (spec.kind) {
    case 'checkbox':
      row.append(label, el('div', { class: 'check' }, input, help), note, error);
      break;
    case 'secret':
      row.append(label, help, buildSecret(spec.key as SecretField, input), note, error);
      break;
    case 'file':
      row.append(label, help, el('div', { class: 'inline' }, input, button('Browse\u2026', 'browse', { 'data-field': spec.key, 'aria-label': `Browse for ${LABELS[spec.key]}` })), note, error);
      break;
    case 'issuer':
      row.append(label, help, el('div', { class: 'inline' }, input, button('Discover', 'discover', { id: 'discover', title: 'Read the server\'s metadata and fill the fields it tells' })), note, error);
      break;
    case 'proxy':
      extra = el('input', { id: `${id}-url`, type: 'url', 'data-field': spec.key, spellcheck: 'false', autocomplete: 'off', 'aria-label': `${LABELS[spec.key]} URL`, 'aria-describedby': `${help.id} ${error.id}` });
      extra.placeholder = spec.placeholder ?? '';
      row.append(label, help, el('div', { class: 'inline' }, input, extra), note, error);
      break;
    default:
      row.append(label, help, input, note, error);
  }
  return { spec, row, help, note, error, control: input, ...(extra !== undefined ? { extra } : {}) };
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
  const about = el('details', { id: 'about', class: 'about', hidden: '' }, el('summary', { id: 'about-title' }), el('p', { id: 'about-text' }),
    el('a', { id: 'about-docs', href: '', hidden: '' }, 'Provider documentation'));
  const list = el('div', { class: 'fields' });
  const sections = new Map(SECTIONS.map(([section, title]) => [
    section,
    el('details', { id: `section-${section}`, class: 'section' },
      el('summary', {}, el('span', { class: 'section-title' }, title), el('span', { id: `section-${section}-state`, class: 'section-state' }))),
  ]));
  for (const spec of FIELDS) {
    const ui = buildField(spec);
    fields.set(spec.key, ui);
    const section = spec.section !== undefined ? sections.get(spec.section) : undefined;
    if (section !== undefined && !section.isConnected) {
      list.append(section);
    }
    (section ?? list).append(ui.row);
  }
  root.replaceChildren(header, about, banner, list, buildFooter());
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

/** The Proxy as the setting keeps it: `system`, `none`, or the URL typed (empty: not typed yet, which the form reports). */
function readProxy(): string {
  const ui = field('proxy');
  const mode = (ui.control as HTMLSelectElement).value;
  return mode === 'url' ? (ui.extra?.value.trim() ?? '') : mode;
}

function fillProxy(proxy: string): void {
  const ui = field('proxy');
  const mode = proxyMode(proxy);
  (ui.control as HTMLSelectElement).value = mode;
  if (ui.extra !== undefined) {
    ui.extra.value = mode === 'url' ? proxy : '';
  }
}

/** The config as typed: every non-secret field, hidden ones included (they keep their values). */
function readConfig(): InvokerConfig {
  const config: Record<string, unknown> = { ...DEFAULT_INVOKER, extraParameters: readRows() };
  for (const key of Object.keys(DEFAULT_INVOKER)) {
    const c = fields.get(key as FieldKey)?.control;
    if (key === 'proxy') {
      config.proxy = readProxy();
    } else if (c) {
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
    if (key === 'proxy') {
      fillProxy(String(values.proxy ?? DEFAULT_INVOKER.proxy));
    } else if (c && isCheckbox(c)) {
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

/** Which secrets are stored, as the form was last told. */
function storedSecrets(): StoredSecrets {
  return Object.fromEntries(SECRET_FIELDS.map((key) => [key, secret(key).stored])) as Record<SecretField, boolean>;
}

// ---- Visibility and validation --------------------------------------------------------------------------------

function isShown(spec: FieldSpec, config: InvokerConfig): boolean {
  if (spec.kind === 'secret') {
    return secretsUsedBy(config).includes(spec.key as SecretField);
  }
  return (spec.shownFor === undefined || spec.shownFor.includes(config.grantType)) && (spec.shownWhen?.(config) ?? true);
}

/** What a section holds, in a few words beside its title, so a closed section still tells its state. */
function sectionState(section: Section, config: InvokerConfig): { text: string; warning: boolean } {
  switch (section) {
    case 'network': {
      const mode = proxyMode(config.proxy);
      const proxy = mode === 'system' ? 'System proxy' : mode === 'none' ? 'No proxy' : `Proxy ${config.proxy || '(no URL yet)'}`;
      return { text: config.proxyUsername.trim() !== '' && mode !== 'none' ? `${proxy}, with credentials` : proxy, warning: false };
    }
    case 'tls': {
      if (!config.tlsRejectUnauthorized) {
        return { text: 'Server certificate not verified', warning: true };
      }
      const parts = [config.tlsCaFile.trim() !== '' ? 'extra CAs' : '', hasClientCertificate(config) ? 'client certificate' : ''].filter((part) => part !== '');
      return { text: parts.length > 0 ? parts.join(', ') : 'System CAs', warning: false };
    }
    case 'advanced':
      return { text: '', warning: false };
  }
}

/** True when a section holds something a person set: it opens by itself so that nothing set is out of sight. */
function sectionHoldsSettings(section: Section, config: InvokerConfig, stored: StoredSecrets): boolean {
  const defaults = DEFAULT_INVOKER as unknown as Record<string, unknown>;
  const values = config as unknown as Record<string, unknown>;
  return FIELDS.some((spec) => spec.section === section && (spec.kind === 'secret' ? stored[spec.key as SecretField] : values[spec.key] !== undefined && values[spec.key] !== defaults[spec.key]));
}

function openSectionOf(ui: FieldUi): void {
  if (ui.spec.section !== undefined) {
    byId<HTMLDetailsElement>(`section-${ui.spec.section}`).open = true;
  }
}

function setNote(ui: FieldUi, lines: readonly { text: string; warning?: boolean }[]): void {
  // Rewritten only when it changes: the note is a live region, read out again on every rewrite.
  const key = JSON.stringify(lines);
  if (ui.note.dataset.lines === key) {
    return;
  }
  ui.note.dataset.lines = key;
  ui.note.replaceChildren(...lines.map((line) => el('div', { class: line.warning === true ? 'warning' : 'info' }, line.text)));
  ui.note.hidden = lines.length === 0;
}

/** The notes: a field's own warning, and what the last Discover found about the issuer and the chosen grant. */
function updateNotes(config: InvokerConfig): void {
  for (const ui of fields.values()) {
    if (ui.spec.key === 'issuer' || ui.spec.key === 'grantType') {
      continue;
    }
    const warning = ui.spec.warnWhen?.(config);
    setNote(ui, warning !== undefined ? [{ text: warning, warning: true }] : []);
  }
  const d = discovered;
  const issuerNotes: { text: string; warning?: boolean }[] = [];
  const grantNotes: { text: string; warning?: boolean }[] = [];
  if (d !== undefined) {
    issuerNotes.push({ text: `Grant types offered: ${d.grantTypesSupported?.join(', ') ?? 'not listed (each of the invoker\'s assumed)'}` });
    issuerNotes.push({ text: `Client authentication methods: ${d.tokenEndpointAuthMethodsSupported?.join(', ') ?? 'not listed (client_secret_basic assumed)'}` });
    issuerNotes.push(...d.warnings.map((text) => ({ text, warning: true })));
    if (!d.invokerGrantTypes.includes(config.grantType)) {
      const offered = d.invokerGrantTypes.map((grant) => GRANT_TYPE_LABELS[grant]).join(', ');
      grantNotes.push({
        text: `The server does not list the ${GRANT_TYPE_LABELS[config.grantType]} grant${offered !== '' ? `; of the invoker's grants it offers ${offered}` : ''}.`,
        warning: true,
      });
    }
  }
  setNote(field('issuer'), issuerNotes);
  setNote(field('grantType'), grantNotes);
}

/** Shows the fields the chosen grant and settings use; hidden fields keep their values. */
function updateLayout(config: InvokerConfig): void {
  const grant = config.grantType;
  for (const ui of fields.values()) {
    ui.row.hidden = !isShown(ui.spec, config);
    ui.help.textContent = typeof ui.spec.help === 'string' ? ui.spec.help : ui.spec.help(config);
    if (ui.control && !isCheckbox(ui.control) && ui.spec.kind !== 'select' && ui.spec.kind !== 'proxy') {
      ui.control.required = ui.spec.requiredFor?.includes(grant) ?? false;
    }
  }
  const proxy = field('proxy');
  if (proxy.extra !== undefined) {
    proxy.extra.hidden = (proxy.control as HTMLSelectElement).value !== 'url';
  }
  for (const [section] of SECTIONS) {
    const state = sectionState(section, config);
    const label = byId(`section-${section}-state`);
    label.textContent = state.text;
    label.classList.toggle('warning', state.warning);
  }
  updateNotes(config);
}

function localIssues(config: InvokerConfig): FormIssue[] {
  return formIssues(config, secretEdits(), storedSecrets(), takenNames);
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
  if (ui.spec.kind === 'proxy' && ui.extra !== undefined && !ui.extra.hidden) {
    return ui.extra;
  }
  return ui.control as Control;
}

/**
 * Brings a field into view and focus, its section opened: for issues and for Edit Invoker after a failure that named
 * the field. A field the current settings hide (a passphrase without a key) is not focused; the caller says so.
 */
function reveal(key: string): boolean {
  const ui = fields.get(key as FieldKey);
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
  const bad = shown.filter((ui) => issues.some((i) => i.field === ui.spec.key));
  bad.forEach(openSectionOf);
  if (bad.length > 0) {
    focusTarget(bad[0]).focus();
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
function changed(key: string, touch = true): void {
  if (touch) {
    touched.add(key);
  }
  serverIssues = key === 'grantType' ? [] : serverIssues.filter((i) => i.field !== key);
  if (key === 'issuer') {
    discovered = undefined; // what was found is about the issuer it was found for
  }
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

/** "Discover": the issuer's metadata, over the network settings as typed (and the network secrets typed, if any). */
function discover(): void {
  const config = readConfig();
  touched.add('issuer');
  if (config.issuer.trim() === '') {
    serverIssues = [...serverIssues.filter((i) => i.field !== 'issuer'), { field: 'issuer', message: `"${ISSUER_LABEL}" is required to discover, e.g. https://sso.example.com/realms/acme.` }];
    validate();
    control('issuer').focus();
    return;
  }
  if (formOnlyIssues(config).some((i) => i.field === 'issuer')) {
    validate();
    control('issuer').focus();
    return;
  }
  const all = secretEdits();
  const secrets: SecretEdits = Object.fromEntries(NETWORK_SECRETS.filter((key) => all[key] !== undefined).map((key) => [key, all[key]]));
  setDiscovering(true);
  vscode.postMessage({ type: 'discover', config, secrets });
}

function setDiscovering(busy: boolean): void {
  discovering = busy;
  const discoverButton = byId<HTMLButtonElement>('discover');
  discoverButton.disabled = busy;
  discoverButton.textContent = busy ? 'Discovering\u2026' : 'Discover';
  if (busy) {
    showResult(undefined, '');
  }
}

function setValue(key: FieldKey, value: string | boolean): void {
  const c = control(key);
  if (isCheckbox(c)) {
    c.checked = value === true;
  } else {
    c.value = String(value);
  }
  changed(key);
}

/** What Discover found goes into the form: the token endpoint, and the suggested place for the client credentials. */
function onDiscovered(message: DiscoveredMessage): void {
  setDiscovering(false);
  if (message.error !== undefined || message.result === undefined) {
    const text = message.error?.text ?? 'The discovery failed.';
    // Beside the field that fixes it (the issuer, a CA file, the proxy credentials), its section opened.
    const ui = message.error?.field !== undefined ? fields.get(message.error.field as FieldKey) : undefined;
    if (ui !== undefined && !ui.row.hidden) {
      serverIssues = [...serverIssues.filter((i) => i.field !== ui.spec.key), { field: ui.spec.key, message: text }];
      openSectionOf(ui);
      validate();
    }
    showResult(false, text);
    return;
  }
  const result = message.result;
  discovered = result;
  serverIssues = serverIssues.filter((i) => i.field !== 'issuer');
  setValue('authorizationServerUrl', result.tokenEndpoint);
  const said = [`Discovered ${result.issuer || readConfig().issuer}: "${LABELS.authorizationServerUrl}" set to its token endpoint`];
  const suggested = result.credentialsInRequestBody;
  if (suggested !== undefined) {
    const before = (control('credentialsInRequestBody') as HTMLInputElement).checked;
    setValue('credentialsInRequestBody', suggested);
    const why = suggested ? 'the server takes client_secret_post, not client_secret_basic' : 'the server takes client_secret_basic';
    said.push(`"${LABELS.credentialsInRequestBody}" ${before === suggested ? 'stays' : 'turned'} ${suggested ? 'on' : 'off'} (${why})`);
  } else {
    said.push(`"${LABELS.credentialsInRequestBody}" left as it is (the server lists neither client_secret_basic nor client_secret_post)`);
  }
  validate();
  showResult(true, `${said.join('; ')}.`);
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
    case 'browse':
      vscode.postMessage({ type: 'browse', field: key as unknown as TlsFileProperty, current: control(key as unknown as FieldKey).value });
      break;
    case 'discover':
      if (!discovering) {
        discover();
      }
      break;
  }
}

// ---- Messages from the extension ------------------------------------------------------------------------------

function setHeading(savedName: string | undefined): void {
  byId('heading').textContent = savedName ?? 'New invoker';
}

/** The provider's notes: open for a new invoker made from a preset, folded when editing a saved one. */
function showHelp(help: FormHelp | undefined, open: boolean): void {
  const about = byId<HTMLDetailsElement>('about');
  about.hidden = help === undefined;
  if (help === undefined) {
    return;
  }
  byId('about-title').textContent = help.title;
  byId('about-text').textContent = help.text;
  const docs = byId<HTMLAnchorElement>('about-docs');
  const https = help.docs !== undefined && /^https:\/\//.test(help.docs);
  docs.hidden = !https;
  docs.href = https ? (help.docs as string) : '';
  about.open = open;
}

/** Edit Invoker after a failure: the field that fixes it, with the failure beside it until the field is changed. */
function onFocus(key: string, reason?: string): void {
  if (reason !== undefined) {
    serverIssues = [...serverIssues.filter((i) => i.field !== key), { field: key, message: reason }];
    validate();
  }
  if (!reveal(key)) {
    // A field the settings hide (a passphrase without a key file): the failure itself says what to set.
    const label = LABELS[key as FieldKey] ?? key;
    showResult(false, reason ?? `"${label}" is not shown with the current settings.`);
  }
}

function onInit(message: InitMessage): void {
  const root = byId('app');
  root.inert = false;
  root.removeAttribute('aria-busy');
  takenNames = message.takenNames;
  const config: InvokerConfig = { ...DEFAULT_INVOKER, ...message.config };
  fill(config, message.scope);
  discovered = undefined;
  if (discovering) {
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
  touched.clear();
  serverIssues = [];
  showAll = message.savedName !== undefined || message.dirty;
  byId('banner').hidden = !message.dirty;
  setHeading(message.savedName);
  savedRef = message.savedName !== undefined && message.savedScope !== undefined ? { savedName: message.savedName, savedScope: message.savedScope } : undefined;
  lastDraft = JSON.stringify(currentState());
  vscode.setState(currentState());
  validate();
  if (message.focusField !== undefined) {
    onFocus(message.focusField, message.focusReason);
  }
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
  resetSecrets(NO_STORED_SECRETS);
  validate();
  // The proxy's select does not count as touching "Proxy": its URL is judged once typed or left.
  const quiet = (target: EventTarget | null): boolean => target === control('proxy');
  root.addEventListener('input', (e) => {
    const key = (e.target as HTMLElement).dataset.field;
    if (key !== undefined) {
      changed(key, !quiet(e.target));
    }
  });
  root.addEventListener('focusout', (e) => {
    const key = (e.target as HTMLElement).dataset.field;
    if (key !== undefined && !touched.has(key) && !quiet(e.target)) {
      touched.add(key);
      validate();
    }
  });
  root.addEventListener('click', (e) => onClick(e.target as HTMLElement));
  // Choosing "URL" as the proxy moves on to where the URL is typed.
  control('proxy').addEventListener('change', () => {
    const url = field('proxy').extra;
    if ((control('proxy') as HTMLSelectElement).value === 'url' && url !== undefined) {
      url.focus();
    }
  });
  window.addEventListener('message', (e: MessageEvent<ToWebview>) => onMessage(e.data));
  vscode.postMessage({ type: 'ready' });
}

start();
