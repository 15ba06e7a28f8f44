#!/usr/bin/env node
// A person's path through the OAuth2 Invoker in a real VS Code (code-server) driven by Playwright in Debian chromium:
// palette -> form typed in -> Execute -> notification and Messages tree -> inline Copy -> clipboard token that the
// server says is active -> a wrong secret -> drafts that survive a closed tab and a reload -> a sign-in with
// Authorization Code + PKCE on the server's own pages in a browser tab, back through code-server's port proxy ->
// Copy Access Token and Insert Access Token Variable -> a Device Code sign-in with the code typed on the server's page
// -> another extension's session behind VS Code's consent dialog -> Sign Out in the Accounts menu -> an invoker from the
// settings without its secret, listed before anything ran, whose Run asks for the secret -> no secret anywhere.
//
//   node test/e2e/person.e2e.mjs [--vscode 1.100.3|1.139.1] [--readme-screenshots] [--vsix file]
//
// Needs `npm run package` (dist/oauth2-invoker.vsix, or --vsix) and `npm run compile-tests` (the oidc-provider fixture).
// Screenshots: $OAUTH2_INVOKER_SCREENSHOTS or test-results/screenshots/<VS Code version>/. --readme-screenshots
// also copies the form, tree and sign-in shots to media/screenshots/ for the README. Exit code 0 only if every step passed.
/* global document, navigator, window, fetch, URLSearchParams, getComputedStyle */
import { copyFileSync, existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, realpathSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { dirname, join, relative, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { launchBrowser, openWorkbench } from '../harness/browser.mjs';
import { ensureCodeServer, installVsix, linkExtension, resolveVersion, startCodeServer } from '../harness/codeServer.mjs';
import { openCommand, runCommand, screenshot, waitForNotification, webviewFrame } from '../harness/workbench.mjs';

const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '..', '..');
const FIXTURE = join(ROOT, 'out', 'test', 'fixtures', 'oidcServer.js');
/** Another extension asking for sessions of the invoker's authentication provider (issue 13). */
const CONSUMER = join(ROOT, 'test', 'fixtures', 'consumerExtension');
const NEW_INVOKER = 'OAuth2 Invoker: New Invoker';
const MASK = '\u2022'.repeat(8); // what the tree shows for a token
const WEB_STORAGE_NOTICE = /In the browser, VS Code keeps secrets in the browser's own storage/;
const DRAFT = { name: 'draft-e2e', url: 'https://login.example.test/oauth2/token' };
const EXCHANGER = { clientId: 'e2e-exchanger', clientSecret: 'xch:s3cr+t/%41&x=1' };
/** An invoker in the settings from the start, without its secret (issue 21: the first Execute asks for it). */
const ASKS = (oidc) => ({
  name: 'e2e-asks',
  authorizationServerUrl: oidc.tokenEndpoint,
  grantType: 'client_credentials',
  clientId: oidc.basicClient.clientId,
  scope: 'api:read',
});

const { values: args } = parseArgs({
  options: {
    vscode: { type: 'string', default: '1.100.3' },
    vsix: { type: 'string', default: join(ROOT, 'dist', 'oauth2-invoker.vsix') },
    'readme-screenshots': { type: 'boolean', default: false },
  },
});
const VSIX = resolve(args.vsix);
const { vscode: vscodeVersion, codeServer: codeServerVersion } = resolveVersion(args.vscode);
const shotsDir = resolve(process.env.OAUTH2_INVOKER_SCREENSHOTS || join(ROOT, 'test-results', 'screenshots', vscodeVersion));

// ---- Steps: one line each, later steps skipped when one they need failed ------------------------------------

const results = [];
let page; // the workbench page, once open
let failureShot = false;

async function step(title, needs, fn) {
  const number = results.length + 1;
  const missing = needs.filter((n) => !results[n - 1]?.ok);
  if (missing.length > 0) {
    results.push({ ok: false });
    console.log(`SKIP ${number} ${title} (step ${missing.join(', ')} failed)`);
    return;
  }
  const started = Date.now();
  try {
    const detail = await fn();
    results.push({ ok: true });
    console.log(`ok   ${number} ${title}${detail ? ` — ${detail}` : ''} (${((Date.now() - started) / 1000).toFixed(1)} s)`);
  } catch (error) {
    results.push({ ok: false });
    const message = (error instanceof Error ? error.message : String(error)).split('\n').slice(0, 6).join('\n     ');
    console.log(`FAIL ${number} ${title} (${((Date.now() - started) / 1000).toFixed(1)} s)\n     ${message}`);
    if (page && !failureShot) {
      failureShot = true;
      await shot(`${String(number).padStart(2, '0')}-FAILED`).catch(() => {});
    }
    // A sign-in tab a failed step left open would keep the workbench from the next step's keys.
    for (const other of page
      ?.context()
      .pages()
      .filter((p) => p !== page) ?? []) {
      await other.close().catch(() => {});
    }
    await page?.bringToFront().catch(() => {});
  }
}

function check(condition, message) {
  if (!condition) {
    throw new Error(message);
  }
}

// ---- Screenshots, and the text a person could have seen in each --------------------------------------------

const shots = [];
const seenText = [];

/** Everything on screen as text: the page's HTML and every frame's HTML, visible text and non-password values. */
async function pageText(of = page) {
  const parts = [await of.content()];
  for (const frame of of.frames()) {
    parts.push(
      await frame
        .evaluate(() =>
          [
            document.documentElement?.outerHTML ?? '',
            document.body?.innerText ?? '',
            ...[...document.querySelectorAll('input:not([type=password]), textarea')].map((e) => e.value),
          ].join('\n'),
        )
        .catch(() => ''),
    ); // a frame going away meanwhile
  }
  return parts.join('\n');
}

/**
 * Saves a screenshot of the workbench (or of another page: the server's sign-in pages) and keeps its text for the
 * secrets step. `shows`: what the screenshot rightly shows (a token the person put into a .http file).
 */
async function shot(name, { of = page, shows = [] } = {}) {
  const file = await screenshot(of, shotsDir, name);
  shots.push(file);
  seenText.push({ name, text: await pageText(of), shows });
  return file;
}

// ---- Small helpers ---------------------------------------------------------------------------------------------

/**
 * Opens the palette and types a command's title like a person; returns once its row is the focused one, so the
 * palette can be photographed before Enter (the harness's runCommand, used everywhere else, presses Enter at once).
 */
function typeInPalette(title, { timeoutMs = 30_000 } = {}) {
  return openCommand(page, title, { typed: true, timeoutMs });
}

/**
 * "New Invoker" first offers provider presets; a person wanting a blank form takes the first item, "Blank invoker",
 * with Enter. Call with the preset pick open.
 */
async function pickBlankInvoker() {
  const input = page.locator('.quick-input-widget input.input');
  await page.locator('.quick-input-list .monaco-list-row.focused', { hasText: 'Blank invoker' }).waitFor();
  await input.press('Enter');
  await input.waitFor({ state: 'hidden' });
}

/** Palette -> "New Invoker" -> "Blank invoker". */
async function newBlankInvoker() {
  const input = await typeInPalette(NEW_INVOKER);
  await input.press('Enter');
  await pickBlankInvoker();
}

/** A form field by its label, typed into the way a person does: click, then keys (delay: ms between keys). */
async function typeInto(form, label, text, { delay = 0 } = {}) {
  const input = form.getByLabel(label, { exact: true });
  await input.click();
  await input.pressSequentially(text, { delay });
  return input;
}

async function formValues(form) {
  const ids = ['name', 'authorizationServerUrl', 'grantType', 'clientId', 'clientSecret', 'scope', 'targetMessage'];
  return Object.fromEntries(await Promise.all(ids.map(async (id) => [id, await form.locator(`#f-${id}`).inputValue()])));
}

/** The Messages tree's rows as "label description" lines. */
async function treeRows() {
  return page.locator('.part.sidebar .monaco-list-row').evaluateAll((rows) =>
    rows.map((r) =>
      ['.label-name', '.label-description']
        .map((c) => r.querySelector(c)?.textContent?.trim() ?? '')
        .filter(Boolean)
        .join(' '),
    ),
  );
}

const NOT_COPIED = 'e2e: not copied yet';

/** Clears the clipboard to a sentinel, runs `copy`, and returns what it put there (waits until it is there). */
async function copiedBy(copy) {
  await page.evaluate((sentinel) => navigator.clipboard.writeText(sentinel), NOT_COPIED);
  await copy();
  // Polled from here: page.waitForFunction does not await an async predicate (its Promise counts as truthy).
  for (const deadline = Date.now() + 5000; Date.now() < deadline; await new Promise((r) => setTimeout(r, 50))) {
    const text = await page.evaluate(() => navigator.clipboard.readText().catch(() => ''));
    if (text !== '' && text !== NOT_COPIED) {
      return text;
    }
  }
  throw new Error('nothing was copied to the clipboard');
}

async function waitForTreeRow(text, { timeoutMs = 10_000 } = {}) {
  const row = page.locator('.part.sidebar .monaco-list-row', { hasText: text }).first();
  await row.waitFor({ state: 'visible', timeout: timeoutMs });
  return row;
}

/** Waits until the new-invoker form shows the draft and its banner; otherwise says what it shows. */
async function expectDraftRestored(form, when, { timeoutMs = 8000 } = {}) {
  const banner = form.locator('#banner', { hasText: 'Unsaved changes restored' });
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const values = await formValues(form).catch(() => ({}));
    const shown = await banner.isVisible().catch(() => false);
    if (shown && values.name === DRAFT.name && values.authorizationServerUrl === DRAFT.url) {
      check(values.clientId === '' && values.clientSecret === '', 'the draft form holds a client id or secret');
      return;
    }
    if (Date.now() > deadline) {
      throw new Error(
        `${when} the form shows name "${values.name}", URL "${values.authorizationServerUrl}", ${shown ? 'with' : 'without'} the "Unsaved changes restored" banner`,
      );
    }
    await new Promise((r) => setTimeout(r, 100));
  }
}

