// The demo IdP's front door against the real listener: requests as a hostile page's browser would send them (a
// rebound Host, a page on another port of 127.0.0.1, another site, an opaque origin, a link) are refused with a
// 403 page and change nothing — no signed response, no saved edit, no account, no login; the demo IdP's own page and
// scripts (curl-style requests, Node's fetch) still sign in.
import { request as httpRequest } from 'node:http';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Account, LoginSummary } from '../../contract/index.ts';
import type { Lab } from '../host.ts';
import { createLab } from '../lab.ts';

const RESOURCES = resolve(import.meta.dirname, '../../../resources');
const NOW = new Date('2030-06-01T12:00:00.000Z');

let lab: Lab;
let dir: string;
let own: URL;

async function call<T>(method: string, input: unknown = {}): Promise<T> {
  const result = await lab.handle(method, input);
  if (!result.ok) throw new Error(`${method}: ${result.error.message}`);
  return result.value as T;
}

/** A raw HTTP request with exactly these headers (fetch would not let a test set Host, and adds its own). */
function raw(method: string, path: string, headers: Record<string, string>, body?: string): Promise<{ status: number; body: string }> {
  return new Promise((resolvePromise, reject) => {
    const req = httpRequest({ host: '127.0.0.1', port: Number(own.port), method, path, headers: { ...headers, ...(body !== undefined ? { 'Content-Length': String(Buffer.byteLength(body)) } : {}) } }, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (c: Buffer) => chunks.push(c));
      res.on('end', () => resolvePromise({ status: res.statusCode ?? 0, body: Buffer.concat(chunks).toString('utf8') }));
      res.on('error', reject);
    });
    req.on('error', reject);
    req.end(body);
  });
}

function samlResponseOf(html: string): string | null {
  const m = html.match(/name="SAMLResponse" value="([^"]*)"/);
  return m ? m[1]! : null;
}

async function postAcs(samlResponse: string): Promise<number> {
  const res = await fetch(`${lab.url}/saml/acs`, { method: 'POST', headers: { 'Content-Type': 'application/x-www-form-urlencoded' }, body: new URLSearchParams({ SAMLResponse: samlResponse }).toString() });
  await res.text();
  return res.status;
}

async function snapshot(): Promise<unknown> {
  return { accounts: await call<Account[]>('accounts.list'), logins: await call<LoginSummary[]>('logins.list'), users: await call('demoUsers.list') };
}

const FORM = 'application/x-www-form-urlencoded';
/** A sign-in that would also rename Alice: if it got through, both her demo user and her account would change. */
const HOSTILE_LOGIN = new URLSearchParams({ user: 'alice', 'attr:email': 'alice@example.com', 'attr:sn': 'Pwned', 'attr:groups': 'sso-admins' }).toString();

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'jitlab-frontdoor-'));
  lab = await createLab({ mode: 'browser', dataDir: dir, resourcesDir: RESOURCES, port: 0, clock: () => NOW });
  own = new URL(lab.url);
  // One accepted login first, so "no account changed" is about an existing account too.
  const page = await raw('GET', '/demo-idp/initiate?user=alice', { Host: own.host });
  expect(await postAcs(samlResponseOf(page.body)!)).toBe(200);
}, 60_000);

afterAll(async () => {
  await lab?.close();
  await rm(dir, { recursive: true, force: true });
});

