import * as vscode from 'vscode';
import { describeExpiry } from '../shared/expiry';
import { withHint } from '../shared/hintText';
import { isInteractiveGrant } from '../shared/properties';
import { DEFAULT_INVOKER, type InvokerConfig } from '../shared/invoker';
import { InvokerFormPanel, type FormDependencies } from './formPanel';
import { pickInvoker, type RecentInvokers } from './invokerPicker';
import { invokerLabel, type InvokerRef, type InvokerStore } from './invokerStore';
import type { InvokerRunner } from './invokerRunner';
import type { InvokerService } from './invokerService';
import { BLANK_PRESET_ID, pickPreset } from './presetPicker';
import type { MessageDocumentProvider } from './messageDocuments';
import type { MessageRecord } from './messageRecord';
import type { MessageStore } from './messageStore';
import type { InvokerNode, ResultNode, ResultTreeProvider, TreeElement } from './resultTree';
import type { TokenService } from './tokenService';
import type { TokenTypeHint } from '../core/toolbox/endpointCall';
import { errorText, fieldToFix, reportTokenFailure, withTokenProgress } from './tokenUi';
import { showInformation, showWarning } from './notifications';

/** What the commands work with; built once in activate(). */
export interface CommandContext {
  readonly invokers: InvokerStore;
  readonly service: InvokerService;
  readonly messages: MessageStore;
  readonly tokens: TokenService;
  readonly recent: RecentInvokers;
  readonly tree: ResultTreeProvider;
  readonly treeView: vscode.TreeView<TreeElement>;
  readonly log: vscode.LogOutputChannel;
  readonly runner: InvokerRunner;
  /** Opens the `oauth2-invoker:` documents (body, token) under keys only these commands hand out. */
  readonly documents: MessageDocumentProvider;
  readonly form: Omit<FormDependencies, 'execute' | 'copyAccessToken' | 'discover'>;
}

/** "New Invoker"'s optional argument (keybindings, other extensions, tests): a preset id and its placeholder values. */
export interface NewInvokerArgs {
  readonly preset?: string;
  readonly values?: Readonly<Record<string, string>>;
}

/** A command's argument: a tree node, an invoker reference, or an invoker's name (from the API or a keybinding). */
export type Target = ResultNode | InvokerNode | InvokerRef | string | undefined;

function isNode(value: unknown): value is ResultNode {
  return value !== null && typeof value === 'object' && 'kind' in value && 'record' in value;
}

/** An invoker's row in the messages view (an invoker without a message yet). */
function isInvokerNode(value: unknown): value is InvokerNode {
  return value !== null && typeof value === 'object' && (value as { kind?: unknown }).kind === 'invoker' && 'invoker' in value;
}

function isRef(value: unknown): value is InvokerRef {
  return value !== null && typeof value === 'object' && 'name' in value && 'scope' in value && !('kind' in value);
}

/**
 * The second argument of Introspect / Revoke from a caller that is not the view (the API, a keybinding, a test):
 * which token, and for Revoke that the caller has asked the user already.
 */
export interface ToolboxArgs {
  readonly token?: TokenTypeHint;
  readonly confirmed?: boolean;
}

function toolboxArgs(value: unknown): ToolboxArgs {
  if (value === null || typeof value !== 'object') {
    return {};
  }
  const { token, confirmed } = value as { token?: unknown; confirmed?: unknown };
  return { ...(token === 'access_token' || token === 'refresh_token' ? { token } : {}), ...(confirmed === true ? { confirmed } : {}) };
}

/** The command handlers of the extension, each catching at its own boundary: full detail to the log, one line to the user. */
export class Commands {
  constructor(private readonly c: CommandContext) {}

  /** Form dependencies including the callbacks that run through these commands. */
  formDependencies(): FormDependencies {
    return {
      ...this.c.form,
      execute: (ref) => this.executeWithUi(ref),
      copyAccessToken: (ref) => this.copyAccessToken(ref),
      discover: (issuer, options) => this.c.runner.discover(issuer, options),
    };
  }

  private async resolve(target: Target, placeHolder: string): Promise<InvokerRef | undefined> {
    if (isNode(target)) {
      return target.record.invoker;
    }
    if (isInvokerNode(target)) {
      return target.invoker;
    }
    if (isRef(target)) {
      return target;
    }
    if (typeof target === 'string') {
      const entry = this.c.invokers.find(target);
      return entry !== undefined ? { name: entry.config.name, scope: entry.scope } : undefined;
    }
    return pickInvoker(this.c.invokers, this.c.recent, placeHolder);
  }

