import * as assert from 'node:assert/strict';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { routeBindingOf } from '../../src/core/net/currentRoute';
import { resetNetwork, selectNetwork } from '../../src/core/net/network';
import { DJMessage } from '../../src/core/model/djMessage';
import { maskSecrets, SECRET_MASK } from '../../src/core/model/maskedMessage';
import { bindingChanges, bindingFor, legacyBinding, sameBinding } from '../../src/core/model/routeBinding';

const URL_A = 'https://as.example.com/oauth2/token';

suite('issue 9: route binding of stored secrets', () => {
  const saved = { ...process.env };
  teardown(() => {
    for (const name of ['https_proxy', 'HTTPS_PROXY', 'http_proxy', 'HTTP_PROXY', 'no_proxy', 'NO_PROXY']) {
      if (saved[name] === undefined) {
        delete process.env[name];
      } else {
        process.env[name] = saved[name];
      }
    }
  });
  setup(() => {
    for (const name of ['https_proxy', 'HTTPS_PROXY', 'http_proxy', 'HTTP_PROXY', 'no_proxy', 'NO_PROXY']) {
      delete process.env[name];
    }
  });

  test('a direct, verified request with no CA file is the legacy binding of its origin', async () => {
    const binding = await routeBindingOf(URL_A, {}, undefined);
    assert.deepEqual(binding, legacyBinding('https://as.example.com'));
  });

  test("the invoker's proxy, VS Code's proxy and an environment proxy are told apart; NO_PROXY goes direct", async () => {
    assert.equal((await routeBindingOf(URL_A, { proxy: 'http://evil.example.net:8080' }, undefined)).proxy, 'invoker http://evil.example.net:8080');
    assert.equal((await routeBindingOf(URL_A, { proxy: 'system' }, { proxy: 'http://corp:3128' })).proxy, 'settings http://corp:3128');
    process.env.HTTPS_PROXY = 'http://env-proxy:3128';
    assert.equal((await routeBindingOf(URL_A, { proxy: 'system' }, undefined)).proxy, 'HTTPS_PROXY http://env-proxy:3128');
    process.env.NO_PROXY = '.example.com';
    assert.equal((await routeBindingOf(URL_A, { proxy: 'system' }, undefined)).proxy, 'direct');
    assert.equal((await routeBindingOf(URL_A, { proxy: 'none' }, { proxy: 'http://corp:3128' })).proxy, 'direct');
  });

  test("certificate verification: the invoker's switch, and http.proxyStrictSSL only through the system proxy", async () => {
    assert.equal((await routeBindingOf(URL_A, { tlsRejectUnauthorized: false }, undefined)).verify, false);
    assert.equal((await routeBindingOf(URL_A, {}, { proxy: 'http://corp:3128', strictSSL: false })).verify, false);
    assert.equal((await routeBindingOf(URL_A, { proxy: 'http://mine:3128' }, { strictSSL: false })).verify, true);
  });

  test('issue 18: the binding is the route the connection takes: http.proxyStrictSSL off changes nothing for plain http://', async () => {
    const settings = { proxy: 'http://corp:3128', strictSSL: false };
    const plain = 'http://as.example.com/oauth2/token';
    const route = await selectNetwork(plain, {}, settings);
    assert.equal(route.warning, undefined, 'the connection verifies nothing it could skip: no certificate on http://');
    const binding = await routeBindingOf(plain, {}, settings);
    assert.deepEqual([binding.proxy, binding.verify], [`settings ${route.description.proxy?.display}`, true]);
    const secure = await selectNetwork(URL_A, {}, settings);
    assert.match(secure.warning ?? '', /http\.proxyStrictSSL/);
    assert.equal((await routeBindingOf(URL_A, {}, settings)).verify, false, 'over https the connection does not verify, and the binding says so');
    await resetNetwork();
  });

  test('the CA file is bound by path and content', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'binding-'));
    const file = join(dir, 'ca.pem');
    writeFileSync(file, 'first');
    const first = await routeBindingOf(URL_A, { tlsCaFile: file }, undefined);
    writeFileSync(file, 'second');
    const second = await routeBindingOf(URL_A, { tlsCaFile: file }, undefined);
    assert.equal(first.caFile, file);
    assert.notEqual(first.caSha256, second.caSha256);
    assert.deepEqual(bindingChanges(first, second), [`the content of the CA certificates file ${file} changed`]);
    await assert.rejects(
      routeBindingOf(URL_A, { tlsCaFile: join(dir, 'missing.pem') }, undefined),
      (error: Error & { kind?: string }) => error.kind === 'invalid-properties' && /CA Certificates File/.test(error.message),
    );
  });

  test('every difference is named; the proxy password depends on the proxy only', async () => {
    const bound = legacyBinding('https://as.example.com');
    const now = { origin: 'https://evil.example.net', proxy: 'invoker http://evil:8080', verify: false, caFile: '/tmp/evil.pem', caSha256: 'x' };
    const changes = bindingChanges(bound, now);
    assert.equal(changes.length, 4);
    assert.match(changes[0], /https:\/\/evil\.example\.net/);
    assert.match(changes[1], /through the proxy http:\/\/evil:8080 \(from the invoker's "Proxy"\)/);
    assert.match(changes[2], /no longer verified/);
    assert.match(changes[3], /\/tmp\/evil\.pem/);
    assert.ok(sameBinding(bindingFor('proxyPassword', bound), bindingFor('proxyPassword', { ...bound, origin: 'https://other.example.com' })));
    assert.ok(!sameBinding(bindingFor('clientSecret', bound), bindingFor('clientSecret', { ...bound, origin: 'https://other.example.com' })));
    assert.ok(!sameBinding(bindingFor('proxyPassword', bound), bindingFor('proxyPassword', { ...bound, proxy: 'invoker http://evil:8080' })));
    assert.deepEqual(bindingChanges(bound, { ...bound }), []);
  });
});

