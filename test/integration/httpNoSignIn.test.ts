/**
 * Item 13c: the `.http` CodeLens and completion never sign in, as the README says of background work. For a sign-in
 * invoker without a token, the CodeLens's Refresh and an accepted completion item end with "sign-in required": no
 * sign-in starts, no browser opens, the document keeps its text. The Insert commands a person runs still sign in.
 */
import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import * as vscode from 'vscode';
import type { OAuth2InvokerTesting } from '../../src/extension/testingApi';
import { startOidcServer, type OidcServer } from '../fixtures/oidcServer';
import { activateApi, logWithLine } from './helpers';

type Api = OAuth2InvokerTesting;

/** One sign-in invoker per test, so that each test's log line is its own. */
const LENS_INVOKER = 'http-nosignin-lens';
const COMPLETION_INVOKER = 'http-nosignin-completion';

suite('.http CodeLens and completion never sign in (13c)', function () {
  this.timeout(60_000);
  let api: Api;
  let server: OidcServer;
  let folder: string;
  let opened: string[];
  let started: number;
  let disposables: vscode.Disposable[];
  let originalOpener: Api['signInForTests']['opener'];
  let originalTimeout: Api['signInForTests']['redirectTimeoutMs'];

  /** Writes a .http file naming the invoker and opens it. */
  async function openHttpFile(name: string, lines: readonly string[]): Promise<vscode.TextDocument> {
    const file = path.join(folder, name);
    fs.writeFileSync(file, lines.join('\n') + '\n');
    const document = await vscode.workspace.openTextDocument(vscode.Uri.file(file));
    await vscode.window.showTextDocument(document);
    return document;
  }

  /** The line the .http path writes when it got no token because a person must sign in. */
  function signInRequiredLine(invoker: string): RegExp {
    return new RegExp(`\\[${invoker}\\] no access token for the \\.http file: sign-in required`);
  }

  suiteSetup(async () => {
    api = await activateApi();
    const root = vscode.workspace.workspaceFolders?.[0]?.uri.fsPath;
    assert.ok(root !== undefined, 'the suite runs with a workspace folder');
    folder = path.join(root, 'http-nosignin');
    fs.mkdirSync(folder, { recursive: true });
    // With its authorization endpoint and a public client for the sign-in grants.
    server = await startOidcServer({ signIn: {} });
    originalOpener = api.signInForTests.opener;
    originalTimeout = api.signInForTests.redirectTimeoutMs;
    // A sign-in started here is never completed: it ends on its own within the test.
    api.signInForTests.redirectTimeoutMs = () => 3_000;
    for (const name of [LENS_INVOKER, COMPLETION_INVOKER]) {
      await api.saveInvoker({
        name,
        issuer: server.issuer,
        authorizationServerUrl: server.tokenEndpoint,
        authorizationEndpointUrl: server.authorizationEndpoint,
        grantType: 'authorization_code',
        clientId: server.appClient.clientId,
        scope: 'openid api:read',
      });
    }
  });

  setup(() => {
    opened = [];
    started = 0;
    api.signInForTests.opener = async (url) => {
      opened.push(url);
      return true;
    };
    disposables = [api.signInForTests.onDidStartForTests(() => (started += 1))];
  });

  teardown(async () => {
    disposables.forEach((disposable) => disposable.dispose());
    api.signInForTests.opener = originalOpener;
    await vscode.commands.executeCommand('workbench.action.closeAllEditors');
  });

  suiteTeardown(async () => {
    api.signInForTests.redirectTimeoutMs = originalTimeout;
    for (const name of [LENS_INVOKER, COMPLETION_INVOKER]) {
      await api.deleteInvoker(name);
    }
    await server.close();
    fs.rmSync(folder, { recursive: true, force: true });
  });

  test("the CodeLens's Refresh of a sign-in invoker without a token: sign-in required, no browser, the value unchanged", async () => {
    const document = await openHttpFile('lens.http', [
      `# @oauth2-invoker ${LENS_INVOKER}`,
      '@accessToken = ',
      '',
      'GET http://127.0.0.1:9/ping',
      'Authorization: Bearer {{accessToken}}',
    ]);
    const lenses = await vscode.commands.executeCommand<vscode.CodeLens[]>('vscode.executeCodeLensProvider', document.uri);
    const refresh = lenses.find((lens) => lens.command?.command === 'oauth2Invoker.refreshTokenVariable');
    assert.ok(refresh?.command !== undefined, `a Refresh CodeLens among ${lenses.map((lens) => lens.command?.title).join(', ')}`);
    const before = server.tokenRequests();
    await vscode.commands.executeCommand(refresh.command.command, ...(refresh.command.arguments ?? []));
    assert.deepEqual([started, opened], [0, []], 'no sign-in started and no browser opened');
    assert.equal(server.tokenRequests() - before, 0, 'nothing was sent');
    assert.equal(document.lineAt(1).text, '@accessToken = ');
    await logWithLine(api, signInRequiredLine(LENS_INVOKER));
  });

  test('an accepted completion item of a sign-in invoker without a token: sign-in required, no browser, nothing inserted', async () => {
    const document = await openHttpFile('completion.http', ['GET http://127.0.0.1:9/ping', 'Authorization: Bearer ']);
    const position = new vscode.Position(1, 'Authorization: Bearer '.length);
    const list = await vscode.commands.executeCommand<vscode.CompletionList>('vscode.executeCompletionItemProvider', document.uri, position);
    const item = list.items.find((candidate) => typeof candidate.label !== 'string' && candidate.label.label === COMPLETION_INVOKER);
    assert.ok(item?.command !== undefined, "the invoker's item runs a command on accept (it has no fresh token)");
    const before = server.tokenRequests();
    await vscode.commands.executeCommand(item.command.command, ...(item.command.arguments ?? []));
    assert.deepEqual([started, opened], [0, []], 'no sign-in started and no browser opened');
    assert.equal(server.tokenRequests() - before, 0, 'nothing was sent');
    assert.equal(document.lineAt(1).text, 'Authorization: Bearer ');
    await logWithLine(api, signInRequiredLine(COMPLETION_INVOKER));
  });

  test('the Insert Token Variable command a person runs still signs in: the browser is asked to open', async () => {
    const document = await openHttpFile('insert.http', ['GET http://127.0.0.1:9/ping']);
    // Never completed: the sign-in ends with its (shortened) redirect timeout. Run with arguments, as a keybinding
    // would: the person allows it (see CommandTargets).
    api.confirmationsForTests.answerForTests(() => true);
    try {
      await vscode.commands.executeCommand('oauth2Invoker.insertTokenVariable', { invoker: LENS_INVOKER, addHeader: false });
    } finally {
      api.confirmationsForTests.answerForTests(undefined);
    }
    assert.equal(started, 1, 'a sign-in started');
    assert.equal(opened.length, 1, 'the browser was asked to open');
    assert.equal(document.lineAt(0).text, 'GET http://127.0.0.1:9/ping');
  });
});
