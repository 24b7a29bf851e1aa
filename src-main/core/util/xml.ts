// XML helpers shared by the verifier, the metadata parser and the demo IdP.
import { DOMParser } from '@xmldom/xmldom';

export const NS = {
  samlp: 'urn:oasis:names:tc:SAML:2.0:protocol',
  saml: 'urn:oasis:names:tc:SAML:2.0:assertion',
  ds: 'http://www.w3.org/2000/09/xmldsig#',
  md: 'urn:oasis:names:tc:SAML:2.0:metadata',
  xenc: 'http://www.w3.org/2001/04/xmlenc#',
} as const;

export class XmlParseError extends Error {}

/** Escapes text for element content and attribute values. */
export function escapeXml(value: string): string {
  return value
    .replace(/&/g, '&amp;')
    .replace(/</g, '&lt;')
    .replace(/>/g, '&gt;')
    .replace(/"/g, '&quot;')
    .replace(/'/g, '&apos;');
}

/** True when the text declares a DOCTYPE anywhere (checked before any parser can expand entities). */
export function hasDoctype(xml: string): boolean {
  return /<!DOCTYPE/i.test(xml);
}

/** Parses XML strictly: any error or warning from the parser is a failure; DOCTYPEs are refused. */
export function parseXml(xml: string): Document {
  if (hasDoctype(xml)) throw new XmlParseError('The XML declares a DOCTYPE, which SAML never needs.');
  const problems: string[] = [];
  const parser = new DOMParser({
    locator: {},
    errorHandler: {
      warning: (msg: string) => problems.push(msg),
      error: (msg: string) => problems.push(msg),
      fatalError: (msg: string) => problems.push(msg),
    },
  });
  let doc: Document;
  try {
    doc = parser.parseFromString(xml, 'text/xml') as unknown as Document;
  } catch (error) {
    throw new XmlParseError(firstLine(error instanceof Error ? error.message : String(error)));
  }
  if (problems.length > 0) throw new XmlParseError(firstLine(problems[0] ?? 'unknown parser error'));
  if (!doc || !doc.documentElement) throw new XmlParseError('The document has no root element.');
  return doc;
}

function firstLine(text: string): string {
  return (text.split('\n').find((l) => l.trim().length > 0) ?? text).replace(/^\[xmldom \w+\]\s*/, '').trim();
}

export function childElements(parent: Element, ns?: string, localName?: string): Element[] {
  const out: Element[] = [];
  for (let n = parent.firstChild; n; n = n.nextSibling) {
    if (n.nodeType !== 1) continue;
    const el = n as Element;
    if (ns !== undefined && el.namespaceURI !== ns) continue;
    if (localName !== undefined && el.localName !== localName) continue;
    out.push(el);
  }
  return out;
}

export function firstChild(parent: Element, ns: string, localName: string): Element | null {
  return childElements(parent, ns, localName)[0] ?? null;
}

export function descendants(root: Element | Document, ns: string, localName: string): Element[] {
  return Array.from(root.getElementsByTagNameNS(ns, localName) as unknown as ArrayLike<Element>);
}

/** Every element in document order. */
export function allElements(root: Document): Element[] {
  return Array.from(root.getElementsByTagName('*') as unknown as ArrayLike<Element>);
}

/** The full text content of an element, comments excluded but every text node included (a comment cannot
 * truncate the value, as in the 2018 comment-injection bugs). */
export function textOf(el: Element | null): string | null {
  if (!el) return null;
  let out = '';
  const walk = (node: Node): void => {
    for (let n = node.firstChild; n; n = n.nextSibling) {
      if (n.nodeType === 3 || n.nodeType === 4) out += n.nodeValue ?? '';
      else if (n.nodeType === 1) walk(n);
    }
  };
  walk(el);
  return out;
}

export function hasCommentInside(el: Element | null): boolean {
  if (!el) return false;
  for (let n = el.firstChild; n; n = n.nextSibling) {
    if (n.nodeType === 8) return true;
    if (n.nodeType === 1 && hasCommentInside(n as Element)) return true;
  }
  return false;
}

export function attr(el: Element | null, name: string): string | null {
  if (!el || !el.hasAttribute(name)) return null;
  return el.getAttribute(name);
}

/** Indents XML for reading; falls back to the input when it cannot be parsed. Never used on bytes we verify. */
export function prettyXml(xml: string): string {
  const tokens = xml.replace(/>\s+</g, '><').split(/(?=<)|(?<=>)/);
  let depth = 0;
  const lines: string[] = [];
  let pendingText = '';
  for (const token of tokens) {
    if (token.length === 0) continue;
    if (!token.startsWith('<')) {
      pendingText += token;
      continue;
    }
    if (token.startsWith('</')) {
      depth = Math.max(0, depth - 1);
      if (pendingText) {
        const last = lines.pop() ?? '';
        lines.push(last + pendingText + token);
        pendingText = '';
      } else {
        lines.push('  '.repeat(depth) + token);
      }
      continue;
    }
    if (pendingText) {
      lines.push('  '.repeat(depth) + pendingText);
      pendingText = '';
    }
    lines.push('  '.repeat(depth) + token);
    const selfClosing = token.endsWith('/>') || token.startsWith('<?') || token.startsWith('<!');
    if (!selfClosing) depth += 1;
  }
  if (pendingText) lines.push(pendingText);
  return lines.join('\n');
}
