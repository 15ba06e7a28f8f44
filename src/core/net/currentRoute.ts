import { createHash } from 'node:crypto';
import { readRegularFile } from './boundedFile';
import { proxyRouteFor, readProxyEnvironment, type SystemProxySettings } from './proxyRoute';
import type { NetworkProperties } from '../../shared/properties';
import type { RouteBinding } from '../model/routeBinding';

function originOf(url: string): string {
  try {
    return new URL(url.trim()).origin;
  } catch {
    return '';
  }
}

/**
 * The binding of a request to `url` with these network properties, as the transport will route it (the same proxy
 * choice, NO_PROXY included). Reads the CA file (bounded, cancellable); rejects with `invalid-properties` when it
 * cannot be read.
 */
export async function routeBindingOf(
  url: string,
  network: NetworkProperties,
  systemProxy: SystemProxySettings | undefined,
  signal?: AbortSignal,
): Promise<RouteBinding> {
  const origin = originOf(url);
  let proxy = 'direct';
  let viaSystemProxy = false;
  if (origin !== '') {
    const route = proxyRouteFor(new URL(url.trim()), network.proxy, systemProxy, readProxyEnvironment());
    if (route !== undefined) {
      proxy = `${route.source === 'environment' ? (route.variable ?? 'environment') : route.source} ${route.url.origin}`;
      viaSystemProxy = route.source !== 'invoker';
    }
  }
  const verify = network.tlsRejectUnauthorized !== false && !(viaSystemProxy && systemProxy?.strictSSL === false);
  const caFile = network.tlsCaFile?.trim() ?? '';
  const caSha256 =
    caFile !== ''
      ? createHash('sha256')
          .update(await readRegularFile(caFile, { field: 'tlsCaFile', signal }))
          .digest('hex')
      : '';
  return { origin, proxy, verify, caFile, caSha256 };
}
