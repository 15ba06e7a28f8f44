/** A .gitignore pattern as a regular expression over a path relative to the .gitignore's folder (`*`, `**`, `?`, a leading `/`). */
function patternToRegExp(pattern: string): RegExp {
  const anchored = pattern.startsWith('/') || pattern.slice(0, -1).includes('/');
  const body = pattern
    .replace(/^\//, '')
    .replace(/\/$/, '')
    .split(/(\*\*\/|\*\*|\*|\?)/)
    .map((part) =>
      part === '**/' ? '(?:.*/)?' : part === '**' ? '.*' : part === '*' ? '[^/]*' : part === '?' ? '[^/]' : part.replace(/[.+^${}()|[\]\\]/g, '\\$&'),
    )
    .join('');
  return new RegExp(`^${anchored ? '' : '(?:.*/)?'}${body}$`);
}

/**
 * True when the .gitignore text ignores the file at `relativePath` (with `/` separators): the last matching line
 * decides, as in git, and a `!` line un-ignores. Directory-only and character-class patterns are read loosely.
 * @see https://git-scm.com/docs/gitignore#_pattern_format
 */
export function gitignoreCovers(text: string, relativePath: string): boolean {
  let ignored = false;
  for (const raw of text.split(/\r?\n/)) {
    const line = raw.replace(/\s+$/, '');
    if (line === '' || line.startsWith('#')) {
      continue;
    }
    const negated = line.startsWith('!');
    const pattern = negated ? line.slice(1) : line;
    if (patternToRegExp(pattern).test(relativePath)) {
      ignored = !negated;
    }
  }
  return ignored;
}

/** The .gitignore text with a line for the file added at its end (the text's own line ending kept). */
export function gitignoreWith(text: string, relativePath: string): string {
  const eol = text.includes('\r\n') ? '\r\n' : '\n';
  const separator = text === '' || text.endsWith('\n') ? '' : eol;
  return `${text}${separator}${relativePath.includes('/') ? `/${relativePath}` : relativePath}${eol}`;
}
