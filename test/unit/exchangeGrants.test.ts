import * as assert from 'node:assert/strict';
import { createPublicKey } from 'node:crypto';
import { MockAgent } from 'undici';
import { execute, forgetBasicVariants, validateProperties, type GrantInput, type InvokerProperties, type PropertyIssue } from '../../src/core/index';
import type { DJMessage } from '../../src/core/model/djMessage';
import { parseTokenResponse } from '../../src/core/response/tokenResponse';
import { assertNoSecret, loggedWith, rejectsWith } from '../fixtures/assertions';
import { mockTokenEndpoint } from '../fixtures/mockTokenEndpoint';
import { signingKeys } from '../fixtures/signingKeys';
import { USER_AGENT } from '../../src/core/model/version';

// Token Exchange (RFC 8693 §2.1) and JWT Bearer (RFC 7523 §2.1): the exact requests, the validation messages, and
// the answer of a token exchange that issued no access token (token_type N_A).

const ORIGIN = 'https://as.example.com';
const TOKEN_URL = `${ORIGIN}/oauth2/token`;
const TE = 'urn:ietf:params:oauth:grant-type:token-exchange';
const JB = 'urn:ietf:params:oauth:grant-type:jwt-bearer';
const AT = 'urn:ietf:params:oauth:token-type:access_token';
const BASIC = `Basic ${Buffer.from('my-client:my-secret').toString('base64')}`;
const HEADERS = { 'content-type': 'application/x-www-form-urlencoded', accept: 'application/json', 'user-agent': USER_AGENT };

interface Seen {
  readonly headers: Record<string, string>;
  readonly body: string;
  readonly message: DJMessage;
  readonly lines: string[];
}

/** Runs execute() against a MockAgent answering `answer`, and returns the one request, the message and the log lines. */
async function sent(
  properties: Omit<InvokerProperties, 'authorizationServerUrl'>,
  grant?: GrantInput,
  answer: object = { access_token: 'new-at', token_type: 'Bearer' },
): Promise<Seen> {
  const endpoint = mockTokenEndpoint(ORIGIN, '/oauth2/token', JSON.stringify(answer));
  const agent = endpoint.agent;
  const lines: string[] = [];
  try {
    const message = await execute({ authorizationServerUrl: TOKEN_URL, ...properties }, { dispatcher: agent, grant, log: (_level, line) => lines.push(line) });
    agent.assertNoPendingInterceptors();
    return { ...endpoint.received(), message, lines };
  } finally {
    await agent.close();
  }
}

function fieldsOf(issues: readonly PropertyIssue[]): string[] {
  return issues.map((issue) => issue.field);
}

const client = { clientId: 'my-client', clientSecret: 'my-secret' };

