import * as assert from 'node:assert/strict';
import { MockAgent } from 'undici';
import {
  execute,
  forgetBasicVariants,
  introspect,
  requestDeviceAuthorization,
  revoke,
  introspectionHintFor,
  type InvokerError,
  type InvokerProperties,
} from '../../src/core/index';
import { basicCredentials } from '../../src/core/grants/tokenRequest';
import { USER_AGENT } from '../../src/core/model/version';
import { assertNoSecret, rejectsWith } from '../fixtures/assertions';
import { startServer, type TestServer } from '../fixtures/httpServer';
import { mockTokenEndpoint } from '../fixtures/mockTokenEndpoint';

const ORIGIN = 'https://as.example.com';

interface Seen {
  headers: Record<string, string>;
  body: string;
}

/** Runs `call` against a MockAgent that answers `path` with `answer`, and returns the one request it sent. */
async function sentTo(path: string, answer: { status: number; body: string }, call: (agent: MockAgent) => Promise<unknown>): Promise<Seen> {
  const { agent, received } = mockTokenEndpoint(ORIGIN, path, answer);
  try {
    await call(agent);
    agent.assertNoPendingInterceptors();
  } finally {
    await agent.close();
  }
  return received();
}

function props(extra: Partial<InvokerProperties> = {}): InvokerProperties {
  return {
    authorizationServerUrl: `${ORIGIN}/token`,
    grantType: 'client_credentials',
    clientId: 'my:client',
    clientSecret: 's3cr+t/%',
    introspectionEndpoint: `${ORIGIN}/introspect`,
    revocationEndpoint: `${ORIGIN}/revoke`,
    ...extra,
  };
}

const FORM_HEADERS = { 'content-type': 'application/x-www-form-urlencoded', accept: 'application/json', 'user-agent': USER_AGENT };
const ACTIVE = JSON.stringify({ active: true, scope: 'api:read', client_id: 'my:client', exp: 2000000000 });

