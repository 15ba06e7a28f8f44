import * as vscode from 'vscode';
import type { DiscoveryResult } from '../core/toolbox/discovery';
import { formIssues } from '../shared/formValidation';
import { DEFAULT_INVOKER, NETWORK_SECRETS, NO_STORED_SECRETS, SECRET_FIELDS, type InvokerConfig, type InvokerScope, type SecretField } from '../shared/invoker';
import { matchPreset } from '../shared/presets';
import { PROPERTY_LABELS, type FileFieldProperty } from '../shared/properties';
import type { DiscoverMessage, DiscoverySummary, FormHelp, FormIssue, FromWebview, SaveMessage, ToWebview, WebviewState } from '../shared/protocol';
import type { DraftStore } from './draftStore';
import { createNonce, formHtml } from './formHtml';
import type { DiscoverOptions } from './invokerRunner';
import { invokerKey, invokerLabel, type InvokerRef, type InvokerStore } from './invokerStore';
import type { InvokerService } from './invokerService';
import type { SecretStore } from './secretStore';
import { errorText, fieldToFix } from './tokenUi';

/** What the form needs from the rest of the extension, handed in so the panel never reaches back up. */
export interface FormDependencies {
  readonly extensionUri: vscode.Uri;
  readonly invokers: InvokerStore;
  readonly secrets: SecretStore;
  readonly service: InvokerService;
  readonly drafts: DraftStore;
  readonly log: vscode.LogOutputChannel;
  /** Runs the invoker as the Execute command does, and says in one line how it went. */
  execute(ref: InvokerRef): Promise<{ ok: boolean; text: string }>;
  copyAccessToken(ref: InvokerRef): Promise<void>;
  /** Reads an issuer's metadata over the invoker's network settings (the runner's `discover`). */
  discover(issuer: string, options: DiscoverOptions): Promise<DiscoveryResult>;
}

/** How a form opens besides its invoker: the provider's notes, the field to focus, whether a template is a fresh start. */
export interface FormOptions {
  readonly help?: FormHelp;
  /** A property name (`tlsCaFile`, `clientSecret`, …) to focus, its section opened. */
  readonly focusField?: string;
  /** The failure that named it, shown beside the field. */
  readonly focusReason?: string;
  /** The template is a preset's fresh start, not unsaved changes: no "restored" banner, problems shown as fields are touched. */
  readonly pristine?: boolean;
}

/**
 * Part of the in-host tests' `testing` surface (see testingApi.ts; not part of OAuth2InvokerApi, not for other
 * extensions): the tests need the bundle's own panels, not those of a copy of this class compiled beside them.
 */
export interface FormPanelTestHooks {
  formPanelForTests(ref?: InvokerRef): InvokerFormPanel | undefined;
}

/** What the open dialog of each TLS file field offers. */
const FILE_FILTERS: Readonly<Record<FileFieldProperty, Record<string, string[]>>> = {
  tlsCaFile: { 'Certificates (PEM, DER)': ['pem', 'crt', 'cer', 'der'], 'All files': ['*'] },
  tlsCertFile: { 'Certificates (PEM)': ['pem', 'crt', 'cer'], 'All files': ['*'] },
  tlsKeyFile: { 'Private keys (PEM)': ['pem', 'key'], 'All files': ['*'] },
  tlsPfxFile: { 'PKCS#12 (.pfx, .p12)': ['pfx', 'p12'], 'All files': ['*'] },
  clientAssertionKeyFile: { 'Private keys (PEM, PKCS#12)': ['pem', 'key', 'pfx', 'p12'], 'All files': ['*'] },
};

/** The provider's notes for an invoker whose token URL a preset recognizes. */
export function helpForUrl(tokenUrl: string): FormHelp | undefined {
  const match = matchPreset(tokenUrl);
  return match !== undefined
    ? { title: match.preset.label, text: match.preset.help, ...(match.preset.docs !== undefined ? { docs: match.preset.docs } : {}) }
    : undefined;
}

