/**
 * Finds secrets in text however a server spelled them when it echoed them: as they are; percent-encoded UTF-8 in
 * either hex case (RFC 3986 §2.1; .NET writes lower case), with `+` for a space (form encoding); JSON-escaped
 * (`\"`, `\\`, `\/`, `\uXXXX` in either case); HTML character references (decimal, hexadecimal, named, the `&`
 * itself JSON-escaped as Go writes it, or a JSON escape HTML-escaped as `\&quot;`); or any mix of these, one
 * character spelled one way and the next another.
 *
 * It walks the text once and, where a secret may start, follows the secret character by character through every
 * reading of the text (a `%` may be a `%` or start `%25`), so nothing is decoded ahead and nothing is compiled per
 * secret: building a matcher costs next to nothing, and a line without any of the secrets' first characters or an
 * escape costs one pass.
 */

/** One way to read the text at a position: the characters it stands for and how many characters of text it takes. */
interface Reading {
  readonly value: string;
  readonly length: number;
}

const PERCENT = 0x25;
const AMPERSAND = 0x26;
const PLUS = 0x2b;
const BACKSLASH = 0x5c;

/** Named character references an HTML escaper may write: the XML five (and their upper-case forms), HTML5's names for ASCII punctuation, HTML 4's Latin-1 names. */
const ENTITIES: ReadonlyMap<string, string> = (() => {
  const names = new Map<string, string>();
  const ascii: Record<string, string> = {
    '\t': 'Tab',
    '\n': 'NewLine',
    '!': 'excl',
    '"': 'quot QUOT',
    '#': 'num',
    $: 'dollar',
    '%': 'percnt',
    '&': 'amp AMP',
    "'": 'apos',
    '(': 'lpar',
    ')': 'rpar',
    '*': 'ast midast',
    '+': 'plus',
    ',': 'comma',
    '.': 'period',
    '/': 'sol',
    ':': 'colon',
    ';': 'semi',
    '<': 'lt LT',
    '=': 'equals',
    '>': 'gt GT',
    '?': 'quest',
    '@': 'commat',
    '[': 'lsqb lbrack',
    '\\': 'bsol',
    ']': 'rsqb rbrack',
    '^': 'Hat',
    _: 'lowbar UnderBar',
    '`': 'grave DiacriticalGrave',
    '{': 'lcub lbrace',
    '|': 'verbar vert VerticalLine',
    '}': 'rcub rbrace',
  };
  for (const [character, list] of Object.entries(ascii)) {
    list.split(' ').forEach((name) => names.set(name, character));
  }
  // U+00A0 to U+00FF in order: what Spring's HtmlUtils and Apache's escapeHtml4 write for é.
  const latin1 =
    'nbsp iexcl cent pound curren yen brvbar sect uml copy ordf laquo not shy reg macr deg plusmn sup2 sup3 acute micro para middot ' +
    'cedil sup1 ordm raquo frac14 frac12 frac34 iquest Agrave Aacute Acirc Atilde Auml Aring AElig Ccedil Egrave Eacute Ecirc Euml ' +
    'Igrave Iacute Icirc Iuml ETH Ntilde Ograve Oacute Ocirc Otilde Ouml times Oslash Ugrave Uacute Ucirc Uuml Yacute THORN szlig ' +
    'agrave aacute acirc atilde auml aring aelig ccedil egrave eacute ecirc euml igrave iacute icirc iuml eth ntilde ograve oacute ' +
    'ocirc otilde ouml divide oslash ugrave uacute ucirc uuml yacute thorn yuml';
  latin1.split(' ').forEach((name, index) => names.set(name, String.fromCharCode(0xa0 + index)));
  return names;
})();

const JSON_SHORT_ESCAPES: Readonly<Record<string, string>> = { '"': '"', '\\': '\\', '/': '/', b: '\b', f: '\f', n: '\n', r: '\r', t: '\t' };

