// An inter-process lock on a folder of the shared install cache (OAUTH2_INVOKER_CACHE, ~/.cache/oauth2-invoker),
// so that two runs at once (`npm test` beside `npm start`, two checkouts) never wipe each other's code-server
// install: only the lock's holder may empty an unfinished folder, and a run that waited finds the finished one.
import { randomBytes } from 'node:crypto';
import { existsSync, linkSync, mkdirSync, readFileSync, rmSync, unlinkSync, writeFileSync } from 'node:fs';
import { hostname } from 'node:os';
import { dirname, join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';

/** Written last into an install folder: the folder is complete. */
export const MARKER = '.install-complete';

/**
 * When a process started, in clock ticks since boot (field 22 of /proc/<pid>/stat): with the pid it names one
 * process, so a pid reused by a later process does not keep a dead run's lock alive. Undefined off Linux.
 */
function processStart(pid) {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    // Field 2, the command, is in parentheses and may hold spaces: count from its closing one (field 3 is index 0).
    return stat.slice(stat.lastIndexOf(')') + 2).split(' ')[19];
  } catch {
    return undefined;
  }
}

function readText(file) {
  try {
    return readFileSync(file, 'utf8');
  } catch (error) {
    if (error.code === 'ENOENT') {
      return null;
    }
    throw error;
  }
}

function parseHolder(text) {
  try {
    const holder = JSON.parse(text);
    return typeof holder?.pid === 'number' ? holder : undefined;
  } catch {
    return undefined;
  }
}

function unlinkQuiet(file) {
  try {
    unlinkSync(file);
  } catch (error) {
    if (error.code !== 'ENOENT') {
      throw error;
    }
  }
}

/**
 * Whether the run that wrote a lock is gone: its pid is dead (kill(pid, 0) fails with ESRCH) or now belongs to a
 * later process. A lock in a form this module does not write is stale too. A lock taken on another host is never
 * stale here: its pid means nothing on this one.
 * @param {unknown} holder the lock file's parsed content
 */
export function isStale(holder) {
  if (typeof holder?.pid !== 'number') {
    return true;
  }
  if (holder.host !== hostname()) {
    return false;
  }
  try {
    process.kill(holder.pid, 0);
  } catch (error) {
    if (error.code === 'ESRCH') {
      return true;
    }
    // EPERM: alive, another user's process.
  }
  const start = processStart(holder.pid);
  return holder.procStart !== undefined && start !== undefined && start !== holder.procStart;
}

/**
 * Creates `file` with `text` unless it exists, atomically and complete: the text goes to a file of our own first,
 * which link() then names `file` (failing with EEXIST when it exists), so no reader ever sees a half-written lock.
 */
function tryCreate(file, text) {
  const own = `${file}.${process.pid}.${randomBytes(6).toString('hex')}`;
  writeFileSync(own, text);
  try {
    linkSync(own, file);
    return true;
  } catch (error) {
    if (error.code === 'EEXIST') {
      return false;
    }
    throw error;
  } finally {
    unlinkQuiet(own);
  }
}

function holderText(what) {
  const pid = process.pid;
  return JSON.stringify({
    pid,
    host: hostname(),
    procStart: processStart(pid),
    started: new Date().toISOString(),
    what,
    token: randomBytes(8).toString('hex'),
  });
}

/**
 * Removes the stale lock whose content was `staleText`, if it is still that one. Two waiters may judge the same
 * lock stale at once: the one that holds `<file>.reap` removes it, after checking that it was not replaced by a
 * live run's lock meanwhile, so a lock just taken is never removed. @returns whether this call removed it.
 */
function reap(file, staleText) {
  const guard = `${file}.reap`;
  if (!tryCreate(guard, holderText('removing a stale lock'))) {
    const other = readText(guard);
    if (other !== null && isStale(parseHolder(other))) {
      unlinkQuiet(guard); // a reaper that died in its few microseconds
    }
    return false;
  }
  try {
    if (readText(file) === staleText) {
      unlinkQuiet(file);
      return true;
    }
    return false;
  } finally {
    unlinkQuiet(guard);
  }
}

/**
 * Takes the lock `file` (created beside what it guards), waiting while a live run holds it and taking over one
 * whose run is gone. Released by the returned function, and on process exit if it is not called.
 * @param {string} file
 * @param {{what: string, log?: (line: string) => void, pollMs?: number, noticeMs?: number}} options
 *   what: what the holder does, e.g. "installing code-server 4.100.3 into DIR"; log: receives "waiting for another
 *   run (pid N) <what>" when the lock is held, again every noticeMs (15 s) while it stays held.
 * @returns {Promise<() => void>} release: removes the lock if it is still this run's
 */
export async function acquireLock(file, { what, log = () => {}, pollMs = 1000, noticeMs = 15_000 }) {
  mkdirSync(dirname(file), { recursive: true });
  const mine = holderText(what);
  let noticed = -Infinity;
  while (!tryCreate(file, mine)) {
    const text = readText(file);
    if (text === null) {
      continue; // released between our attempt and the read
    }
    const holder = parseHolder(text);
    if (isStale(holder)) {
      if (reap(file, text)) {
        log(`took over the lock of a run that is gone (pid ${holder?.pid ?? 'unknown'}): ${file}`);
        continue;
      }
    } else if (Date.now() - noticed >= noticeMs) {
      const where = holder.host !== hostname() ? ` on ${holder.host}` : '';
      log(`waiting for another run (pid ${holder.pid}${where}) ${holder.what ?? what}`);
      noticed = Date.now();
    }
    await sleep(pollMs);
  }
  const release = () => {
    process.off('exit', release);
    if (readText(file) === mine) {
      unlinkQuiet(file);
    }
  };
  process.on('exit', release);
  return release;
}

/**
 * Installs into `dir` unless it holds a finished install (its MARKER), holding the lock `<dir>.lock` meanwhile:
 * the holder empties the folder, runs `install()`, and writes the marker last. A run that waited for another
 * looks for the marker again, and installs only if that run did not finish.
 * @param {{dir: string, what: string, install: () => Promise<void>, log?: (line: string) => void, pollMs?: number, noticeMs?: number}} options
 * @returns {Promise<boolean>} whether this call installed
 */
export async function installOnce({ dir, what, install, ...lockOptions }) {
  const marker = join(dir, MARKER);
  if (existsSync(marker)) {
    return false;
  }
  const release = await acquireLock(`${dir}.lock`, { what, ...lockOptions });
  try {
    if (existsSync(marker)) {
      return false;
    }
    rmSync(dir, { recursive: true, force: true });
    mkdirSync(dir, { recursive: true });
    await install();
    writeFileSync(marker, new Date().toISOString() + '\n');
    return true;
  } finally {
    release();
  }
}
