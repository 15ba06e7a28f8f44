/**
 * Every message between the invoker form (webview) and the extension. Types only; both sides import them.
 * The webview sends `ready`, then the extension sends `init`. Secrets travel one way, form -> extension, in `save`.
 */
import type { InvokerConfig, InvokerScope, SecretField, StoredSecrets } from './invoker';

/** A problem shown beside one field of the form. `field` is a property name, `name`, `targetMessage`, or `storage` ("Stored in"). */
export interface FormIssue {
  readonly field: string;
  readonly message: string;
}

/** What the form asks the extension to do with one secret; a field left out is kept as stored. */
export type SecretEdit = { readonly action: 'replace'; readonly value: string } | { readonly action: 'clear' };
export type SecretEdits = Partial<Record<SecretField, SecretEdit>>;

/** Extension -> form: the invoker to edit (a restored draft when `dirty`), and what is stored for it. */
export interface InitMessage {
  readonly type: 'init';
  readonly config: InvokerConfig;
  readonly scope: InvokerScope;
  /** The saved name and scope of the invoker being edited; undefined for a new one. */
  readonly savedName?: string;
  readonly savedScope?: InvokerScope;
  readonly storedSecrets: StoredSecrets;
  /** Names of the other invokers, so the form can say at once that a name is taken. */
  readonly takenNames: readonly string[];
  readonly workspaceAvailable: boolean;
  /** True when `config` is an unsaved draft restored after the panel was closed or the window reloaded. */
  readonly dirty: boolean;
}

/** Extension -> form: problems found on Save or Execute; the form keeps everything typed. */
export interface IssuesMessage {
  readonly type: 'issues';
  readonly issues: readonly FormIssue[];
}

/** Extension -> form: the invoker was saved under `savedName` with these secrets stored. */
export interface SavedMessage {
  readonly type: 'saved';
  readonly savedName: string;
  readonly scope: InvokerScope;
  readonly storedSecrets: StoredSecrets;
  readonly takenNames: readonly string[];
}

/** Extension -> form: an Execute started or ended, so buttons are disabled while it runs. */
export interface BusyMessage {
  readonly type: 'busy';
  readonly busy: boolean;
}

/** Extension -> form: the outcome of Execute, in one line (never a token or a secret). */
export interface ResultMessage {
  readonly type: 'result';
  readonly ok: boolean;
  readonly text: string;
}

/** Extension -> form: secrets changed elsewhere (another window, a Clear command). */
export interface StoredSecretsMessage {
  readonly type: 'storedSecrets';
  readonly storedSecrets: StoredSecrets;
}

export type ToWebview = InitMessage | IssuesMessage | SavedMessage | BusyMessage | ResultMessage | StoredSecretsMessage;

/** Form -> extension: the form is loaded and listening. */
export interface ReadyMessage {
  readonly type: 'ready';
}

/** Form -> extension: the fields changed; kept as a draft (no secrets) so nothing typed is lost. */
export interface DraftMessage {
  readonly type: 'draft';
  readonly config: InvokerConfig;
  readonly scope: InvokerScope;
}

/** Form -> extension: Save (or Save and Execute) with the secret edits typed since the last save. */
export interface SaveMessage {
  readonly type: 'save';
  readonly config: InvokerConfig;
  readonly scope: InvokerScope;
  readonly secrets: SecretEdits;
  readonly execute: boolean;
}

/** Form -> extension: copy the access token of this invoker's last message. */
export interface CopyTokenMessage {
  readonly type: 'copyAccessToken';
}

/** Form -> extension: open the log. */
export interface ShowLogMessage {
  readonly type: 'showLog';
}

/** Form -> extension: throw the unsaved draft away and show the saved invoker again. */
export interface DiscardDraftMessage {
  readonly type: 'discardDraft';
}

export type FromWebview = ReadyMessage | DraftMessage | SaveMessage | CopyTokenMessage | ShowLogMessage | DiscardDraftMessage;

/** What the webview keeps in its own state (setState): never a secret. */
export interface WebviewState {
  readonly config: InvokerConfig;
  readonly scope: InvokerScope;
  /** The saved invoker the form edits (from `init`/`saved`), so a reloaded window reopens the same one. */
  readonly savedName?: string;
  readonly savedScope?: InvokerScope;
}
