/**
 * `npm run bench`: execute() against a bare undici POST of the same form and against oauth4webapi's
 * client-credentials request + processing, all three on one local token endpoint served by a child process.
 * Then 200 concurrent Executes against 200 concurrent bare undici requests (its default, unbounded pool): the
 * sockets each used and the ratio of their times; and the .http parser against a plain line scan
 * (httpParse.bench.ts). Prints p50 latency and throughput per client, the ratios, and a last JSON line with every
 * figure. Not a test: nothing here asserts.
 */
import { fork, type ChildProcess } from 'node:child_process';
import { createServer } from 'node:http';
import { createServer as createHttpsServer } from 'node:https';
import type { AddressInfo, Socket } from 'node:net';
import { performance } from 'node:perf_hooks';
import { Agent, request } from 'undici';
import { createRedactor, execute, type DJMessage, type InvokerProperties } from '../../src/core/index';
import { basicCredentialValues } from '../../src/core/secrets/redact';
import { TokenBroker, type TokenSource } from '../../src/core/tokens/tokenBroker';
import { buildTokenRequest } from '../../src/core/grants/tokenRequest';
import { bundleFigures } from './bundles.bench';
import { httpParseFigures } from './httpParse.bench';
import { createTestPki } from '../fixtures/testPki';

const ANSWER = JSON.stringify({ access_token: 'bench-access-token-0123456789', token_type: 'Bearer', expires_in: 3600, scope: 'api:read' });
const ROUNDS = 8;
const PER_ROUND = 400;
const WARMUP = 400;

function serve(): void {
  let requests = 0;
  /** The sockets that carried a request since the last 'mark'. */
  let used = new Set<Socket>();
  process.on('message', (message) => {
    if (message === 'count') {
      process.send?.({ requests, sockets: used.size });
    } else if (message === 'mark') {
      used = new Set();
      process.send?.({ marked: true });
    }
  });
  const tls = process.env.BENCH_TLS_KEY !== undefined ? { key: process.env.BENCH_TLS_KEY, cert: process.env.BENCH_TLS_CERT } : undefined;
  const handle = (req: import('node:http').IncomingMessage, res: import('node:http').ServerResponse): void => {
    requests += 1;
    used.add(req.socket);
    req.resume();
    req.on('end', () => {
      res.writeHead(200, { 'content-type': 'application/json', 'cache-control': 'no-store' });
      res.end(ANSWER);
    });
  };
  const server = tls !== undefined ? createHttpsServer(tls, handle) : createServer(handle);
  server.keepAliveTimeout = 60_000;
  server.listen(0, '127.0.0.1', () => process.send?.({ port: (server.address() as AddressInfo).port }));
}

async function startServerProcess(tls?: { key: string; cert: string }): Promise<{ child: ChildProcess; url: string }> {
  const env = tls !== undefined ? { ...process.env, BENCH_TLS_KEY: tls.key, BENCH_TLS_CERT: tls.cert } : process.env;
  const child = fork(__filename, ['--server'], { stdio: 'inherit', env });
  const { port } = await nextMessage<{ port: number }>(child);
  return { child, url: `${tls !== undefined ? 'https' : 'http'}://127.0.0.1:${port}/token` };
}

function nextMessage<T>(child: ChildProcess): Promise<T> {
  return new Promise<T>((resolve) => child.once('message', (message) => resolve(message as T)));
}

/** Requests the bench server has answered so far (counted at the server). */
async function serverRequests(child: ChildProcess): Promise<number> {
  return (await serverCount(child)).requests;
}

async function serverCount(child: ChildProcess): Promise<{ requests: number; sockets: number }> {
  const answer = nextMessage<{ requests: number; sockets: number }>(child);
  child.send('count');
  return answer;
}

/** Starts counting the sockets that carry requests afresh. */
async function markSockets(child: ChildProcess): Promise<void> {
  const answer = nextMessage<unknown>(child);
  child.send('mark');
  await answer;
}

const CONCURRENT = 200;
const CONCURRENT_ROUNDS = 9;

/**
 * 200 concurrent Executes (at most 6 connections per origin) against 200 concurrent bare undici requests with its
 * default options (a connection per request in flight): the most sockets each used, and the median time of a burst.
 */
