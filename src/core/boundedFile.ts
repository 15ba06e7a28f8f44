import { constants } from 'node:fs';
import { open } from 'node:fs/promises';
import { InvokerError } from './errors';
import { PROPERTY_LABELS, type TlsFileProperty } from '../shared/properties';

/** TLS files are certificates and keys: a few kilobytes; a bundle of every public root is under 300 KB. */
export const MAX_TLS_FILE_BYTES = 1024 * 1024;

function refuse(field: TlsFileProperty, rest: string): never {
  const message = `"${PROPERTY_LABELS[field]}" ${rest}`;
  throw new InvokerError(`The invoker's TLS settings cannot be used: ${message}`, { kind: 'invalid-properties', issues: [{ field, code: 'invalid', message }] });
}

/**
 * Reads a regular file of at most `maxBytes`, without blocking on a FIFO or a device and giving up when `signal`
 * aborts; refuses anything else with an `invalid-properties` error naming the field.
 */
export async function readRegularFile(path: string, options: { field: TlsFileProperty; maxBytes?: number; signal?: AbortSignal }): Promise<Buffer> {
  const { field, signal } = options;
  const maxBytes = options.maxBytes ?? MAX_TLS_FILE_BYTES;
  signal?.throwIfAborted();
  let handle;
  try {
    // O_NONBLOCK: opening a FIFO with no writer would otherwise wait forever.
    handle = await open(path, constants.O_RDONLY | constants.O_NONBLOCK);
  } catch (error) {
    const code = (error as { code?: unknown }).code;
    refuse(field, `cannot be read: ${code === 'ENOENT' ? 'there is no such file' : code === 'EACCES' || code === 'EPERM' ? 'permission denied' : String(code ?? error)} (${path}).`);
  }
  try {
    const info = await handle.stat();
    if (!info.isFile()) {
      refuse(field, `is not a regular file (${path}).`);
    }
    if (info.size > maxBytes) {
      refuse(field, `is larger than ${maxBytes} bytes, the most a certificate or key file may be (${path}).`);
    }
    const chunks: Buffer[] = [];
    let total = 0;
    for (;;) {
      signal?.throwIfAborted();
      const { bytesRead, buffer } = await handle.read({ buffer: Buffer.alloc(64 * 1024) });
      if (bytesRead === 0) {
        break;
      }
      total += bytesRead;
      if (total > maxBytes) {
        refuse(field, `is larger than ${maxBytes} bytes, the most a certificate or key file may be (${path}).`);
      }
      chunks.push(buffer.subarray(0, bytesRead));
    }
    return Buffer.concat(chunks);
  } finally {
    await handle.close();
  }
}