  async execute(target?: Target): Promise<void> {
    const ref = await this.resolve(target, 'Execute which OAuth2 invoker?');
    if (ref !== undefined) {
      await this.executeWithUi(ref);
    }
  }

  /** "Sign In as a User…": Execute of an invoker whose grant signs a person in (Authorization Code, Device Code). */
  async signIn(): Promise<void> {
    const ref = await pickInvoker(this.c.invokers, this.c.recent, 'Sign in with which OAuth2 invoker?', {
      accepts: (entry) => isInteractiveGrant(entry.config.grantType),
      none: 'No invoker signs a person in yet: create one with the Authorization Code or Device Code grant.',
    });
    if (ref !== undefined) {
      await this.executeWithUi(ref);
    }
  }

  /** Execute with a cancellable progress notification; reveals the message; failures get one line and actions. */
  async executeWithUi(ref: InvokerRef): Promise<{ ok: boolean; text: string }> {
    await this.c.recent.touch(ref);
    const label = invokerLabel(ref);
    try {
      // A sign-in shows its own cancellable progress (the browser, the device code): one progress, not two.
      const grantType = this.c.invokers.find(ref.name, ref.scope)?.config.grantType;
      const message =
        grantType !== undefined && isInteractiveGrant(grantType)
          ? await this.c.tokens.execute(ref, { interactive: true })
          : await withTokenProgress(`Executing OAuth2 invoker "${label}"…`, (signal) => this.c.tokens.execute(ref, { interactive: true, signal }));
      await this.reveal(ref);
      const text = `${message.name}.AccessToken received from "${label}" — ${describeExpiry(message.metadata.expiresAt, Date.now())}.`;
      void showInformation(text, 'Copy Access Token').then(async (choice) => {
        if (choice !== undefined) {
          await this.copyAccessToken(ref);
        }
      });
      return { ok: true, text };
    } catch (error) {
      return this.reportFailure(ref, error);
    }
  }

  private async reportFailure(ref: InvokerRef, error: unknown): Promise<{ ok: boolean; text: string }> {
    const message = errorText(error);
    // The runner stored this failure with a hint when one applies (an older failure's hint does not).
    const failure = this.c.messages.get(ref)?.failure;
    const current = failure !== undefined && failure.message === message ? failure : undefined;
    const text = current?.hint !== undefined ? withHint(message, current.hint) : message;
    // Edit Invoker opens the form at the property that fixes it (a TLS file, the proxy credentials, the secret…).
    const focusField = fieldToFix(error) ?? current?.field;
    if ((error as { kind?: unknown }).kind !== 'aborted' && this.c.messages.get(ref) !== undefined) {
      await this.reveal(ref);
    }
    reportTokenFailure(ref, error, {
      log: this.c.log,
      text,
      edit: () => InvokerFormPanel.createOrShow(this.formDependencies(), ref, undefined, focusField !== undefined ? { focusField, focusReason: text } : {}),
    });
    return { ok: false, text };
  }

  private async reveal(ref: InvokerRef): Promise<void> {
    const record = this.c.messages.get(ref);
    if (record === undefined) {
      return;
    }
    // reveal() also shows the view when it is hidden, without taking focus from the form or editor.
    await this.c.treeView.reveal(this.c.tree.nodeFor(record), { select: true, focus: false, expand: true });
  }

  private async pickMessage(target: Target, placeHolder: string): Promise<MessageRecord | undefined> {
    if (isNode(target)) {
      return target.record;
    }
    await this.c.messages.whenRestored();
    if (target !== undefined) {
      const ref = await this.resolve(target, placeHolder);
      return ref !== undefined ? this.c.messages.get(ref) : undefined;
    }
    const records = this.c.messages.list().filter((record) => record.message.accessToken !== undefined);
    if (records.length <= 1) {
      return records[0];
    }
    const items = records.map((record) => ({
      label: record.message.name,
      description: `${invokerLabel(record.invoker)} · ${describeExpiry(record.message.metadata.expiresAt, Date.now())}`,
      record,
    }));
    return (await vscode.window.showQuickPick(items, { placeHolder }))?.record;
  }

