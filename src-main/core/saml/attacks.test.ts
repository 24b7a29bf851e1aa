// The attack suite, generated at test time with our own test IdP key and posted to the real ACS. Each attack
// must be rejected with a named check and leave the store as it was. XSW1–XSW8 follow Somorovsky et al., "On
// Breaking SAML: Be Whoever You Want to Be" (2012), as SAML Raider builds them.
import { DOMParser, XMLSerializer } from '@xmldom/xmldom';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import type { Account, LoginDetail, LoginSummary } from '../../contract/index.ts';
import type { ResponseSpec } from '../demo-idp/response-builder.ts';
import type { Lab } from '../host.ts';
import { createLab } from '../lab.ts';
import type { KeyPair } from '../sp/keys.ts';
import { IDP_ENTITY_ID, NOW, b64, idpMetadataXml, makeKeyPair, signResponse } from '../testing/test-idp.ts';
import { XSW_TITLES, XSW_VARIANTS, wrapSignature, xswSigning } from '../sp-test/xsw.ts';
import { NS } from '../util/xml.ts';

let lab: Lab;
let dir: string;
let idpKeys: KeyPair;
let attackerKeys: KeyPair;
let clock = NOW;
let baseline: Account[];

async function call<T>(method: string, input: unknown = {}): Promise<T> {
  const result = await lab.handle(method, input);
  if (!result.ok) throw new Error(result.error.message);
  return result.value as T;
}

function sign(spec: Partial<ResponseSpec> = {}): Promise<string> {
  return signResponse(idpKeys, { spEntityId: 'urn:saml-jit-lab:sp', acsUrl: `${lab.url}/saml/acs`, now: clock, ...spec });
}

async function post(xml: string | null, raw?: string): Promise<{ status: number; login: LoginDetail }> {
  const res = await fetch(`${lab.url}/saml/acs`, {
    method: 'POST',
    headers: { 'Content-Type': 'application/x-www-form-urlencoded' },
    body: raw ?? new URLSearchParams({ SAMLResponse: b64(xml ?? '') }).toString(),
  });
  await res.text();
  const [latest] = await call<LoginSummary[]>('logins.list', { limit: 1 });
  return { status: res.status, login: await call<LoginDetail>('logins.get', { id: latest!.id }) };
}

const failedIds = (login: LoginDetail): string[] => login.checks.filter((c) => c.status === 'fail').map((c) => c.id);

function wrap(xml: string, attack: (doc: Document, response: Element, assertion: Element) => void): string {
  const doc = new DOMParser().parseFromString(xml, 'text/xml') as unknown as Document;
  const response = doc.documentElement;
  const assertion = doc.getElementsByTagNameNS(NS.saml, 'Assertion')[0] as Element;
  attack(doc, response, assertion);
  return new XMLSerializer().serializeToString(doc as unknown as Node);
}

beforeAll(async () => {
  [idpKeys, attackerKeys] = await Promise.all([makeKeyPair('Test IdP'), makeKeyPair('Attacker')]);
  dir = await mkdtemp(join(tmpdir(), 'jitlab-attacks-'));
  lab = await createLab({
    mode: 'browser',
    dataDir: dir,
    resourcesDir: resolve(import.meta.dirname, '../../../resources'),
    port: 0,
    clock: () => clock,
    idpMetadataXml: idpMetadataXml(idpKeys),
  });
  // A legitimate first login, so that "nothing changed" is a real claim about alice's account.
  const first = await post(await sign());
  expect(first.login.verdict).toBe('accepted');
});

afterAll(async () => {
  await lab.close();
  await rm(dir, { recursive: true, force: true });
});

beforeEach(async () => {
  clock = new Date(clock.getTime() + 1000);
  baseline = await call<Account[]>('accounts.list');
});

async function expectRejected(xml: string | null, checkId: string, raw?: string): Promise<LoginDetail> {
  const { status, login } = await post(xml, raw);
  expect(login.verdict).toBe('rejected');
  expect(failedIds(login)).toContain(checkId);
  expect(status).toBeGreaterThanOrEqual(400);
  expect(login.nameId).not.toBe('admin@example.com');
  expect(login.attributes.flatMap((a) => a.values)).not.toContain('Evil');
  expect(await call<Account[]>('accounts.list')).toEqual(baseline);
  return login;
}

