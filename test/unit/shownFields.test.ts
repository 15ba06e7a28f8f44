import * as assert from 'node:assert/strict';
import { DEFAULT_INVOKER, type InvokerConfig } from '../../src/shared/invoker';
import { GRANT_TYPES, type GrantType } from '../../src/shared/properties';
import type { FieldKey } from '../../src/webview/fields';
import { shownFields } from '../../src/webview/shownFields';

/** Shown for every grant with the default settings (client secret, system proxy, no client certificate). */
const COMMON: readonly FieldKey[] = [
  'name',
  'issuer',
  'authorizationServerUrl',
  'grantType',
  'clientAuthentication',
  'credentialsInRequestBody',
  'clientId',
  'clientSecret',
  'scope',
  'targetMessage',
  'extraParameters',
  'proxy',
  'proxyUsername',
  'tlsCaFile',
  'tlsCertFile',
  'tlsKeyFile',
  'tlsPfxFile',
  'tlsRejectUnauthorized',
  'introspectionEndpoint',
  'introspectionClientId',
  'revocationEndpoint',
  'basicEncoding',
  'acceptDifferentIssuer',
  'allowInsecureHttp',
  'storage',
];

/** The signing key of a JWT (the same fields as the private_key_jwt client authentication). */
const KEY: readonly FieldKey[] = [
  'clientAssertionKeyFile',
  'assertionKeyPassphrase',
  'clientAssertionAlgorithm',
  'clientAssertionKeyId',
  'clientAssertionAudience',
];

/** What the form shows besides COMMON, in its order, for each grant with its defaults, and for the variants of the two issue-12 grants. */
const OWN_FIELDS: ReadonlyArray<readonly [string, Partial<InvokerConfig> & { grantType: GrantType }, readonly FieldKey[]]> = [
  ['Client Credentials', { grantType: 'client_credentials' }, []],
  ['Password', { grantType: 'password' }, ['username', 'password']],
  ['Refresh Token', { grantType: 'refresh_token' }, ['refreshToken']],
  ['Authorization Code', { grantType: 'authorization_code' }, ['authorizationEndpointUrl', 'redirectUri', 'authorizationParameters', 'issParameterSupported']],
  ['Device Code', { grantType: 'device_code' }, ['deviceAuthorizationEndpointUrl', 'authorizationParameters']],
  [
    'Token Exchange, subject token entered',
    { grantType: 'token_exchange' },
    ['subjectTokenInvoker', 'subjectToken', 'subjectTokenType', 'actorToken', 'actorTokenType', 'requestedTokenType', 'audience', 'resource'],
  ],
  [
    'Token Exchange, subject token from an invoker (no Subject Token to enter)',
    { grantType: 'token_exchange', subjectTokenInvoker: 'user:other' },
    ['subjectTokenInvoker', 'subjectTokenType', 'actorToken', 'actorTokenType', 'requestedTokenType', 'audience', 'resource'],
  ],
  ['JWT Bearer, assertion signed', { grantType: 'jwt_bearer' }, [...KEY, 'assertionSource', 'assertionIssuer', 'assertionSubject']],
  ['JWT Bearer, assertion entered (no key, issuer or subject)', { grantType: 'jwt_bearer', assertionSource: 'entered' }, ['assertionSource', 'assertion']],
  ['Client Credentials with private_key_jwt (no Client Secret)', { grantType: 'client_credentials', clientAuthentication: 'private_key_jwt' }, KEY],
  // Issue 17: the Introspection Client Secret is asked for once an Introspection Client ID is set, whatever the grant.
  [
    'Client Credentials with an Introspection Client ID',
    { grantType: 'client_credentials', introspectionClientId: 'orders-api' },
    ['introspectionClientSecret'],
  ],
  [
    'Authorization Code with an Introspection Client ID',
    { grantType: 'authorization_code', introspectionClientId: 'orders-api' },
    ['authorizationEndpointUrl', 'redirectUri', 'authorizationParameters', 'introspectionClientSecret', 'issParameterSupported'],
  ],
];

suite('the fields the form shows for each grant (src/webview/shownFields.ts)', () => {
  for (const [title, settings, own] of OWN_FIELDS) {
    test(`${title}: ${own.join(', ') || 'nothing'} besides the common fields`, () => {
      const shown = shownFields({ ...DEFAULT_INVOKER, ...settings });
      const common =
        settings.clientAuthentication === 'private_key_jwt' ? COMMON.filter((key) => key !== 'clientSecret' && key !== 'credentialsInRequestBody') : COMMON;
      assert.deepEqual(
        shown.filter((key) => !COMMON.includes(key)),
        [...own],
      );
      assert.deepEqual(
        shown.filter((key) => COMMON.includes(key)),
        [...common],
      );
    });
  }

  test('every grant is in the table, and the fields of one issue-12 grant are shown for no other', () => {
    assert.deepEqual([...new Set(OWN_FIELDS.map(([, settings]) => settings.grantType))].sort(), [...GRANT_TYPES].sort());
    const exchangeOnly: FieldKey[] = [
      'subjectTokenInvoker',
      'subjectToken',
      'subjectTokenType',
      'actorToken',
      'actorTokenType',
      'requestedTokenType',
      'audience',
      'resource',
    ];
    const bearerOnly: FieldKey[] = ['assertionSource', 'assertion', 'assertionIssuer', 'assertionSubject'];
    for (const grantType of GRANT_TYPES) {
      for (const assertionSource of ['signed', 'entered'] as const) {
        const shown = shownFields({ ...DEFAULT_INVOKER, grantType, assertionSource });
        const foreign = [...(grantType === 'token_exchange' ? [] : exchangeOnly), ...(grantType === 'jwt_bearer' ? [] : bearerOnly)];
        assert.deepEqual(
          shown.filter((key) => foreign.includes(key)),
          [],
          grantType,
        );
      }
    }
  });
});