/** What the form shows of a discovery: the result without the metadata document (which may be large). */
function summaryOf(result: DiscoveryResult): DiscoverySummary {
  return {
    issuer: result.issuer,
    metadataUrl: result.metadataUrl,
    tokenEndpoint: result.tokenEndpoint,
    ...(result.grantTypesSupported !== undefined ? { grantTypesSupported: result.grantTypesSupported } : {}),
    invokerGrantTypes: result.invokerGrantTypes,
    ...(result.credentialsInRequestBody !== undefined ? { credentialsInRequestBody: result.credentialsInRequestBody } : {}),
    ...(result.tokenEndpointAuthMethodsSupported !== undefined ? { tokenEndpointAuthMethodsSupported: result.tokenEndpointAuthMethodsSupported } : {}),
    ...(result.authorizationEndpoint !== undefined ? { authorizationEndpoint: result.authorizationEndpoint } : {}),
    ...(result.deviceAuthorizationEndpoint !== undefined ? { deviceAuthorizationEndpoint: result.deviceAuthorizationEndpoint } : {}),
    issParameterSupported: result.issParameterSupported,
    warnings: result.warnings,
    ...(result.mtlsTokenEndpoint !== undefined ? { mtlsTokenEndpoint: result.mtlsTokenEndpoint } : {}),
    ...(result.mtlsDeviceAuthorizationEndpoint !== undefined ? { mtlsDeviceAuthorizationEndpoint: result.mtlsDeviceAuthorizationEndpoint } : {}),
    ...(result.introspectionEndpoint !== undefined ? { introspectionEndpoint: result.introspectionEndpoint } : {}),
    ...(result.mtlsIntrospectionEndpoint !== undefined ? { mtlsIntrospectionEndpoint: result.mtlsIntrospectionEndpoint } : {}),
    ...(result.revocationEndpoint !== undefined ? { revocationEndpoint: result.revocationEndpoint } : {}),
    ...(result.mtlsRevocationEndpoint !== undefined ? { mtlsRevocationEndpoint: result.mtlsRevocationEndpoint } : {}),
  };
}

