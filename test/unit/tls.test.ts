import * as assert from 'node:assert/strict';
import { X509Certificate } from 'node:crypto';
import { readFileSync, utimesSync, writeFileSync } from 'node:fs';
import { createServer, type Server } from 'node:https';
import type { AddressInfo } from 'node:net';
import { execute, forgetBasicVariants, resetNetwork, type InvokerError } from '../../src/core/index';
import { openPoolCount } from '../../src/core/network';
import { assertNoSecret, rejectsWith } from '../fixtures/assertions';
import { startOidcServer, type OidcServer } from '../fixtures/oidcServer';
import { createTestPki, type PemPair, type TestPki } from '../fixtures/testPki';
import { clientCredentialsOf } from '../fixtures/invokerProperties';

/** A bare HTTPS server with one certificate: enough for handshakes that must fail. */
async function httpsServer(pair: PemPair): Promise<{ url: string; close: () => Promise<void> }> {
  const server: Server = createServer({ key: pair.key, cert: pair.cert }, (_req, res) => {
    res.writeHead(200, { 'content-type': 'application/json' });
    res.end('{"access_token":"should-not-arrive","token_type":"Bearer"}');
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return {
    url: `https://127.0.0.1:${(server.address() as AddressInfo).port}/token`,
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
    assertTls(error, 'tlsCaFile', /signed by a certificate authority that is not trusted \(UNABLE_TO_VERIFY_LEAF_SIGNATURE\)\. Add the CA certificate file \(PEM\) to the invoker's TLS settings \("CA Certificates File"\)\./);
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
    assert.deepEqual(error.issues.map((i) => i.field), ['tlsCaFile']);
    assert.match(error.message, /"CA Certificates File" holds no certificate \(PEM or DER\)/);
  });

  test('a DER CA file (as Windows exports it) works', async () => {
    const der = new X509Certificate(pki.ca.cert).raw;
    const message = await execute(props(server, { tlsCaFile: pki.write('ca.cer', der) }));
    assert.ok(message.accessToken !== undefined);
  });

  test('a missing CA file is an invalid property naming the field and the path', async () => {
    const error = await rejectsWith(execute(props(server, { tlsCaFile: `${pki.dir}/nope.pem` })), 'invalid-properties');
    assert.deepEqual(error.issues.map((i) => i.field), ['tlsCaFile']);
    assert.match(error.message, /"CA Certificates File" cannot be read: there is no such file/);
  });

  test('a relative path is refused before anything is read', async () => {
    const error = await rejectsWith(execute(props(server, { tlsCaFile: 'ca.pem' })), 'invalid-properties');
    assert.match(error.issues[0].message, /"CA Certificates File" must be an absolute file path/);
  });

  test('"Verify Server Certificate" off: the token arrives and the message carries a warning', async () => {
    const message = await execute(props(server, { tlsRejectUnauthorized: false }));
    assert.ok(message.accessToken !== undefined);
    assert.ok(message.metadata.warnings.some((w) => /not verified \("Verify Server Certificate" is off/.test(w)), message.metadata.warnings.join('|'));
  });

  test('"Verify Server Certificate" off: a failed answer\'s message carries the warning too', async () => {
    const error = await rejectsWith(execute(props(server, { tlsRejectUnauthorized: false, scope: server.disallowedScope })), 'server-rejected');
    assert.ok(error.djMessage?.metadata.warnings.some((w) => /not verified/.test(w)));
  });

  test('a certificate for another host: kind tls, naming the host and the URL field', async () => {
    const s = await httpsServer(pki.wrongHost);
    try {
      const error = await rejectsWith(execute(props(server, { authorizationServerUrl: s.url, tlsCaFile: pki.caFile })), 'tls');
      assertTls(error, 'authorizationServerUrl', /not valid for the host 127\.0\.0\.1:\d+ \(ERR_TLS_CERT_ALTNAME_INVALID: IP: 127\.0\.0\.1 is not in the cert's list\)\. Use a host name the certificate names in "Authorization Server URL"\./);
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
      assertTls(error, 'tlsCertFile', /the server requires a client certificate \(mutual TLS\) \(ERR_SSL_TLSV13_ALERT_CERTIFICATE_REQUIRED\)\. Set "Client Certificate File" and "Client Key File", or "Client PFX File"/);
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
      const good = props(mtls, { tlsCaFile: pki.caFile, tlsCertFile: pki.client.certFile, tlsKeyFile: pki.client.encryptedKeyFile, tlsPassphrase: pki.client.passphrase });
      assert.ok((await execute(good)).accessToken !== undefined);
      const wrong = await rejectsWith(execute({ ...good, tlsPassphrase: 'not-the-passphrase' }), 'invalid-properties');
      assert.deepEqual(wrong.issues.map((i) => i.field), ['tlsPassphrase']);
      assert.match(wrong.message, /"Client Key Passphrase" does not decrypt "Client Key File"/);
      assertNoSecret(wrong, ['not-the-passphrase', pki.client.passphrase]);
      const missing = await rejectsWith(execute({ ...good, tlsPassphrase: undefined }), 'invalid-properties');
      assert.match(missing.message, /"Client Key Passphrase" is required: "Client Key File" is encrypted/);
    });

    test('a PFX file with its passphrase works; a wrong passphrase names the field', async () => {
      const good = props(mtls, { tlsCaFile: pki.caFile, tlsPfxFile: pki.client.pfxFile, tlsPassphrase: pki.client.passphrase });
      assert.ok((await execute(good)).accessToken !== undefined);
      const wrong = await rejectsWith(execute({ ...good, tlsPassphrase: 'nope-nope' }), 'invalid-properties');
      assert.deepEqual(wrong.issues.map((i) => i.field), ['tlsPassphrase']);
      assert.match(wrong.message, /"Client Key Passphrase" does not decrypt "Client PFX File"/);
    });

    test('a key that does not belong to the certificate is named', async () => {
      const otherKey = pki.write('wrong-key.pem', pki.ca.key);
      const error = await rejectsWith(execute(props(mtls, { tlsCaFile: pki.caFile, tlsCertFile: pki.client.certFile, tlsKeyFile: otherKey })), 'invalid-properties');
      assert.deepEqual(error.issues.map((i) => i.field), ['tlsKeyFile']);
      assert.match(error.message, /"Client Key File" is not the private key of the certificate in "Client Certificate File"/);
    });

    test('a PFX file together with PEM files is refused by validation', async () => {
      const error = await rejectsWith(execute(props(mtls, { tlsPfxFile: pki.client.pfxFile, tlsCertFile: pki.client.certFile, tlsKeyFile: pki.client.keyFile })), 'invalid-properties');
      assert.deepEqual(error.issues.map((i) => i.field), ['tlsPfxFile']);
    });
  });
});
