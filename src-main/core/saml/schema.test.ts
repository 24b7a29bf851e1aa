// The schema check gives the answer samlify-validator-js's xmllint gave before it was replaced for speed: the same
// verdict on every input, and the same first message (libxml2 versions differ in a few parser wordings, listed).
import { DOMParser, XMLSerializer } from '@xmldom/xmldom';
import { existsSync, readFileSync, readdirSync } from 'node:fs';
import { createRequire } from 'node:module';
import { resolve } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { makeKeyPair, signResponse } from '../testing/test-idp.ts';
import { schemaProblem } from './schema.ts';

const requireCjs = createRequire(import.meta.url);
const CORPUS = resolve(import.meta.dirname, '../../../../shared/corpus/responses');

/** The previous implementation, kept here as the oracle. Its module replaces its own exports when first run. */
const base = 'samlify-validator-js/build';
const lint = requireCjs(`${base}/node-xmllint`) as { validateXML(o: { xml: string; schema: string[] }): { errors: string[] | null } };

function xmllintProblem(xml: string): string | null {
  const text = (name: string): string => (requireCjs(`${base}/schemas/${name}`) as { default: string }).default;
  const proto = text('saml-schema-protocol-2.0.xsd').replace('saml-schema-assertion-2.0.xsd', 'file_0.xsd').replace('xmldsig-core-schema.xsd', 'file_1.xsd');
  const assertion = text('saml-schema-assertion-2.0.xsd').replace('xmldsig-core-schema.xsd', 'file_1.xsd').replace('xenc-schema.xsd', 'file_2.xsd');
  const xenc = text('xenc-schema.xsd').replace('xmldsig-core-schema.xsd', 'file_1.xsd');
  const result = lint.validateXML({ xml, schema: [assertion, text('xmldsig-core-schema.xsd'), xenc, proto] });
  if (!result.errors || result.errors.length === 0) return null;
  return result.errors[0]!.replace(/^file_\d+\.xml:\d+:\s*/, '').replace(/\{[^}]+\}/g, '').trim();
}

/** Wordings that changed between the two libxml2 builds; the verdict is the same. */
function sameMeaning(before: string, after: string): boolean {
  if (before === after) return true;
  if (/^parser error : /.test(before) && /^parser error : /.test(after)) return true;
  // Old libxml2 reports a duplicate xs:ID as an ID-table clash, the new one as an invalid xs:ID value.
  if (/validity error : ID \S+ already defined/.test(before) && /is not a valid value of the atomic type 'xs:ID'/.test(after)) return true;
  return false;
}

let bases: string[] = [];

beforeAll(async () => {
  const keys = await makeKeyPair('Schema IdP');
  const sp = await makeKeyPair('Schema SP');
  for (const signing of ['both', 'assertion', 'response', 'none'] as const) bases.push(await signResponse(keys, { signing }));
  bases.push(await signResponse(keys, { encryptFor: { certificatePem: sp.certificatePem } }));
  if (existsSync(CORPUS)) {
    for (const file of readdirSync(CORPUS).sort()) {
      const raw = readFileSync(resolve(CORPUS, file), 'utf8');
      if (file.endsWith('.xml')) bases.push(raw);
      else if (file.endsWith('.b64')) bases.push(Buffer.from(raw.replace(/\s+/g, ''), 'base64').toString('utf8'));
    }
  }
  bases = bases.filter((x) => !/<!DOCTYPE/i.test(x));
});

