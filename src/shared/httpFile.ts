/**
 * The parts of a `.http` / `.rest` file the invoker works with, parsed without VS Code: requests with their headers,
 * file variables, the invoker's token variables and JWTs. Lenient by design: it reads what REST Client and httpyac
 * read and skips anything else, so a half-written file still gives its requests.
 *
 * Syntax (REST Client `src/common/constants.ts` + `selector.ts`, httpyac's parsers):
 * - `###` (three or more `#`, optionally followed by a title) separates requests;
 * - `#` and `//` start comments; `# @name login` names the request;
 * - `@name = value` defines a file variable, used as `{{name}}`;
 * - a request is `METHOD url [HTTP/x.y]` or a bare URL (GET), optional `?a=1` / `&b=2` query lines, then headers up
 *   to the first blank line, then the body;
 * - httpyac scripts (`{{` ... `}}` on lines of their own) may precede the request line.
 */

/** One header line of a request. */
export interface HttpHeader {
  readonly name: string;
  readonly value: string;
  readonly line: number;
}

/** A request: its request line, headers and where it sits in the file (0-based lines). */
export interface HttpRequest {
  /** The first line that belongs to the request: its `# @name` and other comments directly above the request line. */
  readonly start: number;
  readonly requestLine: number;
  /** The method as written, or `GET` for a bare URL. */
  readonly method: string;
  readonly url: string;
  readonly httpVersion?: string;
  /** The `# @name` / `// @name` of the request. */
  readonly name?: string;
  readonly headers: readonly HttpHeader[];
  /** The line a new header is inserted at: after the last header, or after the request line and its query lines. */
  readonly headerInsertLine: number;
  /** The last line of the request's block (before the next separator or the end of the file). */
  readonly end: number;
}

/** The lines between two separators (or a separator and an edge of the file), and the request in them if any. */
export interface HttpBlock {
  /** First line of the block (the line after its `###`), inclusive. */
  readonly start: number;
  /** Last line of the block, inclusive; `end < start` for an empty block. */
  readonly end: number;
  /** The `###` line that opens the block; undefined for the first block. */
  readonly separatorLine?: number;
  readonly request?: HttpRequest;
}

/** A file variable line `@name = value`; columns are 0-based, `valueEnd` exclusive. */
export interface FileVariable {
  readonly name: string;
  readonly value: string;
  readonly line: number;
  readonly valueStart: number;
  readonly valueEnd: number;
}

/** A file variable written by the invoker: the marker comment naming the invoker, and the variable below it. */
export interface TokenVariable {
  readonly invoker: string;
  readonly markerLine: number;
  readonly variable: FileVariable;
}

export interface HttpFile {
  readonly lines: readonly string[];
  readonly blocks: readonly HttpBlock[];
  readonly requests: readonly HttpRequest[];
  readonly variables: readonly FileVariable[];
  readonly tokenVariables: readonly TokenVariable[];
}

/** A JWT-shaped run of text in a line; columns 0-based, `end` exclusive. */
export interface JwtMatch {
  readonly token: string;
  readonly start: number;
  readonly end: number;
}

/** Where a completion of a token value applies: after `Authorization: Bearer ` or after `@name = `. */
export interface TokenCompletionContext {
  readonly kind: 'bearer' | 'variable';
  /** The variable's name, for `kind: 'variable'`. */
  readonly variable?: string;
  /** Column where the value starts (what the completion inserts from). */
  readonly valueStart: number;
  /** Column where the value already on the line ends (what a replacing completion replaces up to). */
  readonly valueEnd: number;
  /** The text between `valueStart` and the cursor. */
  readonly typed: string;
  /** What goes before the value when the line has none yet: a space after a bare `=`. */
  readonly prefix: string;
}

/** A text insertion, in line/column terms of the original document; `text` uses `\n` (VS Code writes the document's EOL). */
export interface LineInsertion {
  readonly line: number;
  readonly character: number;
  readonly text: string;
}

