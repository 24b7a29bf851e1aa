// DomSignedXml (element lookups by DOM walk) against xml-crypto's own SignedXml (XPath lookups): on thousands of
// mutated signed responses — values, IDs (duplicated, moved, on namespace declarations, under another prefix),
// elements removed, duplicated, moved and swapped, comments, and the signature-wrapping shapes — every signature
// gets the same outcome from both (result or error message, signed bytes, per-reference errors, reference XPath,
// ancestor namespaces), and the verifier gives the same verdict and the same checks (id and status) with either.
import { DOMParser, XMLSerializer } from '@xmldom/xmldom';
import fc from 'fast-check';
import { SignedXml } from 'xml-crypto';
import { beforeAll, describe, expect, it, vi } from 'vitest';
import type { KeyPair } from '../sp/keys.ts';
import { b64, makeKeyPair, signResponse, trustedIdp, verifyInput } from '../testing/test-idp.ts';
import type { SigningMode } from '../demo-idp/response-builder.ts';
import { toPem } from '../util/cert.ts';
import { NS } from '../util/xml.ts';
import type { TrustedIdp } from './context.ts';
import { DomSignedXml } from './dom-signed-xml.ts';
import { verifyResponse } from './verify.ts';

let keys: KeyPair;
let idp: TrustedIdp;
let xmlCryptoVerify: typeof verifyResponse;
const signed = new Map<SigningMode, string>();

beforeAll(async () => {
  keys = await makeKeyPair('Differential IdP');
  idp = trustedIdp(keys);
  for (const mode of ['both', 'assertion', 'response'] as const) signed.set(mode, await signResponse(keys, { signing: mode }));
  // The same verifier with xml-crypto's SignedXml in place of DomSignedXml: the "before".
  vi.resetModules();
  vi.doMock('./dom-signed-xml.ts', () => ({ DomSignedXml: SignedXml }));
  xmlCryptoVerify = (await import('./verify.ts')).verifyResponse;
  vi.doUnmock('./dom-signed-xml.ts');
}, 60_000);

type Mutation =
  | { kind: 'text'; el: number; value: string }
  | { kind: 'attr'; el: number; name: string; value: string }
  | { kind: 'copy-id'; el: number; from: number; name: string }
  | { kind: 'remove'; el: number }
  | { kind: 'duplicate'; el: number }
  | { kind: 'move'; el: number; to: number }
  | { kind: 'swap'; el: number }
  | { kind: 'comment'; el: number }
  | { kind: 'xsw'; variant: number };

const value = fc.oneof(fc.constantFrom('admin@example.com', 'Evil', '', '_x', "it's"), fc.string({ maxLength: 8 }));
const idName = fc.constantFrom('ID', 'Id', 'id', 'xmlns:ID', 'x:ID', 'IDx', 'xmlns:x');
const mutation: fc.Arbitrary<Mutation> = fc.oneof(
  fc.record({ kind: fc.constant('text' as const), el: fc.nat(), value }),
  fc.record({ kind: fc.constant('attr' as const), el: fc.nat(), name: fc.constantFrom('ID', 'Id', 'URI', 'Destination', 'Algorithm'), value }),
  fc.record({ kind: fc.constant('copy-id' as const), el: fc.nat(), from: fc.nat(), name: idName }),
  fc.record({ kind: fc.constant('remove' as const), el: fc.nat() }),
  fc.record({ kind: fc.constant('duplicate' as const), el: fc.nat() }),
  fc.record({ kind: fc.constant('move' as const), el: fc.nat(), to: fc.nat() }),
  fc.record({ kind: fc.constant('swap' as const), el: fc.nat() }),
  fc.record({ kind: fc.constant('comment' as const), el: fc.nat() }),
  fc.record({ kind: fc.constant('xsw' as const), variant: fc.nat(7) }),
);

const elementsOf = (doc: Document): Element[] => Array.from(doc.getElementsByTagName('*') as unknown as ArrayLike<Element>);
const childNamed = (el: Element, local: string): Element | undefined =>
  Array.from(el.childNodes as unknown as ArrayLike<Node>).find((n) => n.nodeType === 1 && (n as Element).localName === local) as Element | undefined;