function hexValue(code: number): number {
  if (code >= 0x30 && code <= 0x39) {
    return code - 0x30;
  }
  const lower = code | 0x20;
  return lower >= 0x61 && lower <= 0x66 ? lower - 0x61 + 10 : -1;
}

function isAlphanumeric(code: number): boolean {
  const lower = code | 0x20;
  return (code >= 0x30 && code <= 0x39) || (lower >= 0x61 && lower <= 0x7a);
}

/** The byte of a `%XX` at `at`, either hex case, or -1. */
function percentByte(text: string, at: number): number {
  if (text.charCodeAt(at) !== PERCENT) {
    return -1;
  }
  const high = hexValue(text.charCodeAt(at + 1));
  const low = hexValue(text.charCodeAt(at + 2));
  return high < 0 || low < 0 ? -1 : (high << 4) | low;
}

/** A run of `%XX` forming one UTF-8 character (leniently: what a decoder that does not check too hard would accept). */
function percentReading(text: string, at: number): Reading | undefined {
  const lead = percentByte(text, at);
  if (lead < 0) {
    return undefined;
  }
  const count = lead < 0x80 ? 1 : lead >= 0xc2 && lead <= 0xdf ? 2 : lead >= 0xe0 && lead <= 0xef ? 3 : lead >= 0xf0 && lead <= 0xf4 ? 4 : 0;
  if (count === 0) {
    return undefined;
  }
  let codePoint = count === 1 ? lead : lead & (0xff >> (count + 1));
  for (let i = 1; i < count; i += 1) {
    const byte = percentByte(text, at + 3 * i);
    if (byte < 0x80 || byte > 0xbf) {
      return undefined;
    }
    codePoint = (codePoint << 6) | (byte & 0x3f);
  }
  return codePoint > 0x10ffff ? undefined : { value: String.fromCodePoint(codePoint), length: 3 * count };
}

/** An HTML character reference whose `&` (taking `prefix` characters) is at `at`: `&#233;`, `&#xE9;`, `&eacute;`. */
function entityReading(text: string, at: number, prefix: number): Reading | undefined {
  let i = at + prefix;
  let value: string | undefined;
  if (text.charCodeAt(i) === 0x23 /* # */) {
    i += 1;
    const hex = (text.charCodeAt(i) | 0x20) === 0x78; /* x or X */
    if (hex) {
      i += 1;
    }
    let codePoint = 0;
    const first = i;
    for (; i < text.length && i - first < 8; i += 1) {
      const digit = hex ? hexValue(text.charCodeAt(i)) : text.charCodeAt(i) - 0x30;
      if (digit < 0 || digit > (hex ? 15 : 9)) {
        break;
      }
      codePoint = codePoint * (hex ? 16 : 10) + digit;
    }
    if (i === first || codePoint > 0x10ffff || (codePoint >= 0xd800 && codePoint <= 0xdfff)) {
      return undefined;
    }
    value = String.fromCodePoint(codePoint);
  } else {
    const first = i;
    while (i < text.length && i - first < 32 && isAlphanumeric(text.charCodeAt(i))) {
      i += 1;
    }
    // `&name=` in a form or a URL is no reference: only look the name up when a `;` ends it.
    value = text.charCodeAt(i) === 0x3b ? ENTITIES.get(text.slice(first, i)) : undefined;
  }
  return value !== undefined && text.charCodeAt(i) === 0x3b /* ; */ ? { value, length: i + 1 - at } : undefined;
}

