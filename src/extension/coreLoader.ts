import * as path from 'node:path';

/** The core's runtime API, as the extension uses it. */
export type Core = typeof import('../core/index');

let core: Core | undefined;

/**
 * Loads the core (and undici with it) from its own bundle on first use, so activation stays light.
 * esbuild writes it to dist/core.js beside dist/extension.js; a computed path keeps it out of this bundle.
 *
 * The two-bundle rule: a class of src/core that both bundles contain (InvokerError, DJMessage) is two classes at run
 * time, so `instanceof` across them is always false. The extension tests errors by their `code` and `kind` (see
 * `isInvokerError` in invokerRunner.ts) and rebuilds messages with `DJMessage.fromJSON(result.toJSON())`; the lint
 * rule in eslint.config.mjs refuses such an `instanceof` in src/extension.
 */
export function loadCore(): Core {
  if (core === undefined) {
    const file = path.join(__dirname, 'core.js');
    // eslint-disable-next-line @typescript-eslint/no-require-imports
    core = require(file) as Core;
  }
  return core;
}

/** True once the core has been loaded (the log reports it; tests check activation does not load it). */
export function isCoreLoaded(): boolean {
  return core !== undefined;
}
