import * as assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { X509Certificate } from 'node:crypto';
import { readFileSync, utimesSync, writeFileSync } from 'node:fs';
import { createServer, type Server } from 'node:https';
import type { AddressInfo } from 'node:net';
import * as path from 'node:path';
import { readRegularFile } from '../../src/core/net/boundedFile';
import { execute, forgetBasicVariants, resetNetwork, type InvokerError, type InvokerProperties } from '../../src/core/index';
import { openPoolCount } from '../../src/core/net/network';
import { assertNoSecret, rejectsWith } from '../fixtures/assertions';
import { startOidcServer, type OidcServer } from '../fixtures/oidcServer';
import { createTestPki, type PemPair, type TestPki } from '../fixtures/testPki';
import { clientCredentialsOf } from '../fixtures/invokerProperties';

/** A bare HTTPS server with one certificate: enough for handshakes that must fail. */
async function httpsServer(pair: PemPair): Promise<{ url: string; connections: () => number; close: () => Promise<void> }> {
  let connections = 0;
  const server: Server = createServer({ key: pair.key, cert: pair.cert }, (_req, res) => {
    res.writeHead(200, { 'content-type': 'application/json' });
    res.end('{"access_token":"at-from-bare-https-server","token_type":"Bearer"}');
  });
  server.on('connection', () => {
    connections += 1;
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return {
    url: `https://127.0.0.1:${(server.address() as AddressInfo).port}/token`,
    connections: () => connections,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}

suite('TLS per invoker: CA file, client certificates, verification switch', function () {
  let pki: TestPki;
  let server: OidcServer;
  let mtls: OidcServer;

  suiteSetup(async () => {
    pki = createTestPki();
    server = await startOidcServer({ https: { key: pki.server.key, cert: pki.server.cert } });
    mtls = await startOidcServer({ https: { key: pki.server.key, cert: pki.server.cert, ca: pki.ca.cert, requestCert: true, rejectUnauthorized: true } });
  });
  suiteTeardown(async () => {
    await resetNetwork();
    await server.close();
    await mtls.close();
    pki.remove();
  });
  setup(() => forgetBasicVariants());
  teardown(() => {
    assert.deepEqual(server.serverErrors(), []);
    assert.deepEqual(mtls.serverErrors(), []);
  });

  const props = clientCredentialsOf;

  function assertTls(error: InvokerError, field: string, pattern: RegExp): void {
    assert.equal(error.field, field, error.message);
    assert.match(error.message, pattern);
  }

  test('a server whose CA is unknown fails with kind tls, naming the CA file setting', async () => {
    const error = await rejectsWith(execute(props(server)), 'tls');
    assertTls(
      error,
      'tlsCaFile',
      /signed by a certificate authority that is not trusted \(UNABLE_TO_VERIFY_LEAF_SIGNATURE\)\. Add the CA certificate file \(PEM\) to the invoker's TLS settings \("CA Certificates File"\)\./,
    );
    assert.equal(error.cause?.code, 'UNABLE_TO_VERIFY_LEAF_SIGNATURE');
    assertNoSecret(error, [server.basicClient.clientSecret]);
  });

  test('with the CA file, the token arrives; the pool is reused by the next Execute', async () => {
    const p = props(server, { tlsCaFile: pki.caFile });
    const first = await execute(p);
    assert.ok((first.accessToken ?? '').length > 10);
    assert.deepEqual(first.metadata.warnings, []);
    const pools = openPoolCount();
    const second = await execute(p);
    assert.ok(second.accessToken !== undefined);
    assert.equal(openPoolCount(), pools, 'the same configuration reuses its pool');
    const ports = server.tokenRequestLog().length;
    assert.ok(ports >= 2);
  });

  test('a CA file that does not sign the server names the file it tried', async () => {
    const error = await rejectsWith(execute(props(server, { tlsCaFile: pki.otherCaFile })), 'tls');
    assert.ok(error.message.includes(pki.otherCaFile), error.message);
    assert.equal(error.field, 'tlsCaFile');
  });

  test('a changed CA file is picked up by the next Execute (its pool replaced), without a restart', async () => {
    const file = pki.write('rotating-ca.pem', readFileSync(pki.otherCaFile, 'utf8'));
    await rejectsWith(execute(props(server, { tlsCaFile: file })), 'tls');
    const pools = openPoolCount();
    writeFileSync(file, pki.ca.cert);
    utimesSync(file, new Date(), new Date(Date.now() + 5000));
    const message = await execute(props(server, { tlsCaFile: file }));
    assert.ok(message.accessToken !== undefined);
    assert.equal(openPoolCount(), pools, 'the old pool was closed, not kept beside the new one');
  });

  test('a CA file without a certificate is an invalid property naming the field', async () => {
    const file = pki.write('not-a-ca.pem', 'hello');
    const error = await rejectsWith(execute(props(server, { tlsCaFile: file })), 'invalid-properties');
    assert.deepEqual(
      error.issues.map((i) => i.field),
      ['tlsCaFile'],
    );
    assert.match(error.message, /"CA Certificates File" holds no certificate \(PEM or DER\)/);
  });

  test('a DER CA file (as Windows exports it) works', async () => {
    const der = new X509Certificate(pki.ca.cert).raw;
    const message = await execute(props(server, { tlsCaFile: pki.write('ca.cer', der) }));
    assert.ok(message.accessToken !== undefined);
  });

  test('a missing CA file is an invalid property naming the field and the path', async () => {
    const error = await rejectsWith(execute(props(server, { tlsCaFile: `${pki.dir}/nope.pem` })), 'invalid-properties');
    assert.deepEqual(
      error.issues.map((i) => i.field),
      ['tlsCaFile'],
    );
    assert.match(error.message, /"CA Certificates File" cannot be read: there is no such file/);
  });

  test('a relative path is refused before anything is read', async () => {
    const error = await rejectsWith(execute(props(server, { tlsCaFile: 'ca.pem' })), 'invalid-properties');
    assert.match(error.issues[0].message, /"CA Certificates File" must be an absolute file path/);
  });

  test('"Verify Server Certificate" off: the token arrives and the message carries a warning', async () => {
    const message = await execute(props(server, { tlsRejectUnauthorized: false }));
    assert.ok(message.accessToken !== undefined);
    assert.ok(
      message.metadata.warnings.some((w) => /not verified \("Verify Server Certificate" is off/.test(w)),
      message.metadata.warnings.join('|'),
    );
  });

  test('"Verify Server Certificate" off: a failed answer\'s message carries the warning too', async () => {
    const error = await rejectsWith(execute(props(server, { tlsRejectUnauthorized: false, scope: server.disallowedScope })), 'server-rejected');
    assert.ok(error.djMessage?.metadata.warnings.some((w) => /not verified/.test(w)));
  });

  test('a certificate for another host: kind tls, naming the host and the URL field', async () => {
    const s = await httpsServer(pki.wrongHost);
    try {
      const error = await rejectsWith(execute(props(server, { authorizationServerUrl: s.url, tlsCaFile: pki.caFile })), 'tls');
      assertTls(
        error,
        'authorizationServerUrl',
        /not valid for the host 127\.0\.0\.1:\d+ \(ERR_TLS_CERT_ALTNAME_INVALID: IP: 127\.0\.0\.1 is not in the cert's list\)\. Use a host name the certificate names in "Authorization Server URL"\./,
      );
    } finally {
      await s.close();
    }
  });

  test('an expired certificate: kind tls, saying so', async () => {
    const s = await httpsServer(pki.expired);
    try {
      const error = await rejectsWith(execute(props(server, { authorizationServerUrl: s.url, tlsCaFile: pki.caFile })), 'tls');
      assertTls(error, 'tlsRejectUnauthorized', /the server's certificate has expired \(CERT_HAS_EXPIRED\)\. The server's administrator must renew it/);
    } finally {
      await s.close();
    }
  });

  test('issue 9: 200 concurrent Executes over TLS with a CA file open at most 6 connections', async () => {
    const s = await httpsServer(pki.server);
    try {
      const messages = await Promise.all(Array.from({ length: 200 }, () => execute(props(server, { authorizationServerUrl: s.url, tlsCaFile: pki.caFile }))));
      assert.equal(messages.filter((m) => m.accessToken === 'at-from-bare-https-server').length, 200);
      assert.ok(s.connections() >= 1 && s.connections() <= 6, `${s.connections()} connections`);
    } finally {
      await s.close();
    }
  });

  test('a self-signed certificate: kind tls, pointing at the CA file', async () => {
    const s = await httpsServer(pki.selfSigned);
    try {
      const error = await rejectsWith(execute(props(server, { authorizationServerUrl: s.url })), 'tls');
      assertTls(error, 'tlsCaFile', /the server's certificate is self-signed \(DEPTH_ZERO_SELF_SIGNED_CERT\)\. Add the CA certificate file/);
    } finally {
      await s.close();
    }
  });

  suite('mutual TLS', () => {
    test('no client certificate: kind tls, naming the client certificate settings', async () => {
      const error = await rejectsWith(execute(props(mtls, { tlsCaFile: pki.caFile })), 'tls');
      assertTls(
        error,
        'tlsCertFile',
        /the server requires a client certificate \(mutual TLS\) \(ERR_SSL_TLSV13_ALERT_CERTIFICATE_REQUIRED\)\. Set "Client Certificate File" and "Client Key File", or "Client PFX File"/,
      );
      assert.equal(mtls.tokenRequests(), 0);
    });

    test('a client certificate from a CA the server does not trust is refused', async () => {
      const error = await rejectsWith(
        execute(props(mtls, { tlsCaFile: pki.caFile, tlsCertFile: pki.untrustedClient.certFile, tlsKeyFile: pki.untrustedClient.keyFile })),
        'tls',
      );
      // Node checks the client certificate after the handshake and closes without an alert, as some gateways do.
      assertTls(error, 'tlsCertFile', /it most likely refused the client certificate \(UND_ERR_SOCKET\)\. Check that "Client Certificate File"/);
    });

    test('PEM certificate and key: the token arrives', async () => {
      const message = await execute(props(mtls, { tlsCaFile: pki.caFile, tlsCertFile: pki.client.certFile, tlsKeyFile: pki.client.keyFile }));
      assert.ok(message.accessToken !== undefined);
    });

    test('one PEM file holding certificate and key is enough', async () => {
      const both = pki.write('client-both.pem', readFileSync(pki.client.certFile, 'utf8') + readFileSync(pki.client.keyFile, 'utf8'));
      const message = await execute(props(mtls, { tlsCaFile: pki.caFile, tlsCertFile: both }));
      assert.ok(message.accessToken !== undefined);
    });

    test('an encrypted key with its passphrase works; the passphrase is a secret, wrong or missing it names the field', async () => {
      const good = props(mtls, {
        tlsCaFile: pki.caFile,
        tlsCertFile: pki.client.certFile,
        tlsKeyFile: pki.client.encryptedKeyFile,
        tlsPassphrase: pki.client.passphrase,
      });
      assert.ok((await execute(good)).accessToken !== undefined);
      const wrong = await rejectsWith(execute({ ...good, tlsPassphrase: 'not-the-passphrase' }), 'invalid-properties');
      assert.deepEqual(
        wrong.issues.map((i) => i.field),
        ['tlsPassphrase'],
      );
      assert.match(wrong.message, /"Client Key Passphrase" does not decrypt "Client Key File"/);
      assertNoSecret(wrong, ['not-the-passphrase', pki.client.passphrase]);
      const missing = await rejectsWith(execute({ ...good, tlsPassphrase: undefined }), 'invalid-properties');
      assert.match(missing.message, /"Client Key Passphrase" is required: "Client Key File" is encrypted/);
    });

    test('a PFX file with its passphrase works; a wrong passphrase names the field', async () => {
      const good = props(mtls, { tlsCaFile: pki.caFile, tlsPfxFile: pki.client.pfxFile, tlsPassphrase: pki.client.passphrase });
      assert.ok((await execute(good)).accessToken !== undefined);
      const wrong = await rejectsWith(execute({ ...good, tlsPassphrase: 'nope-nope' }), 'invalid-properties');
      assert.deepEqual(
        wrong.issues.map((i) => i.field),
        ['tlsPassphrase'],
      );
      assert.match(wrong.message, /"Client Key Passphrase" does not decrypt "Client PFX File"/);
    });

    test('issue 17: a PFX file with the CA certificate before the client certificate works', async () => {
      const message = await execute(props(mtls, { tlsCaFile: pki.caFile, tlsPfxFile: pki.client.caFirstPfxFile, tlsPassphrase: pki.client.passphrase }));
      assert.ok(message.accessToken !== undefined);
    });

    test('a key that does not belong to the certificate is named', async () => {
      const otherKey = pki.write('wrong-key.pem', pki.ca.key);
      const error = await rejectsWith(
        execute(props(mtls, { tlsCaFile: pki.caFile, tlsCertFile: pki.client.certFile, tlsKeyFile: otherKey })),
        'invalid-properties',
      );
      assert.deepEqual(
        error.issues.map((i) => i.field),
        ['tlsKeyFile'],
      );
      assert.match(error.message, /"Client Key File" is not the private key of the certificate in "Client Certificate File"/);
    });

    test('a PFX file together with PEM files is refused by validation', async () => {
      const error = await rejectsWith(
        execute(props(mtls, { tlsPfxFile: pki.client.pfxFile, tlsCertFile: pki.client.certFile, tlsKeyFile: pki.client.keyFile })),
        'invalid-properties',
      );
      assert.deepEqual(
        error.issues.map((i) => i.field),
        ['tlsPfxFile'],
      );
    });
  });
});

suite('issue 9: TLS files are read within bounds: regular files only, at most 1 MiB, cancellable', function () {
  // A mocha timeout, not a timed assertion: before the fix, a FIFO or /dev/zero never let these tests end.
  this.timeout(10_000);
  let pki: TestPki;
  let fifo: string;
  const field = 'tlsCaFile';

  suiteSetup(() => {
    pki = createTestPki();
    fifo = path.join(pki.dir, 'ca.fifo');
    execFileSync('mkfifo', [fifo]);
  });
  suiteTeardown(async () => {
    await resetNetwork();
    pki.remove();
  });

  const props = (extra: Partial<InvokerProperties>): InvokerProperties => ({
    authorizationServerUrl: 'https://127.0.0.1:9/token', // nothing is sent: the TLS files are refused first
    grantType: 'client_credentials',
    clientId: 'client',
    clientSecret: 'secret',
    proxy: 'none',
    ...extra,
  });

  async function refused(promise: Promise<unknown>, pattern: RegExp, on = field): Promise<void> {
    const error = await rejectsWith(promise, 'invalid-properties');
    assert.deepEqual(
      error.issues.map((i) => i.field),
      [on],
    );
    assert.match(error.message, pattern);
  }

  test('/dev/zero as "CA Certificates File": refused as not a regular file, memory not grown', async () => {
    const before = process.memoryUsage();
    await refused(
      execute(props({ tlsCaFile: '/dev/zero' }), { timeoutMs: 5000 }),
      /^The invoker's TLS settings cannot be used: "CA Certificates File" is not a regular file: \/dev\/zero is a character device\.$/,
    );
    await refused(readRegularFile('/dev/zero', { field }), /"CA Certificates File" is not a regular file: \/dev\/zero is a character device\./);
    const after = process.memoryUsage();
    const grown = after.rss + after.arrayBuffers - (before.rss + before.arrayBuffers);
    assert.ok(grown < 64 * 1024 * 1024, `grew by ${Math.round(grown / 1024 / 1024)} MiB`);
  });

  test('a FIFO (no writer) as a TLS file: refused at once, not waited for, the Execute ends', async () => {
    await refused(
      execute(props({ tlsCaFile: fifo }), { timeoutMs: 5000 }),
      /"CA Certificates File" is not a regular file: .*ca\.fifo is a named pipe \(FIFO\)\./,
    );
    await refused(execute(props({ tlsCertFile: fifo }), { timeoutMs: 5000 }), /"Client Certificate File" is not a regular file/, 'tlsCertFile');
    // The reader itself, without the stat that execute makes first: opened without blocking, refused on fstat.
    await refused(
      readRegularFile(fifo, { field: 'tlsPfxFile' }),
      /"Client PFX File" is not a regular file: .*ca\.fifo is a named pipe \(FIFO\)\./,
      'tlsPfxFile',
    );
  });

  test('a folder is not a regular file either', async () => {
    await refused(readRegularFile(pki.dir, { field }), /"CA Certificates File" is not a regular file: .* is a folder\./);
  });

  test('a regular file past the cap: refused, naming the cap and the field; up to the cap it is read whole', async () => {
    const big = pki.write('big-ca.pem', Buffer.alloc(1024 * 1024 + 1, 0x41));
    await refused(
      execute(props({ tlsCaFile: big }), { timeoutMs: 5000 }),
      /"CA Certificates File" is larger than 1 MiB, the limit for a certificate or key file \(.*big-ca\.pem\)\./,
    );
    await refused(readRegularFile(big, { field }), /"CA Certificates File" is larger than 1 MiB/);
    const exact = pki.write('exact.pem', Buffer.alloc(1024 * 1024, 0x42));
    assert.equal((await readRegularFile(exact, { field })).length, 1024 * 1024);
    const small = pki.write('small.pem', 'x'.repeat(2049));
    await refused(readRegularFile(small, { field: 'tlsKeyFile', maxBytes: 2048 }), /"Client Key File" is larger than 2 KiB/, 'tlsKeyFile');
    assert.deepEqual(await readRegularFile(pki.caFile, { field }), readFileSync(pki.caFile));
  });

  test('a missing file names the field and the path', async () => {
    await refused(readRegularFile(path.join(pki.dir, 'nope.pem'), { field }), /"CA Certificates File" cannot be read: there is no such file \(.*nope\.pem\)\./);
  });

  test('a cancel during the read: kind aborted; a signal already aborted reads nothing', async () => {
    const controller = new AbortController();
    const reading = readRegularFile(pki.caFile, { field, signal: controller.signal });
    controller.abort(); // while the file is being opened
    const error = await rejectsWith(reading, 'aborted');
    assert.equal(error.message, 'Reading "CA Certificates File" was cancelled.');
    await rejectsWith(readRegularFile(fifo, { field, signal: AbortSignal.abort() }), 'aborted');
  });
});
