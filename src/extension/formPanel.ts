import * as vscode from 'vscode';
import { validateProperties } from '../core/properties';
import { DEFAULT_INVOKER, invokerNameIssue, SECRET_FIELDS, toProperties, type InvokerConfig, type InvokerScope, type SecretField } from '../shared/invoker';
import type { FormIssue, FromWebview, SaveMessage, ToWebview, WebviewState } from '../shared/protocol';
import type { DraftStore } from './draftStore';
import { createNonce, formHtml } from './formHtml';
import { invokerKey, type InvokerRef, type InvokerStore } from './invokerStore';
import type { SecretStore } from './secretStore';

/** What the form needs from the rest of the extension, handed in so the panel never reaches back up. */
export interface FormDependencies {
  readonly extensionUri: vscode.Uri;
  readonly invokers: InvokerStore;
  readonly secrets: SecretStore;
  readonly drafts: DraftStore;
  readonly log: vscode.LogOutputChannel;
  /** Runs the invoker as the Execute command does, and says in one line how it went. */
  execute(ref: InvokerRef): Promise<{ ok: boolean; text: string }>;
  copyAccessToken(ref: InvokerRef): Promise<void>;
}

const NEW_FORM = 'new';
/** Stands for a stored secret in validation: the form knows that it is stored, never its value. */
const STORED = '\u0000stored';

function formKeyOf(ref: InvokerRef | undefined): string {
  return ref === undefined ? NEW_FORM : invokerKey(ref);
}

/**
 * The invoker form: one webview panel per invoker (and one for a new invoker). Secrets arrive from the form only
 * on save and go straight to SecretStorage; the form only ever learns whether each is stored.
 */
export class InvokerFormPanel implements vscode.Disposable {
  static readonly viewType = 'oauth2Invoker.form';
  private static readonly panels = new Map<string, InvokerFormPanel>();

  private readonly disposables: vscode.Disposable[] = [];
  private template: InvokerConfig | undefined;

  /** Opens the form of an invoker (or a new one, optionally pre-filled), or brings its open panel to the front. */
  static createOrShow(deps: FormDependencies, ref?: InvokerRef, template?: InvokerConfig): InvokerFormPanel {
    const existing = template === undefined ? InvokerFormPanel.panels.get(formKeyOf(ref)) : undefined;
    if (existing !== undefined) {
      existing.panel.reveal();
      return existing;
    }
    const panel = vscode.window.createWebviewPanel(InvokerFormPanel.viewType, 'OAuth2 Invoker', vscode.ViewColumn.Active, InvokerFormPanel.options(deps.extensionUri));
    return new InvokerFormPanel(panel, deps, ref, template);
  }

  /** Re-attaches a panel VS Code restored after a window reload. */
  static revive(deps: FormDependencies, panel: vscode.WebviewPanel, state: WebviewState | undefined): InvokerFormPanel {
    panel.webview.options = InvokerFormPanel.options(deps.extensionUri);
    const ref = state?.savedName !== undefined && state.savedScope !== undefined ? { name: state.savedName, scope: state.savedScope } : undefined;
    return new InvokerFormPanel(panel, deps, ref && deps.invokers.find(ref.name, ref.scope) ? ref : undefined, undefined);
  }

  private static options(extensionUri: vscode.Uri): vscode.WebviewPanelOptions & vscode.WebviewOptions {
    return {
      enableScripts: true,
      retainContextWhenHidden: false,
      localResourceRoots: [vscode.Uri.joinPath(extensionUri, 'media'), vscode.Uri.joinPath(extensionUri, 'dist', 'webview')],
    };
  }

  private constructor(
    private readonly panel: vscode.WebviewPanel,
    private readonly deps: FormDependencies,
    private savedRef: InvokerRef | undefined,
    template: InvokerConfig | undefined,
  ) {
    this.template = template;
    InvokerFormPanel.panels.set(this.formKey, this);
    this.panel.webview.html = this.html();
    this.panel.iconPath = vscode.Uri.joinPath(deps.extensionUri, 'media', 'icon.png');
    this.updateTitle();
    this.panel.onDidDispose(() => this.dispose(), undefined, this.disposables);
    this.panel.webview.onDidReceiveMessage((message: FromWebview) => void this.receive(message), undefined, this.disposables);
    deps.secrets.onDidChange(() => void this.postStoredSecrets(), undefined, this.disposables);
  }

  private get formKey(): string {
    return formKeyOf(this.savedRef);
  }

  dispose(): void {
    if (InvokerFormPanel.panels.get(this.formKey) === this) {
      InvokerFormPanel.panels.delete(this.formKey);
    }
    this.panel.dispose();
    this.disposables.forEach((d) => d.dispose());
    this.disposables.length = 0;
  }

  private html(): string {
    const webview = this.panel.webview;
    return formHtml({
      cspSource: webview.cspSource,
      scriptUri: webview.asWebviewUri(vscode.Uri.joinPath(this.deps.extensionUri, 'dist', 'webview', 'form.js')).toString(),
      styleUri: webview.asWebviewUri(vscode.Uri.joinPath(this.deps.extensionUri, 'media', 'form.css')).toString(),
      nonce: createNonce(),
      title: 'OAuth2 Invoker',
    });
  }

  private updateTitle(): void {
    this.panel.title = this.savedRef !== undefined ? `Invoker: ${this.savedRef.name}` : 'New OAuth2 Invoker';
  }