  /** The invoker a token command is about: the tree node's, the one named, or the user's pick (messages first). */
  private async tokenTarget(target: Target, placeHolder: string): Promise<InvokerRef | undefined> {
    if (target !== undefined) {
      return this.resolve(target, placeHolder);
    }
    await this.c.messages.whenRestored();
    const records = this.c.messages.list().filter((record) => record.failure === undefined);
    if (records.length === 1) {
      return records[0].invoker;
    }
    if (records.length > 1) {
      const items = records.map((record) => ({
        label: record.message.name,
        description: `${invokerLabel(record.invoker)} · ${describeExpiry(record.message.metadata.expiresAt, Date.now())}`,
        record,
      }));
      return (await vscode.window.showQuickPick(items, { placeHolder }))?.record.invoker;
    }
    return this.resolve(undefined, placeHolder);
  }

  /** A valid token of the invoker, from the cache or renewed (refresh grant, else its own grant) under a progress notification. */
  private async validToken(ref: InvokerRef, forceRefresh: boolean): Promise<MessageRecord | undefined> {
    const record = this.c.messages.get(ref);
    const fresh = !forceRefresh && record?.failure === undefined && this.c.tokens.broker.isFresh(record?.message);
    try {
      if (fresh) {
        await this.c.tokens.getAccessToken(ref, { interactive: true });
      } else {
        await withTokenProgress(`${forceRefresh ? 'Refreshing' : 'Getting'} the access token of "${invokerLabel(ref)}"…`, (signal) =>
          this.c.tokens.getAccessToken(ref, { interactive: true, forceRefresh, signal }),
        );
      }
      return this.c.messages.get(ref);
    } catch (error) {
      await this.reportFailure(ref, error);
      return undefined;
    }
  }

  async copyAccessToken(target?: Target): Promise<void> {
    const ref = await this.tokenTarget(target, 'Copy the access token of which invoker?');
    const record = ref !== undefined ? await this.validToken(ref, false) : undefined;
    const token = record?.message.accessToken;
    if (record === undefined || token === undefined) {
      return;
    }
    await vscode.env.clipboard.writeText(token);
    const expiry = describeExpiry(record.message.metadata.expiresAt, Date.now());
    this.c.log.info(`[${invokerLabel(record.invoker)}] access token of ${record.message.name} copied to the clipboard (${expiry})`);
    void showInformation(`Copied the access token of ${record.message.name} (${invokerLabel(record.invoker)}) — ${expiry}.`);
  }

  /**
   * The invoker and token Introspect or Revoke acts on: a node's (its AccessToken or refresh_token; a message node
   * means its access token), else the invoker named or picked, and the token asked for or picked when it holds both.
   */
  private async toolboxTarget(target: Target, args: ToolboxArgs, verb: string): Promise<{ ref: InvokerRef; hint: TokenTypeHint } | undefined> {
    if (isNode(target)) {
      const hint = target.kind === 'property' && target.name === 'refresh_token' ? 'refresh_token' : 'access_token';
      return { ref: target.record.invoker, hint: args.token ?? hint };
    }
    const ref = await this.tokenTarget(target, `${verb} the token of which invoker?`);
    if (ref === undefined) {
      return undefined;
    }
    if (args.token !== undefined) {
      return { ref, hint: args.token };
    }
    if (this.c.messages.get(ref)?.refreshToken === undefined) {
      return { ref, hint: 'access_token' };
    }
    const items: Array<{ label: string; hint: TokenTypeHint }> = [
      { label: '$(key) Access token', hint: 'access_token' },
      { label: '$(lock) Refresh token', hint: 'refresh_token' },
    ];
    const picked = await vscode.window.showQuickPick(items, { placeHolder: `${verb} which token of "${invokerLabel(ref)}"?` });
    return picked !== undefined ? { ref, hint: picked.hint } : undefined;
  }

  private reportToolboxFailure(ref: InvokerRef, error: unknown, doing: string): void {
    const focusField = fieldToFix(error);
    reportTokenFailure(ref, error, {
      log: this.c.log,
      doing,
      edit: () =>
        InvokerFormPanel.createOrShow(this.formDependencies(), ref, undefined, focusField !== undefined ? { focusField, focusReason: errorText(error) } : {}),
    });
  }

