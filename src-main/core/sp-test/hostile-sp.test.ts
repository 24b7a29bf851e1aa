// The suite's browser against hostile or broken SPs: every redirect chain is bounded, nothing leaves 127.0.0.1,
// pages are capped, slow answers time out, and the report says "inconclusive" (never "safe") when it could not tell.
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DEFAULT_RULES } from '../jit/presets.ts';
import { CookieJar, MAX_PAGE_BYTES, MAX_REDIRECTS, firstForm, follow, request } from './http-client.ts';
import { loadLabIdp, type LabIdp } from './lab-idp.ts';
import { names, parseSuccessRule, runSuite } from './runner.ts';
import { registrationFrom } from './sp-registry.ts';

let server: Server;
let base: string;
let hits = 0;
let dir: string;
let idp: LabIdp;

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'jitlab-sptest-hostile-'));
  idp = await loadLabIdp(dir);
  server = createServer((req, res) => {
    hits += 1;
    const url = new URL(req.url ?? '/', 'http://127.0.0.1');
    if (url.pathname === '/loop') {
      res.writeHead(302, { Location: '/loop', 'Set-Cookie': `n=${hits}` });
      res.end();
    } else if (url.pathname === '/away' || url.pathname === '/acs') {
      req.resume();
      res.writeHead(302, { Location: 'http://example.com/phish' });
      res.end();
    } else if (url.pathname === '/big') {
      res.writeHead(200, { 'Content-Type': 'text/plain' });
      res.end('x'.repeat(MAX_PAGE_BYTES * 2));
    } else if (url.pathname === '/slow') {
      setTimeout(() => res.end('late'), 2000);
    } else if (url.pathname === '/cookies') {
      res.writeHead(200, { 'Set-Cookie': ['a=1; Path=/', 'b=2; Max-Age=0', 'c=3'] });
      res.end(req.headers.cookie ?? '');
    } else {
      res.writeHead(200, { 'Content-Type': 'text/plain' });
      res.end('always 200, names nobody');
    }
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});

afterAll(async () => {
  server.closeAllConnections();
  await new Promise<void>((r) => server.close(() => r()));
  await rm(dir, { recursive: true, force: true });
});

describe('the suite browser', () => {
  it('follows at most MAX_REDIRECTS hops of a redirect loop', async () => {
    hits = 0;
    const jar = new CookieJar();
    const { chain } = await follow(jar, await request(jar, `${base}/loop`));
    expect(chain).toHaveLength(MAX_REDIRECTS + 1);
    expect(hits).toBe(MAX_REDIRECTS + 1);
  });

  it('refuses to follow a redirect off 127.0.0.1, and to start there', async () => {
    const jar = new CookieJar();
    await expect(follow(jar, await request(jar, `${base}/away`))).rejects.toThrow(/Refused to contact http:\/\/example\.com/);
    await expect(request(jar, 'http://localhost:1/')).rejects.toThrow(/only talks to applications on 127\.0\.0\.1/);
  });

  it('caps a page at MAX_PAGE_BYTES and times a slow answer out', async () => {
    const jar = new CookieJar();
    expect((await request(jar, `${base}/big`)).body.length).toBeLessThanOrEqual(MAX_PAGE_BYTES);
    await expect(request(jar, `${base}/slow`, { timeoutMs: 200 })).rejects.toThrow(/timeout|aborted/i);
  });

  it('keeps cookies per jar, drops expired ones', async () => {
    const jar = new CookieJar();
    await request(jar, `${base}/cookies`);
    expect((await request(jar, `${base}/cookies`)).body).toBe('a=1; c=3');
    expect((await request(new CookieJar(), `${base}/cookies`)).body).toBe('');
  });

  it('reads auto-submit forms with entities, and never throws on hostile ones', () => {
    expect(firstForm('<form method="post" action="/idp/sso?x=1&amp;y=2"><input type="hidden" name="SAMLRequest" value="a&#43;b&#x2F;c"></form>', 'http://127.0.0.1:1/p')).toEqual({ action: 'http://127.0.0.1:1/idp/sso?x=1&y=2', fields: { SAMLRequest: 'a+b/c' } });
    expect(firstForm('<form action="/x"><input name="v" value="&#99999999;&#x110000;"></form>', 'http://127.0.0.1:1/')!.fields.v).toBe('\uFFFD\uFFFD');
    expect(firstForm('<p>no form</p>', 'http://127.0.0.1:1/')).toBeNull();
  });

  it('names a user only as a whole value', () => {
    expect(names('{"nameID":"alice@example.com"}', 'alice@example.com')).toBe(true);
    expect(names('Signed in as alice@example.com.', 'alice@example.com')).toBe(true);
    expect(names('alice@example.com.evil.example', 'alice@example.com')).toBe(false);
    expect(names('malice@example.com', 'alice@example.com')).toBe(false);
    expect(names('alice@example.com.evil.example', 'alice@example.com.evil.example')).toBe(true);
  });

  it('parses success rules and refuses others', () => {
    expect(parseSuccessRule('status=302')).toEqual({ kind: 'status', status: 302 });
    expect(parseSuccessRule('location~^/dashboard')).toMatchObject({ kind: 'location' });
    expect(() => parseSuccessRule('text~(')).toThrow(/does not compile/);
    expect(() => parseSuccessRule('body=Welcome')).toThrow(/not one of/);
  });
});

describe('a broken SP', () => {
  it('whose start URL loops and whose ACS redirects away: every case inconclusive, exit 1, nothing called "safe"', async () => {
    const sp = registrationFrom({ entityId: 'urn:test:broken', acsUrl: `${base}/acs`, startUrl: `${base}/loop`, whoamiUrl: `${base}/whoami` }, new Date());
    const report = await runSuite({ idp, sp, user: { nameId: 'alice@example.com', attributes: {} }, cases: ['unsigned', 'replay'], clock: () => new Date(), rules: DEFAULT_RULES });
    expect(report.cases.map((c) => [c.id, c.observed, c.verdict])).toEqual([
      ['valid', 'error', 'inconclusive'],
      ['unsigned', 'error', 'inconclusive'],
      ['replay', 'error', 'inconclusive'],
    ]);
    expect(report.cases[0]!.detail).toMatch(/The start URL did not send the browser to the lab IdP/);
    expect(report.exitCode).toBe(1);
  });

  it('that answers 200 to everything but names nobody: the valid login is not accepted, refusals prove nothing', async () => {
    const sp = registrationFrom({ entityId: 'urn:test:always-200', acsUrl: `${base}/ok-acs`, whoamiUrl: `${base}/whoami` }, new Date());
    const report = await runSuite({ idp, sp, user: { nameId: 'alice@example.com', attributes: {} }, cases: ['expired'], clock: () => new Date(), rules: DEFAULT_RULES });
    expect(report.cases.map((c) => [c.id, c.observed, c.verdict])).toEqual([
      ['valid', 'refused', 'inconclusive'],
      ['expired', 'refused', 'inconclusive'],
    ]);
    expect(report.cases[0]!.detail).toMatch(/^The valid login was NOT accepted/);
    expect(report.cases[1]!.detail).toMatch(/^Proves nothing: the valid login was not accepted either\. Refused/);
    expect(report.exitCode).toBe(1);
  });
});
