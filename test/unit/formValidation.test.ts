import * as assert from 'node:assert/strict';
import { formIssues, formOnlyIssues } from '../../src/shared/formValidation';
import { DEFAULT_INVOKER, NO_STORED_SECRETS, type InvokerConfig, type StoredSecrets } from '../../src/shared/invoker';
import type { SecretEdits } from '../../src/shared/protocol';

const CC: InvokerConfig = { ...DEFAULT_INVOKER, name: 'cc', authorizationServerUrl: 'https://as.example.com/token', clientId: 'app' };
const STORED_CLIENT_SECRET: StoredSecrets = { ...NO_STORED_SECRETS, clientSecret: true };

function fields(config: InvokerConfig, edits: SecretEdits = {}, stored: StoredSecrets = NO_STORED_SECRETS, taken: readonly string[] = []): string[] {
  return formIssues(config, edits, stored, taken).map((issue) => issue.field);
}

suite('form validation (shared by the form and the panel)', () => {
  test('a stored secret counts as given; cleared, or never stored, it is required', () => {
    assert.deepEqual(fields(CC, {}, STORED_CLIENT_SECRET), []);
    assert.deepEqual(fields(CC, { clientSecret: { action: 'clear' } }, STORED_CLIENT_SECRET), ['clientSecret']);
    assert.deepEqual(fields(CC), ['clientSecret']);
    assert.deepEqual(fields(CC, { clientSecret: { action: 'replace', value: 's3cret' } }), []);
    assert.deepEqual(
      fields(CC, { clientSecret: { action: 'replace', value: '' } }, STORED_CLIENT_SECRET),
      ['clientSecret'],
      'an empty replacement is no secret',
    );
  });

  test("issue 11: a sign-in invoker needs no secret, but its endpoint; Discover's issuer, Client ID and Scope are then enough", () => {
    const code: InvokerConfig = { ...CC, grantType: 'authorization_code' };
    assert.deepEqual(fields(code), ['authorizationEndpointUrl']);
    assert.deepEqual(fields({ ...code, authorizationEndpointUrl: 'https://as.example.com/authorize' }), []);
    assert.deepEqual(fields({ ...code, authorizationEndpointUrl: 'https://as.example.com/authorize', redirectUri: 'http://10.0.0.1/cb' }), ['redirectUri']);
    const device: InvokerConfig = { ...CC, grantType: 'device_code', clientId: '' };
    assert.deepEqual(fields(device), ['clientId', 'deviceAuthorizationEndpointUrl']);
    assert.deepEqual(
      fields({
        ...device,
        clientId: 'tv',
        deviceAuthorizationEndpointUrl: 'https://as.example.com/device',
        authorizationParameters: [{ name: 'scope', value: 'x' }],
      }),
      ['authorizationParameters'],
    );
  });

  test('only the secrets the invoker uses are checked', () => {
    // A Proxy Password typed without a Proxy Username is not used, so it does not ask for one.
    const typedProxyPassword: SecretEdits = { proxyPassword: { action: 'replace', value: 'pp' } };
    assert.deepEqual(fields(CC, typedProxyPassword, STORED_CLIENT_SECRET), []);
    // A refresh-token invoker needs its refresh token, not a client secret.
    assert.deepEqual(fields({ ...CC, grantType: 'refresh_token' }), ['refreshToken']);
    assert.deepEqual(fields({ ...CC, grantType: 'refresh_token' }, {}, { ...NO_STORED_SECRETS, refreshToken: true }), []);
  });

  test("the name first, then the form's own fields, then the core's; each message names its field and carries no code", () => {
    const issues = formIssues({ ...CC, name: 'taken', proxy: '', issuer: 'not a url', authorizationServerUrl: '' }, {}, STORED_CLIENT_SECRET, ['taken']);
    assert.deepEqual(issues, [
      { field: 'name', message: '"Name" is taken: another invoker is called "taken".' },
      { field: 'proxy', message: '"Proxy" needs a URL, e.g. http://proxy.example.com:3128 (or choose System or None).' },
      { field: 'issuer', message: '"Issuer URL" must be an https:// URL, e.g. https://login.example.com/realms/acme.' },
      { field: 'authorizationServerUrl', message: '"Authorization Server URL" is required.' },
    ]);
  });

  test('form-only issues: an http(s) issuer and a proxy URL given pass', () => {
    assert.deepEqual(formOnlyIssues({ proxy: 'http://proxy.example.com:3128', issuer: 'https://sso.example.com/realms/acme' }), []);
    assert.deepEqual(formOnlyIssues({ proxy: 'system', issuer: '' }), []);
    assert.deepEqual(
      formOnlyIssues({ proxy: 'none', issuer: 'ftp://sso.example.com' }).map((issue) => issue.field),
      ['issuer'],
    );
  });
});
