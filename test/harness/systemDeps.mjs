// Installs the Debian packages the real-VS-Code runs need (.ci/apt-packages.txt) when they are missing, so that
// `npm start` and `npm test` work on a fresh machine. As root it runs apt-get; otherwise it says what to run.
// Another apt-get (a second run, unattended-upgrades) may hold the package manager's locks: this waits for it.
import { spawnSync } from 'node:child_process';
import { readFileSync, realpathSync, statSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { fileURLToPath, pathToFileURL } from 'node:url';

const root = resolve(dirname(fileURLToPath(import.meta.url)), '..', '..');

/** The locks apt-get and dpkg take (fcntl), the frontend's first. */
export const APT_LOCKS = ['/var/lib/dpkg/lock-frontend', '/var/lib/dpkg/lock', '/var/lib/apt/lists/lock', '/var/cache/apt/archives/lock'];
/** How long to wait for another apt-get, in seconds. */
const LOCK_TIMEOUT_S = 600;
const NOTICE_MS = 15_000;

/**
 * The process holding one of `files` locked, read from /proc/locks (its lines name pid, device and inode), so no
 * tool beyond Node is needed. Undefined when none is held, or off Linux.
 * @param {readonly string[]} files
 * @returns {{file: string, pid: number, command: string} | undefined}
 */
export function lockHolder(files = APT_LOCKS) {
  let table;
  try {
    table = readFileSync('/proc/locks', 'utf8');
  } catch {
    return undefined;
  }
  // "1: POSIX  ADVISORY  WRITE 6207 fe:00:399286 0 EOF" (device major:minor in hex, then the inode); a blocked
  // waiter's line has "->" after its number and holds nothing.
  const held = table.split('\n').flatMap((line) => {
    const match = /^\d+:\s+\S+\s+\S+\s+\S+\s+(\d+)\s+([0-9a-f]+):([0-9a-f]+):(\d+)\s/i.exec(line);
    return match === null ? [] : [{ pid: Number(match[1]), major: parseInt(match[2], 16), minor: parseInt(match[3], 16), inode: match[4] }];
  });
  for (const file of files) {
    let stat;
    try {
      stat = statSync(file, { bigint: true });
    } catch {
      continue;
    }
    // glibc's dev_t: major in bits 8-19 and 32-43, minor in bits 0-7 and 20-31.
    const dev = stat.dev;
    const major = Number(((dev >> 8n) & 0xfffn) | ((dev >> 32n) & ~0xfffn));
    const minor = Number((dev & 0xffn) | ((dev >> 12n) & ~0xffn));
    const lock = held.find((entry) => entry.inode === String(stat.ino) && entry.major === major && entry.minor === minor);
    if (lock !== undefined) {
      let command = 'unknown';
      try {
        command = readFileSync(`/proc/${lock.pid}/comm`, 'utf8').trim();
      } catch {
        // gone meanwhile
      }
      return { file, pid: lock.pid, command };
    }
  }
  return undefined;
}

/**
 * Waits while another process holds an apt lock, saying so every 15 s.
 * @param {number} deadline
 * @returns {Promise<boolean>} false when one is still held at the deadline
 */
async function waitForAptLocks(deadline) {
  let noticed = -Infinity;
  for (let holder = lockHolder(); holder !== undefined; holder = lockHolder()) {
    if (Date.now() > deadline) {
      return false;
    }
    if (Date.now() - noticed >= NOTICE_MS) {
      console.log(`[deps] waiting for the dpkg lock (another apt-get is running: pid ${holder.pid}, ${holder.command}, holds ${holder.file})…`);
      noticed = Date.now();
    }
    await sleep(1000);
  }
  return true;
}

/** Stops the run with one line, not a stack trace. */
function fail(line) {
  console.error(`[deps] ${line}`);
  process.exit(1);
}

/**
 * Runs `apt-get args`: after any other apt-get is done, and with DPkg::Lock::Timeout so apt itself also waits for
 * the dpkg lock if one starts in between. `apt-get update` does not honour that timeout for its lists lock (apt
 * 2.6 fails at once): a lock failure of it is retried until the same deadline.
 * @param {string[]} args
 */
export async function aptGet(args) {
  const env = { ...process.env, DEBIAN_FRONTEND: 'noninteractive' };
  const command = `apt-get ${args.join(' ')}`;
  const deadline = Date.now() + LOCK_TIMEOUT_S * 1000;
  for (;;) {
    if (!(await waitForAptLocks(deadline))) {
      fail(`another apt-get still holds the dpkg lock after ${LOCK_TIMEOUT_S} s; run \`${command}\` when it is done`);
    }
    const result = spawnSync('apt-get', ['-o', `DPkg::Lock::Timeout=${LOCK_TIMEOUT_S}`, ...args], {
      env,
      stdio: ['ignore', 'ignore', 'pipe'],
      encoding: 'utf8',
    });
    if (result.error !== undefined) {
      fail(`${command} could not start: ${result.error.message}`);
    }
    if (result.status === 0) {
      return;
    }
    if (/Could not get lock|Unable to lock/i.test(result.stderr) && Date.now() < deadline) {
      console.log('[deps] waiting for the dpkg lock (another apt-get is running)…');
      await sleep(5000); // taken between our look and apt-get's, or by a process /proc/locks does not show us
      continue;
    }
    process.stderr.write(result.stderr);
    fail(`${command} failed (exit ${result.status ?? result.signal}); see apt-get's message above`);
  }
}

async function main() {
  const wanted = readFileSync(join(root, '.ci', 'apt-packages.txt'), 'utf8')
    .split('\n')
    .map((line) => line.trim())
    .filter((line) => line !== '' && !line.startsWith('#'));
  const missing = wanted.filter((name) => spawnSync('dpkg', ['-s', name], { stdio: 'ignore' }).status !== 0);
  if (missing.length === 0) {
    return;
  }
  if (process.getuid?.() !== 0) {
    fail(`missing Debian packages: ${missing.join(' ')}. Install them with: sudo apt-get update && sudo apt-get install -y ${missing.join(' ')}`);
  }
  console.log(`[deps] apt-get install ${missing.join(' ')}`);
  await aptGet(['update', '-qq']);
  await aptGet(['install', '-y', '-qq', '--no-install-recommends', ...missing]);
}

// Run as a script (npm start, npm test), not when imported; realpath, as Node resolves the main module's symlinks.
if (process.argv[1] !== undefined && import.meta.url === pathToFileURL(realpathSync(process.argv[1])).href) {
  await main();
}
