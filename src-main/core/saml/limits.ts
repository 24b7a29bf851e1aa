// Hard limits checked on the decoded text BEFORE any XML parser, schema validator or signature library sees it.
// An unauthenticated page can post anything to the ACS: a 2.7 MB response with 25,000 attributes cost ~1.8–6 s of
// main-thread CPU, 100,000 nested elements ~9 s, a signed 3.5 MB response with 20,000 attributes ~36 s (wall time on
// this project's shared 2-core machine before these limits). The size is known from the base64 length before
// decoding, and the scan below is one linear pass over the text (no regular expression that could backtrack), so
// refusing such a post costs tens of milliseconds.
//
// The defaults sit above anything a real IdP sends (the largest real responses are group-heavy: Entra ID emits at
// most 150 groups in a SAML token, 1,000 groups made a ~298 KB form) and below what stalls the listener: what a post
// under the limits can still cost is dominated by xml-crypto (a full re-parse and canonicalization per signature and
// metadata key) — measured here at ~200 ms of CPU per 100 KB for a forged signature naming a configured IdP, so the
// size limit bounds it to about 1 s per signature and key (README, limits table).
import type { ResponseLimits } from './context.ts';

export const DEFAULT_LIMITS: ResponseLimits = {
  // 512 KiB decoded: over twice what ruby-saml accepts by default (message_max_bytesize 250,000 bytes of base64, ~187 KB
  // decoded) and over four times a 1,000-group response (~118 KB with CN=…,OU=…,DC=… names).
  responseBytes: 512 * 1024,
  // A response with 1,000 groups has ~1,050 elements; 10,000 leaves room for ~9,000 attribute values.
  elements: 10_000,
  // A signed, encrypted response nests about 12 deep (Response/EncryptedAssertion/EncryptedData/KeyInfo/EncryptedKey/…).
  depth: 32,
  // Real IdPs send tens of attributes (groups are values of one attribute, not attributes).
  attributes: 1_000,
  // A SAML element carries a handful of attributes and namespace declarations.
  xmlAttributesPerElement: 64,
};

export interface XmlScan {
  elements: number;
  maxDepth: number;
  /** saml:Attribute elements (any prefix, local name "Attribute"). */
  attributes: number;
  /** Most XML attributes (incl. xmlns) seen on one element. */
  maxXmlAttributes: number;
  /** The first limit exceeded; the scan stops there. */
  exceeded: { limit: keyof ResponseLimits; value: number } | null;
}

const GT = 0x3e;
const SLASH = 0x2f;
const BANG = 0x21;
const QUESTION = 0x3f;
const EQ = 0x3d;
const DQ = 0x22;
const SQ = 0x27;

function isSpace(c: number): boolean {
  return c === 0x20 || c === 0x09 || c === 0x0a || c === 0x0d;
}

/**
 * Counts elements, nesting depth, saml:Attribute elements and XML attributes per element in one pass. Comments,
 * CDATA sections and processing instructions are skipped; quoted attribute values may contain '>' and '<'. The scan
 * is deliberately approximate on malformed text (the parser refuses that afterwards); it only has to bound the work.
 */
export function scanXml(xml: string, limits: ResponseLimits): XmlScan {
  const scan: XmlScan = { elements: 0, maxDepth: 0, attributes: 0, maxXmlAttributes: 0, exceeded: null };
  const n = xml.length;
  let depth = 0;
  let i = xml.indexOf('<');
  while (i !== -1 && i < n) {
    const next = xml.charCodeAt(i + 1);
    if (next === BANG) {
      // Comment or CDATA (a DOCTYPE was refused before the scan).
      const end = xml.startsWith('<!--', i) ? xml.indexOf('-->', i + 4) : xml.startsWith('<![CDATA[', i) ? xml.indexOf(']]>', i + 9) : xml.indexOf('>', i + 2);
      if (end === -1) break;
      i = xml.indexOf('<', end + 1);
      continue;
    }
    if (next === QUESTION) {
      const end = xml.indexOf('?>', i + 2);
      if (end === -1) break;
      i = xml.indexOf('<', end + 2);
      continue;
    }
    if (next === SLASH) {
      depth = Math.max(0, depth - 1);
      const end = xml.indexOf('>', i + 2);
      if (end === -1) break;
      i = xml.indexOf('<', end + 1);
      continue;
    }
    // A start tag: its name, then attributes up to '>' (quotes respected).
    let j = i + 1;
    const nameStart = j;
    while (j < n) {
      const c = xml.charCodeAt(j);
      if (isSpace(c) || c === GT || c === SLASH) break;
      j++;
    }
    const name = xml.slice(nameStart, j);
    let xmlAttributes = 0;
    let selfClosing = false;
    let closed = false;
    while (j < n) {
      const c = xml.charCodeAt(j);
      if (c === DQ || c === SQ) {
        const end = xml.indexOf(c === DQ ? '"' : "'", j + 1);
        if (end === -1) {
          j = n;
          break;
        }
        j = end + 1;
        continue;
      }
      if (c === EQ) xmlAttributes++;
      if (c === GT) {
        selfClosing = xml.charCodeAt(j - 1) === SLASH;
        closed = true;
        break;
      }
      j++;
    }
    scan.elements++;
    if (name === 'Attribute' || name.endsWith(':Attribute')) scan.attributes++;
    if (xmlAttributes > scan.maxXmlAttributes) scan.maxXmlAttributes = xmlAttributes;
    // This element sits at depth + 1 (a self-closing one too); only an open one deepens what follows.
    if (depth + 1 > scan.maxDepth) scan.maxDepth = depth + 1;
    if (!selfClosing) depth++;
    if (scan.elements > limits.elements) return { ...scan, exceeded: { limit: 'elements', value: scan.elements } };
    if (scan.maxDepth > limits.depth) return { ...scan, exceeded: { limit: 'depth', value: scan.maxDepth } };
    if (scan.attributes > limits.attributes) return { ...scan, exceeded: { limit: 'attributes', value: scan.attributes } };
    if (xmlAttributes > limits.xmlAttributesPerElement) return { ...scan, exceeded: { limit: 'xmlAttributesPerElement', value: xmlAttributes } };
    if (!closed) break;
    i = xml.indexOf('<', j + 1);
  }
  return scan;
}
