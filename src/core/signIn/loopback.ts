import { lookup as systemLookup } from 'node:dns';
import { BlockList, isIP, type LookupFunction } from 'node:net';
import type { buildConnector as undiciBuildConnector } from 'undici';

// Plain http:// without "Allow Insecure HTTP" is allowed only where it stays on this machine. A host name such as
// `localhost.` or `anything.localhost` says nothing about that: the system resolver (and whatever DNS server it asks)
// decides where the connection goes. So the decision is taken where the connection is made: the resolver's answer
// must be loopback, and so must the socket's peer, before undici writes a byte of the request.

const LOOPBACK = new BlockList();
LOOPBACK.addSubnet('127.0.0.0', 8, 'ipv4');
LOOPBACK.addAddress('::1', 'ipv6');

/**
 * True for an IP address in 127.0.0.0/8, `::1`, or IPv4-mapped loopback (`::ffff:127.0.0.1`); false for names and anything else.
 * @see https://www.rfc-editor.org/rfc/rfc6890#section-2.2.2
 * @see https://www.rfc-editor.org/rfc/rfc4291#section-2.5.3
 */
export function isLoopbackAddress(address: string | undefined): boolean {
  const family = address === undefined ? 0 : isIP(address);
  // BlockList matches an IPv4-mapped IPv6 address against the IPv4 subnet.
  return family !== 0 && LOOPBACK.check(address as string, family === 4 ? 'ipv4' : 'ipv6');
}

/** A connection refused because its host resolved (or connected) to an address that is not loopback. */
export class NotLoopbackError extends Error {
  override readonly name = 'NotLoopbackError';
  readonly code = 'ERR_NOT_LOOPBACK';

  constructor(
    readonly hostname: string,
    /** The first address that is not loopback, as the resolver or the socket gave it. */
    readonly address: string,
  ) {
    super(`${hostname} resolved to ${address}, which is not a loopback address`);
  }
}

/** The answer's addresses, whichever form (`all` or not) the caller asked for. */
function addressesOf(address: string | readonly { address: string }[]): string[] {
  return typeof address === 'string' ? [address] : address.map((entry) => entry.address);
}

/**
 * Wraps a resolver so that an answer holding any address that is not loopback fails with a NotLoopbackError:
 * the socket then never connects, and the request is never written. (RFC 6761 asks resolvers to answer `.localhost`
 * names with loopback; nothing makes them.)
 * @see https://www.rfc-editor.org/rfc/rfc6761#section-6.3
 */
export function loopbackOnlyLookup(lookup: LookupFunction = systemLookup as LookupFunction): LookupFunction {
  return (hostname, options, callback) =>
    lookup(hostname, options, (error, address, family) => {
      if (error !== null) {
        callback(error, address, family);
        return;
      }
      const addresses = addressesOf(address);
      const outside = addresses.find((one) => !isLoopbackAddress(one));
      if (outside !== undefined || addresses.length === 0) {
        callback(new NotLoopbackError(hostname, outside ?? 'no address'), address, family);
        return;
      }
      callback(null, address, family);
    });
}

type Connector = undiciBuildConnector.connector;
type ConnectorCallback = (error: Error | null, socket: Parameters<undiciBuildConnector.Callback>[1]) => void;

/**
 * Wraps a connector so that a socket whose peer is not a loopback address is destroyed before undici gets it (so
 * before any byte of the request is written). It backs up `loopbackOnlyLookup`: an IP literal is not resolved at all.
 * @see https://www.rfc-editor.org/rfc/rfc6761#section-6.3
 */
export function loopbackPeersOnly(connector: Connector): Connector {
  return (options, callback) =>
    connector(options, (error, socket) => {
      const done = callback as ConnectorCallback;
      if (socket !== null && socket !== undefined && !isLoopbackAddress(socket.remoteAddress)) {
        const address = socket.remoteAddress ?? 'an unknown address';
        socket.destroy();
        done(new NotLoopbackError(options.hostname, address), null);
        return;
      }
      done(error, socket);
    });
}
