import * as assert from 'node:assert/strict';
import { readFileSync, utimesSync, writeFileSync } from 'node:fs';
import { resetNetwork, selectNetwork, type NetworkRoute } from '../../src/core/net/network';
import { routeSelectionCount } from '../../src/core/net/routeSelection';
import type { NetworkProperties } from '../../src/shared/properties';
import { createTestPki, type TestPki } from '../fixtures/testPki';

// Network selection is remembered per URL and inputs: these tests count the selections made afresh (no timing).

const PROXY_VARIABLES = ['https_proxy', 'HTTPS_PROXY', 'http_proxy', 'HTTP_PROXY', 'no_proxy', 'NO_PROXY'] as const;
const TARGET = 'https://as.example.test/token';

async function select(target: string, p: NetworkProperties, settings?: Parameters<typeof selectNetwork>[2]): Promise<NetworkRoute> {
  return selectNetwork(target, p, settings);
}

suite('network: the route chosen for a URL and its inputs is remembered until one of them changes', () => {
  let pki: TestPki;
  const savedEnv: Partial<Record<(typeof PROXY_VARIABLES)[number], string>> = {};

  suiteSetup(() => {
    pki = createTestPki();
    for (const name of PROXY_VARIABLES) {
      savedEnv[name] = process.env[name];
    }
  });
  suiteTeardown(() => pki.remove());
  setup(async () => {
    for (const name of PROXY_VARIABLES) {
      delete process.env[name];
    }
    await resetNetwork();
  });
  teardown(async () => {
    for (const name of PROXY_VARIABLES) {
      if (savedEnv[name] === undefined) {
        delete process.env[name];
      } else {
        process.env[name] = savedEnv[name];
      }
    }
    await resetNetwork();
  });

  test('the same URL and inputs reuse the selection and its pool; the default direct route too', async () => {
    const p: NetworkProperties = { proxy: 'http://127.0.0.1:9/', tlsCaFile: pki.caFile };
    const before = routeSelectionCount();
    const first = await select(TARGET, p);
    const second = await select(TARGET, { ...p });
    assert.equal(routeSelectionCount() - before, 1, 'chosen once, then remembered');
    assert.equal(second.dispatcher, first.dispatcher, 'the same pool');
    await select('http://127.0.0.1:8080/token', {});
    await select('http://127.0.0.1:8080/token', {});
    assert.equal(routeSelectionCount() - before, 2, 'the direct route is remembered as well');
  });

  test('a changed proxy environment variable is seen by the next selection, without a reset', async () => {
    process.env.HTTPS_PROXY = 'http://127.0.0.1:3001';
    const before = routeSelectionCount();
    const first = await select(TARGET, {});
    assert.equal(first.description.proxy?.display, 'http://127.0.0.1:3001');
    process.env.HTTPS_PROXY = 'http://127.0.0.1:3002';
    const second = await select(TARGET, {});
    assert.equal(second.description.proxy?.display, 'http://127.0.0.1:3002');
    assert.notEqual(second.dispatcher, first.dispatcher);
    delete process.env.HTTPS_PROXY;
    const third = await select(TARGET, {});
    assert.equal(third.description.proxy, undefined, 'no proxy once the variable is gone');
    assert.equal(routeSelectionCount() - before, 3);
  });

  test('changed VS Code proxy settings or network properties give a new route', async () => {
    const settings = { proxy: 'http://127.0.0.1:3003' };
    const before = routeSelectionCount();
    const strict = await select(TARGET, {}, settings);
    assert.equal(strict.warning, undefined);
    const lax = await select(TARGET, {}, { ...settings, strictSSL: false });
    assert.notEqual(lax.dispatcher, strict.dispatcher);
    assert.match(lax.warning ?? '', /http\.proxyStrictSSL/);
    const other = await select(TARGET, {}, { proxy: 'http://127.0.0.1:3004' });
    assert.equal(other.description.proxy?.display, 'http://127.0.0.1:3004');
    const direct = await select(TARGET, { proxy: 'none' }, settings);
    assert.equal(direct.description.proxy, undefined);
    assert.equal(routeSelectionCount() - before, 4);
  });

  test('a CA file whose content changed (same path) gets a new pool, though the selection is remembered', async () => {
    const file = pki.write('route-cache-ca.pem', readFileSync(pki.otherCaFile, 'utf8'));
    const p: NetworkProperties = { tlsCaFile: file };
    const before = routeSelectionCount();
    const first = await select(TARGET, p);
    assert.equal(await select(TARGET, p).then((route) => route.dispatcher), first.dispatcher, 'unchanged file: the same pool');
    writeFileSync(file, pki.ca.cert);
    utimesSync(file, new Date(), new Date(Date.now() + 5000));
    const second = await select(TARGET, p);
    assert.notEqual(second.dispatcher, first.dispatcher, 'the file was read again into a new pool');
    assert.equal(routeSelectionCount() - before, 1, "the file's stamp is taken on every call, not remembered");
  });
});
