import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import * as vscode from 'vscode';
import type { ImportResult } from '../../src/extension/importExport';
import type { OAuth2InvokerTesting } from '../../src/extension/testingApi';
import { startOidcServer, type OidcServer } from '../fixtures/oidcServer';
import { activateApi, assertAbsent } from './helpers';

/** The Bruno collections people published, beside the repository (`../shared/import-corpus/files/bruno/`). */
const BRUNO_CORPUS = path.resolve(__dirname, '..', '..', '..', '..', 'shared', 'import-corpus', 'files', 'bruno');

function userSetting(): Array<{ name: string; authorizationServerUrl?: string; clientId?: string; grantType?: string }> {
  return (vscode.workspace.getConfiguration('oauth2Invoker').inspect('invokers')?.globalValue ?? []) as Array<{ name: string }>;
}

suite('Import Invokers… from a Bruno collection folder in a real VS Code', function () {
  let api: OAuth2InvokerTesting;
  let server: OidcServer;
  let folder: string;

  suiteSetup(async () => {
    if (!fs.existsSync(BRUNO_CORPUS)) {
      throw new Error(`The import corpus is missing: ${BRUNO_CORPUS}`);
    }
    api = await activateApi();
    server = await startOidcServer();
    folder = fs.mkdtempSync(path.join(os.tmpdir(), 'oauth2-invoker-bruno-'));
  });

  suiteTeardown(async () => {
    for (const name of ['Get Token - OAuth2 2', 'Bruno made', 'user_info_request-auth']) {
      await api.deleteInvoker(name);
    }
    await server.close();
    fs.rmSync(folder, { recursive: true, force: true });
  });

  test('the corpus workshop (OpenCollection YAML): the chosen row of its Workshop environment, its secret in SecretStorage only', async () => {
    const result = await vscode.commands.executeCommand<ImportResult>('oauth2Invoker.importInvokers', {
      folder: path.join(BRUNO_CORPUS, 'workshop-opencollection'),
      environment: 'Workshop',
      select: ['Get Token - OAuth2 2'],
      scope: 'user',
    });
    assert.deepEqual(result.imported, [{ name: 'Get Token - OAuth2 2', scope: 'user' }]);
    assert.equal(result.notImported, 1, 'the exercise row without credentials was listed, not chosen');
    const invoker = userSetting().find((i) => i.name === 'Get Token - OAuth2 2');
    assert.equal(invoker?.grantType, 'client_credentials');
    assert.equal(invoker?.authorizationServerUrl, 'https://www.httpfaker.org/api/auth/oauth2/client-credentials/token');
    assert.equal(invoker?.clientId, 'demo-client-id');
    assertAbsent(JSON.stringify(userSetting()), ['demo-client-secret'], 'the invokers setting');
    assert.ok((await api.storedKeys()).includes('oauth2Invoker.secret/user/Get Token - OAuth2 2/clientSecret'));
  });

  test('a .bru collection inheriting its collection auth, its token URL from the environment and its secret from .env: the invoker gets a token', async () => {
    const collection = path.join(folder, 'made');
    fs.mkdirSync(path.join(collection, 'environments'), { recursive: true });
    fs.mkdirSync(path.join(collection, 'api'), { recursive: true });
    fs.mkdirSync(path.join(collection, 'node_modules', 'dep'), { recursive: true });
    fs.writeFileSync(path.join(collection, 'bruno.json'), JSON.stringify({ version: '1', name: 'Bruno made', type: 'collection' }));
    fs.writeFileSync(
      path.join(collection, 'collection.bru'),
      [
        'auth {',
        '  mode: oauth2',
        '}',
        '',
        'auth:oauth2 {',
        '  grant_type: client_credentials',
        '  access_token_url: {{tokenUrl}}',
        `  client_id: ${server.basicClient.clientId}`,
        '  client_secret: {{process.env.CLIENT_SECRET}}',
        '  scope: api:read',
        '  credentials_placement: basic_auth_header',
        '}',
        '',
        'script:pre-request {',
        '  if (true) {',
        '    bru.setVar("x", { y: 1 });',
        '  }',
        '}',
        '',
      ].join('\n'),
    );
    fs.writeFileSync(path.join(collection, 'environments', 'local.bru'), `vars {\n  tokenUrl: ${server.tokenEndpoint}\n}\n`);
    fs.writeFileSync(path.join(collection, '.env'), `CLIENT_SECRET=${server.basicClient.clientSecret}\n`);
    fs.writeFileSync(path.join(collection, 'api', 'folder.bru'), 'meta {\n  name: api\n}\n');
    fs.writeFileSync(path.join(collection, 'api', 'me.bru'), 'meta {\n  name: me\n}\n\nget {\n  url: https://api.example/me\n  auth: inherit\n}\n');
    // Never read: a dependency's files are not the collection's.
    fs.writeFileSync(path.join(collection, 'node_modules', 'dep', 'broken.bru'), 'auth:oauth2 {\n');
    const result = await vscode.commands.executeCommand<ImportResult>('oauth2Invoker.importInvokers', {
      folder: collection,
      environment: 'local',
      scope: 'user',
    });
    assert.deepEqual(result.imported, [{ name: 'Bruno made', scope: 'user' }]);
    assertAbsent(JSON.stringify(userSetting()), [server.basicClient.clientSecret], 'the invokers setting');
    const before = server.tokenRequests();
    assert.ok((await api.getAccessToken('Bruno made')).length > 0);
    assert.equal(server.tokenRequests() - before, 1);
    assert.equal(server.lastTokenRequest()?.status, 200);
  });

  test("a collection's bruno.json picked as a file imports its folder (the corpus keycloak collection)", async () => {
    const result = await vscode.commands.executeCommand<ImportResult>('oauth2Invoker.importInvokers', {
      files: [path.join(BRUNO_CORPUS, 'keycloak-password-credentials', 'bruno.json')],
      environment: 'oauth2',
      select: ['user_info_request-auth'],
      scope: 'user',
    });
    assert.deepEqual(result.imported, [{ name: 'user_info_request-auth', scope: 'user' }]);
    const invoker = userSetting().find((i) => i.name === 'user_info_request-auth');
    assert.equal(invoker?.grantType, 'password');
    assert.equal(invoker?.authorizationServerUrl, 'http://localhost:8080/realms/bruno/protocol/openid-connect/token');
  });

  test('a folder that is no Bruno collection: refused at the command boundary, nothing imported', async () => {
    const plain = path.join(folder, 'plain');
    fs.mkdirSync(plain);
    fs.writeFileSync(path.join(plain, 'notes.json'), '{}');
    const before = JSON.stringify(userSetting());
    const result = await vscode.commands.executeCommand('oauth2Invoker.importInvokers', { folder: plain, scope: 'user' });
    assert.equal(result, undefined, 'the command boundary reported the error');
    assert.equal(JSON.stringify(userSetting()), before);
  });
});
