import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import * as vscode from 'vscode';
import type { OAuth2InvokerTesting } from '../../src/extension/testingApi';
import { activateApi, assertAbsent, logWithLine } from './helpers';
import { httpyacStatuses } from '../fixtures/httpyacCli';
import { startOidcServer, type OidcServer } from '../fixtures/oidcServer';
import { startResourceServer, type ResourceServer } from '../fixtures/resourceServer';

const REPO = path.resolve(__dirname, '..', '..', '..');
/**
 * Long enough for a save and the httpyac CLI to start and send (about 1.5 s on an idle machine, over 6 s with other
 * jobs beside this one), short enough to wait for.
 */
const SHORT_TTL_SECONDS = 15;

function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}

function httpyac(file: string): Promise<Record<string, number | undefined>> {
  return httpyacStatuses(REPO, file);
}

/** Writes a file into the workspace folder and opens it in an editor. */
async function openHttpFile(file: string, lines: readonly string[], eol: '\n' | '\r\n' = '\n'): Promise<vscode.TextEditor> {
  fs.writeFileSync(file, lines.join(eol) + eol);
  const document = await vscode.workspace.openTextDocument(vscode.Uri.file(file));
  return vscode.window.showTextDocument(document);
}

function lineIndex(document: vscode.TextDocument, test: (text: string) => boolean): number {
  for (let line = 0; line < document.lineCount; line += 1) {
    if (test(document.lineAt(line).text)) {
      return line;
    }
  }
  throw new Error('no such line');
}

function place(editor: vscode.TextEditor, line: number, character = 0, endCharacter = character): void {
  editor.selection = new vscode.Selection(line, character, line, endCharacter);
}

function valueOf(document: vscode.TextDocument, variable: string): string {
  const text = document.lineAt(lineIndex(document, (line) => line.startsWith(`@${variable} =`))).text;
  return text.slice(`@${variable} = `.length);
}

function markdownText(content: vscode.MarkdownString | vscode.MarkedString): string {
  return typeof content === 'string' ? content : content.value;
}

