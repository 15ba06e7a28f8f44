import * as vscode from 'vscode';
import { ACCESS_TOKEN_PROPERTY } from '../core/model/djMessage';
import { SECRET_MASK } from '../core/model/maskedMessage';
import { decodeJwt, numericDateMs } from '../core/model/jwt';
import { isSensitiveName } from '../core/model/sensitiveNames';
import { GRANT_TYPE_LABELS } from '../shared/properties';
import { describeExpiry } from '../shared/expiry';
import { escapeMarkdown as escape } from '../shared/plainText';
import { PRESETS } from '../shared/presets';
import { invokerKey, invokerLabel, type InvokerRef } from './invokerStore';
import type { MessageRecord } from './messageRecord';
import type { MessageStore } from './messageStore';

/** A node of the messages tree: a message, its body, a property, its metadata group, or one metadata line. */
export type ResultNode =
  | { readonly kind: 'message'; readonly record: MessageRecord }
  | { readonly kind: 'body'; readonly record: MessageRecord }
  | { readonly kind: 'property'; readonly record: MessageRecord; readonly name: string }
  | { readonly kind: 'details'; readonly record: MessageRecord }
  | { readonly kind: 'detail'; readonly record: MessageRecord; readonly label: string; readonly value: string; readonly warning?: boolean };

/** A row for an invoker that has no message yet, with its Execute action: the view lists what can run before anything ran. */
export interface InvokerNode {
  readonly kind: 'invoker';
  readonly invoker: InvokerRef;
}

/** What the messages view shows: the messages (and their children), then the invokers without a message. */
export type TreeElement = ResultNode | InvokerNode;

/** The invokers the view lists, and when they change (the InvokerStore). */
export interface InvokerList {
  list(): ReadonlyArray<{ readonly config: { readonly name: string }; readonly scope: InvokerRef['scope'] }>;
  readonly onDidChange: vscode.Event<unknown>;
}

/**
 * Answer fields shown on the message itself, not only among its properties: those a preset marks prominent
 * (Salesforce's `instance_url`, the host to call the APIs on), whichever server sent them.
 */
export const PROMINENT_PROPERTIES: readonly string[] = [...new Set(PRESETS.flatMap((preset) => preset.prominentProperties))];

/** The prominent fields a message holds, as name and value, in PROMINENT_PROPERTIES' order. */
function prominentOf(record: MessageRecord): Array<[string, string]> {
  return PROMINENT_PROPERTIES.flatMap((name): Array<[string, string]> => {
    const value = record.message.getProperty(name);
    return value !== undefined && value !== '' && !isSensitiveName(name) ? [[name, value]] : [];
  });
}

function time(epochMs: number): string {
  return new Date(epochMs).toLocaleTimeString();
}

/** True for the message of an introspection answer (`<target>_INTROSPECTION`), shown beside the invoker's own. */
function isIntrospection(record: MessageRecord): boolean {
  return record.message.metadata.operation === 'introspection';
}

function idOf(node: ResultNode): string {
  const key = `${invokerKey(node.record.invoker)}${isIntrospection(node.record) ? '#introspection' : ''}`;
  switch (node.kind) {
    case 'message':
      return key;
    case 'property':
      return `${key}/property/${node.name}`;
    case 'detail':
      return `${key}/detail/${node.label}`;
    default:
      return `${key}/${node.kind}`;
  }
}

