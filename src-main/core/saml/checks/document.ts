// Checks on the posted bytes and the XML document as a whole.
import type { CheckModule } from './check.ts';
import { fail, pass, warn } from './check.ts';

export const decodeCheck: CheckModule = {
  id: 'response.decode',
  title: 'SAMLResponse decodes to XML',
  run: (ctx) =>
    ctx.decoded.ok
      ? pass('base64 of a UTF-8 XML document', `${Buffer.byteLength(ctx.decoded.value)} bytes of XML`)
      : fail('base64 of a UTF-8 XML document', ctx.decoded.reason, 'Post the SAMLResponse form field exactly as the IdP sent it (HTTP-POST binding, base64, not deflated).'),
};

export const doctypeCheck: CheckModule = {
  id: 'xml.doctype',
  title: 'No DOCTYPE declaration',
  run: (ctx) =>
    ctx.doctype === null
      ? null
      : ctx.doctype
        ? fail('no DOCTYPE', 'a DOCTYPE declaration', 'SAML messages never carry a DOCTYPE; one is a sign of an entity-expansion (XXE or billion laughs) attack. Rejected before parsing.')
        : pass('no DOCTYPE', 'none'),
};

export const wellFormedCheck: CheckModule = {
  id: 'xml.well-formed',
  title: 'Well-formed XML',
  run: (ctx) =>
    ctx.parsed === null
      ? null
      : ctx.parsed.ok
        ? pass('well-formed XML', 'well-formed')
        : fail('well-formed XML', ctx.parsed.reason, 'The response was truncated or altered. Capture it again from the IdP.'),
};

export const rootCheck: CheckModule = {
  id: 'xml.root-response',
  title: 'Root element is samlp:Response',
  run: (ctx) => {
    if (!ctx.root) return null;
    const got = `{${ctx.root.namespaceURI ?? ''}}${ctx.root.localName}`;
    return ctx.root.localName === 'Response' && ctx.root.namespaceURI === 'urn:oasis:names:tc:SAML:2.0:protocol'
      ? pass('samlp:Response', 'samlp:Response')
      : fail('{urn:oasis:names:tc:SAML:2.0:protocol}Response', got, 'Post a SAML 2.0 Response to the ACS (not a request, metadata or a SAML 1.1 message).');
  },
};

export const schemaCheck: CheckModule = {
  id: 'xml.schema',
  title: 'Valid against the SAML 2.0 schema',
  run: (ctx) =>
    ctx.schema === null
      ? null
      : ctx.schema.ok
        ? pass('SAML 2.0 protocol schema', 'valid')
        : fail('SAML 2.0 protocol schema', ctx.schema.reason, 'The IdP sent a response that does not follow the SAML schema; check its SAML version and custom claims configuration.'),
};

export const singleAssertionCheck: CheckModule = {
  id: 'xml.single-assertion',
  title: 'Exactly one assertion',
  run: (ctx) => {
    if (!ctx.root || ctx.schema === null) return null;
    const received = `${ctx.assertionCount} Assertion, ${ctx.encryptedAssertionCount} EncryptedAssertion`;
    if (ctx.assertionCount === 1 && ctx.encryptedAssertionCount === 0) return pass('1 Assertion (or 1 EncryptedAssertion)', received);
    if (ctx.assertionCount === 0 && ctx.encryptedAssertionCount === 1) return pass('1 Assertion (or 1 EncryptedAssertion)', received);
    return fail('1 Assertion (or 1 EncryptedAssertion)', received, ctx.assertionCount + ctx.encryptedAssertionCount === 0
      ? 'The response carries no assertion; if its status is not Success, the IdP refused the login.'
      : 'More than one assertion is a signature-wrapping pattern; a response must carry exactly one.');
  },
};

export const uniqueIdsCheck: CheckModule = {
  id: 'xml.unique-ids',
  title: 'No duplicate ID attributes',
  run: (ctx) => {
    if (!ctx.root || ctx.schema === null) return null;
    return ctx.duplicateIds.length === 0
      ? pass('unique IDs', 'unique')
      : fail('unique IDs', `duplicated: ${ctx.duplicateIds.join(', ')}`, 'Two elements share an ID: a signature-wrapping pattern. Rejected.');
  },
};

const ALGORITHM_NAMES: Record<string, string> = {
  'http://www.w3.org/2001/04/xmlenc#aes128-cbc': 'AES-128-CBC',
  'http://www.w3.org/2001/04/xmlenc#aes256-cbc': 'AES-256-CBC',
  'http://www.w3.org/2009/xmlenc11#aes128-gcm': 'AES-128-GCM',
  'http://www.w3.org/2009/xmlenc11#aes256-gcm': 'AES-256-GCM',
  'http://www.w3.org/2001/04/xmlenc#rsa-oaep-mgf1p': 'RSA-OAEP',
  'http://www.w3.org/2009/xmlenc11#rsa-oaep': 'RSA-OAEP (1.1)',
  'http://www.w3.org/2001/04/xmlenc#rsa-1_5': 'RSA PKCS#1 v1.5',
};

export const decryptCheck: CheckModule = {
  id: 'assertion.decrypt',
  title: 'Encrypted assertion decrypts with the SP key',
  run: (ctx) => {
    if (ctx.decryption === null) return null;
    if (!ctx.decryption.ok) {
      return fail('decryptable with this SP\'s private key (RSA-OAEP + AES)', ctx.decryption.reason, /no SP private key/.test(ctx.decryption.reason)
        ? 'Give the SP private key (--sp-key) or turn off assertion encryption in the IdP.'
        : /rsa-1_5|v1\.5/.test(ctx.decryption.reason)
          ? 'Switch the IdP\'s key transport (key encryption) algorithm to RSA-OAEP.'
          : 'Upload this SP\'s current certificate (from its metadata) as the IdP\'s encryption certificate.');
    }
    const { contentAlgorithm, keyAlgorithm } = ctx.decryption.value;
    const names = `${ALGORITHM_NAMES[keyAlgorithm] ?? keyAlgorithm} + ${ALGORITHM_NAMES[contentAlgorithm] ?? contentAlgorithm}`;
    return /cbc/.test(contentAlgorithm)
      ? warn('RSA-OAEP + AES-GCM', names, 'AES-CBC is decryptable but malleable; prefer AES-GCM in the IdP if it offers it.')
      : pass('RSA-OAEP + AES-GCM', names);
  },
};
