import * as assert from 'node:assert/strict';
import {
  authorizationInsertion,
  blockAt,
  findJwts,
  freeVariableName,
  hasAuthorizationHeader,
  headersNamed,
  insertLines,
  isVariableName,
  jwtAt,
  parseHttpFile,
  requestAt,
  splitLines,
  tokenCompletionContext,
  tokenMarkerLine,
  tokenVariableInsertion,
  tokenVariablesOf,
  type HttpFile,
  type HttpRequest,
  type LineInsertion,
} from '../../src/shared/httpFile';

/** Applies an insertion to the text, as VS Code would (with `\n` line breaks). */
function apply(text: string, insertion: LineInsertion): string {
  const lines = splitLines(text);
  const offset = lines.slice(0, insertion.line).reduce((sum, line) => sum + line.length + 1, 0) + insertion.character;
  return text.slice(0, offset) + insertion.text + text.slice(offset);
}

function request(file: HttpFile, index: number): HttpRequest {
  const found = file.requests[index];
  assert.ok(found !== undefined, `request ${index} exists`);
  return found;
}

function jwtOf(header: object, payload: object): string {
  const part = (value: object): string => Buffer.from(JSON.stringify(value)).toString('base64url');
  return `${part(header)}.${part(payload)}.c2lnbmF0dXJl`;
}

const REST_CLIENT = [
  '@host = http://127.0.0.1:8080',
  '',
  '### list',
  '# @name list',
  'GET {{host}}/items?page=1 HTTP/1.1',
  'Accept: application/json',
  '// a comment between headers',
  'X-Trace: 1',
  '',
  '###',
  '// @name create',
  'POST {{host}}/items',
  'Content-Type: application/json',
  'Authorization: Bearer {{accessToken}}',
  '',
  '{"name": "x"}',
  '',
  '###',
  'http://127.0.0.1:8080/health',
].join('\n');