async function concurrencyFigures(
  child: ChildProcess,
  clients: { execute: Client; undici: Client },
): Promise<{ concurrent_200_sockets: number; concurrent_200_sockets_undici_default: number; concurrent_200_time_vs_undici_default: number }> {
  const sockets = { execute: 0, undici: 0 };
  const times: Record<'execute' | 'undici', number[]> = { execute: [], undici: [] };
  for (let round = 0; round < CONCURRENT_ROUNDS; round += 1) {
    for (const name of ['execute', 'undici'] as const) {
      await markSockets(child);
      const start = performance.now();
      await Promise.all(Array.from({ length: CONCURRENT }, () => clients[name]()));
      const elapsed = performance.now() - start;
      sockets[name] = Math.max(sockets[name], (await serverCount(child)).sockets);
      if (round > 0) {
        times[name].push(elapsed); // round 0 opens the connections: a warm-up for both
      }
    }
  }
  const median = (values: number[]): number => [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)];
  const ratio = Number((median(times.execute) / median(times.undici)).toFixed(3));
  console.log(
    `${CONCURRENT} concurrent: execute used ${sockets.execute} socket(s) (at most 6), bare undici ${sockets.undici}; median burst ${median(times.execute).toFixed(1)} ms vs ${median(times.undici).toFixed(1)} ms (ratio ${ratio})`,
  );
  return { concurrent_200_sockets: sockets.execute, concurrent_200_sockets_undici_default: sockets.undici, concurrent_200_time_vs_undici_default: ratio };
}

/** The token broker: a cached token per second, and how many requests 100 concurrent callers cause. */
async function brokerFigures(
  child: ChildProcess,
  properties: InvokerProperties,
): Promise<{ cached_get_token_ops_per_s: number; concurrent_100_requests_sent: number }> {
  let current: DJMessage | undefined;
  const source: TokenSource = {
    current: () => current,
    heldRefreshToken: async () => undefined,
    refresh: () => Promise.reject(new Error('no refresh token in this benchmark')),
    reacquire: async () => (current = await execute(properties)),
  };
  const broker = new TokenBroker(Date.now, () => 60_000);
  const before = await serverRequests(child);
  await Promise.all(Array.from({ length: 100 }, () => broker.get('bench', source)));
  const concurrent = (await serverRequests(child)) - before;

  const operations = 2_000_000;
  for (let i = 0; i < 100_000; i += 1) {
    await broker.get('bench', source);
  }
  const start = performance.now();
  for (let i = 0; i < operations; i += 1) {
    await broker.get('bench', source);
  }
  const opsPerSecond = Math.round(operations / ((performance.now() - start) / 1000));
  console.log(`token broker: ${opsPerSecond} cached getAccessToken/s (target ≥ 1,000,000); 100 concurrent callers sent ${concurrent} request(s) (must be 1)`);
  return { cached_get_token_ops_per_s: opsPerSecond, concurrent_100_requests_sent: concurrent };
}

/**
 * The redactor every log line goes through (issue 9: it finds each secret in every spelling a server may echo):
 * microseconds per typical log line, against replacing the raw secrets alone with a literal regular expression.
 */
