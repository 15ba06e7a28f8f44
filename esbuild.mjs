// Bundles the extension (node, cjs) and the form's script (browser). Type-checking is `npm run check-types`.
import * as esbuild from 'esbuild';

const production = process.argv.includes('--production');
const watch = process.argv.includes('--watch');

const common = {
  bundle: true,
  minify: production,
  sourcemap: !production,
  sourcesContent: false,
  logLevel: 'info',
};

const contexts = await Promise.all([
  esbuild.context({
    ...common,
    entryPoints: ['src/extension/extension.ts'],
    outfile: 'dist/extension.js',
    platform: 'node',
    format: 'cjs',
    target: 'node20',
    external: ['vscode'],
  }),
  // The core (with undici) has a bundle of its own, loaded on first Execute, so activation stays light.
  esbuild.context({
    ...common,
    entryPoints: ['src/core/index.ts'],
    outfile: 'dist/core.js',
    platform: 'node',
    format: 'cjs',
    target: 'node20',
  }),
  // The importers and the export (with the YAML parser): a bundle of their own, loaded at the first Import or Export.
  esbuild.context({
    ...common,
    entryPoints: ['src/shared/import/index.ts'],
    outfile: 'dist/import.js',
    platform: 'node',
    format: 'cjs',
    target: 'node20',
  }),
  // PKCS#12 assertion keys (node-forge, most of its size) in a bundle of their own, loaded when such a key is read.
  esbuild.context({
    ...common,
    entryPoints: ['src/core/clientAuth/pkcs12.ts'],
    outfile: 'dist/pkcs12.js',
    platform: 'node',
    format: 'cjs',
    target: 'node20',
  }),
  esbuild.context({
    ...common,
    entryPoints: ['src/webview/form.ts'],
    outfile: 'dist/webview/form.js',
    platform: 'browser',
    format: 'iife',
    target: 'es2022',
  }),
]);

if (watch) {
  await Promise.all(contexts.map((ctx) => ctx.watch()));
} else {
  await Promise.all(contexts.map((ctx) => ctx.rebuild()));
  await Promise.all(contexts.map((ctx) => ctx.dispose()));
}