suite('.http files', () => {
  test('splits requests at ### and reads request lines, names and headers (REST Client syntax)', () => {
    const file = parseHttpFile(REST_CLIENT);
    assert.equal(file.blocks.length, 4);
    assert.equal(file.blocks[0].request, undefined, 'the variables block has no request');
    assert.equal(file.requests.length, 3);

    const list = request(file, 0);
    assert.equal(list.name, 'list');
    assert.equal(list.method, 'GET');
    assert.equal(list.url, '{{host}}/items?page=1');
    assert.equal(list.httpVersion, 'HTTP/1.1');
    assert.equal(list.start, 3, 'the # @name line belongs to the request');
    assert.equal(list.requestLine, 4);
    assert.deepEqual(
      list.headers.map((header) => [header.name, header.value, header.line]),
      [
        ['Accept', 'application/json', 5],
        ['X-Trace', '1', 7],
      ],
    );
    assert.equal(list.headerInsertLine, 8);
    assert.equal(hasAuthorizationHeader(list), false);

    const create = request(file, 1);
    assert.equal(create.name, 'create', '// @name works too');
    assert.equal(create.method, 'POST');
    assert.equal(create.httpVersion, undefined);
    assert.equal(hasAuthorizationHeader(create), true);
    assert.equal(headersNamed(create, 'content-type')[0].value, 'application/json');
    assert.equal(create.headers.length, 2, 'the body is not read as headers');

    const health = request(file, 2);
    assert.equal(health.method, 'GET', 'a bare URL is a GET');
    assert.equal(health.url, 'http://127.0.0.1:8080/health');
    assert.equal(health.headerInsertLine, 19);
  });

  test('CRLF, lone CR and LF give the same structure', () => {
    const lf = parseHttpFile(REST_CLIENT);
    for (const eol of ['\r\n', '\r']) {
      const other = parseHttpFile(REST_CLIENT.replace(/\n/g, eol));
      assert.deepEqual(other.requests, lf.requests);
      assert.deepEqual(other.variables, lf.variables);
      assert.ok(other.lines.every((line) => !line.includes('\r')));
    }
  });

  test('httpyac syntax: scripts, lowercase method, query lines, request variables, titles on separators', () => {
    const file = parseHttpFile(
      [
        '{{',
        '  exports.stamp = Date.now();',
        '}}',
        '### get one',
        '@id = 42',
        '# @name one',
        'get http://localhost/items/{{id}}',
        '  ?expand=all',
        '  &fields=a,b',
        'authorization: Bearer abc',
        '',
        '?? status == 200',
        '###',
        '{{@request',
        '  request.headers.x = 1;',
        '}}',
        '{{host}}/other',
      ].join('\n'),
    );
    assert.equal(file.requests.length, 2, 'the script block is not a request');
    const one = request(file, 0);
    assert.equal(one.method, 'GET');
    assert.equal(one.requestLine, 6);
    assert.equal(one.start, 5, 'starts after the block variable, at its comments');
    assert.equal(one.headerInsertLine, 10);
    assert.equal(hasAuthorizationHeader(one), true, 'header names are case-insensitive');
    const other = request(file, 1);
    assert.equal(other.url, '{{host}}/other', 'a {{host}} URL is a bare URL, not a script');
    assert.equal(other.start, 16);
  });

  test('files that are not well-formed: stray lines, no separators, empty, only comments', () => {
    assert.equal(parseHttpFile('').requests.length, 0);
    assert.equal(parseHttpFile('# only a comment\n// another').requests.length, 0);
    assert.equal(parseHttpFile('###\n###\n###').requests.length, 0);
    const stray = parseHttpFile('some words here\nPOST /login\nContent-Type: text/plain\nthis is not a header\nX-After: 1');
    assert.equal(stray.requests.length, 1, 'a stray line does not hide the request below it');
    assert.equal(request(stray, 0).url, '/login');
    assert.deepEqual(
      request(stray, 0).headers.map((header) => header.name),
      ['Content-Type'],
      'headers end at a line that is not one',
    );
    const unterminated = parseHttpFile('{{\n  never closed\nGET /x');
    assert.equal(unterminated.requests.length, 0, 'an unterminated script swallows the rest, as httpyac would');
    const noEol = parseHttpFile('GET http://x/y');
    assert.equal(request(noEol, 0).headerInsertLine, 1);
  });

  test('white space is what JavaScript calls so: tabs, no-break and ideographic spaces, a BOM', () => {
    const file = parseHttpFile(
      [
        '\ufeff@host = h',
        '\u00a0',
        '\t### first',
        '\u3000# @name spaced',
        '\u00a0GET /x\tHTTP/1.1\u2003',
        '\u2003?a=1',
        'X-A\u00a0:\u00a0v\u00a0',
        'Bad Name: x',
        '',
      ].join('\n'),
    );
    assert.deepEqual(
      file.variables.map((variable) => [variable.name, variable.value]),
      [['host', 'h']],
    );
    assert.deepEqual(
      file.blocks.map((block) => block.separatorLine),
      [undefined, 2],
    );
    const spaced = request(file, 0);
    assert.deepEqual([spaced.name, spaced.method, spaced.url, spaced.httpVersion, spaced.start], ['spaced', 'GET', '/x', 'HTTP/1.1', 3]);
    assert.deepEqual(
      spaced.headers.map((header) => [header.name, header.value]),
      [['X-A', 'v']],
      'a name with a space in it ends the headers',
    );
    assert.equal(spaced.headerInsertLine, 7);
  });

  test('the request at a line: from its comments to the end of its block; none on separators or variable blocks', () => {
    const file = parseHttpFile(REST_CLIENT);
    assert.equal(requestAt(file, 0), undefined);
    assert.equal(requestAt(file, 2), undefined, 'a separator line');
    assert.equal(blockAt(file, 2), undefined);
    assert.equal(requestAt(file, 3)?.name, 'list');
    assert.equal(requestAt(file, 8)?.name, 'list');
    assert.equal(requestAt(file, 15)?.name, 'create', 'the body belongs to the request');
    assert.equal(requestAt(file, 18)?.method, 'GET');
  });

  test('Authorization is inserted below the last header, or below the request line', () => {
    const file = parseHttpFile(REST_CLIENT);
    const text = apply(REST_CLIENT, authorizationInsertion(file, request(file, 0), 'Bearer t0k'));
    const reparsed = parseHttpFile(text);
    assert.deepEqual(
      request(reparsed, 0).headers.map((header) => header.name),
      ['Accept', 'X-Trace', 'Authorization'],
    );
    assert.equal(headersNamed(request(reparsed, 0), 'authorization')[0].value, 'Bearer t0k');

    const bare = 'GET http://x/y';
    const added = apply(bare, authorizationInsertion(parseHttpFile(bare), request(parseHttpFile(bare), 0), 'Bearer a'));
    assert.equal(added, 'GET http://x/y\nAuthorization: Bearer a', 'no final line break is added to a file without one');

    const withBody = 'POST /x\n\n{"a": 1}\n';
    const file2 = parseHttpFile(withBody);
    assert.equal(apply(withBody, authorizationInsertion(file2, request(file2, 0), 'Bearer b')), 'POST /x\nAuthorization: Bearer b\n\n{"a": 1}\n');
  });

  test('insertLines at the end of files with and without a final line break', () => {
    assert.equal(apply('a\n', insertLines(parseHttpFile('a\n'), 5, ['x', 'y'])), 'a\nx\ny\n');
    assert.equal(apply('a', insertLines(parseHttpFile('a'), 1, ['x'])), 'a\nx');
    assert.equal(apply('', insertLines(parseHttpFile(''), 0, ['x'])), 'x\n');
  });

  test('token variables: the marker comment and the variable below it', () => {
    const text = [
      '# @oauth2-invoker My API',
      '@accessToken = abc.def',
      '',
      '// @oauth2-invoker other one',
      '',
      '@otherToken=xyz  ',
      '# @oauth2-invoker dangling',
      '',
      '###',
      'GET /x',
      'Authorization: Bearer {{accessToken}}',
    ].join('\r\n');
    const file = parseHttpFile(text);
    assert.deepEqual(
      file.tokenVariables.map((entry) => [entry.invoker, entry.markerLine, entry.variable.name, entry.variable.value, entry.variable.line]),
      [
        ['My API', 0, 'accessToken', 'abc.def', 1],
        ['other one', 3, 'otherToken', 'xyz', 5],
      ],
    );
    const variable = file.tokenVariables[1].variable;
    assert.equal(file.lines[variable.line].slice(variable.valueStart, variable.valueEnd), 'xyz');
    assert.equal(tokenVariablesOf(file, 'My API').length, 1);
    assert.equal(freeVariableName(file), 'accessToken2');
    assert.equal(freeVariableName(parseHttpFile('GET /')), 'accessToken');
    assert.equal(tokenMarkerLine('a\nb'), '# @oauth2-invoker a b');
    assert.ok(isVariableName('accessToken_2'));
    assert.ok(!isVariableName('2x') && !isVariableName('a-b') && !isVariableName(''));
  });

  test('a new token variable goes where every request sees it (httpyac scopes variables of a request block)', () => {
    const marker = ['# @oauth2-invoker api', '@accessToken = T'];
    // The first block holds a request: the lines go on top, closed with ###.
    const first = 'GET /a\nAuthorization: Bearer {{accessToken}}\n';
    const onTop = apply(first, tokenVariableInsertion(parseHttpFile(first), 1, 'api', 'accessToken', 'T'));
    assert.equal(onTop, `${marker.join('\n')}\n\n###\nGET /a\nAuthorization: Bearer {{accessToken}}\n`);
    assert.equal(parseHttpFile(onTop).blocks[0].request, undefined);

    // A global block above the first ###: below its last line, a blank line kept before the ###.
    const globals = '@host = h\n###\nGET /a\n';
    assert.equal(
      apply(globals, tokenVariableInsertion(parseHttpFile(globals), 2, 'api', 'accessToken', 'T')),
      `@host = h\n${marker.join('\n')}\n\n###\nGET /a\n`,
    );
    const spaced = '@host = h\n\n\n###\nGET /a\n';
    assert.equal(
      apply(spaced, tokenVariableInsertion(parseHttpFile(spaced), 4, 'api', 'accessToken', 'T')),
      `@host = h\n${marker.join('\n')}\n\n\n###\nGET /a\n`,
    );

    // The cursor in a block without a request: right there.
    const between = 'GET /a\n\n###\n\n###\nGET /b\n';
    assert.equal(
      apply(between, tokenVariableInsertion(parseHttpFile(between), 3, 'api', 'accessToken', 'T')),
      `GET /a\n\n###\n${marker.join('\n')}\n\n###\nGET /b\n`,
    );

    // An empty file, a file that starts with ###.
    assert.equal(apply('', tokenVariableInsertion(parseHttpFile(''), 0, 'api', 'accessToken', 'T')), `${marker.join('\n')}\n`);
    const separated = '###\nGET /a';
    assert.equal(apply(separated, tokenVariableInsertion(parseHttpFile(separated), 1, 'api', 'accessToken', 'T')), `${marker.join('\n')}\n\n###\nGET /a`);

    for (const text of [first, globals, spaced, between, '', separated]) {
      const result = apply(text, tokenVariableInsertion(parseHttpFile(text), 1, 'api', 'accessToken', 'T'));
      const reparsed = parseHttpFile(result);
      assert.equal(tokenVariablesOf(reparsed, 'api').length, 1, text);
      const line = tokenVariablesOf(reparsed, 'api')[0].variable.line;
      assert.equal(blockAt(reparsed, line)?.request, undefined, `the variable is outside any request block: ${JSON.stringify(text)}`);
    }
  });

  test('JWTs in a line, with their columns; not inside longer words', () => {
    const jwt = jwtOf({ alg: 'ES256', typ: 'at+jwt' }, { iss: 'http://127.0.0.1', exp: 1 });
    const line = `Authorization: Bearer ${jwt} and ${jwt}`;
    const found = findJwts(line);
    assert.equal(found.length, 2);
    assert.equal(line.slice(found[0].start, found[0].end), jwt);
    assert.equal(found[1].start, line.lastIndexOf(jwt));
    assert.equal(jwtAt(line, found[0].start)?.token, jwt);
    assert.equal(jwtAt(line, found[0].end)?.token, jwt, 'right after it still counts');
    assert.equal(jwtAt(line, 3), undefined);
    assert.deepEqual(findJwts(`x${jwt}`), [], 'inside a longer word');
    assert.deepEqual(findJwts('eyJhbGciOi.only-two'), []);
    assert.equal(findJwts(`@accessToken = ${jwt}`)[0].token, jwt);
    assert.equal(findJwts(`"${jwt}"`)[0].token, jwt, 'inside quotes');
  });

  test('completion contexts: after Authorization: Bearer and after @name =', () => {
    assert.deepEqual(tokenCompletionContext('Authorization: Bearer ', 22), { kind: 'bearer', valueStart: 22, valueEnd: 22, typed: '', prefix: '' });
    assert.deepEqual(tokenCompletionContext('authorization:bearer old-token', 24), { kind: 'bearer', valueStart: 21, valueEnd: 30, typed: 'old', prefix: '' });
    assert.equal(tokenCompletionContext('Authorization: Bearer', 21), undefined, 'not before the space');
    assert.equal(tokenCompletionContext('Authorization: Basic ', 21), undefined);
    assert.equal(tokenCompletionContext('X-Authorization: Bearer ', 24), undefined);
    assert.deepEqual(tokenCompletionContext('@accessToken = ', 15), {
      kind: 'variable',
      variable: 'accessToken',
      valueStart: 15,
      valueEnd: 15,
      typed: '',
      prefix: '',
    });
    assert.deepEqual(tokenCompletionContext('@t =', 4), { kind: 'variable', variable: 't', valueStart: 4, valueEnd: 4, typed: '', prefix: ' ' });
    assert.equal(tokenCompletionContext('@t = a b', 8), undefined, 'not after a value with a space');
    assert.equal(tokenCompletionContext('GET /x', 6), undefined);
  });
});
