import * as assert from 'node:assert/strict';
import { DEFAULT_INVOKER } from '../../../src/shared/invoker';
import { previewImport } from '../../../src/shared/import/index';
import { candidate, fixture, rowName, shownText, skipped } from './helpers';

suite('import: Insomnia export v4 (JSON)', () => {
  const file = fixture('insomnia', 'insomnia-v4.json');

  test('request groups and requests with oauth2 authentication; disabled ones and other types left out', () => {
    const preview = previewImport([file], { environment: 'Production' });
    assert.equal(preview.format, 'insomnia');
    assert.deepEqual(preview.environments, ['Production', 'Test']);
    assert.deepEqual(preview.rows.map(rowName), ['Invoices', 'List invoices', 'Me (skipped)']);
    assert.deepEqual(
      preview.rows.map((r) => r.source),
      ['Billing › Invoices', 'Billing › Invoices › List invoices', 'Billing › Me'],
    );
    assert.equal(skipped(preview, 'Me').reason, 'Not imported: the Authorization Code grant is not offered by the invoker yet.');
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

  test('another export format, or a YAML file, is an error naming the file and what is expected', () => {
    const v3 = JSON.stringify({ _type: 'export', __export_format: 3, resources: [] });
    assert.throws(() => previewImport([{ name: 'old.json', text: v3 }]), {
      message: /^"old\.json" cannot be imported: its "__export_format" is 3; expected an Insomnia export \(format 4\)/,
    });
    assert.throws(() => previewImport([{ name: 'Insomnia_2026-11-02.yaml', text: 'type: collection.insomnia.rest/5.0\n' }]), {
      code: 4,
      message: /^"Insomnia_2026-11-02\.yaml" cannot be imported: it is a YAML file; .* export the collection as JSON \(Insomnia v4\) instead\.$/,
    });
  });
});
