// Indents XML for reading, and finds which lines of the indented text each XML signature covers. The signature was
// computed over the original bytes; this is display only.

const DSIG = 'http://www.w3.org/2000/09/xmldsig#';

export interface SignedRange {
  /** The signed element's qualified name, e.g. `saml:Assertion`. */
  element: string;
  /** Its ID attribute (what the signature's Reference URI points at). */
  id: string;
  /** 1-based, inclusive lines of the pretty-printed text. */
  startLine: number;
  endLine: number;
  /** The line of the <ds:Signature> that signs it, or null when the signature sits elsewhere. */
  signatureLine: number | null;
}

export interface PrettyXml {
  text: string;
  signed: SignedRange[];
}

function escapeText(text: string): string {
  return text.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');
}

function escapeAttr(text: string): string {
  return escapeText(text).replace(/"/g, '&quot;');
}

function openTag(el: Element): string {
  const attrs = Array.from(el.attributes)
    .map((a) => ` ${a.name}="${escapeAttr(a.value)}"`)
    .join('');
  return `<${el.tagName}${attrs}`;
}

function idOf(el: Element): string | null {
  return el.getAttribute('ID') ?? el.getAttribute('Id') ?? el.getAttribute('id');
}

class Printer {
  readonly out: string[] = [];
  /** 1-based number of the next line to be written. */
  line = 1;
  readonly starts = new Map<Element, number>();
  readonly ends = new Map<Element, number>();

  constructor(private readonly indent: string) {}

  push(text: string): void {
    this.out.push(text);
    this.line += 1 + (text.match(/\n/g)?.length ?? 0);
  }

  render(node: Node, depth: number): void {
    const pad = this.indent.repeat(depth);
    switch (node.nodeType) {
      case Node.ELEMENT_NODE: {
        const el = node as Element;
        this.starts.set(el, this.line);
        const children = Array.from(el.childNodes).filter((c) => !(c.nodeType === Node.TEXT_NODE && (c.nodeValue ?? '').trim() === ''));
        const only = children[0];
        if (children.length === 0) {
          this.push(`${pad}${openTag(el)}/>`);
        } else if (children.length === 1 && only !== undefined && only.nodeType === Node.TEXT_NODE) {
          this.push(`${pad}${openTag(el)}>${escapeText((only.nodeValue ?? '').trim())}</${el.tagName}>`);
        } else {
          this.push(`${pad}${openTag(el)}>`);
          for (const child of children) this.render(child, depth + 1);
          this.push(`${pad}</${el.tagName}>`);
        }
        this.ends.set(el, this.line - 1);
        return;
      }
      case Node.TEXT_NODE:
        this.push(`${pad}${escapeText((node.nodeValue ?? '').trim())}`);
        return;
      case Node.CDATA_SECTION_NODE:
        this.push(`${pad}<![CDATA[${node.nodeValue ?? ''}]]>`);
        return;
      case Node.COMMENT_NODE:
        this.push(`${pad}<!--${node.nodeValue ?? ''}-->`);
        return;
      case Node.PROCESSING_INSTRUCTION_NODE: {
        const pi = node as ProcessingInstruction;
        this.push(`${pad}<?${pi.target} ${pi.data}?>`);
        return;
      }
      default:
        return;
    }
  }
}

/** Indents the XML and locates signed elements; returns the input unchanged (no ranges) when it does not parse. */
export function prettyXmlWithSignatures(xml: string, indent = '  '): PrettyXml {
  const doc = new DOMParser().parseFromString(xml, 'application/xml');
  if (doc.getElementsByTagName('parsererror').length > 0) return { text: xml, signed: [] };
  const printer = new Printer(indent);
  const decl = /^\s*<\?xml[^?]*\?>/.exec(xml);
  if (decl !== null) printer.push(decl[0].trim());
  for (const child of Array.from(doc.childNodes)) printer.render(child, 0);

  // Each <ds:Signature>'s references (URI="#id") name the elements it signs.
  const byId = new Map<string, Element>();
  for (const el of Array.from(doc.getElementsByTagName('*'))) {
    const id = idOf(el);
    if (id !== null && !byId.has(id)) byId.set(id, el);
  }
  const signed: SignedRange[] = [];
  for (const signature of Array.from(doc.getElementsByTagNameNS(DSIG, 'Signature'))) {
    for (const ref of Array.from(signature.getElementsByTagNameNS(DSIG, 'Reference'))) {
      const uri = ref.getAttribute('URI') ?? '';
      const target = uri.startsWith('#') ? byId.get(uri.slice(1)) : uri === '' ? doc.documentElement : undefined;
      if (target === undefined || target === null) continue;
      const startLine = printer.starts.get(target);
      const endLine = printer.ends.get(target);
      if (startLine === undefined || endLine === undefined) continue;
      signed.push({
        element: target.tagName,
        id: idOf(target) ?? '',
        startLine,
        endLine,
        signatureLine: printer.starts.get(signature) ?? null,
      });
    }
  }
  signed.sort((a, b) => a.startLine - b.startLine);
  return { text: printer.out.join('\n'), signed };
}

/** Returns the indented XML, or the input unchanged when it does not parse. */
export function prettyXml(xml: string, indent = '  '): string {
  return prettyXmlWithSignatures(xml, indent).text;
}
