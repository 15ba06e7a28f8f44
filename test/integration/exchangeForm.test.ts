/**
 * Issue 12's two grants in the invoker form, in a real VS Code: Token Exchange (RFC 8693) and JWT Bearer (RFC 7523
 * §2.1), driven through the form's protocol as formPanel.test.ts drives it (the page's own layout is unit-tested in
 * test/unit/shownFields.test.ts; here, what the page receives).
 */
import * as assert from 'node:assert/strict';
import { DEFAULT_INVOKER, NO_STORED_SECRETS, type InvokerConfig } from '../../src/shared/invoker';
import { GRANT_TYPES } from '../../src/shared/properties';
import type { ToWebview } from '../../src/shared/protocol';
import { FIELDS } from '../../src/webview/fields';
import { shownFields } from '../../src/webview/shownFields';
import { startOidcServer, type OidcServer } from '../fixtures/oidcServer';
import { last, openEditForm, openNewForm, savedSetting, settingsText, sleep, type Api, type Form } from './forms';
import { activateApi, assertAbsent } from './helpers';

const ACCESS_TOKEN_TYPE = 'urn:ietf:params:oauth:token-type:access_token';
const EXCHANGER = { clientId: 'xf-exchanger', clientSecret: 'xf:s3cr+t/%41&x=1 ?#' };
const SUBJECT_TOKEN = 'xf-entered-subject:token/+%20=';
const ACTOR_TOKEN = 'xf-entered-actor:token/+%20=';
const ASSERTION = 'eyJhbGciOiJSUzI1NiJ9.eyJzdWIiOiJ4Zi1lbnRlcmVkIn0.xf-entered-assertion-signature';

/** The `subjectInvokers` choices of a message, as values. */
function choices(message: { subjectInvokers: readonly { value: string }[] }): string[] {
  return message.subjectInvokers.map((choice) => choice.value);
}

