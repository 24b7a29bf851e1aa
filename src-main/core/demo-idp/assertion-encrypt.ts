// The demo IdP's XML Encryption of an Assertion for the SP certificate, with node:crypto only. Written on the IdP side
// on purpose, independently of the SP's decryptor (saml/xmlenc.ts): a scenario that encrypts with the decryptor's own
// table would prove nothing about it. RSA-OAEP (MGF1, SHA-1 digest: what ADFS, Entra ID and Shibboleth send) wraps
// the key; the content algorithm is any of the ones IdPs use, including 3DES-CBC (legacy ADFS and Shibboleth 2).
import { constants, createCipheriv, publicEncrypt, randomBytes } from 'node:crypto';
import { toPem } from '../util/cert.ts';
import { NS } from '../util/xml.ts';

interface ContentCipher {
  uri: string;
  cipher: string;
  keyBytes: number;
  /** IV length; for CBC also the block size the plaintext is padded to. */
  ivBytes: number;
  gcm: boolean;
}

export const CONTENT_ENCRYPTION = {
  'aes128-gcm': { uri: 'http://www.w3.org/2009/xmlenc11#aes128-gcm', cipher: 'aes-128-gcm', keyBytes: 16, ivBytes: 12, gcm: true },
  'aes256-gcm': { uri: 'http://www.w3.org/2009/xmlenc11#aes256-gcm', cipher: 'aes-256-gcm', keyBytes: 32, ivBytes: 12, gcm: true },
  'aes128-cbc': { uri: 'http://www.w3.org/2001/04/xmlenc#aes128-cbc', cipher: 'aes-128-cbc', keyBytes: 16, ivBytes: 16, gcm: false },
  'aes256-cbc': { uri: 'http://www.w3.org/2001/04/xmlenc#aes256-cbc', cipher: 'aes-256-cbc', keyBytes: 32, ivBytes: 16, gcm: false },
  'tripledes-cbc': { uri: 'http://www.w3.org/2001/04/xmlenc#tripledes-cbc', cipher: 'des-ede3-cbc', keyBytes: 24, ivBytes: 8, gcm: false },
} as const satisfies Record<string, ContentCipher>;
export type ContentEncryption = keyof typeof CONTENT_ENCRYPTION;

const RSA_OAEP_MGF1P = 'http://www.w3.org/2001/04/xmlenc#rsa-oaep-mgf1p';

/** Returns `<saml:EncryptedAssertion>` holding `assertionXml` encrypted for `spCertificatePem`. */
export function encryptAssertionFor(assertionXml: string, spCertificatePem: string, algorithm: ContentEncryption): string {
  const content: ContentCipher = CONTENT_ENCRYPTION[algorithm];
  const key = randomBytes(content.keyBytes);
  const iv = randomBytes(content.ivBytes);
  const cipher = createCipheriv(content.cipher, key, iv);
  let plain = Buffer.from(assertionXml, 'utf8');
  if (!content.gcm) {
    // XML Encryption's padding: any bytes, the last one says how many were added (1 to a full block).
    cipher.setAutoPadding(false);
    const pad = content.ivBytes - (plain.length % content.ivBytes);
    plain = Buffer.concat([plain, randomBytes(pad - 1), Buffer.from([pad])]);
  }
  const body = Buffer.concat([cipher.update(plain), cipher.final()]);
  const tag = content.gcm ? (cipher as ReturnType<typeof createCipheriv> & { getAuthTag(): Buffer }).getAuthTag() : Buffer.alloc(0);
  const wrapped = publicEncrypt({ key: toPem(spCertificatePem), padding: constants.RSA_PKCS1_OAEP_PADDING, oaepHash: 'sha1' }, key);
  return (
    `<saml:EncryptedAssertion xmlns:saml="${NS.saml}"><xenc:EncryptedData xmlns:xenc="${NS.xenc}" Type="http://www.w3.org/2001/04/xmlenc#Element">` +
    `<xenc:EncryptionMethod Algorithm="${content.uri}"/>` +
    `<ds:KeyInfo xmlns:ds="${NS.ds}"><xenc:EncryptedKey><xenc:EncryptionMethod Algorithm="${RSA_OAEP_MGF1P}">` +
    `<ds:DigestMethod Algorithm="http://www.w3.org/2000/09/xmldsig#sha1"/></xenc:EncryptionMethod>` +
    `<xenc:CipherData><xenc:CipherValue>${wrapped.toString('base64')}</xenc:CipherValue></xenc:CipherData></xenc:EncryptedKey></ds:KeyInfo>` +
    `<xenc:CipherData><xenc:CipherValue>${Buffer.concat([iv, body, tag]).toString('base64')}</xenc:CipherValue></xenc:CipherData>` +
    `</xenc:EncryptedData></saml:EncryptedAssertion>`
  );
}
