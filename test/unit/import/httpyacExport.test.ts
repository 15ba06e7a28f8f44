import * as assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { execute } from '../../../src/core/index';
import { DEFAULT_INVOKER, toProperties, type InvokerConfig } from '../../../src/shared/invoker';
import { exportJetBrains } from '../../../src/shared/import/index';
import { startOidcServer, type OidcServer } from '../../fixtures/oidcServer';
import { startResourceServer, type ResourceServer } from '../../fixtures/resourceServer';

const REPO = path.resolve(__dirname, '..', '..', '..', '..');

/** Sends every request of the file with the httpyac CLI in that environment; the status of each request by name. */
async function httpyac(file: string, environment: string): Promise<Record<string, number | undefined>> {
  const bin = path.join(REPO, 'node_modules', 'httpyac', 'bin', 'httpyac.js');
  const child = spawn(process.execPath, [bin, 'send', file, '--all', '--json', '--env', environment, '--timeout', '10000'], {
    cwd: path.dirname(file),
    env: { ...process.env, NO_COLOR: '1', FORCE_COLOR: '0' },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let stdout = '';
  let stderr = '';
  child.stdout.on('data', (chunk: Buffer) => (stdout += chunk.toString('utf8')));
  child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString('utf8')));
  await new Promise<void>((resolve, reject) => {
    child.once('error', reject);
    child.once('close', () => resolve());
  });
  try {
    const output = JSON.parse(stdout) as { requests?: Array<{ name?: string; response?: { statusCode?: number } }> };
    return Object.fromEntries((output.requests ?? []).map((request) => [request.name ?? '?', request.response?.statusCode]));
  } catch {
    // stdout holds the requests with their tokens: say only what failed.
    throw new Error(`httpyac gave no JSON (stderr: ${stderr.slice(0, 500)})`);
  }
}

suite('export: one .http file with our @accessToken and httpyac\'s {{$auth.token("…")}} of the exported configuration', () => {
  let server: OidcServer;
  let resource: ResourceServer;
  let folder: string;

  suiteSetup(async () => {
    server = await startOidcServer();
    resource = await startResourceServer({ introspectionEndpoint: server.introspectionEndpoint, ...server.resourceServer });
    folder = fs.mkdtempSync(path.join(os.tmpdir(), 'oauth2-invoker-httpyac-'));
  });

  suiteTeardown(async () => {
    await Promise.all([resource?.close(), server?.close()]);
    fs.rmSync(folder, { recursive: true, force: true });
  });

  test("httpyac gets its own token from the exported env files; the invoker's token in @accessToken works beside it", async () => {
    // Credentials in the body: httpyac's Basic header joins id and secret without the form-encoding RFC 6749 §2.3.1
    // asks for, which this server (and its secret, with reserved characters) insists on.
    const config: InvokerConfig = {
      ...DEFAULT_INVOKER,
      name: 'orders',
      authorizationServerUrl: server.tokenEndpoint,
      grantType: 'client_credentials',
      credentialsInRequestBody: true,
      clientId: server.postClient.clientId,
      scope: 'api:read',
    };
    const secrets = { clientSecret: server.postClient.clientSecret };
    const exported = exportJetBrains(config, { environment: 'dev', hasClientSecret: true, secrets });
    fs.writeFileSync(path.join(folder, 'http-client.env.json'), exported.publicText);
    fs.writeFileSync(path.join(folder, 'http-client.private.env.json'), exported.privateText!);
    // What "Insert Access Token Variable" writes: the invoker's token, got by the invoker.
    const ours = (await execute(toProperties(config, secrets))).accessToken!;
    const file = path.join(folder, 'api.http');
    fs.writeFileSync(
      file,
      [
        '# @oauth2-invoker orders',
        `@accessToken = ${ours}`,
        '',
        '###',
        '# @name ours',
        `GET ${resource.origin}/api/ours`,
        'Authorization: Bearer {{accessToken}}',
        '',
        '###',
        '# @name theirs',
        `GET ${resource.origin}/api/theirs`,
        'Authorization: Bearer {{$auth.token("orders")}}',
        '',
      ].join('\n'),
    );
    const before = server.tokenRequests();
    assert.deepEqual(await httpyac(file, 'dev'), { ours: 200, theirs: 200 });
    assert.equal(server.tokenRequests() - before, 1, 'httpyac asked the server for its own token, with the exported configuration');
    assert.deepEqual(
      resource.outcomes.map((o) => [o.path, o.status, o.bearer]),
      [
        ['/api/ours', 200, true],
        ['/api/theirs', 200, true],
      ],
    );
  });
});
