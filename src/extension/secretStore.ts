import { createHash } from 'node:crypto';
import * as vscode from 'vscode';
import { bindingFor, legacyBinding, parseTokenBinding, sameBinding, type RouteBinding } from '../core/model/routeBinding';
import { SECRET_FIELDS, type SecretField, type StoredSecrets } from '../shared/invoker';
import type { InvokerRef } from './invokerStore';
import type { OwnedSecrets } from './ownedSecrets';

const KEY_PREFIX = 'oauth2Invoker.secret/';
/** Beside an invoker's secrets: the person's consent to its Token Exchange taking another invoker's token. */
const SUBJECT_CONSENT = 'subjectTokenConsent';
/** Every key kept per invoker: moved, snapshot and deleted with it. */
const INVOKER_KEYS: readonly string[] = [...SECRET_FIELDS, SUBJECT_CONSENT];

/** The person allowed this invoker to send the access token of invoker `source` (an invoker key) along `route`. */
export interface SubjectConsent {
  readonly source: string;
  readonly route: RouteBinding;
}

/** A secret as stored: its value and the route it may be sent along (what it was entered or confirmed with). */
interface BoundSecret {
  readonly value: string;
  readonly binding: RouteBinding;
}

/** A secret held back because the route its invoker's requests take is not the one it was entered for. */
export interface WithheldSecret {
  readonly field: SecretField;
  readonly bound: RouteBinding;
}

function parse(text: string | undefined): BoundSecret | undefined {
  if (text === undefined) {
    return undefined;
  }
  try {
    const parsed = JSON.parse(text) as { value?: unknown; binding?: Partial<RouteBinding>; origin?: unknown };
    if (typeof parsed.value !== 'string') {
      return undefined;
    }
    const b = parsed.binding;
    if (
      b !== undefined &&
      typeof b.origin === 'string' &&
      typeof b.proxy === 'string' &&
      typeof b.verify === 'boolean' &&
      typeof b.caFile === 'string' &&
      typeof b.caSha256 === 'string'
    ) {
      return { value: parsed.value, binding: b as RouteBinding };
    }
    // Stored before bindings covered the whole route: it was entered for that origin, sent directly and verified.
    return { value: parsed.value, binding: legacyBinding(typeof parsed.origin === 'string' ? parsed.origin : '') };
  } catch {
    return undefined;
  }
}

/**
 * Client secrets, passwords, refresh tokens, proxy passwords and key passphrases in VS Code's SecretStorage, bound
 * to the invoker and to the route its requests took when the secret was entered or confirmed (see RouteBinding):
 * a secret is only handed out for that route, so a settings change cannot send it to another reader.
 */
export class SecretStore implements vscode.Disposable {
  private readonly changed = new vscode.EventEmitter<void>();
  readonly onDidChange = this.changed.event;
  private readonly listener: vscode.Disposable;

  constructor(
    private readonly storage: OwnedSecrets,
    private readonly workspaceId: string,
  ) {
    // Windows share SecretStorage: another window's change shows here too.
    this.listener = storage.onDidChange((event) => {
      if (event.key.startsWith(KEY_PREFIX)) {
        this.changed.fire();
      }
    });
  }

  dispose(): void {
    this.listener.dispose();
    this.changed.dispose();
  }

  /** Workspace invokers' secrets are keyed by the workspace too: another workspace's invoker of the same name never sees them. */
  scopeKey(ref: InvokerRef): string {
    return ref.scope === 'user' ? 'user' : `workspace-${this.workspaceId}`;
  }

  private key(ref: InvokerRef, field: SecretField | typeof SUBJECT_CONSENT): string {
    return `${KEY_PREFIX}${this.scopeKey(ref)}/${ref.name}/${field}`;
  }

  private async read(ref: InvokerRef, field: SecretField): Promise<BoundSecret | undefined> {
    return parse(await this.storage.get(this.key(ref, field)));
  }

  /** Stores a secret bound to the route it is entered for. */
  async set(ref: InvokerRef, field: SecretField, value: string, binding: RouteBinding): Promise<void> {
    await this.storage.store(this.key(ref, field), JSON.stringify({ value, binding: bindingFor(field, binding) } satisfies BoundSecret));
  }

  async delete(ref: InvokerRef, field: SecretField): Promise<void> {
    await this.storage.delete([this.key(ref, field)]);
  }

