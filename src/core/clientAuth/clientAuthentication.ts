import { createHash, createPrivateKey, randomUUID, X509Certificate, type KeyObject } from 'node:crypto';
import * as path from 'node:path';
import type { BasicVariant } from '../model/djMessage';
import { InvokerError } from '../model/errors';
import { readRegularFile } from '../net/boundedFile';
import {
  ASSERTION_ALGORITHMS,
  CLIENT_AUTH_METHOD_LABELS,
  clientAuthMethodOf,
  PROPERTY_LABELS,
  type AssertionAlgorithm,
  type ClientAuthMethod,
  type InvokerProperties,
  type PropertyIssue,
} from '../../shared/properties';
import { basicCredentials } from './formEncoding';

// Client authentication as a strategy (oauth4webapi's ClientSecretBasic … None): chosen once per Execute, then applied
// to each request it sends, whichever endpoint that is (token, introspection, revocation).

/** One request's parts a client authentication method may add to. */
export interface ClientAuthTarget {
  /** The endpoint the request is sent to: the assertion's audience by default (RFC 7523 §3). */
  readonly endpoint: string;
  readonly headers: Record<string, string>;
  /** Adds one form parameter to the body. */
  add(name: string, value: string): void;
}

/** A client authentication method, ready to authenticate requests. */
export interface ClientAuth {
  readonly method: ClientAuthMethod;
  /** The Basic form, for client_secret_basic. */
  readonly basicVariant?: BasicVariant;
  /** Adds the client's credentials to one request: a header, body fields, or only `client_id`. */
  apply(target: ClientAuthTarget): void | Promise<void>;
}

/** A synchronous method: one that needs no signature. */
export interface SyncClientAuth extends ClientAuth {
  apply(target: ClientAuthTarget): void;
}

/** The `client_assertion_type` of RFC 7523 §2.2. */
export const JWT_BEARER_ASSERTION_TYPE = 'urn:ietf:params:oauth:client-assertion-type:jwt-bearer';

/** How long a client assertion is valid: "a few minutes" covers clock skew without making a replay useful. */
export const ASSERTION_LIFETIME_SECONDS = 120;

/**
 * client_secret_basic: id and secret in an `Authorization: Basic` header, form-urlencoded first (`rfc6749`) or raw.
 * @see https://www.rfc-editor.org/rfc/rfc6749#section-2.3.1
 */
export function ClientSecretBasic(clientId: string, clientSecret: string, variant: BasicVariant = 'rfc6749'): SyncClientAuth {
  return {
    method: 'client_secret_basic',
    basicVariant: variant,
    apply: ({ headers }) => {
      headers.authorization = `Basic ${basicCredentials(clientId, clientSecret, variant)}`;
    },
  };
}

/**
 * client_secret_post: `client_id` and `client_secret` in the request body.
 * @see https://www.rfc-editor.org/rfc/rfc6749#section-2.3.1
 */
export function ClientSecretPost(clientId: string, clientSecret: string): SyncClientAuth {
  return {
    method: 'client_secret_post',
    apply: ({ add }) => {
      add('client_id', clientId);
      add('client_secret', clientSecret);
    },
  };
}

/**
 * none (a public client), and the two mutual-TLS methods: only `client_id` in the body; for tls_client_auth and
 * self_signed_tls_client_auth the TLS connection's client certificate authenticates the client.
 * @see https://www.rfc-editor.org/rfc/rfc8705#section-2
 */
export function ClientIdOnly(clientId: string, method: 'none' | 'tls_client_auth' | 'self_signed_tls_client_auth' = 'none'): SyncClientAuth {
  return {
    method,
    apply: ({ add }) => {
      if (clientId !== '') {
        add('client_id', clientId);
      }
    },
  };
}

/** Where an assertion's `aud` comes from: the endpoint of each request, or one fixed value (the issuer). */
export type AssertionAudienceValue = { readonly kind: 'endpoint' } | { readonly kind: 'fixed'; readonly value: string };

export interface AssertionOptions {
  readonly audience?: AssertionAudienceValue;
  /** Clock, for tests (epoch milliseconds). */
  readonly now?: () => number;
}

/** A private key ready to sign assertions, with what its header says about it. */
export interface AssertionKey {
  readonly key: KeyObject;
  readonly alg: AssertionAlgorithm;
  readonly kid?: string;
  /** base64url SHA-256 of the certificate's DER, when the file holds the certificate (Entra ID identifies keys so). */
  readonly x5tS256?: string;
}

/** The protected header of an assertion signed with the key: its algorithm, and `kid` and `x5t#S256` when known. */
export function assertionHeader(key: AssertionKey): Record<string, string> {
  const header: Record<string, string> = { alg: key.alg };
  if (key.kid !== undefined && key.kid !== '') {
    header.kid = key.kid;
  }
  if (key.x5tS256 !== undefined) {
    header['x5t#S256'] = key.x5tS256;
  }
  return header;
}

