import { createHash } from 'node:crypto';
import { mkdir, readFile, rename, writeFile } from 'node:fs/promises';
import * as path from 'node:path';

/** How many fingerprints a ledger keeps: the last refresh tokens of one invoker, far more than rotation needs. */
const KEPT = 32;

function fingerprint(token: string): string {
  return createHash('sha256').update(token, 'utf8').digest('base64url');
}

/**
 * The refresh tokens of one invoker that some process has sent, as SHA-256 fingerprints (never the tokens), in a
 * file every VS Code window reads: a window whose stored state has not caught up with another window's refresh yet
 * can tell that the refresh token it holds is spent, and does not send it a second time (a server with reuse
 * detection would revoke the whole token family). Read and written only under the invoker's cross-window lock.
 */
export class SpentTokenLedger {
  constructor(private readonly file: string) {}

  private async read(): Promise<string[]> {
    try {
      const parsed: unknown = JSON.parse(await readFile(this.file, 'utf8'));
      return Array.isArray(parsed) ? parsed.filter((entry): entry is string => typeof entry === 'string') : [];
    } catch {
      return [];
    }
  }

  async has(token: string): Promise<boolean> {
    return (await this.read()).includes(fingerprint(token));
  }

  /** Notes the token as sent (`spent`), or as still the one to use (a refresh answer that kept it, or none came). */
  async mark(token: string, spent: boolean): Promise<void> {
    const others = (await this.read()).filter((entry) => entry !== fingerprint(token));
    const kept = (spent ? [...others, fingerprint(token)] : others).slice(-KEPT);
    await mkdir(path.dirname(this.file), { recursive: true, mode: 0o700 });
    const draft = `${this.file}.${process.pid}.tmp`;
    await writeFile(draft, JSON.stringify(kept), { mode: 0o600 });
    await rename(draft, this.file);
  }
}