const NEW_FORM = 'new';

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
  /** False while a template (preset, duplicate) has not been edited: an older draft of a new form must not replace it. */
  private useDraft: boolean;
  private help: FormHelp | undefined;
  private pristine: boolean;
  /** Focused by the next `init` (the webview of a hidden panel reloads when it is shown). */
  private pendingFocus: { readonly field: string; readonly reason?: string } | undefined;
  private discovery: AbortController | undefined;
  private readonly posted = new vscode.EventEmitter<ToWebview>();

  /** Opens the form of an invoker (or a new one, optionally pre-filled), or brings its open panel to the front. */
  static createOrShow(deps: FormDependencies, ref?: InvokerRef, template?: InvokerConfig, options: FormOptions = {}): InvokerFormPanel {
    const existing = template === undefined ? InvokerFormPanel.panels.get(formKeyOf(ref)) : undefined;
    if (existing !== undefined) {
      if (options.focusField !== undefined) {
        existing.focus(options.focusField, options.focusReason);
      }
      existing.panel.reveal();
      return existing;
    }
    const panel = vscode.window.createWebviewPanel(
      InvokerFormPanel.viewType,
      'OAuth2 Invoker',
      vscode.ViewColumn.Active,
      InvokerFormPanel.options(deps.extensionUri),
    );
    return new InvokerFormPanel(panel, deps, ref, template, options);
  }

  /** Re-attaches a panel VS Code restored after a window reload. */
  static revive(deps: FormDependencies, panel: vscode.WebviewPanel, state: WebviewState | undefined): InvokerFormPanel {
    panel.webview.options = InvokerFormPanel.options(deps.extensionUri);
    const ref = state?.savedName !== undefined && state.savedScope !== undefined ? { name: state.savedName, scope: state.savedScope } : undefined;
    return new InvokerFormPanel(panel, deps, ref && deps.invokers.find(ref.name, ref.scope) ? ref : undefined, undefined, {});
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
    options: FormOptions,
  ) {
    this.template = template;
    this.useDraft = template === undefined;
    this.help = options.help;
    this.pristine = options.pristine === true;
    this.pendingFocus =
      options.focusField !== undefined
        ? { field: options.focusField, ...(options.focusReason !== undefined ? { reason: options.focusReason } : {}) }
        : undefined;
    InvokerFormPanel.panels.set(this.formKey, this);
    this.panel.webview.html = this.html();
    this.panel.iconPath = vscode.Uri.joinPath(deps.extensionUri, 'media', 'icon.png');
    this.updateTitle();
    this.panel.onDidDispose(() => this.dispose(), undefined, this.disposables);
    this.panel.webview.onDidReceiveMessage((message: FromWebview) => void this.receive(message), undefined, this.disposables);
    deps.secrets.onDidChange(() => void this.postStoredSecrets(), undefined, this.disposables);
    // An invoker saved, renamed or deleted elsewhere (another form, a command, settings.json): the open form's choices follow.
    deps.invokers.onDidChange(() => this.postSubjectInvokers(), undefined, this.disposables);
    this.disposables.push({ dispose: () => this.discovery?.abort() }, this.posted);
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
      language: vscode.env.language,
    });
  }

  private updateTitle(): void {
    this.panel.title = this.savedRef !== undefined ? `Invoker: ${this.savedRef.name}` : 'New OAuth2 Invoker';
  }

  private post(message: ToWebview): void {
    this.posted.fire(message);
    void this.panel.webview.postMessage(message);
  }

  private takenNames(scope: InvokerScope): string[] {
    return this.deps.invokers
      .list()
      .filter(
        (entry) => entry.scope === scope && !(this.savedRef !== undefined && entry.scope === this.savedRef.scope && entry.config.name === this.savedRef.name),
      )
      .map((entry) => entry.config.name);
  }

  /** The invokers but this one, for "Subject Token From Invoker". */
  private subjectInvokers(): { value: string; label: string }[] {
    return this.deps.invokers
      .list()
      .filter((entry) => !(this.savedRef !== undefined && entry.scope === this.savedRef.scope && entry.config.name === this.savedRef.name))
      .map((entry) => {
        const ref = { name: entry.config.name, scope: entry.scope };
        return { value: invokerKey(ref), label: invokerLabel(ref) };
      });
  }

  private postSubjectInvokers(): void {
    this.post({ type: 'subjectInvokers', subjectInvokers: this.subjectInvokers() });
  }

  private async storedSecrets(): Promise<Record<SecretField, boolean>> {
    return this.savedRef !== undefined ? this.deps.secrets.stored(this.savedRef) : { ...NO_STORED_SECRETS };
  }

  /** Focuses a field: at once when the form is showing, else when it has loaded again. */
  private focus(field: string, reason?: string): void {
    if (this.panel.visible) {
      this.post({ type: 'focus', field, ...(reason !== undefined ? { reason } : {}) });
    } else {
      this.pendingFocus = { field, ...(reason !== undefined ? { reason } : {}) };
    }
  }

  private async postStoredSecrets(): Promise<void> {
    this.post({ type: 'storedSecrets', storedSecrets: await this.storedSecrets() });
  }

  private async init(): Promise<void> {
    const draft = this.useDraft ? this.deps.drafts.get(this.formKey) : undefined;
    const saved = this.savedRef !== undefined ? this.deps.invokers.find(this.savedRef.name, this.savedRef.scope) : undefined;
    // A draft kept by an older version lacks the fields added since (client authentication): they take their defaults.
    const config: InvokerConfig = { ...DEFAULT_INVOKER, ...(draft?.config ?? saved?.config ?? this.template ?? DEFAULT_INVOKER) };
    const scope = draft?.scope ?? saved?.scope ?? 'user';
    const help = this.help ?? helpForUrl(config.authorizationServerUrl);
    const focus = this.pendingFocus;
    this.pendingFocus = undefined;
    this.post({
      type: 'init',
      config,
      scope,
      savedName: this.savedRef?.name,
      savedScope: this.savedRef?.scope,
      storedSecrets: await this.storedSecrets(),
      takenNames: this.takenNames(scope),
      subjectInvokers: this.subjectInvokers(),
      workspaceAvailable: (vscode.workspace.workspaceFolders?.length ?? 0) > 0,
      dirty: draft !== undefined || (this.template !== undefined && saved === undefined && !this.pristine),
      ...(help !== undefined ? { help } : {}),
      ...(focus !== undefined ? { focusField: focus.field } : {}),
      ...(focus?.reason !== undefined ? { focusReason: focus.reason } : {}),
    });
  }

  private async receive(message: FromWebview): Promise<void> {
    try {
      switch (message.type) {
        case 'ready':
          await this.init();
          return;
        case 'draft':
          this.useDraft = true;
          await this.deps.drafts.set(this.formKey, {
            config: message.config,
            scope: message.scope,
            savedName: this.savedRef?.name,
            savedScope: this.savedRef?.scope,
          });
          return;
        case 'discardDraft':
          await this.deps.drafts.delete(this.formKey);
          this.template = undefined;
          this.help = undefined;
          await this.init();
          return;
        case 'browse':
          await this.browse(message.field, message.current);
          return;
        case 'discover':
          await this.discover(message);
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
      this.deps.log.error(`form: ${errorText(error)}`);
      this.post({ type: 'result', ok: false, text: errorText(error) });
    }
  }

  /** Every problem of the form, each naming its field (the form's own check, run again on what is stored now). */
  private async issues(message: SaveMessage): Promise<FormIssue[]> {
    const problems = formIssues(message.config, message.secrets, await this.storedSecrets(), this.takenNames(message.scope));
    if (message.scope === 'workspace' && (vscode.workspace.workspaceFolders?.length ?? 0) === 0) {
      problems.push({ field: 'storage', message: '"Stored in" cannot be Workspace settings: no folder is open.' });
    }
    // The form offers only the other invokers, but a chain through them may come back to this one (A → B → A).
    const chain =
      message.config.grantType === 'token_exchange' ? this.deps.invokers.subjectChainProblem({ config: message.config, scope: message.scope }) : undefined;
    if (chain !== undefined) {
      problems.push({ field: 'subjectTokenInvoker', message: chain });
    }
    return problems;
  }

  /** "Browse…" beside a TLS file field: VS Code's open dialog, starting in the folder of the path typed. */
  private async browse(field: FileFieldProperty, current: string): Promise<void> {
    let defaultUri: vscode.Uri | undefined;
    if (current.trim() !== '') {
      const typed = vscode.Uri.file(current.trim());
      defaultUri = vscode.Uri.joinPath(typed, '..');
    }
    const picked = await vscode.window.showOpenDialog({
      canSelectFiles: true,
      canSelectFolders: false,
      canSelectMany: false,
      openLabel: 'Select',
      title: PROPERTY_LABELS[field],
      filters: FILE_FILTERS[field],
      ...(defaultUri !== undefined ? { defaultUri } : {}),
    });
    const file = picked?.[0];
    if (file !== undefined) {
      // The core reads the file from the extension host's file system: only a local path can be used.
      if (file.scheme !== 'file') {
        this.post({
          type: 'result',
          ok: false,
          text: `"${PROPERTY_LABELS[field]}" must be a file on this machine (${file.scheme}: files cannot be read by the token request).`,
        });
        return;
      }
      this.post({ type: 'browsed', field, path: file.fsPath });
    }
  }

  /** "Discover": reads the issuer's metadata with the network settings typed; one line back when it fails. */
  private async discover(message: DiscoverMessage): Promise<void> {
    this.discovery?.abort();
    const controller = new AbortController();
    this.discovery = controller;
    const typed: Partial<Record<SecretField, string>> = {};
    for (const field of NETWORK_SECRETS) {
      const edit = message.secrets[field];
      if (edit?.action === 'replace') {
        typed[field] = edit.value;
      } else if (edit?.action === 'clear') {
        typed[field] = '';
      }
    }
    try {
      const result = await this.deps.discover(message.config.issuer, { ref: this.savedRef, config: message.config, typed, signal: controller.signal });
      if (this.discovery === controller) {
        this.post({ type: 'discovered', result: summaryOf(result) });
      }
    } catch (error) {
      if (this.discovery !== controller) {
        return;
      }
      // The core's errors are one redacted sentence (or a few); the form shows the first line only.
      const text = errorText(error).split('\n')[0];
      const field = fieldToFix(error);
      this.deps.log.warn(`form: discovery of ${message.config.issuer.trim()} failed: ${text}`);
      this.post({ type: 'discovered', error: { text, ...(field !== undefined ? { field } : {}) } });
    } finally {
      if (this.discovery === controller) {
        this.discovery = undefined;
      }
    }
  }

  private async save(message: SaveMessage): Promise<void> {
    const problems = await this.issues(message);
    this.post({ type: 'issues', issues: problems });
    if (problems.length > 0) {
      return;
    }
    const config: InvokerConfig = { ...message.config, name: message.config.name.trim() };
    const ref: InvokerRef = { name: config.name, scope: message.scope };
    const secrets: Partial<Record<SecretField, string>> = {};
    for (const field of SECRET_FIELDS) {
      const edit = message.secrets[field];
      if (edit?.action === 'replace' || edit?.action === 'clear') {
        secrets[field] = edit.action === 'replace' ? edit.value : '';
      }
    }
    await this.deps.service.save({ config, scope: ref.scope, ...(this.savedRef !== undefined ? { previous: this.savedRef } : {}), secrets });
    await this.deps.drafts.delete(this.formKey);
    InvokerFormPanel.panels.delete(this.formKey);
    this.savedRef = ref;
    this.template = undefined;
    InvokerFormPanel.panels.set(this.formKey, this);
    this.updateTitle();
    this.deps.log.info(`[${ref.name}] saved to ${ref.scope} settings`);
    this.post({ type: 'saved', savedName: ref.name, scope: ref.scope, storedSecrets: await this.storedSecrets(), takenNames: this.takenNames(ref.scope) });
    // The settings' change may have been told before this form knew its new name: the list leaves this invoker out again.
    this.postSubjectInvokers();
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

  // ---- Test seam: for the in-host tests only (test/integration/formPanel.test.ts) -------------------------------
  // The form's protocol without a browser: a test posts what the webview would, and reads what the panel answers.

  /** For tests: the open form of an invoker, or the new-invoker form when `ref` is undefined. */
  static find(ref?: InvokerRef): InvokerFormPanel | undefined {
    return InvokerFormPanel.panels.get(formKeyOf(ref));
  }

  /** For tests: handles `message` as if the webview had posted it; settles once it is handled. */
  receiveForTests(message: FromWebview): Promise<void> {
    return this.receive(message);
  }

  /** For tests: the document the webview was given. */
  get htmlForTests(): string {
    return this.panel.webview.html;
  }

  /** For tests: every message the panel posts to its webview, as it posts it. */
  get onDidPostForTests(): vscode.Event<ToWebview> {
    return this.posted.event;
  }
}
