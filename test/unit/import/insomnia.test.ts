import * as assert from 'node:assert/strict';
import { DEFAULT_INVOKER } from '../../../src/shared/invoker';
import { previewImport } from '../../../src/shared/import/index';
import { stringify as stringifyYaml } from 'yaml';
import { candidate, fixture, rowName, shownText, skipped } from './helpers';

suite('import: Insomnia export v4 (JSON)', () => {
  const file = fixture('insomnia', 'insomnia-v4.json');

  test('request groups and requests with oauth2 authentication; disabled ones and other types left out', () => {
    const preview = previewImport([file], { environment: 'Production' });
    assert.equal(preview.format, 'insomnia');
    assert.deepEqual(preview.environments, ['Production', 'Test']);
    assert.deepEqual(preview.rows.map(rowName), ['Invoices', 'List invoices', 'Me']);
    assert.deepEqual(
      preview.rows.map((r) => r.source),
      ['Billing › Invoices', 'Billing › Invoices › List invoices', 'Billing › Me'],
    );
    const me = candidate(preview, 'Me');
    assert.equal(me.config.grantType, 'authorization_code');
    assert.equal(me.config.authorizationEndpointUrl, 'https://login.example.com/authorize');
    assert.equal(me.config.redirectUri, 'http://localhost:3000/callback');
    assert.deepEqual(me.warnings, []);
  });

  test('{{ _.name }} and nested {{ _.auth.base }} resolve in the base environment with the chosen sub-environment over it', () => {
    const row = candidate(previewImport([file], { environment: 'Production' }), 'Invoices');
    assert.deepEqual(row.config, {
      ...DEFAULT_INVOKER,
      name: 'Invoices',
      authorizationServerUrl: 'https://login.example.com/oauth2/token',
      grantType: 'client_credentials',
      credentialsInRequestBody: true,
      clientId: 'billing-prod',
      scope: 'invoices',
      // Insomnia's own Audience field is a token request parameter; an empty Resource is not sent.
      extraParameters: [{ name: 'audience', value: 'https://billing.example.com' }],
    });
    assert.deepEqual(row.secrets, { clientSecret: 'billing-prod-s3cret' });
    const test = candidate(previewImport([file], { environment: 'Test' }), 'Invoices');
    assert.equal(test.config.authorizationServerUrl, 'https://login.test.example.com/oauth2/token');
    assert.equal(test.config.clientId, 'billing-base');
    assert.deepEqual(test.secrets, { clientSecret: 'billing-test-s3cret' });
  });

  test('password grant: username, password and client secret apart', () => {
    const row = candidate(previewImport([file], { environment: 'Production' }), 'List invoices');
    assert.equal(row.config.grantType, 'password');
    assert.equal(row.config.username, 'ops@example.com');
    assert.deepEqual(row.secrets, { clientSecret: 'billing-prod-s3cret', password: '0ps-p@ss' });
    assert.ok(!shownText(previewImport([file], { environment: 'Production' })).includes('0ps-p@ss'));
  });

  test('base environment only: undefined secrets are not imported', () => {
    const row = candidate(previewImport([file]), 'Invoices');
    assert.equal(row.config.clientId, 'billing-base');
    assert.deepEqual(row.secrets, {});
  });

  test('another export format is an error naming the file and what is expected', () => {
    const v2 = JSON.stringify({ _type: 'export', __export_format: 2, resources: [] });
    assert.throws(() => previewImport([{ name: 'old.json', text: v2 }]), {
      message: /^"old\.json" cannot be imported: its "__export_format" is 2; expected an Insomnia export \(format 3 or 4\)/,
    });
  });

  test('the same export saved as YAML (Insomnia offered "Insomnia v4 (YAML)") reads the same', () => {
    const yaml = { name: 'Insomnia_2024-01-02.yaml', text: stringifyYaml(JSON.parse(file.text)) };
    assert.deepEqual(previewImport([yaml], { environment: 'Production' }), previewImport([file], { environment: 'Production' }));
  });

  test("a folder's environment is over the workspace's for the requests in it", () => {
    const text = JSON.stringify({
      _type: 'export',
      __export_format: 4,
      resources: [
        { _id: 'wrk_1', _type: 'workspace', name: 'W' },
        { _id: 'env_1', _type: 'environment', parentId: 'wrk_1', data: { host: 'https://base.example.com', id: 'base' } },
        { _id: 'fld_1', _type: 'request_group', parentId: 'wrk_1', name: 'F', environment: { host: 'https://folder.example.com' } },
        {
          _id: 'req_1',
          _type: 'request',
          parentId: 'fld_1',
          name: 'R',
          authentication: { type: 'oauth2', grantType: 'client_credentials', accessTokenUrl: '{{ _.host }}/token', clientId: '{{ id }}' },
        },
        {
          _id: 'req_2',
          _type: 'request',
          parentId: 'wrk_1',
          name: 'Top',
          authentication: { type: 'oauth2', grantType: 'client_credentials', accessTokenUrl: '{{ _.host }}/token' },
        },
      ],
    });
    const preview = previewImport([{ name: 'w.json', text }]);
    assert.equal(candidate(preview, 'R').config.authorizationServerUrl, 'https://folder.example.com/token');
    assert.equal(candidate(preview, 'R').config.clientId, 'base');
    assert.equal(candidate(preview, 'Top').config.authorizationServerUrl, 'https://base.example.com/token');
  });
});

