import * as assert from 'node:assert/strict';
import * as vscode from 'vscode';
import type { OAuth2InvokerTesting } from '../../src/extension/testingApi';
import { startOidcServer, type OidcServer } from '../fixtures/oidcServer';
import { activateApi, assertAbsent, logWithLine } from './helpers';

const EXCHANGER = { clientId: 'te-exchanger', clientSecret: 'te:s3cr+t/%41&x=1 ?#' };

/** Issue 12's Token Exchange with its subject token from another invoker, through the extension's token broker. */
suite('Token Exchange from another invoker in a real VS Code', function () {
  let api: OAuth2InvokerTesting;
  let server: OidcServer;
  const created: string[] = [];

  async function save(name: string, config: Record<string, unknown>, secrets: Record<string, string>): Promise<void> {
    created.push(name);
    await api.saveInvoker({ name, authorizationServerUrl: server.tokenEndpoint, ...config }, { secrets });
  }

  suiteSetup(async () => {
    api = await activateApi();
    server = await startOidcServer({
      extensionGrants: true,
      clients: { extra: [{ ...EXCHANGER, authMethod: 'client_secret_basic', grantTypes: ['token_exchange'], scope: 'api:read' }] },
    });
    await save(
      'te-source',
      { grantType: 'client_credentials', clientId: server.basicClient.clientId, scope: 'api:read', targetMessage: 'TESRC' },
      { clientSecret: server.basicClient.clientSecret },
    );
    await save(
      'te-exchange',
      {
        grantType: 'token_exchange',
        clientId: EXCHANGER.clientId,
        subjectTokenInvoker: 'user:te-source',
        audience: 'https://orders.example.test',
        targetMessage: 'TEOUT',
      },
      { clientSecret: EXCHANGER.clientSecret },
    );
  });

  suiteTeardown(async () => {
    for (const name of created) {
      await api.deleteInvoker(name);
    }
    await server.close();
  });

  test("invoker B exchanges invoker A's current access token; the token never reaches the log", async () => {
    const source = await api.execute('te-source');
    const subject = source.accessToken ?? '';
    assert.ok(subject.length > 10);

    // The first exchange of A's token by B: the person allows it (issue 17); later runs need no question.
    api.confirmationsForTests.answerForTests(() => true);
    try {
      await vscode.commands.executeCommand('oauth2Invoker.execute', { name: 'te-exchange', scope: 'user' });
    } finally {
      api.confirmationsForTests.answerForTests(undefined);
    }
    const exchanged = await api.execute('te-exchange');
    assert.equal(exchanged.getProperty('issued_token_type'), 'urn:ietf:params:oauth:token-type:access_token');
    assert.notEqual(exchanged.accessToken, subject);
    const sent = server.lastTokenRequest();
    assert.equal(sent?.body?.grant_type, 'urn:ietf:params:oauth:grant-type:token-exchange');
    assert.equal(sent?.body?.subject_token, subject, "A's current token is the subject token");
    assert.equal(sent?.body?.audience, 'https://orders.example.test');
    assert.deepEqual(server.exchanges().at(-1), { subject: server.basicClient.clientId, audience: 'https://orders.example.test', scope: 'api:read' });
    // A's token came from the cache: no second client-credentials request.
    assert.equal(server.tokenRequestLog().filter((r) => r.body?.grant_type === 'client_credentials').length, 1);

    const text = await logWithLine(api, /subject token: the current access token of invoker "te-source"/);
    assert.match(text, /\[te-exchange\] subject token: the current access token of invoker "te-source"/);
    assertAbsent(text, [subject, exchanged.accessToken ?? '', EXCHANGER.clientSecret], 'the OAuth2 Invoker log');
  });

  test('an invoker that names itself, or one that does not exist: code 4 naming "Subject Token From Invoker", nothing sent', async () => {
    await save(
      'te-cycle',
      { grantType: 'token_exchange', clientId: EXCHANGER.clientId, subjectTokenInvoker: 'user:te-cycle' },
      { clientSecret: EXCHANGER.clientSecret },
    );
    await save(
      'te-orphan',
      { grantType: 'token_exchange', clientId: EXCHANGER.clientId, subjectTokenInvoker: 'user:te-nobody' },
      { clientSecret: EXCHANGER.clientSecret },
    );
    const before = server.tokenRequests();
    await assert.rejects(api.execute('te-cycle'), (error: { code?: unknown; message?: unknown }) => {
      assert.equal(error.code, 4);
      assert.match(String(error.message), /"Subject Token From Invoker" makes a cycle \(te-cycle → te-cycle\)/);
      return true;
    });
    await assert.rejects(api.execute('te-orphan'), (error: { code?: unknown; message?: unknown }) => {
      assert.equal(error.code, 4);
      assert.match(String(error.message), /"Subject Token From Invoker" names the invoker "te-nobody", which does not exist/);
      return true;
    });
    assert.equal(server.tokenRequests(), before);
  });
});
