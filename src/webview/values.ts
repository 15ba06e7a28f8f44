/** Reading the invoker from the form's controls, and filling them from one. */
import { DEFAULT_INVOKER, proxyMode, type InvokerConfig, type InvokerScope } from '../shared/invoker';
import { buildParamRow } from './controls';
import { byId } from './dom';
import type { FieldKey, RowsField } from './fields';
import { control, field, isCheckbox, state } from './state';

export function readRows(key: RowsField): { name: string; value: string }[] {
  return [...byId(`rows-${key}`).querySelectorAll<HTMLElement>('.param-row')].map((row) => ({
    name: (row.querySelector('.param-name') as HTMLInputElement).value,
    value: (row.querySelector('.param-value') as HTMLInputElement).value,
  }));
}

export function renderRows(key: RowsField, rows: readonly { name: string; value: string }[]): void {
  byId(`rows-${key}`).replaceChildren(...rows.map((p, i) => buildParamRow(key, p.name, p.value, i)));
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
export function readConfig(): InvokerConfig {
  const config: Record<string, unknown> = {
    ...DEFAULT_INVOKER,
    extraParameters: readRows('extraParameters'),
    authorizationParameters: readRows('authorizationParameters'),
  };
  for (const key of Object.keys(DEFAULT_INVOKER)) {
    const c = state.fields.get(key as FieldKey)?.control;
    if (key === 'proxy') {
      config.proxy = readProxy();
    } else if (c) {
      config[key] = isCheckbox(c) ? c.checked : c.value;
    }
  }
  return config as unknown as InvokerConfig;
}

export function readScope(): InvokerScope {
  return control('storage').value === 'workspace' ? 'workspace' : 'user';
}

export function fill(config: InvokerConfig, scope: InvokerScope): void {
  const values = config as unknown as Record<string, unknown>;
  for (const key of Object.keys(DEFAULT_INVOKER)) {
    const c = state.fields.get(key as FieldKey)?.control;
    if (key === 'proxy') {
      fillProxy(String(values.proxy ?? DEFAULT_INVOKER.proxy));
    } else if (c && isCheckbox(c)) {
      c.checked = values[key] === true;
    } else if (c) {
      c.value = String(values[key] ?? '');
    }
  }
  control('storage').value = scope;
  renderRows('extraParameters', config.extraParameters);
  renderRows('authorizationParameters', config.authorizationParameters);
}