suite('Tokens in .http files, sent by httpyac', function () {
  this.timeout(60_000);
  let api: OAuth2InvokerTesting;
  let server: OidcServer;
  let shortServer: OidcServer;
  let jwtServer: OidcServer;
  let resource: ResourceServer;
  let shortResource: ResourceServer;
  let folder: string;
  /** Every token the tests saw, for the checks that none leaks. */
  const seen = new Set<string>();

  const token = async (invoker: string): Promise<string> => {
    const value = await api.getAccessToken(invoker);
    seen.add(value);
    return value;
  };

  // The tests run the .http commands with arguments, as a keybinding would: the person allows each (see CommandTargets).
  setup(() => api.confirmationsForTests.answerForTests((question) => question.button === 'Allow'));
  teardown(() => api.confirmationsForTests.answerForTests(undefined));

  suiteSetup(async () => {
    api = await activateApi();
    const root = vscode.workspace.workspaceFolders?.[0]?.uri.fsPath;
    assert.ok(root !== undefined, 'the suite runs with a workspace folder');
    folder = path.join(root, 'http-files');
    fs.mkdirSync(folder, { recursive: true });
    [server, shortServer, jwtServer] = await Promise.all([
      startOidcServer(),
      startOidcServer({ accessTokenTtlSeconds: SHORT_TTL_SECONDS }),
      startOidcServer({ accessTokenFormat: 'jwt' }),
    ]);
    resource = await startResourceServer({ introspectionEndpoint: server.introspectionEndpoint, ...server.resourceServer });
    shortResource = await startResourceServer({ introspectionEndpoint: shortServer.introspectionEndpoint, ...shortServer.resourceServer });
    await vscode.workspace.getConfiguration('oauth2Invoker').update('tokenSafetyMarginSeconds', 0, vscode.ConfigurationTarget.Global);
    for (const [name, as] of [
      ['http-cc', server],
      ['http-short', shortServer],
      ['http-jwt', jwtServer],
    ] as const) {
      await api.saveInvoker(
        { name, authorizationServerUrl: as.tokenEndpoint, grantType: 'client_credentials', clientId: as.basicClient.clientId, scope: 'api:read' },
        { secrets: { clientSecret: as.basicClient.clientSecret } },
      );
    }
  });

  suiteTeardown(async () => {
    await vscode.commands.executeCommand('workbench.action.closeAllEditors');
    for (const name of ['http-cc', 'http-short', 'http-jwt']) {
      await api.deleteInvoker(name);
    }
    await vscode.workspace.getConfiguration('oauth2Invoker').update('tokenSafetyMarginSeconds', undefined, vscode.ConfigurationTarget.Global);
    await Promise.all([resource?.close(), shortResource?.close(), server?.close(), shortServer?.close(), jwtServer?.close()]);
    fs.rmSync(folder, { recursive: true, force: true });
  });

  test('Insert Access Token: as a new Authorization header, over a selection; httpyac sends the saved CRLF file (200)', async () => {
    const file = path.join(folder, 'literal.http');
    const editor = await openHttpFile(
      file,
      [
        `@host = ${resource.origin}`,
        '',
        '### a request without Authorization',
        '# @name literal',
        'GET {{host}}/api/literal HTTP/1.1',
        'Accept: application/json',
        '',
        '###',
        '// @name selected',
        `GET ${resource.origin}/api/selected`,
        'Authorization: Bearer REPLACE_ME',
        '',
        '###',
        '# @name offered',
        `GET ${resource.origin}/api/offered`,
        '',
        '###',
        '# @name anonymous',
        `${resource.origin}/api/anonymous`,
      ],
      '\r\n',
    );
    const document = editor.document;
    assert.equal(document.languageId, 'plaintext', 'no .http extension is installed: the selector matches by file name');
    assert.equal(document.eol, vscode.EndOfLine.CRLF);

    place(
      editor,
      lineIndex(document, (line) => line.startsWith('GET {{host}}')),
      3,
    );
    await vscode.commands.executeCommand('oauth2Invoker.insertAccessToken', { invoker: 'http-cc', placement: 'header' });
    const cc = await token('http-cc');
    const accept = lineIndex(document, (line) => line === 'Accept: application/json');
    assert.equal(document.lineAt(accept + 1).text, `Authorization: Bearer ${cc}`, 'below the last header of the request at the cursor');

    const replace = lineIndex(document, (line) => line.endsWith('REPLACE_ME'));
    place(editor, replace, 'Authorization: Bearer '.length, document.lineAt(replace).text.length);
    await vscode.commands.executeCommand('oauth2Invoker.insertAccessToken', { invoker: 'http-cc' });
    assert.equal(document.lineAt(replace).text, `Authorization: Bearer ${cc}`, 'the selection is replaced');

    // Without a placement the command offers the header: the quick pick's first item, accepted as Enter would.
    const offered = lineIndex(document, (line) => line.endsWith('/api/offered'));
    place(editor, offered);
    const running = vscode.commands.executeCommand('oauth2Invoker.insertAccessToken', { invoker: 'http-cc' });
    let settled = false;
    void running.then(() => (settled = true));
    while (!settled) {
      await vscode.commands.executeCommand('workbench.action.acceptSelectedQuickOpenItem');
      await sleep(50);
    }
    await running;
    assert.equal(document.lineAt(offered + 1).text, `Authorization: Bearer ${cc}`);

    assert.ok(await document.save());
    const saved = fs.readFileSync(file, 'utf8');
    assert.equal(saved.replace(/\r\n/g, '').includes('\n'), false, "the inserted lines keep the file's CRLF");
    assert.deepEqual(await httpyac(file), { literal: 200, selected: 200, offered: 200, anonymous: 401 });
  });

  test('Insert Access Token Variable: marker, @accessToken and {{accessToken}} in the request; httpyac: 200', async () => {
    const file = path.join(folder, 'variable.http');
    const editor = await openHttpFile(file, ['# @name viaVariable', `GET ${resource.origin}/api/variable`, 'Accept: application/json']);
    const document = editor.document;
    place(editor, 1);
    await vscode.commands.executeCommand('oauth2Invoker.insertTokenVariable', { invoker: 'http-cc', addHeader: true });
    const cc = await token('http-cc');
    assert.deepEqual(
      Array.from({ length: document.lineCount }, (_, line) => document.lineAt(line).text),
      [
        '# @oauth2-invoker http-cc',
        `@accessToken = ${cc}`,
        '',
        '###',
        '# @name viaVariable',
        `GET ${resource.origin}/api/variable`,
        'Accept: application/json',
        'Authorization: Bearer {{accessToken}}',
        '',
      ],
    );

    // Run again for the same invoker: the variable is updated in place, not doubled.
    await vscode.commands.executeCommand('oauth2Invoker.insertTokenVariable', { invoker: 'http-cc' });
    assert.equal(document.getText().split('@oauth2-invoker').length, 2);

    assert.ok(await document.save());
    assert.deepEqual(await httpyac(file), { viaVariable: 200 });
  });

  test('an expired token fails (401); the CodeLens Refresh replaces it with one undoable edit; httpyac: 200 again', async () => {
    const file = path.join(folder, 'expiry.http');
    const editor = await openHttpFile(file, ['###', '# @name short', `GET ${shortResource.origin}/api/short`, 'Authorization: Bearer {{accessToken}}']);
    const document = editor.document;
    place(editor, 2);
    await vscode.commands.executeCommand('oauth2Invoker.insertTokenVariable', { invoker: 'http-short' });
    const first = valueOf(document, 'accessToken');
    seen.add(first);
    assert.equal(first, await api.getAccessToken('http-short'));

    const lenses = async (): Promise<vscode.CodeLens[]> =>
      (await vscode.commands.executeCommand<vscode.CodeLens[]>('vscode.executeCodeLensProvider', document.uri)) ?? [];
    const titles = async (): Promise<string[]> => (await lenses()).map((lens) => lens.command?.title ?? '');
    const before = await titles();
    assert.equal(before[0], '$(key) http-short');
    assert.match(before[1], /^expires in \d+ s$/);
    assert.equal(before[2], '$(refresh) Refresh');

    assert.ok(await document.save());
    assert.deepEqual(await httpyac(file), { short: 200 });

    const expiresAt = api.messages().find((m) => m.invoker === 'http-short')?.message.metadata.expiresAt ?? 0;
    await sleep(Math.max(0, expiresAt - Date.now()) + 300);
    assert.deepEqual(await httpyac(file), { short: 401 }, 'the resource server refuses the expired token');
    assert.match((await titles())[1], /^expired \d+ s ago$/);

    const refresh = (await lenses()).find((lens) => lens.command?.command === 'oauth2Invoker.refreshTokenVariable')?.command;
    assert.ok(refresh !== undefined);
    const version = document.version;
    await vscode.commands.executeCommand(refresh.command, ...(refresh.arguments ?? []));
    const second = valueOf(document, 'accessToken');
    seen.add(second);
    assert.notEqual(second, first);
    assert.equal(second, await api.getAccessToken('http-short'));
    assert.equal(document.version, version + 1, 'one edit');
    assert.match((await titles())[1], /^expires in \d+ s$/);
    // The new token lives SHORT_TTL_SECONDS too: sent at once, as the first one was.
    assert.ok(await document.save());
    assert.deepEqual(await httpyac(file), { short: 200 });

    await vscode.window.showTextDocument(document);
    await vscode.commands.executeCommand('undo');
    assert.equal(valueOf(document, 'accessToken'), first, 'one undo restores the old value');
    await vscode.commands.executeCommand('redo');
    assert.equal(valueOf(document, 'accessToken'), second);
  });

  test('completion after "Authorization: Bearer " and "@name = ": one item per invoker, no token in the list', async () => {
    const file = path.join(folder, 'completion.http');
    const editor = await openHttpFile(file, [`GET ${resource.origin}/api/c`, 'Authorization: Bearer ', '', '###', '@token =']);
    const document = editor.document;
    const cc = await token('http-cc');
    // http-short's token has expired by now (or is about to): its item gets one on accept.
    const complete = async (position: vscode.Position): Promise<vscode.CompletionItem[]> => {
      const list = await vscode.commands.executeCommand<vscode.CompletionList>('vscode.executeCompletionItemProvider', document.uri, position);
      return list.items.filter((item) => ['http-cc', 'http-short', 'http-jwt'].includes(typeof item.label === 'string' ? item.label : item.label.label));
    };
    const listed = (item: vscode.CompletionItem): string =>
      [
        JSON.stringify(item.label),
        item.detail ?? '',
        typeof item.documentation === 'string' ? item.documentation : (item.documentation?.value ?? ''),
        item.filterText ?? '',
        item.sortText ?? '',
      ].join(' ');

    const bearer = await complete(new vscode.Position(1, 'Authorization: Bearer '.length));
    assert.deepEqual(bearer.map((item) => (typeof item.label === 'string' ? item.label : item.label.label)).sort(), ['http-cc', 'http-jwt', 'http-short']);
    for (const item of bearer) {
      assertAbsent(listed(item), [...seen, cc], "a completion item's label, detail or documentation");
      assert.match(typeof item.label === 'string' ? '' : (item.label.description ?? ''), /^(expires in|expired|no token yet|expiry unknown)/);
    }
    const ccItem = bearer.find((item) => typeof item.label !== 'string' && item.label.label === 'http-cc');
    assert.equal(typeof ccItem?.insertText === 'string' ? ccItem.insertText : ccItem?.insertText?.value, cc, 'a fresh token is the insertText');

    // An item without a fresh token: accepting it runs its command, which gets one and writes it there.
    const jwtItem = bearer.find((item) => typeof item.label !== 'string' && item.label.label === 'http-jwt');
    assert.ok(jwtItem?.command !== undefined);
    await vscode.commands.executeCommand(jwtItem.command.command, ...(jwtItem.command.arguments ?? []));
    const jwt = await token('http-jwt');
    assert.equal(document.lineAt(1).text, `Authorization: Bearer ${jwt}`);

    const variable = await complete(new vscode.Position(4, '@token ='.length));
    assert.equal(variable.length, 3);
    const ccVariable = variable.find((item) => typeof item.label !== 'string' && item.label.label === 'http-cc');
    assert.equal(typeof ccVariable?.insertText === 'string' ? ccVariable.insertText : undefined, ` ${cc}`, 'a space after a bare "="');
    assert.deepEqual(await complete(new vscode.Position(0, 3)), [], 'nothing elsewhere');
  });

  test('hover on a JWT: claims, local times with "valid for", issuer, audience, scopes, "signature not verified"', async () => {
    const jwt = await token('http-jwt');
    const opaque = await token('http-cc');
    const file = path.join(folder, 'hover.http');
    const editor = await openHttpFile(file, [`GET ${resource.origin}/api/h`, `Authorization: Bearer ${jwt}`, '', '###', `@opaque = ${opaque}`]);
    const hovers = await vscode.commands.executeCommand<vscode.Hover[]>(
      'vscode.executeHoverProvider',
      editor.document.uri,
      new vscode.Position(1, 'Authorization: Bearer '.length + 10),
    );
    const ours = hovers.filter((hover) => hover.contents.some((content) => markdownText(content).includes('JWT')));
    assert.equal(ours.length, 1);
    // Markdown escapes punctuation in the table: read it as text.
    const text = ours[0].contents.map(markdownText).join('\n').replace(/\\(.)/g, '$1');
    assert.match(text, /signature not verified/);
    assert.match(text, /Expires \(`exp`\) \| .+ — valid for \d+ (s|min|h)/);
    assert.match(text, /Issued at \(`iat`\) \| .+ — issued \d+ s ago/);
    assert.ok(text.includes(jwtServer.issuer), 'the issuer');
    assert.ok(text.includes(jwtServer.apiResource), 'the audience');
    assert.match(text, /Scopes \| api:read/);
    assert.match(text, /"typ": "at\+jwt"/, 'the decoded header');
    assert.ok(!text.includes(jwt.split('.')[2]), 'not the signature');
    assert.equal(ours[0].range?.start.character, 'Authorization: Bearer '.length);
    assert.equal(ours[0].range?.end.character, 'Authorization: Bearer '.length + jwt.length);

    const none = await vscode.commands.executeCommand<vscode.Hover[]>('vscode.executeHoverProvider', editor.document.uri, new vscode.Position(4, 12));
    assert.equal(none.filter((hover) => hover.contents.some((content) => markdownText(content).includes('JWT'))).length, 0, 'an opaque token is no JWT');
  });

  test('the commands and the hover are registered; no token reaches the log or settings, which record the facts', async () => {
    const registered = new Set(await vscode.commands.getCommands(true));
    for (const command of ['oauth2Invoker.insertAccessToken', 'oauth2Invoker.insertTokenVariable', 'oauth2Invoker.refreshTokenVariable']) {
      assert.ok(registered.has(command), command);
    }
    const settings = JSON.stringify(vscode.workspace.getConfiguration('oauth2Invoker').inspect('invokers'));
    assertAbsent(settings, seen, 'settings');
    // The last line expected: once it is in the log, all before it is.
    const logText = await logWithLine(api, /\[http-short\] token variable @accessToken refreshed in expiry\.http/);
    assert.match(logText, /\[http-cc\] access token of DJMOUT inserted into literal\.http as the Authorization header of "literal"/);
    assert.match(logText, /\[http-cc\] token variable @accessToken written in variable\.http/);
    assert.match(logText, /\[http-short\] token variable @accessToken refreshed in expiry\.http/);
    assert.ok(seen.size >= 4);
    assertAbsent(logText, seen, 'the log');
  });
});
