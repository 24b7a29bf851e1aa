// The attributes of an assertion, in document order, as the verdict and the checks see them.
import type { Attribute } from '../../contract/index.ts';
import { NS, attr, childElements, textOf } from '../util/xml.ts';

export function readAttributes(assertion: Element): Attribute[] {
  const out: Attribute[] = [];
  for (const statement of childElements(assertion, NS.saml, 'AttributeStatement')) {
    for (const el of childElements(statement, NS.saml, 'Attribute')) {
      out.push({
        name: attr(el, 'Name') ?? '',
        friendlyName: attr(el, 'FriendlyName'),
        nameFormat: attr(el, 'NameFormat'),
        values: childElements(el, NS.saml, 'AttributeValue').map((v) => textOf(v) ?? ''),
      });
    }
  }
  return out;
}