/** Who an assertion names: its `iss` and `sub` (both the client id for client authentication). */
export interface AssertionParties {
  readonly issuer: string;
  readonly subject: string;
}

/**
 * Signs a JWT assertion: `iss` and `sub` as given, `aud` the endpoint (or the fixed audience), a fresh `jti`, `iat`
 * now and `exp` {@link ASSERTION_LIFETIME_SECONDS} later.
 * @see https://www.rfc-editor.org/rfc/rfc7523#section-3
 */
export async function signAssertion(
  parties: AssertionParties,
  endpoint: string,
  header: Record<string, string>,
  key: KeyObject | Uint8Array,
  options: AssertionOptions,
): Promise<string> {
  // jose is ESM; a dynamic import loads it from this CommonJS module (and keeps it out of the extension's bundle).
  const { SignJWT } = await import('jose');
  const now = Math.floor((options.now ?? Date.now)() / 1000);
  const audience = options.audience?.kind === 'fixed' ? options.audience.value : endpoint;
  return new SignJWT({})
    .setProtectedHeader({ ...header, alg: header.alg, typ: 'JWT' })
    .setIssuer(parties.issuer)
    .setSubject(parties.subject)
    .setAudience(audience)
    .setJti(randomUUID())
    .setIssuedAt(now)
    .setExpirationTime(now + ASSERTION_LIFETIME_SECONDS)
    .sign(key);
}

function addAssertion(add: ClientAuthTarget['add'], clientId: string, assertion: string): void {
  add('client_id', clientId);
  add('client_assertion_type', JWT_BEARER_ASSERTION_TYPE);
  add('client_assertion', assertion);
}

/**
 * client_secret_jwt: a JWT signed with HS256 and the client secret as key, a fresh one per request.
 * @see https://www.rfc-editor.org/rfc/rfc7523#section-2.2
 * @see https://openid.net/specs/openid-connect-core-1_0.html#ClientAuthentication
 */
export function ClientSecretJwt(clientId: string, clientSecret: string, options: AssertionOptions = {}): ClientAuth {
  const key = new TextEncoder().encode(clientSecret);
  return {
    method: 'client_secret_jwt',
    apply: async ({ endpoint, add }) =>
      addAssertion(add, clientId, await signAssertion({ issuer: clientId, subject: clientId }, endpoint, { alg: 'HS256' }, key, options)),
  };
}

/**
 * private_key_jwt: a JWT signed with the client's private key (`kid` and `x5t#S256` in its header when known), a
 * fresh one per request.
 * @see https://www.rfc-editor.org/rfc/rfc7523#section-2.2
 * @see https://openid.net/specs/openid-connect-core-1_0.html#ClientAuthentication
 */
export function PrivateKeyJwt(clientId: string, key: AssertionKey, options: AssertionOptions = {}): ClientAuth {
  const header = assertionHeader(key);
  const parties = { issuer: clientId, subject: clientId };
  return {
    method: 'private_key_jwt',
    apply: async ({ endpoint, add }) => addAssertion(add, clientId, await signAssertion(parties, endpoint, header, key.key, options)),
  };
}

// ---------------------------------------------------------------------------------------------------------------
// The signing key, from a PEM or PKCS#12 file.

const KEY_FILE = 'clientAssertionKeyFile';

function keyIssue(field: 'clientAssertionKeyFile' | 'assertionKeyPassphrase' | 'clientAssertionAlgorithm', rest: string): PropertyIssue {
  return { field, code: 'invalid', message: `"${PROPERTY_LABELS[field]}" ${rest}` };
}

function refuseKey(issue: PropertyIssue): never {
  throw new InvokerError(`The invoker's client assertion key cannot be used: ${issue.message}`, { kind: 'invalid-properties', issues: [issue] });
}

function passphraseIssue(passphrase: string | undefined): PropertyIssue {
  return passphrase !== undefined
    ? keyIssue('assertionKeyPassphrase', `does not decrypt "${PROPERTY_LABELS[KEY_FILE]}".`)
    : keyIssue('assertionKeyPassphrase', `is required: "${PROPERTY_LABELS[KEY_FILE]}" is encrypted.`);
}

const PEM_CERTIFICATE = /-----BEGIN CERTIFICATE-----[\s\S]+?-----END CERTIFICATE-----/;
const PEM_PRIVATE_KEY = /-----BEGIN ((?:RSA |EC |ENCRYPTED )?PRIVATE KEY)-----[\s\S]+?-----END \1-----/;

