// Lets xml-crypto verify the document we already parsed. xml-crypto 6 (`SignedXml.checkSignature(xml: string)`) only
// takes text and parses it again with @xmldom's DOMParser on every call: once per signature and per metadata key
// tried, i.e. two more parses of every posted response signed on the Response and the Assertion. The methods that
// work on a document (validateReference, getCanonSignedInfoXml…) are private, and copying checkSignature into a
// subclass would fork the library's verification logic. So for the duration of one synchronous checkSignature call,
// @xmldom's parser answers exactly that text with the Document we parsed from it; everything else it is asked to
// parse (the canonical SignedInfo) is parsed as usual, and the parser is restored before the call returns or throws.
//
// Why this is sound: our document was parsed from the same string by the same @xmldom, strictly (parseXml refuses
// any warning or error, so xml-crypto's lenient parse of that text would build the same tree). xml-crypto never
// mutates the document it verifies (every canonicalization works on a deep clone), and a worker thread has its own
// copy of these modules, so nothing else can run while the parser is swapped. The signature node handed to
// loadSignature now belongs to the verified document, so xml-crypto's enveloped-signature transform removes exactly
// that node instead of finding it again by its SignatureValue. If xml-crypto ever resolved another copy of @xmldom,
// the swap would simply not apply and it would parse the text itself (slower, same result);
// parse-count.test.ts fails then.
import { DOMParser } from '@xmldom/xmldom';
import type { SignedXml } from 'xml-crypto';

type ParseFromString = (this: DOMParser, source: string, mimeType?: string) => unknown;

/** `verifier.checkSignature(xml)`, with `doc` (parsed from exactly `xml`) as the document xml-crypto verifies. */
export function checkSignatureOf(verifier: SignedXml, xml: string, doc: Document): boolean {
  const proto = DOMParser.prototype as unknown as { parseFromString: ParseFromString };
  const parse = proto.parseFromString;
  proto.parseFromString = function (this: DOMParser, source: string, mimeType?: string) {
    // `===` on strings compares lengths first: the small SignedInfo texts are told apart at once.
    return source === xml ? doc : parse.call(this, source, mimeType);
  };
  try {
    return verifier.checkSignature(xml);
  } finally {
    proto.parseFromString = parse;
  }
}
