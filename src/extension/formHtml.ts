// The form panel's HTML. Pure (no `vscode` import) so it is testable in plain Node; the panel passes in its URIs.
import { randomBytes } from 'node:crypto';

export interface FormHtmlOptions {
  /** `webview.cspSource`: where styles, images and fonts may come from. */
  readonly cspSource: string;
  /** `webview.asWebviewUri` of dist/webview/form.js. */
  readonly scriptUri: string;
  /** `webview.asWebviewUri` of media/form.css. */
  readonly styleUri: string;
  /** From `createNonce()`, fresh for every render. */
  readonly nonce: string;
  readonly title: string;
  /** VS Code's display language (`vscode.env.language`), e.g. `en`, `de`, `zh-cn`: the document's `lang`. */
  readonly language: string;
}

/** A script nonce that cannot be guessed: 16 random bytes, base64url (a CSP nonce should carry at least 128 bits). */
export function createNonce(): string {
  return randomBytes(16).toString('base64url');
}

const ESCAPES: Readonly<Record<string, string>> = { '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;' };

/** A BCP 47-shaped tag for `lang` (VS Code's `de`, `pt-br`, `zh-cn`); anything else is read as English. */
export function htmlLanguage(language: string): string {
  return /^[A-Za-z]{2,8}(-[A-Za-z0-9]{1,8})*$/.test(language) ? language : 'en';
}

/** Escapes text for an element or a double-quoted attribute. */
function escapeHtml(text: string): string {
  return text.replace(/[&<>"]/g, (c) => ESCAPES[c] ?? c);
}

/**
 * The whole document: nothing but the nonce'd script may run (no inline script, no `on*` handlers), styles only from
 * the extension; the script builds the form into `#app`.
 */
export function formHtml(options: FormHtmlOptions): string {
  const { cspSource, nonce } = options;
  const csp = ["default-src 'none'", `style-src ${cspSource}`, `script-src 'nonce-${nonce}'`, `img-src ${cspSource} data:`, `font-src ${cspSource}`].join('; ');
  return `<!DOCTYPE html>
<html lang="${escapeHtml(htmlLanguage(options.language))}">
<head>
  <meta charset="UTF-8">
  <meta http-equiv="Content-Security-Policy" content="${escapeHtml(csp)}">
  <meta name="viewport" content="width=device-width, initial-scale=1.0">
  <link rel="stylesheet" href="${escapeHtml(options.styleUri)}">
  <title>${escapeHtml(options.title)}</title>
</head>
<body>
  <main id="app" aria-busy="true"><p class="loading">Loading…</p></main>
  <script nonce="${escapeHtml(nonce)}" src="${escapeHtml(options.scriptUri)}"></script>
</body>
</html>
`;
}
