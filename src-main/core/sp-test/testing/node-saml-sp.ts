// A tiny application built on @node-saml/node-saml the way its README shows (`new SAML(options)`, the defaults
// for everything else): node:http, a session cookie, a who-am-I endpoint. `hardened: true` adds what the library
// leaves to the app: the Response's and Assertion's Issuer, Destination and Recipient, InResponseTo bound to the
// browser session (validateInResponseTo: always), a replay cache of assertion IDs, the top-level Status (node-saml
// reads it only when there is no assertion), and no DOCTYPE or SHA-1. Every ACS attempt is logged
// with the library's own outcome, which is the truth a test compares the lab's report with.
import { randomBytes } from 'node:crypto';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { inflateRawSync } from 'node:zlib';
import { SAML, ValidateInResponseTo, type Profile } from '@node-saml/node-saml';
import { DOMParser } from '@xmldom/xmldom';
import { first, readForm, sessionId, startTinyApp, type AcsAttempt } from './tiny-app.ts';

export type { AcsAttempt } from './tiny-app.ts';

export interface NodeSamlSp {
  baseUrl: string;
  entityId: string;
  acsUrl: string;
  startUrl: string;
  whoamiUrl: string;
  metadataXml: string;
  attempts: AcsAttempt[];
  close(): Promise<void>;
}

const SAMLP = 'urn:oasis:names:tc:SAML:2.0:protocol';
const SAML_NS = 'urn:oasis:names:tc:SAML:2.0:assertion';

export interface NodeSamlSpOptions {
  idpCertPem: string;
  idpSsoUrl: string;
  idpEntityId: string;
  hardened?: boolean;
  /** AuthnRequests by HTTP-POST (an auto-submitting form) instead of HTTP-Redirect. */
  postBinding?: boolean;
  /** Sign AuthnRequests with this key (its certificate goes into the SP metadata) and algorithm. */
  signRequests?: { privateKeyPem: string; certificatePem: string; algorithm: 'sha1' | 'sha256' };
}