function details(record: MessageRecord, now: number): ResultNode[] {
  const m = record.message.metadata;
  const lines: Array<[string, string, boolean?]> = [];
  if (record.failure !== undefined) {
    lines.push(['Error code', `4 (${record.failure.kind})`, true]);
    if (record.failure.error !== undefined) {
      lines.push(['error', record.failure.error, true]);
    }
    if (record.failure.errorDescription !== undefined) {
      lines.push(['error_description', record.failure.errorDescription, true]);
    }
    if (record.failure.hint !== undefined) {
      lines.push(['Hint', record.failure.hint, true]);
    }
  }
  lines.push(['HTTP status', m.status === 0 ? 'no answer' : String(m.status)]);
  lines.push(['Received', new Date(m.receivedAt).toLocaleString()]);
  if (m.operation === 'introspection') {
    lines.push([
      'Client authentication',
      m.basicVariant !== undefined ? `${m.clientAuthentication} (${m.basicVariant === 'raw' ? 'raw bytes' : 'RFC 6749 encoded'})` : m.clientAuthentication,
    ]);
    lines.push(['Introspection endpoint', m.tokenUrl]);
    m.warnings.forEach((warning, index) => lines.push([`Warning ${index + 1}`, warning, true]));
    return lines.map(([label, value, warning]) => ({ kind: 'detail', record, label, value, warning }));
  }
  if (record.revoked === true) {
    lines.push(['Access token', 'revoked', true]);
  }
  if (!m.failed) {
    const source = m.expirySource === 'jwt-exp' ? ' (from the JWT exp claim)' : '';
    lines.push(['Expires', m.expiresAt !== undefined ? `${new Date(m.expiresAt).toLocaleString()} — ${describeExpiry(m.expiresAt, now)}${source}` : 'unknown']);
  }
  lines.push(['Grant', GRANT_TYPE_LABELS[m.grantType]]);
  lines.push([
    'Client authentication',
    m.basicVariant !== undefined ? `${m.clientAuthentication} (${m.basicVariant === 'raw' ? 'raw bytes' : 'RFC 6749 encoded'})` : m.clientAuthentication,
  ]);
  lines.push(['Token URL', m.tokenUrl]);
  lines.push(...idTokenClaims(record.message.getProperty('id_token')));
  m.warnings.forEach((warning, index) => lines.push([`Warning ${index + 1}`, warning, true]));
  return lines.map(([label, value, warning]) => ({ kind: 'detail', record, label, value, warning }));
}

/**
 * The claims of a sign-in's `id_token`, decoded (not verified: the token came straight from the token endpoint over
 * TLS, OpenID Connect Core §3.1.3.7): who signed in, for whom, when. Times as local dates; other values as JSON.
 * @see https://openid.net/specs/openid-connect-core-1_0.html#IDToken
 */
function idTokenClaims(idToken: string | undefined): Array<[string, string]> {
  const payload = idToken !== undefined && idToken !== '' ? decodeJwt(idToken)?.payload : undefined;
  if (payload === undefined) {
    return [];
  }
  return Object.keys(payload).map((claim): [string, string] => {
    const time = ['exp', 'iat', 'nbf', 'auth_time'].includes(claim) ? numericDateMs(payload, claim) : undefined;
    const value = payload[claim];
    return [`ID token ${claim}`, time !== undefined ? new Date(time).toLocaleString() : typeof value === 'string' ? value : JSON.stringify(value)];
  });
}

/** The messages view: one node per DJMessage, children for its body, its properties in order, and our metadata. */
export class ResultTreeProvider implements vscode.TreeDataProvider<TreeElement>, vscode.Disposable {
  private readonly changed = new vscode.EventEmitter<TreeElement | undefined>();
  readonly onDidChangeTreeData = this.changed.event;
  private readonly listeners: vscode.Disposable[];

  constructor(
    private readonly messages: MessageStore,
    private readonly invokers: InvokerList,
    private readonly now: () => number = Date.now,
    /** Marks each node handed to VS Code as the extension's own (commands on it serve the person without asking). */
    private readonly own: <T extends TreeElement>(node: T) => T = (node) => node,
  ) {
    this.listeners = [messages.onDidChange(() => this.changed.fire(undefined)), invokers.onDidChange(() => this.changed.fire(undefined))];
  }

  dispose(): void {
    this.listeners.forEach((listener) => listener.dispose());
    this.changed.dispose();
  }

  /** True when the message's invoker is still configured (deleted or renamed in settings: false). */
  private hasInvoker(ref: InvokerRef): boolean {
    return this.invokers.list().some((entry) => entry.config.name === ref.name && entry.scope === ref.scope);
  }

  /** The top-level message nodes, newest first (without the invoker rows). */
  messageNodes(): ResultNode[] {
    const records = [...this.messages.list(), ...this.messages.listIntrospections()];
    return records.sort((a, b) => b.message.metadata.receivedAt - a.message.metadata.receivedAt).map((record) => this.nodeFor(record));
  }

  /** The rows of the invokers that have no message yet, in the settings' order. */
  invokerNodes(): InvokerNode[] {
    const withMessage = new Set(this.messages.list().map((record) => invokerKey(record.invoker)));
    return this.invokers
      .list()
      .map((entry): InvokerNode => ({ kind: 'invoker', invoker: { name: entry.config.name, scope: entry.scope } }))
      .filter((node) => !withMessage.has(invokerKey(node.invoker)))
      .map((node) => this.own(node));
  }

