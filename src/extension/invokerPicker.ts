import * as vscode from 'vscode';
import { GRANT_TYPE_LABELS } from '../shared/properties';
import { invokerKey, invokerLabel, type InvokerEntry, type InvokerRef, type InvokerStore } from './invokerStore';
import { showInformation } from './notifications';

const LAST_USED = 'oauth2Invoker.lastUsed';

/** Remembers which invokers ran last, so the quick pick offers them first. */
export class RecentInvokers {
  constructor(private readonly memento: vscode.Memento) {}

  order(): string[] {
    return this.memento.get<string[]>(LAST_USED, []);
  }

  async touch(ref: InvokerRef): Promise<void> {
    const key = invokerKey(ref);
    await this.memento.update(LAST_USED, [key, ...this.order().filter((k) => k !== key)].slice(0, 50));
  }
}

/**
 * Asks which invoker to use: last used first; undefined when there is none or the user cancels. With `only`, just the
 * invokers it accepts, and `none` says what is missing when there is none.
 */
export async function pickInvoker(
  invokers: InvokerStore,
  recent: RecentInvokers,
  placeHolder: string,
  only: { readonly accepts: (entry: InvokerEntry) => boolean; readonly none: string } = { accepts: () => true, none: 'There is no OAuth2 invoker yet.' },
): Promise<InvokerRef | undefined> {
  const order = recent.order();
  const rank = (ref: InvokerRef): number => {
    const index = order.indexOf(invokerKey(ref));
    return index === -1 ? Number.MAX_SAFE_INTEGER : index;
  };
  const entries = invokers
    .list()
    .filter(only.accepts)
    .sort((a, b) => rank({ name: a.config.name, scope: a.scope }) - rank({ name: b.config.name, scope: b.scope }));
  if (entries.length === 0) {
    const create = 'New Invoker';
    if ((await showInformation(only.none, create)) === create) {
      await vscode.commands.executeCommand('oauth2Invoker.newInvoker');
    }
    return undefined;
  }
  const items = entries.map((entry) => ({
    label: invokerLabel({ name: entry.config.name, scope: entry.scope }),
    description: `${GRANT_TYPE_LABELS[entry.config.grantType]} → ${entry.config.targetMessage}`,
    detail: entry.config.authorizationServerUrl,
    ref: { name: entry.config.name, scope: entry.scope } satisfies InvokerRef,
  }));
  const picked = await vscode.window.showQuickPick(items, { placeHolder, matchOnDetail: true });
  return picked?.ref;
}
