import * as assert from 'node:assert/strict';
import {
  DJMessage,
  execute,
  forgetBasicVariants,
  hintFor,
  InvokerError,
  type ClientAuthentication,
  type GrantType,
  type InvokerProperties,
} from '../../src/core/index';
import { withHint } from '../../src/shared/hintText';
import { validateProperties } from '../../src/shared/validation';
import { rejectsWith } from '../fixtures/assertions';
import { answer, startServer, type TestServer } from '../fixtures/httpServer';
import { startOidcServer, type OidcServer } from '../fixtures/oidcServer';

/** A server rejection as Execute builds it: status, OAuth fields, and the failed answer's message. */
function rejection(status: number, body: Record<string, unknown> | '', options: { grantType?: GrantType; auth?: ClientAuthentication } = {}): InvokerError {
  const text = body === '' ? '' : JSON.stringify(body);
  const fields =
    body === '' ? [] : Object.entries(body).map(([name, value]): [string, string] => [name, typeof value === 'string' ? value : JSON.stringify(value)]);
  const djMessage = new DJMessage({
    name: 'DJMOUT',
    body: text,
    properties: fields,
    metadata: {
      status,
      receivedAt: 0,
      warnings: [],
      grantType: options.grantType ?? 'client_credentials',
      tokenUrl: 'https://as.example.com/token',
      clientAuthentication: options.auth ?? 'client_secret_basic',
      failed: true,
    },
  });
  const error = body === '' ? undefined : (body.error as string | undefined);
  const description = body === '' ? undefined : (body.error_description as string | undefined);
  return new InvokerError('rejected', {
    kind: 'server-rejected',
    status,
    ...(error !== undefined ? { error } : {}),
    ...(description !== undefined ? { errorDescription: description } : {}),
    djMessage,
  });
}

const idOf = (error: InvokerError, properties?: Partial<InvokerProperties>): string | undefined => hintFor(error, properties)?.id;