  /** Introspect (RFC 7662): the answer becomes `<target>_INTROSPECTION` in the Messages view. */
  async introspectToken(target?: Target, options?: unknown): Promise<void> {
    const chosen = await this.toolboxTarget(target, toolboxArgs(options), 'Introspect');
    if (chosen === undefined) {
      return;
    }
    const { ref, hint } = chosen;
    const which = hint === 'access_token' ? 'access token' : 'refresh token';
    try {
      const message = await withTokenProgress(`Introspecting the ${which} of "${invokerLabel(ref)}"…`, (signal) =>
        this.c.tokens.introspect(ref, hint, { interactive: true, signal }),
      );
      const record = this.c.messages.getIntrospection(ref);
      if (record !== undefined) {
        await this.c.treeView.reveal(this.c.tree.nodeFor(record), { select: true, focus: false, expand: true });
      }
      const state = message.getProperty('active') === 'true' ? 'active' : 'not active';
      void showInformation(`The ${which} of "${invokerLabel(ref)}" is ${state} (${message.name}).`);
    } catch (error) {
      this.reportToolboxFailure(ref, error, `introspection of the ${which}`);
    }
  }

  /** Revoke (RFC 7009), after confirmation: the token leaves the cache, so the next request for one renews. */
  async revokeToken(target?: Target, options?: unknown): Promise<void> {
    const args = toolboxArgs(options);
    const chosen = await this.toolboxTarget(target, args, 'Revoke');
    if (chosen === undefined) {
      return;
    }
    const { ref, hint } = chosen;
    const which = hint === 'access_token' ? 'access token' : 'refresh token';
    if (args.confirmed !== true) {
      const revoke = 'Revoke';
      const choice = await showWarning(
        `Revoke the ${which} of "${invokerLabel(ref)}"?`,
        {
          modal: true,
          detail: `The authorization server invalidates it (RFC 7009)${hint === 'refresh_token' ? ', and with it, on many servers, the access tokens issued with it' : ''}. Whatever still uses it stops working; the next request for a token gets a new one.`,
        },
        revoke,
      );
      if (choice !== revoke) {
        return;
      }
    }
    try {
      await withTokenProgress(`Revoking the ${which} of "${invokerLabel(ref)}"…`, (signal) => this.c.tokens.revoke(ref, hint, { interactive: true, signal }));
      void showInformation(`The ${which} of "${invokerLabel(ref)}" is revoked.`);
    } catch (error) {
      this.reportToolboxFailure(ref, error, `revocation of the ${which}`);
    }
  }

  async refreshToken(target?: Target): Promise<void> {
    const ref = await this.tokenTarget(target, 'Refresh the token of which invoker?');
    const record = ref !== undefined ? await this.validToken(ref, true) : undefined;
    if (record !== undefined) {
      await this.reveal(record.invoker);
      void showInformation(
        `New access token for ${record.message.name} (${invokerLabel(record.invoker)}) — ${describeExpiry(record.message.metadata.expiresAt, Date.now())}.`,
      );
    }
  }

  async clearTokens(target?: Target): Promise<void> {
    if (target !== undefined) {
      const ref = await this.resolve(target, '');
      if (ref !== undefined) {
        await this.c.tokens.clear([ref]);
      }
      return;
    }
    await this.c.messages.whenRestored();
    const records = this.c.messages.list();
    const all = { label: 'All invokers', description: `${records.length} message(s)`, refs: records.map((record) => record.invoker) };
    const items = [all, ...records.map((record) => ({ label: invokerLabel(record.invoker), description: record.message.name, refs: [record.invoker] }))];
    const picked = await vscode.window.showQuickPick(items, { placeHolder: 'Clear the tokens of which invoker?' });
    if (picked !== undefined) {
      await this.c.tokens.clear(picked.refs);
    }
  }

  /** The status-bar item's menu. */
  async tokenActions(ref: InvokerRef | undefined): Promise<void> {
    if (ref === undefined) {
      return;
    }
    const actions = [
      { label: '$(copy) Copy Access Token', run: () => this.copyAccessToken(ref) },
      { label: '$(refresh) Refresh Token', run: () => this.refreshToken(ref) },
      { label: '$(search) Introspect Token', run: () => this.introspectToken(ref) },
      { label: '$(circle-slash) Revoke Token', run: () => this.revokeToken(ref) },
      { label: '$(play) Execute OAuth2 Invoker', run: () => this.executeWithUi(ref).then(() => undefined) },
      { label: '$(output) Show Log', run: async () => this.showLog() },
    ];
    const picked = await vscode.window.showQuickPick(actions, { placeHolder: `Invoker "${invokerLabel(ref)}"` });
    await picked?.run();
  }

