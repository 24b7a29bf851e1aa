// The pre-parse scan must count what the parser would build: a miscount refuses a real response (too high) or lets
// a hostile one through (too low). Property: for generated well-formed documents (comments, CDATA, processing
// instructions, quoted '>' and '<'-free attribute values with '/' and '=', self-closing tags, prefixes), the scan's
// element count, depth and saml:Attribute count equal the DOM's; and the scan is linear on hostile text.
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { parseXml } from '../util/xml.ts';
import { DEFAULT_LIMITS, scanXml } from './limits.ts';

interface Node {
  name: string;
  attrs: [string, string][];
  children: (Node | { text: string } | { comment: string } | { cdata: string })[];
}

const NAMES = ['saml:Attribute', 'saml:AttributeValue', 'samlp:Response', 'x', 'ds:Signature', 'Attribute', 'saml:AttributeStatement'];
const esc = (s: string): string => s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/"/g, '&quot;');

const leaf = fc.oneof(
  fc.record({ text: fc.string({ maxLength: 12 }) }),
  fc.record({ comment: fc.string({ maxLength: 12 }).map((s) => s.replace(/-/g, '_')) }),
  fc.record({ cdata: fc.string({ maxLength: 12 }).map((s) => s.replace(/]]>/g, '')) }),
);
const { node } = fc.letrec<{ node: Node }>((tie) => ({
  node: fc.record({
    name: fc.constantFrom(...NAMES),
    // Attribute values with characters a naive scanner would trip on: '>', '/', '=', quotes of the other kind.
    attrs: fc.uniqueArray(fc.tuple(fc.constantFrom('a', 'b', 'Name', 'ID'), fc.string({ maxLength: 8 }).map((s) => `${s}>/='`)), { maxLength: 3, selector: (t) => t[0] }),
    children: fc.array(fc.oneof({ depthSize: 'small' }, leaf, tie('node') as fc.Arbitrary<Node>), { maxLength: 4 }),
  }),
}));

function render(n: Node, root = false): string {
  const ns = root ? ' xmlns:saml="urn:oasis:names:tc:SAML:2.0:assertion" xmlns:samlp="urn:oasis:names:tc:SAML:2.0:protocol" xmlns:ds="http://www.w3.org/2000/09/xmldsig#"' : '';
  const attrs = n.attrs.map(([k, v]) => ` ${k}="${esc(v)}"`).join('');
  if (n.children.length === 0) return `<${n.name}${ns}${attrs}/>`;
  const inner = n.children
    .map((c) => ('name' in c ? render(c) : 'text' in c ? esc(c.text) : 'comment' in c ? `<!--${c.comment}-->` : `<![CDATA[${c.cdata}]]>`))
    .join('');
  return `<${n.name}${ns}${attrs}>${inner}</${n.name}>`;
}

function domCounts(doc: Document): { elements: number; depth: number; attributes: number } {
  let elements = 0;
  let attributes = 0;
  let depth = 0;
  const walk = (el: Element, d: number): void => {
    elements++;
    if (el.localName === 'Attribute') attributes++;
    depth = Math.max(depth, d);
    for (let c = el.firstChild; c; c = c.nextSibling) if (c.nodeType === 1) walk(c as Element, d + 1);
  };
  walk(doc.documentElement, 1);
  return { elements, depth, attributes };
}

describe('scanXml', () => {
  it('counts elements, depth and Attribute elements exactly as the DOM has them', () => {
    fc.assert(
      fc.property(node, (tree) => {
        const xml = `<?xml version="1.0" encoding="UTF-8"?><?pi x="<a>"?>${render(tree, true)}`;
        const dom = domCounts(parseXml(xml));
        const scan = scanXml(xml, DEFAULT_LIMITS);
        expect({ elements: scan.elements, depth: scan.maxDepth, attributes: scan.attributes }).toEqual(dom);
        expect(scan.exceeded).toBeNull();
      }),
      { numRuns: 300 },
    );
  });

  it('stops at the first limit exceeded and stays linear on hostile text (unclosed quotes, endless tags)', () => {
    const hostile = ['<a x="'.repeat(200_000), '<a '.repeat(300_000), '<!--'.repeat(300_000), `<r>${'<a/>'.repeat(50_000)}</r>`];
    for (const text of hostile) {
      const started = performance.now();
      scanXml(text, DEFAULT_LIMITS);
      expect(performance.now() - started).toBeLessThan(2_000);
    }
    expect(scanXml(`<r>${'<a/>'.repeat(50_000)}</r>`, DEFAULT_LIMITS).exceeded).toEqual({ limit: 'elements', value: DEFAULT_LIMITS.elements + 1 });
  });
});