/** The signature-wrapping shapes (XSW1–XSW8 style): a forged copy next to, around or inside the signed original. */
function xsw(doc: Document, variant: number): void {
  const response = doc.documentElement;
  const assertion = doc.getElementsByTagNameNS(NS.saml, 'Assertion')[0] as Element | undefined;
  const parent = assertion?.parentNode as Element | null | undefined;
  if (!assertion || !parent || parent.nodeType !== 1) return;
  const evil = (el: Element): Element => {
    for (const n of Array.from(el.getElementsByTagNameNS(NS.saml, 'NameID') as unknown as ArrayLike<Element>)) n.textContent = 'admin@example.com';
    return el;
  };
  const copy = (el: Element): Element => el.cloneNode(true) as Element;
  switch (variant) {
    case 0: // forged Response, the original inside its Signature
      childNamed(response, 'Signature')?.appendChild(copy(response));
      evil(response).setAttribute('ID', '_evil');
      break;
    case 1: // forged Response, the original before it
      response.insertBefore(copy(response), response.firstChild);
      evil(response).setAttribute('ID', '_evil');
      break;
    case 2: // forged assertion before the signed one
      parent.insertBefore(evil(copy(assertion)), assertion);
      break;
    case 3: // forged assertion after, same ID
      parent.insertBefore(evil(copy(assertion)), assertion.nextSibling);
      break;
    case 4: // original inside the forged assertion's Signature
      {
        const forged = evil(copy(assertion));
        forged.setAttribute('ID', '_forged');
        childNamed(forged, 'Signature')?.appendChild(assertion);
        response.appendChild(forged);
      }
      break;
    case 5: // forged assertion wrapping the original
      {
        const forged = evil(copy(assertion));
        forged.setAttribute('ID', '_forged');
        forged.appendChild(assertion);
        response.appendChild(forged);
      }
      break;
    case 6: // original moved into an Extensions element, forged one in its place
      {
        const ext = doc.createElementNS(NS.samlp, 'samlp:Extensions');
        parent.insertBefore(ext, assertion);
        const forged = evil(copy(assertion));
        parent.replaceChild(forged, assertion);
        ext.appendChild(assertion);
      }
      break;
    default: // forged copy with the ID under another attribute name
      {
        const forged = evil(copy(assertion));
        forged.setAttribute('Id', assertion.getAttribute('ID') ?? '');
        forged.removeAttribute('ID');
        response.appendChild(forged);
      }
  }
}

function mutate(xml: string, mutations: Mutation[]): string {
  const doc = new DOMParser().parseFromString(xml, 'text/xml') as unknown as Document;
  for (const m of mutations) {
    const all = elementsOf(doc);
    if (m.kind === 'xsw') {
      xsw(doc, m.variant);
      continue;
    }
    const el = all[m.el % all.length]!;
    const parent = el.parentNode as Element | null;
    switch (m.kind) {
      case 'text':
        if (el.childNodes.length <= 1) el.textContent = m.value;
        break;
      case 'attr':
        el.setAttribute(m.name, m.value);
        break;
      case 'copy-id': {
        const from = all[m.from % all.length]!;
        const id = from.getAttribute('ID') ?? from.getAttribute('Id') ?? '_none';
        if (m.name === 'x:ID') el.setAttributeNS('urn:x', 'x:ID', id);
        else el.setAttribute(m.name, id);
        break;
      }
      case 'remove':
        if (parent && parent.nodeType === 1) parent.removeChild(el);
        break;
      case 'duplicate':
        if (parent && parent.nodeType === 1) parent.insertBefore(el.cloneNode(true), el.nextSibling);
        break;
      case 'move': {
        const target = all[m.to % all.length]!;
        let ancestor: Node | null = target;
        while (ancestor && ancestor !== el) ancestor = ancestor.parentNode;
        if (!ancestor && parent && parent.nodeType === 1) target.appendChild(el);
        break;
      }
      case 'swap': {
        let next = el.nextSibling;
        while (next && next.nodeType !== 1) next = next.nextSibling;
        if (next && parent) parent.insertBefore(next, el);
        break;
      }
      case 'comment':
        el.insertBefore(doc.createComment(' c '), el.firstChild);
        break;
    }
  }
  return new XMLSerializer().serializeToString(doc as unknown as Node);
}

interface RefView {
  xpath?: string;
  validationError?: Error;
  ancestorNamespaces?: unknown;
}

