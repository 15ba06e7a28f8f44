// Debian chromium driven by playwright-core, opening code-server's workbench.
/* global Element */
import { join } from 'node:path';
import { chromium } from 'playwright-core';
import { isolatedEnv } from './codeServer.mjs';

export const CHROMIUM = process.env.OAUTH2_INVOKER_CHROMIUM || '/usr/bin/chromium';

/**
 * Persistent Chromium context on a (fresh) profile dir; Chromium's XDG dirs are kept inside it.
 * @param {string} profileDir
 * @param {{viewport?: {width: number, height: number}}} [opts]
 * @returns {Promise<import('playwright-core').BrowserContext>}
 */
export async function launchBrowser(profileDir, { viewport = { width: 1400, height: 900 } } = {}) {
  return chromium.launchPersistentContext(join(profileDir, 'chromium'), {
    executablePath: CHROMIUM,
    headless: true,
    viewport,
    args: [
      '--no-sandbox',
      '--disable-gpu',
      '--disable-quic',
      '--no-first-run',
      '--disable-background-networking',
      '--disable-component-update',
      '--disable-sync',
    ],
    env: isolatedEnv(join(profileDir, '.xdg')),
  });
}

/** `vscode-remote://host:port/<abs path>` for a path on the code-server machine. */
export function remoteUri(url, absPath) {
  return `vscode-remote://${new URL(url).host}${absPath.startsWith('/') ? '' : '/'}${absPath}`;
}

/**
 * Workbench URL. payload: {extensionDevelopmentPath?: string|string[], extensionTestsPath?: string, ...}
 * with absolute server paths (turned into vscode-remote URIs); other keys go through as strings.
 */
export function workbenchUrl(url, folder, payload) {
  const u = new URL(url);
  if (folder) {
    u.searchParams.set('folder', folder);
  }
  if (payload) {
    const pairs = [];
    for (const [key, value] of Object.entries({ skipWelcome: 'true', ...payload })) {
      for (const v of [value].flat()) {
        const isPath = key === 'extensionDevelopmentPath' || key === 'extensionTestsPath';
        pairs.push([key, isPath ? remoteUri(url, v) : String(v)]);
      }
    }
    u.searchParams.set('payload', JSON.stringify(pairs));
  }
  return u.toString();
}

/**
 * Opens the workbench in the context's page and resolves once `.monaco-workbench` is visible.
 * enableSmokeTestDriver (default: on when a payload is given; 1.139.1 ignores the payload without it,
 * 1.100.3 works either way): makes the page read developmentOptions.enableSmokeTestDriver=true from the
 * workbench configuration meta tag (code-server's CLI has no flag for it).
 * expose: functions to page.exposeFunction before navigating (e.g. codeAutomationLog / codeAutomationExit).
 * @param {import('playwright-core').BrowserContext} context
 * @param {string} url code-server base URL
 * @param {string} [folder] absolute folder to open
 * @param {{payload?: Record<string, string|string[]>, enableSmokeTestDriver?: boolean,
 *   expose?: Record<string, Function>, timeoutMs?: number}} [opts]
 * @returns {Promise<import('playwright-core').Page>}
 */
export async function openWorkbench(context, url, folder, { payload, enableSmokeTestDriver = Boolean(payload), expose = {}, timeoutMs = 60_000 } = {}) {
  const page = context.pages()[0] ?? (await context.newPage());
  if (enableSmokeTestDriver) {
    await page.addInitScript(() => {
      const getAttribute = Element.prototype.getAttribute;
      Element.prototype.getAttribute = function (name) {
        const value = getAttribute.call(this, name);
        if (name === 'data-settings' && value && this.id === 'vscode-workbench-web-configuration') {
          try {
            const config = JSON.parse(value);
            config.developmentOptions = { ...config.developmentOptions, enableSmokeTestDriver: true };
            return JSON.stringify(config);
          } catch {
            return value;
          }
        }
        return value;
      };
    });
  }
  for (const [name, fn] of Object.entries(expose)) {
    await page.exposeFunction(name, fn);
  }
  await page.goto(workbenchUrl(url, folder, payload));
  await page.locator('.monaco-workbench').waitFor({ state: 'visible', timeout: timeoutMs });
  return page;
}
