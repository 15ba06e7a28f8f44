import { errorText } from './tokenUi';
import type * as vscode from 'vscode';
import type { RouteBinding } from '../core/model/routeBinding';
import { allOrNothing, type UndoableStep } from '../shared/allOrNothing';
import { invokerNameIssue, tokenRouteChanged, type InvokerConfig, type InvokerScope, type SecretField } from '../shared/invoker';
import type { DraftStore } from './draftStore';
import { invokerKey, invokerLabel, type InvokerRef, type InvokerStore } from './invokerStore';
import type { MessageStore } from './messageStore';
import type { SecretStore } from './secretStore';

/** A save: the invoker's properties, where they go, what it was saved as before, and the secrets typed with it. */
export interface SaveRequest {
  readonly config: InvokerConfig;
  readonly scope: InvokerScope;
  /** The invoker as it was saved before (another name or scope: a rename or a move). */
  readonly previous?: InvokerRef;
  /** Secrets entered with this save (a value) or cleared (`''`); the others stay as stored. */
  readonly secrets?: Partial<Record<SecretField, string>>;
}

/** One invoker of an import: new, or replacing the invoker of the same name and scope (`update`). */
export interface ImportItem {
  readonly config: InvokerConfig;
  readonly secrets: Partial<Record<SecretField, string>>;
  readonly update: boolean;
}

/** What the service needs from the rest of the extension. */
export interface InvokerServiceParts {
  readonly invokers: InvokerStore;
  readonly secrets: SecretStore;
  readonly messages: MessageStore;
  readonly drafts: DraftStore;
  readonly log: vscode.LogOutputChannel;
  /** Runs `task` in the invokers' exchange queue: after every exchange of each in flight, before the next. */
  readonly serialize: <T>(keys: readonly string[], task: () => Promise<T>) => Promise<T>;
  /** The route a request of this configuration takes now, that entered secrets are bound to. */
  readonly bindingOf: (config: InvokerConfig) => Promise<RouteBinding>;
}

/**
 * Every operation that touches several stores for one invoker — save (with rename or move), delete — in one place,
 * used by the commands, the form and the API. Each runs in the invoker's exchange queue, so an Execute in flight
 * finishes first and whatever it stored (a rotated refresh token, its message) moves or goes with the invoker.
 */
export class InvokerService {
  constructor(private readonly p: InvokerServiceParts) {}

  /** Saves the invoker; a rename or move takes its secrets and message along. Resolves to where it is now. */
  save(request: SaveRequest): Promise<InvokerRef> {
    const ref: InvokerRef = { name: request.config.name, scope: request.scope };
    const keys = [invokerKey(ref), ...(request.previous !== undefined ? [invokerKey(request.previous)] : [])];
    return this.p.serialize(keys, async () => {
      const { previous } = request;
      const renamed = previous !== undefined && invokerKey(previous) !== invokerKey(ref);
      if (renamed && this.p.invokers.find(ref.name, ref.scope) !== undefined) {
        throw new Error(`"Name" is taken: another invoker is called "${ref.name}".`);
      }
      const entered = Object.entries(request.secrets ?? {}) as Array<[SecretField, string]>;
      // Before anything is written: a route that cannot be known (an unreadable CA file) fails the save as a whole.
      const binding = entered.some(([, value]) => value !== '') ? await this.p.bindingOf(request.config) : undefined;
      const before = this.p.invokers.find((previous ?? ref).name, (previous ?? ref).scope);
      await this.p.invokers.save(request.config, ref.scope, previous);
      if (previous !== undefined && renamed) {
        await this.p.secrets.move(previous, ref);
        await this.p.messages.move(previous, ref);
        this.p.log.info(`[${invokerLabel(previous)}] renamed to ${invokerLabel(ref)}, its secrets and message with it`);
      }
      if (before !== undefined && tokenRouteChanged(before.config, request.config) && this.p.messages.get(ref) !== undefined) {
        // Its tokens were issued to another server, client or route: none of them goes along the new one.
        await this.p.messages.delete([ref]);
        this.p.log.info(`[${invokerLabel(ref)}] its token URL, client or route changed: the tokens it held are cleared`);
      }
      for (const [field, value] of entered) {
        if (value === '' || binding === undefined) {
          await this.p.secrets.delete(ref, field);
        } else {
          await this.p.secrets.set(ref, field, value, binding);
        }
      }
      return ref;
    });
  }

  /**
   * Saves several invokers as one: every name and every route is checked before anything is written, and when a
   * write fails midway, the invokers written so far are put back as they were (settings and secrets), so that an
   * import is whole or not at all. An updated invoker keeps the stored secrets the import does not replace.
   */
  importInvokers(items: readonly ImportItem[], scope: InvokerScope): Promise<InvokerRef[]> {
    const refs = items.map((item): InvokerRef => ({ name: item.config.name.trim(), scope }));
    return this.p.serialize(refs.map(invokerKey), async () => {
      const existing = this.p.invokers
        .list()
        .filter((entry) => entry.scope === scope)
        .map((entry) => entry.config.name);
      const seen: string[] = [];
      items.forEach((item, index) => {
        const name = refs[index].name;
        const problem = invokerNameIssue(name, [...seen, ...(item.update ? [] : existing)]);
        if (problem !== undefined) {
          throw new Error(`Nothing was imported: ${problem}`);
        }
        if (item.update && !existing.includes(name)) {
          throw new Error(`Nothing was imported: there is no invoker "${name}" to update.`);
        }
        seen.push(name);
      });
      // Before anything is written: a route that cannot be known (an unreadable CA file) fails the import as a whole.
      const bindings = await Promise.all(
        items.map((item) => (Object.values(item.secrets).some((v) => v !== undefined && v !== '') ? this.p.bindingOf(item.config) : undefined)),
      );
      const steps = items.map((item, index): UndoableStep => {
        const ref = refs[index];
        return {
          prepare: async () => {
            const before = item.update ? this.p.invokers.find(ref.name, scope)?.config : undefined;
            const secretsBefore = await this.p.secrets.snapshot(ref);
            return async () => {
              await (before !== undefined ? this.p.invokers.save(before, scope, ref) : this.p.invokers.delete(ref));
              await this.p.secrets.restore(ref, secretsBefore);
            };
          },
          run: async () => {
            await this.p.invokers.save({ ...item.config, name: ref.name }, scope, item.update ? ref : undefined);
            const binding = bindings[index];
            for (const [field, value] of Object.entries(item.secrets) as Array<[SecretField, string]>) {
              if (value !== '' && binding !== undefined) {
                await this.p.secrets.set(ref, field, value, binding);
              }
            }
          },
        };
      });
      await allOrNothing(steps, (undoError) => this.p.log.error(`import: could not undo a step: ${errorText(undoError)}`));
      // A token of an updated invoker was issued for what it was before (another client, another server): gone.
      await this.p.messages.delete(refs.filter((_ref, index) => items[index].update));
      this.p.log.info(`imported ${refs.length} invoker(s) into ${scope} settings: ${refs.map((ref) => invokerLabel(ref)).join(', ')}`);
      return refs;
    });
  }

  /** Deletes the invoker with everything kept for it: settings entry, secrets, message and tokens, draft. */
  delete(ref: InvokerRef): Promise<void> {
    return this.p.serialize([invokerKey(ref)], async () => {
      await this.p.invokers.delete(ref);
      await this.p.secrets.deleteAll(ref);
      await this.p.messages.delete([ref]);
      await this.p.drafts.delete(invokerKey(ref));
      this.p.log.info(`[${invokerLabel(ref)}] deleted with its secrets and message`);
    });
  }
}
