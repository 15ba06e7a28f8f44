/**
 * The hosts of a plain http:// Redirect URI the sign-in listener receives: exactly those it binds (127.0.0.1, which
 * `localhost` reaches too). Another loopback host (`[::1]`, 127.0.0.2, `x.localhost`) would be sent as configured
 * but never reach the listener.
 * @see https://www.rfc-editor.org/rfc/rfc8252#section-7.3
 */
export function isListenerHost(hostname: string): boolean {
  return /^(127\.0\.0\.1|localhost)$/i.test(hostname);
}

/**
 * Where a loopback listener serves an invoker's Redirect URI (pure, so the form and the tests can use it): empty means
 * a free port and `/callback`; `http://127.0.0.1:PORT/path` (or localhost) that port and path; an https://
 * URI through code-server's port proxy (`/proxy/PORT/path`, `/absproxy/PORT/path`) that port and path, the URI then
 * sent as registered. Undefined when no listener can receive it (a `vscode://` URI, another https:// URL).
 * @see https://www.rfc-editor.org/rfc/rfc8252#section-7.3
 */
export function loopbackTarget(configuredRedirect: string): { port: number; path: string; sendAsIs: boolean } | undefined {
  if (configuredRedirect.trim() === '') {
    return { port: 0, path: '/callback', sendAsIs: false };
  }
  let url: URL;
  try {
    url = new URL(configuredRedirect.trim());
  } catch {
    return undefined;
  }
  if (url.protocol === 'http:' && isListenerHost(url.hostname)) {
    return { port: url.port === '' ? 0 : Number(url.port), path: url.pathname || '/callback', sendAsIs: false };
  }
  // A redirect registered through code-server's port proxy: listen on that port; send the URI as registered.
  const proxied = /^\/(?:abs)?proxy\/(\d{1,5})(\/.*)$/.exec(url.pathname);
  if (url.protocol === 'https:' && proxied !== null) {
    return { port: Number(proxied[1]), path: proxied[2], sendAsIs: true };
  }
  return undefined;
}
