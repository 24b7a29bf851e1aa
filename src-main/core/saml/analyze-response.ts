// Decodes, parses and signature-checks a posted SAMLResponse into a ResponseContext. Values are read only from
// the bytes a valid signature covers (xml-crypto's signed references), never from the original document, so an
// element smuggled next to the signed one (signature wrapping) is never what we provision from.
//
// Parses per posted response (parse-count.test.ts): the posted text once (every signature is verified on that
// Document, see xml-crypto-document.ts), the signed bytes once (the Response's when a valid signature covers it, the
// Assertion is then read from them; else the Assertion's), and libxml2's own parse for the schema. The signed bytes
// are parsed rather than read from the posted Document on purpose: what the checks read is then exactly what was
// digested (comments dropped, the enveloped Signature removed, nothing the canonicalization could render otherwise).
import { XMLSerializer } from '@xmldom/xmldom';
import { SignedXml } from 'xml-crypto';
import { X509Certificate } from 'node:crypto';
import { fingerprintSha256, summarizeCert, toPem } from '../util/cert.ts';
import { NS, XmlParseError, allElements, attr, childElements, descendants, firstChild, hasDoctype, parseXml, textOf } from '../util/xml.ts';
import type { DecryptionFailure, ResponseContext, SignatureReport, Stage, TrustedIdp, VerifyInput } from './context.ts';
import { scanXml } from './limits.ts';
import { resolvePolicy } from './policy.ts';
import { readAttributes } from './read-attributes.ts';
import { schemaProblem } from './schema.ts';
import { DecryptError, decryptEncryptedAssertion } from './xmlenc.ts';
import { checkSignatureOf } from './xml-crypto-document.ts';

const BASE64 = /^[A-Za-z0-9+/]*={0,2}$/;

