// XML Encryption for SAML assertions, with node:crypto only. Decrypts what IdPs send (AES-GCM, AES-CBC and
// Triple-DES-CBC content — tripledes-cbc is "required to implement" in XML Encryption 1.1 §5.1 and pysaml2-based IdPs
// such as SATOSA use it by default — and RSA-OAEP key transport). RSA PKCS#1 v1.5 key transport is always refused: it is open to padding-oracle attacks,
// and Node.js itself no longer decrypts it (CVE-2023-46809). Encrypts for the demo IdP and the tests.
import { constants, createCipheriv, createDecipheriv, privateDecrypt, publicEncrypt, randomBytes } from 'node:crypto';
import { certBase64 } from '../util/cert.ts';
import { NS, attr, childElements, descendants, firstChild, textOf } from '../util/xml.ts';

export const ENC = {
  aes128cbc: 'http://www.w3.org/2001/04/xmlenc#aes128-cbc',
  aes256cbc: 'http://www.w3.org/2001/04/xmlenc#aes256-cbc',
  aes128gcm: 'http://www.w3.org/2009/xmlenc11#aes128-gcm',
  aes256gcm: 'http://www.w3.org/2009/xmlenc11#aes256-gcm',
  tripledesCbc: 'http://www.w3.org/2001/04/xmlenc#tripledes-cbc',
  rsaOaepMgf1p: 'http://www.w3.org/2001/04/xmlenc#rsa-oaep-mgf1p',
  rsaOaep11: 'http://www.w3.org/2009/xmlenc11#rsa-oaep',
  rsa15: 'http://www.w3.org/2001/04/xmlenc#rsa-1_5',
} as const;

const CONTENT: Record<string, { cipher: string; keyBytes: number; ivBytes: number; gcm: boolean }> = {
  [ENC.aes128cbc]: { cipher: 'aes-128-cbc', keyBytes: 16, ivBytes: 16, gcm: false },
  [ENC.aes256cbc]: { cipher: 'aes-256-cbc', keyBytes: 32, ivBytes: 16, gcm: false },
  [ENC.aes128gcm]: { cipher: 'aes-128-gcm', keyBytes: 16, ivBytes: 12, gcm: true },
  [ENC.aes256gcm]: { cipher: 'aes-256-gcm', keyBytes: 32, ivBytes: 12, gcm: true },
  // Block size 8: the IV and the padding are 8 bytes (XML Encryption 1.1 §5.2.1).
  [ENC.tripledesCbc]: { cipher: 'des-ede3-cbc', keyBytes: 24, ivBytes: 8, gcm: false },
};

const DIGESTS: Record<string, string> = {
  'http://www.w3.org/2000/09/xmldsig#sha1': 'sha1',
  'http://www.w3.org/2001/04/xmlenc#sha256': 'sha256',
  'http://www.w3.org/2001/04/xmlenc#sha512': 'sha512',
};

/** `kind` says what went wrong, so the hint can fit it (an unsupported algorithm is not a certificate problem). */
export class DecryptError extends Error {
  constructor(
    message: string,
    readonly kind: 'structure' | 'unsupported-algorithm' | 'refused-algorithm' | 'wrong-key' | 'corrupt' = 'structure',
  ) {
    super(message);
  }
}

export interface Decrypted {
  /** The decrypted plaintext (the serialized Assertion). */
  xml: string;
  contentAlgorithm: string;
  keyAlgorithm: string;
}

/** Decrypts the EncryptedData inside an EncryptedAssertion. Throws DecryptError with a readable reason. */
export function decryptEncryptedAssertion(encryptedAssertion: Element, privateKeyPem: string): Decrypted {
  const data = firstChild(encryptedAssertion, NS.xenc, 'EncryptedData');
  if (!data) throw new DecryptError('The EncryptedAssertion holds no xenc:EncryptedData.');
  const contentAlgorithm = attr(firstChild(data, NS.xenc, 'EncryptionMethod'), 'Algorithm') ?? '';
  const content = CONTENT[contentAlgorithm];
  if (!content) throw new DecryptError(`Unsupported content encryption algorithm ${contentAlgorithm || '(none)'}.`, 'unsupported-algorithm');
  const encryptedKey = findEncryptedKey(encryptedAssertion, data);
  const keyMethod = firstChild(encryptedKey, NS.xenc, 'EncryptionMethod');
  const keyAlgorithm = attr(keyMethod, 'Algorithm') ?? '';
  const wrapped = Buffer.from((textOf(descendants(encryptedKey, NS.xenc, 'CipherValue')[0] ?? null) ?? '').replace(/\s+/g, ''), 'base64');
  let key: Buffer;
  try {
    if (keyAlgorithm === ENC.rsaOaepMgf1p || keyAlgorithm === ENC.rsaOaep11) {
      const digest = DIGESTS[attr(keyMethod ? firstChild(keyMethod, NS.ds, 'DigestMethod') : null, 'Algorithm') ?? 'http://www.w3.org/2000/09/xmldsig#sha1'] ?? 'sha1';
      key = privateDecrypt({ key: privateKeyPem, padding: constants.RSA_PKCS1_OAEP_PADDING, oaepHash: digest }, wrapped);
    } else if (keyAlgorithm === ENC.rsa15) {
      throw new DecryptError('The key is wrapped with RSA PKCS#1 v1.5 (rsa-1_5), which is refused: it is open to padding-oracle attacks.', 'refused-algorithm');
    } else {
      throw new DecryptError(`Unsupported key transport algorithm ${keyAlgorithm || '(none)'}.`, 'unsupported-algorithm');
    }
  } catch (error) {
    if (error instanceof DecryptError) throw error;
    throw new DecryptError('The symmetric key cannot be unwrapped with this SP\'s private key (encrypted for another SP certificate?).', 'wrong-key');
  }
  if (key.length !== content.keyBytes) throw new DecryptError(`The unwrapped key is ${key.length} bytes; ${contentAlgorithm} needs ${content.keyBytes}.`, 'corrupt');
  const cipherValue = Buffer.from((textOf(firstChild(firstChild(data, NS.xenc, 'CipherData') ?? data, NS.xenc, 'CipherValue')) ?? '').replace(/\s+/g, ''), 'base64');
  try {
    const iv = cipherValue.subarray(0, content.ivBytes);
    const decipher = createDecipheriv(content.cipher, key, iv);
    let body = cipherValue.subarray(content.ivBytes);
    if (content.gcm) {
      (decipher as ReturnType<typeof createDecipheriv> & { setAuthTag(tag: Buffer): void }).setAuthTag(body.subarray(body.length - 16));
      body = body.subarray(0, body.length - 16);
    } else {
      decipher.setAutoPadding(false);
    }
    let plain = Buffer.concat([decipher.update(body), decipher.final()]);
    if (!content.gcm) {
      // XML Encryption padding: the last byte says how many bytes to drop (the others are arbitrary).
      const pad = plain[plain.length - 1] ?? 0;
      if (pad < 1 || pad > content.ivBytes) throw new DecryptError('The decrypted content has invalid padding.', 'corrupt');
      plain = plain.subarray(0, plain.length - pad);
    }
    return { xml: new TextDecoder('utf-8', { fatal: true }).decode(plain), contentAlgorithm, keyAlgorithm };
  } catch (error) {
    if (error instanceof DecryptError) throw error;
    throw new DecryptError('The assertion cannot be decrypted (corrupted ciphertext or authentication tag mismatch).', 'corrupt');
  }
}

