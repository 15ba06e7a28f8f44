import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import * as vscode from 'vscode';
import type { OAuth2InvokerTesting } from '../../src/extension/testingApi';
import { activateApi, assertAbsent, copyPropertyFromTree, EXTENSION_ID, filesBelow, logWithLine, tooltipText } from './helpers';
import type { TreeElement } from '../../src/extension/resultTree';
import { startOidcServer, type OidcServer } from '../fixtures/oidcServer';

/** Labels, descriptions and tooltips of the whole tree, as VS Code would render them. */
function treeText(api: OAuth2InvokerTesting): string {
  const lines: string[] = [];
  const walk = (node?: TreeElement): void => {
    for (const child of api.resultTree.getChildren(node)) {
      const item = api.resultTree.getTreeItem(child);
      lines.push(`${String(item.label)} | ${String(item.description ?? '')} | ${tooltipText(item.tooltip)}`);
      walk(child);
    }
  };
  walk();
  return lines.join('\n');
}

suite('OAuth2 Invoker in a real VS Code', function () {
  let api: OAuth2InvokerTesting;
  let server: OidcServer;
  const tokens: string[] = [];

  suiteSetup(async () => {
    api = await activateApi();
    server = await startOidcServer();
  });

  suiteTeardown(async () => {
    for (const name of api.listInvokers()) {
      await api.deleteInvoker(name);
    }
    await server.close();
  });

  function secrets(): string[] {
    return [server.basicClient.clientSecret, server.postClient.clientSecret, server.user.password, ...tokens];
  }

  test('activates without loading the core, and registers every command', async () => {
    assert.equal(api.isCoreLoaded(), false, 'undici and the core load on first Execute');
    const registered = new Set(await vscode.commands.getCommands(true));
    const contributed = (vscode.extensions.getExtension(EXTENSION_ID)?.packageJSON as { contributes: { commands: Array<{ command: string }> } }).contributes
      .commands;
    assert.ok(contributed.length >= 15);
    for (const { command } of contributed) {
      assert.ok(registered.has(command), `${command} is contributed but not registered`);
    }
  });

  test('client credentials: saved with its secret, executed through the command, the tree shows DJMOUT', async () => {
    await api.saveInvoker(
      { name: 'cc', authorizationServerUrl: server.tokenEndpoint, grantType: 'client_credentials', clientId: server.basicClient.clientId, scope: 'api:read' },
      { secrets: { clientSecret: server.basicClient.clientSecret } },
    );
    await vscode.commands.executeCommand('oauth2Invoker.execute', 'cc');
    assert.equal(api.isCoreLoaded(), true);
    const record = api.messages().find((m) => m.invoker === 'cc');
    assert.ok(record !== undefined && !record.failed);
    const token = record.message.accessToken;
    assert.ok(token !== undefined && token.length > 20);
    tokens.push(token);

    const roots = api.resultTree.messageNodes();
    const root = roots.find((node) => node.record.invoker.name === 'cc');
    assert.ok(root !== undefined);
    assert.equal(api.resultTree.getTreeItem(root).label, 'DJMOUT · cc', 'the label names the invoker the message belongs to (issue 21)');
    const children = api.resultTree.getChildren(root).map((node) => String(api.resultTree.getTreeItem(node).label));
    assert.deepEqual(children, ['Body', ...record.message.propertyNames(), 'Details']);
    assert.equal(children[1], 'AccessToken');
    const accessNode = api.resultTree.getChildren(root)[1];
    const accessItem = api.resultTree.getTreeItem(accessNode);
    assert.equal(accessItem.contextValue, 'accessToken');
    assert.equal(accessItem.description, '••••••••');
    assertAbsent(treeText(api), secrets(), 'the tree');
  });

  for (const inBody of [false, true]) {
    test(`password grant (${inBody ? 'credentials in body' : 'Basic header'}) through the API, then refresh token grant`, async () => {
      const client = inBody ? server.postClient : server.basicClient;
      await api.saveInvoker(
        {
          name: `pw-${inBody}`,
          authorizationServerUrl: server.tokenEndpoint,
          grantType: 'password',
          credentialsInRequestBody: inBody,
          clientId: client.clientId,
          username: server.user.username,
          scope: 'openid offline_access api:read',
          targetMessage: 'PWOUT',
        },
        { secrets: { clientSecret: client.clientSecret, password: server.user.password } },
      );
      const message = await api.execute(`pw-${inBody}`);
      assert.equal(message.name, 'PWOUT');
      const refreshToken = await copyPropertyFromTree(api, `pw-${inBody}`, 'refresh_token');
      tokens.push(message.accessToken ?? '', refreshToken);

      await api.saveInvoker(
        {
          name: `rt-${inBody}`,
          authorizationServerUrl: server.tokenEndpoint,
          grantType: 'refresh_token',
          credentialsInRequestBody: inBody,
          clientId: client.clientId,
        },
        { secrets: { clientSecret: client.clientSecret, refreshToken } },
      );
      const refreshed = await api.execute(`rt-${inBody}`);
      assert.ok(refreshed.accessToken !== undefined && refreshed.accessToken !== message.accessToken);
      tokens.push(refreshed.accessToken, await copyPropertyFromTree(api, `rt-${inBody}`, 'refresh_token'));
    });
  }

  test('Copy Access Token puts the token on the clipboard (called with a name, once the person allowed it)', async () => {
    await vscode.env.clipboard.writeText('before');
    api.confirmationsForTests.answerForTests(() => true);
    try {
      await vscode.commands.executeCommand('oauth2Invoker.copyAccessToken', 'cc');
    } finally {
      api.confirmationsForTests.answerForTests(undefined);
    }
    const record = api.messages().find((m) => m.invoker === 'cc');
    assert.equal(await vscode.env.clipboard.readText(), record?.message.accessToken);
  });

  test("a wrong secret: error code 4 with the server's error, and a failed message in the tree", async () => {
    await api.saveInvoker(
      {
        name: 'bad',
        authorizationServerUrl: server.tokenEndpoint,
        grantType: 'client_credentials',
        clientId: server.postClient.clientId,
        credentialsInRequestBody: true,
      },
      { secrets: { clientSecret: 'wrong-secret-value' } },
    );
    await assert.rejects(api.execute('bad'), (error: { code?: number; kind?: string; error?: string; status?: number; message: string }) => {
      assert.equal(error.code, 4);
      assert.equal(error.kind, 'server-rejected');
      assert.equal(error.error, 'invalid_client');
      assert.equal(error.status, 401);
      assert.ok(!error.message.includes('wrong-secret-value'));
      return true;
    });
    const failed = api.messages().find((m) => m.invoker === 'bad');
    assert.equal(failed?.failed, true);
    assert.equal(failed?.message.getProperty('error'), 'invalid_client');
    const root = api.resultTree.messageNodes().find((node) => node.record.invoker.name === 'bad');
    assert.ok(root !== undefined);
    assert.equal(api.resultTree.getTreeItem(root).contextValue, 'message.failed');
    assert.match(String(api.resultTree.getTreeItem(root).description), /failed \(error 4\)/);
    assertAbsent(treeText(api), ['wrong-secret-value'], 'the tree');
  });

  test('a changed Authorization Server URL origin withholds the stored secret', async () => {
    const other = await startOidcServer();
    try {
      const settings = vscode.workspace.getConfiguration('oauth2Invoker');
      const invokers = (settings.inspect<Array<Record<string, unknown>>>('invokers')?.globalValue ?? []).map((entry) =>
        entry.name === 'cc' ? { ...entry, authorizationServerUrl: other.tokenEndpoint } : entry,
      );
      await settings.update('invokers', invokers, vscode.ConfigurationTarget.Global);
      await assert.rejects(api.execute('cc'), /is not sent, because since it was entered requests now go to http:\/\/127\.0\.0\.1:\d+/);
      assert.equal(other.tokenRequests(), 0, 'nothing reached the other server');
    } finally {
      await other.close();
    }
  });

  test('no secret or token in settings, and none in the log, which records the exchanges', async () => {
    const settings = JSON.stringify(vscode.workspace.getConfiguration('oauth2Invoker').inspect('invokers'));
    assert.match(settings, /"cc"/);
    assertAbsent(settings, [...secrets(), 'wrong-secret-value'], 'settings');
    const folder = vscode.workspace.workspaceFolders?.[0]?.uri.fsPath;
    if (folder !== undefined) {
      for (const file of filesBelow(path.join(folder, '.vscode'))) {
        assertAbsent(fs.readFileSync(file, 'utf8'), secrets(), file);
      }
    }
    // The last exchange's answer: once it is in the log, all before it is.
    const logText = await logWithLine(api, /invalid_client/);
    assert.match(logText, /POST http:\/\/127\.0\.0\.1:\d+\/token/);
    assert.match(logText, /client_secret=\[REDACTED\]/);
    assert.match(logText, /activated in/);
    assertAbsent(logText, [...secrets(), 'wrong-secret-value'], 'the log');
  });
});