export function analyzeResponse(input: VerifyInput): ResponseContext {
  const policy = resolvePolicy(input.policy);
  const { decoded, bytes } = decode(input, policy.limits.responseBytes);
  const ctx: ResponseContext = {
    input,
    policy,
    skewMs: input.policy.clockSkewSeconds * 1000,
    decoded,
    decodedBytes: bytes,
    scan: null,
    doctype: null,
    parsed: null,
    schema: null,
    schemaLexicalOnly: false,
    root: null,
    assertionCount: 0,
    encryptedAssertionCount: 0,
    duplicateIds: [],
    responseIssuer: null,
    idp: null,
    signatures: [],
    response: null,
    responseSigned: false,
    assertion: null,
    postedAssertion: null,
    decryption: null,
    decryptedXml: null,
    attributes: [],
  };
  if (!ctx.decoded.ok) return ctx;
  const xml = ctx.decoded.value;
  ctx.doctype = hasDoctype(xml);
  if (ctx.doctype) return ctx;
  // Counted before parsing: a document over a hard limit never reaches the parser, the schema or xml-crypto.
  ctx.scan = scanXml(xml, policy.limits);
  if (ctx.scan.exceeded) return ctx;
  ctx.parsed = parse(xml);
  if (!ctx.parsed.ok) return ctx;
  const doc = ctx.parsed.value;
  const root = doc.documentElement;
  ctx.root = root;
  if (root.namespaceURI !== NS.samlp || root.localName !== 'Response') return ctx;

  const problem = schemaProblem(xml);
  if (problem === null) {
    ctx.schema = { ok: true, value: true };
  } else {
    // An ID that is not an xs:NCName (e.g. starts with a digit) is the only schema problem some real IdPs have; SPs
    // that do not validate the schema accept it. Validate again with such values made lexically valid: if that
    // passes, it is the only problem (schema.ts keeps libxml2's first message, so a real structural violation
    // behind it would otherwise be hidden).
    const lexical = LEXICAL_ID.test(problem);
    const again = lexical ? schemaProblem(withLexicallyValidIds(xml)) : problem;
    ctx.schemaLexicalOnly = lexical && again === null;
    ctx.schema = { ok: false, reason: ctx.schemaLexicalOnly ? problem : (again ?? problem) };
  }
  ctx.assertionCount = descendants(doc, NS.saml, 'Assertion').length;
  const encrypted = descendants(doc, NS.saml, 'EncryptedAssertion');
  ctx.encryptedAssertionCount = encrypted.length;
  ctx.duplicateIds = duplicateIds(doc);
  ctx.responseIssuer = textOf(firstChild(root, NS.saml, 'Issuer'))?.trim() ?? null;

  // An encrypted assertion is decrypted from the document as posted, to find its issuer and its own signature.
  let decrypted: { assertion: Element; xml: string; doc: Document } | null = null;
  if (ctx.assertionCount === 0 && encrypted.length === 1 && ctx.duplicateIds.length === 0) {
    const attempt = decryptInPlace(encrypted[0]!, input);
    if (attempt.ok) {
      decrypted = attempt.value;
      ctx.decryption = { ok: true, value: attempt.value.algorithms };
      ctx.decryptedXml = inlineDecrypted(doc, encrypted[0]!, attempt.value.assertion);
    } else {
      ctx.decryption = attempt;
    }
  }
  ctx.postedAssertion = decrypted?.assertion ?? descendants(doc, NS.saml, 'Assertion')[0] ?? null;
  const assertionIssuer = textOf(ctx.postedAssertion ? firstChild(ctx.postedAssertion, NS.saml, 'Issuer') : null)?.trim() ?? null;
  ctx.idp = findIdp(input.idps, ctx.responseIssuer ?? assertionIssuer);

  // Every signature in the document is checked; the checks reject if any fails. A SAML response carries at most two
  // (on the Response and on the Assertion): more, or one anywhere else, is refused without any cryptography, since
  // each check re-reads the whole document and hundreds of bogus signatures would stall the listener.
  const signedBytes = new Map<Element, string>();
  const allSignatures = descendants(doc, NS.ds, 'Signature');
  const assertionEls = new Set(childElements(root, NS.saml, 'Assertion'));
  for (const sigEl of allSignatures) {
    const parent = sigEl.parentNode as Element | null;
    const placed = parent !== null && (parent === root || assertionEls.has(parent));
    const refusal = allSignatures.length > 2
      ? `${allSignatures.length} signatures in one response (a SAML response has at most two: Response and Assertion); none was checked.`
      : !placed
        ? `A signature inside <${parent?.localName ?? '?'}>: signatures belong on the Response or the Assertion; not checked.`
        : null;
    if (refusal !== null) {
      ctx.signatures.push(uncheckedReport(sigEl, refusal));
      continue;
    }
    const { report, signedXml } = checkSignature(sigEl, xml, doc, ctx.idp);
    ctx.signatures.push(report);
    if (report.valid && parent && signedXml !== null) signedBytes.set(parent, signedXml);
  }
  let decryptedSignedXml: string | null = null;
  if (decrypted) {
    const decryptedSignatures = descendants(decrypted.assertion, NS.ds, 'Signature');
    for (const sigEl of decryptedSignatures) {
      if (decryptedSignatures.length > 1 || sigEl.parentNode !== decrypted.assertion) {
        ctx.signatures.push({ ...uncheckedReport(sigEl, 'The decrypted assertion carries more than one signature, or one below its root; not checked.'), element: 'Assertion (decrypted)' });
        continue;
      }
      const { report, signedXml } = checkSignature(sigEl, decrypted.xml, decrypted.doc, ctx.idp);
      ctx.signatures.push({ ...report, element: `${report.element} (decrypted)` });
      if (report.valid && sigEl.parentNode === decrypted.assertion && signedXml !== null) decryptedSignedXml = signedXml;
    }
  }

  // The envelope: from the signed bytes when the Response is signed, else the document as posted.
  const signedResponseXml = signedBytes.get(root);
  if (signedResponseXml !== undefined) {
    const signedRoot = reparse(signedResponseXml);
    if (signedRoot) {
      ctx.response = signedRoot;
      ctx.responseSigned = true;
    }
  }
  ctx.response ??= root;

  const plainAssertion = descendants(doc, NS.saml, 'Assertion')[0] ?? null;
  if (ctx.assertionCount === 1 && ctx.encryptedAssertionCount === 0 && ctx.duplicateIds.length === 0 && plainAssertion) {
    // A valid Response signature covers the assertion too (with its own signature, which no check reads): read it
    // from the Response's signed bytes, already parsed, rather than parse the Assertion's signed bytes as well.
    const assertionXml = signedBytes.get(plainAssertion);
    if (ctx.responseSigned) ctx.assertion = childElements(ctx.response, NS.saml, 'Assertion')[0] ?? null;
    else if (assertionXml !== undefined) ctx.assertion = reparse(assertionXml);
  } else if (decrypted) {
    if (decryptedSignedXml !== null) {
      ctx.assertion = reparse(decryptedSignedXml);
    } else if (ctx.responseSigned) {
      // The Response signature covers the ciphertext: decrypt the copy inside the signed bytes.
      const signedEncrypted = childElements(ctx.response, NS.saml, 'EncryptedAssertion')[0];
      const again = signedEncrypted ? decryptInPlace(signedEncrypted, input) : null;
      ctx.assertion = again?.ok ? again.value.assertion : null;
    }
  }
  if (ctx.assertion) ctx.attributes = readAttributes(ctx.assertion);
  return ctx;
}