describe('the demo IdP refuses what a hostile page can send', () => {
  const refusals: { name: string; method: string; path: string; headers: Record<string, string>; body?: string; says: RegExp }[] = [
    { name: 'DNS rebinding: the user list under a foreign Host', method: 'GET', path: '/demo-idp/', headers: { Host: 'attacker.example:PORT' }, says: /Host header is &quot;attacker\.example/ },
    { name: 'DNS rebinding: a signed response under a foreign Host', method: 'GET', path: '/demo-idp/initiate?user=alice', headers: { Host: 'attacker.example:PORT' }, says: /DNS rebinding/ },
    { name: 'DNS rebinding: metadata and SSO under a foreign Host', method: 'GET', path: '/demo-idp/metadata', headers: { Host: 'attacker.example:PORT' }, says: /not 127\.0\.0\.1/ },
    { name: 'Host localhost instead of 127.0.0.1', method: 'GET', path: '/demo-idp/sso?SAMLRequest=x', headers: { Host: 'localhost:PORT' }, says: /Host header is &quot;localhost/ },
    {
      name: 'a page on another port of the same host (same-site, not same-origin) posting a sign-in',
      method: 'POST',
      path: '/demo-idp/login',
      headers: { Host: 'OWN', Origin: 'http://127.0.0.1:1', 'Sec-Fetch-Site': 'same-site', 'Sec-Fetch-Mode': 'navigate', 'Content-Type': FORM },
      body: HOSTILE_LOGIN,
      says: /came from http:\/\/127\.0\.0\.1:1, not from the demo IdP&apos;s page/,
    },
    {
      name: 'a cross-site form post',
      method: 'POST',
      path: '/demo-idp/login',
      headers: { Host: 'OWN', Origin: 'https://attacker.example', 'Sec-Fetch-Site': 'cross-site', 'Sec-Fetch-Mode': 'navigate', 'Content-Type': FORM },
      body: HOSTILE_LOGIN,
      says: /attacker\.example/,
    },
    {
      name: 'a post from a sandboxed frame (Origin: null)',
      method: 'POST',
      path: '/demo-idp/login',
      headers: { Host: 'OWN', Origin: 'null', 'Content-Type': FORM },
      body: HOSTILE_LOGIN,
      says: /opaque origin/,
    },
    {
      name: 'a post from a sandboxed frame on another site (Origin: null, cross-site)',
      method: 'POST',
      path: '/demo-idp/login',
      headers: { Host: 'OWN', Origin: 'null', 'Sec-Fetch-Site': 'cross-site', 'Content-Type': FORM },
      body: HOSTILE_LOGIN,
      says: /opaque origin/,
    },
    {
      name: 'a cross-site link to the IdP-initiated sign-in (a navigation: no Origin)',
      method: 'GET',
      path: '/demo-idp/initiate?user=alice&scenario=groups&count=3',
      headers: { Host: 'OWN', 'Sec-Fetch-Site': 'cross-site', 'Sec-Fetch-Mode': 'navigate', 'Sec-Fetch-Dest': 'document' },
      says: /another site \(Sec-Fetch-Site: cross-site\)/,
    },
    {
      name: 'a same-site link from another port (no Origin)',
      method: 'GET',
      path: '/demo-idp/initiate?user=alice',
      headers: { Host: 'OWN', 'Sec-Fetch-Site': 'same-site', 'Sec-Fetch-Mode': 'navigate' },
      says: /another port or page of the same host/,
    },
    {
      name: 'a typed or bookmarked sign-in URL (Sec-Fetch-Site: none)',
      method: 'GET',
      path: '/demo-idp/initiate?user=alice',
      headers: { Host: 'OWN', 'Sec-Fetch-Site': 'none', 'Sec-Fetch-Mode': 'navigate' },
      says: /a link, bookmark or typed address/,
    },
    {
      name: 'a cross-site reset of the demo users',
      method: 'POST',
      path: '/demo-idp/reset',
      headers: { Host: 'OWN', Origin: 'https://attacker.example', 'Sec-Fetch-Site': 'cross-site', 'Content-Type': FORM },
      body: '',
      says: /attacker\.example/,
    },
  ];

  for (const r of refusals) {
    it(`${r.name}: 403, nothing signed, nothing changed`, async () => {
      // Alice's demo user carries an edit, so that a reset getting through would show.
      await call('demoUsers.update', { id: 'alice', attributes: { email: ['alice@example.com'], sn: ['Anderson'], givenName: ['Alice'], groups: ['engineering'] } });
      const before = await snapshot();
      const headers = Object.fromEntries(Object.entries(r.headers).map(([k, v]) => [k, v === 'OWN' ? own.host : v.replace('PORT', own.port)]));
      const res = await raw(r.method, r.path, headers, r.body);
      expect(res.status).toBe(403);
      expect(res.body).toContain('data-testid="demo-refused"');
      expect(res.body).toMatch(r.says);
      expect(samlResponseOf(res.body)).toBeNull();
      expect(res.body).not.toContain('Anderson');
      expect(await snapshot()).toEqual(before);
    });
  }

  it('the refusal of a link offers the demo IdP page with the same user and scenario picked, and that page works', async () => {
    const res = await raw('GET', '/demo-idp/initiate?user=alice&scenario=expired', { Host: own.host, 'Sec-Fetch-Site': 'none' });
    expect(res.status).toBe(403);
    expect(res.body).toContain('href="/demo-idp/?user=alice&amp;scenario=expired"');
    const pageRes = await raw('GET', '/demo-idp/?user=alice&scenario=expired', { Host: own.host, 'Sec-Fetch-Site': 'none' });
    expect(pageRes.status).toBe(200);
    expect(pageRes.body).toMatch(/data-testid="demo-scenario-alice">[\s\S]*?<option value="expired" selected>/);
    expect(samlResponseOf(pageRes.body)).toBeNull();
  });
});