suite('token toolbox: request shape', () => {
  setup(() => forgetBasicVariants());

  test('introspection: token and token_type_hint, Basic credentials as the token request sends them (RFC 6749 §2.3.1)', async () => {
    const seen = await sentTo('/introspect', { status: 200, body: ACTIVE }, (agent) => introspect(props(), 'the token', 'access_token', { dispatcher: agent }));
    assert.equal(seen.body, 'token=the+token&token_type_hint=access_token');
    assert.deepEqual(Object.fromEntries(Object.entries(seen.headers).filter(([name]) => name !== 'content-length' && name !== 'host')), {
      ...FORM_HEADERS,
      authorization: `Basic ${basicCredentials('my:client', 's3cr+t/%', 'rfc6749')}`,
    });
  });

  test('revocation of a refresh token with credentials in the body: in the body only', async () => {
    const seen = await sentTo('/revoke', { status: 200, body: '' }, (agent) =>
      revoke(props({ credentialsInRequestBody: true }), 'rt/1', 'refresh_token', { dispatcher: agent }),
    );
    assert.equal(seen.body, 'token=rt%2F1&token_type_hint=refresh_token&client_id=my%3Aclient&client_secret=s3cr%2Bt%2F%25');
    assert.equal(seen.headers.authorization, undefined);
  });

  test('a public client sends only its client_id', async () => {
    const seen = await sentTo('/revoke', { status: 200, body: '' }, (agent) =>
      revoke(props({ clientSecret: undefined }), 't', 'access_token', { dispatcher: agent }),
    );
    assert.equal(seen.body, 'token=t&token_type_hint=access_token&client_id=my%3Aclient');
    assert.equal(seen.headers.authorization, undefined);
  });

  test('the raw Basic form the token request fell back to is the one the toolbox sends', async () => {
    // The server takes only the raw form: execute() learns that, and the introspection starts with it.
    const raw = `Basic ${basicCredentials('my:client', 's3cr+t/%', 'raw')}`;
    const agent = new MockAgent();
    agent.disableNetConnect();
    const pool = agent.get(ORIGIN);
    pool
      .intercept({ path: '/token', method: 'POST', headers: { authorization: (value: string) => value !== raw } })
      .reply(401, JSON.stringify({ error: 'invalid_client' }), { headers: { 'content-type': 'application/json' } });
    pool
      .intercept({ path: '/token', method: 'POST', headers: { authorization: raw } })
      .reply(200, JSON.stringify({ access_token: 'at', token_type: 'Bearer' }), { headers: { 'content-type': 'application/json' } });
    pool
      .intercept({ path: '/introspect', method: 'POST', headers: { authorization: raw } })
      .reply(200, ACTIVE, { headers: { 'content-type': 'application/json' } });
    try {
      await execute(props(), { dispatcher: agent });
      const message = await introspect(props(), 'at', 'access_token', { dispatcher: agent });
      assert.equal(message.getProperty('active'), 'true');
      agent.assertNoPendingInterceptors();
    } finally {
      await agent.close();
    }
  });

  test('issue 18: the device authorization request starts with the raw Basic form the token request fell back to', async () => {
    const raw = `Basic ${basicCredentials('my:client', 's3cr+t/%', 'raw')}`;
    const agent = new MockAgent();
    agent.disableNetConnect();
    const pool = agent.get(ORIGIN);
    pool
      .intercept({ path: '/token', method: 'POST', headers: { authorization: (value: string) => value !== raw } })
      .reply(401, JSON.stringify({ error: 'invalid_client' }), { headers: { 'content-type': 'application/json' } });
    pool
      .intercept({ path: '/token', method: 'POST', headers: { authorization: raw } })
      .reply(200, JSON.stringify({ access_token: 'at', token_type: 'Bearer' }), { headers: { 'content-type': 'application/json' } });
    pool
      .intercept({ path: '/device', method: 'POST', headers: { authorization: raw } })
      .reply(200, JSON.stringify({ device_code: 'dc', user_code: 'ABCD-EFGH', verification_uri: `${ORIGIN}/activate`, expires_in: 600 }), {
        headers: { 'content-type': 'application/json' },
      });
    try {
      await execute(props(), { dispatcher: agent });
      const device = await requestDeviceAuthorization(props({ deviceAuthorizationEndpointUrl: `${ORIGIN}/device` }), { dispatcher: agent });
      assert.equal(device.userCode, 'ABCD-EFGH');
      agent.assertNoPendingInterceptors();
    } finally {
      await agent.close();
    }
  });

  test('the introspection answer is its own DJMessage: <target>_INTROSPECTION, every field in the server order', async () => {
    const body = JSON.stringify({ scope: 'a b', active: true, exp: 2000000000, ext: { x: 1 }, username: null });
    const agent = new MockAgent();
    agent.disableNetConnect();
    agent
      .get(ORIGIN)
      .intercept({ path: '/introspect', method: 'POST' })
      .reply(200, body, { headers: { 'content-type': 'application/json' } });
    try {
      const message = await introspect(props(), 't', 'access_token', { dispatcher: agent, targetMessage: 'OUT' });
      assert.equal(message.name, 'OUT_INTROSPECTION');
      assert.deepEqual(message.propertyNames(), ['scope', 'active', 'exp', 'ext', 'username']);
      assert.deepEqual(
        message.propertyNames().map((name) => message.getProperty(name)),
        ['a b', 'true', '2000000000', '{"x":1}', ''],
      );
      assert.equal(message.body, body);
      assert.equal(message.metadata.operation, 'introspection');
      assert.equal(message.metadata.tokenUrl, `${ORIGIN}/introspect`);
      assert.equal(message.accessToken, undefined);
    } finally {
      await agent.close();
    }
  });

  test('an endpoint the server does not have: code 4 naming the property to fix, nothing sent', async () => {
    const introspection = await rejectsWith(
      introspect(props({ introspectionEndpoint: '' }), 't', 'access_token', { dispatcher: new MockAgent() }),
      'invalid-properties',
    );
    assert.equal(introspection.issues[0]?.field, 'introspectionEndpoint');
    // Issue 21: not "the server names none" (it usually has one; the invoker was not discovered).
    assert.match(
      introspection.message,
      /"Introspection Endpoint" is not set\. Run Discover with the server's "Issuer URL" \(it reads "introspection_endpoint" from the server's metadata\), or enter the endpoint in "Introspection Endpoint"\./,
    );
    const revocation = await rejectsWith(revoke(props({ revocationEndpoint: '  ' }), 't', 'access_token'), 'invalid-properties');
    assert.equal(revocation.issues[0]?.field, 'revocationEndpoint');
    assert.match(revocation.message, /"Revocation Endpoint" is not set/);
  });

  test('an endpoint that is not a URL, or plain http:// off loopback, is refused naming the field', async () => {
    const bad = await rejectsWith(revoke(props({ revocationEndpoint: 'not a url' }), 't', 'access_token'), 'invalid-properties');
    assert.deepEqual(
      bad.issues.map((i) => i.field),
      ['revocationEndpoint'],
    );
    const insecure = await rejectsWith(introspect(props({ introspectionEndpoint: 'http://as.example.com/introspect' }), 't', 'access_token'), 'insecure-url');
    assert.equal(insecure.issues[0]?.field, 'introspectionEndpoint');
  });
});

