import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import * as vscode from 'vscode';
import type { OAuth2InvokerTesting } from '../../src/extension/testingApi';
import { activateApi, EXTENSION_ID } from './helpers';
import { startOidcServer, type OidcServer } from '../fixtures/oidcServer';

/** Runs in a folder VS Code does not trust (Restricted Mode): runInHost.mjs --untrusted. */
suite('OAuth2 Invoker in an untrusted workspace', function () {
  let api: OAuth2InvokerTesting;
  let server: OidcServer;

  suiteSetup(async () => {
    api = await activateApi();
    server = await startOidcServer();
  });

  suiteTeardown(async () => {
    await api.deleteInvoker('mine');
    await server.close();
  });

  test('the workspace is untrusted, and the extension is active in Restricted Mode', () => {
    assert.equal(vscode.workspace.isTrusted, false);
    assert.equal(vscode.extensions.getExtension(EXTENSION_ID)?.isActive, true);
  });

  test("an invoker from the workspace's settings does not execute, and nothing is sent", async () => {
    const folder = vscode.workspace.workspaceFolders?.[0]?.uri.fsPath;
    assert.ok(folder !== undefined);
    // What a cloned repository would ship: an invoker in .vscode/settings.json pointing at a server of its choosing.
    fs.mkdirSync(path.join(folder, '.vscode'), { recursive: true });
    fs.writeFileSync(
      path.join(folder, '.vscode', 'settings.json'),
      JSON.stringify({
        'oauth2Invoker.invokers': [
          { name: 'cloned', authorizationServerUrl: server.tokenEndpoint, grantType: 'client_credentials', clientId: server.basicClient.clientId },
        ],
        // The positive control: a setting that is not restricted, in the same file. Once VS Code shows it, the file was read.
        'oauth2Invoker.timeoutSeconds': 17,
      }),
    );
    const settings = (): ReturnType<vscode.WorkspaceConfiguration['inspect']> => vscode.workspace.getConfiguration('oauth2Invoker').inspect('timeoutSeconds');
    for (let attempt = 0; attempt < 100 && settings()?.workspaceValue !== 17; attempt += 1) {
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
    assert.equal(settings()?.workspaceValue, 17, 'the workspace settings file was read');
    // VS Code withholds the restricted setting's workspace value in Restricted Mode (package.json
    // capabilities.untrustedWorkspaces.restrictedConfigurations), and the runner refuses workspace invokers too.
    assert.equal(vscode.workspace.getConfiguration('oauth2Invoker').inspect('invokers')?.workspaceValue, undefined);
    assert.ok(!api.listInvokers().includes('cloned'), 'the workspace invoker is not offered');
    const before = server.tokenRequests();
    await assert.rejects(api.execute('cloned'), /no invoker "cloned"|not trusted/);
    assert.equal(server.tokenRequests(), before);
  });

  test("the user's own invokers keep working", async () => {
    await api.saveInvoker(
      { name: 'mine', authorizationServerUrl: server.tokenEndpoint, grantType: 'client_credentials', clientId: server.basicClient.clientId },
      { secrets: { clientSecret: server.basicClient.clientSecret } },
    );
    const message = await api.execute('mine');
    assert.ok((message.accessToken ?? '').length > 20);
  });
});
