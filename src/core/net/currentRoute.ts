import { createHash } from 'node:crypto';
import { readRegularFile } from './boundedFile';
import { selectedBinding } from './routeSelection';
import type { SystemProxySettings } from './proxyRoute';
import type { NetworkProperties } from '../../shared/properties';
import type { RouteBinding } from '../model/routeBinding';

/**
 * The binding of a request to `url` with these network properties: the origin, proxy and verification of the same
 * selection the connection takes (`selectNetwork`), and the SHA-256 of the CA file's content. Reads the CA file
 * (bounded, cancellable); rejects with `invalid-properties` when it cannot be read.
 */
export async function routeBindingOf(
  url: string,
  network: NetworkProperties,
  systemProxy: SystemProxySettings | undefined,
  signal?: AbortSignal,
): Promise<RouteBinding> {
  const binding = selectedBinding(url, network, systemProxy);
  const caSha256 =
    binding.caFile !== ''
      ? createHash('sha256')
          .update(await readRegularFile(binding.caFile, { field: 'tlsCaFile', signal }))
          .digest('hex')
      : '';
  return { ...binding, caSha256 };
}
