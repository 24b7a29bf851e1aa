// Nothing lost under faults: the real lab (listener, verifier, JIT, store) under kill -9 in the middle of a write
// loop, an unwritable data folder, concurrent posts for one account, a slowloris client with a burst of bad
// requests, and a damaged store at start.
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdir, mkdtemp, rename, rm, writeFile } from 'node:fs/promises';
import { connect, type Socket } from 'node:net';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import type { Account, LoginDetail, LoginSummary } from '../../contract/index.ts';
import type { Lab } from '../host.ts';
import { createLab } from '../lab.ts';
import { StoreService } from '../store/store-service.ts';
import { call } from '../testing/labs.ts';

const RESOURCES = resolve(import.meta.dirname, '../../../resources');
const CHILD = resolve(import.meta.dirname, 'lab-child.ts');
const cleanup: (() => Promise<void> | void)[] = [];

afterEach(async () => {
  for (const fn of cleanup.splice(0).reverse()) await fn();
});

async function tempDir(): Promise<string> {
  const dir = await mkdtemp(join(tmpdir(), 'jitlab-rel-'));
  cleanup.push(() => rm(dir, { recursive: true, force: true }));
  return dir;
}

async function startLab(dataDir?: string): Promise<Lab> {
  const lab = await createLab({ mode: 'browser', dataDir: dataDir ?? (await tempDir()), resourcesDir: RESOURCES, port: 0 });
  cleanup.push(() => lab.close());
  return lab;
}


/** A fresh IdP-initiated response from the built-in demo IdP. */
async function freshResponse(url: string, user = 'alice'): Promise<string> {
  const page = await (await fetch(`${url}/demo-idp/initiate?user=${user}`)).text();
  const m = page.match(/name="SAMLResponse" value="([^"]*)"/);
  if (!m) throw new Error('no SAMLResponse on the demo IdP page');
  return m[1]!.replace(/&amp;/g, '&').replace(/&quot;/g, '"').replace(/&#x2F;/g, '/');
}

function postAcs(url: string, samlResponse: string): Promise<Response> {
  return fetch(`${url}/saml/acs`, {
    method: 'POST',
    headers: { 'Content-Type': 'application/x-www-form-urlencoded' },
    body: new URLSearchParams({ SAMLResponse: samlResponse }).toString(),
  });
}

const loginIdOf = (html: string): string | null => html.match(/data-login-id="([^"]+)"/)?.[1] ?? null;

function startChild(dataDir: string): Promise<{ child: ChildProcess; url: string }> {
  return new Promise((resolvePromise, reject) => {
    const child = spawn(process.execPath, ['--import', 'tsx', CHILD, dataDir], { stdio: ['ignore', 'pipe', 'pipe'] });
    let out = '';
    let err = '';
    child.stdout!.on('data', (d: Buffer) => {
      out += d.toString();
      const m = out.match(/READY (\S+)/);
      if (m) resolvePromise({ child, url: m[1]! });
    });
    child.stderr!.on('data', (d: Buffer) => (err += d.toString()));
    child.on('exit', (code) => reject(new Error(`lab child exited (${code}) before it was ready: ${err}`)));
  });
}