/** Everything a signature check tells its caller, from one SignedXml class. */
function outcome(Verifier: typeof SignedXml, xml: string, index: number): unknown {
  const doc = new DOMParser().parseFromString(xml, 'text/xml') as unknown as Document;
  const sig = doc.getElementsByTagNameNS(NS.ds, 'Signature')[index] as Element;
  const verifier = new Verifier({ publicCert: toPem(idp.certificates[0]!.base64), getCertFromKeyInfo: () => null });
  try {
    verifier.loadSignature(sig);
    const ok = verifier.checkSignature(xml);
    const refs = verifier.getReferences() as unknown as RefView[];
    return {
      ok,
      signed: verifier.getSignedReferences(),
      refs: refs.map((r) => ({ xpath: r.xpath ?? null, error: r.validationError?.message ?? null, ns: r.ancestorNamespaces ?? null })),
    };
  } catch (error) {
    return { threw: error instanceof Error ? error.message : String(error) };
  }
}

const verdictOf = (verify: typeof verifyResponse, xml: string): unknown => {
  const r = verify(verifyInput(b64(xml), [idp]));
  return { verdict: r.verdict, checks: r.checks.map((c) => `${c.id}:${c.status}`), nameId: r.nameId, attributes: r.attributes };
};

describe('DomSignedXml is xml-crypto SignedXml with faster lookups', () => {
  const samples = (runs: number, seed: number): [SigningMode, Mutation[]][] =>
    fc.sample(fc.tuple(fc.constantFrom<SigningMode>('both', 'assertion', 'response'), fc.array(mutation, { minLength: 1, maxLength: 3 })), { numRuns: runs, seed });

  it('gives every signature of 1,000 mutated responses the same outcome', () => {
    let signatures = 0;
    let valid = 0;
    for (const [mode, mutations] of samples(1000, 811)) {
      const xml = mutate(signed.get(mode)!, mutations);
      const count = new DOMParser().parseFromString(xml, 'text/xml').getElementsByTagNameNS(NS.ds, 'Signature').length;
      for (let i = 0; i < count; i++) {
        const before = outcome(SignedXml, xml, i);
        expect(outcome(DomSignedXml, xml, i), xml).toEqual(before);
        signatures++;
        if ((before as { ok?: boolean }).ok === true) valid++;
      }
    }
    // Both kinds of outcome were exercised.
    expect(signatures).toBeGreaterThan(1000);
    expect(valid).toBeGreaterThan(100);
    expect(signatures - valid).toBeGreaterThan(100);
  }, 120_000);

  it('gives 2,000 mutated responses the same verdict and the same checks through the verifier', () => {
    const verdicts = new Set<string>();
    for (const [mode, mutations] of samples(2000, 4711)) {
      const xml = mutate(signed.get(mode)!, mutations);
      const before = verdictOf(xmlCryptoVerify, xml);
      expect(verdictOf(verifyResponse, xml), xml).toEqual(before);
      verdicts.add((before as { verdict: string }).verdict);
    }
    expect([...verdicts].sort()).toEqual(['accepted', 'rejected']);
  }, 120_000);

  it('refuses the same way on IDs under other names, on namespace declarations and with quotes', () => {
    const base = signed.get('both')!;
    const assertionId = /<saml:Assertion[^>]* ID="([^"]+)"/.exec(base)![1]!;
    const cases = [
      base.replace(`<saml:Assertion `, `<saml:Assertion Id="${assertionId}" `),
      base.replace(`<saml:Assertion `, `<saml:Assertion xmlns:ID="${assertionId}" `),
      base.replace(`<saml:Assertion `, `<saml:Assertion xmlns:x="urn:x" x:ID="${assertionId}" `),
      base.replace(`<saml:Issuer`, `<saml:Issuer id="${assertionId}"`),
      base.replaceAll(`#${assertionId}`, `#${assertionId}'`),
      base.replaceAll(`URI="#${assertionId}"`, 'URI=""'),
    ];
    for (const xml of cases) {
      for (let i = 0; i < 2; i++) expect(outcome(DomSignedXml, xml, i)).toEqual(outcome(SignedXml, xml, i));
      expect(verdictOf(verifyResponse, xml)).toEqual(verdictOf(xmlCryptoVerify, xml));
    }
  });
});
