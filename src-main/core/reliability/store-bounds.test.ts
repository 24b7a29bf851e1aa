// No sequence of posts from a web page can make the store unwritable or the lab unable to restart: every field
// stored from an unauthenticated post is capped, and such posts share one fixed budget.
import { stat } from 'node:fs/promises';
import { Agent, request } from 'node:http';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import type { Account, LoginDetail, LoginSummary } from '../../contract/index.ts';
import { startTestLab, type TestLab } from '../export/export-test-support.ts';
import { UNTRUSTED_BUDGET } from '../store/store-service.ts';

let t: TestLab | null = null;
afterEach(async () => {
  await t?.close();
  t = null;
});

const post = (url: string, body: string): Promise<number> =>
  fetch(`${url}/saml/acs`, { method: 'POST', headers: { 'Content-Type': 'application/x-www-form-urlencoded' }, body }).then(async (r) => {
    await r.arrayBuffer();
    return r.status;
  });

/** Posts the same pre-encoded body over a keep-alive connection (the client's own cost stays out of the way). */
function postBuffer(url: string, body: Buffer, agent: Agent): Promise<number> {
  return new Promise((resolve, reject) => {
    const req = request(`${url}/saml/acs`, { method: 'POST', agent, headers: { 'Content-Type': 'application/x-www-form-urlencoded', 'Content-Length': body.length } }, (res) => {
      res.resume();
      res.on('end', () => resolve(res.statusCode ?? 0));
    });
    req.on('error', reject);
    req.end(body);
  });
}

async function dataBytes(dir: string): Promise<number> {
  const size = async (f: string): Promise<number> => (await stat(join(dir, f)).catch(() => ({ size: 0 }))).size;
  return (await size('store.json')) + (await size('store.journal'));
}

describe('storage from unauthenticated posts is bounded', () => {
  it('1,000 hostile posts of 4 MB each leave the store small; a real login then answers 200 and the lab restarts', { timeout: 300_000 }, async () => {
    t = await startTestLab();
    expect(await t.login('alice')).toBe(200);
    const relayState = 'R'.repeat(4 * 1024 * 1024 - 200);
    const body = Buffer.from(`SAMLResponse=${encodeURIComponent(Buffer.from('<samlp:Response xmlns:samlp="urn:oasis:names:tc:SAML:2.0:protocol"/>').toString('base64'))}&RelayState=${relayState}`);
    expect(body.length).toBeLessThanOrEqual(4 * 1024 * 1024);
    const agent = new Agent({ keepAlive: true, maxSockets: 2 });
    let sent = 0;
    const statuses = new Set<number>();
    const worker = async (): Promise<void> => {
      while (sent < 1000) {
        sent++;
        statuses.add(await postBuffer(t!.lab.url, body, agent));
      }
    };
    await Promise.all([worker(), worker()]);
    agent.destroy();
    expect([...statuses]).toEqual([403]);

    // The store holds at most the budget of them, each with its RelayState cut and its length said.
    const logins = await t.call<LoginSummary[]>('logins.list');
    const rejected = logins.filter((l) => l.verdict === 'rejected');
    expect(rejected.length).toBeLessThanOrEqual(UNTRUSTED_BUDGET.count);
    const newest = await t.call<LoginDetail>('logins.get', { id: rejected[0]!.id });
    expect(newest.relayState!.length).toBeLessThan(1200);
    expect(newest.relayState).toMatch(/4194104 characters in all/);
    expect(newest.checks.find((c) => c.id === 'request.relay-state')).toMatchObject({ status: 'warn', received: expect.stringMatching(/^4194104 bytes/) });
    expect(await dataBytes(t.dir)).toBeLessThan(3 * UNTRUSTED_BUDGET.bytes);

    expect(await t.login('bob')).toBe(200);
    await t.restart();
    const accounts = await t.call<Account[]>('accounts.list');
    expect(accounts.map((a) => a.principal).sort()).toEqual(['alice@example.com', 'bob@example.com']);
    expect(await t.login('alice')).toBe(200);
  });

  it('an unsigned response with a 0.9 MB Issuer stores a small record naming its length', async () => {
    t = await startTestLab();
    const issuer = 'https://'.padEnd(900_000, 'i');
    const xml = `<samlp:Response xmlns:samlp="urn:oasis:names:tc:SAML:2.0:protocol" xmlns:saml="urn:oasis:names:tc:SAML:2.0:assertion" ID="_r" Version="2.0" IssueInstant="2030-06-01T12:00:00Z"><saml:Issuer>${issuer}</saml:Issuer></samlp:Response>`;
    expect(await post(t.lab.url, `SAMLResponse=${encodeURIComponent(Buffer.from(xml).toString('base64'))}`)).toBe(403);
    const [login] = await t.call<LoginSummary[]>('logins.list');
    const detail = await t.call<LoginDetail>('logins.get', { id: login!.id });
    expect(JSON.stringify(detail).length).toBeLessThan(200_000);
    // Whatever was read of it (the Issuer, the failing checks' received values) is cut, saying how long it was.
    expect(detail.idpEntityId === null || detail.idpEntityId.length < 1100).toBe(true);
    for (const c of detail.checks) expect(c.received?.length ?? 0).toBeLessThan(1100);
    await t.restart();
    expect((await t.call<LoginSummary[]>('logins.list')).length).toBe(1);
  });
});
