/**
 * Issue 6 in a real VS Code: proxies (the invoker's own, with credentials kept as a secret; VS Code's `http.proxy`),
 * a private CA, discovery, presets, and what the tree shows of warnings and prominent fields. Every server, the
 * proxies included, listens on 127.0.0.1 and is started here.
 */
import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import * as vscode from 'vscode';
import type { OAuth2InvokerTesting } from '../../src/extension/testingApi';
import type { InvokerConfig } from '../../src/shared/invoker';
import { BLANK_PRESET_ID, placeholderProblem, presetItems, presetStart } from '../../src/extension/presetPicker';
import type { ResultNode } from '../../src/extension/resultTree';
import { systemProxyFrom } from '../../src/extension/systemProxy';
import { presetById } from '../../src/shared/presets';
import { answer, startServer } from '../fixtures/httpServer';
import { startOidcServer, type OidcServer } from '../fixtures/oidcServer';
import { startProxy, type TestProxy } from '../fixtures/proxyServer';
import { createTestPki, type TestPki } from '../fixtures/testPki';
import { activateApi, assertAbsent, logWithLine, tooltipText } from './helpers';

const PROXY_USER = 'proxy-user';
const PROXY_PASSWORD = 'proxy-pw:+/% 6';

interface InvokerFailure {
  code?: number;
  kind?: string;
  field?: string;
  message: string;
}

/** The message node of an invoker in the tree, and the failure it records. */
function messageNode(api: OAuth2InvokerTesting, invoker: string): ResultNode {
  const node = api.resultTree.messageNodes().find((n) => n.record.invoker.name === invoker);
  assert.ok(node !== undefined, `the tree has a message of "${invoker}"`);
  return node;
}

function tooltipOf(item: vscode.TreeItem): string {
  return tooltipText(item.tooltip);
}

/** Every way the proxy password could be written down: as is, encoded, and inside a Proxy-Authorization header. */
function proxySecretForms(): string[] {
  return [PROXY_PASSWORD, Buffer.from(`${PROXY_USER}:${PROXY_PASSWORD}`, 'utf8').toString('base64')];
}

