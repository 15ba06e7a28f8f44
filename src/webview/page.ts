/** The page around the fields: header, provider notes, draft banner, sections, buttons, and the status line. */
import type { FormHelp } from '../shared/protocol';
import { buildField } from './controls';
import { button, byId, el } from './dom';
import { FIELDS, SECTIONS } from './fields';
import { state } from './state';

export function buildPage(root: HTMLElement): void {
  const banner = el(
    'div',
    { id: 'banner', class: 'banner', role: 'status', hidden: '' },
    el('span', {}, 'Unsaved changes restored'),
    button('Discard', 'discard'),
  );
  const header = el(
    'header',
    {},
    el('h1', { id: 'heading' }, 'New invoker'),
    el('p', { class: 'help' }, 'Requests an OAuth 2.0 access token and writes the server response to a DJMessage.'),
  );
  const about = el(
    'details',
    { id: 'about', class: 'about', hidden: '' },
    el('summary', { id: 'about-title' }),
    el('p', { id: 'about-text' }),
    el('a', { id: 'about-docs', href: '', hidden: '' }, 'Provider documentation'),
  );
  const list = el('div', { class: 'fields' });
  const sections = new Map(
    SECTIONS.map(([section, title]) => [
      section,
      el(
        'details',
        { id: `section-${section}`, class: 'section' },
        el(
          'summary',
          {},
          el('span', { class: 'section-title' }, title),
          // Read as "Network, System proxy", not "NetworkSystem proxy": a comma only a screen reader sees.
          el('span', { class: 'visually-hidden' }, ', '),
          el('span', { id: `section-${section}-state`, class: 'section-state' }),
        ),
      ),
    ]),
  );
  for (const spec of FIELDS) {
    const ui = buildField(spec);
    state.fields.set(spec.key, ui);
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
  const buttons = el(
    'div',
    { class: 'buttons' },
    button('Execute', 'execute', { id: 'execute', class: 'primary', title: 'Save, then request an access token' }),
    button('Save', 'save', { id: 'save' }),
    button('Copy Access Token', 'copy'),
    button('Show Log', 'log'),
    el('span', { id: 'busy', class: 'busy', 'aria-live': 'polite' }),
  );
  // Errors are announced here (a live region): a failed save names its fields; each field's own error line is read
  // with the field (aria-describedby) when the focus lands on it, so that typing does not set off a chorus.
  const status = el('div', { id: 'status', class: 'status', role: 'status', 'aria-live': 'polite', 'aria-atomic': 'true' });
  return el('footer', {}, buttons, status);
}

export function setHeading(savedName: string | undefined): void {
  byId('heading').textContent = savedName ?? 'New invoker';
}

/** The provider's notes: open for a new invoker made from a preset, folded when editing a saved one. */
export function showHelp(help: FormHelp | undefined, open: boolean): void {
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

export function setBusy(busy: boolean): void {
  for (const id of ['save', 'execute']) {
    byId<HTMLButtonElement>(id).disabled = busy;
  }
  byId('busy').textContent = busy ? 'Executing\u2026' : '';
  if (busy) {
    showResult(undefined, '');
  }
}

export function showResult(ok: boolean | undefined, text: string): void {
  const status = byId('status');
  status.textContent = text;
  status.title = text;
  status.classList.toggle('ok', ok === true);
  status.classList.toggle('failed', ok === false);
}
