/**
 * Every message between the invoker form (webview) and the extension. Types only; both sides import them.
 * The webview sends `ready`, then the extension sends `init`. Secrets travel one way, form -> extension, in `save`.
 */
import type { InvokerConfig, InvokerScope, SecretField, StoredSecrets } from './invoker';
import type { FileFieldProperty, GrantType } from './properties';

/** A problem shown beside one field of the form. `field` is a property name, `name`, `targetMessage`, or `storage` ("Stored in"). */
export interface FormIssue {
  readonly field: string;
  readonly message: string;
}

/** What the form asks the extension to do with one secret; a field left out is kept as stored. */
export type SecretEdit = { readonly action: 'replace'; readonly value: string } | { readonly action: 'clear' };
export type SecretEdits = Partial<Record<SecretField, SecretEdit>>;

/** A provider's notes shown at the top of the form: the preset the invoker was made from, or that its token URL matches. */
export interface FormHelp {
  /** The provider, e.g. `Keycloak`. */
  readonly title: string;
  /** What the preset filled and what is left to do; plain text. */
  readonly text: string;
  /** The provider's documentation of its token endpoint (https://). */
  readonly docs?: string;
}

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
  /** The other invokers a Token Exchange may take its subject token from: `user:NAME` / `workspace:NAME` and a label. */
  readonly subjectInvokers: readonly { readonly value: string; readonly label: string }[];
  readonly workspaceAvailable: boolean;
  /** True when `config` is an unsaved draft restored after the panel was closed or the window reloaded. */
  readonly dirty: boolean;
  /** The provider's notes, shown as an info box. */
  readonly help?: FormHelp;
  /** The property to focus (and reveal in its section): the one a failed Execute named as the fix. */
  readonly focusField?: string;
  /** Why: the failure, shown beside that field until it is changed (one line, never a secret). */
  readonly focusReason?: string;
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

/** Extension -> form: the invokers changed while the form is open: the new choices of "Subject Token From Invoker". */
export interface SubjectInvokersMessage {
  readonly type: 'subjectInvokers';
  readonly subjectInvokers: InitMessage['subjectInvokers'];
}

/** Extension -> form: focus a field of the open form (Edit Invoker after a failure that named it). */
export interface FocusMessage {
  readonly type: 'focus';
  readonly field: string;
  /** As InitMessage's `focusReason`. */
  readonly reason?: string;
}

/** Extension -> form: the file the user chose in the open dialog that `browse` asked for. */
export interface BrowsedMessage {
  readonly type: 'browsed';
  readonly field: FileFieldProperty;
  readonly path: string;
}

/** What the form needs of a discovery: the core's DiscoveryResult without the metadata document. */
export interface DiscoverySummary {
  readonly issuer: string;
  readonly metadataUrl: string;
  /** Becomes "Authorization Server URL". */
  readonly tokenEndpoint: string;
  /** As listed by the server; absent when it lists none. */
  readonly grantTypesSupported?: readonly string[];
  /** The invoker's grants the server offers (all of them when it lists none). */
  readonly invokerGrantTypes: readonly GrantType[];
  /** The suggested "Credentials in Request Body"; absent when the server lists neither Basic nor body credentials. */
  readonly credentialsInRequestBody?: boolean;
  readonly tokenEndpointAuthMethodsSupported?: readonly string[];
  /** Becomes "Authorization Endpoint URL". */
  readonly authorizationEndpoint?: string;
  /** Becomes "Device Authorization Endpoint". */
  readonly deviceAuthorizationEndpoint?: string;
  /** RFC 9207: becomes "Require Issuer in Redirect". */
  readonly issParameterSupported?: boolean;
  readonly warnings: readonly string[];
  /** `mtls_endpoint_aliases.token_endpoint`: "Authorization Server URL" for the mutual-TLS client authentication methods. */
  readonly mtlsTokenEndpoint?: string;
  /** `mtls_endpoint_aliases.device_authorization_endpoint`: "Device Authorization Endpoint" for the mutual-TLS methods. */
  readonly mtlsDeviceAuthorizationEndpoint?: string;
  /** `mtls_endpoint_aliases.introspection_endpoint`: "Introspection Endpoint" for the mutual-TLS methods. */
  readonly mtlsIntrospectionEndpoint?: string;
  /** `mtls_endpoint_aliases.revocation_endpoint`: "Revocation Endpoint" for the mutual-TLS methods. */
  readonly mtlsRevocationEndpoint?: string;
  /** Becomes "Introspection Endpoint" (RFC 7662); absent when the server names none. */
  readonly introspectionEndpoint?: string;
  /** Becomes "Revocation Endpoint" (RFC 7009); absent when the server names none. */
  readonly revocationEndpoint?: string;
}

/** Extension -> form: the outcome of `discover`: the summary, or one line saying why not (never a secret). */
export interface DiscoveredMessage {
  readonly type: 'discovered';
  readonly result?: DiscoverySummary;
  readonly error?: { readonly text: string; readonly field?: string };
}

export type ToWebview =
  | InitMessage
  | IssuesMessage
  | SavedMessage
  | BusyMessage
  | ResultMessage
  | StoredSecretsMessage
  | SubjectInvokersMessage
  | FocusMessage
  | BrowsedMessage
  | DiscoveredMessage;

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

/** Form -> extension: "Browse…" beside a TLS file field: show VS Code's open dialog, starting at `current`'s folder. */
export interface BrowseMessage {
  readonly type: 'browse';
  readonly field: FileFieldProperty;
  readonly current: string;
}

/**
 * Form -> extension: "Discover": read the metadata of `config.issuer` over the network settings as typed, with the
 * proxy password and key passphrase typed since the last save (others: as stored).
 */
export interface DiscoverMessage {
  readonly type: 'discover';
  readonly config: InvokerConfig;
  readonly secrets: SecretEdits;
}

export type FromWebview = ReadyMessage | DraftMessage | SaveMessage | CopyTokenMessage | ShowLogMessage | DiscardDraftMessage | BrowseMessage | DiscoverMessage;

/** What the webview keeps in its own state (setState): never a secret. */
export interface WebviewState {
  readonly config: InvokerConfig;
  readonly scope: InvokerScope;
  /** The saved invoker the form edits (from `init`/`saved`), so a reloaded window reopens the same one. */
  readonly savedName?: string;
  readonly savedScope?: InvokerScope;
}