suite('Token Exchange: request shape (RFC 8693 §2.1)', () => {
  setup(() => forgetBasicVariants());

  test('an entered subject token with a Basic client: grant_type URN, subject_token and its default type, credentials only in the header', async () => {
    const seen = await sent({ grantType: 'token_exchange', ...client, subjectToken: 'subject-t0ken' });
    assert.deepEqual(seen.headers, { ...HEADERS, authorization: BASIC });
    assert.equal(seen.body, `grant_type=${encodeURIComponent(TE)}&subject_token=subject-t0ken&subject_token_type=${encodeURIComponent(AT)}`);
  });

  test('every parameter, credentials in the body: actor token and type, requested type, each resource and audience repeated, scope, form-encoded', async () => {
    const seen = await sent({
      grantType: 'token_exchange',
      ...client,
      credentialsInRequestBody: true,
      subjectToken: 'sub+j/t=1',
      subjectTokenType: 'urn:ietf:params:oauth:token-type:id_token',
      actorToken: 'act&or',
      actorTokenType: 'urn:ietf:params:oauth:token-type:jwt',
      requestedTokenType: 'urn:ietf:params:oauth:token-type:refresh_token',
      resource: 'https://api.example.com/a https://api.example.com/b?x=1',
      audience: 'orders  billing',
      scope: 'read write',
    });
    assert.deepEqual(seen.headers, HEADERS);
    assert.equal(
      seen.body,
      [
        'grant_type=urn%3Aietf%3Aparams%3Aoauth%3Agrant-type%3Atoken-exchange',
        'subject_token=sub%2Bj%2Ft%3D1',
        'subject_token_type=urn%3Aietf%3Aparams%3Aoauth%3Atoken-type%3Aid_token',
        'actor_token=act%26or',
        'actor_token_type=urn%3Aietf%3Aparams%3Aoauth%3Atoken-type%3Ajwt',
        'requested_token_type=urn%3Aietf%3Aparams%3Aoauth%3Atoken-type%3Arefresh_token',
        'resource=https%3A%2F%2Fapi.example.com%2Fa',
        'resource=https%3A%2F%2Fapi.example.com%2Fb%3Fx%3D1',
        'audience=orders',
        'audience=billing',
        'scope=read+write',
        'client_id=my-client',
        'client_secret=my-secret',
      ].join('&'),
    );
  });

  test("another invoker's token arrives as the grant input: it is the subject token, and no log line holds it", async () => {
    const token = 'another-invokers-access-token-9f8e7d';
    const seen = await sent({ grantType: 'token_exchange', ...client, subjectTokenInvoker: 'user:api' }, { grantType: 'token_exchange', subjectToken: token });
    assert.equal(new URLSearchParams(seen.body).get('subject_token'), token);
    assert.ok(seen.lines.length > 0);
    assertNoSecret(seen.lines, [token, client.clientSecret]);
  });

  test('from another invoker without its token passed (the core run alone): code 4 naming "Subject Token From Invoker", nothing sent', async () => {
    const error = await rejectsWith(
      execute({ authorizationServerUrl: TOKEN_URL, grantType: 'token_exchange', ...client, subjectTokenInvoker: 'user:api' }),
      'invalid-properties',
    );
    assert.equal(error.code, 4);
    assert.deepEqual(fieldsOf(error.issues), ['subjectTokenInvoker']);
    assert.match(error.message, /"Subject Token From Invoker" names the invoker "user:api"/);
  });

  test('a server that echoes the entered subject token, actor token or assertion: none of them in the error or the log', async () => {
    const subject = 'entered-subject-123';
    const actor = 'entered-actor-456';
    const assertion = 'entered-assertion-789';
    const cases: Array<[Omit<InvokerProperties, 'authorizationServerUrl'>, string[]]> = [
      [{ grantType: 'token_exchange', ...client, subjectToken: subject, actorToken: actor, actorTokenType: AT }, [subject, actor]],
      [{ grantType: 'jwt_bearer', ...client, assertionSource: 'entered', assertion }, [assertion]],
    ];
    for (const [properties, secrets] of cases) {
      const echo = JSON.stringify({ error: 'invalid_grant', error_description: `not accepted: ${secrets.join(', ')}` });
      const { agent } = mockTokenEndpoint(ORIGIN, '/oauth2/token', { status: 400, body: echo });
      const lines: string[] = [];
      try {
        const error = await rejectsWith(
          execute({ authorizationServerUrl: TOKEN_URL, ...properties }, { dispatcher: agent, log: (_level, line) => lines.push(line) }),
          'server-rejected',
        );
        assert.match(error.errorDescription ?? '', /^not accepted: /);
        assertNoSecret([error, loggedWith(lines, /^answer body: /)], secrets);
      } finally {
        await agent.close();
      }
    }
  });
});

