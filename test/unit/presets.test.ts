import * as assert from 'node:assert/strict';
import { validateProperties } from '../../src/core/index';
import { applyPreset, fillTemplate, matchPreset, placeholdersIn, presetById, PRESETS } from '../../src/shared/presets';

suite('provider presets', () => {
  test('every preset is complete: unique id, label, help, grants, and every placeholder of its templates described', () => {
    const ids = PRESETS.map((p) => p.id);
    assert.equal(new Set(ids).size, ids.length);
    assert.deepEqual(ids, ['entra-v2', 'entra-v1', 'okta-custom', 'okta-org', 'auth0', 'keycloak', 'salesforce', 'google', 'github', 'generic']);
    for (const preset of PRESETS) {
      assert.ok(preset.label !== '' && preset.help.length > 40, preset.id);
      assert.equal(preset.grantTypes[0], preset.grantType, preset.id);
      const used = new Set([
        ...placeholdersIn(preset.tokenUrlTemplate),
        ...placeholdersIn(preset.issuerTemplate ?? ''),
        ...placeholdersIn(preset.scopeTemplate ?? ''),
        ...preset.extraParameters.flatMap((p) => placeholdersIn(p.value)),
        ...placeholdersIn(preset.authorizationEndpointTemplate ?? ''),
        ...placeholdersIn(preset.deviceAuthorizationEndpointTemplate ?? ''),
        ...(preset.authorizationParameters ?? []).flatMap((p) => placeholdersIn(p.value)),
      ]);
      // A sign-in grant is offered only with its endpoint.
      assert.equal(preset.grantTypes.includes('authorization_code'), preset.authorizationEndpointTemplate !== undefined || preset.id === 'generic', preset.id);
      assert.equal(preset.grantTypes.includes('device_code'), preset.deviceAuthorizationEndpointTemplate !== undefined || preset.id === 'generic', preset.id);
      assert.deepEqual([...used].sort(), preset.placeholders.map((p) => p.name).sort(), preset.id);
    }
  });

  test('Entra ID v2: token URL with the tenant, scope <resource>/.default, credentials in the body', () => {
    const fill = applyPreset(presetById('entra-v2')!, { tenant: ' contoso.onmicrosoft.com ', resource: 'https://graph.microsoft.com/' });
    assert.deepEqual(fill, {
      authorizationServerUrl: 'https://login.microsoftonline.com/contoso.onmicrosoft.com/oauth2/v2.0/token',
      issuer: 'https://login.microsoftonline.com/contoso.onmicrosoft.com/v2.0',
      grantType: 'client_credentials',
      credentialsInRequestBody: true,
      scope: 'https://graph.microsoft.com/.default',
      extraParameters: [],
      authorizationEndpointUrl: 'https://login.microsoftonline.com/contoso.onmicrosoft.com/oauth2/v2.0/authorize',
      deviceAuthorizationEndpointUrl: 'https://login.microsoftonline.com/contoso.onmicrosoft.com/oauth2/v2.0/devicecode',
      authorizationParameters: [],
      problems: [],
    });
  });

  test('Entra ID v1: a resource extra parameter and no scope', () => {
    const fill = applyPreset(presetById('entra-v1')!, { tenant: '11111111-2222-3333-4444-555555555555', resource: 'api://my-api' });
    assert.equal(fill.authorizationServerUrl, 'https://login.microsoftonline.com/11111111-2222-3333-4444-555555555555/oauth2/token');
    assert.deepEqual(fill.extraParameters, [{ name: 'resource', value: 'api://my-api' }]);
    assert.equal(fill.scope, undefined);
  });

  test('Okta: custom server defaults to "default"; org server; Auth0 audience; Keycloak realm URL; Salesforce instance_url', () => {
    assert.equal(
      applyPreset(presetById('okta-custom')!, { domain: 'https://dev-1.okta.com/' }).authorizationServerUrl,
      'https://dev-1.okta.com/oauth2/default/v1/token',
    );
    assert.equal(applyPreset(presetById('okta-org')!, { domain: 'dev-1.okta.com' }).authorizationServerUrl, 'https://dev-1.okta.com/oauth2/v1/token');
    const auth0 = applyPreset(presetById('auth0')!, { domain: 'acme.eu.auth0.com', audience: 'https://api.acme.test' });
    assert.deepEqual(
      [auth0.authorizationServerUrl, auth0.extraParameters],
      ['https://acme.eu.auth0.com/oauth/token', [{ name: 'audience', value: 'https://api.acme.test' }]],
    );
    const keycloak = applyPreset(presetById('keycloak')!, { realmUrl: 'https://sso.example.com/realms/acme/' });
    assert.deepEqual(
      [keycloak.authorizationServerUrl, keycloak.issuer],
      ['https://sso.example.com/realms/acme/protocol/openid-connect/token', 'https://sso.example.com/realms/acme'],
    );
    assert.deepEqual(presetById('salesforce')!.prominentProperties, ['instance_url']);
    assert.equal(applyPreset(presetById('github')!).authorizationServerUrl, 'https://github.com/login/oauth/access_token');
    assert.deepEqual(applyPreset(presetById('google')!).grantType, 'authorization_code');
  });

  test("issue 11: the sign-in grants with their endpoints: GitHub by device code, Auth0 with its audience on the authorization request, Keycloak's device endpoint", () => {
    const github = applyPreset(presetById('github')!);
    assert.deepEqual(
      [github.grantType, github.deviceAuthorizationEndpointUrl, github.authorizationEndpointUrl],
      ['device_code', 'https://github.com/login/device/code', 'https://github.com/login/oauth/authorize'],
    );
    const auth0 = applyPreset(presetById('auth0')!, { domain: 'acme.eu.auth0.com', audience: 'https://api.acme.test' });
    assert.deepEqual(
      [auth0.authorizationEndpointUrl, auth0.deviceAuthorizationEndpointUrl, auth0.authorizationParameters],
      ['https://acme.eu.auth0.com/authorize', 'https://acme.eu.auth0.com/oauth/device/code', [{ name: 'audience', value: 'https://api.acme.test' }]],
    );
    const keycloak = applyPreset(presetById('keycloak')!, { realmUrl: 'https://sso.example.com/realms/acme' });
    assert.equal(keycloak.deviceAuthorizationEndpointUrl, 'https://sso.example.com/realms/acme/protocol/openid-connect/auth/device');
    const okta = applyPreset(presetById('okta-custom')!, { domain: 'dev-1.okta.com' });
    assert.equal(okta.authorizationEndpointUrl, 'https://dev-1.okta.com/oauth2/default/v1/authorize');
    assert.equal(applyPreset(presetById('google')!).deviceAuthorizationEndpointUrl, 'https://oauth2.googleapis.com/device/code');
  });

  test('missing or malformed placeholder values are listed by label, and the URL keeps the placeholder', () => {
    const fill = applyPreset(presetById('entra-v2')!, { tenant: 'a/b' });
    assert.deepEqual(fill.problems, [
      '"Tenant" must be one name without / ? # % or spaces, e.g. contoso.onmicrosoft.com.',
      '"Resource (Application ID URI)" is required, e.g. api://11111111-2222-3333-4444-555555555555.',
    ]);
    assert.equal(fill.authorizationServerUrl, 'https://login.microsoftonline.com/{tenant}/oauth2/v2.0/token');
    assert.deepEqual(applyPreset(presetById('keycloak')!, { realmUrl: 'sso.example.com/realms/x' }).problems, [
      '"Realm URL" must be a URL, e.g. https://sso.example.com/realms/my-realm.',
    ]);
    assert.deepEqual(applyPreset(presetById('auth0')!, { domain: 'acme auth0', audience: 'x' }).problems, [
      '"Auth0 domain" must be a host name, e.g. my-tenant.eu.auth0.com.',
    ]);
  });

  test('a filled preset gives properties the core accepts', () => {
    for (const preset of PRESETS.filter((p) => p.tokenUrlTemplate !== '')) {
      const values = Object.fromEntries(preset.placeholders.map((p) => [p.name, p.example]));
      const fill = applyPreset(preset, values);
      assert.deepEqual(fill.problems, [], preset.id);
      for (const grantType of preset.grantTypes) {
        const issues = validateProperties({
          authorizationServerUrl: fill.authorizationServerUrl,
          grantType,
          authorizationEndpointUrl: fill.authorizationEndpointUrl,
          deviceAuthorizationEndpointUrl: fill.deviceAuthorizationEndpointUrl,
          authorizationParameters: fill.authorizationParameters,
          credentialsInRequestBody: fill.credentialsInRequestBody,
          clientId: 'id',
          clientSecret: 'secret',
          refreshToken: 'rt',
          scope: fill.scope,
          extraParameters: fill.extraParameters,
          username: 'u',
          password: 'p',
        });
        assert.deepEqual(issues, [], `${preset.id} ${grantType}`);
      }
    }
  });

  test('fillTemplate reports what is missing; matchPreset reads a token URL back', () => {
    assert.deepEqual(fillTemplate('https://{a}/{b}/{a}', { a: 'x' }), { text: 'https://x/{b}/x', missing: ['b'] });
    assert.deepEqual(matchPreset('https://login.microsoftonline.com/contoso.onmicrosoft.com/oauth2/v2.0/token')?.values, { tenant: 'contoso.onmicrosoft.com' });
    assert.equal(matchPreset('https://login.microsoftonline.com/t/oauth2/token')?.preset.id, 'entra-v1');
    assert.deepEqual(matchPreset('https://dev-1.okta.com/oauth2/aus123/v1/token')?.values, { domain: 'dev-1.okta.com', authServerId: 'aus123' });
    assert.equal(matchPreset('https://dev-1.okta.com/oauth2/v1/token')?.preset.id, 'okta-org');
    assert.deepEqual(matchPreset('https://sso.example.com/auth/realms/x/protocol/openid-connect/token')?.values, {
      realmUrl: 'https://sso.example.com/auth/realms/x',
    });
    assert.equal(matchPreset('https://as.example.com/token'), undefined);
  });
});
