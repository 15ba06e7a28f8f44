/**
 * Issue 17 in a real VS Code: nothing from outside acts for the user. A server's text (error_description, a device
 * user code) reaches the notifications, the progress notification and the tree's tooltip without a link VS Code
 * would render; an Authorization Endpoint from settings that is not https:// (or http:// to this machine) is never
 * opened; a code that arrives through VS Code's URI handler reaches the sign-in exactly.
 */
import * as assert from 'node:assert/strict';
import * as vscode from 'vscode';
import type { OAuth2InvokerTesting } from '../../src/extension/testingApi';
import type { ResultNode } from '../../src/extension/resultTree';
import { parseAuthorizationResponse } from '../../src/core/signIn/authorizationRequest';
import { createRedactor } from '../../src/core/secrets/redact';
import { startServer, type TestServer } from '../fixtures/httpServer';
import { notificationLinks } from '../fixtures/notificationLinks';
import { activateApi } from './helpers';

type Api = OAuth2InvokerTesting;

/** A command link that would type into the terminal, as a hostile server writes it. */
const RENEW = '[Renew](command:workbench.action.terminal.sendSequence?%7B%22text%22%3A%22x%22%7D)';

type Severity = 'showInformationMessage' | 'showWarningMessage' | 'showErrorMessage';

/** One notification as the extension handed it to VS Code's window API. */
interface Shown {
  readonly severity: Severity | 'withProgress';
  readonly text: string;
}

/**
 * Records every notification (and progress title) the extension hands VS Code's window API, which the extension
 * host shares with the tests of the same extension, and passes it on unchanged (or answers with `click`, as a person
 * choosing that button). restore() puts the window's own functions back.
 */
function recordNotifications(click?: (text: string) => string | undefined): { shown: Shown[]; restore(): void } {
  const shown: Shown[] = [];
  const window = vscode.window as unknown as Record<string, (...args: unknown[]) => unknown>;
  const originals = new Map<string, (...args: unknown[]) => unknown>();
  for (const severity of ['showInformationMessage', 'showWarningMessage', 'showErrorMessage'] as const) {
    const original = window[severity];
    originals.set(severity, original);
    window[severity] = (text: unknown, ...rest: unknown[]) => {
      shown.push({ severity, text: String(text) });
      const choice = click?.(String(text));
      return choice !== undefined ? Promise.resolve(choice) : original.call(vscode.window, text, ...rest);
    };
  }
  const withProgress = window.withProgress;
  originals.set('withProgress', withProgress);
  window.withProgress = (options: unknown, task: unknown) => {
    shown.push({ severity: 'withProgress', text: String((options as { title?: string }).title) });
    return withProgress.call(vscode.window, options, task);
  };
  return {
    shown,
    restore: () => originals.forEach((original, name) => (window[name] = original)),
  };
}

function assertNoLink(shown: readonly Shown[]): void {
  for (const { severity, text } of shown) {
    assert.deepEqual(notificationLinks(text), [], `${severity} renders no link: ${text}`);
  }
}