  /** Redraws expiry texts, which change with time. */
  refresh(): void {
    this.changed.fire(undefined);
  }

  nodeFor(record: MessageRecord): ResultNode {
    return this.own({ kind: 'message', record });
  }

  getChildren(node: ResultNode): ResultNode[];
  getChildren(node?: TreeElement): TreeElement[];
  getChildren(node?: TreeElement): TreeElement[] {
    if (node === undefined) {
      return [...this.messageNodes(), ...this.invokerNodes()];
    }
    return node.kind === 'invoker' ? [] : this.children(node).map((child) => this.own(child));
  }

  private children(node: ResultNode): ResultNode[] {
    const { record } = node;
    switch (node.kind) {
      case 'message':
        return [
          { kind: 'body', record },
          ...record.message.propertyNames().map((name): ResultNode => ({ kind: 'property', record, name })),
          { kind: 'details', record },
        ];
      case 'details':
        return details(record, this.now());
      default:
        return [];
    }
  }

  getParent(node: TreeElement): TreeElement | undefined {
    if (node.kind === 'message' || node.kind === 'invoker') {
      return undefined;
    }
    if (node.kind === 'detail') {
      return this.own({ kind: 'details', record: node.record });
    }
    return this.own({ kind: 'message', record: node.record });
  }

  getTreeItem(node: TreeElement): vscode.TreeItem {
    if (node.kind === 'invoker') {
      const label = invokerLabel(node.invoker);
      const item = new vscode.TreeItem(label, vscode.TreeItemCollapsibleState.None);
      item.id = `invoker:${invokerKey(node.invoker)}`;
      item.description = 'not run yet';
      item.tooltip = `Invoker "${label}" has no message yet: Execute it to request a token.`;
      item.accessibilityInformation = { label: `Invoker ${label}, not run yet`, role: 'treeitem' };
      item.iconPath = new vscode.ThemeIcon('play');
      item.contextValue = 'invoker';
      return item;
    }
    const item = this.itemFor(node);
    item.id = idOf(node);
    return item;
  }