describe('XML signature wrapping (XSW1–XSW8)', () => {
  // The same XSW shapes the test-your-SP suite posts to other SPs (sp-test/xsw.ts): the forged copy names admin.
  it.each(XSW_VARIANTS.map((v) => [XSW_TITLES[v], v] as const))('%s', async (_title, variant) => {
    const xml = wrapSignature(await sign({ signing: xswSigning(variant) }), variant, 'alice@example.com', 'admin@example.com');
    expect(xml).toContain('admin@example.com');
    await expectRejected(xml, 'xml.single-assertion');
  });

  it('a signed Response whose signature points at a forged sibling ID (reference not enveloping)', async () => {
    const xml = wrap(await sign({ signing: 'response' }), (_doc, response) => {
      const reference = response.getElementsByTagNameNS(NS.ds, 'Reference')[0] as Element;
      reference.setAttribute('URI', '#_elsewhere');
    });
    await expectRejected(xml, 'signature.valid');
  });
});

describe('keys and signatures', () => {
  it('refuses hundreds of bogus signatures without checking them (no CPU stall), and keeps serving', async () => {
    const bogus = Array.from({ length: 300 }, (_, i) =>
      `<saml:Advice><saml:Assertion ID="_b${i}" Version="2.0" IssueInstant="2030-06-01T12:00:00Z"><saml:Issuer>x</saml:Issuer><ds:Signature xmlns:ds="http://www.w3.org/2000/09/xmldsig#"><ds:SignedInfo><ds:CanonicalizationMethod Algorithm="http://www.w3.org/2001/10/xml-exc-c14n#"/><ds:SignatureMethod Algorithm="http://www.w3.org/2001/04/xmldsig-more#rsa-sha256"/><ds:Reference URI="#_b${i}"><ds:DigestMethod Algorithm="http://www.w3.org/2001/04/xmlenc#sha256"/><ds:DigestValue>AAAA</ds:DigestValue></ds:Reference></ds:SignedInfo><ds:SignatureValue>AAAA</ds:SignatureValue></ds:Signature></saml:Assertion></saml:Advice>`,
    ).join('');
    const xml = (await sign()).replace('</saml:Issuer><ds:Signature', `</saml:Issuer>${bogus}<ds:Signature`);
    const started = Date.now();
    const login = await expectRejected(xml, 'signature.valid');
    expect(Date.now() - started).toBeLessThan(5_000);
    expect(login.checks.find((c) => c.id === 'signature.valid')?.received).toMatch(/^\d+ signatures in one response/);
  });


  it('rejects key substitution: signed by the attacker with the attacker certificate in KeyInfo', async () => {
    const forged = await signResponse(attackerKeys, { idpEntityId: IDP_ENTITY_ID, spEntityId: 'urn:saml-jit-lab:sp', acsUrl: `${lab.url}/saml/acs`, now: clock, nameId: 'admin@example.com' });
    const login = await expectRejected(forged, 'signature.cert-in-metadata');
    // Both possibilities are said, and how to tell them apart: never "reload the metadata" alone (trusting a forgery).
    const hint = login.checks.find((c) => c.id === 'signature.cert-in-metadata')?.hint ?? '';
    expect(hint).toMatch(/rolled over .* or the response was forged/);
    expect(hint).toContain('never from this response');
    expect(login.checks.find((c) => c.id === 'signature.valid')?.status).toBe('fail');
  });

  it('rejects a signature by the attacker key with the trusted certificate copied into KeyInfo', async () => {
    const forged = (await signResponse(attackerKeys, { idpEntityId: IDP_ENTITY_ID, spEntityId: 'urn:saml-jit-lab:sp', acsUrl: `${lab.url}/saml/acs`, now: clock })).replaceAll(
      /<ds:X509Certificate>[^<]+<\/ds:X509Certificate>/g,
      `<ds:X509Certificate>${idpKeys.certificatePem.replace(/-----[^-]+-----|\s+/g, '')}</ds:X509Certificate>`,
    );
    await expectRejected(forged, 'signature.valid');
  });

  it('rejects a response with its signatures stripped', async () => {
    const stripped = (await sign()).replace(/<ds:Signature[\s\S]*?<\/ds:Signature>/g, '');
    await expectRejected(stripped, 'signature.valid');
  });

  it('rejects a value tampered after signing', async () => {
    await expectRejected((await sign()).replace('>Anderson<', '>Evil<'), 'signature.valid');
  });
});

