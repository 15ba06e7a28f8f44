/**
 * The invoker form: a settings-style page built from one field table, plain DOM.
 * It posts `ready`, shows `init`, keeps drafts (never a secret) in setState and in `draft` messages, and sends
 * secrets only in `save`, only those typed or cleared since the last save.
 *
 * The entry esbuild bundles: it builds the page, restores the webview's state, listens, and says `ready`. The rest is
 * by concern: fields.ts (the field table), state.ts (what the form remembers), controls.ts and page.ts (the DOM),
 * values.ts, secrets.ts, layout.ts, validation.ts, discovery.ts, host.ts (messages to the extension) and
 * hostMessages.ts (messages from it).
 */
import { DEFAULT_INVOKER, NO_STORED_SECRETS, type SecretField } from '../shared/invoker';
import type { FileFieldProperty } from '../shared/properties';
import type { ToWebview, WebviewState } from '../shared/protocol';
import { discover } from './discovery';
import { byId } from './dom';
import type { FieldKey, RowsField } from './fields';
import { changed, post, save, storedState } from './host';
import { onMessage } from './hostMessages';
import { buildPage } from './page';
import { resetSecrets, secretAction } from './secrets';
import { control, field, state } from './state';
import { validate } from './validation';
import { fill, readRows, renderRows } from './values';

function editRows(key: RowsField, edit: (rows: { name: string; value: string }[]) => void, focus: (list: HTMLElement) => HTMLElement | null): void {
  const rows = readRows(key);
  edit(rows);
  renderRows(key, rows);
  (focus(byId(`rows-${key}`)) ?? byId(`add-${key}`)).focus();
  changed(key);
}

/** Replace, Clear or Cancel beside a stored secret: validated, then the focus moves to what comes next. */
function onSecretAction(action: string, key: SecretField): void {
  const next = secretAction(action, key);
  validate();
  next.focus();
}

/** Which rows field a button belongs to. */
function rowsKey(target: HTMLElement): RowsField {
  return target.closest('button')?.dataset.field === 'authorizationParameters' ? 'authorizationParameters' : 'extraParameters';
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
      post({ type: 'copyAccessToken' });
      break;
    case 'log':
      post({ type: 'showLog' });
      target.closest('button')?.focus();
      break;
    case 'discard':
      post({ type: 'discardDraft' });
      break;
    case 'param-add':
      editRows(
        rowsKey(target),
        (rows) => rows.push({ name: '', value: '' }),
        (list) => list.querySelector('.param-row:last-child .param-name'),
      );
      break;
    case 'param-remove':
      editRows(
        rowsKey(target),
        (rows) => rows.splice(index, 1),
        (list) => list.querySelectorAll<HTMLElement>('.param-row .icon')[index] ?? list.querySelector('.param-row:last-child .icon'),
      );
      break;
    case 'secret-replace':
    case 'secret-clear':
    case 'secret-undo':
      onSecretAction(action, key as SecretField);
      break;
    case 'browse':
      post({ type: 'browse', field: key as unknown as FileFieldProperty, current: control(key as unknown as FieldKey).value });
      break;
    case 'discover':
      if (!state.discovering) {
        discover();
      }
      break;
    default:
      break; // a click outside any button of ours
  }
}

/** The form as the webview's state kept it before a reload (never a secret), if it is one. */
function restoredState(): WebviewState | undefined {
  const kept = storedState() as Partial<WebviewState> | undefined;
  if (kept === null || typeof kept !== 'object' || typeof kept.config !== 'object' || kept.config === null) {
    return undefined;
  }
  return { config: { ...DEFAULT_INVOKER, ...kept.config }, scope: kept.scope === 'workspace' ? 'workspace' : 'user' };
}

function start(): void {
  const root = byId('app');
  buildPage(root);
  const restored = restoredState() ?? { config: DEFAULT_INVOKER, scope: 'user' };
  fill(restored.config, restored.scope);
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
    if (key !== undefined && !state.touched.has(key) && !quiet(e.target)) {
      state.touched.add(key);
      validate();
    }
  });
  root.addEventListener('click', (e) => onClick(e.target as HTMLElement));
  // When the webview gets the focus back (after Show Log opened the Output panel), it goes to the control that had
  // it, not to the page, where nothing visible shows it.
  let lastFocused: HTMLElement | undefined;
  root.addEventListener('focusin', (e) => {
    lastFocused = e.target as HTMLElement;
  });
  window.addEventListener('focus', () => {
    if (lastFocused?.isConnected === true && !root.contains(document.activeElement)) {
      lastFocused.focus();
    }
  });
  // Choosing "URL" as the proxy moves on to where the URL is typed.
  control('proxy').addEventListener('change', () => {
    const url = field('proxy').extra;
    if ((control('proxy') as HTMLSelectElement).value === 'url' && url !== undefined) {
      url.focus();
    }
  });
  window.addEventListener('message', (e: MessageEvent<ToWebview>) => onMessage(e.data));
  post({ type: 'ready' });
}

start();
