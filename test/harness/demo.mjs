// `npm start`: the product, running. Builds and packages the extension, starts an embedded demo authorization
// server (oidc-provider on 127.0.0.1) and a real VS Code (code-server on 127.0.0.1) with the VSIX installed and
// demo invokers pointing at that server, then prints the URL to open. Ctrl+C stops everything.
//   node test/harness/demo.mjs [--vscode 1.100.3|1.139.1] [--port 9400] [--code-port 0]
import { execFileSync } from 'node:child_process';
import { mkdirSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { cacheRoot, installVsix, resolveVersion, startCodeServer } from './codeServer.mjs';

const root = resolve(dirname(fileURLToPath(import.meta.url)), '..', '..');
const args = process.argv.slice(2);
const option = (name, fallback) => {
  const index = args.indexOf(`--${name}`);
  return index >= 0 && args[index + 1] !== undefined ? args[index + 1] : fallback;
};
const version = resolveVersion(option('vscode', '1.100.3'));
const authPort = Number(option('port', '9400'));

const DEMO = {
  client: { clientId: 'demo-client', clientSecret: 'demo-secret' },
  user: { username: 'demo', password: 'demo-password' },
};

function step(text) {
  console.log(`[demo] ${text}`);
}

step('building the extension, its VSIX and the demo server');
const npm = process.platform === 'win32' ? 'npm.cmd' : 'npm';
execFileSync(npm, ['run', '--silent', 'package'], { cwd: root, stdio: 'inherit' });
execFileSync(npm, ['run', '--silent', 'compile-tests'], { cwd: root, stdio: 'inherit' });

const { startOidcServer } = createRequire(import.meta.url)(join(root, 'out', 'test', 'fixtures', 'oidcServer.js'));
const server = await startOidcServer({
  port: authPort,
  user: DEMO.user,
  clients: { basic: { clientId: DEMO.client.clientId, clientSecret: DEMO.client.clientSecret } },
});
step(`demo authorization server: ${server.issuer} (token endpoint ${server.tokenEndpoint})`);

const home = join(cacheRoot(), 'demo', version.vscode);
const userDataDir = join(home, 'user-data');
const extensionsDir = join(home, 'extensions');
const workspace = join(home, 'workspace');
mkdirSync(workspace, { recursive: true });
writeFileSync(
  join(workspace, 'README.md'),
  [
    '# OAuth 2.0 Invoker demo',
    '',
    `The demo authorization server runs at ${server.issuer}.`,
    '',
    '1. Open the OAuth2 Invoker view (key icon in the activity bar), or run **OAuth2 Invoker: Edit Invoker** → `demo-client-credentials`.',
    `2. Enter the Client Secret \`${DEMO.client.clientSecret}\` (it goes to VS Code's secret storage, never to settings) and press **Execute**.`,
    '3. The Messages view shows `DJMOUT` with `AccessToken`; **Copy Access Token** puts it on the clipboard.',
    '',
    `The password invoker \`demo-password\` signs in user \`${DEMO.user.username}\` with the same client:`,
    '',
    '1. Run **OAuth2 Invoker: Edit Invoker** → `demo-password`.',
    `2. Enter the Client Secret \`${DEMO.client.clientSecret}\` and the Password \`${DEMO.user.password}\` (both go to VS Code's secret storage, never to settings) and press **Execute**.`,
    '3. The Messages view shows `PWOUT` with `AccessToken` and, as the invoker asks for `offline_access`, a `refresh_token`: **Refresh Token** on the message uses it.',
    '',
  ].join('\n'),
);

step(`installing the VSIX into VS Code ${version.vscode} (code-server ${version.codeServer}; first run installs it, ~1 min)`);
await installVsix({ version: version.vscode, userDataDir, extensionsDir, vsix: join(root, 'dist', 'oauth2-invoker.vsix') });
const invokers = [
  {
    name: 'demo-client-credentials',
    authorizationServerUrl: server.tokenEndpoint,
    grantType: 'client_credentials',
    clientId: DEMO.client.clientId,
    scope: 'api:read',
  },
  {
    name: 'demo-password',
    authorizationServerUrl: server.tokenEndpoint,
    grantType: 'password',
    clientId: DEMO.client.clientId,
    username: DEMO.user.username,
    scope: 'openid offline_access api:read',
    targetMessage: 'PWOUT',
  },
];
const codeServer = await startCodeServer({
  version: version.vscode,
  userDataDir,
  extensionsDir,
  folder: workspace,
  workDir: join(home, 'work'),
  settings: { 'oauth2Invoker.invokers': invokers, 'workbench.startupEditor': 'readme' },
});

const url = `${codeServer.url}/?folder=${encodeURIComponent(workspace)}`;
console.log('');
console.log(`  Open ${url}`);
console.log(`  Demo client: ${DEMO.client.clientId} / secret ${DEMO.client.clientSecret}; demo user: ${DEMO.user.username} / ${DEMO.user.password}`);
console.log('  Ctrl+C stops VS Code and the demo server.');
console.log('');

let stopping = false;
async function stop() {
  if (stopping) {
    return;
  }
  stopping = true;
  step('stopping');
  await codeServer.stop();
  await server.close();
  process.exit(0);
}
process.on('SIGINT', () => void stop());
process.on('SIGTERM', () => void stop());
