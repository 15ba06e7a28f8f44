// Text from outside (a server's answer, settings, an imported file) shown by VS Code where it renders links: made
// inert, so that no click on it runs a command or opens an address.

/** U+2060 WORD JOINER: invisible, and no line may break at it. */
const JOINER = '\u2060';

/**
 * A notification's text with no link in it. VS Code's notifications (and progress notifications) turn exactly one
 * shape into a link: `[label](href)` with an href that starts with `https://`, `http://`, `command:` or `file:`
 * (`parseLinkedText` in vs/base/common/linkedText.ts, on the message with its line breaks made spaces), and a
 * `command:` link runs its command with the arguments it carries. Bare addresses stay text, so they are left as
 * they are (a verification URI stays copyable); every `](` gets an invisible joiner between its two characters,
 * which no link can then match. Applied to the whole message, so pieces of outside text cannot join into a link.
 */
export function plainText(text: string): string {
  return text.replace(/\](?=\()/g, `]${JOINER}`);
}

/**
 * Text for a Markdown string (tooltip, hover, completion documentation) that renders as the same text and nothing
 * else: every ASCII punctuation character is backslash-escaped (CommonMark §2.4), which keeps `[a](b)` from being a
 * link, `<…>` from being HTML or an autolink, `https\://` and `www\.` from being linkified (GFM autolinks need the
 * characters side by side), `$(…)` from being an icon, and `*`, `_`, `#`, `|`, a leading `1.` from being markup.
 * Line breaks become spaces: one string is one paragraph.
 */
export function escapeMarkdown(text: string): string {
  return text.replace(/[\r\n]+/g, ' ').replace(/[!-/:-@[-`{-~]/g, '\\$&');
}