/** RFC 6749 §2.3.1: client id and secret are form-urlencoded before Basic encoding. */
function basicAuth(id, secret) {
  const encode = (s) => new URLSearchParams([['', s]]).toString().slice(1);
  return `Basic ${Buffer.from(`${encode(id)}:${encode(secret)}`, 'utf8').toString('base64')}`;
}

/** The ways a secret could show up in a page, a log or a file. */
function forms(secret, clientId) {
  const html = secret.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;');
  const variants = [secret, html, encodeURIComponent(secret), new URLSearchParams([['', secret]]).toString().slice(1), JSON.stringify(secret).slice(1, -1)];
  if (clientId !== undefined) {
    variants.push(basicAuth(clientId, secret).slice(6), Buffer.from(`${clientId}:${secret}`, 'utf8').toString('base64'));
  }
  return [...new Set(variants)];
}

function filesBelow(folder) {
  if (!existsSync(folder)) {
    return [];
  }
  return readdirSync(folder, { withFileTypes: true }).flatMap((e) => {
    const full = join(folder, e.name);
    return e.isDirectory() ? filesBelow(full) : e.isFile() ? [full] : [];
  });
}

/** The files (or files below the folders) in `paths` that hold any of the secrets, in any of their forms. */
function filesHolding(paths, secrets) {
  const hits = [];
  for (const file of paths.filter(existsSync).flatMap((p) => (statSync(p).isDirectory() ? filesBelow(p) : [p]))) {
    const text = readFileSync(file).toString('latin1') + readFileSync(file, 'utf8');
    for (const s of secrets) {
      if (s.forms.some((f) => text.includes(f))) {
        hits.push(`${s.what} in ${file}`);
      }
    }
  }
  return hits;
}

/** A port free on 127.0.0.1 now: the sign-in invoker's fixed redirect port, registered at the server beforehand. */
async function freePort() {
  const probe = createServer();
  await new Promise((r) => probe.listen(0, '127.0.0.1', r));
  const { port } = probe.address();
  await new Promise((r) => probe.close(r));
  return port;
}

/** Clicks a dialog's button when VS Code asks before opening a browser tab (link protection, a blocked popup). */
async function allowOpening() {
  const open = page.locator('.monaco-dialog-box .monaco-button', { hasText: /^Open/ }).first();
  if (await open.isVisible().catch(() => false)) {
    await open.click();
    return true;
  }
  return false;
}

/**
 * A person at the authorization server's own pages (oidc-provider's device code pages, the fixture's login and consent
 * pages) in a browser tab: types the user code, then the user's login and password, allows, until `done(tab)`.
 * Each page is photographed once (`prefix`); returns the pages' titles in order.
 */
async function signInAtServer(tab, { user, userCode, prefix, done, timeoutMs = 30_000 }) {
  const seen = [];
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    await tab.waitForLoadState('load', { timeout: Math.max(1, deadline - Date.now()) });
    if (await done(tab)) {
      await shot(`${prefix}-${seen.length + 1}-done`, { of: tab });
      return seen;
    }
    check(Date.now() < deadline, `the server's pages did not finish: ${seen.join(' -> ')}, now at "${await tab.title()}" ${new URL(tab.url()).pathname}`);
    const title = await tab.title();
    const submit = async (button) => {
      await shot(`${prefix}-${seen.length}-${title.toLowerCase().replace(/\W+/g, '-')}`, { of: tab });
      const navigated = tab.waitForEvent('framenavigated', { predicate: (f) => f === tab.mainFrame(), timeout: Math.max(1, deadline - Date.now()) });
      await button.click();
      await navigated;
    };
    seen.push(title);
    if (title === 'Enter code') {
      check(userCode !== undefined, 'the server asks for a user code');
      await tab.locator('input[name=user_code]').pressSequentially(userCode);
      await submit(tab.getByRole('button', { name: 'Continue' }));
    } else if (title === 'Confirm code') {
      const shown = await tab.locator('code').innerText();
      check(shown.replace(/\W/g, '') === userCode.replace(/\W/g, ''), `the server confirms the code ${shown}, not ${userCode}`);
      await submit(tab.getByRole('button', { name: 'Continue' }));
    } else if (title === 'Sign in') {
      await tab.getByLabel('Username').pressSequentially(user.username);
      await tab.getByLabel('Password').pressSequentially(user.password);
      check((await tab.getByLabel('Password').getAttribute('type')) === 'password', 'the password field is not masked');
      await submit(tab.getByRole('button', { name: 'Sign in' }));
    } else if (title === 'Allow access?') {
      await submit(tab.getByRole('button', { name: 'Allow' }));
    } else {
      throw new Error(`unexpected page "${title}" at ${new URL(tab.url()).pathname}: ${(await tab.locator('body').innerText()).slice(0, 200)}`);
    }
  }
}

/** The text of the active editor's visible lines (a small file fits), as the person reads it. */
async function editorText() {
  const lines = await page.locator('.editor-group-container.active .monaco-editor .view-lines .view-line').evaluateAll((all) =>
    all
      .map((l) => ({ top: parseFloat(l.style.top) || 0, text: (l.textContent ?? '').replace(/\u00a0/g, ' ') }))
      .sort((a, b) => a.top - b.top)
      .map((l) => l.text),
  );
  return lines.join('\n');
}

// ---- The run ---------------------------------------------------------------------------------------------------

