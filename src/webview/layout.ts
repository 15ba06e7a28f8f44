/** What is shown: the fields the grant and settings use, each section's summary, and the notes under fields. */
import { DEFAULT_INVOKER, hasClientCertificate, proxyMode, type InvokerConfig, type SecretField, type StoredSecrets } from '../shared/invoker';
import { GRANT_TYPE_LABELS } from '../shared/properties';
import { byId, el } from './dom';
import { FIELDS, SECTIONS, type Section } from './fields';
import { isShown } from './shownFields';
import { field, isCheckbox, state, type FieldUi } from './state';

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
    case 'toolbox': {
      const set = [
        config.introspectionEndpoint.trim() !== '' ? 'introspection' : '',
        config.revocationEndpoint.trim() !== '' ? 'revocation' : '',
        config.introspectionClientId.trim() !== '' ? 'introspection client' : '',
      ].filter((part) => part !== '');
      return { text: set.length > 0 ? set.join(', ') : 'Not set', warning: false };
    }
    case 'advanced':
      return { text: '', warning: false };
  }
}

/** True when a section holds something a person set: it opens by itself so that nothing set is out of sight. */
export function sectionHoldsSettings(section: Section, config: InvokerConfig, stored: StoredSecrets): boolean {
  const defaults = DEFAULT_INVOKER as unknown as Record<string, unknown>;
  const values = config as unknown as Record<string, unknown>;
  return FIELDS.some(
    (spec) =>
      spec.section === section &&
      (spec.kind === 'secret' ? stored[spec.key as SecretField] : values[spec.key] !== undefined && values[spec.key] !== defaults[spec.key]),
  );
}

export function openSectionOf(ui: FieldUi): void {
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
  for (const ui of state.fields.values()) {
    if (ui.spec.key === 'issuer' || ui.spec.key === 'grantType') {
      continue;
    }
    const warning = ui.spec.warnWhen?.(config);
    setNote(ui, warning !== undefined ? [{ text: warning, warning: true }] : []);
  }
  const d = state.discovered;
  const issuerNotes: { text: string; warning?: boolean }[] = [];
  const grantNotes: { text: string; warning?: boolean }[] = [];
  if (d !== undefined) {
    issuerNotes.push({ text: `Grant types offered: ${d.grantTypesSupported?.join(', ') ?? "not listed (each of the invoker's assumed)"}` });
    issuerNotes.push({
      text: `Client authentication methods: ${d.tokenEndpointAuthMethodsSupported?.join(', ') ?? 'not listed (client_secret_basic assumed)'}`,
    });
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
export function updateLayout(config: InvokerConfig): void {
  const grant = config.grantType;
  for (const ui of state.fields.values()) {
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
    const summary = sectionState(section, config);
    const label = byId(`section-${section}-state`);
    label.textContent = summary.text;
    label.classList.toggle('warning', summary.warning);
  }
  updateNotes(config);
}