export async function startNodeSamlSp(opts: NodeSamlSpOptions): Promise<NodeSamlSp> {
  const sessions = new Map<string, { profile?: Profile; requestId?: string }>();
  const seenAssertions = new Set<string>();
  const attempts: AcsAttempt[] = [];
  let saml: SAML | null = null;
  const entityId = opts.hardened ? 'urn:test:node-saml-sp-hardened' : 'urn:test:node-saml-sp';

  function session(req: IncomingMessage, res: ServerResponse): { id: string; data: { profile?: Profile; requestId?: string } } {
    const sid = sessionId(req);
    if (sid && sessions.has(sid)) return { id: sid, data: sessions.get(sid)! };
    const id = randomBytes(16).toString('hex');
    sessions.set(id, {});
    res.setHeader('Set-Cookie', `sid=${id}; HttpOnly; Path=/; SameSite=None`);
    return { id, data: sessions.get(id)! };
  }

  async function handle(req: IncomingMessage, res: ServerResponse, url: URL): Promise<void> {
    if (req.method === 'GET' && url.pathname === '/login') {
      const s = session(req, res);
      if (opts.postBinding) {
        const html = await saml!.getAuthorizeFormAsync('', url.host, {});
        const request = /name="SAMLRequest" value="([^"]+)"/.exec(html)?.[1] ?? '';
        s.data.requestId = /ID="([^"]+)"/.exec(Buffer.from(request, 'base64').toString('utf8'))?.[1];
        res.writeHead(200, { 'Content-Type': 'text/html; charset=utf-8' });
        res.end(html);
        return;
      }
      const location = await saml!.getAuthorizeUrlAsync('', url.host, {});
      const request = new URL(location).searchParams.get('SAMLRequest') ?? '';
      s.data.requestId = /ID="([^"]+)"/.exec(inflateRawSync(Buffer.from(request, 'base64')).toString('utf8'))?.[1];
      res.writeHead(302, { Location: location });
      res.end();
      return;
    }
    if (req.method === 'POST' && url.pathname === '/saml/acs') {
      const samlResponse = (await readForm(req)).get('SAMLResponse') ?? '';
      const s = session(req, res);
      try {
        const { profile } = await saml!.validatePostResponseAsync({ SAMLResponse: samlResponse });
        if (!profile) throw new Error('no profile');
        if (opts.hardened) appChecks(samlResponse, profile, s.data.requestId);
        s.data.profile = profile;
        s.data.requestId = undefined;
        attempts.push({ samlResponse, accepted: true, nameId: profile.nameID, error: null });
        res.writeHead(302, { Location: '/' });
        res.end();
      } catch (error) {
        attempts.push({ samlResponse, accepted: false, nameId: null, error: error instanceof Error ? error.message : String(error) });
        res.writeHead(403, { 'Content-Type': 'text/plain' });
        res.end('SAML login failed');
      }
      return;
    }
    if (req.method === 'GET' && url.pathname === '/whoami') {
      const sid = sessionId(req);
      const profile = sid ? sessions.get(sid)?.profile : undefined;
      if (!profile) {
        res.writeHead(401, { 'Content-Type': 'application/json' });
        res.end('{"error":"not signed in"}');
        return;
      }
      res.writeHead(200, { 'Content-Type': 'application/json' });
      res.end(JSON.stringify({ nameID: profile.nameID, email: first(profile.email), firstName: first(profile.givenName), lastName: first(profile.sn), displayName: first(profile.displayName) }));
      return;
    }
    if (req.method === 'GET' && url.pathname === '/') {
      res.writeHead(200, { 'Content-Type': 'text/plain' });
      res.end('home');
      return;
    }
    res.writeHead(404);
    res.end();
  }

  /** What node-saml leaves to the application. */
  function appChecks(samlResponse: string, profile: Profile, sessionRequestId: string | undefined): void {
    const xml = Buffer.from(samlResponse, 'base64').toString('utf8');
    if (/<!DOCTYPE/i.test(xml)) throw new Error('DOCTYPE');
    if (/SignatureMethod Algorithm="http:\/\/www\.w3\.org\/2000\/09\/xmldsig#rsa-sha1"/.test(xml)) throw new Error('SHA-1 signature');
    const doc = new DOMParser().parseFromString(xml, 'text/xml') as unknown as Document;
    const root = doc.documentElement;
    const status = root.getElementsByTagNameNS(SAMLP, 'StatusCode')[0];
    if (status?.getAttribute('Value') !== 'urn:oasis:names:tc:SAML:2.0:status:Success') throw new Error('Status is not Success');
    const responseIssuer = Array.from(root.childNodes as unknown as ArrayLike<Node>).find((n) => n.nodeType === 1 && (n as Element).localName === 'Issuer' && (n as Element).namespaceURI === SAML_NS);
    if (root.namespaceURI !== SAMLP || responseIssuer?.textContent?.trim() !== opts.idpEntityId) throw new Error('Response Issuer is not the IdP');
    if (profile.issuer !== opts.idpEntityId) throw new Error('Assertion Issuer is not the IdP');
    const destination = root.getAttribute('Destination');
    if (destination && destination !== `${base}/saml/acs`) throw new Error('wrong Destination');
    const assertion = new DOMParser().parseFromString(profile.getAssertionXml!(), 'text/xml') as unknown as Document;
    const scd = assertion.getElementsByTagNameNS(SAML_NS, 'SubjectConfirmationData')[0];
    if (!scd || scd.getAttribute('Recipient') !== `${base}/saml/acs`) throw new Error('wrong Recipient');
    if (!sessionRequestId || profile.inResponseTo !== sessionRequestId) throw new Error('InResponseTo is not this session\'s request');
    const assertionId = assertion.documentElement.getAttribute('ID') ?? '';
    if (seenAssertions.has(assertionId)) throw new Error('replayed assertion');
    seenAssertions.add(assertionId);
  }

  const app = await startTinyApp(handle);
  const base = app.base;
  saml = new SAML({
    callbackUrl: `${base}/saml/acs`,
    entryPoint: opts.idpSsoUrl,
    issuer: entityId,
    idpCert: opts.idpCertPem,
    ...(opts.hardened ? { validateInResponseTo: ValidateInResponseTo.always } : {}),
    ...(opts.postBinding ? { authnRequestBinding: 'HTTP-POST' } : {}),
    ...(opts.signRequests ? { privateKey: opts.signRequests.privateKeyPem, publicCert: opts.signRequests.certificatePem, signatureAlgorithm: opts.signRequests.algorithm } : {}),
  });
  return {
    baseUrl: base,
    entityId,
    acsUrl: `${base}/saml/acs`,
    startUrl: `${base}/login`,
    whoamiUrl: `${base}/whoami`,
    metadataXml: saml.generateServiceProviderMetadata(null, opts.signRequests?.certificatePem ?? null),
    attempts,
    close: app.close,
  };
}
