import * as assert from 'node:assert/strict';
import * as vscode from 'vscode';
import type { OAuth2InvokerTesting } from '../../src/extension/testingApi';
import type { ResultNode } from '../../src/extension/resultTree';
import { startOidcServer, type OidcServer } from '../fixtures/oidcServer';
import { activateApi } from './helpers';

/** The tree commands a person reaches from the Messages view, run as the view runs them (with its node). */
suite('Messages view commands in a real VS Code', function () {
  let api: OAuth2InvokerTesting;
  let server: OidcServer;

  suiteSetup(async () => {
    api = await activateApi();
    server = await startOidcServer();
    await api.saveInvoker(
      {
        name: 'tree',
        authorizationServerUrl: server.tokenEndpoint,
        grantType: 'client_credentials',
        clientId: server.basicClient.clientId,
        scope: 'api:read',
        targetMessage: 'TREEOUT',
      },
      { secrets: { clientSecret: server.basicClient.clientSecret } },
    );
    await api.execute('tree');
  });

  suiteTeardown(async () => {
    await vscode.commands.executeCommand('workbench.action.closeAllEditors');
    await api.deleteInvoker('tree');
    await server.close();
  });

  function node(kind: ResultNode['kind'], name?: string): ResultNode {
    const root = api.resultTree.messageNodes().find((n) => n.record.invoker.name === 'tree');
    assert.ok(root !== undefined, 'the message is in the tree');
    if (kind === 'message') {
      return root;
    }
    const found = api.resultTree.getChildren(root).find((n) => n.kind === kind && (name === undefined || (n.kind === 'property' && n.name === name)));
    assert.ok(found !== undefined, `a ${kind} node`);
    return found;
  }

  function token(): string {
    const message = api.messages().find((m) => m.invoker === 'tree')?.message;
    assert.ok(message?.accessToken !== undefined);
    return message.accessToken;
  }

  test('issue 21: a screen reader hears each row as a sentence, values with their names, and a secret as hidden, never its value', () => {
    const item = (n: ResultNode): vscode.TreeItem => api.resultTree.getTreeItem(n);
    const heard = (n: ResultNode): string => item(n).accessibilityInformation?.label ?? '';
    assert.match(heard(node('message')), /^Message TREEOUT of invoker tree: /);
    assert.equal(heard(node('property', 'scope')), 'scope: api:read');
    assert.equal(heard(node('property', 'token_type')), 'token_type: Bearer');
    assert.match(heard(node('property', 'expires_in')), /^expires_in: \d+$/);
    assert.equal(heard(node('property', 'AccessToken')), 'AccessToken: hidden');
    assert.match(heard(node('body')), /^Body: application\/json/);
    const details = api.resultTree.getChildren(node('details'));
    assert.ok(details.length > 0 && details.every((d) => /^[^:]+: ./.test(heard(d))), 'every detail row is read with its name');
    const everything = [node('message'), node('body'), node('details'), ...api.resultTree.getChildren(node('message')), ...details].map(heard).join('\n');
    assert.ok(!everything.includes(token()), 'the access token is read aloud nowhere');
  });

  test('Reveal Access Token opens a read-only document with the token; the tree keeps it masked', async () => {
    await vscode.commands.executeCommand('oauth2Invoker.revealAccessToken', node('property', 'AccessToken'));
    const editor = vscode.window.activeTextEditor;
    assert.equal(editor?.document.uri.scheme, 'oauth2-invoker');
    assert.match(editor?.document.uri.path ?? '', /TREEOUT\.AccessToken$/);
    assert.ok(editor?.document.getText().includes(token()));
    assert.equal(api.resultTree.getTreeItem(node('property', 'AccessToken')).description, '••••••••');
  });

  test("Open Body shows the server's answer as JSON", async () => {
    await vscode.commands.executeCommand('oauth2Invoker.openBody', node('body'));
    const document = vscode.window.activeTextEditor?.document;
    assert.equal(document?.languageId, 'json');
    assert.equal((JSON.parse(document?.getText() ?? '{}') as { access_token?: string }).access_token, token());
  });

  test("Copy Value copies a property's value", async () => {
    await vscode.commands.executeCommand('oauth2Invoker.copyValue', node('property', 'scope'));
    assert.equal(await vscode.env.clipboard.readText(), 'api:read');
  });

  test('Refresh Token renews the token now, even while the cached one is valid', async () => {
    const before = token();
    const requests = server.tokenRequests();
    await vscode.commands.executeCommand('oauth2Invoker.refreshToken', node('message'));
    assert.equal(server.tokenRequests(), requests + 1);
    assert.notEqual(token(), before);
  });

  test('Duplicate Invoker opens the form for a copy, without its secret', async () => {
    await vscode.commands.executeCommand('oauth2Invoker.duplicateInvoker', node('message'));
    const formTab = (): vscode.Tab | undefined =>
      vscode.window.tabGroups.all
        .flatMap((group) => group.tabs)
        .find((tab) => tab.label === 'New OAuth2 Invoker' && tab.input instanceof vscode.TabInputWebview);
    for (let waited = 0; formTab() === undefined && waited < 5000; waited += 100) {
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
    assert.ok(formTab() !== undefined, 'the form of the copy is open');
    assert.deepEqual(
      api.listInvokers().filter((name) => name.startsWith('tree')),
      ['tree'],
      'nothing is saved until the form is',
    );
  });

  test("Clear Tokens forgets the invoker's message and its tokens, also for the next window", async () => {
    await vscode.commands.executeCommand('oauth2Invoker.clearTokens', node('message'));
    assert.equal(
      api.messages().find((m) => m.invoker === 'tree'),
      undefined,
    );
    assert.equal(
      api.resultTree.messageNodes().find((n) => n.record.invoker.name === 'tree'),
      undefined,
    );
    const requests = server.tokenRequests();
    await api.getAccessToken('tree');
    assert.equal(server.tokenRequests(), requests + 1, 'with no cached token, the next one is requested');
  });
});
