/**
 * Everything that decides who can read an invoker's request: where it goes, through which proxy, and whom the TLS
 * layer trusts. A stored secret is bound to the binding it was entered (or confirmed) with and is not sent along
 * another one, so settings changed behind the user's back (a cloned repository, a pulled commit, Settings Sync,
 * another extension) cannot lead it elsewhere.
 */
export interface RouteBinding {
  /** Scheme, host and port of the URL the request goes to; '' when it does not parse. */
  readonly origin: string;
  /** `direct`, or `<source> <proxy origin>`: `invoker`, `settings` (VS Code's http.proxy) or the environment variable's name. */
  readonly proxy: string;
  /** Whether the server's certificate (and an https proxy's) is verified. */
  readonly verify: boolean;
  /** The extra trusted CA file ('' when none) and the SHA-256 of its content. */
  readonly caFile: string;
  readonly caSha256: string;
}

/** What a secret entered before bindings covered the route was sent with: its origin, directly, verified, no extra CA. */
export function legacyBinding(origin: string): RouteBinding {
  return { origin, proxy: 'direct', verify: true, caFile: '', caSha256: '' };
}

/**
 * The part of a binding a secret depends on: only the proxy reads the proxy password (through TLS when it is an
 * https proxy, so verification and the CA file stay part of it); every other secret goes to the server.
 */
export function bindingFor(property: string, binding: RouteBinding): RouteBinding {
  return property === 'proxyPassword' ? { ...binding, origin: '' } : binding;
}

/** True when two bindings are the same route. */
export function sameBinding(a: RouteBinding, b: RouteBinding): boolean {
  return a.origin === b.origin && a.proxy === b.proxy && a.verify === b.verify && a.caFile === b.caFile && a.caSha256 === b.caSha256;
}

function describeProxy(proxy: string): string {
  if (proxy === 'direct') {
    return 'directly';
  }
  const [source, origin] = proxy.split(' ', 2);
  const from = source === 'invoker' ? 'the invoker\'s "Proxy"' : source === 'settings' ? 'VS Code\'s "http.proxy"' : `the ${source} environment variable`;
  return `through the proxy ${origin} (from ${from})`;
}

/** The route in words, for a confirmation: where requests go, through what, and whom TLS trusts. */
export function describeRoute(binding: RouteBinding): string {
  const trust = !binding.verify
    ? "the server's certificate not verified"
    : binding.caFile !== ''
      ? `the server's certificate verified, also trusting the CA certificates file ${binding.caFile}`
      : "the server's certificate verified";
  return `${binding.origin || 'a URL that does not parse'}, ${describeProxy(binding.proxy)}, ${trust}`;
}

/** How `now` differs from `bound`, one phrase per difference, for the confirmation and the refusal; empty when they match. */
export function bindingChanges(bound: RouteBinding, now: RouteBinding): string[] {
  const changes: string[] = [];
  if (bound.origin !== now.origin) {
    changes.push(`requests now go to ${now.origin || 'a URL that does not parse'} (not ${bound.origin || 'another server'})`);
  }
  if (bound.proxy !== now.proxy) {
    changes.push(`requests now go ${describeProxy(now.proxy)} (not ${describeProxy(bound.proxy)})`);
  }
  if (bound.verify !== now.verify) {
    changes.push(now.verify ? "the server's certificate is verified again" : "the server's certificate is no longer verified");
  }
  if (bound.caFile !== now.caFile) {
    changes.push(
      now.caFile === ''
        ? 'no extra CA certificates file is trusted any more'
        : `the CA certificates file ${now.caFile} is trusted${bound.caFile !== '' ? ` (not ${bound.caFile})` : ''}`,
    );
  } else if (bound.caSha256 !== now.caSha256) {
    changes.push(`the content of the CA certificates file ${now.caFile} changed`);
  }
  return changes;
}

/**
 * What the tokens a server issued (access, refresh, id) are bound to: the route of the request that got them and
 * the client they were issued to. They are sent again (a refresh, a revocation, an introspection) only along that
 * route, as a stored secret is. `clientId` is undefined for tokens kept before bindings covered them.
 */
export interface TokenBinding {
  readonly route: RouteBinding;
  readonly clientId?: string;
}

/** How `now` differs from the binding the tokens were issued with; empty when they match. */
export function tokenBindingChanges(bound: TokenBinding, now: TokenBinding): string[] {
  const changes = bindingChanges(bound.route, now.route);
  if (bound.clientId !== undefined && now.clientId !== undefined && bound.clientId !== now.clientId) {
    changes.push(`the client is now "${now.clientId}" (not "${bound.clientId}", the client the tokens were issued to)`);
  }
  return changes;
}

/** A binding read back from storage, or undefined when it is not one (a record written before, or tampered with). */
export function parseTokenBinding(value: unknown): TokenBinding | undefined {
  const v = value as { route?: Partial<RouteBinding>; clientId?: unknown } | undefined;
  const r = v?.route;
  if (
    r === undefined ||
    typeof r.origin !== 'string' ||
    typeof r.proxy !== 'string' ||
    typeof r.verify !== 'boolean' ||
    typeof r.caFile !== 'string' ||
    typeof r.caSha256 !== 'string'
  ) {
    return undefined;
  }
  const route: RouteBinding = { origin: r.origin, proxy: r.proxy, verify: r.verify, caFile: r.caFile, caSha256: r.caSha256 };
  return typeof v?.clientId === 'string' ? { route, clientId: v.clientId } : { route };
}
