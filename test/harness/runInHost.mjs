#!/usr/bin/env node
// Runs a Mocha suite (a module exporting run(): Promise) inside the real extension host of code-server,
// the way @vscode/test-electron's extensionTestsPath does on desktop. See README.md.
import { copyFileSync, existsSync, mkdirSync, mkdtempSync, realpathSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import { format, parseArgs } from 'node:util';
import { launchBrowser, openWorkbench } from './browser.mjs';
import { ensureCodeServer, linkExtension, resolveVersion, startCodeServer } from './codeServer.mjs';

/** console.log-style args (format string with %s/%d/%c, then values) as one line of text. */
export function formatConsoleArgs(args) {
  return format(...(Array.isArray(args) ? args : [args]));
}

/**
 * @param {{version: string, extensionDevelopmentPath: string, extensionTestsPath: string, folder?: string,
 *   env?: Record<string,string>, timeoutMs?: number, settings?: Record<string, unknown>, workspaceTrust?: boolean}} opts
 *   workspaceTrust: run with VS Code's trust model on (the folder opens untrusted, in Restricted Mode).
 *   version: '1.100.3' | '1.139.1' (or the code-server version); paths absolute; env is added to the
 *   code-server (and so extension host) environment; timeoutMs bounds start + suite (install excluded).
 * @returns {Promise<number>} the suite's exit code (0 = run() resolved); 1 on error or timeout
 */
export async function runInHost({
  version,
  extensionDevelopmentPath,
  extensionTestsPath,
  folder,
  env = {},
  timeoutMs = 600_000,
  settings,
  workspaceTrust = false,
}) {
  const { vscode, codeServer } = resolveVersion(version);
  await ensureCodeServer(codeServer); // outside the timeout: a first install takes minutes
  const root = realpathSync(mkdtempSync(join(tmpdir(), 'oauth2-invoker-host-')));
  const started = Date.now();
  let server;
  let context;
  let page;
  let timer;
  const say = (msg) => console.log(`[harness] ${msg}`);
  let finish;
  let aborted = false;
  const exited = new Promise((r) => {
    finish = r;
  });
  const setup = (async () => {
    const workspace = folder ? resolve(folder) : join(root, 'workspace');
    mkdirSync(workspace, { recursive: true });
    // The suite's consumer extension (another extension asking for a session) is installed beside the one under test.
    const consumer = join(resolve(extensionDevelopmentPath), 'test', 'fixtures', 'consumerExtension');
    if (existsSync(join(consumer, 'package.json'))) {
      linkExtension({ extensionsDir: join(root, 'extensions'), extensionPath: consumer });
    }
    server = await startCodeServer({
      version: codeServer,
      userDataDir: join(root, 'user-data'),
      extensionsDir: join(root, 'extensions'),
      folder: workspace,
      env,
      settings,
      workDir: join(root, 'server'),
      workspaceTrust,
    });
    say(`VS Code ${vscode} (code-server ${codeServer}) at ${server.url}, up in ${((Date.now() - started) / 1000).toFixed(1)} s`);
    if (aborted) {
      return;
    }
    context = await launchBrowser(join(root, 'browser'));
    page = await openWorkbench(context, server.url, workspace, {
      payload: { extensionDevelopmentPath: resolve(extensionDevelopmentPath), extensionTestsPath: resolve(extensionTestsPath) },
      expose: {
        codeAutomationLog: (_type, args) => {
          const line = formatConsoleArgs(args);
          closing ||= /^in-host VS Code \S+: \d+ passed, \d+ failed$/m.test(line);
          process.stdout.write(line + '\n');
        },
        codeAutomationExit: (code) => finish(code),
      },
    });
    if (process.env.OAUTH2_INVOKER_VERBOSE) {
      page.on('pageerror', (e) => console.log(`[page error] ${e.message}`));
    }
  })();
  const timeout = new Promise((_, reject) => {
    timer = setTimeout(() => reject(new Error(`timed out after ${timeoutMs} ms`)), timeoutMs);
  });
  let code;
  let closing = false;
  try {
    await Promise.race([setup, timeout]);
    code = Number(await Promise.race([exited, timeout]));
    say(`extension tests exited with ${code} after ${((Date.now() - started) / 1000).toFixed(1)} s`);
    if (code === 0 && !closing) {
      // A crashed extension host can end the run with 0 before the suite said how it went: that is no pass.
      code = 1;
      say('the suite never printed its closing line (N passed, N failed): the extension host ended early (a crash?)');
    }
  } catch (e) {
    code = 1;
    say(`run failed: ${e instanceof Error ? (e.stack ?? e.message) : e}`);
  } finally {
    clearTimeout(timer);
    aborted = true;
    await setup.catch(() => {}); // a start cut short by the timeout still ends (own timeouts); then stop what it started
    const artifacts = process.env.OAUTH2_INVOKER_ARTIFACTS;
    if (code !== 0 && artifacts) {
      mkdirSync(artifacts, { recursive: true });
      await page?.screenshot({ path: join(artifacts, `in-host-${vscode}.png`) }).catch(() => {});
      if (server && existsSync(server.logFile)) {
        copyFileSync(server.logFile, join(artifacts, `code-server-${vscode}.log`));
      }
    }
    await context?.close().catch(() => {});
    await server?.stop();
    if (!process.env.OAUTH2_INVOKER_KEEP_TMP) {
      rmSync(root, { recursive: true, force: true });
    }
  }
  return code;
}

async function main() {
  const { values } = parseArgs({
    options: {
      vscode: { type: 'string', default: '1.100.3' },
      extension: { type: 'string' },
      tests: { type: 'string' },
      folder: { type: 'string' },
      timeout: { type: 'string' },
      untrusted: { type: 'boolean', default: false },
    },
  });
  if (!values.extension || !values.tests) {
    console.error(
      'usage: node test/harness/runInHost.mjs --vscode 1.100.3|1.139.1 --extension <dir> --tests <compiled index.js> [--folder <dir>] [--timeout <ms>] [--untrusted]',
    );
    return 2;
  }
  return runInHost({
    version: values.vscode,
    extensionDevelopmentPath: resolve(values.extension),
    extensionTestsPath: resolve(values.tests),
    folder: values.folder,
    timeoutMs: values.timeout ? Number(values.timeout) : undefined,
    workspaceTrust: values.untrusted,
    // The suite picks its Restricted Mode tests by this (test/integration/index.ts).
    env: values.untrusted ? { OAUTH2_INVOKER_SUITE: 'untrusted' } : {},
  });
}

if (process.argv[1] && import.meta.url === pathToFileURL(realpathSync(process.argv[1])).href) {
  // code-server runs in its own session: turn Ctrl-C/SIGTERM into exit so the 'exit' hook kills its group.
  for (const signal of ['SIGINT', 'SIGTERM']) {
    process.on(signal, () => process.exit(130));
  }
  main().then(
    (code) => process.exit(code),
    (e) => {
      console.error(e);
      process.exit(1);
    },
  );
}
