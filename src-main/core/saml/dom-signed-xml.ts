// xml-crypto's SignedXml with its document lookups done by a DOM walk instead of its XPath engine.
//
// xml-crypto stays the cryptographic implementation (canonicalization, digests, the signature value, which bytes
// count as signed). What changes is how three of its private methods find elements: `validateReference` ran
// `//*[@*[local-name(.)='Id'|'ID'|'id']='…']` (three whole-document XPath scans per reference), and
// `getCanonSignedInfoXml` / `getCanonReferenceXml` ran `//*[local-name()='SignedInfo']` and the reference's XPath
// again to collect ancestor namespaces. Those scans were ~80% of a signature check. Each replacement below returns
// what the XPath returned, in the same order, with the same refusals:
//   - an ID lookup matches an element when any of its attributes (namespace declarations included, as the XPath
//     attribute axis of xml-crypto's xpath 0.0.33 does) has that local name and exactly that value; more than one
//     match over the ID attribute names (an element carrying both `ID` and `Id` counts twice) is refused as
//     signature wrapping, a URI containing a quote is refused, `ref.xpath` is set to the same expression;
//   - the SignedInfo whose ancestor namespaces are used is the first element named SignedInfo in document order
//     (xml-crypto's own choice, kept even when it is not this signature's SignedInfo).
// `dom-signed-xml.test.ts` checks it against SignedXml on thousands of mutated responses and the wrapping attacks.
// The method bodies follow xml-crypto 6.3.2 (lib/signed-xml.js); re-check them when upgrading xml-crypto.
import { SignedXml } from 'xml-crypto';
import * as utils from 'xml-crypto/lib/utils.js';

interface Reference {
  uri?: string;
  xpath?: string;
  transforms?: string[];
  digestAlgorithm: string;
  digestValue: unknown;
  inclusiveNamespacesPrefixList?: string[];
  ancestorNamespaces?: ReturnType<typeof utils.findAncestorNsForElement>;
  validationError?: Error;
  getValidatedNode?: unknown;
}

/** The private parts of SignedXml the replacements use (present at run time, private in its typings). */
interface Internals {
  idAttributes: string[];
  signatureNode: Node | null;
  canonicalizationAlgorithm?: string;
  getCanonXml(transforms: string[], node: Node, options?: object): string;
  canonicalize(transforms: string[] | undefined, node: Node, options: object, extra: { discardComments: boolean }): string;
  findHashAlgorithm(name: string): { getHash(xml: string): string };
  getCanonReferenceXml(doc: Document, ref: Reference, node: Node): string;
}

const ELEMENT = 1;

/** Elements of `doc` in document order (what `//*` selects). */
function* elements(doc: Document): Generator<Element> {
  let node: Node | null = doc.firstChild;
  while (node) {
    if (node.nodeType === ELEMENT) yield node as Element;
    if (node.firstChild) {
      node = node.firstChild;
      continue;
    }
    while (node && !node.nextSibling) node = node.parentNode === doc ? null : node.parentNode;
    node = node ? node.nextSibling : null;
  }
}

/** XPath local-name() of an attribute, as xml-crypto's xpath computes it. */
function localNameOf(a: Attr): string {
  return a.localName || a.nodeName || '';
}

/** `//*[@*[local-name(.)=name]=value]` for every name in `names`: the matching elements per name, document order. */
function elementsById(doc: Document, names: readonly string[], value: string): Element[][] {
  const found: Element[][] = names.map(() => []);
  for (const el of elements(doc)) {
    const attrs = el.attributes;
    for (let n = 0; n < names.length; n++) {
      for (let i = 0; i < attrs.length; i++) {
        const a = attrs.item(i)!;
        if (a.value === value && localNameOf(a) === names[n]) {
          found[n]!.push(el);
          break;
        }
      }
    }
  }
  return found;
}

function firstSignedInfo(doc: Document): Element | null {
  for (const el of elements(doc)) if ((el.localName || el.nodeName) === 'SignedInfo') return el;
  return null;
}

