/**
 * Part of `npm run bench`: the .http parser (src/shared/httpFile.ts) on a 10,000-request file, against the least a
 * reader of that text must do, a plain line scan (split on \n, one regex per line). Prints the time of each and
 * their ratio; `httpParseFigures()` returns the figures for execute.bench's JSON line. Nothing here asserts.
 */
import { performance } from 'node:perf_hooks';
import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';
import { parseHttpFile, tokenMarkerLine } from '../../src/shared/httpFile';

const REQUESTS = 10_000;
const ROUNDS = 31;

/** A REST Client / httpyac file of `requests` requests, as people write them: name, request line, headers, body. */
export function benchHttpFile(requests: number = REQUESTS): string {
  const lines = [tokenMarkerLine('bench'), '@accessToken = eyJhbGciOiJub25lIn0.eyJzdWIiOiJiZW5jaCJ9.', '@host = https://api.example.com', ''];
  for (let i = 0; i < requests; i += 1) {
    lines.push(
      `### request ${i}`,
      `# @name item${i}`,
      i % 2 === 0 ? `GET {{host}}/items/${i}?expand=owner&fields=a,b HTTP/1.1` : `POST {{host}}/items`,
      'Authorization: Bearer {{accessToken}}',
      'Accept: application/json',
      ...(i % 2 === 0 ? [] : ['Content-Type: application/json', '', `{"name": "item ${i}", "tags": ["a", "b"], "count": ${i}}`]),
      '',
    );
  }
  return lines.join('\n');
}

/** The baseline: every line looked at once, with one regex. Returns the count, so the work cannot be dropped. */
function lineScan(text: string): number {
  let separators = 0;
  for (const line of text.split('\n')) {
    if (/^\s*#{3,}/.test(line)) {
      separators += 1;
    }
  }
  return separators;
}

/** V8's gc(), without starting node with --expose-gc. */
function collector(): () => void {
  setFlagsFromString('--expose-gc');
  return runInNewContext('gc') as () => void;
}

function sorted(samples: number[]): number[] {
  return [...samples].sort((a, b) => a - b);
}

/**
 * Parse and scan, interleaved round by round so the machine's drift falls on both alike, each after a full GC so
 * neither pays for the other's garbage (its own is part of its cost). The ratio is of the best rounds: on a shared
 * machine the slower rounds measure the neighbours, and the best one what the code costs; the medians are printed too.
 */
export function httpParseFigures(): { http_parse_ms: number; http_line_scan_ms: number; http_parse_vs_line_scan: number } {
  const gc = collector();
  const text = benchHttpFile();
  for (let i = 0; i < 3; i += 1) {
    parseHttpFile(text);
    lineScan(text);
  }
  const parse: number[] = [];
  const scan: number[] = [];
  let found = 0;
  for (let round = 0; round < ROUNDS; round += 1) {
    gc();
    let start = performance.now();
    found += parseHttpFile(text).requests.length;
    parse.push(performance.now() - start);
    gc();
    start = performance.now();
    found += lineScan(text);
    scan.push(performance.now() - start);
  }
  if (found !== ROUNDS * 2 * REQUESTS) {
    throw new Error(`parse and scan found ${found} requests and separators, not ${ROUNDS * 2 * REQUESTS}`);
  }
  const [parseSorted, scanSorted] = [sorted(parse), sorted(scan)];
  const median = (values: number[]): number => values[values.length >> 1];
  const figures = {
    http_parse_ms: Number(parseSorted[0].toFixed(2)),
    http_line_scan_ms: Number(scanSorted[0].toFixed(2)),
    http_parse_vs_line_scan: Number((parseSorted[0] / scanSorted[0]).toFixed(2)),
  };
  const lines = text.split('\n').length;
  console.log(`.http file of ${REQUESTS} requests (${lines} lines, ${(text.length / 1e6).toFixed(1)} MB), best / median of ${ROUNDS} rounds:`);
  console.log(
    `  parse ${figures.http_parse_ms} / ${median(parseSorted).toFixed(2)} ms; plain line scan ${figures.http_line_scan_ms} / ${median(scanSorted).toFixed(2)} ms`,
  );
  console.log(
    `parse / line scan: ${figures.http_parse_vs_line_scan} (median ${(median(parseSorted) / median(scanSorted)).toFixed(2)}; one regex per kind and line made it 14)`,
  );
  return figures;
}

if (require.main === module) {
  console.log(JSON.stringify(httpParseFigures()));
}
