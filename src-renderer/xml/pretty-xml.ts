// Indents XML for reading. The signature was computed over the original bytes; this is display only.

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

function render(node: Node, depth: number, out: string[], indent: string): void {
  const pad = indent.repeat(depth);
  switch (node.nodeType) {
    case Node.ELEMENT_NODE: {
      const el = node as Element;
      const children = Array.from(el.childNodes).filter(
        (c) => !(c.nodeType === Node.TEXT_NODE && (c.nodeValue ?? '').trim() === ''),
      );
      if (children.length === 0) {
        out.push(`${pad}${openTag(el)}/>`);
        return;
      }
      const only = children[0];
      if (children.length === 1 && only !== undefined && only.nodeType === Node.TEXT_NODE) {
        out.push(`${pad}${openTag(el)}>${escapeText((only.nodeValue ?? '').trim())}</${el.tagName}>`);
        return;
      }
      out.push(`${pad}${openTag(el)}>`);
      for (const child of children) render(child, depth + 1, out, indent);
      out.push(`${pad}</${el.tagName}>`);
      return;
    }
    case Node.TEXT_NODE:
      out.push(`${pad}${escapeText((node.nodeValue ?? '').trim())}`);
      return;
    case Node.CDATA_SECTION_NODE:
      out.push(`${pad}<![CDATA[${node.nodeValue ?? ''}]]>`);
      return;
    case Node.COMMENT_NODE:
      out.push(`${pad}<!--${node.nodeValue ?? ''}-->`);
      return;
    case Node.PROCESSING_INSTRUCTION_NODE: {
      const pi = node as ProcessingInstruction;
      out.push(`${pad}<?${pi.target} ${pi.data}?>`);
      return;
    }
    default:
      return;
  }
}

/** Returns the indented XML, or the input unchanged when it does not parse. */
export function prettyXml(xml: string, indent = '  '): string {
  const doc = new DOMParser().parseFromString(xml, 'application/xml');
  if (doc.getElementsByTagName('parsererror').length > 0) return xml;
  const out: string[] = [];
  const decl = /^\s*<\?xml[^?]*\?>/.exec(xml);
  if (decl !== null) out.push(decl[0].trim());
  for (const child of Array.from(doc.childNodes)) render(child, 0, out, indent);
  return out.join('\n');
}