suite('Token Exchange and JWT Bearer in the invoker form (issue 12)', function () {
  let api: Api;
  let server: OidcServer;
  const created: Array<{ name: string; scope: 'user' | 'workspace' }> = [];

  async function save(name: string, config: Partial<InvokerConfig>, secrets: Record<string, string> = {}, scope: 'user' | 'workspace' = 'user'): Promise<void> {
    created.push({ name, scope });
    await api.saveInvoker({ name, authorizationServerUrl: server.tokenEndpoint, ...config }, { scope, secrets });
  }

  /** A Token Exchange invoker as the form holds it (its subject token entered unless `subjectTokenInvoker` says otherwise). */
  function exchange(name: string, settings: Partial<InvokerConfig> = {}): InvokerConfig {
    return { ...DEFAULT_INVOKER, name, grantType: 'token_exchange', authorizationServerUrl: server.tokenEndpoint, clientId: EXCHANGER.clientId, ...settings };
  }

  /** Waits until the form has been sent a `subjectInvokers` message that satisfies `holds`, and returns its choices. */
  async function refreshedChoices(form: Form, holds: (values: string[]) => boolean): Promise<string[]> {
    const lastChoices = (): string[] | undefined => {
      const messages = form.posted.filter((m): m is Extract<ToWebview, { type: 'subjectInvokers' }> => m.type === 'subjectInvokers');
      return messages.length > 0 ? choices(messages[messages.length - 1]) : undefined;
    };
    for (let waited = 0; !holds(lastChoices() ?? []) && waited < 5000; waited += 50) {
      await sleep(50);
    }
    const values = lastChoices();
    assert.ok(values !== undefined, `the open form was sent "subjectInvokers"; it was sent ${form.posted.map((m) => m.type).join(', ')}`);
    return values;
  }

  suiteSetup(async () => {
    api = (await activateApi()) as Api;
    server = await startOidcServer({
      extensionGrants: true,
      clients: { extra: [{ ...EXCHANGER, authMethod: 'client_secret_basic', grantTypes: ['token_exchange'], scope: 'api:read' }] },
    });
    await save(
      'xf-source',
      { grantType: 'client_credentials', clientId: server.basicClient.clientId, scope: 'api:read', targetMessage: 'XFSRC' },
      { clientSecret: server.basicClient.clientSecret },
    );
    await save(
      'xf-exchange',
      { ...exchange('xf-exchange', { subjectTokenInvoker: 'user:xf-source', audience: 'https://orders.example.test' }) },
      {
        clientSecret: EXCHANGER.clientSecret,
      },
    );
    await save('xf-ws', { grantType: 'client_credentials', clientId: 'xf-ws-client' }, {}, 'workspace');
  });

  teardown(() => api.confirmationsForTests.answerForTests(undefined));

  suiteTeardown(async () => {
    for (const { name, scope } of created) {
      await api.deleteInvoker(name, scope);
    }
    await server.close();
  });

  test("init of a Token Exchange invoker: its grant's fields for the page, the other invokers (user and workspace) to take the subject from, not itself", async () => {
    // The form's grant select offers both (its options are the field table's).
    const grantOptions = FIELDS.find((spec) => spec.key === 'grantType')?.options?.map(([value]) => value);
    assert.deepEqual(grantOptions, [...GRANT_TYPES]);
    assert.ok(grantOptions.includes('token_exchange') && grantOptions.includes('jwt_bearer'));

    const form = await openEditForm(api, 'xf-exchange');
    const init = last(await form.send({ type: 'ready' }), 'init');
    assert.equal(init.config.grantType, 'token_exchange');
    assert.equal(init.config.subjectTokenInvoker, 'user:xf-source');
    assert.equal(init.config.audience, 'https://orders.example.test');
    // What the page shows of it: the exchange's fields, no Subject Token to enter (it comes from xf-source), nothing of JWT Bearer.
    const shown = shownFields(init.config);
    for (const key of ['subjectTokenInvoker', 'subjectTokenType', 'actorToken', 'actorTokenType', 'requestedTokenType', 'audience', 'resource'] as const) {
      assert.ok(shown.includes(key), `${key} is shown`);
    }
    for (const key of ['subjectToken', 'assertionSource', 'assertion', 'assertionSubject', 'username', 'refreshToken'] as const) {
      assert.ok(!shown.includes(key), `${key} is not shown`);
    }

    const values = choices(init);
    assert.ok(values.includes('user:xf-source'), values.join(', '));
    assert.ok(values.includes('workspace:xf-ws'), values.join(', '));
    assert.ok(!values.includes('user:xf-exchange'), 'not the invoker itself');
    assert.equal(init.subjectInvokers.find((choice) => choice.value === 'workspace:xf-ws')?.label, 'xf-ws (workspace)');
    await form.close(api, { name: 'xf-exchange', scope: 'user' });
  });

  test('an open form is sent the new choices when an invoker is saved or deleted elsewhere; a form saved as X leaves X out', async () => {
    const form = await openEditForm(api, 'xf-exchange');
    await form.send({ type: 'ready' });
    assert.ok(!choices(last(form.posted, 'init')).includes('user:xf-later'));

    // Saved elsewhere (here through the API, as another form or an import saves it) while this form is open.
    await save('xf-later', { grantType: 'client_credentials', clientId: 'xf-later-client' });
    const afterSave = await refreshedChoices(form, (values) => values.includes('user:xf-later'));
    assert.ok(afterSave.includes('user:xf-later'), afterSave.join(', '));
    assert.ok(!afterSave.includes('user:xf-exchange'), 'still not the invoker itself');

    await api.deleteInvoker('xf-later', 'user');
    const afterDelete = await refreshedChoices(form, (values) => !values.includes('user:xf-later'));
    assert.ok(!afterDelete.includes('user:xf-later'), afterDelete.join(', '));
    assert.ok(afterDelete.includes('user:xf-source'));

    // A new form saved as xf-named: from then on it is that invoker's form, whose choices leave it out.
    const fresh = await openNewForm(api);
    await fresh.send({ type: 'ready' });
    created.push({ name: 'xf-named', scope: 'user' });
    const answer = await fresh.send({
      type: 'save',
      config: { ...DEFAULT_INVOKER, name: 'xf-named', authorizationServerUrl: server.tokenEndpoint, clientId: 'xf-named-client' },
      scope: 'user',
      secrets: { clientSecret: { action: 'replace', value: 'xf-named-secret' } },
      execute: false,
    });
    assert.deepEqual(last(answer, 'issues').issues, []);
    const own = await refreshedChoices(fresh, () => true);
    assert.ok(!own.includes('user:xf-named'), `the saved form's choices leave it out: ${own.join(', ')}`);
    // The form that was already open learns of it.
    const others = await refreshedChoices(form, (values) => values.includes('user:xf-named'));
    assert.ok(others.includes('user:xf-named'), others.join(', '));
    await fresh.close(api, { name: 'xf-named', scope: 'user' });
    await form.close(api, { name: 'xf-exchange', scope: 'user' });
  });

  test('a Token Exchange saved with its subject and actor tokens entered: SecretStorage holds them, settings and the form never do', async () => {
    const form = await openNewForm(api);
    await form.send({ type: 'ready' });
    created.push({ name: 'xf-entered', scope: 'user' });
    const answer = await form.send({
      type: 'save',
      config: exchange('xf-entered', { actorTokenType: ACCESS_TOKEN_TYPE, audience: 'https://orders.example.test' }),
      scope: 'user',
      secrets: {
        clientSecret: { action: 'replace', value: EXCHANGER.clientSecret },
        subjectToken: { action: 'replace', value: SUBJECT_TOKEN },
        actorToken: { action: 'replace', value: ACTOR_TOKEN },
      },
      execute: false,
    });
    assert.deepEqual(last(answer, 'issues').issues, []);
    const saved = last(answer, 'saved');
    assert.deepEqual(saved.storedSecrets, { ...NO_STORED_SECRETS, clientSecret: true, subjectToken: true, actorToken: true });

    const setting = savedSetting('xf-entered');
    assert.equal(setting?.grantType, 'token_exchange');
    assert.equal(setting?.actorTokenType, ACCESS_TOKEN_TYPE);
    assertAbsent(settingsText(), [SUBJECT_TOKEN, ACTOR_TOKEN, EXCHANGER.clientSecret], 'settings');
    const keys = await api.storedKeys();
    for (const field of ['subjectToken', 'actorToken', 'clientSecret']) {
      assert.ok(keys.includes(`oauth2Invoker.secret/user/xf-entered/${field}`), `${field} is in SecretStorage`);
    }
    await form.close(api, { name: 'xf-entered', scope: 'user' });

    const again = await openEditForm(api, 'xf-entered');
    const init = last(await again.send({ type: 'ready' }), 'init');
    assert.deepEqual(init.storedSecrets, { ...NO_STORED_SECRETS, clientSecret: true, subjectToken: true, actorToken: true });
    assertAbsent(JSON.stringify([...form.posted, ...again.posted]), [SUBJECT_TOKEN, ACTOR_TOKEN, EXCHANGER.clientSecret], 'the messages to the form');
    await again.close(api, { name: 'xf-entered', scope: 'user' });
  });

  test('a JWT Bearer saved with its assertion entered: SecretStorage holds it, settings and the form never do', async () => {
    const form = await openNewForm(api);
    await form.send({ type: 'ready' });
    created.push({ name: 'xf-bearer', scope: 'user' });
    const config: InvokerConfig = {
      ...DEFAULT_INVOKER,
      name: 'xf-bearer',
      grantType: 'jwt_bearer',
      assertionSource: 'entered',
      authorizationServerUrl: server.tokenEndpoint,
      clientId: 'xf-bearer-client',
    };
    const answer = await form.send({
      type: 'save',
      config,
      scope: 'user',
      secrets: { clientSecret: { action: 'replace', value: 'xf-bearer-secret' }, assertion: { action: 'replace', value: ASSERTION } },
      execute: false,
    });
    assert.deepEqual(last(answer, 'issues').issues, []);
    assert.deepEqual(last(answer, 'saved').storedSecrets, { ...NO_STORED_SECRETS, clientSecret: true, assertion: true });
    assert.equal(savedSetting('xf-bearer')?.assertionSource, 'entered');
    assertAbsent(settingsText(), [ASSERTION, 'xf-bearer-secret'], 'settings');
    assert.ok((await api.storedKeys()).includes('oauth2Invoker.secret/user/xf-bearer/assertion'), 'the assertion is in SecretStorage');
    await form.close(api, { name: 'xf-bearer', scope: 'user' });

    const again = await openEditForm(api, 'xf-bearer');
    const init = last(await again.send({ type: 'ready' }), 'init');
    assert.equal(init.storedSecrets.assertion, true);
    assertAbsent(JSON.stringify([...form.posted, ...again.posted]), [ASSERTION, 'xf-bearer-secret'], 'the messages to the form');
    await again.close(api, { name: 'xf-bearer', scope: 'user' });
  });

  test('a save with problems names the field: no Subject Token, no Assertion Subject, a Subject Token From Invoker that comes back to itself', async () => {
    const form = await openNewForm(api);
    await form.send({ type: 'ready' });
    const secret = { clientSecret: { action: 'replace', value: 'xf-problem-secret' } } as const;
    const issuesOf = async (config: InvokerConfig): Promise<Array<{ field: string; message: string }>> => {
      const answer = await form.send({ type: 'save', config, scope: 'user', secrets: secret, execute: false });
      assert.ok(!answer.some((message) => message.type === 'saved'), `"${config.name}" is not saved`);
      return [...last(answer, 'issues').issues];
    };

    const noSubject = await issuesOf(exchange('xf-no-subject'));
    assert.deepEqual(
      noSubject.map((issue) => issue.field),
      ['subjectToken'],
    );
    assert.match(noSubject[0].message, /^"Subject Token" is required .*"Subject Token From Invoker"/);

    const noSub = await issuesOf({
      ...DEFAULT_INVOKER,
      name: 'xf-no-sub',
      grantType: 'jwt_bearer',
      assertionSource: 'signed',
      authorizationServerUrl: server.tokenEndpoint,
      clientId: 'xf-client',
    });
    const subIssue = noSub.find((issue) => issue.field === 'assertionSubject');
    assert.ok(subIssue !== undefined, `an issue names Assertion Subject: ${JSON.stringify(noSub)}`);
    assert.match(subIssue.message, /^"Assertion Subject" is required/);

    const itself = await issuesOf(exchange('xf-itself', { subjectTokenInvoker: 'user:xf-itself' }));
    assert.deepEqual(
      itself.map((issue) => issue.field),
      ['subjectTokenInvoker'],
    );
    assert.match(itself[0].message, /^"Subject Token From Invoker" makes a cycle \(xf-itself → xf-itself\)/);

    // Through another invoker: xf-loop-b takes its subject from xf-loop-a, which the form would make take it from xf-loop-b.
    await save('xf-loop-b', { grantType: 'token_exchange', clientId: EXCHANGER.clientId, subjectTokenInvoker: 'user:xf-loop-a' }, { clientSecret: 'x' });
    const loop = await issuesOf(exchange('xf-loop-a', { subjectTokenInvoker: 'user:xf-loop-b' }));
    assert.deepEqual(
      loop.map((issue) => issue.field),
      ['subjectTokenInvoker'],
    );
    assert.match(loop[0].message, /makes a cycle \(xf-loop-a → xf-loop-b → xf-loop-a\)/);

    for (const name of ['xf-no-subject', 'xf-no-sub', 'xf-itself', 'xf-loop-a']) {
      assert.equal(savedSetting(name), undefined, `"${name}" is not in settings`);
    }
    await form.close(api);
  });

  test('Save and Execute of a Token Exchange from another invoker: the message has issued_token_type; the subject token never reaches the form or its draft', async () => {
    // Execute from the form is the person's: asked once whether B may take A's token (issue 17), they allow it.
    api.confirmationsForTests.answerForTests(() => true);
    const form = await openNewForm(api);
    await form.send({ type: 'ready' });
    created.push({ name: 'xf-exec', scope: 'user' });
    const config = exchange('xf-exec', { subjectTokenInvoker: 'user:xf-source', audience: 'https://orders.example.test', targetMessage: 'XFOUT' });
    const answer = await form.send({
      type: 'save',
      config,
      scope: 'user',
      secrets: { clientSecret: { action: 'replace', value: EXCHANGER.clientSecret } },
      execute: true,
    });
    assert.deepEqual(last(answer, 'issues').issues, []);
    // Nothing stored for the subject: it comes from xf-source.
    assert.deepEqual(last(answer, 'saved').storedSecrets, { ...NO_STORED_SECRETS, clientSecret: true });
    const result = last(answer, 'result');
    assert.equal(result.ok, true, result.text);

    const record = api.messages().find((entry) => entry.invoker === 'xf-exec');
    assert.ok(record !== undefined && !record.failed, 'the message of xf-exec arrived');
    assert.equal(record.message.getProperty('issued_token_type'), ACCESS_TOKEN_TYPE);
    const sent = server
      .tokenRequestLog()
      .filter((request) => request.body?.grant_type === 'urn:ietf:params:oauth:grant-type:token-exchange')
      .at(-1);
    const subject = String(sent?.body?.subject_token ?? '');
    assert.ok(subject.length > 10, "xf-source's access token was the subject token");
    assert.deepEqual(server.exchanges().at(-1), { subject: server.basicClient.clientId, audience: 'https://orders.example.test', scope: 'api:read' });
    const exchanged = await api.getAccessToken('xf-exec');
    assert.notEqual(exchanged, subject);

    // The page keeps (setState) and drafts what init and saved give it: the config, never a token. Its draft, kept
    // and read back by a reopened form, holds none either.
    await form.send({ type: 'draft', config: { ...config, scope: 'api:read' }, scope: 'user' });
    await form.close(api, { name: 'xf-exec', scope: 'user' });
    const again = await openEditForm(api, 'xf-exec');
    const init = last(await again.send({ type: 'ready' }), 'init');
    assert.equal(init.dirty, true, 'the draft was kept');
    assert.equal(init.config.subjectTokenInvoker, 'user:xf-source');
    assertAbsent(JSON.stringify([...form.posted, ...again.posted]), [subject, exchanged, EXCHANGER.clientSecret], 'the messages to the form');
    await again.send({ type: 'discardDraft' });
    await again.close(api, { name: 'xf-exec', scope: 'user' });
  });
});
