import type { Confirmations } from './confirmations';

/** What a command was called with, in words: the invoker it names, for the question to the person. */
function invokerNamed(target: unknown): string {
  if (typeof target === 'string') {
    return target;
  }
  const t = target as { name?: unknown; invoker?: unknown; record?: { invoker?: { name?: unknown } } } | null;
  const name =
    typeof t?.name === 'string'
      ? t.name
      : typeof t?.invoker === 'string'
        ? t.invoker
        : typeof (t?.invoker as { name?: unknown } | undefined)?.name === 'string'
          ? (t?.invoker as { name: string }).name
          : t?.record?.invoker?.name;
  return typeof name === 'string' ? name : 'an invoker';
}

/**
 * Another extension can run any command with any arguments, and read what a command leaves behind: the clipboard, an
 * open document, an edited file. The commands that hand out a token or a message body therefore serve, without asking,
 * only a person's own gestures: no argument (the person then picks), or an argument the extension made itself (a tree
 * node, a CodeLens's or a completion's arguments, which VS Code passes back as the same object). Any other argument —
 * a name or a reference from another extension, a forged tree node, a keybinding's args — waits for the person's
 * consent first, as VS Code's Accounts consent does.
 */
export class CommandTargets {
  private readonly made = new WeakSet<object>();

  constructor(private readonly confirmations: Confirmations) {}

  /** Marks an argument the extension made itself; returns it. */
  own<T>(value: T): T {
    if (typeof value === 'object' && value !== null) {
      this.made.add(value);
    }
    return value;
  }

  /** True for no argument, or one the extension made itself. */
  isOwn(value: unknown): boolean {
    return value === undefined || (typeof value === 'object' && value !== null && this.made.has(value));
  }

  /**
   * A command handler that hands out `what` ("copy the access token", …): run at once for the person's own gestures,
   * else only after the person allowed it.
   */
  handingOut<A extends unknown[]>(what: string, run: (target: unknown, ...rest: A) => unknown): (target: unknown, ...rest: A) => Promise<unknown> {
    return async (target, ...rest) => {
      if (!this.isOwn(target)) {
        const allowed = await this.confirmations.confirm({
          text: `A command was run to ${what} of invoker "${invokerNamed(target)}".`,
          detail:
            'It did not come from the OAuth2 Invoker views, so another extension may have run it, to read the token from where the command puts it. Allow it only if you started it yourself (a keybinding, a task).',
          button: 'Allow',
        });
        if (!allowed) {
          return undefined;
        }
      }
      return run(target, ...rest);
    };
  }
}
