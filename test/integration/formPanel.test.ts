/**
 * The invoker form's extension side in a real VS Code, driven through its protocol (src/shared/protocol.ts) without
 * a browser: each test posts what the webview would post, through the panel's test seam, and reads what the panel
 * posts back. The panels are the extension's own, opened by its commands; the form's DOM is the E2E's business.
 */
import * as assert from 'node:assert/strict';
import * as vscode from 'vscode';
import { notSavedAnnouncement } from '../../src/shared/formAnnouncement';
import { DEFAULT_INVOKER, NO_STORED_SECRETS, type InvokerConfig } from '../../src/shared/invoker';
import { PROPERTY_LABELS } from '../../src/shared/properties';
import { startOidcServer, type OidcServer } from '../fixtures/oidcServer';
import { startProxy } from '../fixtures/proxyServer';
import { last, openEditForm as openEditFormOf, openNewForm as openNewFormOf, savedSetting, settingsText, type Api, type Form } from './forms';
import { activateApi, assertAbsent } from './helpers';

const PROXY_USER = 'form-proxy-user';
const PROXY_PASSWORD = 'form-proxy-pw:+/% 7';

suite('The invoker form panel through its protocol', function () {
  let api: Api;
  let server: OidcServer;
  const created: string[] = [];

  /** The blank new-invoker form, opened by the New Invoker command. */
  const openNewForm = (): Promise<Form> => openNewFormOf(api);
  /** The form of a saved invoker, opened by the Edit Invoker command. */
  const openEditForm = (name: string): Promise<Form> => openEditFormOf(api, name);

  function clientCredentials(name: string): InvokerConfig {
    return { ...DEFAULT_INVOKER, name, authorizationServerUrl: server.tokenEndpoint, clientId: server.basicClient.clientId, scope: 'api:read' };
  }

  suiteSetup(async () => {
    api = (await activateApi()) as Api;
    server = await startOidcServer();
    created.push('fp-existing');
    await api.saveInvoker(clientCredentials('fp-existing'), { secrets: { clientSecret: server.basicClient.clientSecret } });
  });

  suiteTeardown(async () => {
    for (const name of created) {
      await api.deleteInvoker(name);
    }
    await server.close();
  });

  test('ready -> init: a new form gets the defaults, the names taken and nothing stored; a saved one its config and which secrets are stored, never their values', async () => {
    const fresh = await openNewForm();
    const init = last(await fresh.send({ type: 'ready' }), 'init');
    assert.deepEqual(init.config, DEFAULT_INVOKER);
    assert.equal(init.scope, 'user');
    assert.equal(init.savedName, undefined);
    assert.deepEqual(init.storedSecrets, NO_STORED_SECRETS);
    assert.ok(init.takenNames.includes('fp-existing'), `takenNames: ${init.takenNames.join(', ')}`);
    assert.equal(init.dirty, false);
    await fresh.close(api);

    const edit = await openEditForm('fp-existing');
    const saved = last(await edit.send({ type: 'ready' }), 'init');
    assert.equal(saved.savedName, 'fp-existing');
    assert.equal(saved.savedScope, 'user');
    assert.equal(saved.config.clientId, server.basicClient.clientId);
    assert.equal(saved.config.authorizationServerUrl, server.tokenEndpoint);
    assert.deepEqual(saved.storedSecrets, { ...NO_STORED_SECRETS, clientSecret: true });
    assert.ok(!saved.takenNames.includes('fp-existing'), 'its own name is not taken');
    assertAbsent(JSON.stringify(edit.posted), [server.basicClient.clientSecret], 'the messages to the form');
    await edit.close(api, { name: 'fp-existing', scope: 'user' });
  });

  test('a save with problems: issues back, each naming its field; nothing saved', async () => {
    const form = await openNewForm();
    await form.send({ type: 'ready' });
    const config: InvokerConfig = { ...DEFAULT_INVOKER, name: 'fp-existing', authorizationServerUrl: 'not a url', clientId: '' };
    const answer = await form.send({ type: 'save', config, scope: 'user', secrets: {}, execute: false });
    const issues = last(answer, 'issues').issues;
    assert.deepEqual(
      issues.map((issue) => issue.field),
      ['name', 'authorizationServerUrl', 'clientId', 'clientSecret'],
    );
    assert.deepEqual(
      issues.map((issue) => issue.message.match(/^"([^"]+)"/)?.[1]),
      ['Name', 'Authorization Server URL', 'Client ID', 'Client Secret'],
    );
    assert.ok(!answer.some((message) => message.type === 'saved'), 'no "saved"');

    const renamed = await form.send({ type: 'save', config: { ...config, name: 'fp-bad' }, scope: 'user', secrets: {}, execute: false });
    assert.deepEqual(
      last(renamed, 'issues').issues.map((issue) => issue.field),
      ['authorizationServerUrl', 'clientId', 'clientSecret'],
    );
    assert.ok(!api.listInvokers().includes('fp-bad'), 'not among the invokers');
    assert.equal(savedSetting('fp-bad'), undefined, 'not in settings');
    await form.close(api);
  });

  test("issue 21: the form's document is in VS Code's display language; a failed save is announced naming each field with a problem", async () => {
    const form = await openNewForm();
    await form.send({ type: 'ready' });
    assert.match(form.panel.htmlForTests, new RegExp(`<html lang="${vscode.env.language}">`));
    const config: InvokerConfig = { ...DEFAULT_INVOKER, name: 'fp-announced', authorizationServerUrl: 'not a url', clientId: '' };
    const issues = last(await form.send({ type: 'save', config, scope: 'user', secrets: {}, execute: false }), 'issues').issues;
    // What the form's status line (role="status") says of these issues, labelled as the form labels its fields.
    const said = notSavedAnnouncement(
      issues.length,
      issues.map((issue) => PROPERTY_LABELS[issue.field as keyof typeof PROPERTY_LABELS]),
    );
    assert.equal(said, 'Not saved: 3 problems to fix, in "Authorization Server URL", "Client ID" and "Client Secret".');
    await form.close(api);
  });

  test('a valid save: the invoker in settings, its secret in SecretStorage only; "saved" says it is stored, no message holds it', async () => {
    const secret = server.basicClient.clientSecret;
    const form = await openNewForm();
    await form.send({ type: 'ready' });
    created.push('fp-saved');
    const answer = await form.send({
      type: 'save',
      config: clientCredentials('fp-saved'),
      scope: 'user',
      secrets: { clientSecret: { action: 'replace', value: secret } },
      execute: false,
    });
    assert.deepEqual(last(answer, 'issues').issues, []);
    const saved = last(answer, 'saved');
    assert.equal(saved.savedName, 'fp-saved');
    assert.equal(saved.scope, 'user');
    assert.equal(saved.storedSecrets.clientSecret, true);
    assert.ok(saved.takenNames.includes('fp-existing') && !saved.takenNames.includes('fp-saved'));

    assert.equal(savedSetting('fp-saved')?.clientId, server.basicClient.clientId);
    assertAbsent(settingsText(), [secret], 'settings');
    // The secret can only have come from SecretStorage: the server accepts the client.
    const message = await api.execute('fp-saved');
    assert.ok(message.accessToken !== undefined && message.accessToken.length > 20);
    assertAbsent(JSON.stringify(form.posted), [secret], 'the messages to the form');

    // The panel is now the saved invoker's form, titled after it: Edit Invoker finds it, a new form would be another.
    assert.equal(api.formPanelForTests({ name: 'fp-saved', scope: 'user' }), form.panel);
    assert.equal(api.formPanelForTests(), undefined);
    await form.close(api, { name: 'fp-saved', scope: 'user' });
  });

  test('a draft survives closing the form and opening it again; Discard brings back the blank form', async () => {
    const form = await openNewForm();
    await form.send({ type: 'ready' });
    const draft: InvokerConfig = {
      ...DEFAULT_INVOKER,
      name: 'fp-draft',
      authorizationServerUrl: 'https://as.example.com/oauth2/token',
      clientId: 'drafted',
      scope: 'a b',
    };
    await form.send({ type: 'draft', config: draft, scope: 'user' });
    await form.close(api);

    const again = await openNewForm();
    assert.notEqual(again.panel, form.panel, 'a new panel');
    const init = last(await again.send({ type: 'ready' }), 'init');
    assert.equal(init.dirty, true);
    assert.deepEqual(init.config, draft);
    assert.ok(!api.listInvokers().includes('fp-draft'), 'a draft is not saved');

    const discarded = last(await again.send({ type: 'discardDraft' }), 'init');
    assert.equal(discarded.dirty, false);
    assert.deepEqual(discarded.config, DEFAULT_INVOKER);
    await again.close(api);
  });

  test("Discover against a real oidc-provider: the token endpoint and the credentials' place for the form to fill", async () => {
    const form = await openEditForm('fp-existing');
    await form.send({ type: 'ready' });
    const config: InvokerConfig = { ...clientCredentials('fp-existing'), authorizationServerUrl: '', credentialsInRequestBody: true, issuer: server.issuer };
    const found = last(await form.send({ type: 'discover', config, secrets: {} }), 'discovered');
    assert.equal(found.error, undefined, found.error?.text);
    assert.equal(found.result?.issuer, server.issuer);
    assert.equal(found.result?.tokenEndpoint, server.tokenEndpoint);
    assert.equal(found.result?.metadataUrl, `${server.issuer}/.well-known/openid-configuration`);
    assert.equal(found.result?.credentialsInRequestBody, false, 'Basic, as the server lists client_secret_basic');
    assert.ok(found.result?.invokerGrantTypes.includes('client_credentials'));
    // Issue 12: the toolbox endpoints, for "Introspection Endpoint" and "Revocation Endpoint".
    assert.equal(found.result?.introspectionEndpoint, server.introspectionEndpoint);
    assert.equal(found.result?.revocationEndpoint, server.revocationEndpoint);
    await form.close(api, { name: 'fp-existing', scope: 'user' });
  });

  test('issue 17: Discover refuses metadata naming another issuer, beside "Issuer URL"; "Accept a Different Issuer" uses it, with a warning', async () => {
    const form = await openEditForm('fp-existing');
    await form.send({ type: 'ready' });
    // A trailing slash names another issuer than the server's own (RFC 8414 §3.3).
    const config: InvokerConfig = { ...clientCredentials('fp-existing'), authorizationServerUrl: '', issuer: `${server.issuer}/` };
    const refused = last(await form.send({ type: 'discover', config, secrets: {} }), 'discovered');
    assert.equal(refused.result, undefined);
    assert.equal(refused.error?.field, 'issuer');
    assert.ok(refused.error?.text.includes(`names the issuer "${server.issuer}"`), refused.error?.text);
    const accepted = last(await form.send({ type: 'discover', config: { ...config, acceptDifferentIssuer: true }, secrets: {} }), 'discovered');
    assert.equal(accepted.error, undefined, accepted.error?.text);
    assert.equal(accepted.result?.tokenEndpoint, server.tokenEndpoint);
    assert.ok(accepted.result?.warnings.some((warning) => warning.includes('"Accept a Different Issuer" is on')));
    await form.close(api, { name: 'fp-existing', scope: 'user' });
  });

  test('Discover goes through the proxy typed in the form, with the proxy password typed and not saved (and no OAuth secret)', async () => {
    const proxy = await startProxy({ credentials: { username: PROXY_USER, password: PROXY_PASSWORD } });
    try {
      const form = await openEditForm('fp-existing');
      await form.send({ type: 'ready' });
      // Plain http:// through a proxy needs Allow Insecure HTTP (issue 9); this test is about the proxy.
      const config: InvokerConfig = {
        ...clientCredentials('fp-existing'),
        proxy: proxy.url,
        proxyUsername: PROXY_USER,
        issuer: server.issuer,
        allowInsecureHttp: true,
      };
      const withoutPassword = last(await form.send({ type: 'discover', config, secrets: {} }), 'discovered');
      assert.equal(withoutPassword.result, undefined, 'refused by the proxy without the password');
      assert.ok(withoutPassword.error !== undefined);

      const typed = { proxyPassword: { action: 'replace', value: PROXY_PASSWORD }, clientSecret: { action: 'replace', value: 'typed-client-secret' } } as const;
      const found = last(await form.send({ type: 'discover', config, secrets: typed }), 'discovered');
      assert.equal(found.error, undefined, found.error?.text);
      assert.equal(found.result?.tokenEndpoint, server.tokenEndpoint);
      const port = new URL(server.issuer).port;
      assert.deepEqual(proxy.requests.at(-1), { target: `127.0.0.1:${port}`, user: PROXY_USER, status: 200 });
      assertAbsent(JSON.stringify(form.posted), [PROXY_PASSWORD, 'typed-client-secret', server.basicClient.clientSecret], 'the messages to the form');
      assert.equal(savedSetting('fp-existing')?.proxy, undefined, 'Discover saves nothing');
      await form.close(api, { name: 'fp-existing', scope: 'user' });
    } finally {
      await proxy.close();
    }
  });
});