/** Key and certificate from a PEM file (the certificate is optional). */
function fromPem(text: string, passphrase: string | undefined): { key: KeyObject; certificate?: X509Certificate } {
  const keyBlock = PEM_PRIVATE_KEY.exec(text)?.[0];
  if (keyBlock === undefined) {
    refuseKey(keyIssue(KEY_FILE, 'holds no private key (PEM "-----BEGIN PRIVATE KEY-----", or a PKCS#12 file).'));
  }
  let key: KeyObject;
  try {
    key = createPrivateKey({ key: keyBlock, format: 'pem', passphrase });
  } catch (error) {
    const code = (error as { code?: unknown }).code;
    const encrypted = /ENCRYPTED/.test(keyBlock) || code === 'ERR_MISSING_PASSPHRASE' || code === 'ERR_OSSL_BAD_DECRYPT';
    refuseKey(encrypted ? passphraseIssue(passphrase) : keyIssue(KEY_FILE, 'holds a private key that cannot be read.'));
  }
  const certBlock = PEM_CERTIFICATE.exec(text)?.[0];
  if (certBlock === undefined) {
    return { key };
  }
  try {
    return { key, certificate: new X509Certificate(certBlock) };
  } catch {
    refuseKey(keyIssue(KEY_FILE, 'holds a certificate that cannot be parsed.'));
  }
}

/**
 * The PKCS#12 reader, a bundle of its own (dist/pkcs12.js beside dist/core.js; beside this file when compiled for the
 * tests): node-forge is most of its size and serves this one feature, so it loads only when a .p12 key is read.
 */
function pkcs12Reader(): typeof import('./pkcs12') {
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  return require(path.join(__dirname, 'pkcs12.js')) as typeof import('./pkcs12');
}

/** Key and certificate (the one of the key) from a PKCS#12 file, or the property issue that says why not. */
function fromPkcs12(content: Buffer, passphrase: string | undefined): { key: KeyObject; certificate?: X509Certificate } {
  const read = pkcs12Reader().readPkcs12(content, passphrase);
  switch (read.problem) {
    case undefined:
      return read.certificate !== undefined ? { key: read.key, certificate: read.certificate } : { key: read.key };
    case 'passphrase':
      return refuseKey(passphraseIssue(passphrase));
    case 'not-pkcs12':
      return refuseKey(keyIssue(KEY_FILE, 'is not a PKCS#12 file that can be read.'));
    case 'neither':
      return refuseKey(keyIssue(KEY_FILE, 'is neither a PEM file with a private key nor a PKCS#12 (.pfx / .p12) file.'));
    case 'no-key':
      return refuseKey(keyIssue(KEY_FILE, 'is a PKCS#12 file without a private key.'));
    case 'unreadable-key':
      return refuseKey(keyIssue(KEY_FILE, 'holds a private key that cannot be read.'));
  }
}

/** The algorithm a key signs with by default, or undefined when it is none of ours. */
function defaultAlgorithm(key: KeyObject): AssertionAlgorithm | undefined {
  switch (key.asymmetricKeyType) {
    case 'rsa':
      return 'RS256';
    case 'rsa-pss':
      return 'PS256';
    case 'ec':
      return key.asymmetricKeyDetails?.namedCurve === 'prime256v1' ? 'ES256' : undefined;
    case 'ed25519':
      return 'EdDSA';
    default:
      return undefined;
  }
}

function canSign(key: KeyObject, alg: AssertionAlgorithm): boolean {
  switch (alg) {
    case 'RS256':
      return key.asymmetricKeyType === 'rsa';
    case 'PS256':
      return key.asymmetricKeyType === 'rsa' || key.asymmetricKeyType === 'rsa-pss';
    case 'ES256':
      return key.asymmetricKeyType === 'ec' && key.asymmetricKeyDetails?.namedCurve === 'prime256v1';
    case 'EdDSA':
      return key.asymmetricKeyType === 'ed25519';
  }
}

function describeKey(key: KeyObject): string {
  const type = key.asymmetricKeyType ?? 'unknown';
  const curve = key.asymmetricKeyDetails?.namedCurve;
  const bits = key.asymmetricKeyDetails?.modulusLength;
  return `${type.toUpperCase()}${curve !== undefined ? ` ${curve}` : ''}${bits !== undefined ? ` ${bits}-bit` : ''}`;
}

/**
 * Reads the private_key_jwt signing key from "Client Assertion Key File" (PEM, optionally with its certificate, or
 * PKCS#12) and checks that it can sign with the chosen algorithm. Rejects with kind `invalid-properties`, naming the
 * key file, its passphrase or the algorithm.
 * @see https://www.rfc-editor.org/rfc/rfc7523#section-2.2
 */
