import * as assert from 'node:assert/strict';
import { decodedQueryParameters } from '../../src/shared/decodedQuery';

/**
 * What VS Code does to a redirect's query before a URI handler sees it: `URI.parse` percent-decodes every run of
 * `%XX` once (vs/base/common/uri.ts `percentDecode`, leaving a run that does not decode as it is).
 */
function decodedOnceAsVsCode(query: string): string {
  return query.replace(/(%[0-9A-Za-z][0-9A-Za-z])+/g, (run) => {
    try {
      return decodeURIComponent(run);
    } catch {
      return run;
    }
  });
}

/** The query a server sends: each value percent-encoded (RFC 6749 §4.1.2, application/x-www-form-urlencoded). */
function sent(parameters: ReadonlyArray<readonly [string, string]>): string {
  return parameters.map(([name, value]) => `${name}=${encodeURIComponent(value)}`).join('&');
}

/** What the sign-in reads from the handler's redirect text: the URL parser's query, decoded once. */
function receivedCode(query: string): string | null {
  return new URL(`vscode://oauth2-invoker.oauth2-invoker/callback?${new URLSearchParams(decodedQueryParameters(query)).toString()}`).searchParams.get('code');
}

const CODES = ['Sp+lx/a&b%2=c==', 'a+b', 'x%2541y', 'k=v&w', '100%', 'a b', 'plain-Code_1.2~3', 'ä€'];

suite('the query a URI handler receives (issue 17, 13a)', () => {
  test('a code with +, &, %, = reaches the sign-in exactly, after VS Code decoded the query once', () => {
    for (const code of CODES) {
      const query = decodedOnceAsVsCode(
        sent([
          ['code', code],
          ['state', 'st4te-x_Y'],
          ['iss', 'https://as.example.com/realms/a?b=c'],
        ]),
      );
      assert.equal(receivedCode(query), code, code);
      assert.deepEqual(decodedQueryParameters(query), [
        ['code', code],
        ['state', 'st4te-x_Y'],
        ['iss', 'https://as.example.com/realms/a?b=c'],
      ]);
    }
  });

  test('decoding the query a second time, as before, corrupts such a code', () => {
    const query = decodedOnceAsVsCode(
      sent([
        ['code', 'Sp+lx/a&b%2=c=='],
        ['state', 's'],
      ]),
    );
    assert.notEqual(new URLSearchParams(query).get('code'), 'Sp+lx/a&b%2=c==');
    assert.equal(new URLSearchParams(decodedOnceAsVsCode(sent([['code', 'a+b']]))).get('code'), 'a b');
  });

  test('an error answer keeps its description whole; order and repeated names are kept for the parser to judge', () => {
    const query = decodedOnceAsVsCode(
      sent([
        ['error', 'access_denied'],
        ['error_description', 'The user said no & left: 100% sure'],
        ['state', 's'],
        ['state', 't'],
      ]),
    );
    assert.deepEqual(decodedQueryParameters(query), [
      ['error', 'access_denied'],
      ['error_description', 'The user said no & left: 100% sure'],
      ['state', 's'],
      ['state', 't'],
    ]);
  });

  test('an empty query, a bare name and empty values', () => {
    assert.deepEqual(decodedQueryParameters(''), []);
    assert.deepEqual(decodedQueryParameters('flag'), [['flag', '']]);
    assert.deepEqual(decodedQueryParameters('code=&state=s'), [
      ['code', ''],
      ['state', 's'],
    ]);
  });
});