describe('the demo IdP still signs in from its own page and from scripts', () => {
  it('its own page: a same-origin form post saves the edit and the login changes the account', async () => {
    const res = await raw('POST', '/demo-idp/login', { Host: own.host, Origin: own.origin, 'Sec-Fetch-Site': 'same-origin', 'Sec-Fetch-Mode': 'navigate', 'Content-Type': FORM }, new URLSearchParams({ user: 'bob', 'attr:email': 'bob@example.com', 'attr:sn': 'Baker', 'attr:givenName': 'Bob' }).toString());
    expect(res.status).toBe(200);
    expect(await postAcs(samlResponseOf(res.body)!.replace(/&#x2F;/g, '/'))).toBe(200);
    const bob = (await call<Account[]>('accounts.list')).find((a) => a.principal === 'bob@example.com');
    expect(bob?.fields.lastName).toBe('Baker');
  });

  it("its own page's form as Chromium posts it under Referrer-Policy: no-referrer (Origin: null, Sec-Fetch-Site: same-origin) signs in", async () => {
    const res = await raw('POST', '/demo-idp/login', { Host: own.host, Origin: 'null', 'Sec-Fetch-Site': 'same-origin', 'Sec-Fetch-Mode': 'navigate', 'Content-Type': FORM }, new URLSearchParams({ user: 'carol' }).toString());
    expect(res.status).toBe(200);
    expect(samlResponseOf(res.body)).not.toBeNull();
  });

  it('a same-origin navigation from its own page (Sec-Fetch-Site: same-origin, no Origin) signs in', async () => {
    const res = await raw('GET', '/demo-idp/initiate?user=carol', { Host: own.host, 'Sec-Fetch-Site': 'same-origin', 'Sec-Fetch-Mode': 'navigate' });
    expect(res.status).toBe(200);
    expect(samlResponseOf(res.body)).not.toBeNull();
  });

  it('curl-style (the README flow: no Origin, no Sec-Fetch-*) and Node fetch (Sec-Fetch-Mode only) sign in', async () => {
    const curl = await raw('GET', '/demo-idp/initiate?user=carol', { Host: own.host, 'User-Agent': 'curl/8.5.0', Accept: '*/*' });
    expect(curl.status).toBe(200);
    expect(await postAcs(samlResponseOf(curl.body)!)).toBe(200);
    const viaFetch = await fetch(`${lab.url}/demo-idp/initiate?user=carol`);
    expect(viaFetch.status).toBe(200);
    expect(samlResponseOf(await viaFetch.text())).not.toBeNull();
    expect((await call<Account[]>('accounts.list')).map((a) => a.principal)).toContain('carol@example.com');
  });

  it('the demo IdP page and metadata answer under its own Host', async () => {
    expect((await raw('GET', '/demo-idp/', { Host: own.host })).status).toBe(200);
    const md = await raw('GET', '/demo-idp/metadata', { Host: own.host });
    expect(md.status).toBe(200);
    expect(md.body).toContain('entityID="urn:saml-jit-lab:demo-idp"');
  });
});