export async function loadAssertionKey(properties: InvokerProperties, signal?: AbortSignal): Promise<AssertionKey> {
  const file = (properties.clientAssertionKeyFile ?? '').trim();
  // The client certificate's own file (Entra ID takes the TLS certificate as the credential): its passphrase is
  // "Client Key Passphrase" already, unless an "Assertion Key Passphrase" is given.
  const sameAsTls = file !== '' && [properties.tlsKeyFile, properties.tlsPfxFile, properties.tlsCertFile].some((tlsFile) => tlsFile?.trim() === file);
  const given = properties.assertionKeyPassphrase !== undefined && properties.assertionKeyPassphrase !== '' ? properties.assertionKeyPassphrase : undefined;
  const passphrase = given ?? (sameAsTls && properties.tlsPassphrase !== undefined && properties.tlsPassphrase !== '' ? properties.tlsPassphrase : undefined);
  let content: Buffer;
  try {
    content = await readRegularFile(file, { field: KEY_FILE, signal });
  } catch (error) {
    if (error instanceof InvokerError && error.kind === 'invalid-properties') {
      refuseKey(error.issues[0] ?? keyIssue(KEY_FILE, 'cannot be read.'));
    }
    throw error;
  }
  const text = content.toString('latin1');
  const { key, certificate } = /-----BEGIN [A-Z ]+-----/.test(text) ? fromPem(text, passphrase) : fromPkcs12(content, passphrase);
  if (certificate !== undefined && !certificate.checkPrivateKey(key)) {
    refuseKey(keyIssue(KEY_FILE, 'holds a certificate that does not belong to its private key.'));
  }
  const chosen = properties.clientAssertionAlgorithm;
  const alg = chosen ?? defaultAlgorithm(key);
  if (alg === undefined) {
    refuseKey(keyIssue(KEY_FILE, `holds a ${describeKey(key)} key, which signs none of ${ASSERTION_ALGORITHMS.join(', ')} (use RSA, EC P-256 or Ed25519).`));
  }
  if (!canSign(key, alg)) {
    refuseKey(keyIssue('clientAssertionAlgorithm', `is ${alg}, which the ${describeKey(key)} key in "${PROPERTY_LABELS[KEY_FILE]}" cannot sign.`));
  }
  const kid = properties.clientAssertionKeyId?.trim();
  return {
    key,
    alg,
    ...(kid !== undefined && kid !== '' ? { kid } : {}),
    ...(certificate !== undefined ? { x5tS256: createHash('sha256').update(certificate.raw).digest('base64url') } : {}),
  };
}

/** The secret-based (or credential-less) method the properties choose, with the given Basic form; undefined for the JWT methods. */
export function secretClientAuth(properties: InvokerProperties, basicVariant: BasicVariant = 'rfc6749'): SyncClientAuth {
  const clientId = (properties.clientId ?? '').trim();
  const secret = properties.clientSecret ?? '';
  const method = clientAuthMethodOf(properties);
  switch (method) {
    case 'client_secret_basic':
      return ClientSecretBasic(clientId, secret, basicVariant);
    case 'client_secret_post':
      return ClientSecretPost(clientId, secret);
    case 'none':
    case 'tls_client_auth':
    case 'self_signed_tls_client_auth':
      return ClientIdOnly(clientId, method);
    case 'client_secret_jwt':
    case 'private_key_jwt':
      throw new InvokerError(`Client authentication "${CLIENT_AUTH_METHOD_LABELS[method]}" signs an assertion: use clientAuthFor().`, {
        kind: 'invalid-properties',
      });
  }
}

/** The `aud` of the properties' assertions: the Issuer URL when "Assertion Audience" says so, else each request's endpoint. */
export function assertionAudienceOf(properties: InvokerProperties): AssertionAudienceValue {
  return properties.clientAssertionAudience === 'issuer' ? { kind: 'fixed', value: (properties.issuer ?? '').trim() } : { kind: 'endpoint' };
}

export interface ClientAuthOptions {
  readonly basicVariant?: BasicVariant;
  readonly signal?: AbortSignal;
  readonly now?: () => number;
}

/**
 * The client authentication method the properties choose, ready to apply to token, introspection and revocation
 * requests alike: reads and checks the signing key for private_key_jwt.
 * @see https://www.rfc-editor.org/rfc/rfc6749#section-2.3
 * @see https://www.rfc-editor.org/rfc/rfc7523#section-2.2
 * @see https://www.rfc-editor.org/rfc/rfc8705#section-2
 */
export async function clientAuthFor(properties: InvokerProperties, options: ClientAuthOptions = {}): Promise<ClientAuth> {
  const method = clientAuthMethodOf(properties);
  const clientId = (properties.clientId ?? '').trim();
  const audience = assertionAudienceOf(properties);
  if (method === 'client_secret_jwt') {
    return ClientSecretJwt(clientId, properties.clientSecret ?? '', { audience, now: options.now });
  }
  if (method === 'private_key_jwt') {
    return PrivateKeyJwt(clientId, await loadAssertionKey(properties, options.signal), { audience, now: options.now });
  }
  return secretClientAuth(properties, options.basicVariant);
}