/** Every reading of an escape that starts at `at` (a character that is no escape has none but itself). */
function escapeReadings(text: string, at: number): Reading[] {
  const code = text.charCodeAt(at);
  const readings: Reading[] = [];
  if (code === PERCENT) {
    const percent = percentReading(text, at);
    if (percent !== undefined) {
      readings.push(percent);
    }
  } else if (code === PLUS) {
    readings.push({ value: ' ', length: 1 });
  } else if (code === AMPERSAND) {
    const entity = entityReading(text, at, 1);
    if (entity !== undefined) {
      readings.push(entity);
    }
  } else if (code === BACKSLASH) {
    const next = text[at + 1];
    if (next === 'u') {
      let unit = 0;
      for (let i = 2; i < 6 && unit >= 0; i += 1) {
        const digit = hexValue(text.charCodeAt(at + i));
        unit = digit < 0 ? -1 : (unit << 4) | digit;
      }
      if (unit >= 0) {
        readings.push({ value: String.fromCharCode(unit), length: 6 });
        if (unit === AMPERSAND) {
          // Go's encoding/json writes the & of an HTML reference as \u0026.
          const entity = entityReading(text, at, 6);
          if (entity !== undefined) {
            readings.push(entity);
          }
        }
      }
    } else if (next !== undefined && JSON_SHORT_ESCAPES[next] !== undefined) {
      readings.push({ value: JSON_SHORT_ESCAPES[next], length: 2 });
    } else if (next === '&') {
      // JSON shown in an HTML page: \" written as \&quot;.
      const entity = entityReading(text, at + 1, 1);
      if (entity !== undefined && entity.value.length === 1 && JSON_SHORT_ESCAPES[entity.value] === entity.value) {
        readings.push({ value: entity.value, length: entity.length + 1 });
      }
    }
  }
  return readings;
}

/** How many characters of the secret a reading stands for at `k`, or 0. */
function consumed(secret: string, k: number, value: string): number {
  return secret.startsWith(value, k) ? value.length : 0;
}