function getCanonSignedInfoXml(this: Internals, doc: Document): string {
  if (this.signatureNode == null) throw new Error('No signature found.');
  if (typeof this.canonicalizationAlgorithm !== 'string') throw new Error('Missing canonicalizationAlgorithm when trying to get signed info for XML');
  const signedInfo = utils.findChildren(this.signatureNode, 'SignedInfo');
  if (signedInfo.length === 0) throw new Error('could not find SignedInfo element in the message');
  if (signedInfo.length > 1) throw new Error('could not get canonicalized signed info for a signature that contains multiple SignedInfo nodes');
  if (this.canonicalizationAlgorithm === 'http://www.w3.org/TR/2001/REC-xml-c14n-20010315' || this.canonicalizationAlgorithm === 'http://www.w3.org/TR/2001/REC-xml-c14n-20010315#WithComments') {
    if (!doc || typeof doc !== 'object') throw new Error('When canonicalization method is non-exclusive, whole xml dom must be provided as an argument');
  }
  const first = firstSignedInfo(doc);
  const ancestorNamespaces = first ? utils.findAncestorNsForElement(first) : [];
  return this.getCanonXml([this.canonicalizationAlgorithm], signedInfo[0]!, { ancestorNamespaces });
}

function getCanonReferenceXml(this: Internals, _doc: Document, ref: Reference, node: Node): string {
  // `ref.xpath` was set by validateReference to the expression that selects exactly `node`.
  if (Array.isArray(ref.transforms)) ref.ancestorNamespaces = ref.xpath == null ? [] : utils.findAncestorNsForElement(node as Element);
  const c14nOptions = { inclusiveNamespacesPrefixList: ref.inclusiveNamespacesPrefixList, ancestorNamespaces: ref.ancestorNamespaces };
  const discardComments = ref.uri === '' || (ref.uri ?? '').startsWith('#');
  return this.canonicalize(ref.transforms, node, c14nOptions, { discardComments });
}

function validateReference(this: Internals, ref: Reference, doc: Document): string | undefined {
  const uri = ref.uri?.[0] === '#' ? ref.uri.substring(1) : ref.uri;
  let elem: Element | null = null;
  if (uri === '') {
    elem = doc.documentElement;
  } else if (uri === undefined || uri.indexOf("'") !== -1) {
    throw new Error('Cannot validate a uri with quotes inside it');
  } else {
    let count = 0;
    const found = elementsById(doc, this.idAttributes, uri);
    for (let n = 0; n < this.idAttributes.length; n++) {
      const matches = found[n]!;
      if (matches.length === 0) continue;
      count += matches.length;
      if (count > 1) {
        throw new Error(
          'Cannot validate a document which contains multiple elements with the same value for the ID / Id / Id attributes, in order to prevent signature wrapping attack.',
        );
      }
      elem = matches[0]!;
      ref.xpath = `//*[@*[local-name(.)='${this.idAttributes[n]!}']='${uri}']`;
    }
  }
  // xml-crypto's deprecated, insecure `ref.getValidatedNode()` is not offered: nothing here reads unsigned nodes.
  ref.getValidatedNode = () => null;
  if (elem === null) {
    ref.validationError = new Error(`invalid signature: the signature references an element with uri ${ref.uri} but could not find such element in the xml`);
    return undefined;
  }
  const canonXml = this.getCanonReferenceXml(doc, ref, elem);
  const digest = this.findHashAlgorithm(ref.digestAlgorithm).getHash(canonXml);
  if (!utils.validateDigestValue(digest, ref.digestValue)) {
    ref.validationError = new Error(`invalid signature: for uri ${ref.uri} calculated digest is ${digest} but the xml to validate supplies digest ${String(ref.digestValue)}`);
    return undefined;
  }
  return canonXml;
}

export class DomSignedXml extends SignedXml {}

Object.assign(DomSignedXml.prototype, { getCanonSignedInfoXml, getCanonReferenceXml, validateReference });
