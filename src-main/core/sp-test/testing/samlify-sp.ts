// A tiny application built on samlify 2.13 the way its README and docs show: a schema validator set first
// (samlify-validator-js), `ServiceProvider` + `IdentityProvider({ metadata })`, `sp.createLoginRequest(idp,
// 'redirect')` to start and `sp.parseLoginResponse(idp, 'post', req)` at the ACS, then a session cookie and a
// who-am-I endpoint. Nothing added: samlify checks no audience, InResponseTo, destination or replay by itself.
// Every ACS attempt is logged with the library's own outcome.
import { randomBytes } from 'node:crypto';
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import samlify from 'samlify';
import * as validator from 'samlify-validator-js';
import type { AcsAttempt } from './node-saml-sp.ts';

export interface SamlifySp {
  baseUrl: string;
  entityId: string;
  acsUrl: string;
  startUrl: string;
  whoamiUrl: string;
  metadataXml: string;
  attempts: AcsAttempt[];
  close(): Promise<void>;
}

interface Extract {
  nameID?: string;
  attributes?: Record<string, string | string[]>;
}

export async function startSamlifySp(opts: { idpMetadataXml: string }): Promise<SamlifySp> {
  samlify.setSchemaValidator(validator);
  const sessions = new Map<string, Extract>();
  const attempts: AcsAttempt[] = [];
  const entityId = 'urn:test:samlify-sp';
  let sp: ReturnType<typeof samlify.ServiceProvider> | null = null;
  const idp = samlify.IdentityProvider({ metadata: opts.idpMetadataXml });

  const server = createServer((req, res) => {
    handle(req, res).catch(() => {
      if (!res.headersSent) res.writeHead(500);
      res.end('error');
    });
  });

  async function handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const url = new URL(req.url ?? '/', 'http://127.0.0.1');
    if (req.method === 'GET' && url.pathname === '/login') {
      const { context } = sp!.createLoginRequest(idp, 'redirect');
      res.writeHead(302, { Location: context });
      res.end();
      return;
    }
    if (req.method === 'POST' && url.pathname === '/acs') {
      const chunks: Buffer[] = [];
      for await (const chunk of req) chunks.push(chunk as Buffer);
      const body = Object.fromEntries(new URLSearchParams(Buffer.concat(chunks).toString('utf8')));
      const samlResponse = body.SAMLResponse ?? '';
      try {
        const result = (await sp!.parseLoginResponse(idp, 'post', { body })) as { extract: Extract };
        const sid = randomBytes(16).toString('hex');
        sessions.set(sid, result.extract);
        attempts.push({ samlResponse, accepted: true, nameId: result.extract.nameID ?? null, error: null });
        res.writeHead(302, { Location: '/', 'Set-Cookie': `sid=${sid}; HttpOnly; Path=/` });
        res.end();
      } catch (error) {
        attempts.push({ samlResponse, accepted: false, nameId: null, error: error instanceof Error ? error.message : String(error) });
        res.writeHead(401, { 'Content-Type': 'text/plain' });
        res.end('login failed');
      }
      return;
    }
    if (req.method === 'GET' && url.pathname === '/me') {
      const sid = /(?:^|;\s*)sid=([a-f0-9]{32})/.exec(req.headers.cookie ?? '')?.[1];
      const extract = sid ? sessions.get(sid) : undefined;
      if (!extract) {
        res.writeHead(302, { Location: '/login' });
        res.end();
        return;
      }
      const a = extract.attributes ?? {};
      const first = (v: string | string[] | undefined): string => (Array.isArray(v) ? (v[0] ?? '') : (v ?? ''));
      res.writeHead(200, { 'Content-Type': 'text/html; charset=utf-8' });
      res.end(`<html><body><h1>Hello ${esc(first(a.displayName))}</h1><dl><dt>Signed in as</dt><dd>${esc(extract.nameID ?? '')}</dd><dt>Email</dt><dd>${esc(first(a.email))}</dd></dl></body></html>`);
      return;
    }
    res.writeHead(req.method === 'GET' && url.pathname === '/' ? 200 : 404, { 'Content-Type': 'text/plain' });
    res.end(url.pathname === '/' ? 'home' : 'not found');
  }

  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  sp = samlify.ServiceProvider({
    entityID: entityId,
    assertionConsumerService: [{ Binding: samlify.Constants.namespace.binding.post, Location: `${base}/acs` }],
  });
  return {
    baseUrl: base,
    entityId,
    acsUrl: `${base}/acs`,
    startUrl: `${base}/login`,
    whoamiUrl: `${base}/me`,
    metadataXml: sp.getMetadata(),
    attempts,
    close: () =>
      new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      }),
  };
}

function esc(s: string): string {
  return s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;');
}