describe('kill -9 in the middle of a write loop', () => {
  it('always leaves a store that opens, holding every login the ACS acknowledged', { timeout: 120_000 }, async () => {
    const dataDir = await tempDir();
    const acknowledged: string[] = [];
    for (let round = 0; round < 5; round++) {
      const { child, url } = await startChild(dataDir);
      const exited = new Promise<void>((r) => child.on('exit', () => r()));
      cleanup.push(() => void child.kill('SIGKILL'));
      let stop = false;
      const worker = async (): Promise<void> => {
        while (!stop) {
          try {
            const res = await postAcs(url, await freshResponse(url));
            const html = await res.text();
            // Acknowledged = the IdP's POST got its HTTP answer.
            if (res.status === 200) acknowledged.push(loginIdOf(html)!);
          } catch {
            return; // the child is gone
          }
        }
      };
      const before = acknowledged.length;
      const workers = Array.from({ length: 4 }, worker);
      // Kill at a random moment once this round has some logins in flight and some acknowledged.
      const want = 3 + Math.floor(Math.random() * 6);
      while (acknowledged.length - before < want) await new Promise((r) => setTimeout(r, 5));
      await new Promise((r) => setTimeout(r, Math.floor(Math.random() * 60)));
      child.kill('SIGKILL');
      await exited;
      stop = true;
      await Promise.all(workers);

      const { store, notice } = await StoreService.open(dataDir, () => new Date());
      expect(notice, `round ${round}`).toBeNull();
      const stored = new Set(store.data.logins.map((l) => l.id));
      const lost = acknowledged.filter((id) => !stored.has(id));
      expect(lost, `round ${round}: acknowledged but not stored`).toEqual([]);
    }
    expect(acknowledged.length).toBeGreaterThanOrEqual(15);
  });
});

describe('an unwritable data folder', () => {
  it('still verifies and answers, says the login could not be saved, and saves it once it can', async () => {
    const lab = await startLab();
    expect((await postAcs(lab.url, await freshResponse(lab.url))).status).toBe(200);
    // Root ignores permissions: make the journal unwritable by putting a directory where it is.
    const journal = join(lab.dataDir, 'store.journal');
    await rename(journal, `${journal}.bak`);
    await mkdir(journal);

    const res = await postAcs(lab.url, await freshResponse(lab.url, 'bob'));
    const html = await res.text();
    expect(res.status).toBe(503);
    expect(html).toContain('data-verdict="accepted"');
    expect(html).toMatch(/data-testid="acs-save-error"><strong>This login could not be saved\.<\/strong> Could not write the store at .*store\.json: EISDIR/);
    // Verification does not depend on the disk: a forged response is still refused, and says why.
    const forged = Buffer.from(Buffer.from(await freshResponse(lab.url), 'base64').toString('utf8').replace('>Anderson<', '>Mallory<')).toString('base64');
    const refused = await postAcs(lab.url, forged);
    expect(refused.status).toBe(503);
    expect(await refused.text()).toContain('data-check-id="signature.valid"');

    await rm(journal, { recursive: true });
    await rename(`${journal}.bak`, journal);
    expect((await postAcs(lab.url, await freshResponse(lab.url, 'carol'))).status).toBe(200);
    const { store } = await StoreService.open(lab.dataDir, () => new Date());
    expect(store.data.accounts.map((a) => a.principal).sort()).toEqual(['alice@example.com', 'bob@example.com', 'carol@example.com']);
    expect(store.data.logins.find((l) => l.id === loginIdOf(html))).toBeDefined();
  });
});

describe('concurrent posts for the same account', () => {
  it('loses no update: every login counted, the account ends as the last recorded login left it', async () => {
    const lab = await startLab();
    const responses: string[] = [];
    for (let i = 0; i < 20; i++) {
      await call(lab, 'demoUsers.update', { id: 'alice', attributes: { email: ['alice@example.com'], givenName: ['Alice'], sn: [`Surname${i}`], displayName: ['Alice A'], groups: [`group${i}`] } });
      responses.push(await freshResponse(lab.url));
    }
    const results = await Promise.all(responses.map((r) => postAcs(lab.url, r)));
    expect(results.map((r) => r.status)).toEqual(responses.map(() => 200));

    const accounts = await call<Account[]>(lab, 'accounts.list');
    expect(accounts).toHaveLength(1);
    expect(accounts[0]!.loginCount).toBe(20);
    const [latest] = await call<LoginSummary[]>(lab, 'logins.list');
    const detail = await call<LoginDetail>(lab, 'logins.get', { id: latest!.id });
    const sn = detail.attributes.find((a) => a.name === 'sn')!.values[0];
    expect(accounts[0]!.fields.lastName).toBe(sn);
    expect(accounts[0]!.groups).toEqual([`group${sn!.replace('Surname', '')}`]);
    // The diffs chain: each login's "before" is the previous login's "after".
    const summaries = (await call<LoginSummary[]>(lab, 'logins.list')).reverse();
    const details = await Promise.all(summaries.map((s) => call<LoginDetail>(lab, 'logins.get', { id: s.id })));
    for (let i = 1; i < details.length; i++) {
      const before = details[i]!.diff.changes.find((c) => c.field === 'lastName')!.before;
      const prevAfter = details[i - 1]!.diff.changes.find((c) => c.field === 'lastName')!.after;
      expect(before).toBe(prevAfter);
    }
  });
});

