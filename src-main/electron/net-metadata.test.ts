// The metadata URL import through Electron's net, with a fake `net.request` that behaves like Electron's
// ClientRequest in redirect: 'manual' mode (lib/common/api/net-client-request.ts): a 'redirect' event, and the request
// dies with "Redirect was cancelled" unless it is followed or aborted.
import { EventEmitter } from 'node:events';
import { readFileSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import type { ClientRequest, ClientRequestConstructorOptions } from 'electron';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Lab } from '../core/host.ts';
import { createLab } from '../core/lab.ts';
import { fetchMetadata } from '../core/net/fetch-metadata.ts';
import { createNetMetadataGet } from './net-metadata.ts';

const METADATA = readFileSync(resolve(import.meta.dirname, '../../../shared/corpus/metadata/okta_idp_metadata_ssoready.xml'), 'utf8');
const ENTITY_ID = /entityID="([^"]+)"/.exec(METADATA)![1]!;

type Route =
  | { redirect: string; status?: number }
  | { status: number; body?: string; headers?: Record<string, string | string[]>; chunked?: boolean }
  | { error: string }
  | { hang: true }
  | { auth: { user: string; pass: string }; body: string };

interface Seen {
  options: ClientRequestConstructorOptions;
  headers: Record<string, string>;
  aborted: boolean;
}

/** A fake `net.request` serving `routes` by URL. */
function fakeNet(routes: Record<string, Route>) {
  const seen: Seen[] = [];
  const request = (options: ClientRequestConstructorOptions): ClientRequest => {
    const req = new EventEmitter() as EventEmitter & { setHeader(n: string, v: string): void; end(): void; abort(): void };
    const record: Seen = { options, headers: {}, aborted: false };
    seen.push(record);
    const respond = (status: number, body: string, headers: Record<string, string | string[]> = {}): void => {
      const res = Object.assign(new EventEmitter(), { statusCode: status, statusMessage: status === 200 ? 'OK' : 'Error', headers });
      req.emit('response', res);
      setImmediate(() => {
        if (record.aborted) {
          res.emit('aborted');
          return;
        }
        if (body) res.emit('data', Buffer.from(body));
        res.emit('end');
      });
    };
    req.setHeader = (name, value) => void (record.headers[name.toLowerCase()] = value);
    req.abort = () => void (record.aborted = true);
    req.end = () =>
      setImmediate(() => {
        const route = routes[String(options.url)];
        if (!route) {
          req.emit('error', new Error('net::ERR_NAME_NOT_RESOLVED'));
          return;
        }
        if ('hang' in route) return;
        if ('error' in route) {
          req.emit('error', new Error(route.error));
          return;
        }
        if ('redirect' in route) {
          req.emit('redirect', route.status ?? 302, 'GET', route.redirect, {});
          if (!record.aborted) req.emit('error', new Error('Redirect was cancelled'));
          return;
        }
        if ('auth' in route) {
          req.emit('login', { isProxy: true, scheme: 'basic', host: 'proxy.corp', port: 3128, realm: 'corp' }, (user?: string, pass?: string) => {
            if (user === route.auth.user && pass === route.auth.pass) respond(200, route.body, { 'content-type': 'application/xml' });
            else respond(407, '');
          });
          return;
        }
        respond(route.status, route.body ?? '', route.headers);
      });
    return req as unknown as ClientRequest;
  };
  return { request, seen };
}

const limits = { timeoutMs: 300, maxBytes: 1_000_000, maxRedirects: 2 };