function mutants(count: number, seed: number): string[] {
  let s = seed;
  const rnd = (): number => {
    s = (s * 1103515245 + 12345) & 0x7fffffff;
    return s / 0x7fffffff;
  };
  const pick = <T,>(list: readonly T[]): T => list[Math.floor(rnd() * list.length)]!;
  const values = ['', 'x', '1abc', '_ok', '2.0', '3.0', 'not a date', '2030-01-01T00:00:00Z', '2030-01-01', 'http://x', ' ', 'true', '-1', 'a b'];
  const attrs = ['ID', 'Version', 'IssueInstant', 'Destination', 'InResponseTo', 'NotBefore', 'NotOnOrAfter', 'Format', 'Method', 'Algorithm', 'URI', 'Name', 'Value', 'Recipient', 'SessionIndex', 'Consent', 'foo', 'xml:lang'];
  const out: string[] = [];
  for (let i = 0; i < count; i++) {
    const doc = new DOMParser().parseFromString(pick(bases), 'text/xml') as unknown as Document;
    for (let k = 1 + Math.floor(rnd() * 3); k > 0; k--) {
      const all = Array.from(doc.getElementsByTagName('*') as unknown as ArrayLike<Element>);
      const el = pick(all);
      const parent = el.parentNode as Element | null;
      switch (Math.floor(rnd() * 9)) {
        case 0:
          el.setAttribute(pick(attrs), pick(values));
          break;
        case 1:
          if (el.attributes.length > 0) el.removeAttribute(el.attributes.item(Math.floor(rnd() * el.attributes.length))!.name);
          break;
        case 2:
          if (parent && parent.nodeType === 1) parent.removeChild(el);
          break;
        case 3:
          if (parent && parent.nodeType === 1) parent.insertBefore(el.cloneNode(true), el.nextSibling);
          break;
        case 4: {
          let next = el.nextSibling;
          while (next && next.nodeType !== 1) next = next.nextSibling;
          if (next && parent) parent.insertBefore(next, el);
          break;
        }
        case 5:
          if (el.childNodes.length <= 1) el.textContent = pick(values);
          break;
        case 6:
          el.appendChild(doc.createElementNS(pick(['urn:oasis:names:tc:SAML:2.0:assertion', 'urn:oasis:names:tc:SAML:2.0:protocol', 'urn:other']), pick(['saml:Foo', 'samlp:Extensions', 'x:Bar', 'saml:Issuer'])));
          break;
        case 7:
          el.setAttribute(pick(['xmlns:zz', 'xmlns:q']), pick(['rel', 'http://ok', 'urn:x', '#frag']));
          break;
        default: {
          const renamed = doc.createElementNS(el.namespaceURI, `${el.prefix ? `${el.prefix}:` : ''}${pick(['Issuer', 'Subject', 'Status', 'Bogus'])}`);
          while (el.firstChild) renamed.appendChild(el.firstChild);
          for (let a = 0; a < el.attributes.length; a++) {
            const at = el.attributes.item(a)!;
            renamed.setAttributeNS(at.namespaceURI, at.name, at.value);
          }
          if (parent) parent.replaceChild(renamed, el);
        }
      }
    }
    out.push(new XMLSerializer().serializeToString(doc));
  }
  return out;
}

describe('schema validation (libxml2-wasm, compiled once)', () => {
  it('accepts what xmllint accepts and rejects what it rejects, with its message', () => {
    const declarations = ['<?xml version="1.0" encoding="UTF-8"?>', '<?xml version="1.0" encoding="ISO-8859-1"?>', '<?xml version="1.0" standalone="yes"?>'];
    const inputs = [...bases, ...declarations.map((d) => d + bases[0]!.replace('Alice', 'Alicé')), ...mutants(80, 7)];
    let rejected = 0;
    for (const xml of inputs) {
      const before = xmllintProblem(xml);
      const after = schemaProblem(xml);
      expect(after === null, `${before ?? 'valid'} vs ${after ?? 'valid'}`).toBe(before === null);
      if (before !== null && after !== null) {
        rejected++;
        expect(sameMeaning(before, after), `${before}\n${after}`).toBe(true);
      }
    }
    expect(rejected).toBeGreaterThan(30);
  });

  it('names the element and the broken rule', () => {
    const bad = bases[0]!.replace(/Version="2\.0"/, 'Version="2.0" Bogus="1"');
    expect(schemaProblem(bad)).toBe("element Response: Schemas validity error : Element 'Response', attribute 'Bogus': The attribute 'Bogus' is not allowed.");
    expect(schemaProblem('<a><b></a>')).toMatch(/^parser error : /);
    expect(schemaProblem(bases[0]!)).toBeNull();
  });

  it('validates a response in well under a millisecond once loaded', () => {
    schemaProblem(bases[0]!);
    const start = performance.now();
    for (let i = 0; i < 50; i++) schemaProblem(bases[i % 4]!);
    // samlify-validator-js took ~14 ms a call on this machine kind; allow a loaded CI box plenty of headroom.
    expect((performance.now() - start) / 50).toBeLessThan(5);
  });
});
