/**
 * The in-host suite's entry: the `run()` module that @vscode/test-electron's `extensionTestsPath` expects, and that
 * test/harness/runInHost.mjs hands to code-server's extension host. Runs every *.test.js beside it with Mocha.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import Mocha from 'mocha';
import * as vscode from 'vscode';

export function run(): Promise<void> {
  // OAUTH2_INVOKER_GREP runs only the tests whose titles match (a quicker loop while working on one suite).
  const grep = process.env.OAUTH2_INVOKER_GREP;
  const mocha = new Mocha({ ui: 'tdd', color: false, timeout: 30_000, reporter: 'spec', ...(grep !== undefined && grep !== '' ? { grep } : {}) });
  // An untrusted folder (Restricted Mode) runs its own suite; a trusted one runs the rest.
  const untrusted = process.env.OAUTH2_INVOKER_SUITE === 'untrusted';
  const files = fs.readdirSync(__dirname).filter((name) => name.endsWith('.test.js') && name.startsWith('untrusted.') === untrusted);
  // extension.test.js first: it checks that activation alone does not load the core, before any Execute does.
  const order = (name: string): string => (name === 'extension.test.js' ? '' : name);
  for (const file of files.sort((a, b) => order(a).localeCompare(order(b)))) {
    mocha.addFile(path.join(__dirname, file));
  }
  return new Promise((resolve, reject) => {
    const runner = mocha.run((failures) => {
      // The plain closing line CI reads.
      console.log(`in-host VS Code ${vscode.version}: ${runner.stats?.passes ?? 0} passed, ${failures} failed`);
      if (failures > 0) {
        reject(new Error(`${failures} in-host test(s) failed`));
      } else {
        resolve();
      }
    });
  });
}
