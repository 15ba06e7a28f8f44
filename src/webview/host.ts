/**
 * Messages to the extension: the webview API (acquired once), the draft posted on every change (never a secret), and
 * Save with the secret edits typed since the last save.
 */
import type { FromWebview, WebviewState } from '../shared/protocol';
import type { FieldKey } from './fields';
import { secretEdits } from './secrets';
import { control, isCheckbox, state } from './state';
import { validate } from './validation';
import { readConfig, readScope } from './values';

interface VsCodeApi {
  postMessage(message: FromWebview): void;
  getState(): unknown;
  setState(state: WebviewState): void;
}
declare function acquireVsCodeApi(): VsCodeApi;

const vscode = acquireVsCodeApi();

/** Posts one message to the extension. */
export function post(message: FromWebview): void {
  vscode.postMessage(message);
}

/** What the webview kept in its state before a reload (never a secret), if anything. */
export function storedState(): unknown {
  return vscode.getState();
}

export function currentState(): WebviewState {
  return { config: readConfig(), scope: readScope(), ...state.savedRef };
}

/** Keeps the form as it is now in the webview's state, which VS Code restores after a reload. */
export function keepState(): void {
  vscode.setState(currentState());
}

function postDraft(): void {
  const current = currentState();
  const text = JSON.stringify(current);
  if (text !== state.lastDraft) {
    state.lastDraft = text;
    post({ type: 'draft', config: current.config, scope: current.scope });
  }
}

/**
 * Keeps the state and tells the extension at once, on every change: a panel closed (Ctrl+W, the tab's close button)
 * or a window reloaded right after typing gets no later chance — nothing posted from `pagehide` reaches the
 * extension once the webview is being torn down, so a debounced draft lost the last field typed.
 */
export function changed(key: string, touch = true): void {
  if (touch) {
    state.touched.add(key);
  }
  state.serverIssues = key === 'grantType' ? [] : state.serverIssues.filter((i) => i.field !== key);
  if (key === 'issuer') {
    state.discovered = undefined; // what was found is about the issuer it was found for
  }
  validate();
  keepState();
  postDraft();
}

/** A value the extension supplied (a file chosen, a discovered endpoint), taken as if typed. */
export function setValue(key: FieldKey, value: string | boolean): void {
  const c = control(key);
  if (isCheckbox(c)) {
    c.checked = value === true;
  } else {
    c.value = String(value);
  }
  changed(key);
}

export function save(execute: boolean): void {
  const current = currentState();
  state.lastDraft = JSON.stringify(current);
  state.showAll = true;
  validate();
  post({ type: 'save', ...current, secrets: secretEdits(), execute });
}