  private itemFor(node: ResultNode): vscode.TreeItem {
    const { record } = node;
    const message = record.message;
    switch (node.kind) {
      case 'message': {
        // Which invoker it belongs to is in the label: new invokers all write DJMOUT, so the name alone repeats.
        const item = new vscode.TreeItem(`${message.name} · ${invokerLabel(record.invoker)}`, vscode.TreeItemCollapsibleState.Expanded);
        const failed = record.failure !== undefined;
        const orphan = !this.hasInvoker(record.invoker);
        const warnings = message.metadata.warnings;
        const prominent = prominentOf(record);
        const introspection = isIntrospection(record);
        const state = failed
          ? 'failed (error 4)'
          : introspection
            ? message.getProperty('active') === 'true'
              ? 'active'
              : 'inactive'
            : record.revoked === true
              ? 'revoked'
              : describeExpiry(message.metadata.expiresAt, this.now());
        item.description = [
          ...(orphan ? ['invoker deleted'] : []),
          time(message.metadata.receivedAt),
          orphan && !failed && !introspection ? `${state}, cannot be renewed` : state,
          ...(warnings.length > 0 ? [warnings.length === 1 ? '1 warning' : `${warnings.length} warnings`] : []),
          ...prominent.map(([, value]) => value),
        ].join(' · ');
        // A warning (e.g. the server's certificate was not verified) shows on the message, not only in its Details.
        item.iconPath = failed
          ? new vscode.ThemeIcon('error', new vscode.ThemeColor('errorForeground'))
          : orphan
            ? new vscode.ThemeIcon('circle-slash', new vscode.ThemeColor('disabledForeground'))
            : introspection
              ? new vscode.ThemeIcon('search')
              : record.revoked === true
                ? new vscode.ThemeIcon('circle-slash', new vscode.ThemeColor('list.warningForeground'))
                : warnings.length > 0
                  ? new vscode.ThemeIcon('warning', new vscode.ThemeColor('list.warningForeground'))
                  : new vscode.ThemeIcon('pass', new vscode.ThemeColor('testing.iconPassed'));
        item.contextValue = introspection ? 'introspection' : orphan ? 'message.orphan' : failed ? 'message.failed' : 'message';
        // Outside text escaped whole (shared/plainText.ts: no link, autolink, HTML or icon), not with appendText, which
        // leaves https:// to be linkified and turns spaces into &nbsp;, so that long lines do not wrap.
        const lines = [`**${escape(message.name)}** from invoker *${escape(invokerLabel(record.invoker))}*${failed ? ' failed — error code 4' : ''}`];
        if (orphan) {
          lines.push(
            'The invoker of this message no longer exists (deleted or renamed in settings): it cannot run again. Clear the message, or create the invoker again.',
          );
        }
        lines.push(
          escape(
            record.failure !== undefined
              ? record.failure.message
              : introspection
                ? `Introspection answer received ${new Date(message.metadata.receivedAt).toLocaleString()}: the token is ${state}.`
                : `Received ${new Date(message.metadata.receivedAt).toLocaleString()}, ${state}.`,
          ),
        );
        lines.push(...prominent.map(([name, value]) => `\`${name.replace(/`/g, '')}\`: ${escape(value)}`));
        lines.push(...warnings.map((warning) => `⚠ ${escape(warning)}`));
        const tooltip = new vscode.MarkdownString(lines.join('\n\n'));
        item.tooltip = tooltip;
        // Read aloud as a sentence: whose message it is and its state, not the label and a run of bare values.
        item.accessibilityInformation = {
          label: `Message ${message.name} of invoker ${invokerLabel(record.invoker)}: ${String(item.description).replace(/ · /g, ', ')}`,
        };
        return item;
      }
      case 'body': {
        const item = new vscode.TreeItem('Body', vscode.TreeItemCollapsibleState.None);
        item.description = message.body === '' ? 'empty' : `${message.metadata.contentType ?? 'no content type'} · ${message.body.length} characters`;
        item.iconPath = new vscode.ThemeIcon('file-code');
        item.contextValue = 'body';
        item.accessibilityInformation = { label: `Body: ${String(item.description).replace(/ · /g, ', ')}` };
        item.command = { command: 'oauth2Invoker.openBody', title: 'Open Body', arguments: [node] };
        return item;
      }
      case 'property': {
        const item = new vscode.TreeItem(node.name, vscode.TreeItemCollapsibleState.None);
        const value = message.getProperty(node.name) ?? '';
        const secret = isSensitiveName(node.name) && value !== '';
        item.description = secret ? SECRET_MASK : value.length > 200 ? `${value.slice(0, 200)}…` : value;
        item.tooltip = secret ? `${node.name} is hidden. Use Reveal or Copy.` : value;
        // "expires_in: 3600", not a bare "3600"; a secret is read as hidden, never aloud.
        item.accessibilityInformation = { label: `${node.name}: ${secret ? 'hidden' : value === '' ? 'empty' : String(item.description)}` };
        item.iconPath = new vscode.ThemeIcon(node.name === ACCESS_TOKEN_PROPERTY ? 'key' : secret ? 'lock' : 'symbol-field');
        // The toolbox (Introspect, Revoke) acts on a message's access token and on the refresh token it holds.
        item.contextValue =
          node.name === ACCESS_TOKEN_PROPERTY
            ? 'accessToken'
            : node.name === 'refresh_token' && secret && !isIntrospection(record)
              ? 'refreshToken'
              : secret
                ? 'secretProperty'
                : 'property';
        return item;
      }
      case 'details': {
        const item = new vscode.TreeItem('Details', vscode.TreeItemCollapsibleState.Collapsed);
        item.description =
          'status, expiry, client authentication' + (message.metadata.warnings.length > 0 ? `, ${message.metadata.warnings.length} warning(s)` : '');
        item.iconPath = new vscode.ThemeIcon('info');
        item.contextValue = 'details';
        item.accessibilityInformation = { label: `Details: ${String(item.description)}` };
        return item;
      }
      case 'detail': {
        const item = new vscode.TreeItem(node.label, vscode.TreeItemCollapsibleState.None);
        item.description = node.value;
        item.tooltip = node.value;
        item.accessibilityInformation = { label: `${node.label}: ${node.value}${node.warning === true ? ' (warning)' : ''}` };
        if (node.warning === true) {
          item.iconPath = new vscode.ThemeIcon('warning', new vscode.ThemeColor('list.warningForeground'));
        }
        item.contextValue = 'detail';
        return item;
      }
    }
  }
}