suite('issue 9: messages for other extensions', () => {
  test('plain fields stay; the access token, refresh_token and id_token are masked in properties and body (issue 17)', () => {
    const body = JSON.stringify({
      access_token: 'at-1',
      token_type: 'Bearer',
      refresh_token: 'rt/+ 1"x',
      id_token: 'eyJhbGciOiJub25lIn0.eyJzdWIiOiIxIn0.',
      expires_in: 300,
      echo: 'at-1',
    });
    const message = new DJMessage({
      name: 'DJMOUT',
      body,
      properties: [
        ['AccessToken', 'at-1'],
        ['access_token', 'at-1'],
        ['token_type', 'Bearer'],
        ['refresh_token', 'rt/+ 1"x'],
        ['id_token', 'eyJhbGciOiJub25lIn0.eyJzdWIiOiIxIn0.'],
        ['expires_in', '300'],
        ['echo', 'at-1'],
      ],
      metadata: {
        status: 200,
        receivedAt: 0,
        warnings: [],
        grantType: 'password',
        tokenUrl: URL_A,
        clientAuthentication: 'client_secret_basic',
        failed: false,
      },
    });
    const masked = maskSecrets(message);
    assert.equal(masked.accessToken, SECRET_MASK);
    assert.equal(masked.getProperty('access_token'), SECRET_MASK);
    assert.equal(masked.getProperty('token_type'), 'Bearer');
    assert.equal(masked.getProperty('refresh_token'), SECRET_MASK);
    assert.equal(masked.getProperty('id_token'), SECRET_MASK);
    assert.equal(masked.getProperty('expires_in'), '300');
    assert.equal(masked.getProperty('echo'), SECRET_MASK, 'a token echoed under a plain name');
    assert.deepEqual(masked.propertyNames(), message.propertyNames());
    assert.ok(!masked.body.includes('rt/+ 1') && !masked.body.includes('rt/+ 1\\"x') && !masked.body.includes('eyJzdWIiOiIxIn0'));
    assert.ok(!JSON.stringify(masked.toJSON()).includes('at-1'), 'the access token appears nowhere, body included');
    assert.ok(masked.body.includes('"token_type":"Bearer"'));
    assert.equal(message.getProperty('refresh_token'), 'rt/+ 1"x', 'the original is not changed');
  });
});
