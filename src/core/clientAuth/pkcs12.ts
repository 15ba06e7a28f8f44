import { createPrivateKey, X509Certificate, type KeyObject } from 'node:crypto';
import forge from 'node-forge';

/** Why a PKCS#12 file gave no key; the caller names the property that fixes it. */
export type Pkcs12Problem = 'passphrase' | 'not-pkcs12' | 'neither' | 'no-key' | 'unreadable-key';

export type Pkcs12Read =
  { readonly problem?: undefined; readonly key: KeyObject; readonly certificate?: X509Certificate } | { readonly problem: Pkcs12Problem };

/**
 * The private key of a PKCS#12 (.p12 / .pfx) file and the certificate of that key (node:crypto reads no PKCS#12;
 * node-forge does). Its own bundle (dist/pkcs12.js), loaded only when such a key is read.
 * @see https://www.rfc-editor.org/rfc/rfc7292
 */
export function readPkcs12(content: Buffer, passphrase: string | undefined): Pkcs12Read {
  let p12: forge.pkcs12.Pkcs12Pfx;
  try {
    const asn1 = forge.asn1.fromDer(forge.util.createBuffer(content.toString('binary')));
    try {
      p12 = forge.pkcs12.pkcs12FromAsn1(asn1, passphrase ?? '');
    } catch (error) {
      // A wrong password fails the MAC check (or decryption).
      return { problem: /mac|password|decrypt|invalid/i.test(String((error as Error).message)) ? 'passphrase' : 'not-pkcs12' };
    }
  } catch {
    return { problem: 'neither' };
  }
  const bagsOf = (type: string): forge.pkcs12.Bag[] => p12.getBags({ bagType: type })[type] ?? [];
  const keyBag = [...bagsOf(forge.pki.oids.pkcs8ShroudedKeyBag), ...bagsOf(forge.pki.oids.keyBag)].find(
    (bag) => bag.key !== undefined || bag.asn1 !== undefined,
  );
  if (keyBag === undefined) {
    return { problem: 'no-key' };
  }
  let key: KeyObject;
  try {
    // forge's own key objects are RSA only; the PKCS#8 DER works for every key type.
    const der =
      keyBag.key !== undefined ? forge.asn1.toDer(forge.pki.wrapRsaPrivateKey(forge.pki.privateKeyToAsn1(keyBag.key))) : forge.asn1.toDer(keyBag.asn1);
    key = createPrivateKey({ key: Buffer.from(der.getBytes(), 'binary'), format: 'der', type: 'pkcs8' });
  } catch {
    return { problem: 'unreadable-key' };
  }
  const certificates = bagsOf(forge.pki.oids.certBag).flatMap((bag) => {
    if (bag.cert === undefined) {
      return [];
    }
    try {
      return [new X509Certificate(Buffer.from(forge.asn1.toDer(forge.pki.certificateToAsn1(bag.cert)).getBytes(), 'binary'))];
    } catch {
      return [];
    }
  });
  // The file's own certificate is the one whose public key is the key's, wherever it stands: exporters put the CA
  // chain before it as often as after. None matching: the first, which the caller then refuses as not the key's.
  const certificate = certificates.find((candidate) => candidate.checkPrivateKey(key)) ?? certificates[0];
  return certificate !== undefined ? { key, certificate } : { key };
}