interface DecryptedAssertion {
  assertion: Element;
  /** A standalone document holding the decrypted assertion, for its signature check: its text and its parse. */
  xml: string;
  doc: Document;
  algorithms: { contentAlgorithm: string; keyAlgorithm: string };
}

function decryptInPlace(encryptedAssertion: Element, input: VerifyInput): { ok: true; value: DecryptedAssertion } | DecryptionFailure {
  if (!input.spPrivateKeyPem) return { ok: false, reason: 'The assertion is encrypted and no SP private key is available to decrypt it.', kind: 'no-key' };
  try {
    const d = decryptEncryptedAssertion(encryptedAssertion, input.spPrivateKeyPem);
    // The plaintext may use prefixes declared on the Response: re-declare the namespaces in scope around it.
    const xmlns = inScopeNamespaces(encryptedAssertion);
    const wrapped = `<lab:Decrypted xmlns:lab="urn:saml-jit-lab:decrypted"${xmlns}>${d.xml.replace(/^<\?xml[^>]*\?>/, '')}</lab:Decrypted>`;
    const wrapperDoc = parseXml(wrapped);
    const wrapper = wrapperDoc.documentElement;
    const children = childElements(wrapper);
    const assertion = children[0];
    if (children.length !== 1 || !assertion || assertion.namespaceURI !== NS.saml || assertion.localName !== 'Assertion') {
      return { ok: false, reason: 'The decrypted content is not a single saml:Assertion.', kind: 'structure' };
    }
    return { ok: true, value: { assertion, xml: wrapped, doc: wrapperDoc, algorithms: { contentAlgorithm: d.contentAlgorithm, keyAlgorithm: d.keyAlgorithm } } };
  } catch (error) {
    if (error instanceof DecryptError) return { ok: false, reason: error.message, kind: error.kind };
    if (error instanceof XmlParseError) return { ok: false, reason: error.message, kind: 'structure' };
    return { ok: false, reason: `Decryption failed: ${error instanceof Error ? error.message : String(error)}`, kind: 'corrupt' };
  }
}

function inScopeNamespaces(el: Element): string {
  const seen = new Map<string, string>();
  for (let node: Node | null = el; node && node.nodeType === 1; node = node.parentNode) {
    const attrs = (node as Element).attributes;
    for (let i = 0; i < attrs.length; i++) {
      const a = attrs.item(i)!;
      if ((a.name === 'xmlns' || a.name.startsWith('xmlns:')) && !seen.has(a.name) && a.name !== 'xmlns:lab') seen.set(a.name, a.value);
    }
  }
  return [...seen].map(([name, value]) => ` ${name}="${value.replace(/&/g, '&amp;').replace(/"/g, '&quot;')}"`).join('');
}

/**
 * The posted response with the decrypted assertion in place of the EncryptedAssertion (inspector view only). Swapped
 * into the posted Document just for the serialization and put back before anything else reads it, instead of
 * parsing the posted text a second time.
 */
function inlineDecrypted(doc: Document, target: Element, assertion: Element): string | null {
  const parent = target.parentNode;
  if (!parent) return null;
  const copy = doc.importNode(assertion, true);
  try {
    parent.replaceChild(copy, target);
    return new XMLSerializer().serializeToString(doc);
  } catch {
    return null;
  } finally {
    if (copy.parentNode === parent) parent.replaceChild(target, copy);
  }
}

/** The size limit is its own check (limits.response-bytes): `decoded` then fails with `tooLarge`, and decodes nothing. */
function decode(input: VerifyInput, maxBytes: number): { decoded: Stage<string> & { tooLarge?: boolean }; bytes: number | null } {
  const raw = input.samlResponse;
  if (input.isXml) {
    const xml = raw.replace(/^\uFEFF/, '');
    const size = Buffer.byteLength(xml);
    if (size > maxBytes) return { decoded: { ok: false, reason: `The response is ${size} bytes; the limit is ${maxBytes}.`, tooLarge: true }, bytes: size };
    return { decoded: { ok: true, value: xml }, bytes: size };
  }
  const compact = raw.replace(/[\r\n\t ]+/g, '');
  if (compact.length === 0) return { decoded: { ok: false, reason: 'The SAMLResponse field is empty.' }, bytes: null };
  // The decoded size follows from the base64 length: an oversized post is refused before it is validated or decoded.
  const size = base64DecodedSize(compact.length, compact.endsWith('==') ? 2 : compact.endsWith('=') ? 1 : 0);
  if (size > maxBytes) return { decoded: { ok: false, reason: `The decoded response is ${size} bytes; the limit is ${maxBytes}.`, tooLarge: true }, bytes: size };
  if (compact.length % 4 !== 0 || !BASE64.test(compact)) {
    return { decoded: { ok: false, reason: 'The SAMLResponse field is not valid base64 (truncated or altered in transit?).' }, bytes: null };
  }
  return { decoded: decodeBytes(Buffer.from(compact, 'base64')), bytes: size };
}

