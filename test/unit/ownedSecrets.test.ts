import * as assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import type * as vscode from 'vscode';
import { withFileLock } from '../../src/core/tokens/fileLock';
import { OwnedSecrets } from '../../src/extension/ownedSecrets';

/**
 * One SecretStorage that several windows share, as VS Code's is: each call answers after a short, varying delay (an
 * IPC round trip), so two windows' index updates interleave as they do for real.
 */
class SharedStorage {
  private readonly values = new Map<string, string>();
  private turn = 0;
  private tick(): Promise<void> {
    this.turn += 1;
    return new Promise((resolve) => setTimeout(resolve, 1 + (this.turn % 3)));
  }
  /** The SecretStorage one window sees. */
  window(): vscode.SecretStorage {
    return {
      get: async (key: string) => {
        await this.tick();
        return this.values.get(key);
      },
      store: async (key: string, value: string) => {
        await this.tick();
        this.values.set(key, value);
      },
      delete: async (key: string) => {
        await this.tick();
        this.values.delete(key);
      },
      keys: async () => [...this.values.keys()],
      onDidChange: () => ({ dispose: () => undefined }),
    } as unknown as vscode.SecretStorage;
  }
}

suite('issue 17: the SecretStorage key index of several windows', () => {
  let folder: string;
  setup(() => {
    folder = mkdtempSync(path.join(tmpdir(), 'oauth2-invoker-index-'));
  });
  teardown(() => rmSync(folder, { recursive: true, force: true }));

  async function writeFromTwoWindows(lock: boolean): Promise<string[]> {
    const storage = new SharedStorage();
    const exclusive = <T>(task: () => Promise<T>): Promise<T> => withFileLock(path.join(folder, 'secret-index.lock'), task);
    const windows = [0, 1].map(() => new OwnedSecrets(storage.window(), lock ? exclusive : undefined));
    await Promise.all(windows.flatMap((owned, w) => Array.from({ length: 10 }, (_, i) => owned.store(`key-${w}-${i}`, 'value'))));
    return (await windows[0].keys()).sort();
  }

  test('keys stored by two windows at once are all in the index', async () => {
    const keys = await writeFromTwoWindows(true);
    assert.equal(keys.length, 20);
  });

  test('without the shared lock (each window queued only its own writes) keys were lost', async () => {
    const keys = await writeFromTwoWindows(false);
    assert.ok(keys.length < 20, `${keys.length} of 20 keys in the index`);
  });
});