  private post(message: ToWebview): void {
    void this.panel.webview.postMessage(message);
  }

  private takenNames(scope: InvokerScope): string[] {
    return this.deps.invokers
      .list()
      .filter((entry) => entry.scope === scope && !(this.savedRef !== undefined && entry.scope === this.savedRef.scope && entry.config.name === this.savedRef.name))
      .map((entry) => entry.config.name);
  }

  private async storedSecrets(): Promise<Record<SecretField, boolean>> {
    return this.savedRef !== undefined ? this.deps.secrets.stored(this.savedRef) : { clientSecret: false, password: false, refreshToken: false };
  }

  private async postStoredSecrets(): Promise<void> {
    this.post({ type: 'storedSecrets', storedSecrets: await this.storedSecrets() });
  }

  private async init(): Promise<void> {
    const draft = this.deps.drafts.get(this.formKey);
    const saved = this.savedRef !== undefined ? this.deps.invokers.find(this.savedRef.name, this.savedRef.scope) : undefined;
    const config = draft?.config ?? saved?.config ?? this.template ?? DEFAULT_INVOKER;
    const scope = draft?.scope ?? saved?.scope ?? 'user';
    this.post({
      type: 'init',
      config,
      scope,
      savedName: this.savedRef?.name,
      savedScope: this.savedRef?.scope,
      storedSecrets: await this.storedSecrets(),
      takenNames: this.takenNames(scope),
      workspaceAvailable: (vscode.workspace.workspaceFolders?.length ?? 0) > 0,
      dirty: draft !== undefined || (this.template !== undefined && saved === undefined),
    });
  }

  private async receive(message: FromWebview): Promise<void> {
    try {
      switch (message.type) {
        case 'ready':
          await this.init();
          return;
        case 'draft':
          await this.deps.drafts.set(this.formKey, { config: message.config, scope: message.scope, savedName: this.savedRef?.name, savedScope: this.savedRef?.scope });
          return;
        case 'discardDraft':
          await this.deps.drafts.delete(this.formKey);
          this.template = undefined;
          await this.init();
          return;
        case 'save':
          await this.save(message);
          return;
        case 'copyAccessToken':
          if (this.savedRef !== undefined) {
            await this.deps.copyAccessToken(this.savedRef);
          } else {
            this.post({ type: 'result', ok: false, text: 'Save and execute the invoker first: it has no access token yet.' });
          }
          return;
        case 'showLog':
          this.deps.log.show(true);
          return;
      }
    } catch (error) {
      this.deps.log.error(`form: ${error instanceof Error ? error.message : String(error)}`);
      this.post({ type: 'result', ok: false, text: error instanceof Error ? error.message : String(error) });
    }
  }

  /** Every problem of the form, each naming its field; stored secrets count as present. */
  private async issues(message: SaveMessage): Promise<FormIssue[]> {
    const stored = await this.storedSecrets();
    const secrets: Partial<Record<SecretField, string>> = {};
    for (const field of SECRET_FIELDS) {
      const edit = message.secrets[field];
      secrets[field] = edit?.action === 'replace' ? edit.value : edit?.action === 'clear' ? undefined : stored[field] ? STORED : undefined;
    }
    const problems: FormIssue[] = [];
    const nameIssue = invokerNameIssue(message.config.name, this.takenNames(message.scope));
    if (nameIssue !== undefined) {
      problems.push({ field: 'name', message: nameIssue });
    }
    if (message.scope === 'workspace' && (vscode.workspace.workspaceFolders?.length ?? 0) === 0) {
      problems.push({ field: 'storage', message: '"Stored in" cannot be Workspace settings: no folder is open.' });
    }
    for (const issue of validateProperties(toProperties(message.config, secrets), message.config.targetMessage)) {
      problems.push({ field: issue.field, message: issue.message });
    }
    return problems;
  }

  private async save(message: SaveMessage): Promise<void> {
    const problems = await this.issues(message);
    this.post({ type: 'issues', issues: problems });
    if (problems.length > 0) {
      return;
    }
    const config: InvokerConfig = { ...message.config, name: message.config.name.trim() };
    const ref: InvokerRef = { name: config.name, scope: message.scope };
    const previous = this.savedRef;
    await this.deps.invokers.save(config, ref.scope, previous);
    if (previous !== undefined) {
      await this.deps.secrets.move(previous, ref);
    }
    for (const field of SECRET_FIELDS) {
      const edit = message.secrets[field];
      if (edit?.action === 'replace') {
        await this.deps.secrets.set(ref, field, edit.value, config.authorizationServerUrl);
      } else if (edit?.action === 'clear') {
        await this.deps.secrets.delete(ref, field);
      }
    }
    await this.deps.drafts.delete(this.formKey);
    InvokerFormPanel.panels.delete(this.formKey);
    this.savedRef = ref;
    this.template = undefined;
    InvokerFormPanel.panels.set(this.formKey, this);
    this.updateTitle();
    this.deps.log.info(`[${ref.name}] saved to ${ref.scope} settings`);
    this.post({ type: 'saved', savedName: ref.name, scope: ref.scope, storedSecrets: await this.storedSecrets(), takenNames: this.takenNames(ref.scope) });
    if (message.execute) {
      this.post({ type: 'busy', busy: true });
      try {
        const outcome = await this.deps.execute(ref);
        this.post({ type: 'result', ok: outcome.ok, text: outcome.text });
      } finally {
        this.post({ type: 'busy', busy: false });
      }
    }
  }
}
