// `npm run test:desktop`: the same in-host suite (out/test/integration/index.js) under @vscode/test-electron, on a
// machine that can download desktop VS Code. This sandbox cannot (see /work/shared/vscode-runtime.md); CI runs the
// suite through code-server instead (runInHost.mjs).
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { runTests } from '@vscode/test-electron';

const root = resolve(dirname(fileURLToPath(import.meta.url)), '..', '..');
const workspace = mkdtempSync(join(tmpdir(), 'oauth2-invoker-desktop-'));
try {
  await runTests({
    version: process.env.VSCODE_VERSION ?? '1.100.3',
    extensionDevelopmentPath: root,
    extensionTestsPath: join(root, 'out', 'test', 'integration', 'index.js'),
    launchArgs: [workspace, '--disable-extensions', '--disable-workspace-trust'],
  });
} catch (error) {
  console.error(`desktop in-host suite failed: ${error instanceof Error ? error.message : String(error)}`);
  process.exit(1);
}
