import type { ClientAuthMethod, GrantType } from '../../shared/properties';

/** The one property name the invoker adds: it holds the server's `access_token`. */
export const ACCESS_TOKEN_PROPERTY = 'AccessToken';

/** How the client authenticated on the request that produced the message (RFC 6749 §2.3.1 / RFC 7591 names). */
export type ClientAuthentication = ClientAuthMethod;

/** Which form of the Basic credentials was sent: form-urlencoded first (RFC 6749 §2.3.1) or the raw bytes. */
export type BasicVariant = 'rfc6749' | 'raw';

/** Where a message's expiry came from. */
export type ExpirySource = 'expires_in' | 'jwt-exp';

/** What the invoker knows about an exchange that is ours, not the server's: kept beside the properties. */
export interface DJMessageMetadata {
  readonly status: number;
  /** Epoch milliseconds when the answer arrived. */
  readonly receivedAt: number;
  /** Epoch milliseconds when the access token expires, when known. */
  readonly expiresAt?: number;
  readonly expirySource?: ExpirySource;
  readonly warnings: readonly string[];
  readonly grantType: GrantType;
  readonly tokenUrl: string;
  readonly clientAuthentication: ClientAuthentication;
  readonly basicVariant?: BasicVariant;
  readonly contentType?: string;
  /** True when the message holds a server's error answer (error code 4). */
  readonly failed: boolean;
  /** Set when the message is not a token answer: `introspection` for an RFC 7662 answer (`tokenUrl` is then the introspection endpoint). */
  readonly operation?: 'introspection';
}

/** The plain-data form of a DJMessage, for storage and for the extension's views. */
export interface DJMessageData {
  readonly name: string;
  readonly body: string;
  readonly properties: ReadonlyArray<readonly [string, string]>;
  readonly metadata: DJMessageMetadata;
}

/**
 * A named message with a body (the server's answer as received) and ordered string properties,
 * read as `DJMOUT.AccessToken` and `DJMOUT.PropertyNames(n)` are in the original component.
 */
export class DJMessage {
  readonly name: string;
  readonly body: string;
  readonly metadata: DJMessageMetadata;
  private readonly properties: ReadonlyMap<string, string>;

  constructor(data: DJMessageData) {
    this.name = data.name;
    this.body = data.body;
    this.metadata = data.metadata;
    this.properties = new Map(data.properties);
  }

  /** Property names in order: `AccessToken` first, then the server's fields in the server's order. */
  propertyNames(): string[] {
    return [...this.properties.keys()];
  }

  getProperty(name: string): string | undefined {
    return this.properties.get(name);
  }

  get accessToken(): string | undefined {
    return this.properties.get(ACCESS_TOKEN_PROPERTY);
  }

  toJSON(): DJMessageData {
    return { name: this.name, body: this.body, properties: [...this.properties], metadata: this.metadata };
  }

  static fromJSON(data: DJMessageData): DJMessage {
    return new DJMessage(data);
  }
}

/** A server field's value as a property string: strings as they are, numbers and booleans as JSON text, null as '', objects as compact JSON. */
export function propertyValue(value: unknown): string {
  if (typeof value === 'string') {
    return value;
  }
  if (value === null || value === undefined) {
    return '';
  }
  return JSON.stringify(value);
}
