/* eslint-disable @typescript-eslint/no-require-imports */
import * as assert from 'node:assert/strict';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import * as undici from 'undici';

/**
 * What src/core/net takes from inside undici rather than from its public entry, so that its bundle holds the Agent and
 * the ProxyAgent without fetch, WebSocket and the caches (transport.ts, network.ts): the deep module paths, the
 * `connect` it adds to the dispatcher prototype, and the socket a SocketError names (which pairs a TLS alert with
 * undici's "other side closed"). An undici update that moves any of them fails here, not in a user's Execute.
 */
suite('undici internals the transport relies on', () => {
  test('the deep module paths hold the public classes and functions', () => {
    assert.equal(require('undici/lib/dispatcher/agent'), undici.Agent);
    assert.equal(require('undici/lib/dispatcher/proxy-agent'), undici.ProxyAgent);
    assert.equal(require('undici/lib/core/connect'), undici.buildConnector);
    const DispatcherBase = require('undici/lib/dispatcher/dispatcher') as { prototype: object };
    assert.ok(undici.Agent.prototype instanceof (DispatcherBase as unknown as new () => object), "Agent's base is lib/dispatcher/dispatcher");
  });

  test("the connect network.ts adds to the dispatcher prototype is the one undici's entry adds", () => {
    const DispatcherBase = require('undici/lib/dispatcher/dispatcher') as { prototype: { connect?: unknown } };
    assert.equal(typeof require('undici/lib/api/api-connect'), 'function');
    // Loading undici's entry (this file does) puts api-connect on the prototype: the same function network.ts adds.
    assert.equal(DispatcherBase.prototype.connect, require('undici/lib/api/api-connect'));
  });

  test('a socket closed by the other side fails with UND_ERR_SOCKET naming the socket by its ports', async () => {
    const server: Server = createServer((request) => request.socket.destroy());
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    const agent = new undici.Agent();
    try {
      const { port } = server.address() as AddressInfo;
      const error = await undici.request(`http://127.0.0.1:${port}/`, { dispatcher: agent }).then(
        () => undefined,
        (e: unknown) => e as { code?: unknown; socket?: { localPort?: unknown; remotePort?: unknown } },
      );
      assert.equal(error?.code, 'UND_ERR_SOCKET');
      assert.equal(typeof error?.socket?.localPort, 'number');
      assert.equal(error?.socket?.remotePort, port);
    } finally {
      await agent.close();
      await new Promise((resolve) => server.close(resolve));
    }
  });
});