describe('comment injection (CVE-2018-7340 family)', () => {
  it('reads a commented NameID whole: the attacker gets their own account, never alice\'s', async () => {
    const xml = (await sign({ nameId: 'alice@example.com.evil.example', attributes: { email: ['alice@example.com.evil.example'], sn: ['Mallory'] } })).replace(
      '>alice@example.com.evil.example<',
      '>alice@example.com<!---->.evil.example<',
    );
    const { login } = await post(xml);
    expect(login.verdict).toBe('accepted');
    expect(login.nameId).toBe('alice@example.com.evil.example');
    expect(login.checks.find((c) => c.id === 'xml.comment-in-value')?.status).toBe('warn');
    const alice = (await call<Account[]>('accounts.list')).find((a) => a.principal === 'alice@example.com');
    expect(alice).toEqual(baseline.find((a) => a.principal === 'alice@example.com'));
  });

  it('reads a commented attribute value whole', async () => {
    const xml = (await sign({ attributes: { email: ['admin@corp.example.evil.example'], sn: ['Anderson'] } })).replace(
      '>admin@corp.example.evil.example<',
      '>admin@corp.example<!-- -->.evil.example<',
    );
    const { login } = await post(xml);
    expect(login.attributes.find((a) => a.name === 'email')?.values).toEqual(['admin@corp.example.evil.example']);
    expect(login.checks.find((c) => c.id === 'xml.comment-in-value')).toMatchObject({ status: 'warn' });
  });
});

describe('entity expansion and structure', () => {
  it('rejects a DOCTYPE with an external entity (XXE) before parsing', async () => {
    const xml = `<!DOCTYPE r [<!ENTITY xxe SYSTEM "file:///etc/passwd">]>${(await sign()).replace('>Anderson<', '>&xxe;<')}`;
    await expectRejected(xml, 'xml.doctype');
  });

  it('rejects billion laughs before expanding anything', async () => {
    const lol = '<!DOCTYPE lolz [<!ENTITY lol "lol"><!ENTITY lol2 "&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;"><!ENTITY lol3 "&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;"><!ENTITY lol4 "&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;">]>';
    await expectRejected(`${lol}${(await sign()).replace('>Anderson<', '>&lol4;<')}`, 'xml.doctype');
  });

  it('rejects two signed assertions', async () => {
    const a = await sign({ signing: 'assertion' });
    const b = await sign({ signing: 'assertion', nameId: 'admin@example.com' });
    const second = b.match(/<saml:Assertion[\s\S]*<\/saml:Assertion>/)![0];
    await expectRejected(a.replace('</samlp:Response>', `${second}</samlp:Response>`), 'xml.single-assertion');
  });
});

describe('protocol', () => {
  it.each([
    ['wrong audience', { overrides: { audience: 'https://other-sp.example' } }, 'audience'],
    ['wrong destination', { overrides: { destination: 'https://other-sp.example/acs' } }, 'destination'],
    ['wrong recipient', { overrides: { recipient: 'https://other-sp.example/acs' } }, 'subject-confirmation.recipient'],
    ['wrong assertion issuer', { overrides: { issuer: 'https://rogue.example' } }, 'issuer.known'],
    ['failure status with a signed assertion', { overrides: { statusCode: 'urn:oasis:names:tc:SAML:2.0:status:Responder' } }, 'status.success'],
  ] as const)('rejects %s', async (_name, spec, checkId) => {
    await expectRejected(await sign(spec as Partial<ResponseSpec>), checkId);
  });

  it('rejects an expired response', async () => {
    await expectRejected(await sign({ now: new Date(clock.getTime() - 2 * 3600_000) }), 'conditions.time-window');
  });

  it('rejects a not-yet-valid response', async () => {
    await expectRejected(await sign({ now: new Date(clock.getTime() + 3600_000) }), 'conditions.time-window');
  });

  it('rejects a replay, also after a restart', async () => {
    const xml = await sign({ attributes: { sn: ['Anderson'], email: ['alice@example.com'] } });
    expect((await post(xml)).login.verdict).toBe('accepted');
    baseline = await call<Account[]>('accounts.list');
    await expectRejected(xml, 'replay');
    // The replay cache is in the store: a restarted lab still refuses it.
    const port = Number(new URL(lab.url).port);
    await lab.close();
    lab = await createLab({ mode: 'browser', dataDir: dir, resourcesDir: resolve(import.meta.dirname, '../../../resources'), port, clock: () => clock });
    await expectRejected(xml, 'replay');
  });

  it('rejects a 5 MB body without reading it, and keeps serving', async () => {
    const { login, status } = await post(null, `SAMLResponse=${'A'.repeat(5 * 1024 * 1024)}`);
    expect(status).toBe(413);
    expect(failedIds(login)).toEqual(['request.body-size']);
    expect(await call<Account[]>('accounts.list')).toEqual(baseline);
    expect((await post(await sign())).login.verdict).toBe('accepted');
  });
});
