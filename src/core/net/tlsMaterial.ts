import { createPrivateKey, X509Certificate } from 'node:crypto';
import { statSync } from 'node:fs';
import * as tls from 'node:tls';
import { fileIssue, fsReason, readRegularFile, regularFileProblem, tlsSettingsError } from './boundedFile';
import { PROPERTY_LABELS, type NetworkProperties, type PropertyIssue, type TlsFileProperty } from '../../shared/properties';

// TLS material: files read when the configuration (or a file's modification time) changes, never per request.

const LABEL = PROPERTY_LABELS;

function present(value: string | undefined): value is string {
  return value !== undefined && value.trim() !== '';
}

export function hasTls(p: NetworkProperties): boolean {
  return present(p.tlsCaFile) || present(p.tlsCertFile) || present(p.tlsKeyFile) || present(p.tlsPfxFile) || p.tlsRejectUnauthorized === false;
}

function refuseTls(issues: PropertyIssue[]): never {
  throw tlsSettingsError(issues);
}

/**
 * Identifies a file's content cheaply: a changed CA file gets a new pool. A FIFO, a device or a file past the size
 * cap is refused here already, before anything is opened. Synchronous: taken at every request, a stat of a local
 * file costs microseconds, while a round trip through the thread pool cost a third of an https Execute.
 */
export function stampOf(field: TlsFileProperty, file: string): string {
  let info;
  try {
    info = statSync(file);
  } catch (error) {
    refuseTls([fileIssue(field, `cannot be read: ${fsReason(error)} (${file}).`)]);
  }
  const problem = regularFileProblem(field, file, info);
  if (problem !== undefined) {
    refuseTls([problem]);
  }
  return `${file}@${info.mtimeMs}:${info.size}:${info.ino}`;
}

const PEM_CERTIFICATE = /-----BEGIN (?:TRUSTED )?CERTIFICATE-----[\s\S]+?-----END (?:TRUSTED )?CERTIFICATE-----/g;
const PEM_PRIVATE_KEY = /-----BEGIN (?:RSA |EC |ENCRYPTED |DSA )?PRIVATE KEY-----/;

/** Every certificate in a PEM bundle (or one DER certificate, as Windows exports them), as PEM; an issue when none parses. */
function certificatesIn(field: 'tlsCaFile' | 'tlsCertFile', content: Buffer): string[] {
  const text = content.toString('latin1');
  const blocks = text.match(PEM_CERTIFICATE) ?? [];
  const out: string[] = [];
  try {
    if (blocks.length === 0) {
      out.push(new X509Certificate(content).toString());
    } else {
      for (const block of blocks) {
        out.push(new X509Certificate(block).toString());
      }
    }
  } catch {
    refuseTls([fileIssue(field, blocks.length === 0 ? 'holds no certificate (PEM or DER).' : 'holds a certificate that cannot be parsed.')]);
  }
  return out;
}

function passphraseIssue(what: string, passphrase: string | undefined): PropertyIssue {
  return present(passphrase) ? fileIssue('tlsPassphrase', `does not decrypt ${what}.`) : fileIssue('tlsPassphrase', `is required: ${what} is encrypted.`);
}

/** The material and what it does, checked field by field so a problem is reported against the right one. */
export interface TlsMaterial {
  readonly secureContext?: tls.SecureContext;
  /** For an https:// proxy: the extra CAs, no client certificate. */
  readonly proxySecureContext?: tls.SecureContext;
  readonly clientCertificate: boolean;
}

/** A secure context with the default roots (and whatever the host adds to them) plus the extra CAs. */
function contextWith(options: tls.SecureContextOptions, extraCas: readonly string[]): tls.SecureContext {
  const context = tls.createSecureContext(options);
  const native = (context as { context?: { addCACert?: (pem: string) => void } }).context;
  if (extraCas.length === 0) {
    return context;
  }
  if (typeof native?.addCACert === 'function') {
    // Adding to the default store keeps NODE_EXTRA_CA_CERTS and the system certificates VS Code adds.
    extraCas.forEach((pem) => native.addCACert?.(pem));
    return context;
  }
  const defaults = (tls as { getCACertificates?: (type: string) => string[] }).getCACertificates?.('default') ?? tls.rootCertificates;
  return tls.createSecureContext({ ...options, ca: [...defaults, ...extraCas] });
}

