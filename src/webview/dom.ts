/** The form's few DOM helpers: create an element, a button with its action, find by id. */

export function el<K extends keyof HTMLElementTagNameMap>(
  tag: K,
  attrs: Record<string, string> = {},
  ...children: (Node | string)[]
): HTMLElementTagNameMap[K] {
  const node = document.createElement(tag);
  for (const [name, value] of Object.entries(attrs)) {
    node.setAttribute(name, value);
  }
  node.append(...children);
  return node;
}

export function button(text: string, action: string, attrs: Record<string, string> = {}): HTMLButtonElement {
  return el('button', { type: 'button', 'data-action': action, class: 'secondary', ...attrs }, text);
}

export function byId<T extends HTMLElement>(id: string): T {
  return document.getElementById(id) as T;
}
