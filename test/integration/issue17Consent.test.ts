/**
 * Issue 17 (item 6) in a real VS Code: another extension is a stranger. It gets an invoker's token only through VS Code's
 * Accounts, which asks the person; the exported API hands out no token, no secret and no test seam, and an
 * `oauth2-invoker:` document shows a message only when the extension's own command opened it.
 */
import * as assert from 'node:assert/strict';
import * as vscode from 'vscode';
import type { OAuth2InvokerTesting } from '../../src/extension/testingApi';
import { startOidcServer, type OidcServer } from '../fixtures/oidcServer';
import { activateApi, activateExports, assertAbsent, productionExports } from './helpers';

/** The test consumer extension (test/fixtures/consumerExtension): a stranger, run in production mode. */
interface ConsumerApi {
  invokerExports(invoker: string): Promise<{ mode: vscode.ExtensionMode; functions: string[]; executed: string; listed: string }>;
}

const CONSUMER_ID = 'oauth2-invoker-tests.consumer';
const MASK = '••••••••';
const STRANGERS_API = ['discover', 'execute', 'listInvokers', 'messages'];
const INVOKER = 'consent';

suite('Issue 17: another extension gets no token without the consent of VS Code Accounts', function () {
  let api: OAuth2InvokerTesting;
  let server: OidcServer;

  // Open Body and Reveal are run here by name, as another extension or a keybinding would: the person allows them.
  setup(() => api.confirmationsForTests.answerForTests(() => true));
  teardown(() => api.confirmationsForTests.answerForTests(undefined));

  suiteSetup(async () => {
    api = await activateApi();
    server = await startOidcServer();
    await api.saveInvoker(
      {
        name: INVOKER,
        authorizationServerUrl: server.tokenEndpoint,
        grantType: 'client_credentials',
        clientId: server.basicClient.clientId,
        scope: 'api:read',
        targetMessage: 'CONSENTOUT',
      },
      { secrets: { clientSecret: server.basicClient.clientSecret } },
    );
  });

  suiteTeardown(async () => {
    await vscode.commands.executeCommand('workbench.action.closeAllEditors');
    await api.deleteInvoker(INVOKER);
    await server.close();
  });

  /** The invoker's access token as the extension holds it. */
  function token(): string {
    const value = api.messages().find((m) => m.invoker === INVOKER)?.message.accessToken;
    assert.ok(value !== undefined && value.length > 20, `invoker "${INVOKER}" holds an access token`);
    return value;
  }

  /** A document of the scheme opened as any extension may open it: a URI it put together itself. */
  async function opened(uri: string): Promise<string> {
    return (await vscode.workspace.openTextDocument(vscode.Uri.parse(uri))).getText();
  }

  test('the exports hold the four functions of the API and, in a test run only, `testing`: no token function, no tree, no way to change invokers', async () => {
    const exports = await activateExports();
    assert.ok(Object.isFrozen(exports), 'a stranger cannot replace a function for the next caller');
    assert.deepEqual(Object.keys(exports).sort(), [...STRANGERS_API, 'testing'].sort());
    assert.deepEqual(Object.keys(await productionExports()).sort(), STRANGERS_API);
    for (const seam of ['getAccessToken', 'resultTree', 'saveInvoker', 'deleteInvoker', 'storedKeys', 'logFolder', 'authProviderForTests']) {
      assert.ok(!(seam in exports), `no "${seam}" in the exports`);
    }
  });

  test('execute() and messages() give another extension the message with the access token masked, the token nowhere in it', async () => {
    const stranger = await productionExports();
    const message = await stranger.execute(INVOKER);
    const listed = stranger.messages().find((m) => m.invoker === INVOKER);
    assert.ok(listed !== undefined && !listed.failed);
    for (const seen of [message, listed.message]) {
      assert.equal(seen.name, 'CONSENTOUT');
      assert.equal(seen.accessToken, MASK);
      assert.equal((JSON.parse(seen.body) as { access_token?: unknown }).access_token, MASK);
      assert.equal(seen.getProperty('token_type'), 'Bearer');
      assert.equal(seen.getProperty('scope'), 'api:read');
    }
    assertAbsent(JSON.stringify(message), [token()], 'what execute() returns');
    assertAbsent(JSON.stringify(listed), [token()], 'what messages() returns');
  });

  test('the consumer extension (another extension, in production mode) finds no token function in the exports, and gets no token', async () => {
    const extension = vscode.extensions.getExtension<ConsumerApi>(CONSUMER_ID);
    assert.ok(extension !== undefined, `the harness loads the consumer extension ${CONSUMER_ID}`);
    const seen = await (await extension.activate()).invokerExports(INVOKER);
    assert.equal(seen.mode, vscode.ExtensionMode.Production, 'the consumer is an installed extension, not the one under test');
    assert.deepEqual(seen.functions, STRANGERS_API);
    assert.ok(seen.executed.includes(MASK) && seen.listed.includes(MASK), 'the consumer sees the masked message');
    assertAbsent(`${seen.executed}\n${seen.listed}`, [token()], "the consumer's view");
  });

  test("Open Body shows the server's answer, under a key of its own; the same document again, not a second one", async () => {
    await vscode.commands.executeCommand('oauth2Invoker.openBody', INVOKER);
    const document = vscode.window.activeTextEditor?.document;
    assert.ok(document !== undefined);
    assert.equal(document.uri.scheme, 'oauth2-invoker');
    assert.equal((JSON.parse(document.getText()) as { access_token?: string }).access_token, token());
    const key = new URLSearchParams(document.uri.query).get('key') ?? '';
    assert.ok(key.length >= 40, 'an unguessable key');
    await vscode.commands.executeCommand('oauth2Invoker.openBody', INVOKER);
    assert.equal(vscode.window.activeTextEditor?.document.uri.toString(), document.uri.toString());
  });

  test('Open Body keeps following the message after VS Code switched it to JSON (a close and reopen in the extension host)', async () => {
    await vscode.commands.executeCommand('oauth2Invoker.openBody', INVOKER);
    const document = vscode.window.activeTextEditor?.document;
    assert.ok(document !== undefined);
    assert.equal(document.languageId, 'json');
    const before = token();
    await vscode.commands.executeCommand('oauth2Invoker.refreshToken', INVOKER);
    const after = token();
    assert.notEqual(after, before);
    for (let waited = 0; !document.getText().includes(after) && waited < 5000; waited += 50) {
      await new Promise((resolve) => setTimeout(resolve, 50));
    }
    assert.equal((JSON.parse(document.getText()) as { access_token?: string }).access_token, after);
  });

  test('an oauth2-invoker: URI another extension puts together shows no body and no token, even while the real one is open', async () => {
    await vscode.commands.executeCommand('oauth2Invoker.openBody', INVOKER);
    await vscode.commands.executeCommand('oauth2Invoker.revealAccessToken', INVOKER);
    const revealed = vscode.window.activeTextEditor?.document;
    assert.ok(revealed?.getText().includes(token()), 'Reveal Access Token shows the token');
    const guesses = [
      // What the extension opened before issue 17: the invoker's name and scope in the query.
      `oauth2-invoker:/CONSENTOUT.body?scope=user&name=${INVOKER}&part=body`,
      `oauth2-invoker:/CONSENTOUT.AccessToken?scope=user&name=${INVOKER}&part=token`,
      'oauth2-invoker:/CONSENTOUT.body?key=guess',
      'oauth2-invoker:/CONSENTOUT.AccessToken',
    ];
    for (const guess of guesses) {
      const text = await opened(guess);
      assert.match(text, /only when the OAuth2 Invoker's Open Body or Reveal Access Token command opens it/, guess);
      assertAbsent(text, [token()], `the document ${guess}`);
      assert.ok(!text.includes('Bearer'), `no part of the body in ${guess}`);
    }
  });

  test("a command run with an invoker's name by another extension hands out nothing until the person allows it", async () => {
    const asked = api.confirmationsForTests;
    asked.answerForTests(() => false);
    await vscode.env.clipboard.writeText('before');
    await vscode.commands.executeCommand('oauth2Invoker.copyAccessToken', INVOKER);
    await vscode.commands.executeCommand('oauth2Invoker.copyAccessToken', { name: INVOKER, scope: 'user' });
    // A forged tree node: the shape of one, not a node the Messages view made.
    await vscode.commands.executeCommand('oauth2Invoker.copyValue', {
      kind: 'property',
      name: 'AccessToken',
      record: { invoker: { name: INVOKER, scope: 'user' } },
    });
    assert.equal(await vscode.env.clipboard.readText(), 'before', 'nothing reached the clipboard');
    const opened = vscode.workspace.textDocuments.filter((d) => d.uri.scheme === 'oauth2-invoker').length;
    await vscode.commands.executeCommand('oauth2Invoker.revealAccessToken', INVOKER);
    await vscode.commands.executeCommand('oauth2Invoker.openBody', INVOKER);
    assert.equal(vscode.workspace.textDocuments.filter((d) => d.uri.scheme === 'oauth2-invoker').length, opened, 'no document was opened');
    assert.equal(asked.asked.length, 5);
    assert.match(asked.asked[0].text, new RegExp(`A command was run to copy the access token of invoker "${INVOKER}"`));

    // The Messages view's own node: the person's gesture, no question.
    asked.answerForTests(() => false);
    const root = api.resultTree.messageNodes().find((node) => node.record.invoker.name === INVOKER);
    assert.ok(root !== undefined);
    const scope = api.resultTree.getChildren(root).find((node) => node.kind === 'property' && node.name === 'AccessToken');
    await vscode.commands.executeCommand('oauth2Invoker.copyValue', scope);
    assert.equal(await vscode.env.clipboard.readText(), token());
    assert.equal(asked.asked.length, 0);
  });
});
