// Browser mode's HTTP binding: same contract as IPC, and it refuses other hosts and origins.
import { mkdtemp, mkdir, rm, writeFile } from 'node:fs/promises';
import { request } from 'node:http';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Lab } from '../core/host.ts';
import { createLab } from '../core/lab.ts';
import { createWebHost } from './web-host.ts';

let lab: Lab;
let dir: string;

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'jitlab-web-'));
  const rendererDir = join(dir, 'renderer');
  await mkdir(rendererDir);
  await writeFile(join(rendererDir, 'index.html'), '<!doctype html><title>SAML JIT Lab</title>');
  const web = createWebHost(rendererDir);
  lab = await createLab({ mode: 'browser', dataDir: join(dir, 'data'), resourcesDir: resolve(import.meta.dirname, '../../resources'), port: 0, extraRoutes: web.routes });
  web.attach(lab);
});

afterAll(async () => {
  await lab.close();
  await rm(dir, { recursive: true, force: true });
});

/** A raw request, so the Host header can be forged as a DNS-rebinding page would. */
function raw(path: string, headers: Record<string, string>, body = ''): Promise<{ status: number; body: string }> {
  const url = new URL(lab.url);
  return new Promise((resolvePromise, reject) => {
    const req = request({ host: url.hostname, port: url.port, path, method: 'POST', headers }, (res) => {
      let text = '';
      res.on('data', (c: Buffer) => (text += c.toString()));
      res.on('end', () => resolvePromise({ status: res.statusCode ?? 0, body: text }));
    });
    req.on('error', reject);
    req.end(body);
  });
}

describe('browser-mode API', () => {
  it('answers contract methods as {ok, value}', async () => {
    const res = await fetch(`${lab.url}/api/idps.list`, { method: 'POST', headers: { 'Content-Type': 'application/json' }, body: '{}' });
    expect(res.status).toBe(200);
    const body = (await res.json()) as { ok: boolean; value: { kind: string; active: boolean }[] };
    expect(body.ok).toBe(true);
    expect(body.value).toEqual([expect.objectContaining({ kind: 'demo', active: true })]);
  });

  it('answers errors as {ok: false, error: {code, message}}', async () => {
    const res = await fetch(`${lab.url}/api/logins.get`, { method: 'POST', headers: { 'Content-Type': 'application/json' }, body: '{"id":"x"}' });
    expect(res.status).toBe(400);
    expect(await res.json()).toMatchObject({ ok: false, error: { code: 'not-found' } });
  });

  it('refuses a foreign Host header (DNS rebinding) and a foreign Origin (CSRF)', async () => {
    const rebinding = await raw('/api/accounts.list', { Host: 'attacker.example:80', 'Content-Type': 'application/json' }, '{}');
    expect(rebinding.status).toBe(403);
    const csrf = await raw('/api/accounts.list', { Host: new URL(lab.url).host, Origin: 'https://attacker.example', 'Content-Type': 'application/json' }, '{}');
    expect(csrf.status).toBe(403);
    expect(csrf.body).toContain('Origin');
  });

  it('refuses the methods that read a file by path (desktop only)', async () => {
    for (const method of ['idps.inspectFile', 'idps.importFile']) {
      const res = await fetch(`${lab.url}/api/${method}`, { method: 'POST', headers: { 'Content-Type': 'application/json' }, body: JSON.stringify({ path: '/etc/passwd' }) });
      expect(res.status).toBe(403);
      expect(((await res.json()) as { error: { message: string } }).error.message).toContain('only the desktop app');
    }
  });

  it('requires application/json (a cross-site form post cannot call it)', async () => {
    const res = await fetch(`${lab.url}/api/accounts.list`, { method: 'POST', headers: { 'Content-Type': 'text/plain' }, body: '{}' });
    expect(res.status).toBe(415);
  });

  it('serves the renderer with a CSP, and nothing outside its folder', async () => {
    const res = await fetch(`${lab.url}/`);
    expect(res.status).toBe(200);
    expect(res.headers.get('content-security-policy')).toContain("default-src 'self'");
    expect((await fetch(`${lab.url}/..%2f..%2fpackage.json`)).status).toBe(404);
  });

  it('streams logins.completed as a server-sent event', async () => {
    const controller = new AbortController();
    const events = await fetch(`${lab.url}/events`, { signal: controller.signal });
    const reader = events.body!.getReader();
    const page = await (await fetch(`${lab.url}/demo-idp/initiate?user=carol`)).text();
    const samlResponse = page.match(/name="SAMLResponse" value="([^"]+)"/)![1]!;
    await fetch(`${lab.url}/saml/acs`, { method: 'POST', headers: { 'Content-Type': 'application/x-www-form-urlencoded' }, body: new URLSearchParams({ SAMLResponse: samlResponse }).toString() });
    let text = '';
    while (!text.includes('event: logins.completed')) text += new TextDecoder().decode((await reader.read()).value);
    while (!text.includes('\n\n', text.indexOf('event: logins.completed'))) text += new TextDecoder().decode((await reader.read()).value);
    controller.abort();
    const data = JSON.parse(text.slice(text.indexOf('data: ', text.indexOf('event: logins.completed')) + 6).split('\n')[0]!);
    expect(data).toMatchObject({ verdict: 'accepted', nameId: 'carol@example.com', diffKind: 'created' });
  });
});
