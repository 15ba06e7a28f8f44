// `npm start`: the product, running. Builds and packages the extension, starts an embedded demo authorization
// server (oidc-provider on 127.0.0.1) and a real VS Code (code-server on 127.0.0.1) with the VSIX installed and
// demo invokers pointing at that server, then prints the URL to open. Ctrl+C stops everything.
//   node test/harness/demo.mjs [--vscode 1.100.3|1.139.1] [--port 9400] [--code-port 9401] [--redirect-port 9402] [--api-port 9403]
// code-server keeps one port (unless it is busy): in the browser, SecretStorage belongs to the page's origin, so the
// demo's secrets and tokens survive a restart only at the same address. That storage lives in the browser, so the demo
// cannot put its secrets there from outside: the first Execute of a demo invoker asks for its secret instead.
// The demo server keeps its grants in the demo's cache (oidc-state.json), so tokens issued before a restart still work.
// A browser on another machine needs ports 9401 (VS Code) and 9400 (the demo server's sign-in pages) forwarded.
import { execFileSync } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { cacheRoot, installVsix, resolveVersion, startCodeServer } from './codeServer.mjs';
import { demoHttpFile, mergeDemoInvokers } from './demoSetup.mjs';

const root = resolve(dirname(fileURLToPath(import.meta.url)), '..', '..');
const args = process.argv.slice(2);
const option = (name, fallback) => {
  const index = args.indexOf(`--${name}`);
  return index >= 0 && args[index + 1] !== undefined ? args[index + 1] : fallback;
};
const version = resolveVersion(option('vscode', '1.100.3'));
const authPort = Number(option('port', '9400'));
const codePort = Number(option('code-port', '9401'));
// The sign-in invoker's fixed loopback port: in code-server the browser reaches it as <code-server>/proxy/<port>/callback.
const redirectPort = Number(option('redirect-port', '9402'));
// The demo's protected API: reached from VS Code's host (Insert Access Token, httpyac in its terminal), not the browser.
const apiPort = Number(option('api-port', '9403'));

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

const require = createRequire(import.meta.url);
const { startOidcServer } = require(join(root, 'out', 'test', 'fixtures', 'oidcServer.js'));
const { startResourceServer } = require(join(root, 'out', 'test', 'fixtures', 'resourceServer.js'));
const home = join(cacheRoot(), 'demo', version.vscode);
const server = await startOidcServer({
  port: authPort,
  // Grants and tokens outlive a restart of the demo (a refresh token issued before still works).
  stateFile: join(cacheRoot(), 'demo', 'oidc-state.json'),
  user: DEMO.user,
  clients: { basic: { clientId: DEMO.client.clientId, clientSecret: DEMO.client.clientSecret } },
  // Authorization Code with PKCE and Device Authorization for the public client `vscode-app`, with login and consent
  // pages; its redirect URIs: the loopback one (desktop) and code-server's port proxy (any code-server port).
  signIn: {
    redirectUris: [
      `http://127.0.0.1:${redirectPort}/callback`,
      `http://127.0.0.1/proxy/${redirectPort}/callback`,
      `http://localhost:${codePort}/proxy/${redirectPort}/callback`,
    ],
  },
});
step(`demo authorization server: ${server.issuer} (token endpoint ${server.tokenEndpoint})`);
// A small protected API: a request succeeds only with an active token of the demo server (checked by introspection).
const api = await startResourceServer({ introspectionEndpoint: server.introspectionEndpoint, ...server.resourceServer, port: apiPort });
const apiUrl = `${api.origin}/api/items`;
step(`demo API: ${apiUrl} (200 with a token of the demo server, 401 without)`);

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
    '1. Open the OAuth2 Invoker view (key icon in the activity bar): it lists the demo invokers. Press ▶ beside `demo-client-credentials`.',
    `2. VS Code asks for its Client Secret: type \`${DEMO.client.clientSecret}\` (it goes to VS Code's secret storage, never to settings).`,
    '3. The Messages view shows `DJMOUT · demo-client-credentials` with `AccessToken`; **Copy Access Token** puts it on the clipboard.',
    '4. Open `api.http`, put the cursor on its first request and run **OAuth2 Invoker: Insert Access Token**; send it (`npx httpyac send api.http --all` in a terminal, or a REST client extension): the demo API answers 200.',
    '',
    `The password invoker \`demo-password\` signs in user \`${DEMO.user.username}\` with the same client:`,
    '',
    '1. Press ▶ beside `demo-password`.',
    `2. When asked, type the Client Secret \`${DEMO.client.clientSecret}\` and the Password \`${DEMO.user.password}\` (both go to VS Code's secret storage, never to settings).`,
    '3. The Messages view shows `PWOUT` with `AccessToken` and, as the invoker asks for `offline_access`, a `refresh_token`: **Refresh Token** on the message uses it.',
    '',
    '## Signing in as a user',
    '',
    `\`demo-sign-in\` uses the Authorization Code grant with PKCE (public client \`${server.appClient.clientId}\`, no secret):`,
    '',
    "1. Run **OAuth2 Invoker: Execute OAuth2 Invoker** → `demo-sign-in`. A browser tab opens the demo server's sign-in page (if it does not, use **Copy Sign-in Link** in the notification).",
    `2. Sign in as \`${DEMO.user.username}\` / \`${DEMO.user.password}\` and press **Allow**. The browser comes back through code-server's \`/proxy/${redirectPort}/callback\` and says to return to VS Code.`,
    '3. The Messages view shows `USEROUT` with `AccessToken`, `refresh_token` and `id_token` (its claims under Details).',
    '',
    '`demo-device` uses the Device Authorization grant:',
    '',
    '1. Run **Execute OAuth2 Invoker** → `demo-device`. A notification shows a code: press **Copy Code and Open**.',
    `2. The demo server's device page opens (through code-server's \`/proxy/\` address, which sends the browser on): paste the code, sign in as \`${DEMO.user.username}\` and press **Allow**.`,
    '3. VS Code was polling meanwhile: the Messages view shows `DEVOUT` with its tokens.',
    '',
    '## Restarting the demo',
    '',
    'Your own invokers stay in the settings: the demo only updates its four. The demo server keeps its grants, so',
    'tokens issued before a restart still refresh; VS Code keeps secrets and messages as long as it opens at the same address.',
    '',
  ].join('\n'),
);
// Written once, and again only when the API moved (--api-port): the person may have inserted a token since.
const httpFile = join(workspace, 'api.http');
if (!existsSync(httpFile) || !readFileSync(httpFile, 'utf8').includes(apiUrl)) {
  writeFileSync(httpFile, demoHttpFile(apiUrl));
}

