import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import * as vscode from 'vscode';
import type { OAuth2InvokerTesting } from '../../src/extension/testingApi';
import type { ImportResult } from '../../src/extension/importExport';
import { previewImport } from '../../src/shared/import/index';
import { startOidcServer, type OidcServer } from '../fixtures/oidcServer';
import { activateApi, assertAbsent } from './helpers';

/** The user's invokers setting as written to settings.json. */
function userSetting(): unknown {
  return vscode.workspace.getConfiguration('oauth2Invoker').inspect('invokers')?.globalValue;
}

suite('Import Invokers… and Export Invoker… in a real VS Code', function () {
  let api: OAuth2InvokerTesting;
  let server: OidcServer;
  let folder: string;

  suiteSetup(async () => {
    api = await activateApi();
    server = await startOidcServer();
    folder = fs.mkdtempSync(path.join(os.tmpdir(), 'oauth2-invoker-import-'));
    fs.writeFileSync(
      path.join(folder, 'http-client.env.json'),
      JSON.stringify({
        local: {
          tokenUrl: server.tokenEndpoint,
          Security: {
            Auth: {
              'imported-cc': {
                Type: 'OAuth2',
                'Grant Type': 'Client Credentials',
                'Token URL': '{{tokenUrl}}',
                'Client ID': server.basicClient.clientId,
                'Client Secret': '{{ccSecret}}',
                Scope: 'api:read',
              },
              'imported-browser': {
                Type: 'OAuth2',
                'Grant Type': 'Authorization Code',
                'Token URL': '{{tokenUrl}}',
                'Auth URL': `${server.issuer}/auth`,
                'Client ID': 'web',
                PKCE: true,
              },
              'imported-implicit': {
                Type: 'OAuth2',
                'Grant Type': 'Implicit',
                'Auth URL': `${server.issuer}/auth`,
                'Client ID': 'web',
              },
            },
          },
        },
      }),
    );
    // Picked alone, http-client.env.json brings its private file along, as the JetBrains client reads both.
    fs.writeFileSync(path.join(folder, 'http-client.private.env.json'), JSON.stringify({ local: { ccSecret: server.basicClient.clientSecret } }));
  });

  suiteTeardown(async () => {
    for (const name of ['imported-cc', 'imported-cc 2', 'imported-browser', 'Insomnia client']) {
      await api.deleteInvoker(name);
    }
    await server.close();
    fs.rmSync(folder, { recursive: true, force: true });
  });

  test('import: the secret goes to SecretStorage (never settings), the invoker gets a token; a sign-in grant is imported and waits for a person; Implicit is listed, not imported', async () => {
    const result = await vscode.commands.executeCommand<ImportResult>('oauth2Invoker.importInvokers', {
      files: [path.join(folder, 'http-client.env.json')],
      environment: 'local',
      scope: 'user',
    });
    assert.deepEqual(result.imported, [
      { name: 'imported-cc', scope: 'user' },
      { name: 'imported-browser', scope: 'user' },
    ]);
    assert.equal(result.notImported, 1);
    assert.deepEqual(
      api.listInvokers().filter((name) => name.startsWith('imported')),
      ['imported-cc', 'imported-browser'],
    );
    const browser = (userSetting() as Array<{ name: string; grantType?: string; authorizationEndpointUrl?: string }>).find(
      (i) => i.name === 'imported-browser',
    );
    assert.equal(browser?.grantType, 'authorization_code');
    assert.equal(browser?.authorizationEndpointUrl, `${server.issuer}/auth`);
    const requestsBefore = server.tokenRequests();
    await assert.rejects(api.getAccessToken('imported-browser'), (error: { kind?: unknown }) => error.kind === 'sign-in-required');
    assert.equal(server.tokenRequests(), requestsBefore, 'no token request without a sign-in');
    assertAbsent(JSON.stringify(userSetting()), [server.basicClient.clientSecret], 'the invokers setting');
    assert.ok((await api.storedKeys()).includes('oauth2Invoker.secret/user/imported-cc/clientSecret'));
    const before = server.tokenRequests();
    assert.ok((await api.getAccessToken('imported-cc')).length > 0);
    assert.equal(server.tokenRequests() - before, 1);
    assert.equal(server.lastTokenRequest()?.status, 200);
  });

  test('a name that exists: "suffix" imports beside it, "update" replaces it and its tokens', async () => {
    const args = { files: [path.join(folder, 'http-client.env.json')], environment: 'local', scope: 'user', select: ['imported-cc'] };
    const suffixed = await vscode.commands.executeCommand<ImportResult>('oauth2Invoker.importInvokers', { ...args, onClash: 'suffix' });
    assert.deepEqual(suffixed.imported, [{ name: 'imported-cc 2', scope: 'user' }]);
    assert.ok((await api.getAccessToken('imported-cc 2')).length > 0);
    const updated = await vscode.commands.executeCommand<ImportResult>('oauth2Invoker.importInvokers', { ...args, onClash: 'update' });
    assert.deepEqual([updated.imported, updated.updated], [[{ name: 'imported-cc', scope: 'user' }], 1]);
    assert.deepEqual(
      api
        .listInvokers()
        .filter((name) => name.startsWith('imported-cc'))
        .sort(),
      ['imported-cc', 'imported-cc 2'],
    );
    assert.equal(
      api.messages().find((m) => m.invoker === 'imported-cc'),
      undefined,
      "the updated invoker's old token is gone",
    );
  });

  test("Insomnia's YAML collection (v5): a folder's oauth2 with the sub-environment's secret; the invoker gets a token", async () => {
    const file = path.join(folder, 'Insomnia_collection.yaml');
    fs.writeFileSync(
      file,
      [
        'type: collection.insomnia.rest/5.0',
        'name: Demo',
        'collection:',
        '  - name: Insomnia client',
        '    authentication:',
        '      type: oauth2',
        '      grantType: client_credentials',
        '      accessTokenUrl: "{{ _.tokenUrl }}"',
        `      clientId: ${server.basicClient.clientId}`,
        '      clientSecret: "{{ _.secret }}"',
        '      scope: api:read',
        '    children: []',
        'environments:',
        '  name: Base Environment',
        '  data:',
        `    tokenUrl: ${server.tokenEndpoint}`,
        '  subEnvironments:',
        '    - name: Local',
        '      data:',
        `        secret: "${server.basicClient.clientSecret}"`,
        '',
      ].join('\n'),
    );
    const result = await vscode.commands.executeCommand<ImportResult>('oauth2Invoker.importInvokers', { files: [file], environment: 'Local', scope: 'user' });
    assert.deepEqual(result.imported, [{ name: 'Insomnia client', scope: 'user' }]);
    assertAbsent(JSON.stringify(userSetting()), [server.basicClient.clientSecret], 'the invokers setting');
    const before = server.tokenRequests();
    assert.ok((await api.getAccessToken('Insomnia client')).length > 0);
    assert.equal(server.tokenRequests() - before, 1);
    assert.equal(server.lastTokenRequest()?.status, 200);
  });

  test("Thunder Client's thunder-tests layout: a collection's oauth2 with the environment's secret; the invoker gets a token", async () => {
    const thunder = path.join(folder, 'thunder-tests');
    fs.mkdirSync(thunder, { recursive: true });
    const collections = path.join(thunder, 'thunderCollection.json');
    fs.writeFileSync(
      collections,
      JSON.stringify([
        {
          _id: 'col-1',
          colName: 'Thunder client',
          folders: [],
          settings: {
            auth: {
              type: 'oauth2',
              oauth2: {
                grantType: 'client_credentials',
                tokenUrl: '{{tokenUrl}}',
                clientId: server.basicClient.clientId,
                clientSecret: '{{secret}}',
                scope: 'api:read',
                clientAuth: 'in-header',
              },
            },
          },
        },
      ]),
    );
    const environments = path.join(thunder, 'thunderEnvironment.json');
    fs.writeFileSync(
      environments,
      JSON.stringify([
        {
          _id: 'env-1',
          name: 'Local',
          data: [
            { name: 'tokenUrl', value: server.tokenEndpoint },
            { name: 'secret', value: server.basicClient.clientSecret },
          ],
        },
      ]),
    );
    const result = await vscode.commands.executeCommand<ImportResult>('oauth2Invoker.importInvokers', {
      files: [collections, environments],
      environment: 'Local',
      scope: 'user',
    });
    assert.deepEqual(result.imported, [{ name: 'Thunder client', scope: 'user' }]);
    assertAbsent(JSON.stringify(userSetting()), [server.basicClient.clientSecret], 'the invokers setting');
    const before = server.tokenRequests();
    assert.ok((await api.getAccessToken('Thunder client')).length > 0);
    assert.equal(server.tokenRequests() - before, 1);
    assert.equal(server.lastTokenRequest()?.status, 200);
  });

  test('issue 20: an OpenAPI document: the relative tokenUrl resolved against its server, the openIdConnect scheme stored with its Issuer; no client id made up', async () => {
    const file = path.join(folder, 'api.openapi.yaml');
    fs.writeFileSync(
      file,
      [
        'openapi: 3.0.3',
        'info: { title: Demo API, version: "1" }',
        'servers:',
        `  - url: ${server.issuer}`,
        'components:',
        '  securitySchemes:',
        '    machines:',
        '      type: oauth2',
        '      flows:',
        '        clientCredentials:',
        `          tokenUrl: ${new URL(server.tokenEndpoint).pathname}`,
        '          scopes: { "api:read": read }',
        '    people:',
        '      type: openIdConnect',
        `      openIdConnectUrl: ${server.issuer}/.well-known/openid-configuration`,
        '',
      ].join('\n'),
    );
    try {
      const result = await vscode.commands.executeCommand<ImportResult>('oauth2Invoker.importInvokers', { files: [file], scope: 'user' });
      assert.deepEqual(result.imported, [
        { name: 'machines', scope: 'user' },
        { name: 'people', scope: 'user' },
      ]);
      const stored = userSetting() as Array<{ name: string; authorizationServerUrl?: string; clientId?: string; scope?: string; issuer?: string }>;
      const machines = stored.find((i) => i.name === 'machines');
      assert.equal(machines?.authorizationServerUrl, server.tokenEndpoint);
      assert.equal(machines?.scope, 'api:read');
      assert.equal(machines?.clientId ?? '', '');
      assert.equal(stored.find((i) => i.name === 'people')?.issuer, server.issuer);
    } finally {
      await api.deleteInvoker('machines');
      await api.deleteInvoker('people');
    }
  });

  test('issue 20: a Hoppscotch collection with its environment: <<variables>> resolved, the secret to SecretStorage; the invoker gets a token', async () => {
    const collection = path.join(folder, 'hoppscotch-collection.json');
    const environment = path.join(folder, 'hoppscotch-env.json');
    fs.writeFileSync(
      collection,
      JSON.stringify({
        v: 6,
        name: 'Hopp client',
        folders: [],
        requests: [],
        auth: {
          authType: 'oauth-2',
          authActive: true,
          grantTypeInfo: {
            grantType: 'CLIENT_CREDENTIALS',
            authEndpoint: '<<tokenUrl>>',
            clientID: server.basicClient.clientId,
            clientSecret: '<<secret>>',
            scopes: 'api:read',
            clientAuthentication: 'AS_BASIC_AUTH_HEADERS',
            token: 'a-saved-token-never-imported',
          },
        },
      }),
    );
    fs.writeFileSync(
      environment,
      JSON.stringify({
        name: 'Local',
        variables: [
          { key: 'tokenUrl', initialValue: server.tokenEndpoint, secret: false },
          { key: 'secret', initialValue: server.basicClient.clientSecret, secret: false },
        ],
      }),
    );
    try {
      const result = await vscode.commands.executeCommand<ImportResult>('oauth2Invoker.importInvokers', { files: [collection, environment], scope: 'user' });
      assert.deepEqual(result.imported, [{ name: 'Hopp client', scope: 'user' }]);
      assertAbsent(JSON.stringify(userSetting()), [server.basicClient.clientSecret, 'a-saved-token-never-imported'], 'the invokers setting');
      const before = server.tokenRequests();
      assert.ok((await api.getAccessToken('Hopp client')).length > 0);
      assert.equal(server.tokenRequests() - before, 1);
      assert.equal(server.lastTokenRequest()?.status, 200);
    } finally {
      await api.deleteInvoker('Hopp client');
    }
  });

  test('a file of no known shape: a clear error naming it, and nothing imported', async () => {
    const bad = path.join(folder, 'notes.json');
    fs.writeFileSync(bad, '{"hello": "world"}');
    const before = JSON.stringify(userSetting());
    const result = await vscode.commands.executeCommand('oauth2Invoker.importInvokers', { files: [bad], scope: 'user' });
    assert.equal(result, undefined, 'the command boundary reported the error');
    assert.equal(JSON.stringify(userSetting()), before);
  });

  test('issue 17: hostile files (an exponential http-client.env.json, YAML nested 1,000 then 5,000 deep) are refused at the command boundary, nothing imported', async () => {
    const hostile = path.join(folder, 'hostile');
    fs.mkdirSync(hostile, { recursive: true });
    const variables: Record<string, string> = {};
    for (let i = 1; i <= 9; i += 1) {
      variables[`a${i}`] = i === 9 ? 'x' : `{{a${i + 1}}}`.repeat(10);
    }
    const env = path.join(hostile, 'http-client.env.json');
    fs.writeFileSync(
      env,
      JSON.stringify({
        dev: { ...variables, Security: { Auth: { bomb: { Type: 'OAuth2', 'Grant Type': 'Client Credentials', 'Token URL': '{{a1}}', 'Client ID': 'c' } } } },
      }),
    );
    // 1,000 then 5,000 levels: the sequence that killed a plain Node process inside the yaml package.
    const yamls = [1000, 5000].map((depth) => {
      const file = path.join(hostile, `deep-${depth}.yaml`);
      fs.writeFileSync(file, `${'['.repeat(depth)}${']'.repeat(depth)}`);
      return file;
    });
    const before = JSON.stringify(userSetting());
    for (const file of [env, ...yamls]) {
      const result = await vscode.commands.executeCommand('oauth2Invoker.importInvokers', { files: [file], scope: 'user' });
      assert.equal(result, undefined, 'the command boundary reported the error');
    }
    assert.equal(JSON.stringify(userSetting()), before);
  });

  test('export: Security.Auth without secrets; with them, the private file; importing the export gives the same invoker', async () => {
    const out = path.join(folder, 'exported');
    fs.mkdirSync(out);
    const file = path.join(out, 'http-client.env.json');
    await vscode.commands.executeCommand('oauth2Invoker.exportInvoker', { invoker: 'imported-cc', file, environment: 'ci', includeSecrets: false });
    assertAbsent(fs.readFileSync(file, 'utf8'), [server.basicClient.clientSecret], 'http-client.env.json');
    assert.equal(fs.existsSync(path.join(out, 'http-client.private.env.json')), false);

    await vscode.commands.executeCommand('oauth2Invoker.exportInvoker', {
      invoker: 'imported-cc',
      file,
      environment: 'ci',
      includeSecrets: true,
      addToGitignore: false,
    });
    const publicText = fs.readFileSync(file, 'utf8');
    const privateText = fs.readFileSync(path.join(out, 'http-client.private.env.json'), 'utf8');
    assertAbsent(publicText, [server.basicClient.clientSecret], 'http-client.env.json');
    assert.ok(privateText.includes(server.basicClient.clientSecret));
    const preview = previewImport(
      [
        { name: 'http-client.env.json', text: publicText },
        { name: 'http-client.private.env.json', text: privateText },
      ],
      { environment: 'ci' },
    );
    const row = preview.rows[0];
    assert.ok(row.kind === 'invoker');
    const saved = vscode.workspace
      .getConfiguration('oauth2Invoker')
      .inspect<Array<{ name: string }>>('invokers')
      ?.globalValue?.find((entry) => entry.name === 'imported-cc');
    assert.deepEqual(
      {
        name: row.config.name,
        authorizationServerUrl: row.config.authorizationServerUrl,
        grantType: row.config.grantType,
        clientId: row.config.clientId,
        scope: row.config.scope,
      },
      saved,
    );
    assert.deepEqual(row.secrets, { clientSecret: server.basicClient.clientSecret });
  });
});