  async revealAccessToken(target?: Target): Promise<void> {
    const record = await this.pickMessage(target, 'Reveal the access token of which message?');
    if (record?.message.accessToken !== undefined) {
      await vscode.window.showTextDocument(this.c.documents.uriFor(record, 'token'), { preview: true });
    }
  }

  async openBody(target?: Target): Promise<void> {
    const record = isNode(target) ? target.record : await this.pickMessage(target, 'Open the body of which message?');
    if (record !== undefined) {
      const document = await vscode.workspace.openTextDocument(this.c.documents.uriFor(record, 'body'));
      await vscode.languages.setTextDocumentLanguage(document, record.message.body.trim().startsWith('{') ? 'json' : 'plaintext');
      await vscode.window.showTextDocument(document, { preview: true });
    }
  }

  async copyValue(node?: ResultNode): Promise<void> {
    if (node?.kind === 'property') {
      await vscode.env.clipboard.writeText(node.record.message.getProperty(node.name) ?? '');
      void showInformation(`Copied ${node.record.message.name}.${node.name}.`);
    } else if (node?.kind === 'detail') {
      await vscode.env.clipboard.writeText(node.value);
    }
  }

  /**
   * A preset (or the blank invoker) from a quick pick, its placeholders asked one by one, then the form pre-filled with
   * the provider's notes. Resolves to the configuration the preset filled in (the defaults for the blank invoker, whose
   * form shows an unsaved draft if there is one), or undefined when cancelled.
   */
  async newInvoker(args?: NewInvokerArgs): Promise<InvokerConfig | undefined> {
    const start = await pickPreset(
      this.c.invokers.list().map((entry) => entry.config.name),
      args,
    );
    if (start === undefined) {
      return undefined;
    }
    if (start.preset.id === BLANK_PRESET_ID) {
      // The blank form as before: an unsaved new form (a draft) comes back as it was. Its notes would only repeat
      // what the Issuer URL field says, so it has none.
      InvokerFormPanel.createOrShow(this.formDependencies());
      return DEFAULT_INVOKER;
    }
    this.c.log.info(`New Invoker from the ${start.preset.label} preset`);
    InvokerFormPanel.createOrShow(this.formDependencies(), undefined, start.config, { help: start.help, pristine: true });
    return start.config;
  }

  async editInvoker(target?: Target): Promise<void> {
    const ref = await this.resolve(target, 'Edit which OAuth2 invoker?');
    if (ref !== undefined && this.c.invokers.find(ref.name, ref.scope) !== undefined) {
      // From a failed message in the tree: open at the property that fixes it, saying why.
      const failure = isNode(target) ? target.record.failure : undefined;
      const reason = failure !== undefined ? [failure.message, failure.hint].filter((part) => part !== undefined).join(' ') : undefined;
      InvokerFormPanel.createOrShow(
        this.formDependencies(),
        ref,
        undefined,
        failure?.field !== undefined ? { focusField: failure.field, focusReason: reason } : {},
      );
    }
  }

  async duplicateInvoker(target?: Target): Promise<void> {
    const ref = await this.resolve(target, 'Duplicate which OAuth2 invoker?');
    const entry = ref !== undefined ? this.c.invokers.find(ref.name, ref.scope) : undefined;
    if (entry !== undefined) {
      const taken = new Set(this.c.invokers.list().map((e) => e.config.name));
      let name = `${entry.config.name} copy`;
      for (let n = 2; taken.has(name); n += 1) {
        name = `${entry.config.name} copy ${n}`;
      }
      // Secrets are not copied: the copy may point elsewhere, and the user enters them for it.
      InvokerFormPanel.createOrShow(this.formDependencies(), undefined, { ...DEFAULT_INVOKER, ...entry.config, name });
    }
  }

  async deleteInvoker(target?: Target): Promise<void> {
    const ref = await this.resolve(target, 'Delete which OAuth2 invoker?');
    if (ref === undefined) {
      return;
    }
    const remove = 'Delete';
    const choice = await showWarning(`Delete invoker "${invokerLabel(ref)}", its stored secrets and its message?`, { modal: true }, remove);
    if (choice === remove) {
      await this.c.service.delete(ref);
    }
  }

  async clearMessages(): Promise<void> {
    await this.c.messages.clear();
  }

  showLog(): void {
    this.c.log.show(true);
  }
}
