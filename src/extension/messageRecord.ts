import type { DJMessage } from '../core/model/djMessage';
import type { InvokerErrorKind } from '../core/model/errors';
import type { TokenBinding } from '../core/model/routeBinding';
import type { InvokerRef } from './invokerStore';

/** What the tree shows of a failed Execute besides the server's answer: never a secret (the core redacts). */
export interface FailureSummary {
  readonly message: string;
  readonly kind: InvokerErrorKind;
  readonly status?: number;
  readonly error?: string;
  readonly errorDescription?: string;
  /** What most likely fixes it (Entra AADSTS codes, client authentication mismatches, …), when known. */
  readonly hint?: string;
  /** The invoker property that fixes it (e.g. `tlsCaFile`), when known: Edit Invoker focuses it. */
  readonly field?: string;
}

/** The last message an invoker wrote: its target DJMessage, and why it failed when it did (error code 4). */
export interface MessageRecord {
  readonly invoker: InvokerRef;
  readonly message: DJMessage;
  readonly failure?: FailureSummary;
  /**
   * The refresh token held for the invoker: the answer's `refresh_token`, or, when a refresh answer had none,
   * the one it was refreshed with (RFC 6749 §6: the client keeps using it).
   */
  readonly refreshToken?: string;
  /** True once the message's access token was revoked (RFC 7009): it is no longer handed out, and the next request renews. */
  readonly revoked?: boolean;
  /**
   * The route and client its tokens were issued to: they are sent again only along it (see TokenBinding). Undefined
   * for a record kept before bindings covered tokens: its origin is then taken from the message's token URL.
   */
  readonly issuedTo?: TokenBinding;
}