suite('Networks and providers in a real VS Code (issue 6)', function () {
  let api: OAuth2InvokerTesting;
  let server: OidcServer;
  let proxy: TestProxy;
  const created: string[] = [];

  async function save(config: Partial<InvokerConfig> & { name: string }, secrets: Parameters<OAuth2InvokerTesting['saveInvoker']>[1] = {}): Promise<void> {
    created.push(config.name);
    await api.saveInvoker(
      { authorizationServerUrl: server.tokenEndpoint, grantType: 'client_credentials', clientId: server.basicClient.clientId, scope: 'api:read', ...config },
      { secrets: { clientSecret: server.basicClient.clientSecret, ...secrets?.secrets } },
    );
  }

  suiteSetup(async () => {
    api = await activateApi();
    server = await startOidcServer();
    proxy = await startProxy({ credentials: { username: PROXY_USER, password: PROXY_PASSWORD } });
  });

  suiteTeardown(async () => {
    for (const name of new Set(created)) {
      await api.deleteInvoker(name);
    }
    await proxy.close();
    await server.close();
  });

  test('proxy URL with credentials: the token request goes through the proxy; the password is a secret, never in settings or the log', async () => {
    await save({ name: 'net-proxy', proxy: proxy.url, proxyUsername: PROXY_USER, allowInsecureHttp: true }, { secrets: { proxyPassword: PROXY_PASSWORD } });
    const before = proxy.requests.length;
    const message = await api.execute('net-proxy');
    assert.ok(message.accessToken !== undefined);
    const port = new URL(server.tokenEndpoint).port;
    assert.deepEqual(proxy.requests.slice(before), [{ target: `127.0.0.1:${port}`, user: PROXY_USER, status: 200 }]);

    const settings = JSON.stringify(vscode.workspace.getConfiguration('oauth2Invoker').inspect('invokers'));
    assert.match(settings, /"proxyUsername":"proxy-user"/);
    assertAbsent(settings, proxySecretForms(), 'settings');
    const log = await logWithLine(api, /through the proxy http:\/\/127\.0\.0\.1:\d+ \(from the invoker, with credentials\)/);
    assert.match(log, /through the proxy http:\/\/127\.0\.0\.1:\d+ \(from the invoker, with credentials\)/);
    assertAbsent(log, proxySecretForms(), 'the log');
  });

  test('a proxy asking for credentials that were not given: error 4 of kind proxy, stored with the field that fixes it', async () => {
    await save({ name: 'net-proxy-407', proxy: proxy.url, allowInsecureHttp: true });
    await assert.rejects(api.execute('net-proxy-407'), (error: InvokerFailure) => {
      assert.equal(error.code, 4);
      assert.equal(error.kind, 'proxy');
      assert.match(error.message, /407/);
      assert.equal(error.field, 'proxyUsername');
      return true;
    });
    assert.equal(messageNode(api, 'net-proxy-407').record.failure?.field, 'proxyUsername', 'Edit Invoker opens the form at this field');
    assert.equal(proxy.requests.at(-1)?.status, 407);
  });

  test('system proxy: VS Code\'s http.proxy is used for proxy "system"; http.noProxy and http.proxySupport "off" go direct', async () => {
    const open = await startProxy();
    const http = vscode.workspace.getConfiguration('http');
    try {
      // The route decides who can read the secret (issue 9): the user enters it again after each change of route.
      await http.update('proxy', open.url, vscode.ConfigurationTarget.Global);
      await save({ name: 'net-system', allowInsecureHttp: true }); // proxy: system, the default
      await api.execute('net-system');
      const port = new URL(server.tokenEndpoint).port;
      assert.deepEqual(open.requests, [{ target: `127.0.0.1:${port}`, status: 200 }]);

      await http.update('noProxy', ['127.0.0.1'], vscode.ConfigurationTarget.Global);
      await save({ name: 'net-system', allowInsecureHttp: true });
      await api.execute('net-system');
      assert.equal(open.requests.length, 1, 'a host in http.noProxy is reached directly');
      await http.update('noProxy', undefined, vscode.ConfigurationTarget.Global);

      await http.update('proxySupport', 'off', vscode.ConfigurationTarget.Global);
      await save({ name: 'net-system', allowInsecureHttp: true });
      await api.execute('net-system');
      assert.equal(open.requests.length, 1, 'http.proxySupport "off" turns the proxy off');
    } finally {
      for (const key of ['proxy', 'noProxy', 'proxySupport']) {
        await http.update(key, undefined, vscode.ConfigurationTarget.Global);
      }
      await open.close();
    }
  });

  test('http.* settings as the runner reads them', () => {
    assert.deepEqual(systemProxyFrom({ proxySupport: 'off', proxy: 'http://p:1' }), { useEnvironment: false });
    assert.deepEqual(
      systemProxyFrom({
        proxy: ' http://p:3128 ',
        noProxy: ['a.test', 7, ''],
        proxyStrictSSL: false,
        proxyAuthorization: 'Basic eA==',
        proxySupport: 'override',
      }),
      {
        proxy: 'http://p:3128',
        noProxy: ['a.test'],
        strictSSL: false,
        proxyAuthorization: 'Basic eA==',
      },
    );
    assert.deepEqual(systemProxyFrom({ proxy: '', noProxy: null, proxyAuthorization: null }), { strictSSL: true });
  });

  suite('a server with a private CA', () => {
    let pki: TestPki;
    let https: OidcServer;
    let caFile: string;

    suiteSetup(async () => {
      pki = createTestPki();
      https = await startOidcServer({ https: { key: pki.server.key, cert: pki.server.cert } });
      caFile = path.join(fs.mkdtempSync(path.join(os.tmpdir(), 'oauth2-invoker-ca-')), 'corporate-ca.pem');
      fs.writeFileSync(caFile, pki.ca.cert);
    });

    suiteTeardown(async () => {
      await https.close();
      pki.remove();
      fs.rmSync(path.dirname(caFile), { recursive: true, force: true });
    });

    test('unknown CA: error 4 naming "CA Certificates File"; with the CA file it succeeds', async () => {
      const invoker = { name: 'net-ca', authorizationServerUrl: https.tokenEndpoint, clientId: https.basicClient.clientId };
      await save(invoker, { secrets: { clientSecret: https.basicClient.clientSecret } });
      await assert.rejects(api.execute('net-ca'), (error: InvokerFailure) => {
        assert.equal(error.code, 4);
        assert.equal(error.kind, 'tls');
        assert.equal(error.field, 'tlsCaFile');
        assert.match(error.message, /"CA Certificates File"/);
        return true;
      });
      assert.equal(messageNode(api, 'net-ca').record.failure?.field, 'tlsCaFile');
      assert.equal(https.tokenRequests(), 0);

      await save({ ...invoker, tlsCaFile: caFile }, { secrets: { clientSecret: https.basicClient.clientSecret } });
      const message = await api.execute('net-ca');
      assert.ok(message.accessToken !== undefined);
      assert.equal(https.tokenRequests(), 1);
      assert.deepEqual(message.metadata.warnings, []);
    });

    test('"Verify Server Certificate" off: the message carries the warning, and its tree node shows it', async () => {
      await save(
        { name: 'net-unverified', authorizationServerUrl: https.tokenEndpoint, clientId: https.basicClient.clientId, tlsRejectUnauthorized: false },
        { secrets: { clientSecret: https.basicClient.clientSecret } },
      );
      const message = await api.execute('net-unverified');
      assert.equal(message.metadata.warnings.length, 1);
      assert.match(message.metadata.warnings[0], /not verified/);
      const item = api.resultTree.getTreeItem(messageNode(api, 'net-unverified'));
      assert.equal((item.iconPath as vscode.ThemeIcon).id, 'warning');
      assert.match(String(item.description), /· 1 warning/);
      assert.match(tooltipOf(item), /not verified/);
      const settings = vscode.workspace.getConfiguration('oauth2Invoker').inspect<Array<Record<string, unknown>>>('invokers')?.globalValue ?? [];
      assert.equal(settings.find((entry) => entry.name === 'net-unverified')?.tlsRejectUnauthorized, false);
      assert.equal(settings.find((entry) => entry.name === 'net-ca')?.tlsRejectUnauthorized, undefined, 'the default is not written');
    });

    test("discovery over HTTPS takes the invoker's CA file; without it, the unknown CA is named", async () => {
      await assert.rejects(api.discover(https.issuer), (error: InvokerFailure) => error.kind === 'tls' && /"CA Certificates File"/.test(error.message));
      const result = await api.discover(https.issuer, { invoker: 'net-ca' });
      assert.equal(result.tokenEndpoint, https.tokenEndpoint);
    });
  });

  test("discovery against oidc-provider's real metadata: token endpoint, grants, Basic suggested", async () => {
    const result = await api.discover(server.issuer);
    assert.equal(result.issuer, server.issuer);
    assert.equal(result.tokenEndpoint, server.tokenEndpoint);
    assert.equal(result.metadataUrl, `${server.issuer}/.well-known/openid-configuration`);
    assert.ok(result.grantTypesSupported?.includes('client_credentials'), `grant_types_supported: ${result.grantTypesSupported?.join(' ')}`);
    assert.ok(result.invokerGrantTypes.includes('client_credentials') && result.invokerGrantTypes.includes('refresh_token'));
    assert.ok(result.tokenEndpointAuthMethodsSupported?.includes('client_secret_basic'));
    assert.equal(result.credentialsInRequestBody, false);
    assert.deepEqual(result.warnings, []);
  });

  test("discovery through an invoker's proxy, with its stored proxy credentials", async () => {
    // A proxy of its own: a pool the token requests opened would reuse its tunnel, and the proxy would see nothing new.
    const other = await startProxy({ credentials: { username: PROXY_USER, password: PROXY_PASSWORD } });
    try {
      await save(
        { name: 'net-proxy-discovery', proxy: other.url, proxyUsername: PROXY_USER, allowInsecureHttp: true },
        { secrets: { proxyPassword: PROXY_PASSWORD } },
      );
      const result = await api.discover(server.issuer, { invoker: 'net-proxy-discovery' });
      assert.equal(result.tokenEndpoint, server.tokenEndpoint);
      const port = new URL(server.issuer).port;
      assert.deepEqual(other.requests, [{ target: `127.0.0.1:${port}`, user: PROXY_USER, status: 200 }]);
      await assert.rejects(api.discover(server.issuer, { invoker: 'no-such-invoker' }), /There is no invoker "no-such-invoker"/);
    } finally {
      await other.close();
    }
  });

  test('a message with instance_url shows it on the message node', async () => {
    const salesforce = await startServer(
      answer(
        200,
        'application/json',
        JSON.stringify({ access_token: 'sf-token-123456', token_type: 'Bearer', instance_url: 'https://acme.my.salesforce.test', scope: 'api' }),
      ),
    );
    try {
      await save({ name: 'net-instance', authorizationServerUrl: salesforce.url });
      await api.execute('net-instance');
      const item = api.resultTree.getTreeItem(messageNode(api, 'net-instance'));
      assert.match(String(item.description), /· https:\/\/acme\.my\.salesforce\.test$/);
      assert.match(tooltipOf(item), /`instance_url`: https:\/\/acme\.my\.salesforce\.test/);
    } finally {
      await salesforce.close();
    }
  });

  suite('New Invoker with presets', () => {
    test('the quick pick lists the blank invoker first, then every provider', () => {
      const items = presetItems();
      assert.equal(items[0].preset?.id, BLANK_PRESET_ID);
      assert.match(items[0].label, /Blank invoker/);
      assert.equal(items[1].kind, vscode.QuickPickItemKind.Separator);
      assert.deepEqual(
        items.slice(2).map((item) => item.preset?.id),
        ['entra-v2', 'entra-v1', 'okta-custom', 'okta-org', 'auth0', 'keycloak', 'salesforce', 'google', 'github'],
      );
    });

    test('each placeholder is checked as typed; the form starts from applyPreset with a free name', () => {
      const entra = presetById('entra-v2')!;
      const [tenant, resource] = entra.placeholders;
      assert.equal(placeholderProblem(tenant, 'contoso.onmicrosoft.com'), undefined);
      assert.match(placeholderProblem(tenant, 'a/b') ?? '', /^"Tenant" must be one name/);
      assert.match(placeholderProblem(resource, '') ?? '', /^"Resource \(Application ID URI\)" is required/);
      const start = presetStart(entra, { tenant: 'contoso.onmicrosoft.com', resource: 'https://graph.microsoft.com' }, ['Microsoft Entra ID (v2)']);
      assert.equal(start.config.name, 'Microsoft Entra ID (v2) 2');
      assert.equal(start.config.authorizationServerUrl, 'https://login.microsoftonline.com/contoso.onmicrosoft.com/oauth2/v2.0/token');
      assert.equal(start.config.issuer, 'https://login.microsoftonline.com/contoso.onmicrosoft.com/v2.0');
      assert.equal(start.config.scope, 'https://graph.microsoft.com/.default');
      assert.equal(start.config.credentialsInRequestBody, true);
      assert.equal(start.config.proxy, 'system');
      assert.equal(start.help.title, 'Microsoft Entra ID (v2)');
      assert.equal(start.help.text, entra.help);
      assert.equal(presetStart(presetById(BLANK_PRESET_ID)!, {}).config.name, '');
    });

    test('"New Invoker" with a preset and its values opens the form pre-filled', async () => {
      const opened = await vscode.commands.executeCommand<InvokerConfig | undefined>('oauth2Invoker.newInvoker', {
        preset: 'keycloak',
        values: { realmUrl: 'https://sso.example.test/realms/acme/' },
      });
      assert.equal(opened?.authorizationServerUrl, 'https://sso.example.test/realms/acme/protocol/openid-connect/token');
      assert.equal(opened?.issuer, 'https://sso.example.test/realms/acme');
      assert.equal(opened?.name, 'Keycloak');
      // The tab appears a moment after the panel is created.
      const formTab = (): vscode.Tab | undefined => vscode.window.tabGroups.all.flatMap((group) => group.tabs).find((t) => t.label === 'New OAuth2 Invoker');
      for (let attempt = 0; attempt < 50 && formTab()?.isActive !== true; attempt += 1) {
        await new Promise((resolve) => setTimeout(resolve, 100));
      }
      const tab = formTab();
      assert.equal(tab?.isActive, true, 'the form is the active tab');
      assert.ok(tab?.input instanceof vscode.TabInputWebview && tab.input.viewType.endsWith('oauth2Invoker.form'), 'the active tab is the invoker form');
      await vscode.window.tabGroups.close(tab!);
    });
  });
});