function redactionFigures(properties: InvokerProperties): { redact_us_per_line: number; redact_vs_literal: number } {
  const secrets = [properties.clientSecret as string, ...basicCredentialValues(properties.clientId as string, properties.clientSecret)];
  const redact = createRedactor(secrets);
  const literal = new RegExp(secrets.map((secret) => secret.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')).join('|'), 'g');
  const lines = [
    `POST http://127.0.0.1:9400/token — client authentication: client_secret_basic (rfc6749)`,
    `request body: grant_type=client_credentials&scope=api%3Aread&audience=https%3A%2F%2Fapi.example.com%2F`,
    `answer body: {"error":"invalid_client","error_description":"client secret ${properties.clientSecret as string} &amp; 100% wrong"}`,
    `answer body: ${ANSWER}`,
  ];
  const time = (run: (line: string) => string): number => {
    const rounds = 50_000;
    for (let i = 0; i < rounds / 10; i += 1) {
      lines.forEach(run);
    }
    const start = performance.now();
    for (let i = 0; i < rounds; i += 1) {
      lines.forEach(run);
    }
    return ((performance.now() - start) * 1000) / (rounds * lines.length);
  };
  const spelled = time(redact);
  const plain = time((line) => line.replace(literal, '[REDACTED]'));
  const figures = { redact_us_per_line: Number(spelled.toFixed(2)), redact_vs_literal: Number((spelled / plain).toFixed(2)) };
  console.log(
    `redaction: ${figures.redact_us_per_line} µs per log line, ${figures.redact_vs_literal}× a literal replace of the raw secrets (every spelling vs one)`,
  );
  return figures;
}

type Client = () => Promise<unknown>;

function percentile(sorted: number[], p: number): number {
  return sorted[Math.min(sorted.length - 1, Math.floor((sorted.length * p) / 100))];
}

/**
 * The same comparison over https: a local https server with the test CA's certificate, execute() with the CA file
 * in "CA Certificates File" against a bare undici POST whose pool trusts the same CA. p50 of interleaved rounds.
 */
async function httpsFigures(properties: InvokerProperties): Promise<{ execute_vs_undici_https_p50: number }> {
  const pki = createTestPki();
  const { child, url } = await startServerProcess(pki.server);
  const agent = new Agent({ connect: { ca: pki.ca.cert } });
  const p: InvokerProperties = { ...properties, authorizationServerUrl: url, tlsCaFile: pki.caFile };
  const prepared = buildTokenRequest(p);
  const clients: Record<'execute' | 'undici', Client> = {
    execute: () => execute(p),
    undici: async () => {
      const response = await request(url, { method: 'POST', headers: prepared.headers, body: prepared.body, dispatcher: agent });
      return JSON.parse(await response.body.text());
    },
  };
  const samples: Record<'execute' | 'undici', number[]> = { execute: [], undici: [] };
  try {
    for (const client of Object.values(clients)) {
      for (let i = 0; i < WARMUP; i += 1) {
        await client();
      }
    }
    for (let round = 0; round < ROUNDS; round += 1) {
      for (const name of ['execute', 'undici'] as const) {
        for (let i = 0; i < PER_ROUND; i += 1) {
          const t0 = performance.now();
          await clients[name]();
          samples[name].push(performance.now() - t0);
        }
      }
    }
  } finally {
    child.kill();
    await agent.close();
    pki.remove();
  }
  const p50 = (name: 'execute' | 'undici'): number =>
    percentile(
      [...samples[name]].sort((a, b) => a - b),
      50,
    );
  const ratio = Number((p50('execute') / p50('undici')).toFixed(3));
  console.log(
    `https (CA file): execute p50 ${(p50('execute') * 1000).toFixed(0)} µs, undici ${(p50('undici') * 1000).toFixed(0)} µs; execute / undici p50 (https): ${ratio} (target ≤ 1.05)`,
  );
  return { execute_vs_undici_https_p50: ratio };
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
  const broker = await brokerFigures(child, properties);
  const concurrency = await concurrencyFigures(child, { execute: clients.execute, undici: clients.undici });
  child.kill();
  const redaction = redactionFigures(properties);
  const https = await httpsFigures(properties);

  const p50: Record<string, number> = {};
  console.log(`${ROUNDS * PER_ROUND} sequential requests per client, interleaved in ${ROUNDS} rounds, Node ${process.version}`);
  console.log('client          p50 (µs)   p90 (µs)   p99 (µs)   requests/s');
  for (const name of Object.keys(clients)) {
    const sorted = [...samples[name]].sort((a, b) => a - b);
    p50[name] = percentile(sorted, 50);
    const row = [
      name.padEnd(14),
      (p50[name] * 1000).toFixed(0).padStart(9),
      (percentile(sorted, 90) * 1000).toFixed(0).padStart(10),
      (percentile(sorted, 99) * 1000).toFixed(0).padStart(10),
      ((sorted.length / busy[name]) * 1000).toFixed(0).padStart(12),
    ];
    console.log(row.join(' '));
  }
  const ratios = {
    execute_vs_undici_p50: Number((p50.execute / p50.undici).toFixed(3)),
    execute_vs_oauth4webapi_p50: Number((p50.execute / p50.oauth4webapi).toFixed(3)),
    ...broker,
    ...concurrency,
    ...redaction,
    ...https,
  };
  console.log(`execute / undici p50: ${ratios.execute_vs_undici_p50} (target ≤ 1.05)`);
  console.log(`execute / oauth4webapi p50: ${ratios.execute_vs_oauth4webapi_p50} (target ≤ 0.50)`);
  const http = httpParseFigures();
  const bundles = bundleFigures();
  console.log(JSON.stringify({ ...ratios, ...http, ...bundles }));
}

if (process.argv.includes('--server')) {
  serve();
} else {
  main().catch((error: unknown) => {
    console.error(error);
    process.exit(1);
  });
}
