// A tiny application built on samlify 2.13 the way its README and docs show: a schema validator set first
// (samlify-validator-js), `ServiceProvider` + `IdentityProvider({ metadata })`, `sp.createLoginRequest(idp,
// 'redirect')` to start and `sp.parseLoginResponse(idp, 'post', req)` at the ACS, then a session cookie and a
// who-am-I endpoint. Nothing added: samlify checks no audience, InResponseTo, destination or replay by itself.
// Every ACS attempt is logged with the library's own outcome.
import { randomBytes } from 'node:crypto';
import type { IncomingMessage, ServerResponse } from 'node:http';
import samlify from 'samlify';
import * as validator from 'samlify-validator-js';
import { first, readForm, sessionId, startTinyApp, type AcsAttempt } from './tiny-app.ts';

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

  async function handle(req: IncomingMessage, res: ServerResponse, url: URL): Promise<void> {
    if (req.method === 'GET' && url.pathname === '/login') {
      const { context } = sp!.createLoginRequest(idp, 'redirect');
      res.writeHead(302, { Location: context });
      res.end();
      return;
    }
    if (req.method === 'POST' && url.pathname === '/acs') {
      const body = Object.fromEntries(await readForm(req));
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
      const sid = sessionId(req);
      const extract = sid ? sessions.get(sid) : undefined;
      if (!extract) {
        res.writeHead(302, { Location: '/login' });
        res.end();
        return;
      }
      const a = extract.attributes ?? {};
      res.writeHead(200, { 'Content-Type': 'text/html; charset=utf-8' });
      res.end(`<html><body><h1>Hello ${esc(first(a.displayName) ?? '')}</h1><dl><dt>Signed in as</dt><dd>${esc(extract.nameID ?? '')}</dd><dt>Email</dt><dd>${esc(first(a.email) ?? '')}</dd></dl></body></html>`);
      return;
    }
    res.writeHead(req.method === 'GET' && url.pathname === '/' ? 200 : 404, { 'Content-Type': 'text/plain' });
    res.end(url.pathname === '/' ? 'home' : 'not found');
  }

  const app = await startTinyApp(handle);
  const base = app.base;
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
    close: app.close,
  };
}

function esc(s: string): string {
  return s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;');
}
