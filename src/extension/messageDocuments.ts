import { randomBytes } from 'node:crypto';
import * as vscode from 'vscode';
import { ACCESS_TOKEN_PROPERTY } from '../core/model/djMessage';
import { decodeJwt, numericDateMs } from '../core/model/jwt';
import { describeExpiry } from '../shared/expiry';
import { invokerLabel, type InvokerRef } from './invokerStore';
import type { MessageRecord } from './messageRecord';
import type { MessageStore } from './messageStore';

export const MESSAGE_SCHEME = 'oauth2-invoker';

type Part = 'body' | 'token';

/** What a key opens: one part of one invoker's message. */
interface Opened {
  readonly ref: InvokerRef;
  readonly part: Part;
}

/** What a document of the scheme shows without a live key: a guessed or stale URI, never a body or a token. */
export const NOT_OPENED_TEXT = "This document shows a message only when the OAuth2 Invoker's Open Body or Reveal Access Token command opens it.\n";

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

/**
 * Serves `oauth2-invoker:` documents from the message store, so nothing is written to disk. Any extension may open a
 * URI of the scheme, so each document is opened through {@link MessageDocumentProvider.uriFor} (the extension's Open
 * Body and Reveal Access Token commands) under an unguessable key held here; a URI without a live key shows
 * {@link NOT_OPENED_TEXT}, and a key is forgotten when its document closes.
 */
export class MessageDocumentProvider implements vscode.TextDocumentContentProvider, vscode.Disposable {
  private readonly changed = new vscode.EventEmitter<vscode.Uri>();
  readonly onDidChange = this.changed.event;
  private readonly opened = new Map<string, Opened>();
  private readonly listeners: vscode.Disposable[];

  constructor(private readonly messages: MessageStore) {
    this.listeners = [
      messages.onDidChange(() => {
        for (const document of vscode.workspace.textDocuments) {
          if (document.uri.scheme === MESSAGE_SCHEME) {
            this.changed.fire(document.uri);
          }
        }
      }),
      vscode.workspace.onDidCloseTextDocument((document) => {
        // A language change (Open Body sets JSON) closes and reopens the same document: it is still listed then.
        if (document.uri.scheme === MESSAGE_SCHEME && !isOpen(document.uri)) {
          this.opened.delete(keyOf(document.uri));
        }
      }),
    ];
  }

  dispose(): void {
    for (const listener of this.listeners) {
      listener.dispose();
    }
    this.opened.clear();
    this.changed.dispose();
  }

  /** A document showing a message's body, or its access token with the JWT decoded: the one already open for it, else a new key. */
  uriFor(record: MessageRecord, part: Part): vscode.Uri {
    for (const [key, opened] of this.opened) {
      const uri = documentUri(record, part, key);
      if (opened.part === part && opened.ref.name === record.invoker.name && opened.ref.scope === record.invoker.scope && isOpen(uri)) {
        return uri;
      }
    }
    const key = randomBytes(32).toString('base64url');
    this.opened.set(key, { ref: record.invoker, part });
    return documentUri(record, part, key);
  }

  provideTextDocumentContent(uri: vscode.Uri): string {
    const opened = this.opened.get(keyOf(uri));
    if (opened === undefined) {
      return NOT_OPENED_TEXT;
    }
    const record = this.messages.get(opened.ref);
    if (record === undefined) {
      return 'This message is no longer available.\n';
    }
    return opened.part === 'body' ? prettyBody(record.message.body) : tokenText(record, Date.now());
  }
}

function documentUri(record: MessageRecord, part: Part, key: string): vscode.Uri {
  const file = part === 'body' ? `${record.message.name}.body` : `${record.message.name}.${ACCESS_TOKEN_PROPERTY}`;
  return vscode.Uri.from({ scheme: MESSAGE_SCHEME, path: `/${file}`, query: new URLSearchParams({ key }).toString() });
}

function keyOf(uri: vscode.Uri): string {
  return new URLSearchParams(uri.query).get('key') ?? '';
}

function isOpen(uri: vscode.Uri): boolean {
  const text = uri.toString();
  return vscode.workspace.textDocuments.some((document) => document.uri.toString() === text);
}
