/**
 * The error's text and its hint as the person reads them: two sentences, the error's ended with a full stop when the
 * server's text (an `error_description`) has none, so that the two never run together.
 */
export function withHint(message: string, hint: string): string {
  const trimmed = message.trimEnd();
  return `${/[.!?:…]$/.test(trimmed) ? trimmed : `${trimmed}.`} ${hint}`;
}
