// Property-based fuzzing: mutate valid signed responses (values, NameID, attributes, element order, element
// moves, comments) and check that the verifier never crashes and never accepts a value that differs from the one
// the IdP signed; then replay a sample through the real listener and check it still serves a valid login.
import { DOMParser, XMLSerializer } from '@xmldom/xmldom';
import fc from 'fast-check';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import type { Attribute } from '../../contract/index.ts';
import { createLab } from '../lab.ts';
import type { KeyPair } from '../sp/keys.ts';
import { ALICE, NOW, b64, idpMetadataXml, makeKeyPair, signResponse, trustedIdp, verifyInput } from '../testing/test-idp.ts';
import type { SigningMode } from '../demo-idp/response-builder.ts';
import type { TrustedIdp } from './context.ts';
import { verifyResponse } from './verify.ts';

let keys: KeyPair;
let idp: TrustedIdp;
const signed = new Map<SigningMode, string>();

beforeAll(async () => {
  keys = await makeKeyPair('Fuzz IdP');
  idp = trustedIdp(keys);
  for (const mode of ['both', 'assertion', 'response'] as const) signed.set(mode, await signResponse(keys, { signing: mode }));
});

type Mutation =
  | { kind: 'text'; el: number; value: string }
  | { kind: 'attr'; el: number; name: string; value: string }
  | { kind: 'remove'; el: number }
  | { kind: 'duplicate'; el: number }
  | { kind: 'move'; el: number; to: number }
  | { kind: 'swap'; el: number }
  | { kind: 'comment'; el: number };

const value = fc.oneof(fc.constantFrom('admin@example.com', 'Evil', 'alice@example.com', '', '_x', 'urn:test:sp'), fc.string({ maxLength: 12 }));
const mutation: fc.Arbitrary<Mutation> = fc.oneof(
  fc.record({ kind: fc.constant('text' as const), el: fc.nat(), value }),
  fc.record({ kind: fc.constant('attr' as const), el: fc.nat(), name: fc.constantFrom('ID', 'Destination', 'Recipient', 'NotOnOrAfter', 'Name', 'Format', 'URI', 'InResponseTo'), value }),
  fc.record({ kind: fc.constant('remove' as const), el: fc.nat() }),
  fc.record({ kind: fc.constant('duplicate' as const), el: fc.nat() }),
  fc.record({ kind: fc.constant('move' as const), el: fc.nat(), to: fc.nat() }),
  fc.record({ kind: fc.constant('swap' as const), el: fc.nat() }),
  fc.record({ kind: fc.constant('comment' as const), el: fc.nat() }),
);

function mutate(xml: string, mutations: Mutation[]): string {
  const doc = new DOMParser().parseFromString(xml, 'text/xml') as unknown as Document;
  for (const m of mutations) {
    const all = Array.from(doc.getElementsByTagName('*') as unknown as ArrayLike<Element>);
    const el = all[m.el % all.length]!;
    const parent = el.parentNode as Element | null;
    switch (m.kind) {
      case 'text':
        if (el.childNodes.length <= 1) el.textContent = m.value;
        break;
      case 'attr':
        el.setAttribute(m.name, m.value);
        break;
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

const normalized = (attrs: Attribute[]): [string, string[]][] => attrs.map((a) => [a.name, a.values]);
const signedAttributes = (): [string, string[]][] => Object.entries(ALICE.attributes);

describe('fuzzing the verifier', () => {
  it('never crashes and never accepts a value the IdP did not sign', () => {
    let accepted = 0;
    fc.assert(
      fc.property(fc.constantFrom<SigningMode>('both', 'assertion', 'response'), fc.array(mutation, { minLength: 1, maxLength: 3 }), (mode, mutations) => {
        const xml = mutate(signed.get(mode)!, mutations);
        const result = verifyResponse(verifyInput(b64(xml), [idp]));
        expect(result.checks.length).toBeGreaterThan(0);
        if (result.verdict === 'accepted') {
          accepted++;
          expect(result.nameId).toBe(ALICE.nameId);
          expect(normalized(result.attributes)).toEqual(signedAttributes());
        }
      }),
      { numRuns: 300, seed: 20301 },
    );
    // Some mutations (outside what is signed, e.g. an extra comment in the envelope) are harmless and accepted:
    // the property is about what gets read, not about rejecting everything.
    expect(accepted).toBeGreaterThan(0);
  });

  it('never crashes on truncated or bit-flipped input', () => {
    const base = b64(signed.get('both')!);
    fc.assert(
      fc.property(fc.nat(), fc.nat(), fc.boolean(), (cut, flip, truncate) => {
        const bytes = Buffer.from(base, 'base64');
        const input = truncate ? bytes.subarray(0, cut % bytes.length) : Buffer.from(bytes.map((b, i) => (i === flip % bytes.length ? b ^ 0x20 : b)));
        const result = verifyResponse(verifyInput(input.toString('base64'), [idp]));
        if (result.verdict === 'accepted') {
          expect(result.nameId).toBe(ALICE.nameId);
          expect(normalized(result.attributes)).toEqual(signedAttributes());
        }
      }),
      { numRuns: 200, seed: 4242 },
    );
  });

  it('keeps the listener serving through a burst of mutated posts', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'jitlab-fuzz-'));
    const lab = await createLab({ mode: 'browser', dataDir: dir, resourcesDir: resolve(import.meta.dirname, '../../../resources'), port: 0, clock: () => NOW, idpMetadataXml: idpMetadataXml(keys) });
    try {
      const acs = `${lab.url}/saml/acs`;
      const samples = fc.sample(fc.array(mutation, { minLength: 1, maxLength: 3 }), { numRuns: 40, seed: 7 });
      const statuses = await Promise.all(
        samples.map(async (mutations) => {
          const xml = mutate(await signResponse(keys, { spEntityId: 'urn:saml-jit-lab:sp', acsUrl: acs }), mutations);
          const res = await fetch(acs, { method: 'POST', headers: { 'Content-Type': 'application/x-www-form-urlencoded' }, body: new URLSearchParams({ SAMLResponse: b64(xml) }).toString() });
          await res.text();
          return res.status;
        }),
      );
      expect(statuses.every((s) => s === 200 || s === 403)).toBe(true);
      const good = await signResponse(keys, { spEntityId: 'urn:saml-jit-lab:sp', acsUrl: acs });
      const res = await fetch(acs, { method: 'POST', headers: { 'Content-Type': 'application/x-www-form-urlencoded' }, body: new URLSearchParams({ SAMLResponse: b64(good) }).toString() });
      expect(res.status).toBe(200);
      const accounts = await lab.handle('accounts.list', {});
      expect(accounts.ok && (accounts.value as { principal: string }[]).map((a) => a.principal)).toEqual(['alice@example.com']);
    } finally {
      await lab.close();
      await rm(dir, { recursive: true, force: true });
    }
  });
});
