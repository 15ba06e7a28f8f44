import { isLoopbackHost } from './urlValidation';

// The one rule for every address the extension opens in a browser or offers to open: https://, or http:// to this
// machine. The same plain-HTTP rule as the token URL's: "Allow Insecure HTTP" lets http:// reach another host too.

/** What the rule decided: the address to open (as the URL parser writes it), or why it is not opened. */
export type OpenableUrl = { readonly ok: true; readonly href: string } | { readonly ok: false; readonly reason: string };

export interface OpenableUrlOptions {
  /** The invoker's "Allow Insecure HTTP": plain http:// to a host other than this machine is opened too. */
  readonly allowInsecureHttp?: boolean;
}

/**
 * Decides whether an address from settings, an imported file or a server may be opened: only `https:`, or `http:`
 * to a loopback host (`localhost`, 127.0.0.0/8, `::1`). Any other scheme (`vscode:`, `command:`, `file:`,
 * `javascript:`, `data:`…) would hand the address to another program or extension, and plain http:// to another
 * host would let the network read or change the sign-in page. The reason is a phrase to follow "it" (`"Authorization
 * Endpoint" was not opened: it …`) and never repeats the address, so a message built from it cannot carry its text.
 */
export function openableUrl(value: string, options: OpenableUrlOptions = {}): OpenableUrl {
  let url: URL;
  try {
    url = new URL(value.trim());
  } catch {
    return { ok: false, reason: 'is not a valid URL' };
  }
  if (url.protocol === 'https:') {
    return { ok: true, href: url.href };
  }
  if (url.protocol === 'http:') {
    return isLoopbackHost(url.hostname) || options.allowInsecureHttp === true
      ? { ok: true, href: url.href }
      : {
          ok: false,
          reason: `uses plain http:// to ${url.host}, which is not this machine, and only https:// (or http:// to this machine) is opened unless "Allow Insecure HTTP" is on`,
        };
  }
  // The scheme only: what follows it may be anything (a command's arguments, a script).
  const scheme = url.protocol.replace(/[^a-z0-9+.:-]/gi, '').slice(0, 40);
  return { ok: false, reason: `is a ${scheme} address, and only https:// (or http:// to this machine) is opened` };
}