suite('import: Insomnia collection v5 (YAML)', () => {
  const collection = fixture('insomnia', 'Payments-insomnia-v5.yaml');
  const globalEnvironment = fixture('insomnia', 'Shared-environment.yaml');

  test('requests and folders of any depth with oauth2 make rows; disabled, basic and other auth make none; implicit is listed with the reason', () => {
    const preview = previewImport([collection], { environment: 'Production' });
    assert.equal(preview.format, 'insomnia');
    assert.deepEqual(preview.environments, ['Production', 'Test']);
    assert.deepEqual(preview.rows.map(rowName), ['Accounts', 'List accounts', 'Me', 'Stream (skipped)']);
    assert.deepEqual(
      preview.rows.map((r) => r.source),
      ['Payments › Accounts', 'Payments › Accounts › List accounts', 'Payments › Accounts › Admin › Me', 'Payments › Stream'],
    );
    assert.match(skipped(preview, 'Stream').reason, /^Not imported: the Implicit grant/);
  });

  test("a folder's client credentials in the body, its audience from the folder's environment, secrets from the sub-environment", () => {
    const row = candidate(previewImport([collection], { environment: 'Production' }), 'Accounts');
    assert.deepEqual(row.config, {
      ...DEFAULT_INVOKER,
      name: 'Accounts',
      authorizationServerUrl: 'https://login.example.com/oauth2/token',
      grantType: 'client_credentials',
      credentialsInRequestBody: true,
      clientId: 'pay-prod',
      scope: 'accounts:read',
      extraParameters: [{ name: 'audience', value: 'https://accounts.example.com' }],
    });
    assert.deepEqual(row.secrets, { clientSecret: 'pay-prod-s3cret' });
    assert.deepEqual(row.warnings, []);
  });

  test('password grant: the password from the environment, with YAML quoting, apart from the properties', () => {
    const preview = previewImport([collection], { environment: 'Production' });
    const row = candidate(preview, 'List accounts');
    assert.equal(row.config.grantType, 'password');
    assert.equal(row.config.username, 'ops@example.com');
    assert.deepEqual(row.secrets, { clientSecret: 'pay-prod-s3cret', password: '0ps: p@ss #1' });
    const shown = shownText(preview);
    for (const secret of ['pay-prod-s3cret', '0ps: p@ss #1']) {
      assert.ok(!shown.includes(secret), secret);
    }
  });

  test("authorization code with PKCE in a nested folder: the inner folder's client id, the authorization URL and redirect", () => {
    const row = candidate(previewImport([collection], { environment: 'Production' }), 'Me');
    assert.equal(row.config.grantType, 'authorization_code');
    assert.equal(row.config.clientId, 'pay-admin');
    assert.equal(row.config.authorizationEndpointUrl, 'https://login.example.com/authorize');
    assert.equal(row.config.redirectUri, 'http://127.0.0.1:8765/callback');
    assert.equal(row.config.scope, 'openid profile');
    assert.deepEqual(row.secrets, {});
    assert.deepEqual(row.warnings, []);
  });

  test('another sub-environment, and the base environment alone', () => {
    const test = candidate(previewImport([collection], { environment: 'Test' }), 'Accounts');
    assert.equal(test.config.authorizationServerUrl, 'https://login.test.example.com/oauth2/token');
    assert.equal(test.config.clientId, 'pay-base');
    assert.deepEqual(test.secrets, { clientSecret: 'pay-test-s3cret' });
    const base = candidate(previewImport([collection]), 'Accounts');
    assert.deepEqual(base.secrets, {});
    assert.ok(
      base.warnings.some((w) => w.startsWith('"Client Secret" uses {{_.clientSecret}}')),
      base.warnings.join('\n'),
    );
  });

  test("a global environment file chosen with it: its sub-environments offered too, the collection's environment over it", () => {
    const preview = previewImport([collection, globalEnvironment], { environment: 'Staging' });
    assert.deepEqual(preview.environments, ['Staging', 'Production', 'Test']);
    const accounts = candidate(preview, 'Accounts');
    assert.equal(accounts.config.authorizationServerUrl, 'https://login.example.com/oauth2/token');
    assert.equal(accounts.config.clientId, 'pay-base');
    assert.deepEqual(accounts.secrets, { clientSecret: 'pay-staging-s3cret' });
    assert.deepEqual(candidate(preview, 'List accounts').secrets, { clientSecret: 'pay-staging-s3cret', password: 'shared-ops-pass' });
  });

  test('errors name the file: a global environment alone, with a v4 export, an unknown environment, a collection that is not a list', () => {
    assert.throws(() => previewImport([globalEnvironment]), {
      code: 4,
      message: /^"Shared-environment\.yaml" cannot be imported: it is an Insomnia global environment alone; expected an Insomnia collection export/,
    });
    assert.throws(() => previewImport([collection, fixture('insomnia', 'insomnia-v4.json')]), {
      message: '"insomnia-v4.json" cannot be imported: it is an export in format 4, chosen with a YAML one; expected one Insomnia export at a time.',
    });
    assert.throws(() => previewImport([collection], { environment: 'Nope' }), {
      message: /it has no environment "Nope"; expected one of its sub-environments \(Production, Test\)/,
    });
    assert.throws(() => previewImport([{ name: 'c.yaml', text: 'type: collection.insomnia.rest/5.0\ncollection: {a: 1}\n' }]), {
      message: /^"c\.yaml" cannot be imported: its "collection" is not a list of requests and folders;/,
    });
  });

  test('YAML that is not valid: the error gives the place, never the text; several documents and alias bombs are refused', () => {
    const secret = 'hunter2-in-yaml';
    assert.throws(
      () => previewImport([{ name: 'bad.yaml', text: `type: collection.insomnia.rest/5.0\ncollection: [\n  clientSecret: ${secret}\n` }]),
      (error: Error) => {
        assert.match(error.message, /^"bad\.yaml" cannot be imported: it is not valid YAML \(line \d+, column \d+\); expected /);
        assert.ok(!error.message.includes(secret));
        return true;
      },
    );
    assert.throws(() => previewImport([{ name: 'two.yml', text: 'a: 1\n---\nb: 2\n' }]), {
      message: /^"two\.yml" cannot be imported: it is not valid YAML \(it holds several documents\);/,
    });
    const bomb = ['a: &a [x, x, x, x, x, x, x, x, x]', ...'bcdef'.split('').map((k, i) => `${k}: &${k} [${Array(9).fill(`*${'abcdef'[i]}`).join(', ')}]`)].join(
      '\n',
    );
    assert.throws(() => previewImport([{ name: 'bomb.yaml', text: bomb }]), {
      message: /^"bomb\.yaml" cannot be imported: it is not valid YAML \(its aliases expand too far\);/,
    });
  });

  test('a YAML export under another file name is read; a .json file is only JSON; a __proto__ key pollutes nothing', () => {
    assert.deepEqual(previewImport([{ name: 'payments.txt', text: collection.text }], { environment: 'Production' }).rows.map(rowName), [
      'Accounts',
      'List accounts',
      'Me',
      'Stream (skipped)',
    ]);
    assert.throws(() => previewImport([{ name: 'payments.json', text: collection.text }]), {
      message: /^"payments\.json" cannot be imported: it is not valid JSON/,
    });
    const proto = 'type: collection.insomnia.rest/5.0\n__proto__: {polluted: yes}\ncollection: []\n';
    assert.deepEqual(previewImport([{ name: 'p.yaml', text: proto }]).rows, []);
    assert.equal(({} as Record<string, unknown>).polluted, undefined);
  });
});