export async function loadTls(p: NetworkProperties, signal: AbortSignal): Promise<TlsMaterial> {
  const readTlsFile = (field: TlsFileProperty, file: string): Promise<Buffer> => readRegularFile(file, { field, signal });
  const extraCas = present(p.tlsCaFile) ? certificatesIn('tlsCaFile', await readTlsFile('tlsCaFile', p.tlsCaFile.trim())) : [];
  const passphrase = p.tlsPassphrase !== undefined && p.tlsPassphrase !== '' ? p.tlsPassphrase : undefined;
  const options: tls.SecureContextOptions = {};
  if (present(p.tlsPfxFile)) {
    options.pfx = await readTlsFile('tlsPfxFile', p.tlsPfxFile.trim());
    options.passphrase = passphrase;
  } else if (present(p.tlsCertFile)) {
    const certContent = await readTlsFile('tlsCertFile', p.tlsCertFile.trim());
    const chain = certificatesIn('tlsCertFile', certContent);
    // A PEM file may hold the key beside the certificate; then "Client Key File" may stay empty.
    const keyContent = present(p.tlsKeyFile)
      ? await readTlsFile('tlsKeyFile', p.tlsKeyFile.trim())
      : PEM_PRIVATE_KEY.test(certContent.toString('latin1'))
        ? certContent
        : undefined;
    if (keyContent === undefined) {
      refuseTls([{ field: 'tlsKeyFile', code: 'required', message: `"${LABEL.tlsKeyFile}" is required: "${LABEL.tlsCertFile}" holds no private key.` }]);
    }
    try {
      createPrivateKey({ key: keyContent, passphrase });
    } catch (error) {
      const code = (error as { code?: unknown }).code;
      const encrypted =
        code === 'ERR_OSSL_BAD_DECRYPT' ||
        code === 'ERR_MISSING_PASSPHRASE' ||
        code === 'ERR_OSSL_CRYPTO_INTERRUPTED_OR_CANCELLED' ||
        /-----BEGIN ENCRYPTED PRIVATE KEY-----|Proc-Type: 4,ENCRYPTED/.test(keyContent.toString('latin1'));
      refuseTls([encrypted ? passphraseIssue(`"${LABEL.tlsKeyFile}"`, passphrase) : fileIssue('tlsKeyFile', 'holds no private key that can be read (PEM).')]);
    }
    options.cert = chain.join('\n');
    options.key = keyContent;
    options.passphrase = passphrase;
  }
  let secureContext: tls.SecureContext | undefined;
  try {
    secureContext = options.pfx !== undefined || options.cert !== undefined || extraCas.length > 0 ? contextWith(options, extraCas) : undefined;
  } catch (error) {
    const code = (error as { code?: unknown }).code;
    const message = error instanceof Error ? error.message : '';
    if (options.pfx !== undefined) {
      refuseTls([
        /mac verify failure|bad decrypt/i.test(message)
          ? passphraseIssue(`"${LABEL.tlsPfxFile}"`, passphrase)
          : fileIssue('tlsPfxFile', 'is not a PKCS#12 (.pfx / .p12) file that can be read.'),
      ]);
    }
    refuseTls([
      code === 'ERR_OSSL_X509_KEY_VALUES_MISMATCH'
        ? fileIssue('tlsKeyFile', `is not the private key of the certificate in "${LABEL.tlsCertFile}".`)
        : fileIssue('tlsCertFile', `cannot be used: ${message.split('\n')[0]}.`),
    ]);
  }
  return {
    ...(secureContext !== undefined ? { secureContext } : {}),
    ...(extraCas.length > 0 ? { proxySecureContext: contextWith({}, extraCas) } : {}),
    clientCertificate: options.pfx !== undefined || options.cert !== undefined,
  };
}