  async deleteAll(ref: InvokerRef): Promise<void> {
    await this.storage.delete(INVOKER_KEYS.map((field) => this.key(ref, field as SecretField)));
  }

  /**
   * The consent the person gave this invoker to take another invoker's access token (Token Exchange), kept in
   * SecretStorage where no setting, file or other extension can write it.
   */
  async subjectConsent(ref: InvokerRef): Promise<SubjectConsent | undefined> {
    try {
      const parsed = JSON.parse((await this.storage.get(this.key(ref, SUBJECT_CONSENT))) ?? 'null') as { source?: unknown; route?: unknown } | null;
      const binding = parseTokenBinding({ route: parsed?.route });
      return typeof parsed?.source === 'string' && binding !== undefined ? { source: parsed.source, route: binding.route } : undefined;
    } catch {
      return undefined;
    }
  }

  async setSubjectConsent(ref: InvokerRef, consent: SubjectConsent): Promise<void> {
    await this.storage.store(this.key(ref, SUBJECT_CONSENT), JSON.stringify(consent));
  }

  /** Which secrets are stored: what the form and the tree may know. */
  async stored(ref: InvokerRef): Promise<StoredSecrets> {
    const present = await Promise.all(SECRET_FIELDS.map(async (field) => [field, (await this.read(ref, field)) !== undefined] as const));
    return Object.fromEntries(present) as Record<SecretField, boolean>;
  }

  /** Moves the secrets to a renamed or re-scoped invoker, bindings unchanged. */
  async move(from: InvokerRef, to: InvokerRef): Promise<void> {
    if (this.key(from, 'clientSecret') === this.key(to, 'clientSecret')) {
      return;
    }
    for (const field of INVOKER_KEYS as readonly SecretField[]) {
      const text = await this.storage.get(this.key(from, field));
      if (text !== undefined) {
        await this.storage.store(this.key(to, field), text);
      }
    }
    await this.deleteAll(from);
  }

  /**
   * The invoker's secrets as stored (bound values, never shown to anyone): an operation on several invokers takes
   * this before it writes, to put everything back with `restore` when a later step fails.
   */
  async snapshot(ref: InvokerRef): Promise<ReadonlyMap<SecretField, string>> {
    const stored = new Map<SecretField, string>();
    for (const field of INVOKER_KEYS as readonly SecretField[]) {
      const text = await this.storage.get(this.key(ref, field));
      if (text !== undefined) {
        stored.set(field, text);
      }
    }
    return stored;
  }

  /** Puts back what `snapshot` took: those secrets with their bindings, and no other. */
  async restore(ref: InvokerRef, snapshot: ReadonlyMap<SecretField, string>): Promise<void> {
    await this.deleteAll(ref);
    for (const [field, text] of snapshot) {
      await this.storage.store(this.key(ref, field), text);
    }
  }

  /** The secrets that may be sent along `binding` now, and those withheld because they were entered for another route. */
  async forRoute(
    ref: InvokerRef,
    fields: readonly SecretField[],
    binding: RouteBinding,
  ): Promise<{ values: Partial<Record<SecretField, string>>; withheld: WithheldSecret[] }> {
    const values: Partial<Record<SecretField, string>> = {};
    const withheld: WithheldSecret[] = [];
    for (const field of fields) {
      const secret = await this.read(ref, field);
      if (secret === undefined) {
        continue;
      }
      if (sameBinding(secret.binding, bindingFor(field, binding))) {
        values[field] = secret.value;
      } else {
        withheld.push({ field, bound: secret.binding });
      }
    }
    return { values, withheld };
  }

  /** Binds stored secrets to a new route: only after the user confirmed it. */
  async rebind(ref: InvokerRef, fields: readonly SecretField[], binding: RouteBinding): Promise<void> {
    for (const field of fields) {
      const secret = await this.read(ref, field);
      if (secret !== undefined) {
        await this.set(ref, field, secret.value, binding);
      }
    }
  }
}

/** A stable id for the open workspace (its file or first folder), so workspace invokers' secrets stay with it. */
export function workspaceIdOf(workspace: typeof vscode.workspace): string {
  const identity = workspace.workspaceFile?.toString() ?? workspace.workspaceFolders?.[0]?.uri.toString() ?? 'no-workspace';
  return createHash('sha256').update(identity).digest('hex').slice(0, 16);
}
