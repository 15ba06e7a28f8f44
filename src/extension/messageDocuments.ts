import * as vscode from 'vscode';
import { ACCESS_TOKEN_PROPERTY } from '../core/djMessage';
import { decodeJwt, numericDateMs } from '../core/jwt';
import { describeExpiry } from '../shared/expiry';
import { invokerLabel, type InvokerRef } from './invokerStore';
import type { MessageRecord } from './messageRecord';
import type { MessageStore } from './messageStore';

export const MESSAGE_SCHEME = 'oauth2-invoker';

type Part = 'body' | 'token';

/** A read-only document showing a message's body, or its access token with the JWT decoded: opened only on request. */
export function messageDocumentUri(record: MessageRecord, part: Part): vscode.Uri {
  const file = part === 'body' ? `${record.message.name}.body` : `${record.message.name}.${ACCESS_TOKEN_PROPERTY}`;
  return vscode.Uri.from({
    scheme: MESSAGE_SCHEME,
    path: `/${file}`,
    query: new URLSearchParams({ scope: record.invoker.scope, name: record.invoker.name, part }).toString(),
  });
}

function refOf(uri: vscode.Uri): { ref: InvokerRef; part: Part } | undefined {
  const query = new URLSearchParams(uri.query);
  const scope = query.get('scope');
  const name = query.get('name');
  const part = query.get('part');
  if ((scope !== 'user' && scope !== 'workspace') || name === null || (part !== 'body' && part !== 'token')) {
    return undefined;
  }
  return { ref: { name, scope }, part };
}

function prettyBody(body: string): string {
  try {
    return JSON.stringify(JSON.parse(body), null, 2);
  } catch {
    return body;
  }
}

function tokenText(record: MessageRecord, now: number): string {
  const token = record.message.accessToken ?? '';
  const meta = record.message.metadata;
  const lines = [
    `${record.message.name}.${ACCESS_TOKEN_PROPERTY} — invoker "${invokerLabel(record.invoker)}", received ${new Date(meta.receivedAt).toLocaleString()}, ${describeExpiry(meta.expiresAt, now)}`,
    '',
    token,
  ];
  const jwt = decodeJwt(token);
  if (jwt !== undefined) {
    lines.push('', 'JWT header:', JSON.stringify(jwt.header, null, 2), '', 'JWT claims:', JSON.stringify(jwt.payload, null, 2));
    for (const claim of ['iat', 'nbf', 'exp']) {
      const at = numericDateMs(jwt.payload, claim);
      if (at !== undefined) {
        lines.push(`${claim}: ${new Date(at).toLocaleString()}`);
      }
    }
    lines.push('', 'The signature is not verified.');
  }
  return `${lines.join('\n')}\n`;
}

/** Serves `oauth2-invoker:` documents from the message store, so nothing is written to disk. */
export class MessageDocumentProvider implements vscode.TextDocumentContentProvider, vscode.Disposable {
  private readonly changed = new vscode.EventEmitter<vscode.Uri>();
  readonly onDidChange = this.changed.event;
  private readonly listener: vscode.Disposable;

  constructor(private readonly messages: MessageStore) {
    this.listener = messages.onDidChange(() => {
      for (const document of vscode.workspace.textDocuments) {
        if (document.uri.scheme === MESSAGE_SCHEME) {
          this.changed.fire(document.uri);
        }
      }
    });
  }

  dispose(): void {
    this.listener.dispose();
    this.changed.dispose();
  }

  provideTextDocumentContent(uri: vscode.Uri): string {
    const parsed = refOf(uri);
    const record = parsed !== undefined ? this.messages.get(parsed.ref) : undefined;
    if (parsed === undefined || record === undefined) {
      return 'This message is no longer available.\n';
    }
    return parsed.part === 'body' ? prettyBody(record.message.body) : tokenText(record, Date.now());
  }
}
