// Look-alike identities through the real ACS (issue 13 point 6): signed logins from a trusted IdP whose NameID or
// email only looks like an existing account's are refused with the named check, and no account changes.
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Account, LoginDetail, LoginSummary } from '../../contract/index.ts';
import type { Lab } from '../host.ts';
import { createLab } from '../lab.ts';
import type { KeyPair } from '../sp/keys.ts';
import { NOW, SP_ENTITY_ID, b64, idpMetadataXml, makeKeyPair, signResponse } from '../testing/test-idp.ts';

let dir: string;
let lab: Lab;
let keys: KeyPair;

async function call<T>(method: string, input: unknown = {}): Promise<T> {
  const result = await lab.handle(method, input);
  if (!result.ok) throw new Error(`${method}: ${result.error.message}`);
  return result.value as T;
}

async function post(nameId: string, email: string): Promise<{ status: number; login: LoginDetail }> {
  const xml = await signResponse(keys, { nameId, acsUrl: `${lab.url}/saml/acs`, attributes: { email: [email], givenName: ['Someone'], groups: ['staff'] } });
  const res = await fetch(`${lab.url}/saml/acs`, { method: 'POST', headers: { 'Content-Type': 'application/x-www-form-urlencoded' }, body: new URLSearchParams({ SAMLResponse: b64(xml) }).toString() });
  const [latest] = await call<LoginSummary[]>('logins.list', { limit: 1 });
  return { status: res.status, login: await call<LoginDetail>('logins.get', { id: latest!.id }) };
}

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'jitlab-lookalike-'));
  keys = await makeKeyPair();
  lab = await createLab({ mode: 'browser', dataDir: dir, resourcesDir: resolve(import.meta.dirname, '../../../resources'), port: 0, clock: () => NOW, idpMetadataXml: idpMetadataXml(keys), spEntityId: SP_ENTITY_ID });
  expect((await post('kate@example.com', 'kate@example.com')).status).toBe(200);
});

afterAll(async () => {
  await lab.close();
  await rm(dir, { recursive: true, force: true });
});

// U+2028 is not here: the XML parser turns it into a line feed (XML 1.1 line-end handling), so the signed NameID is
// "\nkate…", XML whitespace. The planner-level tests (lookalike.test.ts) cover U+2028.
describe('look-alikes at the ACS', () => {
  it.each([
    ['an NBSP after the NameID', 'kate@example.com\u00A0', 'mallory@example.com', 'jit.confusable-principal'],
    ['a BOM before the NameID', '\uFEFFkate@example.com', 'mallory@example.com', 'jit.confusable-principal'],
    ['an ideographic space after the NameID', 'kate@example.com\u3000', 'mallory@example.com', 'jit.confusable-principal'],
    ['a figure space after the NameID', 'kate@example.com\u2007', 'mallory@example.com', 'jit.confusable-principal'],
    ['a Kelvin-sign NameID', '\u212Aate@example.com', 'mallory@example.com', 'jit.confusable-principal'],
    ['a fullwidth NameID', '\uFF4Bate@example.com', 'mallory@example.com', 'jit.confusable-principal'],
    ['a zero-width space in the NameID', 'ka\u200Bte@example.com', 'mallory@example.com', 'jit.confusable-principal'],
    ['a Kelvin-sign email on a new NameID', 'mallory@example.com', '\u212Aate@example.com', 'jit.confusable-email'],
  ])('%s: refused (403) with the look-alike check, kate\'s account untouched', async (_name, nameId, email, checkId) => {
    const before = await call<Account[]>('accounts.list');
    const { status, login } = await post(nameId, email);
    expect(status).toBe(403);
    expect(login.verdict).toBe('rejected');
    expect(login.failedCheckIds).toEqual([checkId]);
    expect(login.checks.find((c) => c.id === checkId)!.received).toMatch(/U\+[0-9A-F]{4}/);
    expect(await call<Account[]>('accounts.list')).toEqual(before);
  });
});
