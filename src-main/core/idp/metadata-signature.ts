// The metadata's own XML signature. Checked only against a certificate the user chose to trust (never against the
// KeyInfo the document carries, which anyone can put there); without one it is reported as unverified.
import { DOMParser, XMLSerializer } from '@xmldom/xmldom';
import { SignedXml } from 'xml-crypto';
import { LabError } from '../errors.ts';
import { certBase64, summarizeCert, toPem } from '../util/cert.ts';
import { NS, allElements, attr, childElements, firstChild } from '../util/xml.ts';

export interface MetadataSignature {
  /** absent: no signature; unverified: signed, no trust cert given; verified: valid with a trust cert;
   * invalid: a trust cert was given and the signature does not verify with it. */
  status: 'absent' | 'unverified' | 'verified' | 'invalid';
  /** One sentence a person can act on. */
  detail: string;
  /** The element that carries the signature (EntitiesDescriptor for most aggregates). */
  signedElement: string | null;
  signatureAlgorithm: string | null;
  /** SHA-256 fingerprint of the trust certificate that verified it. */
  verifiedBy: string | null;
  /** True when it verified only after dropping whitespace-only text nodes (.NET signers pretty-print after signing). */
  whitespaceNormalized: boolean;
}

export interface MetadataSignatureCheck extends MetadataSignature {
  /** The canonical bytes the signature covers, when it verified: read values from these only. */
  signedXml: string | null;
}

export function verifyMetadataSignature(root: Element, entity: Element, trustCerts: string | string[] | undefined): MetadataSignatureCheck {
  const carrier = firstChild(root, NS.ds, 'Signature') ? root : firstChild(entity, NS.ds, 'Signature') ? entity : null;
  const sigEl = carrier ? firstChild(carrier, NS.ds, 'Signature')! : null;
  const signedInfo = sigEl ? firstChild(sigEl, NS.ds, 'SignedInfo') : null;
  const base = {
    signedElement: carrier?.localName ?? null,
    signatureAlgorithm: attr(signedInfo ? firstChild(signedInfo, NS.ds, 'SignatureMethod') : null, 'Algorithm'),
    verifiedBy: null,
    whitespaceNormalized: false,
    signedXml: null,
  };
  if (!carrier || !sigEl) return { ...base, status: 'absent', detail: 'The metadata is not signed.' };
  const certs = trustCerts === undefined ? [] : (Array.isArray(trustCerts) ? trustCerts : [trustCerts]);
  if (certs.length === 0) {
    return { ...base, status: 'unverified', detail: `The ${carrier.localName} is signed; give the IdP's metadata signing certificate to verify it.` };
  }
  const trusted = certs.map((c) => {
    const summary = summarizeCert(c);
    if (!summary) throw new LabError('invalid-metadata', 'The trust certificate is not a valid X.509 certificate (PEM or base64 DER expected).');
    return { base64: certBase64(c), fingerprint: summary.fingerprintSha256 };
  });

  const invalid = (detail: string): MetadataSignatureCheck => ({ ...base, status: 'invalid', detail });
  const id = attr(carrier, 'ID');
  const references = signedInfo ? childElements(signedInfo, NS.ds, 'Reference') : [];
  const uri = attr(references[0] ?? null, 'URI');
  if (!id) return invalid(`The metadata signature sits in an <${carrier.localName}> without an ID, so it cannot say what it signs.`);
  if (references.length !== 1 || uri !== `#${id}`) {
    return invalid(`The metadata signature's Reference points at ${uri ?? 'nothing'}, not at its own <${carrier.localName} ID="${id}">.`);
  }
  const doc = carrier.ownerDocument;
  if (allElements(doc).filter((el) => attr(el, 'ID') === id).length !== 1) {
    return invalid(`Two elements share the ID "${id}" the signature points at: a signature-wrapping pattern. Refused.`);
  }

  const xml = new XMLSerializer().serializeToString(doc);
  let problem = 'The signature value does not match (another key signed it).';
  for (const whitespaceNormalized of [false, true]) {
    const text = whitespaceNormalized ? withoutWhitespaceNodes(xml) : xml;
    const sig = signatureIn(text, id);
    if (!sig) continue;
    for (const cert of trusted) {
      const verifier = new SignedXml({ publicCert: toPem(cert.base64), getCertFromKeyInfo: () => null });
      try {
        verifier.loadSignature(sig);
        if (!verifier.checkSignature(text)) {
          // xml-crypto answers false (rather than throwing) when a Reference digest does not match.
          if (!whitespaceNormalized) problem = 'The digest does not match: the metadata was changed after it was signed.';
          continue;
        }
        const signed = verifier.getSignedReferences();
        if (signed.length !== 1) {
          problem = 'The signature covers more than one reference.';
          continue;
        }
        return {
          ...base,
          status: 'verified',
          detail: `Signature on the ${carrier.localName} verified with the trust certificate SHA-256 ${cert.fingerprint.slice(0, 23)}…${whitespaceNormalized ? ' (after dropping whitespace-only text, as .NET does: the file was re-indented after signing)' : ''}.`,
          verifiedBy: cert.fingerprint,
          whitespaceNormalized,
          signedXml: signed[0]!,
        };
      } catch (error) {
        const message = error instanceof Error ? error.message : String(error);
        if (!whitespaceNormalized) problem = describe(message);
      }
    }
  }
  const fps = trusted.map((t) => `${t.fingerprint.slice(0, 23)}…`).join(', ');
  return invalid(`The metadata signature does not verify with the trust certificate (SHA-256 ${fps}): ${problem} Download the metadata again from the IdP, or check that this is its metadata signing certificate.`);
}

function signatureIn(xml: string, id: string): Element | null {
  const doc = new DOMParser().parseFromString(xml, 'text/xml') as unknown as Document;
  const carrier = allElements(doc).find((el) => attr(el, 'ID') === id);
  return carrier ? firstChild(carrier, NS.ds, 'Signature') : null;
}

/** The document without whitespace-only text nodes (XmlDocument with PreserveWhitespace = false). */
function withoutWhitespaceNodes(xml: string): string {
  const doc = new DOMParser().parseFromString(xml, 'text/xml') as unknown as Document;
  const strip = (node: Node): void => {
    for (let n = node.firstChild; n; ) {
      const next = n.nextSibling;
      if (n.nodeType === 3 && /^\s*$/.test(n.nodeValue ?? '')) node.removeChild(n);
      else if (n.nodeType === 1) strip(n);
      n = next;
    }
  };
  strip(doc);
  return new XMLSerializer().serializeToString(doc as unknown as Node);
}

function describe(message: string): string {
  if (/digest/i.test(message)) return 'The digest does not match: the metadata was changed after it was signed.';
  if (/signature value .* is incorrect/i.test(message)) return 'The signature value does not match (another key signed it, or its SignedInfo was changed).';
  return message.split('\n')[0] ?? message;
}