step(`installing the VSIX into VS Code ${version.vscode} (code-server ${version.codeServer}; first run installs it, ~1 min)`);
await installVsix({ version: version.vscode, userDataDir, extensionsDir, vsix: join(root, 'dist', 'oauth2-invoker.vsix') });
// Every demo invoker names its Issuer and the endpoints Discover would find there, so Introspect and Revoke work.
const toolbox = { issuer: server.issuer, introspectionEndpoint: server.introspectionEndpoint, revocationEndpoint: server.revocationEndpoint };
const invokers = [
  {
    name: 'demo-client-credentials',
    ...toolbox,
    authorizationServerUrl: server.tokenEndpoint,
    grantType: 'client_credentials',
    clientId: DEMO.client.clientId,
    scope: 'api:read',
  },
  {
    name: 'demo-password',
    ...toolbox,
    authorizationServerUrl: server.tokenEndpoint,
    grantType: 'password',
    clientId: DEMO.client.clientId,
    username: DEMO.user.username,
    scope: 'openid offline_access api:read',
    targetMessage: 'PWOUT',
  },
  {
    name: 'demo-sign-in',
    ...toolbox,
    authorizationServerUrl: server.tokenEndpoint,
    grantType: 'authorization_code',
    authorizationEndpointUrl: server.authorizationEndpoint,
    issParameterSupported: true,
    clientId: server.appClient.clientId,
    redirectUri: `http://127.0.0.1:${redirectPort}/callback`,
    scope: 'openid offline_access api:read',
    authorizationParameters: [{ name: 'prompt', value: 'consent' }],
    targetMessage: 'USEROUT',
  },
  {
    name: 'demo-device',
    ...toolbox,
    authorizationServerUrl: server.tokenEndpoint,
    grantType: 'device_code',
    deviceAuthorizationEndpointUrl: server.deviceAuthorizationEndpoint,
    clientId: server.appClient.clientId,
    scope: 'openid offline_access api:read',
    targetMessage: 'DEVOUT',
  },
];
/** The invokers in the demo profile's user settings now (none when there is no such file, or it is not plain JSON). */
function currentInvokers(dir) {
  try {
    return JSON.parse(readFileSync(join(dir, 'User', 'settings.json'), 'utf8'))['oauth2Invoker.invokers'];
  } catch {
    return undefined;
  }
}
const codeServer = await startCodeServer({
  version: version.vscode,
  userDataDir,
  extensionsDir,
  folder: workspace,
  workDir: join(home, 'work'),
  preferredPort: codePort,
  // Merged: the person's own invokers stay; only the demo's are updated.
  settings: { 'oauth2Invoker.invokers': mergeDemoInvokers(currentInvokers(userDataDir), invokers), 'workbench.startupEditor': 'readme' },
});

const url = `${codeServer.url}/?folder=${encodeURIComponent(workspace)}`;
console.log('');
console.log(`  Open ${url}`);
console.log(`  Demo client: ${DEMO.client.clientId} / secret ${DEMO.client.clientSecret}; demo user: ${DEMO.user.username} / ${DEMO.user.password}`);
console.log(`  Demo API: ${apiUrl} (see api.http in the workspace)`);
console.log(`  From a browser on another machine, forward ports ${new URL(codeServer.url).port} (VS Code) and ${authPort} (the demo server's sign-in pages).`);
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
  await api.close();
  await server.close();
  process.exit(0);
}
process.on('SIGINT', () => void stop());
process.on('SIGTERM', () => void stop());
