import * as vscode from 'vscode';
import type { SystemProxySettings } from '../core/net/proxyRoute';

/** The `http.*` settings as VS Code's configuration returns them (any type: settings.json may hold anything). */
export interface HttpSettings {
  readonly proxy?: unknown;
  readonly noProxy?: unknown;
  readonly proxyStrictSSL?: unknown;
  readonly proxyAuthorization?: unknown;
  readonly proxySupport?: unknown;
}

/**
 * What an invoker's `proxy: system` means, from VS Code's own proxy settings. `http.proxySupport: off` turns proxies
 * off for extensions, the environment variables included; otherwise (`override`, `fallback`, `on`) `http.proxy` is
 * used, and without it HTTPS_PROXY / HTTP_PROXY / NO_PROXY (the core reads those).
 */
export function systemProxyFrom(http: HttpSettings): SystemProxySettings {
  if (http.proxySupport === 'off') {
    return { useEnvironment: false };
  }
  const text = (value: unknown): string | undefined => (typeof value === 'string' && value.trim() !== '' ? value.trim() : undefined);
  const proxy = text(http.proxy);
  const proxyAuthorization = text(http.proxyAuthorization);
  const noProxy = Array.isArray(http.noProxy) ? http.noProxy.filter((entry): entry is string => typeof entry === 'string' && entry.trim() !== '') : [];
  return {
    ...(proxy !== undefined ? { proxy } : {}),
    ...(noProxy.length > 0 ? { noProxy } : {}),
    strictSSL: http.proxyStrictSSL !== false,
    ...(proxyAuthorization !== undefined ? { proxyAuthorization } : {}),
  };
}

/** VS Code's proxy settings now: read on every Execute and discovery (cheap), so a changed setting applies at once. */
export function readSystemProxy(): SystemProxySettings {
  const http = vscode.workspace.getConfiguration('http');
  return systemProxyFrom({
    proxy: http.get('proxy'),
    noProxy: http.get('noProxy'),
    proxyStrictSSL: http.get('proxyStrictSSL'),
    proxyAuthorization: http.get('proxyAuthorization'),
    proxySupport: http.get('proxySupport'),
  });
}
