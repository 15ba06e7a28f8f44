/**
 * What a user pays in bytes and load time: the size of each bundle (and of the VSIX when it was packaged), and the time
 * to load the core at the first Execute beside a bare `require('undici')`, each in a fresh Node process (as the
 * extension host loads it once), the median of several. Reads the production build in dist/ (`npm run bench` builds it).
 */
import { execFileSync } from 'node:child_process';
import { existsSync, statSync } from 'node:fs';
import * as path from 'node:path';

const ROOT = path.resolve(__dirname, '..', '..', '..');
const RUNS = 9;

function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.floor(sorted.length / 2)];
}

/** Milliseconds to require `what` in a fresh process, measured inside it. */
function loadMs(what: string): number {
  const script = `const t=process.hrtime.bigint();require(${JSON.stringify(what)});console.log(Number(process.hrtime.bigint()-t)/1e6)`;
  return median(Array.from({ length: RUNS }, () => Number(execFileSync(process.execPath, ['-e', script], { cwd: ROOT, encoding: 'utf8' }).trim())));
}

function kb(file: string): number | undefined {
  const full = path.join(ROOT, file);
  return existsSync(full) ? Math.round(statSync(full).size / 102.4) / 10 : undefined;
}

export function bundleFigures(): Record<string, number | undefined> {
  const sizes = {
    vsix_kb: kb('dist/oauth2-invoker.vsix'),
    extension_js_kb: kb('dist/extension.js'),
    core_js_kb: kb('dist/core.js'),
    import_js_kb: kb('dist/import.js'),
    pkcs12_js_kb: kb('dist/pkcs12.js'),
  };
  const core = loadMs(path.join(ROOT, 'dist', 'core.js'));
  const undici = loadMs('undici');
  const figures = {
    ...sizes,
    core_load_ms: Number(core.toFixed(1)),
    undici_load_ms: Number(undici.toFixed(1)),
    core_vs_undici_load: Number((core / undici).toFixed(2)),
  };
  console.log(
    `bundles (KB): extension.js ${sizes.extension_js_kb} (target ≤ 160), core.js ${sizes.core_js_kb} (target ≤ 420), import.js ${sizes.import_js_kb}, pkcs12.js ${sizes.pkcs12_js_kb}, VSIX ${sizes.vsix_kb ?? 'not packaged'} (target ≤ 250)`,
  );
  console.log(
    `first Execute loads the core in ${figures.core_load_ms} ms; a bare require('undici') takes ${figures.undici_load_ms} ms (ratio ${figures.core_vs_undici_load})`,
  );
  return figures;
}
