import { createHash } from 'node:crypto';
import * as vscode from 'vscode';
import { SECRET_FIELDS, type SecretField, type StoredSecrets } from '../shared/invoker';
import type { InvokerRef } from './invokerStore';

const KEY_PREFIX = 'oauth2Invoker.secret/';

/** A secret as stored: its value and the origin of the Authorization Server URL it may be sent to. */
interface BoundSecret {
  readonly value: string;
  readonly origin: string;
}

/** The origin a secret is bound to: scheme, host and port of the Authorization Server URL, or '' when it does not parse. */
export function originOf(url: string): string {
  try {
    return new URL(url.trim()).origin;
  } catch {
    return '';
  }
}

/** A secret held back because the invoker's URL now points elsewhere than where the secret was entered for. */
export interface WithheldSecret {
  readonly field: SecretField;
  readonly boundOrigin: string;
}

/**
 * Client secrets, passwords, refresh tokens, proxy passwords and key passphrases in VS Code's SecretStorage, bound to the invoker and to the origin of
 * its Authorization Server URL: a secret is only handed out for the origin it was entered for, so a settings change
 * (a cloned workspace, say) cannot send a stored secret to another server.
 */
export class SecretStore implements vscode.Disposable {
  private readonly changed = new vscode.EventEmitter<void>();
  readonly onDidChange = this.changed.event;
  private readonly listener: vscode.Disposable;

  constructor(
    private readonly storage: vscode.SecretStorage,
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

  private key(ref: InvokerRef, field: SecretField): string {
    return `${KEY_PREFIX}${this.scopeKey(ref)}/${ref.name}/${field}`;
  }

  private async read(ref: InvokerRef, field: SecretField): Promise<BoundSecret | undefined> {
    const text = await this.storage.get(this.key(ref, field));
    if (text === undefined) {
      return undefined;
    }
    try {
      const parsed = JSON.parse(text) as Partial<BoundSecret>;
      return typeof parsed.value === 'string' && typeof parsed.origin === 'string' ? { value: parsed.value, origin: parsed.origin } : undefined;
    } catch {
      return undefined;
    }
  }

  async set(ref: InvokerRef, field: SecretField, value: string, url: string): Promise<void> {
    await this.storage.store(this.key(ref, field), JSON.stringify({ value, origin: originOf(url) } satisfies BoundSecret));
  }

  async delete(ref: InvokerRef, field: SecretField): Promise<void> {
    await this.storage.delete(this.key(ref, field));
  }

  async deleteAll(ref: InvokerRef): Promise<void> {
    await Promise.all(SECRET_FIELDS.map((field) => this.delete(ref, field)));
  }

  /** Which secrets are stored: what the form and the tree may know. */
  async stored(ref: InvokerRef): Promise<StoredSecrets> {
    const present = await Promise.all(SECRET_FIELDS.map(async (field) => [field, (await this.read(ref, field)) !== undefined] as const));
    return Object.fromEntries(present) as Record<SecretField, boolean>;
  }

  /** Moves the secrets to a renamed or re-scoped invoker. */
  async move(from: InvokerRef, to: InvokerRef): Promise<void> {
    if (from.name === to.name && from.scope === to.scope) {
      return;
    }
    for (const field of SECRET_FIELDS) {
      const secret = await this.read(from, field);
      if (secret !== undefined) {
        await this.storage.store(this.key(to, field), JSON.stringify(secret));
        await this.delete(from, field);
      }
    }
  }

  /** The secrets that may be sent to `url` now, and those withheld because they were entered for another origin. */
  async forUrl(ref: InvokerRef, url: string, fields: readonly SecretField[]): Promise<{ values: Partial<Record<SecretField, string>>; withheld: WithheldSecret[] }> {
    const origin = originOf(url);
    const values: Partial<Record<SecretField, string>> = {};
    const withheld: WithheldSecret[] = [];
    for (const field of fields) {
      const secret = await this.read(ref, field);
      if (secret === undefined) {
        continue;
      }
      if (secret.origin === origin && origin !== '') {
        values[field] = secret.value;
      } else {
        withheld.push({ field, boundOrigin: secret.origin });
      }
    }
    return { values, withheld };
  }

  /** Binds the stored secrets to a new origin: only after the user confirmed it. */
  async rebind(ref: InvokerRef, fields: readonly SecretField[], url: string): Promise<void> {
    for (const field of fields) {
      const secret = await this.read(ref, field);
      if (secret !== undefined) {
        await this.set(ref, field, secret.value, url);
      }
    }
  }
}

/** A stable id for the open workspace (its file or first folder), so workspace invokers' secrets stay with it. */
export function workspaceIdOf(workspace: typeof vscode.workspace): string {
  const identity = workspace.workspaceFile?.toString() ?? workspace.workspaceFolders?.[0]?.uri.toString() ?? 'no-workspace';
  return createHash('sha256').update(identity).digest('hex').slice(0, 16);
}