/**
 * What limits.response-bytes counts for a SAMLResponse value: the size its base64 decodes to, from the length of the
 * value without XML whitespace and the '=' padding it ends with (also used by the listener, without decoding it).
 */
export function base64DecodedSize(compactLength: number, padding: 0 | 1 | 2): number {
  return Math.floor(compactLength / 4) * 3 - padding;
}

function decodeBytes(bytes: Buffer): Stage<string> {
  let text: string;
  try {
    text = new TextDecoder('utf-8', { fatal: true }).decode(bytes);
  } catch {
    return { ok: false, reason: 'The decoded response is not UTF-8 text (was it deflated, as for the Redirect binding?).' };
  }
  text = text.replace(/^\uFEFF/, '');
  if (!text.trimStart().startsWith('<')) return { ok: false, reason: 'The decoded response is not XML.' };
  return { ok: true, value: text };
}

/** libxml2's message for an ID / InResponseTo value that is not an xs:NCName. */
const LEXICAL_ID = /is not a valid value of the atomic type 'xs:(ID|NCName)'/;

/** The document with every ID / InResponseTo value that is not an NCName prefixed and sanitised (schema re-check only). */
function withLexicallyValidIds(xml: string): string {
  return xml.replace(/(\s(?:ID|InResponseTo)\s*=\s*)(["'])([^"'<]*)\2/g, (whole, pre: string, q: string, value: string) =>
    /^[A-Za-z_][\w.-]*$/.test(value) ? whole : `${pre}${q}_${value.replace(/[^\w.-]/g, '_')}${q}`,
  );
}

function parse(xml: string): Stage<Document> {
  try {
    return { ok: true, value: parseXml(xml) };
  } catch (error) {
    return { ok: false, reason: error instanceof XmlParseError ? error.message : String(error) };
  }
}

function reparse(xml: string): Element | null {
  try {
    return parseXml(xml).documentElement;
  } catch {
    return null;
  }
}

function duplicateIds(doc: Document): string[] {
  const seen = new Set<string>();
  const dup = new Set<string>();
  for (const el of allElements(doc)) {
    for (const name of ['ID', 'Id', 'id']) {
      const v = attr(el, name);
      if (v === null) continue;
      if (seen.has(v)) dup.add(v);
      seen.add(v);
    }
  }
  return [...dup];
}

function findIdp(idps: TrustedIdp[], issuer: string | null): TrustedIdp | null {
  if (issuer === null) return null;
  return idps.find((i) => i.entityId === issuer) ?? null;
}

function uncheckedReport(sigEl: Element, problem: string): SignatureReport {
  const parent = sigEl.parentNode as Element | null;
  return {
    checked: false,
    element: parent?.localName ?? '(none)',
    referenceUri: null,
    valid: false,
    problem,
    signatureAlgorithm: null,
    digestAlgorithm: null,
    verifiedBy: null,
    keyInfoCert: null,
    keyInfoTrusted: null,
    keyInfoUnreadable: false,
    keyBits: null,
  };
}

function checkSignature(sigEl: Element, xml: string, doc: Document, idp: TrustedIdp | null): { report: SignatureReport; signedXml: string | null } {
  const parent = sigEl.parentNode as Element | null;
  const signedInfo = firstChild(sigEl, NS.ds, 'SignedInfo');
  const references = signedInfo ? childElements(signedInfo, NS.ds, 'Reference') : [];
  const reference = references[0] ?? null;
  const keyInfoCertText = textOf(descendants(sigEl, NS.ds, 'X509Certificate')[0] ?? null);
  const keyInfoCert = keyInfoCertText ? safeFingerprint(keyInfoCertText) : null;
  const keyInfoUnreadable = keyInfoCertText !== null && keyInfoCertText.trim() !== '' && !certReadable(keyInfoCertText);
  const trusted = idp ? idp.certificates.filter((c) => c.use !== 'encryption') : [];
  const report: SignatureReport = {
    checked: true,
    element: parent?.localName ?? '(none)',
    referenceUri: attr(reference, 'URI'),
    valid: false,
    problem: null,
    signatureAlgorithm: attr(signedInfo ? firstChild(signedInfo, NS.ds, 'SignatureMethod') : null, 'Algorithm'),
    digestAlgorithm: attr(reference ? firstChild(reference, NS.ds, 'DigestMethod') : null, 'Algorithm'),
    verifiedBy: null,
    keyInfoCert,
    keyInfoTrusted: keyInfoCert === null || keyInfoUnreadable ? null : trusted.some((c) => c.fingerprintSha256 === keyInfoCert),
    keyInfoUnreadable,
    keyBits: null,
  };
  const parentId = attr(parent, 'ID');
  if (!parent || !parentId) {
    report.problem = 'The signature is not enveloped in an element with an ID.';
    return { report, signedXml: null };
  }
  if (references.length !== 1 || report.referenceUri !== `#${parentId}`) {
    report.problem = `The signature's Reference points at ${report.referenceUri ?? 'nothing'}, not at its parent <${parent.localName} ID="${parentId}">.`;
    return { report, signedXml: null };
  }
  if (!idp) {
    report.problem = 'No configured IdP matches the Issuer, so there is no certificate to check the signature with.';
    return { report, signedXml: null };
  }
  // KeyInfo is only a hint: the signature is checked with EVERY signing key of the metadata whatever KeyInfo says (an
  // unrelated or unreadable KeyInfo certificate is reported by signature.cert-in-metadata, never trusted).
  let lastProblem = 'No signing certificate in the IdP metadata.';
  // The certificate KeyInfo names (when it is a metadata one) is tried first; the others only after it.
  const ordered = keyInfoCert ? [...trusted].sort((a, b) => Number(b.fingerprintSha256 === keyInfoCert) - Number(a.fingerprintSha256 === keyInfoCert)) : trusted;
  for (const cert of ordered) {
    const verifier = new SignedXml({ publicCert: toPem(cert.base64), getCertFromKeyInfo: () => null });
    // SAML 2.0 identifies signed elements by their ID attribute only; looking up "Id" and "id" as well would triple
    // xml-crypto's whole-document scans. Duplicates across ID/Id/id are refused by xml.unique-ids anyway.
    verifier.idAttributes = ['ID'];
    try {
      verifier.loadSignature(sigEl);
      if (checkSignatureOf(verifier, xml, doc)) {
        const signed = verifier.getSignedReferences();
        if (signed.length !== 1) {
          lastProblem = 'The signature covers more than one reference.';
          continue;
        }
        report.valid = true;
        report.verifiedBy = cert.fingerprintSha256;
        report.keyBits = rsaBits(cert.base64);
        report.problem = null;
        return { report, signedXml: signed[0]! };
      }
      // xml-crypto 6 answers false (without throwing) when a reference's digest does not match.
      const digestFailed = verifier.getReferences().some((r) => r.validationError != null);
      lastProblem = digestFailed
        ? 'The digest does not match: the signed element was changed after signing.'
        : 'The signature value does not match (signed with another key, or SignedInfo was changed).';
      // A digest does not depend on the key: no other key can make it match, and each try canonicalizes it again.
      if (digestFailed) break;
    } catch (error) {
      lastProblem = describeXmlCryptoError(error);
    }
  }
  report.problem = lastProblem;
  return { report, signedXml: null };
}

function describeXmlCryptoError(error: unknown): string {
  const message = error instanceof Error ? error.message : String(error);
  if (/digest/i.test(message)) return 'The digest does not match: the signed element was changed after signing.';
  if (/invalid signature/i.test(message)) return 'The signature value does not match (wrong key, or the content was changed).';
  return message.split('\n')[0] ?? message;
}

// Reading an X.509 certificate was ~9% of a login, and it is the same few certificates every time: both answers below
// depend only on the certificate text, so they are remembered (a small cache, emptied when it fills).
const CERT_CACHE_SIZE = 64;
const readable = new Map<string, boolean>();
const bits = new Map<string, number | null>();

function remember<T>(cache: Map<string, T>, key: string, compute: () => T): T {
  if (cache.has(key)) return cache.get(key) as T;
  const value = compute();
  if (cache.size >= CERT_CACHE_SIZE) cache.clear();
  cache.set(key, value);
  return value;
}

function certReadable(certText: string): boolean {
  return remember(readable, certText, () => summarizeCert(certText) !== null);
}

function rsaBits(base64: string): number | null {
  return remember(bits, base64, () => {
    try {
      return new X509Certificate(Buffer.from(base64, 'base64')).publicKey.asymmetricKeyDetails?.modulusLength ?? null;
    } catch {
      return null;
    }
  });
}

function safeFingerprint(certText: string): string | null {
  try {
    return fingerprintSha256(certText);
  } catch {
    return null;
  }
}