function findEncryptedKey(encryptedAssertion: Element, data: Element): Element {
  const keyInfo = firstChild(data, NS.ds, 'KeyInfo');
  const inside = keyInfo ? firstChild(keyInfo, NS.xenc, 'EncryptedKey') : null;
  if (inside) return inside;
  const siblings = childElements(encryptedAssertion, NS.xenc, 'EncryptedKey');
  const retrieval = keyInfo ? firstChild(keyInfo, NS.ds, 'RetrievalMethod') : null;
  const uri = attr(retrieval, 'URI');
  const byId = uri ? siblings.find((k) => `#${attr(k, 'Id') ?? ''}` === uri) : undefined;
  const found = byId ?? siblings[0];
  if (!found) throw new DecryptError('No xenc:EncryptedKey: the symmetric key is missing.');
  return found;
}

/** Encrypts an Assertion for an SP certificate (demo IdP option and tests). Returns the EncryptedAssertion XML. */
export function encryptAssertion(
  assertionXml: string,
  spCertificatePem: string,
  options: { contentAlgorithm?: string; keyAlgorithm?: string } = {},
): string {
  const contentAlgorithm = options.contentAlgorithm ?? ENC.aes256gcm;
  const keyAlgorithm = options.keyAlgorithm ?? ENC.rsaOaepMgf1p;
  const content = CONTENT[contentAlgorithm];
  if (!content) throw new Error(`unsupported ${contentAlgorithm}`);
  const key = randomBytes(content.keyBytes);
  const iv = randomBytes(content.ivBytes);
  const cipher = createCipheriv(content.cipher, key, iv);
  let plain = Buffer.from(assertionXml, 'utf8');
  if (!content.gcm) {
    cipher.setAutoPadding(false);
    const pad = content.ivBytes - (plain.length % content.ivBytes);
    plain = Buffer.concat([plain, randomBytes(pad - 1), Buffer.from([pad])]);
  }
  const body = Buffer.concat([cipher.update(plain), cipher.final()]);
  const tag = content.gcm ? (cipher as ReturnType<typeof createCipheriv> & { getAuthTag(): Buffer }).getAuthTag() : Buffer.alloc(0);
  const certPem = `-----BEGIN CERTIFICATE-----\n${certBase64(spCertificatePem).match(/.{1,64}/g)!.join('\n')}\n-----END CERTIFICATE-----\n`;
  const wrapped = publicEncrypt(
    keyAlgorithm === ENC.rsa15 ? { key: certPem, padding: constants.RSA_PKCS1_PADDING } : { key: certPem, padding: constants.RSA_PKCS1_OAEP_PADDING, oaepHash: 'sha1' },
    key,
  );
  return (
    `<saml:EncryptedAssertion xmlns:saml="${NS.saml}"><xenc:EncryptedData xmlns:xenc="${NS.xenc}" Type="http://www.w3.org/2001/04/xmlenc#Element">` +
    `<xenc:EncryptionMethod Algorithm="${contentAlgorithm}"/>` +
    `<ds:KeyInfo xmlns:ds="${NS.ds}"><xenc:EncryptedKey><xenc:EncryptionMethod Algorithm="${keyAlgorithm}">` +
    (keyAlgorithm === ENC.rsa15 ? '' : `<ds:DigestMethod Algorithm="http://www.w3.org/2000/09/xmldsig#sha1"/>`) +
    `</xenc:EncryptionMethod><xenc:CipherData><xenc:CipherValue>${wrapped.toString('base64')}</xenc:CipherValue></xenc:CipherData></xenc:EncryptedKey></ds:KeyInfo>` +
    `<xenc:CipherData><xenc:CipherValue>${Buffer.concat([iv, body, tag]).toString('base64')}</xenc:CipherValue></xenc:CipherData>` +
    `</xenc:EncryptedData></saml:EncryptedAssertion>`
  );
}