suite('Token Exchange: validation', () => {
  const base: InvokerProperties = { authorizationServerUrl: TOKEN_URL, grantType: 'token_exchange', ...client };

  test('no subject token and no invoker: "Subject Token" is required, and the message says both ways', () => {
    const issues = validateProperties(base);
    assert.deepEqual(issues, [
      {
        field: 'subjectToken',
        code: 'required',
        message: '"Subject Token" is required for the Token Exchange grant: enter it, or choose an invoker in "Subject Token From Invoker".',
      },
    ]);
  });

  test('an actor token without its type; token types that are not URIs; a resource that is not an absolute URI', () => {
    const issues = validateProperties({
      ...base,
      subjectToken: 's',
      actorToken: 'a',
      subjectTokenType: 'access token',
      requestedTokenType: 'jwt',
      resource: 'https://ok.example /relative',
    });
    assert.deepEqual(fieldsOf(issues), ['actorTokenType', 'subjectTokenType', 'requestedTokenType', 'resource']);
    assert.equal(issues[0].message, '"Actor Token Type" is required when an "Actor Token" is given (RFC 8693 §2.1).');
    assert.match(issues[3].message, /^"Resource" must hold absolute URIs .*"\/relative" is not one\.$/);
  });

  test('"audience" in Extra Parameters is refused only when the Audience property is filled', () => {
    const extra = { extraParameters: [{ name: 'audience', value: 'x' }] };
    assert.deepEqual(validateProperties({ ...base, subjectToken: 's', ...extra }), []);
    assert.deepEqual(fieldsOf(validateProperties({ ...base, subjectToken: 's', audience: 'y', ...extra })), ['extraParameters']);
  });
});

suite('Token Exchange: the answer', () => {
  const context = {
    targetMessage: 'DJMOUT',
    receivedAt: 0,
    grantType: 'token_exchange' as const,
    tokenUrl: TOKEN_URL,
    clientAuthentication: 'client_secret_basic' as const,
    redact: (t: string) => t,
  };
  const raw = (body: object) => ({ status: 200, headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) });

  test('token_type N_A (or none) with an issued_token_type other than an access token: no warning, issued_token_type a property', () => {
    for (const tokenType of [{ token_type: 'N_A' }, {}]) {
      const message = parseTokenResponse(
        raw({ access_token: 'id-tok', issued_token_type: 'urn:ietf:params:oauth:token-type:id_token', ...tokenType }),
        context,
      );
      assert.deepEqual(message.metadata.warnings, []);
      assert.equal(message.getProperty('issued_token_type'), 'urn:ietf:params:oauth:token-type:id_token');
    }
  });

  test('N_A for an issued access token still warns: that token is used with a scheme', () => {
    const message = parseTokenResponse(raw({ access_token: 'at', token_type: 'N_A', issued_token_type: AT }), context);
    assert.equal(message.metadata.warnings.length, 1);
    assert.match(message.metadata.warnings[0], /"token_type" is "N_A", not Bearer/);
  });
});