async function main() {
  for (const [file, hint] of [
    [VSIX, 'npm run package'],
    [FIXTURE, 'npm run compile-tests'],
  ]) {
    if (!existsSync(file)) {
      console.error(`missing ${relative(ROOT, file)}: run \`${hint}\` first`);
      return 2;
    }
  }
  const newer = ['src', 'media', 'package.json']
    .flatMap((p) => (statSync(join(ROOT, p)).isDirectory() ? filesBelow(join(ROOT, p)) : [join(ROOT, p)]))
    .filter((f) => !f.includes(`${join('media', 'screenshots')}`) && statSync(f).mtimeMs > statSync(VSIX).mtimeMs);
  if (newer.length > 0) {
    console.log(
      `warning: ${relative(ROOT, VSIX)} is older than ${newer.length} source file(s), e.g. ${relative(ROOT, newer[0])}: \`npm run package\` to test them`,
    );
  }
  mkdirSync(shotsDir, { recursive: true });
  for (const old of readdirSync(shotsDir).filter((f) => /^\d\d-.+\.png$/.test(f))) {
    rmSync(join(shotsDir, old));
  }
  await ensureCodeServer(codeServerVersion); // a first install takes minutes; not part of the run's time

  const { startOidcServer } = createRequire(import.meta.url)(FIXTURE);
  const root = realpathSync(mkdtempSync(join(tmpdir(), 'oauth2-invoker-e2e-')));
  const userDataDir = join(root, 'user-data');
  const extensionsDir = join(root, 'extensions');
  const workspace = join(root, 'workspace');
  const serverDir = join(root, 'server');
  const removeRoot = () => {
    // also on Ctrl-C, when `finally` does not run (the harness's exit hook kills code-server)
    if (!process.env.OAUTH2_INVOKER_KEEP_TMP) {
      rmSync(root, { recursive: true, force: true, maxRetries: 3 });
    }
  };
  process.on('exit', removeRoot);
  const started = Date.now();
  let oidc;
  let server;
  let context;
  let token;
  let tokenBeforeReload;
  let redirectPort;
  let codeToken; // the Authorization Code sign-in's access token
  let deviceToken; // the Device Code sign-in's
  let consumerToken; // what the other extension got
  let exchangedToken; // the Token Exchange's
  /** RFC 7662 introspection by the resource server, authenticated as RFC 6749 §2.3.1 says. */
  const introspect = async (value) => {
    const response = await fetch(oidc.introspectionEndpoint, {
      method: 'POST',
      headers: {
        authorization: basicAuth(oidc.resourceServer.clientId, oidc.resourceServer.clientSecret),
        'content-type': 'application/x-www-form-urlencoded',
        accept: 'application/json',
      },
      body: new URLSearchParams({ token: value, token_type_hint: 'access_token' }).toString(),
    });
    check(response.status === 200, `introspection answered ${response.status}`);
    return response.json();
  };
  /**
   * After a reload or a restart the workbench restores its layout by itself, the side bar sometimes hidden. A click on
   * the container's icon toggles it (and may hide it again while the layout settles): focus the view as a person
   * does from the palette instead, which only ever shows it.
   */
  const showMessagesView = async () => {
    const row = page.locator('.part.sidebar .monaco-list-row', { hasText: 'DJMOUT' }).first();
    const deadline = Date.now() + 30_000;
    // The layout may settle after the view first shows (hiding the side bar again): look until the row stays.
    for (;;) {
      if (await row.isVisible()) {
        await page.waitForTimeout(1_500);
        if (await row.isVisible()) {
          return;
        }
      }
      check(Date.now() < deadline, 'the Messages view did not come back');
      await runCommand(page, 'OAuth2 Invoker: Focus on Messages View');
      await row.waitFor({ timeout: 3_000 }).catch(() => undefined);
    }
  };

  const wrongSecret = () => `${oidc.basicClient.clientSecret.slice(0, -1)}!`; // the real one with a typo
  console.log(`e2e: VS Code ${vscodeVersion} (code-server ${codeServerVersion}); screenshots in ${shotsDir}`);
  try {
    await step('start: oidc-provider, the VSIX installed into a fresh code-server, chromium with clipboard permissions', [], async () => {
      // The sign-in client's redirect URI is what the extension sends under code-server for a fixed loopback port:
      // code-server's port proxy (any code-server port: a native client's loopback redirect, RFC 8252 §7.3).
      redirectPort = await freePort();
      oidc = await startOidcServer({
        signIn: { redirectUris: [`http://127.0.0.1/proxy/${redirectPort}/callback`] },
        // Token Exchange (issue 12): a client that may exchange, authenticating with its secret in the body.
        extensionGrants: true,
        clients: { extra: [{ ...EXCHANGER, authMethod: 'client_secret_post', grantTypes: ['token_exchange'], scope: 'api:read' }] },
      });
      mkdirSync(workspace, { recursive: true });
      // Linked first: the VSIX install then lists it in the extensions dir's extensions.json (linked after, it is not loaded).
      linkExtension({ extensionsDir, extensionPath: CONSUMER });
      await installVsix({ version: codeServerVersion, userDataDir, extensionsDir, vsix: VSIX });
      server = await startCodeServer({
        version: codeServerVersion,
        userDataDir,
        extensionsDir,
        folder: workspace,
        workDir: serverDir,
        // Issue 21: an invoker in the settings without its secret, as `npm start` adds its demo invokers.
        settings: { 'oauth2Invoker.invokers': [ASKS(oidc)] },
      });
      context = await launchBrowser(join(root, 'browser'));
      await context.grantPermissions(['clipboard-read', 'clipboard-write'], { origin: server.url });
      page = await openWorkbench(context, server.url, workspace);
      page.setDefaultTimeout(15_000);
      // The OAuth2 Invoker view, made wider (the sash, like a person) so its descriptions fit in the screenshots.
      await page.locator('.activitybar .action-label[aria-label^="OAuth2 Invoker"]').click();
      await page.locator('.part.sidebar .composite.title', { hasText: /OAuth2 Invoker: Messages/i }).waitFor();
      // Before anything ran, the view lists the invoker from the settings, with its Run action (issue 21).
      await page.locator('.part.sidebar .monaco-list-row', { hasText: /e2e-asks.*not run yet/ }).waitFor();
      const box = await page.locator('.part.sidebar').boundingBox();
      const sashes = await page.locator('.monaco-sash.vertical').evaluateAll((all) =>
        all
          .map((e) => e.getBoundingClientRect())
          .filter((r) => r.height > 200)
          .map((r) => r.x + r.width / 2),
      );
      const sash = sashes.sort((a, b) => Math.abs(a - box.x - box.width) - Math.abs(b - box.x - box.width))[0] ?? box.x + box.width;
      await page.mouse.move(sash, box.y + box.height / 2);
      await page.mouse.down();
      await page.mouse.move(sash + 160, box.y + box.height / 2, { steps: 5 });
      await page.mouse.up();
      return `${oidc.issuer}, ${server.url}`;
    });

    const form = webviewFrame(page);

    await step(`palette: "${NEW_INVOKER}", then "Blank invoker" among the presets, opens the form`, [1], async () => {
      const input = await typeInPalette(NEW_INVOKER);
      await shot('01-palette-new-invoker');
      await input.press('Enter');
      await page.locator('.quick-input-list .monaco-list-row', { hasText: 'Keycloak' }).waitFor();
      await shot('01-new-invoker-presets');
      await pickBlankInvoker();
      await page.locator('.tabs-container .tab.active', { hasText: 'New OAuth2 Invoker' }).waitFor();
      await form.locator('#heading', { hasText: 'New invoker' }).waitFor();
      await form.getByLabel('Name', { exact: true }).waitFor();
    });

    await step('form: typed in — name, token endpoint, Client Credentials, client id, secret (masked), scope', [2], async () => {
      await typeInto(form, 'Name', 'demo');
      await typeInto(form, 'Authorization Server URL', oidc.tokenEndpoint);
      await form.getByLabel('Authorization Grant Type', { exact: true }).selectOption({ label: 'Client Credentials Grant' });
      await typeInto(form, 'Client ID', oidc.basicClient.clientId);
      const secret = await typeInto(form, 'Client Secret', oidc.basicClient.clientSecret);
      await typeInto(form, 'Scope', 'api:read');
      const values = await formValues(form);
      const expected = {
        name: 'demo',
        authorizationServerUrl: oidc.tokenEndpoint,
        grantType: 'client_credentials',
        clientId: oidc.basicClient.clientId,
        clientSecret: oidc.basicClient.clientSecret,
        scope: 'api:read',
        targetMessage: 'DJMOUT',
      };
      check(JSON.stringify(values) === JSON.stringify(expected), `the form holds ${JSON.stringify({ ...values, clientSecret: values.clientSecret.length })}`);
      check((await secret.getAttribute('type')) === 'password', 'the Client Secret field is not a password field');
      await secret.scrollIntoViewIfNeeded();
      await shot('02-form-filled-secret-masked');
    });

    await step('execute: a notification says the token was received; Messages shows DJMOUT > AccessToken (masked)', [3], async () => {
      await form.getByRole('button', { name: 'Execute', exact: true }).click();
      const toast = await waitForNotification(page, /DJMOUT\.AccessToken received from "demo"/);
      const status = form.locator('#status.ok');
      await status.waitFor();
      check(/AccessToken received/.test(await status.innerText()), 'the form does not say the token was received');
      const message = await waitForTreeRow('DJMOUT');
      check(/^DJMOUT · demo.*expires in/.test(await message.innerText()), `DJMOUT reads "${await message.innerText()}"`);
      const accessToken = await waitForTreeRow('AccessToken');
      check((await accessToken.innerText()).includes(MASK), `the AccessToken row is not masked: "${await accessToken.innerText()}"`);
      check(await form.locator('#f-clientSecret-status', { hasText: 'Stored' }).isVisible(), 'the form does not say the secret is stored');
      // In the browser, SecretStorage is the browser's: the first stored secret brings that notice, once (issue 9).
      const notice = await waitForNotification(page, WEB_STORAGE_NOTICE);
      await notice.hover();
      await notice.locator('.codicon-notifications-clear').click();
      await notice.waitFor({ state: 'detached' });
      await form.locator('body').hover(); // scroll the form back up, as one does to look at it
      await page.mouse.wheel(0, -2000);
      await form.locator('#heading', { hasText: 'demo' }).waitFor();
      await toast.waitFor();
      await page.locator('.notification-toast', { hasText: 'Executing OAuth2 invoker' }).waitFor({ state: 'detached' }); // fading out
      await shot('03-executed-notification-form-tree');
      return (await treeRows()).join(' | ');
    });

    await step("copy: the AccessToken row's inline Copy puts a token on the clipboard that the server says is active", [4], async () => {
      const row = await waitForTreeRow('AccessToken');
      await row.hover();
      const copy = row.getByRole('button', { name: 'Copy Access Token' });
      await copy.waitFor();
      await shot('04-tree-accesstoken-actions');
      token = await copiedBy(async () => {
        await copy.click();
        await waitForNotification(page, /Copied the access token of DJMOUT \(demo\)/);
      });
      check(/^[\w.~+/=-]{16,}$/.test(token), `the clipboard holds no token (${token.length} characters)`);
      await shot('05-copied-notification');
      const introspection = await introspect(token);
      check(introspection.active === true, `the token is not active: ${JSON.stringify(introspection)}`);
      check(introspection.client_id === oidc.basicClient.clientId, `the token belongs to ${introspection.client_id}`);
      check(String(introspection.scope).split(' ').includes('api:read'), `the token's scope is ${introspection.scope}`);
      return `active, client_id ${introspection.client_id}, scope ${introspection.scope}`;
    });

    await step('wrong secret: an error notification shows invalid_client; the form keeps what was typed; the tree shows the failure', [4], async () => {
      await form.getByRole('button', { name: 'Replace Client Secret' }).click();
      const secret = form.getByLabel('Client Secret', { exact: true });
      await secret.pressSequentially(wrongSecret());
      await shot('06-wrong-secret-typed-masked');
      await form.getByRole('button', { name: 'Execute', exact: true }).click();
      const toast = await waitForNotification(page, /invalid_client/);
      const status = form.locator('#status.failed');
      await status.waitFor();
      const values = await formValues(form);
      const kept = {
        name: 'demo',
        authorizationServerUrl: oidc.tokenEndpoint,
        grantType: 'client_credentials',
        clientId: oidc.basicClient.clientId,
        scope: 'api:read',
      };
      for (const [key, value] of Object.entries(kept)) {
        check(values[key] === value, `the form lost ${key}: "${values[key]}"`);
      }
      check((await status.innerText()).includes('invalid_client'), `the form's result line reads "${await status.innerText()}"`);
      // Issue 21: the error and its hint stay one line (the whole text is its tooltip and the notification's).
      const lines = await status.evaluate((e) => Math.round(e.getBoundingClientRect().height / parseFloat(getComputedStyle(e).lineHeight)));
      check(lines === 1, `the form's result line takes ${lines} lines`);
      await waitForTreeRow(/DJMOUT.*failed/);
      await waitForTreeRow(/error\s*invalid_client/);
      check(!(await treeRows()).some((r) => r.startsWith('AccessToken')), 'the failed message still shows an AccessToken');
      await toast.waitFor();
      await shot('07-wrong-secret-error-notification-form-tree');
      return `"${(await toast.innerText()).split('\n').find((l) => l.includes('invalid_client'))}"; tree: ${(await treeRows()).join(' | ')}`;
    });

    await step("right secret again: Execute succeeds and the palette's Copy Access Token copies the new token", [6], async () => {
      await form.getByRole('button', { name: 'Replace Client Secret' }).click();
      await form.getByLabel('Client Secret', { exact: true }).pressSequentially(oidc.basicClient.clientSecret);
      await form.getByRole('button', { name: 'Execute', exact: true }).click();
      // "Saved to User settings." is an ok status too: wait for the Execute's own line.
      await form.locator('#status.ok', { hasText: 'AccessToken received' }).waitFor();
      await waitForTreeRow(/DJMOUT.*expires in/);
      tokenBeforeReload = await copiedBy(() => runCommand(page, 'OAuth2 Invoker: Copy Access Token'));
      check(tokenBeforeReload !== token, 'the palette copied the old token');
      const introspection = await introspect(tokenBeforeReload);
      check(introspection.active === true, `the new token is not active: ${JSON.stringify(introspection)}`);
      check((await page.locator('.notification-toast', { hasText: WEB_STORAGE_NOTICE }).count()) === 0, 'the browser-storage notice came again');
      await shot('07b-right-secret-executed');
    });

    await step('draft: a name and URL typed into a new form, tab closed at once, are back on New Invoker with the banner', [2], async () => {
      await newBlankInvoker();
      const tab = page.locator('.tabs-container .tab', { hasText: 'New OAuth2 Invoker' });
      await tab.waitFor();
      await form.locator('#heading', { hasText: 'New invoker' }).waitFor();
      check((await form.getByLabel('Name', { exact: true }).inputValue()) === '', 'the new form is not empty');
      // Typed at 30 ms a key (a fast typist's pace; back-to-back CDP keys starve the webview's message queue, which
      // no person can do) and the tab closed right after the last key: well inside the form's old 300 ms debounce.
      await typeInto(form, 'Name', DRAFT.name, { delay: 30 });
      await typeInto(form, 'Authorization Server URL', DRAFT.url, { delay: 30 });
      await tab.hover();
      await tab.getByRole('button', { name: /^Close/ }).click();
      await tab.waitFor({ state: 'detached' });
      // The invoker's own tab is active again; wait until its form has loaded (and taken focus) before F1.
      await form.locator('#heading', { hasText: 'demo' }).waitFor();
      await newBlankInvoker();
      await form.locator('#heading', { hasText: 'New invoker' }).waitFor();
      await expectDraftRestored(form, 'reopened,');
      await shot('08-draft-restored-after-close');
    });

    await step('draft: still there after "Developer: Reload Window" and New Invoker', [8], async () => {
      await page.evaluate(() => {
        window.__e2eBeforeReload = true;
      });
      const reloaded = page.waitForEvent('framenavigated', { predicate: (f) => f === page.mainFrame(), timeout: 30_000 });
      await runCommand(page, 'Developer: Reload Window');
      await reloaded;
      await page.locator('.monaco-workbench').waitFor({ timeout: 60_000 });
      check(await page.evaluate(() => window.__e2eBeforeReload === undefined), 'the window did not reload');
      await newBlankInvoker();
      await page.locator('.tabs-container .tab.active', { hasText: 'New OAuth2 Invoker' }).waitFor();
      await form.locator('#heading', { hasText: 'New invoker' }).waitFor({ timeout: 20_000 });
      await expectDraftRestored(form, 'after the reload');
      await shot('09-draft-restored-after-reload');
    });

    await step('restored: after the reload, Messages shows DJMOUT from secret storage and its token still works, with no new request', [7, 9], async () => {
      const requestsBefore = oidc.tokenRequests();
      await showMessagesView();
      await waitForTreeRow(/DJMOUT.*demo.*expires in/);
      await waitForTreeRow('AccessToken');
      const restored = await copiedBy(() => runCommand(page, 'OAuth2 Invoker: Copy Access Token'));
      check(restored === tokenBeforeReload, 'the token after the reload is not the one from before it');
      check(oidc.tokenRequests() === requestsBefore, `the reload cost ${oidc.tokenRequests() - requestsBefore} token request(s)`);
      const introspection = await introspect(restored);
      check(introspection.active === true, `the restored token is not active: ${JSON.stringify(introspection)}`);
      await shot('10-restored-after-reload');
      return `DJMOUT restored; its token is active (${introspection.client_id}) and no token request was sent`;
    });

    await step(
      'restart: code-server stopped and started again at the same address; DJMOUT and its token are still there, with no new request',
      [10],
      async () => {
        // In the browser, SecretStorage is sealed into the page origin's localStorage with a key half that code-server
        // keeps in its user-data dir: the same address and browser profile find the secrets again (README, Secrets).
        const port = server.port;
        await server.stop();
        server = await startCodeServer({ version: codeServerVersion, userDataDir, extensionsDir, folder: workspace, workDir: serverDir, preferredPort: port });
        check(server.port === port, `code-server came back on port ${server.port}, not ${port}`);
        const requestsBefore = oidc.tokenRequests();
        await page.goto(`${server.url}/?folder=${encodeURIComponent(workspace)}`);
        await page.locator('.monaco-workbench').waitFor({ timeout: 60_000 });
        // The status bar shows the active invoker's restored token; the palette's Copy Access Token reads the store.
        await page
          .locator('.statusbar-item', { hasText: /demo: / })
          .first()
          .waitFor({ timeout: 30_000 });
        const restored = await copiedBy(() => runCommand(page, 'OAuth2 Invoker: Copy Access Token'));
        check(restored === tokenBeforeReload, 'the token after the restart is not the one from before it');
        check(oidc.tokenRequests() === requestsBefore, `the restart cost ${oidc.tokenRequests() - requestsBefore} token request(s)`);
        await shot('10b-restored-after-server-restart');
        return 'DJMOUT and its token restored after a restart of code-server at the same address';
      },
    );

    /** Palette -> "New Invoker" (retried while a webview holds the keys) -> "Blank invoker". */
    /**
     * Runs a palette command whose next question comes up in the same quick input (runCommand would wait for the
     * palette to close): returns once `next` shows. As runCommand does, every step is bounded and the whole tried again:
     * a webview that just became active (the form a closed editor uncovered) may drop F1 or take the focus back.
     */
    const commandThen = (title, next) =>
      openCommand(page, title, {
        timeoutMs: 30_000,
        then: async (input, left) => {
          await input.press('Enter', { timeout: left() });
          await next.waitFor({ timeout: left() });
        },
      });

    /** Palette -> "New Invoker" -> "Blank invoker". */
    const newInvokerFromPalette = async () => {
      await commandThen(NEW_INVOKER, page.locator('.quick-input-list .monaco-list-row.focused', { hasText: 'Blank invoker' }));
      await pickBlankInvoker();
      await form.locator('#heading', { hasText: 'New invoker' }).waitFor({ timeout: 20_000 });
    };

    /** A form field emptied (a restored draft may fill it) and typed into like a person. */
    const retype = async (label, text) => {
      const input = form.getByLabel(label, { exact: true });
      await input.fill('');
      await input.click();
      await input.pressSequentially(text);
    };

    await step(
      'sign-in form: New Invoker, grant "Authorization Code with PKCE", authorization endpoint, token URL, public client, the fixed redirect URI registered at the server, scope openid',
      [1],
      async () => {
        await newInvokerFromPalette();
        await retype('Name', 'signin-code');
        await retype('Authorization Server URL', oidc.tokenEndpoint);
        await form.getByLabel('Authorization Grant Type', { exact: true }).selectOption({ label: 'Authorization Code with PKCE (sign in in the browser)' });
        await retype('Authorization Endpoint URL', oidc.authorizationEndpoint);
        await retype('Redirect URI', `http://127.0.0.1:${redirectPort}/callback`);
        await retype('Client ID', oidc.appClient.clientId);
        await retype('Scope', 'openid api:read');
        check(!(await form.getByLabel('Device Authorization Endpoint', { exact: true }).isVisible()), 'the form shows the device endpoint for the code grant');
        check((await form.getByLabel('Client Secret', { exact: true }).inputValue()) === '', 'the public client has a secret typed');
        await shot('11-signin-code-form');
      },
    );

    await step(
      "sign-in, Authorization Code: Execute opens the server's login page in a new tab; the user's login, password and Allow; the browser lands on code-server's /proxy/PORT/callback; the tree shows the token",
      [12],
      async () => {
        const logins = oidc.interactions().logins;
        const authorizationRequests = [];
        const startRequests = [];
        const onRequest = (request) => {
          if (request.url().startsWith(`${oidc.authorizationEndpoint}?`)) {
            authorizationRequests.push(request.url());
          } else if (request.url().startsWith(`${server.url}/proxy/${redirectPort}/`) && !request.url().includes('/callback')) {
            startRequests.push(request.url());
          }
        };
        page.context().on('request', onRequest);
        const opened = page.context().waitForEvent('page', { timeout: 20_000 });
        await form.getByRole('button', { name: 'Execute', exact: true }).click();
        // VS Code may ask before it opens a website (link protection, a blocked popup): a person clicks Open.
        let tab;
        opened.then((p) => (tab = p)).catch(() => undefined);
        for (const deadline = Date.now() + 20_000; tab === undefined; await page.waitForTimeout(100)) {
          check(Date.now() < deadline, 'no browser tab opened for the sign-in');
          await allowOpening();
        }
        // code-server's opener sends every localhost/127.0.0.1 URL through its port proxy (4.100 drops the path and
        // query): for an authorization server on this machine VS Code opens the sign-in listener's start page through
        // that proxy, which sends the browser on to the authorization URL as it is.
        await tab.waitForURL((u) => u.href.startsWith(`${oidc.authorizationEndpoint}?`) || u.href.startsWith(`${oidc.issuer}/interaction/`), {
          timeout: 15_000,
        });
        const firstUrl = tab.url();
        await waitForNotification(page, /Sign in to "signin-code" in your browser/);
        await shot('12-signin-code-waiting-for-browser');
        check(authorizationRequests.length === 1, `the browser asked the authorization endpoint ${authorizationRequests.length} times`);
        check(startRequests.length === 1, `the browser opened the listener's start page through code-server ${startRequests.length} times`);
        const via = `VS Code opened ${new URL(startRequests[0]).pathname} (the listener's start page through code-server's proxy), which went on to ${new URL(firstUrl).origin}${new URL(firstUrl).pathname}`;
        const callback = `${server.url}/proxy/${redirectPort}/callback`;
        const pages = await signInAtServer(tab, {
          user: oidc.user,
          prefix: '13-signin-code-server',
          done: async (t) => t.url().startsWith(`${callback}?`) && (await t.title()) === 'Signed in',
        });
        check(pages.join(' -> ') === 'Sign in -> Allow access?', `the server showed ${pages.join(' -> ')}`);
        check(oidc.interactions().logins === logins + 1, 'the server did not record the login');
        const landed = new URL(tab.url());
        check(landed.searchParams.has('code') && landed.searchParams.has('state'), `the redirect carries ${[...landed.searchParams.keys()].join(', ')}`);
        page.context().off('request', onRequest);
        check(authorizationRequests.length === 1, `the browser asked the authorization endpoint ${authorizationRequests.length} times`);
        const authorization = new URL(authorizationRequests[0]).searchParams;
        check(
          authorization.get('redirect_uri') === callback,
          `the authorization request's redirect_uri is ${authorization.get('redirect_uri')}, not ${callback}`,
        );
        check(authorization.get('code_challenge_method') === 'S256', 'the authorization request has no S256 code challenge');
        await waitForNotification(page, /DJMOUT\.AccessToken received from "signin-code"/, { timeoutMs: 20_000 });
        await showMessagesView();
        const row = await waitForTreeRow(/DJMOUT.*signin-code.*expires in/);
        const sent = oidc.lastTokenRequest();
        check(sent?.body?.grant_type === 'authorization_code', `the last token request was ${sent?.body?.grant_type}`);
        check(sent?.body?.redirect_uri === callback, `the token request's redirect_uri is ${sent?.body?.redirect_uri}, not ${callback}`);
        check(typeof sent?.body?.code_verifier === 'string' && sent.body.code_verifier.length >= 43, 'no PKCE code_verifier was sent');
        check(sent?.body?.client_id === oidc.appClient.clientId, `the token request named client ${sent?.body?.client_id}`);
        await tab.close();
        await page.bringToFront();
        // The "Sign in … in your browser" offer (Copy Sign-in Link, Paste Redirect URL…) stays after the sign-in: a
        // person closes it.
        const offer = page.locator('.notification-toast', { hasText: 'Sign in to "signin-code" in your browser' });
        if (await offer.isVisible()) {
          await offer.hover();
          await offer.locator('.codicon-notifications-clear').click();
          await offer.waitFor({ state: 'detached' });
        }
        await form.locator('body').hover(); // the form scrolled back up, to its grant and endpoints
        await page.mouse.wheel(0, -2000);
        await form.locator('#heading', { hasText: 'signin-code' }).waitFor();
        await shot('14-signin-code-tree');
        return `${via}; ${(await row.innerText()).replace(/\n/g, ' ')}; redirect_uri ${callback}`;
      },
    );

    await step(
      'sign-in, Authorization Code: the notification\'s "Copy Access Token" copies a token active at the server for the user; "Insert Access Token Variable" writes it into a .http file',
      [13],
      async () => {
        const toast = await waitForNotification(page, /DJMOUT\.AccessToken received from "signin-code"/);
        codeToken = await copiedBy(async () => {
          await toast.getByRole('button', { name: 'Copy Access Token' }).click();
          await waitForNotification(page, /Copied the access token of DJMOUT \(signin-code\)/);
        });
        const introspection = await introspect(codeToken);
        check(introspection.active === true, `the sign-in token is not active: ${JSON.stringify(introspection)}`);
        check(introspection.client_id === oidc.appClient.clientId, `the token belongs to ${introspection.client_id}`);
        check(introspection.sub === oidc.user.accountId, `the token is for ${introspection.sub}, not the user who signed in`);
        // A .http file of the workspace, the cursor in its request: the variable, and the request's Authorization header.
        writeFileSync(join(workspace, 'me.http'), 'GET {{host}}/me\n');
        const input = await commandThen('Go to File', page.locator('.quick-input-widget input.input[placeholder^="Search files by name"]'));
        await input.pressSequentially('me.http');
        await page.locator('.quick-input-list .monaco-list-row.focused', { hasText: 'me.http' }).waitFor();
        await input.press('Enter');
        await page.locator('.tabs-container .tab.active', { hasText: 'me.http' }).waitFor();
        await page.locator('.editor-group-container.active .monaco-editor .view-lines').click();
        await page.keyboard.press('Control+Home'); // the cursor in the request
        await commandThen(
          'OAuth2 Invoker: Insert Access Token Variable',
          page.locator('.quick-input-list .monaco-list-row', { hasText: 'signin-code' }).first(),
        );
        await input.fill('signin-code');
        await page.locator('.quick-input-list .monaco-list-row.focused', { hasText: 'signin-code' }).waitFor();
        await input.press('Enter');
        await page.locator('.quick-input-list .monaco-list-row.focused', { hasText: 'Also use it in this request' }).waitFor();
        await input.press('Enter');
        await waitForNotification(page, /@accessToken holds the access token of "signin-code"/);
        const text = await editorText();
        check(text.includes(`@accessToken = ${codeToken}`), `the document reads:\n${text.replace(codeToken, '<token>')}`);
        check(/Authorization: Bearer \{\{accessToken\}\}/.test(text), `the request has no Authorization header:\n${text.replace(codeToken, '<token>')}`);
        await shot('15-signin-code-http-variable', { shows: ['the sign-in access token'] });
        // One undo step takes the variable and the header out again (the file is left as it was); then the tab closes
        // without a question. The editor focused by a click, as a person does (the toasts may hold the focus).
        await page.locator('.editor-group-container.active .monaco-editor .view-lines').click();
        await page.keyboard.press('Control+Z');
        for (const deadline = Date.now() + 5_000; (await editorText()).trim() !== 'GET {{host}}/me'; await page.waitForTimeout(100)) {
          check(Date.now() < deadline, `one undo left:\n${(await editorText()).replace(codeToken, '<token>')}`);
        }
        const httpTab = page.locator('.tabs-container .tab.active:not(.dirty)', { hasText: 'me.http' });
        await httpTab.waitFor();
        await httpTab.hover();
        await httpTab.getByRole('button', { name: /^Close/ }).click();
        await httpTab.waitFor({ state: 'detached' });
        return `active, client_id ${introspection.client_id}, sub ${introspection.sub}, scope ${introspection.scope}`;
      },
    );

    await step(
      "sign-in, Device Code: Issuer URL + Discover, grant Device Authorization, Execute; the code read from the notification is typed on the server's page in a new tab, login, Allow; the polling gets the token",
      [1],
      async () => {
        await newInvokerFromPalette();
        await retype('Name', 'signin-device');
        await form.getByLabel('Authorization Grant Type', { exact: true }).selectOption({ label: 'Device Authorization (sign in with a code)' });
        await form.getByLabel('Authorization Server URL', { exact: true }).fill('');
        await retype('Issuer URL', oidc.issuer);
        await form.getByRole('button', { name: 'Discover', exact: true }).click();
        const device = form.getByLabel('Device Authorization Endpoint', { exact: true });
        for (const deadline = Date.now() + 10_000; (await device.inputValue()) !== oidc.deviceAuthorizationEndpoint; await page.waitForTimeout(100)) {
          check(Date.now() < deadline, `Discover filled the device endpoint with "${await device.inputValue()}"`);
        }
        const tokenUrl = await form.getByLabel('Authorization Server URL', { exact: true }).inputValue();
        check(tokenUrl === oidc.tokenEndpoint, `Discover filled the token URL with "${tokenUrl}"`);
        await retype('Client ID', oidc.appClient.clientId);
        await retype('Scope', 'openid api:read');
        await shot('16-signin-device-form-discovered');
        await form.getByRole('button', { name: 'Execute', exact: true }).click();
        const toast = await waitForNotification(page, /Sign in to "signin-device": enter the code/);
        const [, userCode, verificationUri] = /enter the code (\S+) at (\S+)/.exec(await toast.innerText()) ?? [];
        check(userCode !== undefined && verificationUri?.startsWith(oidc.issuer), `the notification reads "${await toast.innerText()}"`);
        check(await toast.getByRole('button', { name: 'Copy Code and Open' }).isVisible(), 'the notification has no "Copy Code and Open"');
        await shot('17-signin-device-code-notification');
        // Issue 21: "Copy Code and Open", as a person presses it. code-server would open the server's localhost page
        // through its port proxy without the /device path (Not Found): VS Code opens a loopback start page through
        // that proxy instead, which sends the browser on to the server's device page.
        const opened = page.context().waitForEvent('page', { timeout: 20_000 });
        await toast.getByRole('button', { name: 'Copy Code and Open' }).click();
        let tab;
        opened.then((p) => (tab = p)).catch(() => undefined);
        for (const deadline = Date.now() + 20_000; tab === undefined; await page.waitForTimeout(100)) {
          check(Date.now() < deadline, 'no browser tab opened for "Copy Code and Open"');
          await allowOpening();
        }
        let pages;
        let landedOn;
        try {
          const devicePath = new URL(verificationUri).pathname;
          await tab.waitForURL((u) => u.origin === new URL(oidc.issuer).origin && u.pathname.startsWith(devicePath), { timeout: 15_000 });
          landedOn = `${new URL(tab.url()).origin}${new URL(tab.url()).pathname}`;
          check((await tab.title()) !== 'Not Found' && !(await tab.locator('body').innerText()).startsWith('Not Found'), 'the device page is "Not Found"');
          // The browser is still signed in at the server from the Authorization Code step (its session cookie), so
          // the login page comes only when that step did not run.
          pages = await signInAtServer(tab, {
            user: oidc.user,
            userCode,
            prefix: '18-signin-device-server',
            done: async (t) => (await t.title()) === 'Sign-in Success',
          });
        } finally {
          await tab.close();
          await page.bringToFront();
        }
        check(pages.at(-1) === 'Allow access?', `the server showed ${pages.join(' -> ')}`);
        await waitForNotification(page, /DJMOUT\.AccessToken received from "signin-device"/, { timeoutMs: 20_000 });
        const row = await waitForTreeRow(/DJMOUT.*signin-device.*expires in/);
        check(oidc.lastTokenRequest()?.body?.grant_type === 'urn:ietf:params:oauth:grant-type:device_code', 'the last token request was no device code grant');
        await shot('19-signin-device-tree');
        deviceToken = await copiedBy(async () => {
          const toastDone = await waitForNotification(page, /DJMOUT\.AccessToken received from "signin-device"/);
          await toastDone.getByRole('button', { name: 'Copy Access Token' }).click();
        });
        const introspection = await introspect(deviceToken);
        check(introspection.active === true && introspection.sub === oidc.user.accountId, `the device token: ${JSON.stringify(introspection)}`);
        return `Copy Code and Open landed on ${landedOn}; ${pages.join(' -> ')}; ${await row.innerText()}`;
      },
    );

    /** A consumer command, and its question (which invoker) answered. */
    const runConsumer = async (title, name) => {
      const input = await commandThen(title, page.locator('.quick-input-widget', { hasText: 'The OAuth2 invoker whose account to use' }));
      await input.fill(name);
      await input.press('Enter');
    };

    await step(
      'accounts: another extension asks for the "signin-code" account; VS Code\'s consent dialog, Allow; it gets a token active at the server',
      [13],
      async () => {
        consumerToken = await copiedBy(async () => {
          await runConsumer('Consumer: Copy a Token of an OAuth2 Invoker Account', 'signin-code');
          const dialog = page.locator('.monaco-dialog-box', { hasText: /The extension 'OAuth2 Invoker test consumer' wants to sign in using OAuth2 Invoker/ });
          await dialog.waitFor();
          await shot('20-accounts-consent-dialog');
          await dialog.getByRole('button', { name: 'Allow' }).click();
          await waitForNotification(page, /Consumer: copied the access token of the account "signin-code"/);
        });
        check(consumerToken === codeToken, "the other extension got another token than the invoker's");
        const introspection = await introspect(consumerToken);
        check(introspection.active === true, `the consumer's token is not active: ${JSON.stringify(introspection)}`);
        await shot('21-accounts-consumer-got-token');
        return `active, sub ${introspection.sub}`;
      },
    );

    await step(
      'accounts: the Accounts menu, "signin-code (OAuth2 Invoker)", Sign Out; the invoker\'s token is gone from the tree and the other extension has no session',
      [16],
      async () => {
        // VS Code confirms, naming the extensions that used the account. The mouse, on its way from the account to its
        // submenu, can pass over another account and open that one's Sign Out instead: a dialog for another account is
        // cancelled and the menu tried again, a bounded number of times.
        const dialog = page.locator('.monaco-dialog-box');
        const confirm = dialog.filter({ hasText: /signin-code/ });
        for (let attempt = 1; !(await confirm.isVisible()); attempt += 1) {
          if (attempt > 3) {
            throw new Error('VS Code showed no Sign Out confirmation for "signin-code" after three tries of the Accounts menu');
          }
          if (await dialog.isVisible()) {
            await dialog.getByRole('button', { name: 'Cancel' }).click();
          }
          await page.locator('.activitybar .action-label[aria-label^="Accounts"]').click();
          const account = page.locator('.context-view .action-item', { hasText: /signin-code/ }).first();
          await account.waitFor();
          await shot('22-accounts-menu');
          await account.hover();
          // Into the submenu and onto Sign Out with the keyboard, not the mouse: no other account is passed on the way.
          await page.keyboard.press('ArrowRight');
          await page
            .locator('.context-view .action-item', { hasText: /^Sign Out$/ })
            .first()
            .waitFor();
          for (let step = 0; step < 5 && (await page.evaluate(() => document.activeElement?.textContent?.trim())) !== 'Sign Out'; step += 1) {
            await page.keyboard.press('ArrowDown');
          }
          await page.keyboard.press('Enter');
          await dialog.waitFor({ timeout: 15_000 }).catch(() => undefined);
        }
        await shot('23-accounts-sign-out-confirm');
        await confirm.getByRole('button', { name: 'Sign Out' }).click();
        await page.locator('.part.sidebar .monaco-list-row', { hasText: /DJMOUT.*signin-code/ }).waitFor({ state: 'detached', timeout: 10_000 });
        if (deviceToken !== undefined) {
          check(
            (await treeRows()).some((r) => /DJMOUT.*signin-device/.test(r)),
            'the other sign-in was signed out too',
          );
        }
        await runConsumer('Consumer: Show My OAuth2 Invoker Session', 'signin-code');
        await waitForNotification(page, /Consumer: no session for the invoker "signin-code"/);
        await shot('24-accounts-signed-out');
        const atServer = (await introspect(codeToken)).active ? 'still active at the server until it expires' : 'revoked at the server';
        return `${(await treeRows()).filter((r) => r.startsWith('DJMOUT')).join(' | ')}; the signed-out token is ${atServer}`;
      },
    );

    await step(
      'token exchange: New Invoker, grant "Token Exchange", the subject from invoker "demo", Client Authentication "in Request Body", audience; Execute; the server saw demo\'s current token and issued one for the audience',
      [7],
      async () => {
        await newInvokerFromPalette();
        await retype('Name', 'exchange');
        await retype('Authorization Server URL', oidc.tokenEndpoint);
        await form.getByLabel('Authorization Grant Type', { exact: true }).selectOption({ label: 'Token Exchange (RFC 8693)' });
        check(await form.getByLabel('Subject Token', { exact: true }).isVisible(), 'the form hides the Subject Token for Token Exchange');
        check(!(await form.getByLabel('Username', { exact: true }).isVisible()), 'the form shows Username for Token Exchange');
        await form.getByLabel('Subject Token From Invoker', { exact: true }).selectOption({ value: 'user:demo' });
        await form.getByLabel('Client Authentication', { exact: true }).selectOption({ value: 'client_secret_post' });
        await retype('Client ID', EXCHANGER.clientId);
        await retype('Client Secret', EXCHANGER.clientSecret);
        await retype('Audience', 'https://orders.example.test');
        await shot('19-token-exchange-form');
        const before = oidc.exchanges().length;
        await form.getByRole('button', { name: 'Execute', exact: true }).click();
        // Issue 17: the first time an invoker takes another's token, the person allows it, seeing both and the route.
        const consent = page.locator('.monaco-dialog-box', { hasText: /Invoker "exchange" takes the access token of invoker "demo"/ });
        await consent.waitFor({ timeout: 20_000 });
        check((await consent.innerText()).includes(`Send that token to ${new URL(oidc.tokenEndpoint).origin}`), 'the dialog names the route the token goes to');
        await shot('20-token-exchange-consent');
        await consent.getByRole('button', { name: 'Send' }).click();
        const toast = await waitForNotification(page, /DJMOUT\.AccessToken received from "exchange"/, { timeoutMs: 20_000 });
        exchangedToken = await copiedBy(async () => {
          await toast.getByRole('button', { name: 'Copy Access Token' }).click();
          await waitForNotification(page, /Copied the access token of DJMOUT \(exchange\)/);
        });
        await showMessagesView();
        const row = await waitForTreeRow(/DJMOUT.*exchange.*expires in/);
        const sent = oidc.lastTokenRequest();
        check(sent?.body?.grant_type === 'urn:ietf:params:oauth:grant-type:token-exchange', `the last token request was ${sent?.body?.grant_type}`);
        check(
          sent?.body?.client_secret === EXCHANGER.clientSecret && sent?.headers.authorization === undefined,
          'the client secret did not go in the body alone',
        );
        const subject = await introspect(String(sent?.body?.subject_token ?? ''));
        check(
          subject.active === true && subject.client_id === oidc.basicClient.clientId,
          `the subject token is not demo's current token: ${JSON.stringify(subject)}`,
        );
        check(oidc.exchanges().length === before + 1, 'the server granted no exchange');
        const granted = oidc.exchanges().at(-1);
        check(granted.audience === 'https://orders.example.test', `the exchange was for ${granted.audience}`);
        const introspection = await introspect(exchangedToken);
        check(introspection.active === true && introspection.client_id === EXCHANGER.clientId, `the exchanged token is ${JSON.stringify(introspection)}`);
        await shot('20-token-exchange-tree');
        return `${(await row.innerText()).replace(/\n/g, ' ')}; issued for ${granted.audience}, subject ${subject.client_id}'s token`;
      },
    );

    await step(
      'first Execute asks for a missing secret (issue 21): the invoker from the settings, without its Client Secret, is listed with Run; Run asks for "Client Secret" in a password box; typed, the token arrives',
      [1],
      async () => {
        await showMessagesView();
        // The messages collapsed, so the invoker rows below them are on screen (the list draws only visible rows).
        await page.locator('.part.sidebar .action-label[aria-label^="Collapse All"]').first().click();
        const row = await waitForTreeRow(/e2e-asks.*not run yet/, { timeoutMs: 20_000 });
        await row.hover();
        const run = row.getByRole('button', { name: 'Execute OAuth2 Invoker' });
        await run.waitFor();
        await shot('24-invoker-row-run');
        await run.click();
        const box = page.locator('.quick-input-widget', { hasText: 'Client Secret' });
        await box.waitFor({ timeout: 15_000 });
        const title = await box.innerText();
        check(/"e2e-asks"/.test(title) && /"Client Secret"/.test(title), `the box reads "${title}"`);
        const input = box.locator('input.input');
        check((await input.getAttribute('type')) === 'password', 'the secret box is not masked');
        await input.pressSequentially(oidc.basicClient.clientSecret);
        await shot('25-missing-secret-asked');
        await input.press('Enter');
        await waitForNotification(page, /DJMOUT\.AccessToken received from "e2e-asks"/, { timeoutMs: 20_000 });
        const message = await waitForTreeRow(/DJMOUT · e2e-asks.*expires in/);
        return `asked "${title.split('\n')[0]}"; ${await message.innerText()}`;
      },
    );

    // Issue 21: the form by keyboard alone, then axe-core in the light, dark and high-contrast themes.
    await step(
      'keyboard only: a new form opens on Name; Tab reaches every field in order; Discover and Execute by Enter; the failed save names its fields and focuses the first',
      [1],
      async () => {
        await newBlankInvoker();
        await page.locator('.tabs-container .tab.active', { hasText: 'New OAuth2 Invoker' }).waitFor();
        await form.getByLabel('Name', { exact: true }).waitFor();
        if (await form.locator('#banner').isVisible()) {
          await form.getByRole('button', { name: 'Discard', exact: true }).click(); // a draft an earlier step left
          await form.locator('#banner').waitFor({ state: 'hidden' });
        }
        const focused = () =>
          form
            .locator('body')
            .evaluate(() => document.activeElement?.id || document.activeElement?.getAttribute('aria-label') || document.activeElement?.tagName);
        const deadline = Date.now() + 10_000;
        while ((await focused()) !== 'f-name') {
          check(Date.now() < deadline, `the new form opened with the focus on ${await focused()}, not on Name`);
          await page.waitForTimeout(200);
        }
        const typed = { 'f-name': 'kb-e2e', 'f-issuer': oidc.issuer, 'f-scope': 'api:read' };
        const reached = [];
        /** Tab until `id` has the focus, typing into the fields of `typed` on the way. */
        const tabTo = async (id) => {
          for (let presses = 0; ; presses++) {
            const at = await focused();
            reached.push(at);
            if (typed[at] !== undefined) {
              await page.keyboard.type(typed[at]);
            }
            if (at === id) {
              return;
            }
            check(presses < 80, `Tab never reached #${id}: ${reached.join(' > ')}`);
            await page.keyboard.press('Tab');
          }
        };
        await tabTo('discover');
        await page.keyboard.press('Enter');
        const tokenUrl = form.locator('#f-authorizationServerUrl');
        for (const until = Date.now() + 15_000; (await tokenUrl.inputValue()) !== oidc.tokenEndpoint;) {
          check(Date.now() < until, `Discover by keyboard filled the token URL with "${await tokenUrl.inputValue()}"`);
          await page.waitForTimeout(200);
        }
        await form.locator('#discover').focus(); // where Discover was pressed; on from there
        await tabTo('execute');
        // Every control a person can see before Execute was reached by Tab.
        const visible = await form.locator('body').evaluate(() =>
          [...document.querySelectorAll('input, select, textarea, button, summary')]
            .filter((e) => e.checkVisibility() && !e.disabled && e.tabIndex >= 0)
            .filter((e) => e.compareDocumentPosition(document.getElementById('execute')) & globalThis.Node.DOCUMENT_POSITION_FOLLOWING)
            .map((e) => e.id || e.getAttribute('aria-label') || e.tagName),
        );
        const missed = visible.filter((id) => !reached.includes(id));
        check(missed.length === 0, `Tab never reached ${missed.join(', ')} (reached ${reached.join(' > ')})`);
        await page.keyboard.press('Enter'); // Execute: no Client ID, so nothing is saved
        const status = form.locator('#status.failed');
        await status.waitFor({ timeout: 15_000 });
        const said = await status.innerText();
        const first = await form.locator('body').evaluate(() => {
          const row = document.querySelector('.field.invalid:not([hidden])');
          return { label: row?.querySelector('.title')?.textContent ?? '', focusedInRow: row?.contains(document.activeElement) ?? false };
        });
        check(first.focusedInRow, `after the failed save the focus is on ${await focused()}, not in "${first.label}", the first invalid field`);
        check(said.includes(`"${first.label}"`) && said.includes('"Client ID"'), `the failed save said "${said}", not naming "${first.label}" and "Client ID"`);
        // Show Log keeps the focus on its button.
        await form.getByRole('button', { name: 'Show Log', exact: true }).focus();
        await page.keyboard.press('Enter');
        await page.locator('.part.panel', { hasText: 'OAuth2 Invoker' }).first().waitFor();
        const afterLog = await form.locator('body').evaluate(() => document.activeElement?.textContent ?? '');
        check(afterLog === 'Show Log', `after Show Log the focus is on "${afterLog}", not on the button`);
        // Voice control finds "Add Parameter" by its visible label; a section's title and state are read apart.
        check((await form.getByRole('button', { name: 'Add Parameter' }).count()) > 0, 'no button is named with its label "Add Parameter"');
        const network = await form.locator('#section-network summary').textContent();
        check(/^Network, \S/.test(network), `the Network section's summary reads "${network}"`);
        return `${reached.length} stops; "${said}"; "${network}"`;
      },
    );

    await step('axe-core in the form: no serious or critical violation in the light, dark and high-contrast themes', [1], async () => {
      const axeSource = readFileSync(createRequire(import.meta.url).resolve('axe-core/axe.min.js'), 'utf8');
      /** "Preferences: Color Theme", the theme's name typed, Enter: as a person switches themes. */
      const useTheme = async (theme) => {
        const input = page.locator('.quick-input-widget input.input');
        /**
         * Moves the pick's focus down to the row whose `part` (`label-name`; for a theme, `label-description`: the
         * setting's name, "Default Dark Modern" beside "Dark Modern") reads exactly `text` (a fuzzy match may be first).
         */
        const focusRow = async (text, part = 'label-name') => {
          const focused = page.locator(`.quick-input-list .monaco-list-row.focused .${part}`);
          await page.locator(`.quick-input-list .monaco-list-row .${part}`, { hasText: text }).first().waitFor();
          for (let down = 0; (await focused.innerText().catch(() => '')).trim() !== text; down++) {
            check(down < 10, `no row "${text}" in the pick`);
            await input.press('ArrowDown');
          }
        };
        await page.keyboard.press('F1');
        await input.waitFor();
        await input.fill('>Preferences: Color Theme');
        await focusRow('Preferences: Color Theme');
        await input.press('Enter');
        await page.locator('.quick-input-list .monaco-list-row', { hasText: 'Default Dark Modern' }).first().waitFor();
        await input.fill(theme);
        await focusRow(theme, 'label-description');
        await input.press('Enter');
        await input.waitFor({ state: 'hidden' });
      };
      const themes = [
        ['Default Light Modern', 'body.vscode-light'],
        ['Default Dark Modern', 'body.vscode-dark'],
        ['Default High Contrast', 'body.vscode-high-contrast:not(.vscode-high-contrast-light)'],
      ];
      const found = [];
      try {
        for (const [theme, body] of themes) {
          await useTheme(theme);
          await form.locator(body).waitFor({ timeout: 20_000 });
          await page.waitForTimeout(500); // the theme's variables applied
          const frame = await (await form.locator('body').elementHandle()).ownerFrame();
          await frame.evaluate(axeSource); // evaluated by the debugger protocol: the form's CSP does not apply
          const violations = await frame.evaluate(async () => {
            const result = await window.axe.run(document, { resultTypes: ['violations'] });
            return result.violations.map((v) => ({ id: v.id, impact: v.impact, targets: v.nodes.map((n) => n.target.join(' ')) }));
          });
          await shot(`20-axe-${theme.toLowerCase().replace(/ /g, '-')}`);
          for (const v of violations) {
            found.push(`${theme}: ${v.impact} ${v.id} at ${v.targets.join(', ')}`);
          }
        }
      } finally {
        await useTheme('Default Dark Modern').catch(() => {}); // code-server's own default, for the steps after
      }
      const serious = found.filter((f) => / (serious|critical) /.test(f));
      check(serious.length === 0, `axe-core found ${serious.join('; ')}`);
      return found.length > 0 ? `minor: ${found.join('; ')}` : 'no violation';
    });

    await step("secrets: no client secret, wrong secret or token in any screenshot's page text, settings.json, .vscode or the logs", [1], async () => {
      const secrets = [
        { what: 'the client secret', forms: forms(oidc.basicClient.clientSecret, oidc.basicClient.clientId) },
        { what: 'the wrong secret', forms: forms(wrongSecret(), oidc.basicClient.clientId) },
        ...(token ? [{ what: 'the access token', forms: forms(token) }] : []),
        ...(tokenBeforeReload ? [{ what: 'the second access token', forms: forms(tokenBeforeReload) }] : []),
        // what the sign-in steps typed and got: the user's password (typed on the server's page), their tokens
        { what: "the user's password", forms: forms(oidc.user.password) },
        ...(codeToken ? [{ what: 'the sign-in access token', forms: forms(codeToken) }] : []),
        ...(deviceToken ? [{ what: 'the device sign-in access token', forms: forms(deviceToken) }] : []),
        ...(consumerToken && consumerToken !== codeToken ? [{ what: "the other extension's token", forms: forms(consumerToken) }] : []),
        { what: "the exchanging client's secret", forms: forms(EXCHANGER.clientSecret, EXCHANGER.clientId) },
        ...(exchangedToken ? [{ what: 'the exchanged token', forms: forms(exchangedToken) }] : []),
      ];
      const onScreen = seenText.flatMap(({ name, text, shows }) =>
        secrets.filter((s) => !shows.includes(s.what) && s.forms.some((f) => text.includes(f))).map((s) => `${s.what} in ${name}`),
      );
      // Positive control: the .http screenshot shows the token the person inserted, so the search does find one.
      if (codeToken) {
        const http = seenText.find((t) => t.name === '15-signin-code-http-variable');
        check(http === undefined || http.text.includes(codeToken), 'the .http screenshot does not show the inserted token: the text search is blind');
      }
      // Positive controls: the files looked at are the ones the run wrote.
      const settingsFile = join(userDataDir, 'User', 'settings.json');
      const settings = JSON.parse(readFileSync(settingsFile, 'utf8'));
      check(
        settings['oauth2Invoker.invokers']?.some((i) => i.name === 'demo' && i.clientId === oidc.basicClient.clientId),
        'settings.json has no "demo" invoker',
      );
      const logs = join(userDataDir, 'logs');
      const deadline = Date.now() + 10_000;
      while (!filesBelow(logs).some((f) => f.endsWith('OAuth2 Invoker.log') && readFileSync(f, 'utf8').includes('invalid_client'))) {
        check(Date.now() < deadline, "the extension's log never recorded the invalid_client exchange");
        await new Promise((r) => setTimeout(r, 200));
      }
      const inFiles = filesHolding([settingsFile, join(workspace, '.vscode'), logs, serverDir], secrets);
      // and, beyond what is asked, anywhere in the user data dir (state, caches, history) — but VS Code's local history
      // of me.http: it keeps the versions of the file the person inserted the sign-in token into (its own, on purpose).
      const historyOfHttpFile = (hit) => {
        const entries = join(dirname(hit.slice(hit.indexOf(' in ') + 4)), 'entries.json');
        return (
          hit.startsWith('the sign-in access token in ') &&
          hit.includes(`${join('User', 'History')}`) &&
          existsSync(entries) &&
          JSON.parse(readFileSync(entries, 'utf8')).resource?.endsWith('/workspace/me.http')
        );
      };
      const inUserData = filesHolding([userDataDir], secrets).filter((hit) => !inFiles.includes(hit) && !historyOfHttpFile(hit));
      const leaks = [...onScreen, ...inFiles, ...inUserData];
      check(leaks.length === 0, `found ${leaks.join('; ')}`);
      return `${secrets.length} secrets x ${secrets[0].forms.length} forms; ${seenText.length} screenshots' text, ${filesBelow(logs).length} log files, ${filesBelow(userDataDir).length} files in the user data dir${token ? '' : ' (no token copied: not looked for)'}`;
    });

    if (args['readme-screenshots']) {
      await step('README: form, tree and sign-in screenshots copied to media/screenshots/', [4, 5, 13], async () => {
        mkdirSync(join(ROOT, 'media', 'screenshots'), { recursive: true });
        copyFileSync(join(shotsDir, '03-executed-notification-form-tree.png'), join(ROOT, 'media', 'screenshots', 'form.png'));
        copyFileSync(join(shotsDir, '04-tree-accesstoken-actions.png'), join(ROOT, 'media', 'screenshots', 'tree.png'));
        copyFileSync(join(shotsDir, '14-signin-code-tree.png'), join(ROOT, 'media', 'screenshots', 'sign-in.png'));
      });
    }
  } finally {
    await context?.close().catch(() => {});
    await server?.stop().catch(() => {});
    await oidc?.close().catch(() => {});
    if (process.env.OAUTH2_INVOKER_KEEP_TMP) {
      console.log(`kept ${root}`);
    }
    removeRoot();
  }
  const passed = results.filter((r) => r.ok).length;
  console.log(`screenshots: ${shots.length} in ${shotsDir}; ${((Date.now() - started) / 1000).toFixed(1)} s`);
  console.log(`e2e: ${passed} passed, ${results.length - passed} failed`);
  return passed === results.length ? 0 : 1;
}

// code-server runs in its own session: turn Ctrl-C/SIGTERM into exit so the harness's 'exit' hook kills its group.
for (const signal of ['SIGINT', 'SIGTERM']) {
  process.on(signal, () => process.exit(130));
}
main().then(
  (code) => process.exit(code),
  (e) => {
    console.error(e);
    console.log('e2e: 0 passed, 1 failed');
    process.exit(1);
  },
);