suite('issue 17: Introspect as the introspection client (request shape)', () => {
  setup(() => forgetBasicVariants());

  const API_SECRET = 'rs+s3cr/%t';
  /** A public client with an introspection client (the API's): what a Keycloak user of a public app fills in. */
  const publicWithApi = (extra: Partial<InvokerProperties> = {}): InvokerProperties =>
    props({ clientId: 'public-app', clientSecret: undefined, introspectionClientId: 'api:rs', introspectionClientSecret: API_SECRET, ...extra });
  const headersOf = (seen: Seen): Record<string, string> =>
    Object.fromEntries(Object.entries(seen.headers).filter(([name]) => name !== 'content-length' && name !== 'host'));
  const apiBasic = `Basic ${basicCredentials('api:rs', API_SECRET, 'rfc6749')}`;

  test("a public client's introspection: the introspection client's Basic header, no client_id of the invoker in the body", async () => {
    const seen = await sentTo('/introspect', { status: 200, body: ACTIVE }, (agent) =>
      introspect(publicWithApi(), 'the token', 'access_token', { dispatcher: agent }),
    );
    assert.equal(seen.body, 'token=the+token&token_type_hint=access_token');
    assert.deepEqual(headersOf(seen), { ...FORM_HEADERS, authorization: apiBasic });
  });

  test('with "Credentials in Request Body": the introspection client\'s id and secret in the body, never the invoker\'s own secret', async () => {
    const seen = await sentTo('/introspect', { status: 200, body: ACTIVE }, (agent) =>
      introspect(props({ credentialsInRequestBody: true, introspectionClientId: 'api:rs', introspectionClientSecret: API_SECRET }), 'rt/1', 'refresh_token', {
        dispatcher: agent,
      }),
    );
    assert.equal(seen.body, 'token=rt%2F1&token_type_hint=refresh_token&client_id=api%3Ars&client_secret=rs%2Bs3cr%2F%25t');
    assert.equal(seen.headers.authorization, undefined);
  });

  test("a private_key_jwt invoker with an introspection client sends no assertion (its key is not even read): the introspection client's Basic header only", async () => {
    const seen = await sentTo('/introspect', { status: 200, body: ACTIVE }, (agent) =>
      introspect(
        props({
          clientSecret: undefined,
          clientAuthentication: 'private_key_jwt',
          clientAssertionKeyFile: '/no/such/key.pem',
          introspectionClientId: 'api:rs',
          introspectionClientSecret: API_SECRET,
        }),
        't',
        'access_token',
        { dispatcher: agent },
      ),
    );
    assert.equal(seen.body, 'token=t&token_type_hint=access_token');
    assert.deepEqual(headersOf(seen), { ...FORM_HEADERS, authorization: apiBasic });
  });

  test("Revoke and Execute never send the introspection client: RFC 7009 §2.1 revokes as the token's own client", async () => {
    const withApi = props({ introspectionClientId: 'api:rs', introspectionClientSecret: API_SECRET });
    const own = `Basic ${basicCredentials('my:client', 's3cr+t/%', 'rfc6749')}`;
    const revoked = await sentTo('/revoke', { status: 200, body: '' }, (agent) => revoke(withApi, 'rt/1', 'refresh_token', { dispatcher: agent }));
    assert.equal(revoked.body, 'token=rt%2F1&token_type_hint=refresh_token');
    assert.equal(revoked.headers.authorization, own);
    const publicRevoked = await sentTo('/revoke', { status: 200, body: '' }, (agent) => revoke(publicWithApi(), 't', 'access_token', { dispatcher: agent }));
    assert.equal(publicRevoked.body, 'token=t&token_type_hint=access_token&client_id=public-app');
    assert.equal(publicRevoked.headers.authorization, undefined);
    const executed = await sentTo('/token', { status: 200, body: JSON.stringify({ access_token: 'at', token_type: 'Bearer' }) }, (agent) =>
      execute(withApi, { dispatcher: agent }),
    );
    assert.equal(executed.body, 'grant_type=client_credentials');
    assert.equal(executed.headers.authorization, own);
  });

  test('an Introspection Client ID without its secret: code 4 naming "Introspection Client Secret", nothing sent', async () => {
    const error = await rejectsWith(
      introspect(publicWithApi({ introspectionClientSecret: undefined }), 't', 'access_token', { dispatcher: new MockAgent() }),
      'invalid-properties',
    );
    assert.deepEqual(
      error.issues.map((issue) => [issue.field, issue.message]),
      [['introspectionClientSecret', '"Introspection Client Secret" is required with an "Introspection Client ID": Introspect authenticates as that client.']],
    );
  });

  /** The error of an operation the mock endpoint answers with `status` and `body`, and the request it got. */
  async function refused(
    path: string,
    answer: { status: number; body: string },
    call: (agent: MockAgent) => Promise<unknown>,
  ): Promise<{ error: InvokerError; seen: Seen }> {
    const { agent, received } = mockTokenEndpoint(ORIGIN, path, answer);
    try {
      const error = await rejectsWith(call(agent), 'server-rejected');
      agent.assertNoPendingInterceptors();
      return { error, seen: received() };
    } finally {
      await agent.close();
    }
  }
  const BARE_401 = { status: 401, body: '' };
  /** Keycloak's answer to a public client at its introspection endpoint. */
  const KEYCLOAK_403 = { status: 403, body: JSON.stringify({ error: 'invalid_request', error_description: 'Client not allowed.' }) };

  test("a public client refused at introspection (a bare 401, Keycloak's 403): the message says servers such as Keycloak want a confidential client, naming the fields", async () => {
    for (const answer of [BARE_401, KEYCLOAK_403]) {
      const { error, seen } = await refused('/introspect', answer, (agent) =>
        introspect(props({ clientSecret: undefined }), 'tok-1', 'access_token', { dispatcher: agent }),
      );
      assert.equal(seen.body, 'token=tok-1&token_type_hint=access_token&client_id=my%3Aclient');
      assert.equal(error.status, answer.status);
      assert.equal(error.field, 'introspectionClientId');
      assert.match(
        error.message,
        /^The authorization server rejected the introspection request \((401 Unauthorized|403 Forbidden, invalid_request)\).* This invoker is a public client \(it sends only its Client ID\), and servers such as Keycloak answer introspection requests only from confidential clients: fill in "Introspection Client ID" and "Introspection Client Secret"/,
      );
    }
  });

  test("no introspection hint for a confidential client's 401 or at revocation; an introspection client's 401 names its fields", async () => {
    const { error: confidential } = await refused('/introspect', BARE_401, (agent) => introspect(props(), 'tok-1', 'access_token', { dispatcher: agent }));
    assert.doesNotMatch(confidential.message, /Introspection Client|Keycloak/);
    assert.equal(confidential.field, undefined);
    const { error: revocation } = await refused('/revoke', BARE_401, (agent) =>
      revoke(props({ clientSecret: undefined }), 'tok-1', 'access_token', { dispatcher: agent }),
    );
    assert.doesNotMatch(revocation.message, /Introspection Client|Keycloak/);
    const { error: api } = await refused('/introspect', BARE_401, (agent) => introspect(publicWithApi(), 'tok-1', 'access_token', { dispatcher: agent }));
    assert.equal(introspectionHintFor(api, publicWithApi())?.id, 'introspection-client-refused');
    assert.equal(api.field, 'introspectionClientSecret');
    assert.match(api.message, /The server did not accept the introspection client: check "Introspection Client ID" and "Introspection Client Secret"/);
    assertNoSecret(api, [API_SECRET, 'tok-1']);
  });
});