/** The comment keyword of the marker above a token variable: a metadata-style comment that REST Client and httpyac both ignore. */
export const TOKEN_MARKER_KEYWORD = '@oauth2-invoker';
export const DEFAULT_TOKEN_VARIABLE = 'accessToken';

// Each regex is tried only on lines whose first character can start a match (see `indentOf` and the `CHAR` codes):
// one pass over a 10,000-request file then costs a few line scans, not one regex per kind and line.
const REQUEST_NAME = /^\s*(?:#+|\/{2,})\s*@name(?:\s+|\s*=\s*)(\S+)\s*$/;
const FILE_VARIABLE = /^(\s*@)([^\s=]+)(\s*=\s*)(.*?)\s*$/;
const TOKEN_MARKER = /^\s*(?:#+|\/{2,})\s*@oauth2-invoker\s+(.+?)\s*$/;
const SCRIPT_START = /^\s*\{\{[+@]?[\w-]*\s*$/;
const SCRIPT_END = /^\s*\}\}\s*$/;
/** RFC 9110 §5.6.2 token characters: a header's name. */
const HEADER_NAME = /^[!#$%&'*+.^_`|~0-9A-Za-z-]+$/;
const METHODS =
  'GET|POST|PUT|DELETE|PATCH|HEAD|OPTIONS|CONNECT|TRACE|LOCK|UNLOCK|PROPFIND|PROPPATCH|COPY|MOVE|MKCOL|MKCALENDAR|ACL|SEARCH|REPORT|QUERY|GRAPHQL';
const REQUEST_LINE = new RegExp(`^\\s*(${METHODS})\\s+(\\S.*?)(?:\\s+(HTTP\\/[\\d.]+))?\\s*$`, 'i');
/** A bare URL (GET): absolute, a `{{host}}` interpolation (not a script opener), or a path. */
const BARE_URL = /^\s*((?:https?:\/\/|\{\{[^{}]+\}\}|\/)\S*?)(?:\s+(HTTP\/[\d.]+))?\s*$/i;
const BEARER_PREFIX = /^(\s*authorization\s*:\s*bearer\s+)(\S*)$/i;
const VARIABLE_PREFIX = /^(\s*@([^\s=]+)\s*=)(\s*)(\S*)$/;
/** Three base64url parts, the first of them a JSON object (`{"` is `eyJ`), not inside a longer word. */
const JWT = /(?<![A-Za-z0-9_.-])eyJ[A-Za-z0-9_-]+\.[A-Za-z0-9_-]+\.[A-Za-z0-9_-]*(?![A-Za-z0-9_.-])/g;
const VARIABLE_NAME = /^[A-Za-z_][A-Za-z0-9_]*$/;
const WHITE_SPACE = /\s/;

const CHAR = { hash: 0x23, ampersand: 0x26, slash: 0x2f, question: 0x3f, at: 0x40, openBrace: 0x7b, closeBrace: 0x7d } as const;

/** Splits text into lines as VS Code does (`\r\n`, `\n` or a lone `\r`), without the line breaks. */
export function splitLines(text: string): string[] {
  return text.includes('\r') ? text.split(/\r\n|\r|\n/) : text.split('\n');
}

/** The column of a line's first character that is not white space (as the regex `\s` and `trim()` define it); -1 for a blank line. */
function indentOf(line: string): number {
  for (let column = 0; column < line.length; column += 1) {
    const code = line.charCodeAt(column);
    if (code === 0x20 || (code >= 0x09 && code <= 0x0d)) {
      continue;
    }
    if (code < 0x80 || !WHITE_SPACE.test(line[column])) {
      return column;
    }
  }
  return -1;
}

/** `# …` or `// …` (a line starting `/` alone is a path). */
function isComment(line: string, indent: number): boolean {
  const code = line.charCodeAt(indent);
  return code === CHAR.hash || (code === CHAR.slash && line.charCodeAt(indent + 1) === CHAR.slash);
}

/** `?a=1` or `&b=2` below a request line: its query, continued. */
function isQueryLine(line: string, indent: number): boolean {
  const code = indent >= 0 ? line.charCodeAt(indent) : -1;
  return code === CHAR.question || code === CHAR.ampersand;
}

function parseVariable(line: string, index: number, indent: number): FileVariable | undefined {
  const match = line.charCodeAt(indent) === CHAR.at ? FILE_VARIABLE.exec(line) : null;
  if (match === null) {
    return undefined;
  }
  const valueStart = match[1].length + match[2].length + match[3].length;
  return { name: match[2], value: match[4], line: index, valueStart, valueEnd: valueStart + match[4].length };
}

/** The lines of a file with the column of each one's first non-blank character (-1: blank). */
interface Lines {
  readonly text: readonly string[];
  readonly indents: Int32Array;
}

/**
 * The header on a line: a name of RFC 9110 §5.6.2 token characters, a colon, and the value (the rest, trimmed). By
 * indexes rather than a capturing regex: a large file has tens of thousands of headers.
 */
function parseHeader(line: string, indent: number, index: number): HttpHeader | undefined {
  const colon = line.indexOf(':', indent);
  const name = colon > indent ? line.slice(indent, colon).trimEnd() : '';
  return HEADER_NAME.test(name) ? { name, value: line.slice(colon + 1).trim(), line: index } : undefined;
}

/** The request in lines `start..end` of a block, if there is one. */
function parseRequest(lines: Lines, start: number, end: number): HttpRequest | undefined {
  const { text, indents } = lines;
  let inScript = false;
  let name: string | undefined;
  // The first line the request owns: after the last variable, script or unknown line above the request line.
  let owned = start;
  for (let i = start; i <= end; i += 1) {
    const line = text[i];
    const indent = indents[i];
    if (inScript) {
      inScript = !(indent >= 0 && line.charCodeAt(indent) === CHAR.closeBrace && SCRIPT_END.test(line));
      owned = i + 1;
      continue;
    }
    if (indent < 0) {
      continue;
    }
    if (isComment(line, indent)) {
      name = (line.includes('@name', indent) ? REQUEST_NAME.exec(line)?.[1] : undefined) ?? name;
      continue;
    }
    const first = line.charCodeAt(indent);
    if (first === CHAR.openBrace && SCRIPT_START.test(line)) {
      inScript = true;
      owned = i + 1;
      continue;
    }
    if (first === CHAR.at && FILE_VARIABLE.test(line)) {
      owned = i + 1;
      continue;
    }
    const request = REQUEST_LINE.exec(line);
    const bare = request === null ? BARE_URL.exec(line) : null;
    if (request === null && bare === null) {
      // Not a request line: skip it rather than take it for one, so a stray line does not hide the request below.
      owned = i + 1;
      continue;
    }
    let next = i + 1;
    while (next <= end && isQueryLine(text[next], indents[next])) {
      next += 1;
    }
    // Headers up to the first blank line or a line that is not one; comments between them are skipped.
    const headers: HttpHeader[] = [];
    let headerInsertLine = next;
    for (; next <= end && indents[next] >= 0; next += 1) {
      if (isComment(text[next], indents[next])) {
        continue;
      }
      const header = parseHeader(text[next], indents[next], next);
      if (header === undefined) {
        break;
      }
      headers.push(header);
      headerInsertLine = next + 1;
    }
    while (owned < i && indents[owned] < 0) {
      owned += 1;
    }
    return {
      start: owned,
      requestLine: i,
      method: request !== null ? request[1].toUpperCase() : 'GET',
      url: request !== null ? request[2] : (bare as RegExpExecArray)[1],
      httpVersion: request !== null ? request[3] : bare?.[2],
      name,
      headers,
      headerInsertLine,
      end,
    };
  }
  return undefined;
}

/**
 * Parses a `.http` / `.rest` document (text or its lines). Never throws: what it cannot read, it skips.
 * One pass over the lines: blocks end at separators, variables and token markers are read on the way, and a
 * marker's variable is the next line that is not blank.
 */
export function parseHttpFile(source: string | readonly string[]): HttpFile {
  const text = typeof source === 'string' ? splitLines(source) : source;
  const lines: Lines = { text, indents: new Int32Array(text.length) };
  const blocks: HttpBlock[] = [];
  const variables: FileVariable[] = [];
  const tokenVariables: TokenVariable[] = [];
  let start = 0;
  let separatorLine: number | undefined;
  let marker: { invoker: string; line: number } | undefined;
  const close = (end: number): void => {
    blocks.push({ start, end, separatorLine, request: parseRequest(lines, start, end) });
  };
  for (let index = 0; index < text.length; index += 1) {
    const line = text[index];
    const indent = indentOf(line);
    lines.indents[index] = indent;
    if (indent < 0) {
      continue;
    }
    const variable = parseVariable(line, index, indent);
    if (variable !== undefined) {
      variables.push(variable);
    }
    if (marker !== undefined && variable !== undefined) {
      tokenVariables.push({ invoker: marker.invoker, markerLine: marker.line, variable });
    }
    marker = undefined;
    if (!isComment(line, indent)) {
      continue;
    }
    const found = line.includes(TOKEN_MARKER_KEYWORD, indent) ? TOKEN_MARKER.exec(line) : null;
    if (found !== null) {
      marker = { invoker: found[1], line: index };
    }
    if (line.startsWith('###', indent)) {
      close(index - 1);
      start = index + 1;
      separatorLine = index;
    }
  }
  close(text.length - 1);
  const requests: HttpRequest[] = [];
  for (const block of blocks) {
    if (block.request !== undefined) {
      requests.push(block.request);
    }
  }
  return { lines: text, blocks, requests, variables, tokenVariables };
}

/** The block a line is in; undefined on a separator line or outside the file. */
export function blockAt(file: HttpFile, line: number): HttpBlock | undefined {
  return file.blocks.find((block) => block.start <= line && line <= block.end);
}

/** The request a line belongs to: from its comments above the request line to the end of its block. */
export function requestAt(file: HttpFile, line: number): HttpRequest | undefined {
  const request = blockAt(file, line)?.request;
  return request !== undefined && line >= request.start ? request : undefined;
}

/** The request's headers of that name (case-insensitive, RFC 9110 §5.1). */
export function headersNamed(request: HttpRequest, name: string): HttpHeader[] {
  const wanted = name.toLowerCase();
  return request.headers.filter((header) => header.name.toLowerCase() === wanted);
}

export function hasAuthorizationHeader(request: HttpRequest): boolean {
  return headersNamed(request, 'authorization').length > 0;
}

/** The marker comment written above a token variable. */
export function tokenMarkerLine(invokerName: string): string {
  return `# ${TOKEN_MARKER_KEYWORD} ${invokerName.replace(/[\r\n]+/g, ' ').trim()}`;
}

/** A file variable line, in the one spelling both REST Client and httpyac read. */
export function fileVariableLine(name: string, value: string): string {
  return `@${name} = ${value}`;
}

/** Whether a name is safe as a file variable in REST Client and httpyac alike. */
export function isVariableName(name: string): boolean {
  return VARIABLE_NAME.test(name);
}

/** A free variable name: `preferred`, else `preferred2`, `preferred3`, … (names taken by the file's variables). */
export function freeVariableName(file: HttpFile, preferred: string = DEFAULT_TOKEN_VARIABLE): string {
  const taken = new Set(file.variables.map((variable) => variable.name));
  let name = preferred;
  for (let n = 2; taken.has(name); n += 1) {
    name = `${preferred}${n}`;
  }
  return name;
}

/** The token variables of an invoker (by name) in the file. */
export function tokenVariablesOf(file: HttpFile, invokerName: string): TokenVariable[] {
  return file.tokenVariables.filter((entry) => entry.invoker === invokerName);
}

/** Inserts whole lines before line `line`, or after the last line when `line` is past it. */
export function insertLines(file: HttpFile, line: number, newLines: readonly string[]): LineInsertion {
  const last = file.lines.length - 1;
  // Past the end of a file that ends with a line break (its last line is empty) is before that empty line.
  const at = line > last && file.lines[last] === '' ? last : line;
  if (at <= last) {
    return { line: at, character: 0, text: newLines.map((text) => `${text}\n`).join('') };
  }
  // After a last line without a line break: keep the file without a final one.
  return { line: last, character: file.lines[last].length, text: newLines.map((text) => `\n${text}`).join('') };
}

/** Where `Authorization: <value>` goes in a request: below its last header (or its request line). */
export function authorizationInsertion(file: HttpFile, request: HttpRequest, value: string): LineInsertion {
  return insertLines(file, request.headerInsertLine, [`Authorization: ${value}`]);
}

/**
 * Where a new token variable goes, so that every request of the file sees it. Both clients read file variables
 * anywhere, but httpyac scopes a variable to its block when the block has a request: so the lines go to a block
 * without one — the cursor's, else the top of the file (closed with a `###` when the first block holds a request).
 */
export function tokenVariableInsertion(file: HttpFile, cursorLine: number, invokerName: string, variable: string, value: string): LineInsertion {
  const lines = [tokenMarkerLine(invokerName), fileVariableLine(variable, value)];
  const here = blockAt(file, cursorLine);
  if (here !== undefined && here.request === undefined && cursorLine < file.lines.length) {
    return insertLines(file, cursorLine, lines);
  }
  const first = file.blocks[0];
  if (first.request !== undefined) {
    return insertLines(file, 0, [...lines, '', '###']);
  }
  let end = first.end;
  while (end >= first.start && file.lines[end].trim() === '') {
    end -= 1;
  }
  // Below the block's last non-blank line; a blank line is kept between the variable and a `###` right below it.
  const separatorBelow = end === first.end && first.end + 1 < file.lines.length;
  return insertLines(file, end + 1, separatorBelow ? [...lines, ''] : lines);
}

/** The JWT-shaped tokens of a line (shape only; decoding tells whether it is one). */
export function findJwts(line: string): JwtMatch[] {
  return [...line.matchAll(JWT)].map((match) => ({ token: match[0], start: match.index, end: match.index + match[0].length }));
}

/** The JWT-shaped token at a column (its end counts, as a cursor right after it is on it). */
export function jwtAt(line: string, character: number): JwtMatch | undefined {
  return findJwts(line).find((match) => match.start <= character && character <= match.end);
}

/** Whether a token value completion applies at `character` of `line`: after `Authorization: Bearer ` or `@name =`. */
export function tokenCompletionContext(line: string, character: number): TokenCompletionContext | undefined {
  const before = line.slice(0, character);
  const valueEndFrom = (start: number): number => {
    const rest = /^\S*/.exec(line.slice(start));
    return start + (rest?.[0].length ?? 0);
  };
  const bearer = BEARER_PREFIX.exec(before);
  if (bearer !== null) {
    const valueStart = bearer[1].length;
    return { kind: 'bearer', valueStart, valueEnd: valueEndFrom(valueStart), typed: bearer[2], prefix: '' };
  }
  const variable = VARIABLE_PREFIX.exec(before);
  if (variable !== null) {
    const valueStart = variable[1].length + variable[3].length;
    return {
      kind: 'variable',
      variable: variable[2],
      valueStart,
      valueEnd: valueEndFrom(valueStart),
      typed: variable[4],
      prefix: variable[3] === '' ? ' ' : '',
    };
  }
  return undefined;
}
