// Checks on the posted bytes and the XML document as a whole.
import type { DecryptionFailure } from '../context.ts';
import type { CheckModule } from './check.ts';
import { fail, pass, warn } from './check.ts';

export const decodeCheck: CheckModule = {
  id: 'response.decode',
  title: 'SAMLResponse decodes to XML',
  run: (ctx) =>
    ctx.decoded.ok
      ? pass('base64 of a UTF-8 XML document', `${ctx.decodedBytes ?? Buffer.byteLength(ctx.decoded.value)} bytes of XML`)
      : ctx.decoded.tooLarge
        ? null
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

const SCHEMA_HINT = 'The IdP sent a response that does not follow the SAML schema; check its SAML version and custom claims configuration.';

export const schemaCheck: CheckModule = {
  id: 'xml.schema',
  title: 'Valid against the SAML 2.0 schema',
  run: (ctx) => {
    if (ctx.schema === null) return null;
    if (ctx.schema.ok) return pass('SAML 2.0 protocol schema', 'valid');
    const mode = ctx.policy.schema;
    if (ctx.schemaLexicalOnly && mode !== 'strict') {
      // Only the lexical form of an ID is wrong: the document is otherwise schema-valid.
      return warn('SAML 2.0 protocol schema', ctx.schema.reason,
        'An ID (or InResponseTo) is not an xs:NCName (it starts with a digit, or holds a character such as ":"). SPs that validate the schema refuse this response: ruby-saml (GitLab, omniauth-saml) and python3-saml (strict mode, its default); node-saml and samlify (without a validator) accept it. Ask the IdP to prefix its IDs (e.g. "_"), or set the schema policy to strict to refuse it here.');
    }
    if (mode === 'off') {
      return warn('SAML 2.0 protocol schema', ctx.schema.reason, `${SCHEMA_HINT} Schema validation is off by policy (as in node-saml); SPs that validate the schema (ruby-saml, python3-saml) refuse this response.`);
    }
    return fail('SAML 2.0 protocol schema', ctx.schema.reason, SCHEMA_HINT);
  },
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
  'http://www.w3.org/2001/04/xmlenc#tripledes-cbc': 'Triple-DES-CBC',
  'http://www.w3.org/2001/04/xmlenc#rsa-oaep-mgf1p': 'RSA-OAEP',
  'http://www.w3.org/2009/xmlenc11#rsa-oaep': 'RSA-OAEP (1.1)',
  'http://www.w3.org/2001/04/xmlenc#rsa-1_5': 'RSA PKCS#1 v1.5',
};

const ENC_TRIPLEDES = 'http://www.w3.org/2001/04/xmlenc#tripledes-cbc';

const DECRYPT_HINTS: Record<DecryptionFailure['kind'], string> = {
  'no-key': 'Give the SP private key (--sp-key) or turn off assertion encryption in the IdP.',
  'refused-algorithm': 'Switch the IdP\'s key transport (key encryption) algorithm to RSA-OAEP.',
  'unsupported-algorithm': 'The IdP encrypts with an algorithm this lab does not decrypt (it decrypts AES-128/256-GCM, AES-128/256-CBC and Triple-DES-CBC content with RSA-OAEP key transport). Choose one of those in the IdP\'s encryption settings for this SP.',
  'wrong-key': 'The IdP encrypted for another certificate: upload this SP\'s current certificate (from its metadata) as the IdP\'s encryption certificate for this SP.',
  corrupt: 'The ciphertext is damaged (or was altered in transit). Capture a fresh response; if it keeps failing, the IdP\'s encryption output is broken.',
  structure: 'The EncryptedAssertion is not what XML Encryption describes (or decrypts to something other than one saml:Assertion). Check the IdP\'s encryption settings.',
};

export const decryptCheck: CheckModule = {
  id: 'assertion.decrypt',
  title: 'Encrypted assertion decrypts with the SP key',
  run: (ctx) => {
    if (ctx.decryption === null) return null;
    const expected = 'decryptable with this SP\'s private key (RSA-OAEP + AES-GCM, AES-CBC or Triple-DES)';
    if (!ctx.decryption.ok) return fail(expected, ctx.decryption.reason, DECRYPT_HINTS[ctx.decryption.kind]);
    const { contentAlgorithm, keyAlgorithm } = ctx.decryption.value;
    const name = (uri: string): string => ALGORITHM_NAMES[uri] ?? uri;
    const names = `${name(keyAlgorithm)} + ${name(contentAlgorithm)}`;
    const allowed = ctx.policy.encryptionAlgorithms;
    const allowedKeys = ctx.policy.keyTransportAlgorithms;
    if (!allowed.includes(contentAlgorithm) || !allowedKeys.includes(keyAlgorithm)) {
      return fail(`one of ${[...allowedKeys.map(name), ...allowed.map(name)].join(', ')} (policy)`, names,
        `The SP policy does not accept ${!allowed.includes(contentAlgorithm) ? name(contentAlgorithm) : name(keyAlgorithm)}: the SP this policy mirrors would refuse the response (node-saml's xml-encryption refuses every CBC mode and Triple-DES). Switch the IdP's encryption algorithm to AES-256-GCM.`);
    }
    if (contentAlgorithm === ENC_TRIPLEDES) {
      return warn('RSA-OAEP + AES-GCM', names, 'Triple-DES-CBC is required by XML Encryption 1.1 and decrypted by ruby-saml, python3-saml (xmlsec) and SimpleSAMLphp (only RSA 1.5 is blacklisted by default), but it is deprecated (NIST, 2023) and node-saml refuses it. Switch the IdP to AES-256-GCM (pysaml2/SATOSA: set the encryption algorithm in its SP configuration for this SP).');
    }
    return /cbc/.test(contentAlgorithm)
      ? warn('RSA-OAEP + AES-GCM', names, 'AES-CBC is decryptable but malleable (node-saml refuses it; ruby-saml, python3-saml and SimpleSAMLphp accept it); prefer AES-GCM in the IdP if it offers it.')
      : pass('RSA-OAEP + AES-GCM', names);
  },
};
