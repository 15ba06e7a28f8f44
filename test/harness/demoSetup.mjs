// What `npm start` (test/harness/demo.mjs) writes for the person: the demo invokers merged into their settings, and
// the demo workspace's example .http file for the demo's protected API. Pure functions, so the unit tests check them.

/** The names the demo gives its invokers: only these are replaced at each start; every other invoker stays. */
export const DEMO_INVOKER_NAMES = ['demo-client-credentials', 'demo-password', 'demo-sign-in', 'demo-device'];

/**
 * The `oauth2Invoker.invokers` setting after a demo start: the person's own invokers kept as they are and where they
 * are, each demo invoker updated in place (the demo server's address may have changed), the missing ones appended.
 * @param {unknown} current the setting as it is (anything: the person may have edited it by hand)
 * @param {ReadonlyArray<{ name: string }>} demo
 * @returns {unknown[]}
 */
export function mergeDemoInvokers(current, demo) {
  const existing = Array.isArray(current) ? current : [];
  const byName = new Map(demo.map((invoker) => [invoker.name, invoker]));
  const merged = existing.map((invoker) => {
    const name = typeof invoker === 'object' && invoker !== null ? invoker.name : undefined;
    const replacement = typeof name === 'string' ? byName.get(name) : undefined;
    if (replacement !== undefined) {
      byName.delete(name);
      return replacement;
    }
    return invoker;
  });
  return [...merged, ...byName.values()];
}

/**
 * The demo workspace's `api.http`: two requests to the demo's protected API (it answers 200 only to a token the demo
 * server issued and still holds active), the first to receive the token with "Insert Access Token".
 * @param {string} apiUrl e.g. http://127.0.0.1:9403/api/items
 * @param {string} [token] the access token to put in (the tests'); default a placeholder the command replaces
 */
export function demoHttpFile(apiUrl, token = '') {
  return [
    "# The demo's protected API: it answers 200 only with an access token of the demo server.",
    '# 1. Put the cursor on the first request and run "OAuth2 Invoker: Insert Access Token" → demo-client-credentials.',
    '# 2. Send it: with httpyac (`npx httpyac send api.http --all` in a terminal here) or a REST client extension.',
    '',
    '### with the access token',
    '# @name items',
    `GET ${apiUrl}`,
    ...(token !== '' ? [`Authorization: Bearer ${token}`] : []),
    '',
    '### without a token: 401',
    '# @name anonymous',
    `GET ${apiUrl}`,
    '',
  ].join('\n');
}
