/**
 * Issue 21, the first ten minutes in a real VS Code: Execute asks for a missing secret when a person is there, the
 * Messages view lists the invokers before anything ran and says whose each message is, a message whose invoker was
 * deleted says so (and its actions explain), and the walkthrough "Your first token" is complete.
 */
import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import * as vscode from 'vscode';
import type { OAuth2InvokerTesting } from '../../src/extension/testingApi';
import type { InvokerNode, ResultNode } from '../../src/extension/resultTree';
import { startOidcServer, type OidcServer } from '../fixtures/oidcServer';
import { activateApi, EXTENSION_ID, logWithLine } from './helpers';

const ASKS = 'first10-asks';
const QUIET = 'first10-quiet';
const LISTED = 'first10-listed';
const GONE = 'first10-gone';

suite('The first ten minutes (issue 21)', function () {
  let api: OAuth2InvokerTesting;
  let server: OidcServer;

  const save = (name: string, secret?: string): Promise<void> =>
    api.saveInvoker(
      { name, authorizationServerUrl: server.tokenEndpoint, grantType: 'client_credentials', clientId: server.basicClient.clientId, scope: 'api:read' },
      secret !== undefined ? { secrets: { clientSecret: secret } } : {},
    );

  const invokerRow = (name: string): InvokerNode | undefined =>
    api.resultTree.getChildren().find((node): node is InvokerNode => node.kind === 'invoker' && node.invoker.name === name);

  const messageRow = (name: string): ResultNode | undefined => api.resultTree.messageNodes().find((node) => node.record.invoker.name === name);

  suiteSetup(async () => {
    api = await activateApi();
    server = await startOidcServer();
  });

  teardown(() => {
    api.confirmationsForTests.answerSecretsForTests(undefined);
  });

  suiteTeardown(async () => {
    for (const name of [ASKS, QUIET, LISTED, GONE]) {
      await api.deleteInvoker(name);
    }
    await vscode.commands.executeCommand('oauth2Invoker.clearMessages');
    await server.close();
  });

  test('Execute of an invoker without its Client Secret asks for it (naming the field and the invoker), stores it for the route, and runs', async () => {
    await save(ASKS);
    const before = server.tokenRequests();
    // Cancelled: nothing is sent, nothing stored.
    api.confirmationsForTests.answerSecretsForTests(() => undefined);
    await vscode.commands.executeCommand('oauth2Invoker.execute', ASKS);
    assert.equal(api.confirmationsForTests.secretsAsked.length, 1);
    assert.equal(server.tokenRequests(), before, 'a cancelled question sends nothing');
    assert.equal(
      (await api.storedKeys()).some((key) => key.endsWith(`/${ASKS}/clientSecret`)),
      false,
    );

    api.confirmationsForTests.answerSecretsForTests(() => server.basicClient.clientSecret);
    await vscode.commands.executeCommand('oauth2Invoker.execute', ASKS);
    const [asked] = api.confirmationsForTests.secretsAsked;
    assert.match(asked.title, new RegExp(`"${ASKS}".*"Client Secret"`));
    assert.match(asked.prompt, /"Client Secret" is required for the Client Credentials grant/);
    assert.equal(server.tokenRequests(), before + 1);
    const record = api.messages().find((m) => m.invoker === ASKS);
    assert.ok(record !== undefined && !record.failed, 'the token was received');
    assert.ok((await api.storedKeys()).includes(`oauth2Invoker.secret/user/${ASKS}/clientSecret`), 'stored in SecretStorage, as the form stores it');

    // Stored: the next Execute asks nothing.
    api.confirmationsForTests.answerSecretsForTests(() => assert.fail('asked again'));
    await vscode.commands.executeCommand('oauth2Invoker.execute', ASKS);
    assert.equal(server.tokenRequests(), before + 2);
  });

  test('without a person (getAccessToken, background work) a missing secret stays an error and nobody is asked; nor when something else is wrong too', async () => {
    await save(QUIET);
    api.confirmationsForTests.answerSecretsForTests(() => assert.fail('asked without a person'));
    await assert.rejects(api.getAccessToken(QUIET), /"Client Secret" is required for the Client Credentials grant/);
    assert.equal(api.confirmationsForTests.secretsAsked.length, 0);
    // With a person, but something else is wrong too (an address without a scheme): nothing is asked, Execute names it.
    await api.saveInvoker({
      name: QUIET,
      authorizationServerUrl: 'as.example.test/token',
      grantType: 'client_credentials',
      clientId: server.basicClient.clientId,
    });
    await vscode.commands.executeCommand('oauth2Invoker.execute', QUIET);
    assert.equal(api.confirmationsForTests.secretsAsked.length, 0);
    await logWithLine(api, new RegExp(`\\[${QUIET}\\].*"Authorization Server URL" has no scheme: add https://`));
  });

  test('the Messages view lists an invoker before it ran, with its Run action; after Execute the message label names its invoker', async () => {
    await save(LISTED, server.basicClient.clientSecret);
    const row = invokerRow(LISTED);
    assert.ok(row !== undefined, 'the invoker is listed before anything ran');
    const item = api.resultTree.getTreeItem(row);
    assert.equal(item.label, LISTED);
    assert.equal(item.contextValue, 'invoker');
    const manifest = vscode.extensions.getExtension(EXTENSION_ID)?.packageJSON as {
      contributes: { menus: Record<string, Array<{ command: string; when?: string; group?: string }>> };
    };
    const inline = manifest.contributes.menus['view/item/context'].filter((entry) => entry.group?.startsWith('inline') === true);
    assert.ok(
      inline.some((entry) => entry.command === 'oauth2Invoker.execute' && /viewItem == invoker\b/.test(entry.when ?? '')),
      'Run (Execute) is an inline action of the invoker row',
    );
    assert.ok(
      inline.some((entry) => entry.command === 'oauth2Invoker.refreshToken' && /viewItem == message\b/.test(entry.when ?? '')),
      'Refresh Token sits beside Copy on a message',
    );
    // The inline action runs with the row, as the view passes it.
    await vscode.commands.executeCommand('oauth2Invoker.execute', row);
    const message = messageRow(LISTED);
    assert.ok(message !== undefined);
    assert.equal(api.resultTree.getTreeItem(message).label, `DJMOUT · ${LISTED}`);
    assert.equal(invokerRow(LISTED), undefined, 'once it has a message, the message stands for it');
  });

  test('a message whose invoker was deleted in settings says so, and Execute on it explains instead of "There is no invoker"', async () => {
    await save(GONE, server.basicClient.clientSecret);
    await api.execute(GONE);
    const config = vscode.workspace.getConfiguration('oauth2Invoker');
    const invokers = (config.inspect<Array<{ name: string }>>('invokers')?.globalValue ?? []).filter((invoker) => invoker.name !== GONE);
    await config.update('invokers', invokers, vscode.ConfigurationTarget.Global);
    const message = messageRow(GONE);
    assert.ok(message !== undefined, 'the message stays');
    const item = api.resultTree.getTreeItem(message);
    assert.match(String(item.description), /^invoker deleted · .* · expires in .*, cannot be renewed$/);
    assert.equal(item.contextValue, 'message.orphan');
    await vscode.commands.executeCommand('oauth2Invoker.execute', message);
    const log = await logWithLine(api, new RegExp(`The invoker "${GONE}" of this message no longer exists`));
    assert.match(log, /create the invoker again, or clear the message/);
  });

  test('the walkthrough "Your first token": 3 to 6 steps, each completed by its own event, on commands and views that exist, with its media', async () => {
    const extension = vscode.extensions.getExtension(EXTENSION_ID);
    assert.ok(extension !== undefined);
    const contributes = extension.packageJSON.contributes as {
      walkthroughs: Array<{ title: string; steps: Array<{ id: string; completionEvents: string[]; media: { markdown?: string; image?: unknown } }> }>;
      views: Record<string, Array<{ id: string }>>;
      configuration: { properties: Record<string, unknown> };
    };
    const [walkthrough] = contributes.walkthroughs;
    assert.equal(walkthrough.title, 'Your first token');
    assert.ok(walkthrough.steps.length >= 3 && walkthrough.steps.length <= 6);
    const commands = new Set(await vscode.commands.getCommands(true));
    const views = new Set(Object.values(contributes.views).flatMap((list) => list.map((view) => view.id)));
    const seen = new Set<string>();
    for (const step of walkthrough.steps) {
      assert.ok(step.completionEvents.length > 0, `${step.id} has a completion event`);
      for (const event of step.completionEvents) {
        assert.equal(seen.has(event), false, `${event} completes one step only`);
        seen.add(event);
        const [kind, target] = event.split(/:(.*)/s);
        if (kind === 'onCommand') {
          assert.ok(commands.has(target), `${step.id}: the command ${target} is registered`);
        } else if (kind === 'onView') {
          assert.ok(views.has(target), `${step.id}: the view ${target} exists`);
        } else {
          assert.equal(kind, 'onSettingChanged');
          assert.ok(target in contributes.configuration.properties, `${step.id}: the setting ${target} exists`);
        }
      }
      assert.ok(step.media.markdown !== undefined, `${step.id}: markdown media, drawn in the theme's colours`);
      assert.ok(fs.existsSync(path.join(extension.extensionPath, step.media.markdown)), `${step.media.markdown} is packaged`);
    }
  });
});
