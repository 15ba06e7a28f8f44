import * as assert from 'node:assert/strict';
import { generateKeyPairSync } from 'node:crypto';
import * as fs from 'node:fs';
import * as path from 'node:path';
import * as vscode from 'vscode';
import type { OAuth2InvokerTesting } from '../../src/extension/testingApi';
import type { ResultNode } from '../../src/extension/resultTree';
import { decodePart, publicJwk } from '../fixtures/clientAssertions';
import { startOidcServer, type OidcServer } from '../fixtures/oidcServer';
import { settingsText, savedSetting } from './forms';
import { activateApi, assertAbsent, filesBelow } from './helpers';

function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}

/** The extension's log so far, once it holds `line` (the log is written to its file asynchronously); fails after a long wait. */
async function logOnceItHolds(api: OAuth2InvokerTesting, line: string): Promise<string> {
  for (let i = 0; i < 200; i += 1) {
    const log = filesBelow(api.logFolder)
      .map((file) => fs.readFileSync(file, 'utf8'))
      .join('\n');
    if (log.includes(line)) {
      return log;
    }
    await sleep(50);
  }
  assert.fail(`the log never held: ${line}`);
}

/** Issue 12's token toolbox, run as the Messages view runs it: Introspect and Revoke on the tree's token nodes. */
suite('Introspect and Revoke from the Messages view in a real VS Code', function () {
  let api: OAuth2InvokerTesting;
  let server: OidcServer;
  let folder: string;
  // private_key_jwt (issue 12): an encrypted key whose passphrase is a stored secret, as a person would keep it.
  const jwtKey = generateKeyPairSync('ec', { namedCurve: 'P-256' }).privateKey;
  const jwtPassphrase = 'toolbox-key-pass-phrase';

  suiteSetup(async () => {
    api = await activateApi();
    server = await startOidcServer({
      // Issue 17: the public client is answered at the introspection endpoint as Keycloak answers it (403).
      introspectionConfidentialOnly: true,
      clients: {
        extra: [
          {
            clientId: 'toolbox-jwt-client',
            authMethod: 'private_key_jwt',
            grantTypes: ['client_credentials'],
            scope: 'api:read',
            jwks: { keys: [publicJwk(jwtKey, { kid: 'tb-1' })] },
          },
        ],
      },
    });
    const root = vscode.workspace.workspaceFolders?.[0]?.uri.fsPath;
    assert.ok(root !== undefined, 'the test workspace has a folder');
    folder = path.join(root, 'toolbox-files');
    fs.mkdirSync(folder, { recursive: true });
    const keyFile = path.join(folder, 'toolbox-jwt.pem');
    fs.writeFileSync(keyFile, jwtKey.export({ type: 'pkcs8', format: 'pem', cipher: 'aes-256-cbc', passphrase: jwtPassphrase }));
    await api.saveInvoker(
      {
        name: 'toolbox-jwt',
        authorizationServerUrl: server.tokenEndpoint,
        grantType: 'client_credentials',
        clientId: 'toolbox-jwt-client',
        clientAuthentication: 'private_key_jwt',
        clientAssertionKeyFile: keyFile,
        clientAssertionKeyId: 'tb-1',
        scope: 'api:read',
        targetMessage: 'TBJWT',
        introspectionEndpoint: server.introspectionEndpoint,
        revocationEndpoint: server.revocationEndpoint,
      },
      { secrets: { assertionKeyPassphrase: jwtPassphrase } },
    );
    await api.saveInvoker(
      {
        name: 'toolbox',
        authorizationServerUrl: server.tokenEndpoint,
        grantType: 'password',
        clientId: server.basicClient.clientId,
        username: server.user.username,
        scope: 'openid offline_access api:read',
        targetMessage: 'TBOUT',
        introspectionEndpoint: server.introspectionEndpoint,
        revocationEndpoint: server.revocationEndpoint,
      },
      { secrets: { clientSecret: server.basicClient.clientSecret, password: server.user.password } },
    );
    await api.saveInvoker(
      {
        name: 'toolbox-none',
        authorizationServerUrl: server.tokenEndpoint,
        grantType: 'client_credentials',
        clientId: server.basicClient.clientId,
        targetMessage: 'TBNONE',
      },
      { secrets: { clientSecret: server.basicClient.clientSecret } },
    );
    // Issue 17: a public client (Password grant, no secret) whose tokens are introspected as the API's client.
    const publicApp = {
      authorizationServerUrl: server.tokenEndpoint,
      grantType: 'password' as const,
      clientId: server.publicClient.clientId,
      username: server.user.username,
      scope: 'openid api:read',
      introspectionEndpoint: server.introspectionEndpoint,
      revocationEndpoint: server.revocationEndpoint,
    };
    await api.saveInvoker(
      { ...publicApp, name: 'toolbox-public', targetMessage: 'TBPUB', introspectionClientId: server.resourceServer.clientId },
      { secrets: { password: server.user.password, introspectionClientSecret: server.resourceServer.clientSecret } },
    );
    await api.saveInvoker({ ...publicApp, name: 'toolbox-public-alone', targetMessage: 'TBALONE' }, { secrets: { password: server.user.password } });
    await api.execute('toolbox');
    await api.execute('toolbox-none');
    await api.execute('toolbox-jwt');
    await api.execute('toolbox-public');
    await api.execute('toolbox-public-alone');
  });

  suiteTeardown(async () => {
    await vscode.commands.executeCommand('workbench.action.closeAllEditors');
    await api.deleteInvoker('toolbox');
    await api.deleteInvoker('toolbox-none');
    await api.deleteInvoker('toolbox-jwt');
    await api.deleteInvoker('toolbox-public');
    await api.deleteInvoker('toolbox-public-alone');
    fs.rmSync(folder, { recursive: true, force: true });
    await server.close();
  });

  /** The root node of an invoker's message (`message`) or of its introspection answer (`introspection`). */
  function root(invoker: string, which: 'message' | 'introspection'): ResultNode {
    const found = api.resultTree
      .messageNodes()
      .find((n) => n.record.invoker.name === invoker && api.resultTree.getTreeItem(n).contextValue?.startsWith(which) === true);
    assert.ok(found !== undefined, `the ${which} of "${invoker}" is in the tree`);
    return found;
  }

  function property(parent: ResultNode, name: string): ResultNode {
    const found = api.resultTree.getChildren(parent).find((n) => n.kind === 'property' && n.name === name);
    assert.ok(found !== undefined, `${parent.record.message.name} has ${name}`);
    return found;
  }

  function accessToken(): string {
    const token = api.messages().find((m) => m.invoker === 'toolbox')?.message.accessToken;
    assert.ok(token !== undefined);
    return token;
  }

  test('the token nodes carry the context values the toolbox menus name', () => {
    const message = root('toolbox', 'message');
    assert.equal(api.resultTree.getTreeItem(property(message, 'AccessToken')).contextValue, 'accessToken');
    assert.equal(api.resultTree.getTreeItem(property(message, 'refresh_token')).contextValue, 'refreshToken');
  });

  test('Introspect on the AccessToken node: TBOUT_INTROSPECTION in the tree, active, every field a property', async () => {
    await vscode.commands.executeCommand('oauth2Invoker.introspectToken', property(root('toolbox', 'message'), 'AccessToken'));
    const introspection = root('toolbox', 'introspection');
    assert.equal(introspection.record.message.name, 'TBOUT_INTROSPECTION');
    const names = api.resultTree.getChildren(introspection).flatMap((n) => (n.kind === 'property' ? [n.name] : []));
    assert.equal(names[0], 'active');
    assert.ok(names.includes('client_id') && names.includes('scope'), names.join(', '));
    assert.equal(api.resultTree.getTreeItem(property(introspection, 'active')).description, 'true');
    assert.match(String(api.resultTree.getTreeItem(introspection).description), /· active/);
    // The invoker's own message is still there, beside it.
    assert.equal(root('toolbox', 'message').record.message.name, 'TBOUT');
  });

  test('Revoke on the AccessToken node: the .http CodeLens says "revoked", introspection says inactive, the next getAccessToken sends a new token request', async () => {
    const revoked = accessToken();
    const file = path.join(folder, 'revoked.http');
    fs.writeFileSync(
      file,
      ['# @oauth2-invoker toolbox', `@accessToken = ${revoked}`, '', '###', 'GET https://api.example.test/', 'Authorization: Bearer {{accessToken}}', ''].join(
        '\n',
      ),
    );
    const document = await vscode.workspace.openTextDocument(vscode.Uri.file(file));
    await vscode.window.showTextDocument(document);
    const lensTitles = async (): Promise<string[]> =>
      ((await vscode.commands.executeCommand<vscode.CodeLens[]>('vscode.executeCodeLensProvider', document.uri)) ?? []).map(
        (lens) => lens.command?.title ?? '',
      );
    assert.notEqual((await lensTitles())[1], 'revoked');

    await vscode.commands.executeCommand('oauth2Invoker.revokeToken', property(root('toolbox', 'message'), 'AccessToken'), { confirmed: true });
    assert.equal((await lensTitles())[1], 'revoked');
    assert.match(String(api.resultTree.getTreeItem(root('toolbox', 'message')).description), /· revoked/);

    await vscode.commands.executeCommand('oauth2Invoker.introspectToken', property(root('toolbox', 'message'), 'AccessToken'));
    assert.equal(api.resultTree.getTreeItem(property(root('toolbox', 'introspection'), 'active')).description, 'false');

    const before = server.tokenRequests();
    const renewed = await api.getAccessToken('toolbox');
    assert.notEqual(renewed, revoked);
    // oidc-provider revokes the whole grant with its access token: the refresh token the message held is refused
    // (invalid_grant), and the invoker's own grant runs instead.
    assert.deepEqual(
      server
        .tokenRequestLog()
        .slice(before)
        .map((request) => [request.body?.grant_type, request.status]),
      [
        ['refresh_token', 400],
        ['password', 200],
      ],
    );
    const after = server.tokenRequests();
    assert.equal(await api.getAccessToken('toolbox'), renewed);
    assert.equal(server.tokenRequests(), after, 'the renewed token is cached again');
  });

  test("Revoke on the refresh_token node: it leaves the cache, so renewal runs the invoker's own grant", async () => {
    await vscode.commands.executeCommand('oauth2Invoker.revokeToken', property(root('toolbox', 'message'), 'refresh_token'), { confirmed: true });
    await vscode.commands.executeCommand('oauth2Invoker.revokeToken', property(root('toolbox', 'message'), 'AccessToken'), { confirmed: true });
    const before = server.tokenRequests();
    await api.getAccessToken('toolbox');
    assert.equal(server.tokenRequests(), before + 1);
    assert.equal(server.lastTokenRequest()?.body?.grant_type, 'password');
  });

  test('issue 12: a private_key_jwt invoker introspects and revokes with a fresh assertion for each endpoint, its stored key passphrase used', async () => {
    const claimsAt = (endpoint: string): Record<string, unknown> => {
      const assertion = server.lastRequestTo(endpoint)?.body?.client_assertion;
      assert.ok(typeof assertion === 'string', `an assertion was sent to ${endpoint}`);
      return decodePart(assertion, 1);
    };
    await vscode.commands.executeCommand('oauth2Invoker.introspectToken', property(root('toolbox-jwt', 'message'), 'AccessToken'));
    const introspection = root('toolbox-jwt', 'introspection');
    assert.equal(introspection.record.message.name, 'TBJWT_INTROSPECTION');
    assert.equal(api.resultTree.getTreeItem(property(introspection, 'active')).description, 'true');
    assert.equal(claimsAt(server.introspectionEndpoint).aud, server.introspectionEndpoint);

    await vscode.commands.executeCommand('oauth2Invoker.revokeToken', property(root('toolbox-jwt', 'message'), 'AccessToken'), { confirmed: true });
    assert.match(String(api.resultTree.getTreeItem(root('toolbox-jwt', 'message')).description), /· revoked/);
    assert.equal(claimsAt(server.revocationEndpoint).aud, server.revocationEndpoint);
  });

  test("issue 17: a public client's token introspected as the API's client: active; its Introspection Client Secret in SecretStorage only, never in settings or the log", async () => {
    const secret = server.resourceServer.clientSecret;
    assert.ok((await api.storedKeys()).includes('oauth2Invoker.secret/user/toolbox-public/introspectionClientSecret'), 'the secret is in SecretStorage');
    assert.equal(savedSetting('toolbox-public')?.introspectionClientId, server.resourceServer.clientId);
    assertAbsent(settingsText(), [secret], 'settings');
    const tokenRequest = server.lastTokenRequest();
    assertAbsent(JSON.stringify(tokenRequest), [secret, server.resourceServer.clientId], 'the token request');

    await vscode.commands.executeCommand('oauth2Invoker.introspectToken', property(root('toolbox-public', 'message'), 'AccessToken'));
    const introspection = root('toolbox-public', 'introspection');
    assert.equal(introspection.record.message.name, 'TBPUB_INTROSPECTION');
    assert.equal(api.resultTree.getTreeItem(property(introspection, 'active')).description, 'true');
    assert.equal(api.resultTree.getTreeItem(property(introspection, 'client_id')).description, server.publicClient.clientId);
    assert.match(String(server.lastRequestTo(server.introspectionEndpoint)?.headers.authorization), /^Basic /);

    const log = await logOnceItHolds(api, '[toolbox-public] introspection: the access token is active');
    assertAbsent(log, [secret, Buffer.from(`${server.resourceServer.clientId}:`).toString('base64').slice(0, 16)], 'the OAuth2 Invoker log');
  });

  test('issue 17: the same public client without an introspection client is refused, and the log says what to fill in', async () => {
    await vscode.commands.executeCommand('oauth2Invoker.introspectToken', property(root('toolbox-public-alone', 'message'), 'AccessToken'));
    assert.equal(server.lastRequestTo(server.introspectionEndpoint)?.status, 403);
    await logOnceItHolds(
      api,
      'servers such as Keycloak answer introspection requests only from confidential clients: fill in "Introspection Client ID" and "Introspection Client Secret"',
    );
  });

  test('an invoker without an Introspection Endpoint: the command fails (code 4, in the core tests) and no introspection message appears', async () => {
    const node = property(root('toolbox-none', 'message'), 'AccessToken');
    await vscode.commands.executeCommand('oauth2Invoker.introspectToken', node);
    assert.equal(
      api.resultTree.messageNodes().some((n) => n.record.invoker.name === 'toolbox-none' && api.resultTree.getTreeItem(n).contextValue === 'introspection'),
      false,
    );
  });
});
