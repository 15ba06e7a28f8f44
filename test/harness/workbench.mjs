// Small helpers for Playwright end-to-end tests that use the workbench like a person would.
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';

/**
 * Opens the F1 palette on a command, its row the focused one, and runs `then` (Enter, and what follows) within the
 * same attempt. The palette lists the commands known when it opened: early after startup, reopen until ours is there.
 * A webview holding the focus forwards keys to the workbench asynchronously, may drop one, and may take the focus back
 * (which closes the palette): every step is bounded, and the whole is tried again until the deadline.
 * @param {import('playwright-core').Page} page
 * @param {string} title the command's title as the palette shows it
 * @param {{ typed?: boolean, timeoutMs?: number, then?: (input: import('playwright-core').Locator, left: (cap?: number) => number) => Promise<void> }} options
 *   `typed`: type the title key by key, as a person does (else it is filled in at once)
 * @returns {Promise<import('playwright-core').Locator>} the palette's input
 */
export async function openCommand(page, title, { typed = false, timeoutMs = 20_000, then = async () => undefined } = {}) {
  const input = page.locator('.quick-input-widget input.input');
  // Enter runs the focused row: wait until that is the one we asked for.
  const row = page.locator('.quick-input-list .monaco-list-row.focused', { hasText: title }).first();
  const deadline = Date.now() + timeoutMs;
  const left = (cap = 3000) => Math.max(1, Math.min(cap, deadline - Date.now()));
  for (;;) {
    try {
      await page.keyboard.press('F1');
      await input.waitFor({ state: 'visible', timeout: left() });
      if (typed) {
        await input.fill('>', { timeout: left() });
        // Typing a title key by key takes seconds on a busy machine: its own, longer bound.
        await input.pressSequentially(title, { timeout: left(15_000) });
      } else {
        await input.fill(`>${title}`, { timeout: left() });
      }
      await row.waitFor({ state: 'visible', timeout: left() });
      await then(input, left);
      return input;
    } catch (e) {
      if (Date.now() >= deadline) {
        throw e;
      }
      if (await input.isVisible()) {
        await page.keyboard.press('Escape');
        await input.waitFor({ state: 'hidden', timeout: left() }).catch(() => undefined);
      }
    }
  }
}

/**
 * Runs a command from the F1 palette by its title as shown there (e.g. 'OAuth 2.0: Get Token').
 * @param {import('playwright-core').Page} page
 * @param {string} title
 */
export async function runCommand(page, title, { timeoutMs = 20_000 } = {}) {
  const input = await openCommand(page, title, { timeoutMs });
  await input.press('Enter');
  await input.waitFor({ state: 'hidden', timeout: timeoutMs });
}

/**
 * Expands a view (a `.pane-header` with this title) unless it already is; returns the header.
 * @param {import('playwright-core').Page} page
 * @param {string} title
 */
export async function expandView(page, title, { timeoutMs = 15_000 } = {}) {
  const header = page.locator('.pane-header', { hasText: title }).first();
  await header.waitFor({ state: 'visible', timeout: timeoutMs });
  if ((await header.getAttribute('aria-expanded')) !== 'true') {
    await header.click();
    await page.locator('.pane-header[aria-expanded="true"]', { hasText: title }).first().waitFor({ state: 'visible', timeout: timeoutMs });
  }
  return header;
}

/**
 * Waits for a notification toast whose text matches and whose slide-in has finished; returns it.
 * @param {import('playwright-core').Page} page
 * @param {RegExp|string} text
 */
export async function waitForNotification(page, text, { timeoutMs = 15_000 } = {}) {
  const toast = page.locator('.notification-toast.notification-fade-in-done', { hasText: text }).first();
  await toast.waitFor({ state: 'visible', timeout: timeoutMs });
  return toast;
}

/**
 * The content frame of the (single visible) webview.
 * @param {import('playwright-core').Page} page
 * @returns {import('playwright-core').FrameLocator}
 */
export function webviewFrame(page) {
  return page.frameLocator('iframe.webview.ready').frameLocator('iframe#active-frame');
}

/**
 * Saves `<dir>/<name>.png` and returns its path.
 * @param {import('playwright-core').Page} page
 * @param {string} dir
 * @param {string} name
 */
export async function screenshot(page, dir, name) {
  mkdirSync(dir, { recursive: true });
  const path = join(dir, `${name}.png`);
  await page.screenshot({ path });
  return path;
}
