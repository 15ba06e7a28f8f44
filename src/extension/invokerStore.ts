import * as vscode from 'vscode';
import { normalizeInvoker, serializeInvoker, type InvokerConfig, type InvokerScope } from '../shared/invoker';
import { parseSubjectInvoker, subjectChainProblem, type SubjectLink } from '../shared/subjectInvoker';

export const INVOKERS_SETTING = 'invokers';
const SECTION = 'oauth2Invoker';

/** An invoker as found in settings, with where it is stored. */
export interface InvokerEntry {
  readonly config: InvokerConfig;
  readonly scope: InvokerScope;
}

/** Names an invoker: its name and where it is stored (names are unique per scope). */
export interface InvokerRef {
  readonly name: string;
  readonly scope: InvokerScope;
}

/** The key of an invoker's messages and form: unique among the invokers of this window. */
export function invokerKey(ref: InvokerRef): string {
  return `${ref.scope}:${ref.name}`;
}

/** How an invoker is named to the user: the workspace's are marked. */
export function invokerLabel(ref: InvokerRef): string {
  return ref.scope === 'workspace' ? `${ref.name} (workspace)` : ref.name;
}

function target(scope: InvokerScope): vscode.ConfigurationTarget {
  return scope === 'user' ? vscode.ConfigurationTarget.Global : vscode.ConfigurationTarget.Workspace;
}

/**
 * The invokers of the `oauth2Invoker.invokers` setting, user and workspace values read separately (VS Code would
 * otherwise let a workspace array hide the user's). Only non-secret properties live here.
 */
export class InvokerStore implements vscode.Disposable {
  private readonly changed = new vscode.EventEmitter<void>();
  readonly onDidChange = this.changed.event;
  private readonly listener: vscode.Disposable;

  constructor() {
    this.listener = vscode.workspace.onDidChangeConfiguration((event) => {
      if (event.affectsConfiguration(`${SECTION}.${INVOKERS_SETTING}`)) {
        this.changed.fire();
      }
    });
  }

  dispose(): void {
    this.listener.dispose();
    this.changed.dispose();
  }

  private raw(scope: InvokerScope): unknown[] {
    const inspected = vscode.workspace.getConfiguration(SECTION).inspect<unknown[]>(INVOKERS_SETTING);
    const value = scope === 'user' ? inspected?.globalValue : inspected?.workspaceValue;
    return Array.isArray(value) ? value : [];
  }

  /** Every invoker: the workspace's first, then the user's. */
  list(): InvokerEntry[] {
    const entries: InvokerEntry[] = [];
    for (const scope of ['workspace', 'user'] as const) {
      const seen = new Set<string>();
      for (const raw of this.raw(scope)) {
        const config = normalizeInvoker(raw);
        if (config !== undefined && !seen.has(config.name)) {
          seen.add(config.name);
          entries.push({ config, scope });
        }
      }
    }
    return entries;
  }

  /** The invoker of that name and scope; without a scope, the workspace's before the user's. */
  find(name: string, scope?: InvokerScope): InvokerEntry | undefined {
    return this.list().find((entry) => entry.config.name === name && (scope === undefined || entry.scope === scope));
  }

  /**
   * What is wrong with the "Subject Token From Invoker" chain that starts at `entry` (as it is, or as a form is about
   * to save it): a named invoker that does not exist, or a cycle; undefined when the chain is sound or there is none.
   */
  subjectChainProblem(entry: InvokerEntry): string | undefined {
    const linkOf = (source: InvokerEntry): SubjectLink => {
      const ref = { name: source.config.name, scope: source.scope };
      return { key: invokerKey(ref), label: invokerLabel(ref), grantType: source.config.grantType, subjectTokenInvoker: source.config.subjectTokenInvoker };
    };
    const start = linkOf(entry);
    return subjectChainProblem(start, (value) => {
      const parsed = parseSubjectInvoker(value);
      const found = this.find(parsed.name, parsed.scope);
      // The invoker being saved is taken as the form holds it, not as stored (it may not be stored yet).
      if (found !== undefined) {
        return linkOf(found).key === start.key ? start : linkOf(found);
      }
      return parsed.name === entry.config.name && (parsed.scope ?? entry.scope) === entry.scope ? start : undefined;
    });
  }

  /** Writes the invoker, replacing the one it was saved as (`previous`), which may have had another name or scope. */
  async save(config: InvokerConfig, scope: InvokerScope, previous?: InvokerRef): Promise<void> {
    if (previous !== undefined && previous.scope !== scope) {
      await this.delete(previous);
    }
    const replaced = previous?.scope === scope ? previous.name : config.name;
    const list = this.raw(scope).filter((raw) => normalizeInvoker(raw)?.name !== replaced && normalizeInvoker(raw)?.name !== config.name);
    const index = this.raw(scope).findIndex((raw) => normalizeInvoker(raw)?.name === replaced);
    const serialized = serializeInvoker(config);
    list.splice(index >= 0 ? Math.min(index, list.length) : list.length, 0, serialized);
    await vscode.workspace.getConfiguration(SECTION).update(INVOKERS_SETTING, list, target(scope));
  }

  async delete(ref: InvokerRef): Promise<void> {
    const list = this.raw(ref.scope).filter((raw) => normalizeInvoker(raw)?.name !== ref.name);
    await vscode.workspace.getConfiguration(SECTION).update(INVOKERS_SETTING, list.length > 0 ? list : undefined, target(ref.scope));
  }
}
