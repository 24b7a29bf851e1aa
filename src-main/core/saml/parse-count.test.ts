// How many times one verification parses the posted document (issue 19: "parse each posted document once").
// Every @xmldom parse in the process goes through DOMParser.prototype.parseFromString (ours in util/xml.ts and
// xml-crypto's alike), and every libxml2 parse for the schema through XmlDocument.fromBuffer, so spies on both see
// them all.
//
// The honest minimum for a response whose signatures verify is two @xmldom parses of SAML content: the posted text
// once (both signatures are verified on that Document) and the bytes a valid signature covers once, because the
// checks read the signed bytes themselves, never the posted tree (analyze-response.ts says why). libxml2 parses the
// text once more for the schema: it is a separate C parser in WebAssembly and cannot validate an @xmldom tree.
// Before this change the same response took five @xmldom parses: ours, xml-crypto's own for each of the two
// signatures, and one per signed piece (Response and Assertion).
import { DOMParser } from '@xmldom/xmldom';
import { XmlDocument } from 'libxml2-wasm';
import { afterEach, beforeAll, describe, expect, it, vi } from 'vitest';
import type { KeyPair } from '../sp/keys.ts';
import { b64, makeKeyPair, signResponse, trustedIdp, verifyInput } from '../testing/test-idp.ts';
import type { TrustedIdp } from './context.ts';
import { verifyResponse } from './verify.ts';

let idpKeys: KeyPair;
let spKeys: KeyPair;
let idp: TrustedIdp;

beforeAll(async () => {
  [idpKeys, spKeys] = await Promise.all([makeKeyPair('Test IdP'), makeKeyPair('Test SP')]);
  idp = trustedIdp(idpKeys);
  // The first verification compiles the XSDs (libxml2 parses the schema documents once per process).
  verifyResponse(verifyInput(b64(await signResponse(idpKeys)), [idp]));
});

afterEach(() => {
  vi.restoreAllMocks();
});

/** Verifies one posted response and returns the texts @xmldom parsed and how many documents libxml2 parsed. */
function parsesOf(run: () => ReturnType<typeof verifyResponse>): { verdict: string; nameId: string | null; xmldom: string[]; libxml2: number } {
  const xmldom = vi.spyOn(DOMParser.prototype, 'parseFromString');
  const libxml2 = vi.spyOn(XmlDocument, 'fromBuffer');
  const result = run();
  return { verdict: result.verdict, nameId: result.nameId, xmldom: xmldom.mock.calls.map((c) => String(c[0])), libxml2: libxml2.mock.calls.length };
}

/** Parses of SAML content: text holding the signed NameID (the small canonical SignedInfo texts xml-crypto parses do not). */
const samlContent = (texts: string[]): string[] => texts.filter((t) => t.includes('alice@example.com'));

describe('one verification parses the posted document once', () => {
  it('Response and Assertion signed: the posted text once, the signed bytes once, libxml2 once', async () => {
    const xml = await signResponse(idpKeys, { signing: 'both' });
    const seen = parsesOf(() => verifyResponse(verifyInput(b64(xml), [idp])));
    expect([seen.verdict, seen.nameId]).toEqual(['accepted', 'alice@example.com']);
    expect(seen.xmldom.filter((t) => t === xml)).toHaveLength(1);
    expect(samlContent(seen.xmldom)).toHaveLength(2);
    expect(seen.libxml2).toBe(1);
  });

  it.each(['assertion', 'response'] as const)('signed on the %s only: the same two parses', async (signing) => {
    const xml = await signResponse(idpKeys, { signing });
    const seen = parsesOf(() => verifyResponse(verifyInput(b64(xml), [idp])));
    expect([seen.verdict, seen.nameId]).toEqual(['accepted', 'alice@example.com']);
    expect(seen.xmldom.filter((t) => t === xml)).toHaveLength(1);
    expect(samlContent(seen.xmldom)).toHaveLength(2);
  });

  it('a forged value: the posted text once, and no signed bytes to parse', async () => {
    const xml = (await signResponse(idpKeys, { signing: 'both' })).replace('>Anderson<', '>Mallory<');
    const seen = parsesOf(() => verifyResponse(verifyInput(b64(xml), [idp])));
    expect(seen.verdict).toBe('rejected');
    expect(seen.xmldom.filter((t) => t === xml)).toHaveLength(1);
    expect(samlContent(seen.xmldom)).toHaveLength(1);
  });

  it('an encrypted assertion: the posted text once (the inspector copy reuses it), the plaintext once, its signed bytes once', async () => {
    const xml = await signResponse(idpKeys, { encryptFor: { certificatePem: spKeys.certificatePem } });
    const seen = parsesOf(() => verifyResponse({ ...verifyInput(b64(xml), [idp]), spPrivateKeyPem: spKeys.privateKeyPem }));
    expect([seen.verdict, seen.nameId]).toEqual(['accepted', 'alice@example.com']);
    expect(seen.xmldom.filter((t) => t === xml)).toHaveLength(1);
    expect(samlContent(seen.xmldom)).toHaveLength(2);
  });
});
