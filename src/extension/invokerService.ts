import type * as vscode from 'vscode';
import type { RouteBinding } from '../core/routeBinding';
import { type InvokerConfig, type InvokerScope, type SecretField } from '../shared/invoker';
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
      await this.p.invokers.save(request.config, ref.scope, previous);
      if (previous !== undefined && renamed) {
        await this.p.secrets.move(previous, ref);
        await this.p.messages.move(previous, ref);
        this.p.log.info(`[${invokerLabel(previous)}] renamed to ${invokerLabel(ref)}, its secrets and message with it`);
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
