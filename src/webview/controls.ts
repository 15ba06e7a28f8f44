/** Each field's elements, built from its row of the field table: label, help, control, note, error. */
import type { SecretField } from '../shared/invoker';
import { button, el } from './dom';
import { LABELS, type FieldSpec, type RowsField } from './fields';
import { buildSecret } from './secrets';
import type { Control, FieldUi } from './state';

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

export function buildField(spec: FieldSpec): FieldUi {
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
      row.append(
        label,
        help,
        el('div', { class: 'inline' }, input, button('Browse\u2026', 'browse', { 'data-field': spec.key, 'aria-label': `Browse for ${LABELS[spec.key]}` })),
        note,
        error,
      );
      break;
    case 'issuer':
      row.append(
        label,
        help,
        el(
          'div',
          { class: 'inline' },
          input,
          button('Discover', 'discover', { id: 'discover', title: "Read the server's metadata and fill the fields it tells" }),
        ),
        note,
        error,
      );
      break;
    case 'proxy':
      extra = el('input', {
        id: `${id}-url`,
        type: 'url',
        'data-field': spec.key,
        spellcheck: 'false',
        autocomplete: 'off',
        'aria-label': `${LABELS[spec.key]} URL`,
        'aria-describedby': `${help.id} ${error.id}`,
      });
      extra.placeholder = spec.placeholder ?? '';
      row.append(label, help, el('div', { class: 'inline' }, input, extra), note, error);
      break;
    default:
      row.append(label, help, input, note, error);
  }
  return { spec, row, help, note, error, control: input, ...(extra !== undefined ? { extra } : {}) };
}

/** The list of a rows field (`rows-<key>`) and its Add button (`add-<key>`). */
function buildRows(spec: FieldSpec, help: HTMLElement, error: HTMLElement): HTMLElement {
  const key = spec.key;
  const legend = el('legend', { class: 'title' }, LABELS[key]);
  const list = el('div', { id: `rows-${key}`, class: 'param-rows' });
  const add = button('Add Parameter', 'param-add', { id: `add-${key}`, 'data-field': key, 'aria-label': `Add Parameter to ${LABELS[key]}` });
  const row = el('fieldset', { class: 'field field-rows', id: `row-${key}`, 'aria-describedby': `${help.id} ${error.id}` });
  row.append(legend, help, list, add, error);
  return row;
}

export function buildParamRow(key: RowsField, name: string, value: string, index: number): HTMLElement {
  const n = index + 1;
  const attrs = { type: 'text', 'data-field': key, spellcheck: 'false', autocomplete: 'off', 'aria-describedby': `f-${key}-error` };
  const nameInput = el('input', {
    ...attrs,
    class: 'param-name',
    'aria-label': `${LABELS[key]}: parameter ${n} name`,
    placeholder: key === 'authorizationParameters' ? 'name, e.g. prompt' : 'name, e.g. audience',
  });
  const valueInput = el('input', { ...attrs, class: 'param-value', 'aria-label': `${LABELS[key]}: parameter ${n} value`, placeholder: 'value' });
  nameInput.value = name;
  valueInput.value = value;
  const remove = button('\u2715', 'param-remove', {
    class: 'icon',
    'data-field': key,
    'data-index': String(index),
    'aria-label': `Remove parameter ${n} of ${LABELS[key]}`,
    title: 'Remove',
  });
  return el('div', { class: 'param-row' }, nameInput, valueInput, remove);
}