suite('token toolbox: messy servers', () => {
  let server: TestServer | undefined;
  teardown(async () => {
    await server?.close();
    server = undefined;
  });

  async function answering(status: number, type: string | undefined, body: string): Promise<TestServer> {
    server = await startServer((_request, res) => {
      res.writeHead(status, type !== undefined ? { 'content-type': type } : {});
      res.end(body);
    });
    return server;
  }

  function local(s: TestServer): InvokerProperties {
    return props({ introspectionEndpoint: `${s.origin}/introspect`, revocationEndpoint: `${s.origin}/revoke` });
  }

  test("revocation: an OAuth error is code 4 server-rejected with the server's fields; unsupported_token_type explained", async () => {
    const s = await answering(400, 'application/json', JSON.stringify({ error: 'unsupported_token_type', error_description: 'only refresh tokens' }));
    const error = await rejectsWith(revoke(local(s), 'the-access-token', 'access_token'), 'server-rejected');
    assert.equal(error.status, 400);
    assert.equal(error.error, 'unsupported_token_type');
    assert.equal(error.errorDescription, 'only refresh tokens');
    assert.match(error.message, /rejected the revocation request \(400 Bad Request, unsupported_token_type\): only refresh tokens/);
    assert.match(error.message, /does not revoke this type of token/);
    assert.equal(s.requests[0].headers['content-type'], 'application/x-www-form-urlencoded');
  });

  test('revocation: an HTML 500 is server-rejected, the token and the secret in no part of the error', async () => {
    const s = await answering(500, 'text/html', '<html>oops the-access-token s3cr+t/%</html>');
    const error = await rejectsWith(revoke(local(s), 'the-access-token', 'access_token'), 'server-rejected');
    assert.match(error.message, /500 Internal Server Error\) with an HTML page instead of an OAuth error/);
    assertNoSecret(error, ['the-access-token', 's3cr+t/%']);
  });

  test('revocation: 204 is not RFC 7009 success', async () => {
    const s = await answering(204, undefined, '');
    const error = await rejectsWith(revoke(local(s), 'tok-1', 'access_token'), 'invalid-response');
    assert.match(error.message, /answered 204 to the revocation request/);
  });

  test('introspection: an answer without "active" is invalid-response', async () => {
    const s = await answering(200, 'application/json', JSON.stringify({ scope: 'x' }));
    const error = await rejectsWith(introspect(local(s), 'tok-1', 'access_token'), 'invalid-response');
    assert.match(error.message, /"active" is missing/);
  });

  test('introspection: "{" and "[]" are invalid-response', async () => {
    for (const body of ['{"', '[]']) {
      const s = await answering(200, 'application/json', body);
      await rejectsWith(introspect(local(s), 'tok-1', 'access_token'), 'invalid-response');
      await s.close();
      server = undefined;
    }
  });

  test('introspection: a 401 invalid_client is server-rejected, the secret nowhere in it', async () => {
    const s = await answering(401, 'application/json', JSON.stringify({ error: 'invalid_client', error_description: 'bad s3cr+t/%' }));
    const error = await rejectsWith(introspect(local(s), 'tok-1', 'access_token'), 'server-rejected');
    assert.equal(error.error, 'invalid_client');
    assertNoSecret(error, ['s3cr+t/%', 'tok-1']);
  });

  test('a redirect is not followed and names the endpoint property', async () => {
    server = await startServer((_request, res) => {
      res.writeHead(302, { location: 'https://elsewhere.example/x' });
      res.end();
    });
    const error = await rejectsWith(introspect(local(server), 'tok-1', 'access_token'), 'redirect');
    assert.equal(error.field, 'introspectionEndpoint');
    assert.equal(server.requests.length, 1);
  });
});