/** The secret with each lone surrogate replaced by U+FFFD, as UTF-8 encoders (URLSearchParams, Buffer) write it. */
function wellFormed(secret: string): string {
  return secret.replace(/[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/g, '\uFFFD');
}

/** Whether a character of text may start an escape. */
function escapeStart(code: number): boolean {
  return code === PERCENT || code === AMPERSAND || code === BACKSLASH || code === PLUS;
}

/**
 * Where a spelling of the secret that starts at `start` ends (the farthest, when several readings match), or -1.
 * It follows one reading of the text as long as it matches (plain characters need no choice), and keeps the others
 * an escape offers for later; each state (characters of the secret matched, position in the text) is visited once,
 * so no text can make it exponential.
 */
function spellingEnd(text: string, start: number, secret: string): number {
  let pending: number[] | undefined;
  let visited: Set<number> | undefined;
  const width = text.length + 1;
  let end = -1;
  let k = 0;
  let t = start;
  for (;;) {
    while (k < secret.length && t < text.length) {
      const code = text.charCodeAt(t);
      if (!escapeStart(code)) {
        if (code !== secret.charCodeAt(k)) {
          break;
        }
        k += 1;
        t += 1;
        continue;
      }
      // An escape's first character: read as itself, or as each escape that starts here. Every state entered here is
      // remembered (those between follow from these alone), so two readings that meet again are followed once.
      let nextK = -1;
      let nextT = -1;
      const seen = (visited ??= new Set<number>());
      const branch = (toK: number, toT: number): void => {
        const key = toK * width + toT;
        if (seen.has(key)) {
          return;
        }
        seen.add(key);
        if (nextK < 0) {
          nextK = toK;
          nextT = toT;
        } else {
          (pending ??= []).push(toK, toT);
        }
      };
      for (const reading of escapeReadings(text, t)) {
        const count = consumed(secret, k, reading.value);
        if (count > 0) {
          branch(k + count, t + reading.length);
        }
      }
      if (code === secret.charCodeAt(k)) {
        branch(k + 1, t + 1);
      }
      if (nextK < 0) {
        break;
      }
      k = nextK;
      t = nextT;
    }
    if (k === secret.length) {
      end = Math.max(end, t);
    }
    if (pending === undefined || pending.length === 0) {
      return end;
    }
    t = pending.pop() as number;
    k = pending.pop() as number;
  }
}

/**
 * Finds the spellings of a fixed set of secrets in text (see the top of this file for which).
 * @see https://www.rfc-editor.org/rfc/rfc3986#section-2.1
 * @see https://www.rfc-editor.org/rfc/rfc8259#section-7
 * @see https://html.spec.whatwg.org/multipage/syntax.html#character-references
 */
export class SecretSpellings {
  private readonly secrets: readonly string[];
  /** The first character of each secret, as a code unit. */
  private readonly firsts: Uint16Array;
  private readonly firstSet: ReadonlySet<number>;
  /** Where a spelling may start: an escape's first character, or a secret's first character followed by its second or an escape. */
  private readonly candidates: RegExp;

  constructor(secrets: Iterable<string>) {
    // A lone surrogate has no UTF-8 form: an echo of the encoded secret decodes to U+FFFD there, so look for that too.
    this.secrets = [...new Set([...secrets].flatMap((secret) => [secret, wellFormed(secret)]))].filter((secret) => secret !== '');
    this.firsts = Uint16Array.from(this.secrets, (secret) => secret.charCodeAt(0));
    this.firstSet = new Set(this.firsts);
    const seconds = new Map<number, Set<number>>();
    for (const secret of this.secrets) {
      const following = seconds.get(secret.charCodeAt(0)) ?? new Set<number>([PERCENT, AMPERSAND, BACKSLASH, PLUS]);
      following.add(secret.length > 1 ? secret.charCodeAt(1) : PERCENT);
      seconds.set(secret.charCodeAt(0), following);
    }
    const unit = (code: number): string => `\\u${code.toString(16).padStart(4, '0')}`;
    const firstAndSecond = [...seconds].map(([first, following]) => `${unit(first)}(?=[${[...following].map(unit).join('')}])`);
    this.candidates = new RegExp([`[${[PERCENT, AMPERSAND, BACKSLASH, PLUS].map(unit).join('')}]`, ...firstAndSecond].join('|'), 'g');
  }

  get size(): number {
    return this.secrets.length;
  }

  /**
   * The ranges `[start, end)` of text that spell one of the secrets, in order, without overlaps: from left to right,
   * the longest spelling that starts at a position, then on after its end (as a global regular expression would).
   */
  find(text: string): Array<[number, number]> {
    const ranges: Array<[number, number]> = [];
    const { firsts, secrets, candidates } = this;
    const count = secrets.length;
    // The regular expression skips, at native speed, the characters that cannot start a spelling (most of them).
    candidates.lastIndex = 0;
    while (candidates.test(text)) {
      const p = candidates.lastIndex - 1;
      const code = text.charCodeAt(p);
      let end = -1;
      if (escapeStart(code)) {
        const byte = code === PERCENT ? percentByte(text, p) : -1;
        if ((code === PLUS || (byte >= 0 && byte < 0x80)) && !this.firstSet.has(code) && !this.firstSet.has(code === PLUS ? 0x20 : byte)) {
          continue; // a `+` or a `%XX` of ASCII that stands for no secret's first character: the common case in forms
        }
        // Read the escape once; follow only the secrets whose first character it (or the character itself) stands for.
        const readings = escapeReadings(text, p);
        for (let s = 0; s < count; s += 1) {
          const secret = secrets[s];
          if (firsts[s] === code || readings.some((reading) => consumed(secret, 0, reading.value) > 0)) {
            end = Math.max(end, spellingEnd(text, p, secret));
          }
        }
      } else {
        for (let s = 0; s < count; s += 1) {
          if (firsts[s] === code) {
            end = Math.max(end, spellingEnd(text, p, secrets[s]));
          }
        }
      }
      if (end > p) {
        ranges.push([p, end]);
        candidates.lastIndex = end;
      }
    }
    return ranges;
  }

  /** The text with each spelling of a secret replaced by `replacement`. */
  replace(text: string, replacement: string): string {
    const ranges = this.find(text);
    if (ranges.length === 0) {
      return text;
    }
    let out = '';
    let at = 0;
    for (const [start, end] of ranges) {
      out += text.slice(at, start) + replacement;
      at = end;
    }
    return out + text.slice(at);
  }
}
