/**
 * `npm run bench`: execute() against a bare undici POST of the same form and against oauth4webapi's
 * client-credentials request + processing, all three on one local token endpoint served by a child process.
 * Prints p50 latency and throughput per client, the ratios, and a last JSON line. Not a test: nothing here asserts.
 */
import { fork, type ChildProcess } from 'node:child_process';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { performance } from 'node:perf_hooks';
import { request } from 'undici';
import { execute, type InvokerProperties } from '../../src/core/index';
import { buildTokenRequest } from '../../src/core/tokenRequest';

const ANSWER = JSON.stringify({ access_token: 'bench-access-token-0123456789', token_type: 'Bearer', expires_in: 3600, scope: 'api:read' });
const ROUNDS = 8;
const PER_ROUND = 400;
const WARMUP = 400;

function serve(): void {
  const server = createServer((req, res) => {
    req.resume();
    req.on('end', () => {
      res.writeHead(200, { 'content-type': 'application/json', 'cache-control': 'no-store' });
      res.end(ANSWER);
    });
  });
  server.keepAliveTimeout = 60_000;
  server.listen(0, '127.0.0.1', () => process.send?.((server.address() as AddressInfo).port));
}

async function startServerProcess(): Promise<{ child: ChildProcess; url: string }> {
  const child = fork(__filename, ['--server'], { stdio: 'inherit' });
  const port = await new Promise<number>((resolve) => child.once('message', (message) => resolve(message as number)));
  return { child, url: `http://127.0.0.1:${port}/token` };
}

type Client = () => Promise<unknown>;

function percentile(sorted: number[], p: number): number {
  return sorted[Math.min(sorted.length - 1, Math.floor((sorted.length * p) / 100))];
}

async function main(): Promise<void> {
  const { child, url } = await startServerProcess();
  const properties: InvokerProperties = {
    authorizationServerUrl: url,
    grantType: 'client_credentials',
    clientId: 'bench-client',
    clientSecret: 'bench:secret+/=',
    scope: 'api:read',
  };
  const prepared = buildTokenRequest(properties);
  const oauth = await import('oauth4webapi');
  const as = { issuer: new URL(url).origin, token_endpoint: url };
  const oauthClient = { client_id: properties.clientId as string };
  const oauthAuth = oauth.ClientSecretBasic(properties.clientSecret as string);

  const clients: Record<string, Client> = {
    execute: () => execute(properties),
    undici: async () => {
      const response = await request(url, { method: 'POST', headers: prepared.headers, body: prepared.body });
      return JSON.parse(await response.body.text());
    },
    oauth4webapi: async () => {
      const response = await oauth.clientCredentialsGrantRequest(as, oauthClient, oauthAuth, new URLSearchParams({ scope: 'api:read' }), {
        [oauth.allowInsecureRequests]: true,
      });
      return oauth.processClientCredentialsResponse(as, oauthClient, response);
    },
  };

  const samples: Record<string, number[]> = {};
  const busy: Record<string, number> = {};
  for (const [name, client] of Object.entries(clients)) {
    samples[name] = [];
    busy[name] = 0;
    for (let i = 0; i < WARMUP; i += 1) {
      await client();
    }
  }
  // Interleaved rounds, so drift in the machine's load falls on every client alike.
  for (let round = 0; round < ROUNDS; round += 1) {
    for (const [name, client] of Object.entries(clients)) {
      const start = performance.now();
      for (let i = 0; i < PER_ROUND; i += 1) {
        const t0 = performance.now();
        await client();
        samples[name].push(performance.now() - t0);
      }
      busy[name] += performance.now() - start;
    }
  }
  child.kill();

  const p50: Record<string, number> = {};
  console.log(`${ROUNDS * PER_ROUND} sequential requests per client, interleaved in ${ROUNDS} rounds, Node ${process.version}`);
  console.log('client          p50 (µs)   p90 (µs)   p99 (µs)   requests/s');
  for (const name of Object.keys(clients)) {
    const sorted = [...samples[name]].sort((a, b) => a - b);
    p50[name] = percentile(sorted, 50);
    const row = [name.padEnd(14), (p50[name] * 1000).toFixed(0).padStart(9), (percentile(sorted, 90) * 1000).toFixed(0).padStart(10),
      (percentile(sorted, 99) * 1000).toFixed(0).padStart(10), ((sorted.length / busy[name]) * 1000).toFixed(0).padStart(12)];
    console.log(row.join(' '));
  }
  const ratios = {
    execute_vs_undici_p50: Number((p50.execute / p50.undici).toFixed(3)),
    execute_vs_oauth4webapi_p50: Number((p50.execute / p50.oauth4webapi).toFixed(3)),
  };
  console.log(`execute / undici p50: ${ratios.execute_vs_undici_p50} (target ≤ 1.10)`);
  console.log(`execute / oauth4webapi p50: ${ratios.execute_vs_oauth4webapi_p50} (target ≤ 0.50)`);
  console.log(JSON.stringify(ratios));
}

if (process.argv.includes('--server')) {
  serve();
} else {
  main().catch((error: unknown) => {
    console.error(error);
    process.exit(1);
  });
}