describe('metadata GET over Electron net', () => {
  it('follows redirects through the core loop (counted, final URL kept) and reads the body', async () => {
    const net = fakeNet({
      'https://idp.corp.example/metadata': { redirect: 'https://idp.corp.example/FederationMetadata.xml', status: 301 },
      'https://idp.corp.example/FederationMetadata.xml': { status: 200, body: METADATA, headers: { 'Content-Type': 'application/samlmetadata+xml' } },
    });
    const fetched = await fetchMetadata('https://idp.corp.example/metadata', limits, createNetMetadataGet(net));
    expect(fetched.finalUrl).toBe('https://idp.corp.example/FederationMetadata.xml');
    expect(fetched.bytes.toString('utf8')).toBe(METADATA);
    expect(fetched.warnings).toEqual([]);
    // The first request was abandoned at its redirect (not followed by Chromium), no cookies, metadata Accept header.
    expect(net.seen.map((s) => [s.options.url, s.options.redirect, s.options.useSessionCookies, s.aborted])).toEqual([
      ['https://idp.corp.example/metadata', 'manual', false, true],
      ['https://idp.corp.example/FederationMetadata.xml', 'manual', false, true],
    ]);
    expect(net.seen[0]?.headers.accept).toMatch(/samlmetadata\+xml/);
  });

  it('keeps the core limits and messages: redirect count, an HTML page, a plain-http hop, a size cap', async () => {
    const loop = fakeNet({
      'https://a.example/1': { redirect: 'https://a.example/2' },
      'https://a.example/2': { redirect: 'http://a.example/3' },
      'http://a.example/3': { redirect: 'https://a.example/4' },
    });
    await expect(fetchMetadata('https://a.example/1', limits, createNetMetadataGet(loop))).rejects.toThrow(/redirected more than 2 times/);
    const html = fakeNet({ 'https://a.example/': { status: 200, body: '<!doctype html><p>Sign in', headers: { 'content-type': 'text/html' } } });
    await expect(fetchMetadata('https://a.example/', limits, createNetMetadataGet(html))).rejects.toThrow(/is an HTML page/);
    const plain = fakeNet({ 'http://a.example/md': { status: 200, body: METADATA } });
    expect((await fetchMetadata('http://a.example/md', limits, createNetMetadataGet(plain))).warnings[0]).toMatch(/plain http/);
    const big = fakeNet({ 'https://a.example/big': { status: 200, body: 'x'.repeat(2000), headers: { 'content-length': '2000' } } });
    await expect(fetchMetadata('https://a.example/big', { ...limits, maxBytes: 1000 }, createNetMetadataGet(big))).rejects.toThrow(/limit is 1000/);
    const status = fakeNet({ 'https://a.example/404': { status: 404 } });
    await expect(fetchMetadata('https://a.example/404', limits, createNetMetadataGet(status))).rejects.toThrow(/answered HTTP 404/);
  });

  it("reports Chromium's network error (a proxy that refuses, an untrusted certificate) and times out", async () => {
    const net = fakeNet({
      'https://a.example/proxy': { error: 'net::ERR_PROXY_CONNECTION_FAILED' },
      'https://a.example/cert': { error: 'net::ERR_CERT_AUTHORITY_INVALID' },
      'https://a.example/hang': { hang: true },
    });
    const get = createNetMetadataGet(net);
    await expect(fetchMetadata('https://a.example/proxy', limits, get)).rejects.toThrow('Could not fetch https://a.example/proxy: net::ERR_PROXY_CONNECTION_FAILED.');
    await expect(fetchMetadata('https://a.example/cert', limits, get)).rejects.toThrow(/ERR_CERT_AUTHORITY_INVALID/);
    await expect(fetchMetadata('https://a.example/hang', limits, get)).rejects.toThrow(/did not answer within 0 s/);
    expect(net.seen.at(-1)?.aborted).toBe(true);
  });

  it('asks for proxy credentials through the prompt, and cancels without one', async () => {
    const routes = { 'https://a.example/md': { auth: { user: 'ana', pass: 's3cret' }, body: METADATA } };
    const asked: string[] = [];
    const withPrompt = createNetMetadataGet({
      ...fakeNet(routes),
      login: async (challenge, url) => {
        asked.push(`${challenge.host}:${challenge.port} for ${url}`);
        return { username: 'ana', password: 's3cret' };
      },
    });
    expect((await fetchMetadata('https://a.example/md', limits, withPrompt)).bytes.toString()).toBe(METADATA);
    expect(asked).toEqual(['proxy.corp:3128 for https://a.example/md']);
    await expect(fetchMetadata('https://a.example/md', limits, createNetMetadataGet(fakeNet(routes)))).rejects.toThrow(/HTTP 407/);
  });
});

describe('the lab with the net transport (what the desktop shell passes as metadataGet)', () => {
  let dir = '';
  let lab: Lab;
  const net = fakeNet({
    'https://idp.corp.example/metadata': { redirect: 'https://idp.corp.example/FederationMetadata.xml' },
    'https://idp.corp.example/FederationMetadata.xml': { status: 200, body: METADATA, headers: { 'content-type': 'application/xml' } },
  });
  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'net-metadata-lab-'));
    lab = await createLab({ mode: 'electron', dataDir: dir, resourcesDir: resolve(import.meta.dirname, '../../resources'), port: 0, metadataGet: createNetMetadataGet(net) });
  });
  afterAll(async () => {
    await lab?.close();
    await rm(dir, { recursive: true, force: true });
  });

  it('imports and refreshes a URL that only Chromium can reach (the host does not resolve for node:http)', async () => {
    const imported = await lab.handle('idps.importUrl', { url: 'https://idp.corp.example/metadata' });
    expect(imported.ok, JSON.stringify(imported)).toBe(true);
    const profile = imported.ok ? (imported.value as { id: string; entityId: string }) : null;
    expect(profile?.entityId).toBe(ENTITY_ID);
    const refreshed = await lab.handle('idps.refresh', { id: profile?.id });
    expect(refreshed.ok, JSON.stringify(refreshed)).toBe(true);
    // The refresh goes to where the import ended up (the profile keeps the final URL).
    expect(net.seen.map((s) => s.options.url)).toEqual([
      'https://idp.corp.example/metadata',
      'https://idp.corp.example/FederationMetadata.xml',
      'https://idp.corp.example/FederationMetadata.xml',
    ]);
  });
});
