import * as assert from 'node:assert/strict';
import { MockAgent } from 'undici';
import { execute, forgetBasicVariants, type GrantInput, type GrantType, type InvokerProperties } from '../../src/core/index';
import { rejectsWith } from '../fixtures/assertions';
import { mockTokenEndpoint } from '../fixtures/mockTokenEndpoint';
import { basicCredentials, formUrlEncode } from '../../src/core/grants/tokenRequest';
import { USER_AGENT } from '../../src/core/model/version';

const ORIGIN = 'https://as.example.com';
const TOKEN_URL = `${ORIGIN}/oauth2/token`;
const OK = JSON.stringify({ access_token: 'at-1', token_type: 'Bearer', expires_in: 3600 });

interface Seen {
  headers: Record<string, string>;
  body: string;
}

function b64(text: string): string {
  return Buffer.from(text, 'utf8').toString('base64');
}

/** Runs execute() against a MockAgent and returns the one request it sent. */
async function sentBy(properties: Partial<InvokerProperties> & { grantType: GrantType }, grant?: GrantInput): Promise<Seen> {
  const { agent, received } = mockTokenEndpoint(ORIGIN, '/oauth2/token', OK);
  try {
    await execute({ authorizationServerUrl: TOKEN_URL, ...properties }, { dispatcher: agent, grant });
    agent.assertNoPendingInterceptors();
  } finally {
    await agent.close();
  }
  return received();
}

const JSON_HEADERS = {
  'content-type': 'application/x-www-form-urlencoded',
  accept: 'application/json',
  'user-agent': USER_AGENT,
};