suite('JWT Bearer: request shape (RFC 7523 §2.1)', () => {
  const keys = signingKeys('jwt-bearer-');
  const { rsa, ec, files } = keys;
  suiteSetup(() => keys.write());
  suiteTeardown(() => keys.remove());
  setup(() => forgetBasicVariants());

  test('an entered assertion with a Basic client: grant_type URN and the assertion as is, credentials only in the header, the assertion in no log line', async () => {
    const assertion = 'eyJhbGciOiJSUzI1NiJ9.eyJzdWIiOiJhbGljZSJ9.c2lnbmF0dXJl';
    const seen = await sent({ grantType: 'jwt_bearer', ...client, assertionSource: 'entered', assertion, scope: 'api:read' });
    assert.deepEqual(seen.headers, { ...HEADERS, authorization: BASIC });
    assert.equal(seen.body, `grant_type=${encodeURIComponent(JB)}&assertion=${assertion}&scope=api%3Aread`);
    assertNoSecret(loggedWith(seen.lines, /^request body: .*assertion=/), [assertion]);
  });

  for (const [name, alg] of [
    ['rsa', 'RS256'],
    ['ec', 'ES256'],
  ] as const) {
    test(`a signed assertion (${alg}), credentials in the body: iss defaults to the Client ID, sub, aud = token endpoint, exp two minutes ahead, jti, iat`, async () => {
      const seen = await sent({
        grantType: 'jwt_bearer',
        ...client,
        credentialsInRequestBody: true,
        clientAssertionKeyFile: files[name],
        clientAssertionKeyId: 'k1',
        assertionSubject: 'alice@example.com',
      });
      const form = new URLSearchParams(seen.body);
      assert.deepEqual([...form.keys()], ['grant_type', 'assertion', 'client_id', 'client_secret']);
      assert.equal(form.get('grant_type'), JB);
      const { jwtVerify } = await import('jose');
      const { payload, protectedHeader } = await jwtVerify(form.get('assertion') ?? '', createPublicKey(name === 'rsa' ? rsa : ec), { algorithms: [alg] });
      assert.deepEqual(protectedHeader, { alg, kid: 'k1', typ: 'JWT' });
      assert.equal(payload.iss, 'my-client');
      assert.equal(payload.sub, 'alice@example.com');
      assert.equal(payload.aud, TOKEN_URL);
      assert.equal((payload.exp ?? 0) - (payload.iat ?? 0), 120);
      assert.match(String(payload.jti), /^[0-9a-f-]{36}$/);
      assertNoSecret(seen.lines, [form.get('assertion') ?? '']);
    });
  }

  test('Assertion Issuer and an issuer audience: iss and aud as set; a public client sends its client_id alone', async () => {
    const seen = await sent({
      grantType: 'jwt_bearer',
      clientId: 'pub',
      clientAssertionKeyFile: files.ec,
      assertionIssuer: 'https://idp.example.com',
      assertionSubject: 'svc-1',
      clientAssertionAudience: 'issuer',
      issuer: ORIGIN,
    });
    const form = new URLSearchParams(seen.body);
    assert.deepEqual([...form.keys()], ['grant_type', 'assertion', 'client_id']);
    const { decodeJwt } = await import('jose');
    const claims = decodeJwt(form.get('assertion') ?? '');
    assert.deepEqual([claims.iss, claims.sub, claims.aud], ['https://idp.example.com', 'svc-1', ORIGIN]);
  });

  test('a key that cannot sign the chosen algorithm: code 4 naming "Assertion Signing Algorithm", nothing sent', async () => {
    const agent = new MockAgent();
    agent.disableNetConnect();
    try {
      const error = await rejectsWith(
        execute(
          {
            authorizationServerUrl: TOKEN_URL,
            grantType: 'jwt_bearer',
            ...client,
            clientAssertionKeyFile: files.ec,
            clientAssertionAlgorithm: 'RS256',
            assertionSubject: 'alice',
          },
          { dispatcher: agent },
        ),
        'invalid-properties',
      );
      assert.equal(error.code, 4);
      assert.deepEqual(fieldsOf(error.issues), ['clientAssertionAlgorithm']);
    } finally {
      await agent.close();
    }
  });
});

suite('JWT Bearer: validation', () => {
  const base: InvokerProperties = { authorizationServerUrl: TOKEN_URL, grantType: 'jwt_bearer', ...client };

  test('signing (the default) needs "Assertion Subject" and the key file', () => {
    const issues = validateProperties(base);
    assert.deepEqual(fieldsOf(issues), ['assertionSubject', 'clientAssertionKeyFile']);
    assert.equal(
      issues[0].message,
      '"Assertion Subject" is required to sign the JWT Bearer assertion: it is the "sub" claim, the user or service the token is for.',
    );
    assert.equal(issues[1].message, `"Client Assertion Key File" is required for the JWT Bearer grant's signed assertion.`);
  });

  test('without a Client ID the Assertion Issuer is required; an entered assertion needs only the assertion', () => {
    assert.deepEqual(
      fieldsOf(validateProperties({ ...base, clientId: undefined, clientSecret: undefined, clientAssertionKeyFile: '/k.pem', assertionSubject: 's' })),
      ['assertionIssuer'],
    );
    const entered = validateProperties({ ...base, assertionSource: 'entered' });
    assert.deepEqual(entered, [
      { field: 'assertion', code: 'required', message: '"Assertion JWT" is required for the JWT Bearer grant when the assertion is entered.' },
    ]);
  });

  test('private_key_jwt client authentication checks the key once: no repeated issue', () => {
    const issues = validateProperties({ ...base, clientSecret: undefined, clientAuthentication: 'private_key_jwt', assertionSubject: 's' });
    assert.deepEqual(fieldsOf(issues), ['clientAssertionKeyFile']);
  });
});
