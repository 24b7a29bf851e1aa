// Issue 15.8: a public base URL (a tunnel or reverse proxy in front of the lab, e.g. for an https ACS). The SP
// metadata, ACS, login start and the checks use it; the listener still binds 127.0.0.1. Tested through a tiny
// reverse proxy on another 127.0.0.1 port that presents a different host name and a path prefix.
import { mkdtemp, rm } from 'node:fs/promises';
import { createServer, request as httpRequest, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import type { LoginDetail, LoginSummary, SpSettings } from '../../contract/index.ts';
import type { Lab } from '../host.ts';
import { createLab } from '../lab.ts';
import { call } from '../testing/labs.ts';

const RESOURCES = resolve(import.meta.dirname, '../../../resources');
const NOW = new Date('2030-06-01T12:00:00.000Z');
const PREFIX = '/saml-lab';
const cleanup: (() => Promise<void>)[] = [];

afterEach(async () => {
  for (const fn of cleanup.splice(0).reverse()) await fn();
});

async function startLab(): Promise<Lab> {
  const dataDir = await mkdtemp(join(tmpdir(), 'jitlab-public-'));
  const lab = await createLab({ mode: 'browser', dataDir, resourcesDir: RESOURCES, port: 0, clock: () => NOW, appUrl: (u) => `${u}/` });
  cleanup.push(async () => {
    await lab.close();
    await rm(dataDir, { recursive: true, force: true });
  });
  return lab;
}

/** A reverse proxy as nginx's `location /saml-lab/ { proxy_pass http://127.0.0.1:PORT/; }` does it: the prefix is
 * stripped and Host becomes the upstream's. Answers the public base it presents (another host name and port). */
async function startProxy(upstream: string): Promise<string> {
  const target = new URL(upstream);
  const server: Server = createServer((req, res) => {
    const path = (req.url ?? '/').startsWith(PREFIX) ? (req.url ?? '/').slice(PREFIX.length) || '/' : null;
    if (path === null) {
      res.writeHead(404).end();
      return;
    }
    const out = httpRequest({ host: target.hostname, port: target.port, method: req.method, path, headers: { ...req.headers, host: target.host } }, (answer) => {
      res.writeHead(answer.statusCode ?? 502, answer.headers);
      answer.pipe(res);
    });
    out.on('error', () => res.writeHead(502).end());
    req.pipe(out);
  });
  await new Promise<void>((done) => server.listen(0, '127.0.0.1', done));
  cleanup.push(() => new Promise<void>((done) => server.close(() => done())));
  return `http://localhost:${(server.address() as AddressInfo).port}${PREFIX}`;
}


/** `localhost` here reaches the proxy on 127.0.0.1 (fetch resolves it; the proxy listens there). */
const viaProxy = (url: string): string => url.replace('://localhost:', '://127.0.0.1:');

describe('public base URL', () => {
  it('builds the SP URLs from it, and a demo login through a reverse proxy passes destination and recipient', async () => {
    const lab = await startLab();
    const base = await startProxy(lab.url);
    const sp = await call<SpSettings>(lab, 'sp.update', { publicBaseUrl: `${base}/` });
    expect(sp).toMatchObject({ publicBaseUrl: base, acsUrl: `${base}/saml/acs`, metadataUrl: `${base}/saml/metadata`, loginUrl: `${base}/saml/login` });
    expect(lab.url).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/);

    const metadata = await (await fetch(viaProxy(`${base}/saml/metadata`))).text();
    expect(metadata).toContain(`Location="${base}/saml/acs"`);
    const start = await call<{ url: string }>(lab, 'logins.start');
    expect(start.url.startsWith(`${base}/saml/login`)).toBe(true);

    // The demo IdP (reached through the proxy) addresses its response to the public ACS; it is posted there.
    const page = await (await fetch(viaProxy(`${base}/demo-idp/initiate?user=alice`))).text();
    expect(page).toContain(`action="${base}/saml/acs"`);
    const samlResponse = page.match(/name="SAMLResponse" value="([^"]*)"/)![1]!;
    const posted = await fetch(viaProxy(`${base}/saml/acs`), {
      method: 'POST',
      headers: { 'Content-Type': 'application/x-www-form-urlencoded' },
      body: new URLSearchParams({ SAMLResponse: samlResponse }).toString(),
    });
    expect(posted.status).toBe(200);
    const [login] = await call<LoginSummary[]>(lab, 'logins.list');
    expect(login).toMatchObject({ verdict: 'accepted', nameId: 'alice@example.com', failedCheckIds: [] });
    const detail = await call<LoginDetail>(lab, 'logins.get', { id: login!.id });
    for (const id of ['destination', 'subject-confirmation.recipient']) {
      expect(detail.checks.find((c) => c.id === id)).toMatchObject({ status: 'pass', received: `${base}/saml/acs` });
    }

    // Back to the listener's own URL.
    expect(await call<SpSettings>(lab, 'sp.update', { publicBaseUrl: null })).toMatchObject({ publicBaseUrl: null, acsUrl: `${lab.url}/saml/acs` });
  });

  it('refuses what is not an http(s) base URL, naming the problem, and changes nothing', async () => {
    const lab = await startLab();
    for (const bad of ['javascript:alert(1)', 'ftp://example.com', 'https://user:pw@example.com', 'https://example.com/?a=1', 'https://example.com/#x', 'https://exa\nmple.com', 'https://example.com/a\u2028b', 'not a url']) {
      const result = await lab.handle('sp.update', { publicBaseUrl: bad });
      expect(result.ok, bad).toBe(false);
      if (!result.ok) expect(result.error.code).toBe('invalid-input');
    }
    expect((await call<SpSettings>(lab, 'sp.get')).acsUrl).toBe(`${lab.url}/saml/acs`);
  });
});