suite('token request shape', () => {
  setup(() => forgetBasicVariants());

  const client = { clientId: 'my-client', clientSecret: 'my-secret' };
  const basic = `Basic ${b64('my-client:my-secret')}`;
  const grants: Array<{ grantType: GrantType; extra: Partial<InvokerProperties>; body: string }> = [
    { grantType: 'client_credentials', extra: { scope: 'api:read api:write' }, body: 'grant_type=client_credentials&scope=api%3Aread+api%3Awrite' },
    { grantType: 'password', extra: { username: 'alice', password: 'pa ss' }, body: 'grant_type=password&username=alice&password=pa+ss' },
    { grantType: 'refresh_token', extra: { refreshToken: 'rt-1' }, body: 'grant_type=refresh_token&refresh_token=rt-1' },
  ];

  for (const grant of grants) {
    test(`${grant.grantType} with a Basic header (the default) sends the credentials only in the header`, async () => {
      const seen = await sentBy({ grantType: grant.grantType, ...client, ...grant.extra });
      assert.deepEqual(seen.headers, { ...JSON_HEADERS, authorization: basic });
      assert.equal(seen.body, grant.body);
    });

    test(`${grant.grantType} with credentials in the request body sends no Authorization header`, async () => {
      const seen = await sentBy({ grantType: grant.grantType, ...client, ...grant.extra, credentialsInRequestBody: true });
      const body = `${grant.body}&client_id=my-client&client_secret=my-secret`;
      assert.deepEqual(seen.headers, JSON_HEADERS);
      assert.equal(seen.body, body);
    });
  }

  test('a public client (id, no secret) sends client_id in the body and no Authorization header', async () => {
    const seen = await sentBy({ grantType: 'password', clientId: 'spa', username: 'bob', password: 'x' });
    assert.equal(seen.headers.authorization, undefined);
    assert.equal(seen.body, 'grant_type=password&username=bob&password=x&client_id=spa');
  });

  test('empty parameters are omitted and scope is sent only when given', async () => {
    const seen = await sentBy({ grantType: 'refresh_token', refreshToken: 'rt', scope: '  ', clientId: '' });
    assert.equal(seen.body, 'grant_type=refresh_token&refresh_token=rt');
  });

  test('extra parameters (Auth0 audience, Entra v1 resource) go in the body after scope', async () => {
    const seen = await sentBy({
      grantType: 'client_credentials',
      ...client,
      scope: 'read',
      extraParameters: [
        { name: 'audience', value: 'https://api.example.com/' },
        { name: 'resource', value: 'api://x y' },
        { name: '', value: '' },
      ],
    });
    assert.equal(seen.body, 'grant_type=client_credentials&scope=read&audience=https%3A%2F%2Fapi.example.com%2F&resource=api%3A%2F%2Fx+y');
  });

  suite('the sign-in grants', () => {
    const code: GrantInput = { grantType: 'authorization_code', code: 'c0de/+', codeVerifier: 'v'.repeat(43), redirectUri: 'http://127.0.0.1:5000/cb' };
    const codeProps = {
      grantType: 'authorization_code' as const,
      authorizationEndpointUrl: `${ORIGIN}/authorize`,
      scope: 'openid',
      extraParameters: [{ name: 'resource', value: 'r' }],
    };
    const deviceProps = { grantType: 'device_code' as const, deviceAuthorizationEndpointUrl: `${ORIGIN}/device`, scope: 'openid' };

    test('authorization_code sends code, redirect_uri and code_verifier (no scope: the authorization request carried it), Basic for a confidential client', async () => {
      const seen = await sentBy({ ...codeProps, ...client }, code);
      assert.deepEqual(seen.headers, { ...JSON_HEADERS, authorization: basic });
      assert.equal(
        seen.body,
        `grant_type=authorization_code&code=c0de%2F%2B&redirect_uri=http%3A%2F%2F127.0.0.1%3A5000%2Fcb&code_verifier=${'v'.repeat(43)}&resource=r`,
      );
    });

    test('authorization_code from a public client sends client_id in the body', async () => {
      const seen = await sentBy({ ...codeProps, clientId: 'spa' }, code);
      assert.equal(seen.headers.authorization, undefined);
      assert.match(seen.body, /&client_id=spa$/);
    });

    test("device_code sends RFC 8628's grant type URI and the device code, credentials in the body when asked", async () => {
      const seen = await sentBy({ ...deviceProps, ...client, credentialsInRequestBody: true }, { grantType: 'device_code', deviceCode: 'dev/code' });
      assert.equal(
        seen.body,
        'grant_type=urn%3Aietf%3Aparams%3Aoauth%3Agrant-type%3Adevice_code&device_code=dev%2Fcode&client_id=my-client&client_secret=my-secret',
      );
    });

    test("without the sign-in's result nothing is sent: sign-in-required", async () => {
      const agent = new MockAgent();
      agent.disableNetConnect();
      try {
        await rejectsWith(execute({ authorizationServerUrl: TOKEN_URL, ...codeProps, clientId: 'spa' }, { dispatcher: agent }), 'sign-in-required');
        await rejectsWith(
          execute({ authorizationServerUrl: TOKEN_URL, ...deviceProps, clientId: 'tv' }, { dispatcher: agent, grant: code }),
          'sign-in-required',
        );
      } finally {
        await agent.close();
      }
    });
  });

  test('the content type has no charset parameter', async () => {
    const seen = await sentBy({ grantType: 'client_credentials', ...client });
    assert.equal(seen.headers['content-type'], 'application/x-www-form-urlencoded');
  });

  suite('RFC 6749 §2.3.1 encoding of client credentials', () => {
    // id, secret, and the form-urlencoded pair written out by hand
    const table: Array<[string, string, string]> = [
      ['a:b', 'c:d', 'a%3Ab:c%3Ad'],
      ['plus+id', 'p+q', 'plus%2Bid:p%2Bq'],
      ['slash/id', 'a/b', 'slash%2Fid:a%2Fb'],
      ['pct%id', '100%', 'pct%25id:100%25'],
      ['amp&id', 'x&y=z', 'amp%26id:x%26y%3Dz'],
      ['space id', 'with space', 'space+id:with+space'],
      ['élan', 'café', '%C3%A9lan:caf%C3%A9'],
      ['all', ': + / % & = é', 'all:%3A+%2B+%2F+%25+%26+%3D+%C3%A9'],
    ];
    for (const [clientId, clientSecret, pair] of table) {
      test(`Basic for ${JSON.stringify(clientId)} / ${JSON.stringify(clientSecret)}`, async () => {
        const seen = await sentBy({ grantType: 'client_credentials', clientId, clientSecret, basicEncoding: 'rfc6749' });
        assert.equal(seen.headers.authorization, `Basic ${b64(pair)}`);
        assert.equal(seen.body, 'grant_type=client_credentials');
      });
      test(`body for ${JSON.stringify(clientId)} / ${JSON.stringify(clientSecret)}`, async () => {
        const seen = await sentBy({ grantType: 'client_credentials', clientId, clientSecret, credentialsInRequestBody: true });
        const [id, secret] = pair.split(':');
        assert.equal(seen.body, `grant_type=client_credentials&client_id=${id}&client_secret=${secret}`);
      });
    }

    test('raw Basic sends the UTF-8 bytes of id:secret', () => {
      assert.equal(basicCredentials('a:b', 'é s', 'raw'), b64('a:b:é s'));
    });
  });

  test('password and username keep any Unicode', async () => {
    const seen = await sentBy({ grantType: 'password', ...client, username: 'łukasz@例え.jp', password: 'пароль 🔑&=' });
    assert.equal(
      seen.body,
      'grant_type=password&username=%C5%82ukasz%40%E4%BE%8B%E3%81%88.jp&password=%D0%BF%D0%B0%D1%80%D0%BE%D0%BB%D1%8C+%F0%9F%94%91%26%3D',
    );
  });
});

suite('form encoding', () => {
  test('formUrlEncode writes every character as URLSearchParams does', () => {
    let all = '';
    for (let code = 0; code < 0x250; code += 1) {
      all += String.fromCharCode(code);
    }
    all += '😀𝄞\u{10FFFF}\uD800x\uDFFF';
    for (const value of [all, ...[...all].map((c) => `a${c}b`)]) {
      assert.equal(formUrlEncode(value), new URLSearchParams([['', value]]).toString().slice(1), JSON.stringify(value));
    }
  });
});