describe('a hostile client', () => {
  it('keeps serving valid logins under a slowloris client and a burst of 1,000 bad requests', async () => {
    const lab = await startLab();
    const { port } = new URL(lab.url);
    // 50 connections that send a header line and then one byte every 200 ms, never finishing the request.
    const slow: Socket[] = [];
    for (let i = 0; i < 50; i++) {
      const s = connect(Number(port), '127.0.0.1');
      s.on('error', () => {});
      s.write('POST /saml/acs HTTP/1.1\r\nHost: 127.0.0.1\r\nX-Slow: ');
      slow.push(s);
    }
    const drip = setInterval(() => slow.forEach((s) => s.writable && s.write('a')), 200);
    cleanup.push(() => {
      clearInterval(drip);
      slow.forEach((s) => s.destroy());
    });

    const bad: (() => Promise<Response>)[] = [
      () => fetch(`${lab.url}/saml/acs`),
      () => fetch(`${lab.url}/saml/acs`, { method: 'POST', headers: { 'Content-Type': 'application/json' }, body: '{}' }),
      () => postAcs(lab.url, 'bm90IHhtbA=='),
      () => postAcs(lab.url, '%%%not base64'),
      () => fetch(`${lab.url}/saml/acs`, { method: 'POST', headers: { 'Content-Type': 'application/x-www-form-urlencoded' }, body: 'RelayState=x' }),
      () => fetch(`${lab.url}/no/such/path`),
    ];
    const statuses = new Map<number, number>();
    let next = 0;
    await Promise.all(
      Array.from({ length: 50 }, async () => {
        while (next < 1000) {
          const res = await bad[next++ % bad.length]!();
          await res.arrayBuffer();
          statuses.set(res.status, (statuses.get(res.status) ?? 0) + 1);
        }
      }),
    );
    expect([...statuses.keys()].sort()).toEqual([400, 403, 404, 405]);

    const started = performance.now();
    const res = await postAcs(lab.url, await freshResponse(lab.url, 'bob'));
    expect(res.status).toBe(200);
    expect(await res.text()).toContain('data-verdict="accepted"');
    expect(performance.now() - started).toBeLessThan(5000);
    expect(slow.filter((s) => !s.destroyed).length).toBeGreaterThan(0); // they were still holding connections
    const accounts = await call<Account[]>(lab, 'accounts.list');
    expect(accounts.map((a) => a.principal)).toEqual(['bob@example.com']);
  });
});

describe('a damaged store at start', () => {
  it('is moved aside with a timestamp, the app says so, starts empty and serves a login', async () => {
    const dataDir = await tempDir();
    await writeFile(join(dataDir, 'store.json'), '{"version":2,"sp":{},"accounts":[{"id":"x"');
    const lab = await startLab(dataDir);
    const info = await call<{ storeNotice: string | null }>(lab, 'app.info');
    expect(info.storeNotice).toMatch(/^The store could not be read \(.+\)\. It was moved to .*store\.json\.corrupt-\d{4}-\d\d-\d\dT[\d-]+Z and the app started empty\.$/);
    expect(await call<Account[]>(lab, 'accounts.list')).toEqual([]);
    expect((await postAcs(lab.url, await freshResponse(lab.url))).status).toBe(200);
  });
});