suite('hints on known errors', () => {
  test('Entra ID AADSTS codes, from error_description or error_codes', () => {
    const entra = (code: number, error = 'invalid_client'): InvokerError =>
      rejection(400, { error, error_description: `AADSTS${code}: something. Trace ID: 1`, error_codes: [code] });
    assert.deepEqual(hintFor(entra(7000215)), {
      id: 'entra-invalid-secret',
      text: "Entra ID: the client secret is wrong. Use the secret's Value (shown once, when it was created), not its Secret ID.",
      field: 'clientSecret',
    });
    assert.equal(idOf(entra(700016, 'unauthorized_client')), 'entra-app-not-found');
    assert.equal(idOf(entra(90002, 'invalid_request')), 'entra-tenant-not-found');
    assert.equal(hintFor(entra(70011, 'invalid_scope'))?.field, 'scope');
    assert.match(hintFor(entra(70011, 'invalid_scope'))?.text ?? '', /<resource>\/\.default/);
    assert.equal(idOf(entra(50126, 'invalid_grant')), 'entra-invalid-credentials');
    assert.equal(idOf(rejection(400, { error: 'invalid_request', error_codes: [900144] })), 'entra-missing-parameter');
    const other = hintFor(entra(123456, 'invalid_request'));
    assert.equal(other?.id, 'entra-other');
    assert.match(other?.text ?? '', /https:\/\/login\.microsoftonline\.com\/error\?code=123456/);
  });

  test('Okta: multiple client credentials, the org server, policies', () => {
    const multiple = rejection(400, {
      error: 'invalid_request',
      error_description:
        'Cannot supply multiple client credentials. Use one of the following: credentials in the Authorization header, credentials in the post body, or a client_assertion in the post body.',
    });
    assert.deepEqual([hintFor(multiple)?.id, hintFor(multiple)?.field], ['okta-multiple-credentials', 'credentialsInRequestBody']);
    assert.equal(
      idOf(
        rejection(400, {
          error: 'invalid_client',
          error_description: 'Client Credentials requests to the Org Authorization Server must use the private_key_jwt token_endpoint_auth_method',
        }),
      ),
      'okta-org-server',
    );
    assert.equal(
      idOf(rejection(400, { error: 'access_denied', error_description: 'Policy evaluation failed for this request, please check the policy configurations.' })),
      'okta-policy',
    );
  });

  test('a client authentication method mismatch says which way to switch', () => {
    const basic = rejection(401, {
      error: 'invalid_client',
      error_description: 'the provided authentication mechanism does not match the registered client authentication method',
    });
    assert.match(hintFor(basic)?.text ?? '', /turn on "Credentials in Request Body"/);
    const post = rejection(
      401,
      { error: 'invalid_client', error_description: 'Authentication method client_secret_post is not allowed for this client' },
      { auth: 'client_secret_post' },
    );
    assert.match(hintFor(post)?.text ?? '', /turn off "Credentials in Request Body" \(send a Basic header\)/);
  });

  test('Keycloak: % in the secret with Basic; service accounts; direct access grants', () => {
    const invalid = rejection(401, { error: 'unauthorized_client', error_description: 'Invalid client or Invalid client credentials' });
    assert.equal(idOf(invalid, { clientSecret: 'abc%41def' }), 'keycloak-percent-secret');
    assert.notEqual(idOf(invalid, { clientSecret: 'plainsecret' }), 'keycloak-percent-secret');
    assert.equal(
      idOf(rejection(400, { error: 'unauthorized_client', error_description: 'Client not enabled to retrieve service account' })),
      'keycloak-service-account',
    );
    assert.equal(
      idOf(rejection(400, { error: 'unauthorized_client', error_description: 'Client not allowed for direct access grants' }, { grantType: 'password' })),
      'keycloak-direct-access',
    );
  });

  test('Auth0 audience, Salesforce My Domain and security token', () => {
    assert.equal(hintFor(rejection(403, { error: 'access_denied', error_description: 'Service not found: https://api.example' }))?.field, 'extraParameters');
    assert.equal(idOf(rejection(400, { error: 'invalid_request', error_description: 'request not supported on this domain' })), 'salesforce-my-domain');
    assert.equal(
      idOf(rejection(400, { error: 'invalid_grant', error_description: 'authentication failure' }, { grantType: 'password' })),
      'salesforce-security-token',
    );
  });

  test('an empty 400/401/403 after Basic: try Credentials in Request Body; not after the body', () => {
    for (const status of [400, 401, 403]) {
      assert.deepEqual(hintFor(rejection(status, '')), {
        id: 'basic-empty-answer',
        text: `The server answered ${status} with nothing after Basic authentication: try "Credentials in Request Body".`,
        field: 'credentialsInRequestBody',
      });
    }
    assert.equal(hintFor(rejection(403, '', { auth: 'client_secret_post' })), undefined);
  });

  test('the OAuth error codes: invalid_scope, unauthorized_client, unsupported_grant_type, invalid_client, invalid_grant', () => {
    assert.equal(hintFor(rejection(400, { error: 'invalid_scope' }))?.field, 'scope');
    assert.match(hintFor(rejection(400, { error: 'unauthorized_client' }))?.text ?? '', /may not use the Client Credentials grant/);
    assert.match(
      hintFor(rejection(400, { error: 'unsupported_grant_type' }, { grantType: 'password' }))?.text ?? '',
      /does not offer the Password Credentials grant/,
    );
    assert.equal(hintFor(rejection(401, { error: 'invalid_client' }))?.id, 'invalid-client');
    assert.equal(hintFor(rejection(400, { error: 'invalid_grant' }, { grantType: 'refresh_token' }))?.field, 'refreshToken');
    assert.equal(hintFor(rejection(400, { error: 'invalid_grant' }, { grantType: 'password' }))?.field, 'password');
    assert.equal(hintFor(rejection(200, { error: 'bad_refresh_token' }, { grantType: 'refresh_token' }))?.id, 'invalid-refresh-token');
    assert.equal(hintFor(rejection(400, { error: 'invalid_request', error_description: 'missing grant_type' })), undefined);
  });

  test('a redirect: the URL is probably not the token endpoint; network errors have no extra hint', () => {
    assert.equal(hintFor(new InvokerError('r', { kind: 'redirect', status: 302 }))?.id, 'redirect');
    assert.equal(hintFor(new InvokerError('n', { kind: 'tls', field: 'tlsCaFile' })), undefined);
  });

  suite('on real answers', () => {
    let oidc: OidcServer;
    let empty: TestServer;
    suiteSetup(async () => {
      oidc = await startOidcServer();
      empty = await startServer(answer(403, undefined, ''));
    });
    suiteTeardown(async () => {
      await oidc.close();
      await empty.close();
    });
    setup(() => forgetBasicVariants());

    test('oidc-provider refusing Basic from a client registered for the body', async () => {
      const properties: InvokerProperties = {
        authorizationServerUrl: oidc.tokenEndpoint,
        grantType: 'client_credentials',
        clientId: oidc.postClient.clientId,
        clientSecret: oidc.postClient.clientSecret,
      };
      const error = await rejectsWith(execute(properties), 'server-rejected');
      assert.deepEqual([hintFor(error, properties)?.id, hintFor(error, properties)?.field], ['client-auth-method', 'credentialsInRequestBody']);
    });

    test('an empty 403 after Basic', async () => {
      const properties: InvokerProperties = { authorizationServerUrl: empty.url, grantType: 'client_credentials', clientId: 'id', clientSecret: 'secret' };
      const error = await rejectsWith(execute(properties), 'server-rejected');
      assert.equal(hintFor(error, properties)?.id, 'basic-empty-answer');
    });
  });
});

suite('issue 21: error texts a newcomer reads', () => {
  test('a public client refused with invalid_client is told to check the client, not where its (absent) secret goes', () => {
    for (const [options, properties] of [
      [{ grantType: 'authorization_code', auth: 'none' }, {}],
      [{ grantType: 'device_code', auth: 'none' }, { clientSecret: '' }],
    ] as const) {
      const hint = hintFor(rejection(401, { error: 'invalid_client', error_description: 'client authentication failed' }, options), properties);
      assert.equal(hint?.id, 'invalid-public-client');
      assert.equal(hint?.field, 'clientId');
      assert.doesNotMatch(hint?.text ?? '', /Credentials in Request Body/);
    }
    // A confidential client still gets the lead on where the credentials go.
    assert.match(hintFor(rejection(401, { error: 'invalid_client' }), { clientSecret: 's' })?.text ?? '', /Credentials in Request Body/);
  });

  test("the server's text and the hint are two sentences, never run together", () => {
    assert.equal(
      withHint('client authentication failed', 'Client authentication failed: check "Client ID".'),
      'client authentication failed. Client authentication failed: check "Client ID".',
    );
    assert.equal(withHint('The server refused the scope.', 'Ask for less.'), 'The server refused the scope. Ask for less.');
  });

  test('a field missing for two reasons is said once (the grant and the client authentication both need a Client ID)', () => {
    const issues = validateProperties({
      authorizationServerUrl: 'https://as.example.com/token',
      grantType: 'client_credentials',
      clientId: '',
      clientAuthentication: 'client_secret_basic',
    });
    assert.deepEqual(
      issues.map((issue) => issue.field),
      ['clientId', 'clientSecret'],
    );
    assert.equal(issues[0].message, '"Client ID" is required for the Client Credentials grant.');
  });
});