suite('Issue 17: nothing from outside acts for the user', function () {
  this.timeout(60_000);
  let api: Api;
  let server: TestServer;
  let originalOpener: Api['signInForTests']['opener'];
  let originalTimeout: Api['signInForTests']['redirectTimeoutMs'];
  let opened: string[];
  let recorded: ReturnType<typeof recordNotifications> | undefined;

  suiteSetup(async () => {
    api = await activateApi();
    originalOpener = api.signInForTests.opener;
    originalTimeout = api.signInForTests.redirectTimeoutMs;
    // A sign-in that wrongly opened the browser fails within the test's time instead of waiting five minutes.
    api.signInForTests.redirectTimeoutMs = () => 5_000;
    // A server that answers each endpoint with link syntax where a person reads its text.
    server = await startServer((request, res) => {
      const json = (status: number, body: unknown): void => {
        res.writeHead(status, { 'content-type': 'application/json' });
        res.end(JSON.stringify(body));
      };
      if (request.url === '/device') {
        json(200, {
          device_code: 'dev-code-17',
          user_code: RENEW,
          verification_uri: `${server.origin}/verify`,
          verification_uri_complete: 'vscode://another.extension/run?text=x',
          expires_in: 120,
          interval: 1,
        });
      } else if (new URLSearchParams(request.body).get('grant_type') === 'urn:ietf:params:oauth:grant-type:device_code') {
        json(400, { error: 'access_denied', error_description: `${RENEW} to continue` });
      } else {
        json(401, { error: 'invalid_client', error_description: RENEW });
      }
    });
  });

  setup(() => {
    opened = [];
    api.signInForTests.opener = async (url) => {
      if (/\/start\/[\w-]{22}$/.test(url)) {
        // Issue 21: in the browser workbench a loopback start page is opened for a page on this machine; what it sends
        // the browser on to is what was opened.
        const answer = await fetch(url, { redirect: 'manual' });
        opened.push(answer.headers.get('location') ?? `${url} (${answer.status})`);
      } else {
        opened.push(url);
      }
      return true;
    };
  });

  teardown(() => {
    recorded?.restore();
    recorded = undefined;
    api.signInForTests.opener = originalOpener;
  });

  suiteTeardown(async () => {
    api.signInForTests.redirectTimeoutMs = originalTimeout;
    for (const name of ['i17-client', 'i17-device', 'i17-scheme', 'i17-http']) {
      await api.deleteInvoker(name);
    }
    await server.close();
  });

  test("a server's error_description is shown without a link, and the tree's tooltip and Details are untrusted plain text", async () => {
    await api.saveInvoker(
      { name: 'i17-client', authorizationServerUrl: server.url, grantType: 'client_credentials', clientId: 'c17', targetMessage: 'I17OUT' },
      { secrets: { clientSecret: 'i17-secret' } },
    );
    recorded = recordNotifications();
    await vscode.commands.executeCommand('oauth2Invoker.execute', 'i17-client');
    const errors = recorded.shown.filter((s) => s.severity === 'showErrorMessage');
    assert.equal(errors.length, 1, `one error notification: ${JSON.stringify(recorded.shown)}`);
    assert.match(errors[0].text, /invalid_client/);
    assert.ok(errors[0].text.replace(/\u2060/g, '').includes(RENEW), "the server's text is still there to read");
    assertNoLink(recorded.shown);

    const root = api.resultTree.messageNodes().find((node) => node.record.invoker.name === 'i17-client');
    assert.ok(root !== undefined, 'the failed message is in the tree');
    const tooltip = api.resultTree.getTreeItem(root).tooltip;
    assert.ok(tooltip instanceof vscode.MarkdownString, 'the message tooltip is Markdown');
    assert.notEqual(tooltip.isTrusted, true, 'not trusted: no command link runs');
    assert.notEqual(tooltip.supportHtml, true, 'no HTML');
    assert.ok(!tooltip.value.includes(']('), `no link syntax is left: ${tooltip.value}`);
    assert.ok(tooltip.value.includes('\\[Renew\\]\\(command\\:'), `the text is escaped, not dropped: ${tooltip.value}`);

    const details = api.resultTree.getChildren(root).find((node): node is ResultNode => node.kind === 'details');
    for (const detail of details !== undefined ? api.resultTree.getChildren(details) : []) {
      const item = api.resultTree.getTreeItem(detail);
      if (item.tooltip instanceof vscode.MarkdownString) {
        assert.notEqual(item.tooltip.isTrusted, true, `${String(item.label)}: not trusted`);
        assert.ok(!item.tooltip.value.includes(']('), `${String(item.label)}: no link syntax`);
      } else {
        // A plain string tooltip is shown as text, never rendered as Markdown.
        assert.ok(item.tooltip === undefined || typeof item.tooltip === 'string');
      }
    }
  });

  test("a device user code and error are shown without a link; the server's vscode:// page is never opened", async () => {
    await api.saveInvoker({
      name: 'i17-device',
      authorizationServerUrl: server.url,
      deviceAuthorizationEndpointUrl: `${server.origin}/device`,
      grantType: 'device_code',
      clientId: 'c17',
      targetMessage: 'I17DEV',
    });
    // The person clicks "Copy Code and Open".
    recorded = recordNotifications((text) => (text.startsWith('Sign in to') ? 'Copy Code and Open' : undefined));
    await vscode.commands.executeCommand('oauth2Invoker.execute', 'i17-device');
    const codeShown = recorded.shown.filter((s) => s.text.includes('Renew'));
    assert.ok(
      codeShown.some((s) => s.severity === 'showInformationMessage' && s.text.startsWith('Sign in to')),
      'the user code was shown',
    );
    assert.ok(
      codeShown.some((s) => s.severity === 'withProgress'),
      'the progress title holds the user code',
    );
    assert.ok(
      codeShown.some((s) => s.severity === 'showErrorMessage' && /access_denied|refused/.test(s.text)),
      'the refusal was shown',
    );
    assertNoLink(recorded.shown);
    // Issue 21: one progress for a device sign-in (not "Executing…" around "Signing in…", each with its own Cancel).
    assert.deepEqual(
      recorded.shown.filter((s) => s.severity === 'withProgress').map((s) => s.text.replace(/the code \S+/, 'the code …')),
      ['Signing in to "i17-device": waiting for the code … to be entered…'],
    );
    assert.deepEqual(opened, [`${server.origin}/verify`], 'only the http://127.0.0.1 verification page was opened');
  });

  test('an Authorization Endpoint from settings that is not https:// (or http:// to this machine) is never opened; the message names it', async () => {
    for (const [name, endpoint] of [
      ['i17-scheme', 'vscode://another.extension/run?text=x'],
      ['i17-http', 'http://127.0.0.1.evil.example/authorize'],
    ] as const) {
      await api.saveInvoker({
        name,
        authorizationServerUrl: server.url,
        authorizationEndpointUrl: endpoint,
        grantType: 'authorization_code',
        clientId: 'c17',
        targetMessage: 'I17CODE',
      });
      recorded = recordNotifications();
      await vscode.commands.executeCommand('oauth2Invoker.execute', name);
      assert.deepEqual(opened, [], `${endpoint} was not opened`);
      const errors = recorded.shown.filter((s) => s.severity === 'showErrorMessage');
      assert.equal(errors.length, 1, `one error notification: ${JSON.stringify(recorded.shown)}`);
      // Checked with the whole invoker before the browser would open: the field is named, as the form names it.
      assert.match(errors[0].text, /"Authorization Endpoint URL" (must start with https:\/\/|uses plain http:\/\/ to 127\.0\.0\.1\.evil\.example)/);
      assert.ok(!errors[0].text.includes(endpoint), 'the message does not repeat the address');
      assertNoLink(recorded.shown);
      recorded.restore();
      recorded = undefined;
    }
  });

  test('13a: a code with +, &, %, = arrives through the URI handler exactly as the server sent it', async () => {
    const code = 'Sp+lx/a&b%2=c==';
    const state = 'st-17-Abc_d';
    const handler = api.signInForTests.uriHandler;
    const controller = new AbortController();
    const waiting = handler.waitFor(state, controller.signal);
    // As the server redirects (each value percent-encoded) and as VS Code parses it for the handler.
    handler.handleUri(vscode.Uri.parse(`vscode://oauth2-invoker.oauth2-invoker/callback?code=${encodeURIComponent(code)}&state=${state}`));
    const redirectedTo = await waiting;
    controller.abort();
    // What the sign-in does with it before the token request.
    assert.equal(parseAuthorizationResponse(redirectedTo, { state }, createRedactor([])).code, code);
  });
});
