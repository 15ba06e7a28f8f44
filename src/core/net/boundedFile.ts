import { invalidProperties } from '../model/invalidProperties';
import { constants, type Stats } from 'node:fs';
import { open, type FileHandle } from 'node:fs/promises';
import { InvokerError } from '../model/errors';
import { PROPERTY_LABELS, type PropertyIssue, type TlsFileProperty } from '../../shared/properties';

/** The properties that name a file the core reads: the TLS files and the client assertion key. */
export type FileProperty = TlsFileProperty | 'clientAssertionKeyFile';

/** The largest certificate, key or PKCS#12 file read (a CA bundle of every public root is about 250 KiB). */
export const MAX_TLS_FILE_BYTES = 1024 * 1024;

const CHUNK_BYTES = 64 * 1024;

// O_NONBLOCK: opening a FIFO for reading must not wait for a writer (the open would hold a libuv thread, and the
// Execute, for ever). It does not change how a regular file is read. Windows has no such flag (nor FIFOs to open).
const OPEN_FLAGS = constants.O_RDONLY | (constants.O_NONBLOCK ?? 0);

/** One issue about a TLS file property, its message naming the field. */
export function fileIssue(field: FileProperty | 'tlsPassphrase', rest: string): PropertyIssue {
  return { field, code: 'invalid', message: `"${PROPERTY_LABELS[field]}" ${rest}` };
}

/** The error for TLS properties that cannot be used: kind `invalid-properties`, each issue on its field. */
export function tlsSettingsError(issues: PropertyIssue[]): InvokerError {
  return invalidProperties(issues, "The invoker's TLS settings cannot be used");
}

/** Why a file could not be opened or read, in words. */
export function fsReason(error: unknown): string {
  const code = (error as { code?: unknown } | null)?.code;
  return code === 'ENOENT'
    ? 'there is no such file'
    : code === 'EACCES' || code === 'EPERM'
      ? 'permission denied'
      : code === 'EISDIR'
        ? 'it is a folder'
        : String(code ?? error);
}

function sizeText(bytes: number): string {
  return bytes % (1024 * 1024) === 0 ? `${bytes / (1024 * 1024)} MiB` : bytes % 1024 === 0 ? `${bytes / 1024} KiB` : `${bytes} bytes`;
}

/** What a file that is not a regular one is, for the message. */
function kindOf(info: Stats): string {
  return info.isDirectory()
    ? 'a folder'
    : info.isFIFO()
      ? 'a named pipe (FIFO)'
      : info.isCharacterDevice()
        ? 'a character device'
        : info.isBlockDevice()
          ? 'a block device'
          : info.isSocket()
            ? 'a socket'
            : 'not a file';
}

/**
 * The issue with a file's metadata, if any: not a regular file, or larger than the cap. Checked before reading
 * (cheaply, on `stat`) and again on the opened file (`fstat`), so a file swapped in between is caught too.
 */
export function regularFileProblem(field: FileProperty, path: string, info: Stats, maxBytes = MAX_TLS_FILE_BYTES): PropertyIssue | undefined {
  if (!info.isFile()) {
    return fileIssue(field, `is not a regular file: ${path} is ${kindOf(info)}.`);
  }
  if (info.size > maxBytes) {
    return tooLarge(field, path, maxBytes);
  }
  return undefined;
}

function tooLarge(field: FileProperty, path: string, maxBytes: number): PropertyIssue {
  return fileIssue(field, `is larger than ${sizeText(maxBytes)}, the limit for a certificate or key file (${path}).`);
}

function cancelled(field: FileProperty): InvokerError {
  return new InvokerError(`Reading "${PROPERTY_LABELS[field]}" was cancelled.`, { kind: 'aborted' });
}

/** Waits for `promise`, or rejects at once when `signal` aborts; a value that arrives too late is handed to `discard`. */
function unlessAborted<T>(
  promise: Promise<T>,
  signal: AbortSignal | undefined,
  field: FileProperty,
  discard: (value: T) => void = () => undefined,
): Promise<T> {
  if (signal === undefined) {
    return promise;
  }
  return new Promise<T>((resolve, reject) => {
    let settled = false;
    const onAbort = (): void => {
      settled = true;
      reject(cancelled(field));
    };
    if (signal.aborted) {
      onAbort();
    } else {
      signal.addEventListener('abort', onAbort, { once: true });
    }
    promise.then(
      (value) => {
        signal.removeEventListener('abort', onAbort);
        if (settled) {
          discard(value);
        } else {
          settled = true;
          resolve(value);
        }
      },
      (error: unknown) => {
        signal.removeEventListener('abort', onAbort);
        if (!settled) {
          settled = true;
          reject(error);
        }
      },
    );
  });
}

/**
 * Reads a certificate, key or PKCS#12 file whole, refusing what would not end: only a regular file (a FIFO, a
 * device such as /dev/zero, a folder are refused without reading, the open does not wait for a FIFO's writer), at
 * most `maxBytes` (default 1 MiB; more is refused, not cut), stopping when `signal` aborts.
 * Rejects with an InvokerError: `invalid-properties` with one issue on `field` that says what is wrong, or
 * `aborted` when the signal stopped it.
 * @see https://www.rfc-editor.org/rfc/rfc7468#section-2
 */
export async function readRegularFile(path: string, options: { field: FileProperty; maxBytes?: number; signal?: AbortSignal }): Promise<Buffer> {
  const { field, signal } = options;
  const maxBytes = options.maxBytes ?? MAX_TLS_FILE_BYTES;
  const unreadable = (error: unknown): InvokerError =>
    error instanceof InvokerError ? error : tlsSettingsError([fileIssue(field, `cannot be read: ${fsReason(error)} (${path}).`)]);
  if (signal?.aborted === true) {
    throw cancelled(field);
  }
  let handle: FileHandle;
  try {
    handle = await unlessAborted(open(path, OPEN_FLAGS), signal, field, (late) => void late.close().catch(() => undefined));
  } catch (error) {
    throw unreadable(error);
  }
  try {
    return await readOpened(handle, path, field, maxBytes, signal);
  } catch (error) {
    throw unreadable(error);
  } finally {
    // Not awaited: FileHandle#close waits for a read still pending, and a cancelled read must not hold the caller.
    void handle.close().catch(() => undefined);
  }
}

/** Checks the opened file (fstat) and reads it, up to one byte past the cap: a file that grew since is refused too. */
async function readOpened(handle: FileHandle, path: string, field: FileProperty, maxBytes: number, signal: AbortSignal | undefined): Promise<Buffer> {
  const problem = regularFileProblem(field, path, await unlessAborted(handle.stat(), signal, field), maxBytes);
  if (problem !== undefined) {
    throw tlsSettingsError([problem]);
  }
  const chunks: Buffer[] = [];
  let total = 0;
  for (;;) {
    const buffer = Buffer.allocUnsafe(Math.min(CHUNK_BYTES, maxBytes + 1 - total));
    const { bytesRead } = await unlessAborted(handle.read(buffer, 0, buffer.length, null), signal, field);
    if (bytesRead === 0) {
      return chunks.length === 1 ? chunks[0] : Buffer.concat(chunks, total);
    }
    chunks.push(bytesRead === buffer.length ? buffer : buffer.subarray(0, bytesRead));
    total += bytesRead;
    if (total > maxBytes) {
      throw tlsSettingsError([tooLarge(field, path, maxBytes)]);
    }
  }
}
