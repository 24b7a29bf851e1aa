// The built-in demo IdP, served by the SP listener under /demo-idp/. It makes the whole JIT loop work offline:
// a login page with editable demo users, SP- and IdP-initiated flows, responses signed by its own key.
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { z } from 'zod';
import { DemoUser } from '../../contract/index.ts';
import { LabError } from '../errors.ts';
import { BINDING, type IdpMetadata } from '../idp/metadata.ts';
import { BodyTooLargeError, contentType, h, page, parseForm, readBody, sendAutoPost, sendHtml, sendText } from '../listener/http-util.ts';
import { parsePostAuthnRequest, parseRedirectAuthnRequest, type ParsedAuthnRequest } from '../saml/authn-request.ts';
import type { KeyPair } from '../sp/keys.ts';
import type { StoreService } from '../store/store-service.ts';
import { certBase64, summarizeCert } from '../util/cert.ts';
import { buildSignedResponse } from './response-builder.ts';

export const DEMO_IDP_ENTITY_ID = 'urn:saml-jit-lab:demo-idp';

export interface DemoIdpDeps {
  keys: KeyPair;
  store: StoreService;
  clock: () => Date;
  resourcesDir: string;
  /** The SP this IdP answers: entity ID and ACS URL. */
  sp: () => { entityId: string; acsUrl: string; nameIdFormat: string; certificatePem: string };
  baseUrl: () => string;
}

export async function loadDemoUsers(resourcesDir: string): Promise<DemoUser[]> {
  const file = join(resourcesDir, 'demo-users.json');
  const parsed = z.array(DemoUser).safeParse(JSON.parse(await readFile(file, 'utf8')));
  if (!parsed.success) throw new Error(`${file} is not a list of demo users: ${parsed.error.message}`);
  return parsed.data;
}

export class DemoIdpService {
  private readonly deps: DemoIdpDeps;
  private readonly defaults: DemoUser[];

  constructor(deps: DemoIdpDeps, defaults: DemoUser[]) {
    this.deps = deps;
    this.defaults = defaults;
  }

  metadata(): IdpMetadata {
    const base64 = certBase64(this.deps.keys.certificatePem);
    const summary = summarizeCert(base64)!;
    return {
      entityId: DEMO_IDP_ENTITY_ID,
      ssoServices: [
        { binding: BINDING.redirect, location: `${this.deps.baseUrl()}/demo-idp/sso` },
        { binding: BINDING.post, location: `${this.deps.baseUrl()}/demo-idp/sso` },
      ],
      certificates: [{ base64, use: 'signing', ...summary }],
      nameIdFormats: ['urn:oasis:names:tc:SAML:1.1:nameid-format:emailAddress'],
      wantAuthnRequestsSigned: false,
      displayName: 'Demo IdP',
    };
  }

  metadataXml(): string {
    const md = this.metadata();
    return (
      `<?xml version="1.0" encoding="UTF-8"?>\n<md:EntityDescriptor xmlns:md="urn:oasis:names:tc:SAML:2.0:metadata" xmlns:ds="http://www.w3.org/2000/09/xmldsig#" entityID="${h(md.entityId)}">` +
      `<md:IDPSSODescriptor protocolSupportEnumeration="urn:oasis:names:tc:SAML:2.0:protocol" WantAuthnRequestsSigned="false">` +
      `<md:KeyDescriptor use="signing"><ds:KeyInfo><ds:X509Data><ds:X509Certificate>${md.certificates[0]!.base64}</ds:X509Certificate></ds:X509Data></ds:KeyInfo></md:KeyDescriptor>` +
      `<md:NameIDFormat>${md.nameIdFormats[0]}</md:NameIDFormat>` +
      md.ssoServices.map((s) => `<md:SingleSignOnService Binding="${s.binding}" Location="${h(s.location)}"/>`).join('') +
      `</md:IDPSSODescriptor></md:EntityDescriptor>\n`
    );
  }

  listUsers(): DemoUser[] {
    return this.defaults.map((u) => ({ ...u, attributes: this.deps.store.data.demoUsers[u.id] ?? u.attributes }));
  }

  getUser(id: string): DemoUser {
    const user = this.listUsers().find((u) => u.id === id);
    if (!user) throw new LabError('not-found', `There is no demo user "${id}". Demo users: ${this.defaults.map((u) => u.id).join(', ')}.`);
    return user;
  }

  /** Saves edited attributes (empty values dropped). The caller flushes the store. */
  updateUser(id: string, attributes: Record<string, string[]>): DemoUser {
    this.getUser(id);
    const clean: Record<string, string[]> = {};
    for (const [name, values] of Object.entries(attributes)) {
      const kept = values.map((v) => v.trim()).filter(Boolean);
      if (name.trim() && kept.length > 0) clean[name.trim()] = kept;
    }
    this.deps.store.data.demoUsers[id] = clean;
    return this.getUser(id);
  }

  async signedResponseFor(userId: string, inResponseTo: string | null): Promise<string> {
    const user = this.getUser(userId);
    const sp = this.deps.sp();
    const xml = await buildSignedResponse({
      idpEntityId: DEMO_IDP_ENTITY_ID,
      idpKeys: this.deps.keys,
      spEntityId: sp.entityId,
      acsUrl: sp.acsUrl,
      nameId: user.nameId,
      nameIdFormat: 'urn:oasis:names:tc:SAML:1.1:nameid-format:emailAddress',
      attributes: user.attributes,
      inResponseTo,
      now: this.deps.clock(),
    });
    return Buffer.from(xml, 'utf8').toString('base64');
  }

  /** Routes under /demo-idp/. Returns false for other paths. */
  async handle(req: IncomingMessage, res: ServerResponse, url: URL): Promise<boolean> {
    const path = url.pathname;
    if (!path.startsWith('/demo-idp')) return false;
    // Signing in (and saving edited attributes) must come from the demo IdP's own pages or a script, never from
    // another site: otherwise any page the person visits could provision accounts with values of its choosing.
    if ((path === '/demo-idp/login' || path === '/demo-idp/initiate') && this.crossSite(req)) {
      sendHtml(res, 403, page('Demo IdP', '<h1>Refused</h1><p class="sub">This sign-in came from another site. Start it from the demo IdP page or from SAML JIT Lab.</p>'));
      return true;
    }
    if (req.method === 'GET' && path === '/demo-idp/metadata') {
      sendText(res, 200, 'application/samlmetadata+xml; charset=utf-8', this.metadataXml());
    } else if (req.method === 'GET' && (path === '/demo-idp' || path === '/demo-idp/')) {
      sendHtml(res, 200, this.loginPage(null, null, 'IdP-initiated login: pick a user to send an unsolicited response to the SP.'));
    } else if (path === '/demo-idp/sso' && (req.method === 'GET' || req.method === 'POST')) {
      await this.handleSso(req, res, url);
    } else if (req.method === 'POST' && path === '/demo-idp/login') {
      await this.handleLogin(req, res);
    } else if (req.method === 'GET' && path === '/demo-idp/initiate') {
      const userId = url.searchParams.get('user') ?? '';
      try {
        const response = await this.signedResponseFor(userId, null);
        this.sendAutoPost(res, response, url.searchParams.get('RelayState'));
      } catch (error) {
        sendHtml(res, 404, page('Demo IdP', `<h1>Unknown user</h1><p class="sub">${h(error instanceof Error ? error.message : String(error))}</p>`));
      }
    } else {
      sendHtml(res, 404, page('Demo IdP', '<h1>Not found</h1>'));
    }
    return true;
  }

  private crossSite(req: IncomingMessage): boolean {
    if (req.headers['sec-fetch-site'] === 'cross-site') return true;
    const origin = req.headers.origin;
    return origin !== undefined && origin !== 'null' && origin !== this.deps.baseUrl();
  }

  /** An AuthnRequest by HTTP-Redirect (query, maybe with a query signature) or HTTP-POST (form, maybe signed). */
  private async handleSso(req: IncomingMessage, res: ServerResponse, url: URL): Promise<void> {
    const spCert = this.deps.sp().certificatePem;
    let request: ParsedAuthnRequest;
    let relayState: string | null;
    try {
      if (req.method === 'GET') {
        if (!url.searchParams.get('SAMLRequest')) throw new Error('There is no SAMLRequest. Start the login from SAML JIT Lab ("Sign in with IdP").');
        request = parseRedirectAuthnRequest(url.search, spCert);
        relayState = url.searchParams.get('RelayState');
      } else {
        if (contentType(req) !== 'application/x-www-form-urlencoded') throw new Error('Expected a form post (HTTP-POST binding).');
        const form = parseForm(await readBody(req, 1024 * 1024));
        const samlRequest = form.get('SAMLRequest');
        if (!samlRequest) throw new Error('The form has no SAMLRequest.');
        request = parsePostAuthnRequest(samlRequest, spCert);
        relayState = form.get('RelayState');
      }
    } catch (error) {
      sendHtml(res, 400, page('Demo IdP', `<h1>Unreadable AuthnRequest</h1><p class="sub">${h(error instanceof Error ? error.message : String(error))}</p>`));
      return;
    }
    if (request.signature === 'invalid') {
      sendHtml(res, 400, page('Demo IdP', '<h1>The AuthnRequest signature does not verify</h1><p class="sub">It was not signed with the SP certificate this demo IdP knows.</p>'));
      return;
    }
    const details = [
      `request <code>${h(request.id)}</code>`,
      `${req.method === 'GET' ? 'HTTP-Redirect' : 'HTTP-POST'} binding`,
      request.signature === 'valid' ? 'signed (verified)' : 'unsigned',
      request.forceAuthn ? 'ForceAuthn' : null,
      request.nameIdFormat ? `NameID format ${h(request.nameIdFormat)}` : null,
      request.authnContextClassRefs.length ? `AuthnContext ${request.authnContextClassRefs.map(h).join(', ')}` : null,
    ].filter(Boolean);
    sendHtml(res, 200, this.loginPage(request.id, relayState, `The SP asked for a login (${details.join(' · ')}). Edit any attribute, then sign in.`, true));
  }

  private async handleLogin(req: IncomingMessage, res: ServerResponse): Promise<void> {
    if (contentType(req) !== 'application/x-www-form-urlencoded') {
      sendHtml(res, 400, page('Demo IdP', '<h1>Expected a form post</h1>'));
      return;
    }
    let form: URLSearchParams;
    try {
      form = parseForm(await readBody(req, 256 * 1024));
    } catch (error) {
      sendHtml(res, error instanceof BodyTooLargeError ? 413 : 400, page('Demo IdP', '<h1>Form too large</h1>'));
      return;
    }
    const userId = form.get('user') ?? '';
    const attributes: Record<string, string[]> = {};
    for (const [key, value] of form) {
      if (key.startsWith('attr:')) attributes[key.slice(5)] = value.split(',');
    }
    try {
      if (Object.keys(attributes).length > 0) {
        this.updateUser(userId, attributes);
        await this.deps.store.flush();
      }
      const response = await this.signedResponseFor(userId, form.get('requestId') || null);
      this.sendAutoPost(res, response, form.get('RelayState'));
    } catch (error) {
      sendHtml(res, 400, page('Demo IdP', `<h1>Could not sign in</h1><p class="sub">${h(error instanceof Error ? error.message : String(error))}</p>`));
    }
  }

  private sendAutoPost(res: ServerResponse, samlResponse: string, relayState: string | null): void {
    const fields: Record<string, string> = { SAMLResponse: samlResponse };
    if (relayState) fields.RelayState = relayState;
    sendAutoPost(res, this.deps.sp().acsUrl, fields, 'Signing you in…');
  }

  /** `intro` is plain text, or HTML already escaped when `introIsHtml`. */
  private loginPage(requestId: string | null, relayState: string | null, intro: string, introIsHtml = false): string {
    const sp = this.deps.sp();
    const cards = this.listUsers()
      .map((u) => {
        const inputs = Object.entries(u.attributes)
          .map(
            ([name, values]) =>
              `<label for="${h(u.id)}-${h(name)}">${h(name)}</label><input id="${h(u.id)}-${h(name)}" name="attr:${h(name)}" value="${h(values.join(','))}" data-testid="demo-attr-${h(u.id)}-${h(name)}">`,
          )
          .join('');
        return (
          `<form class="card" method="post" action="/demo-idp/login" data-testid="demo-user-${h(u.id)}">` +
          `<strong>${h(u.label)}</strong><div><code>${h(u.nameId)}</code></div>` +
          `<input type="hidden" name="user" value="${h(u.id)}">` +
          (requestId ? `<input type="hidden" name="requestId" value="${h(requestId)}">` : '') +
          (relayState ? `<input type="hidden" name="RelayState" value="${h(relayState)}">` : '') +
          inputs +
          `<button type="submit" data-testid="demo-signin-${h(u.id)}">Sign in as ${h(u.label.split(' ')[0] ?? u.id)}</button></form>`
        );
      })
      .join('');
    return page(
      'Demo IdP — sign in',
      `<h1>Demo IdP</h1><p class="sub">${introIsHtml ? intro : h(intro)} Responses go to <code>${h(sp.acsUrl)}</code> for <code>${h(sp.entityId)}</code>. Multi-valued attributes: comma-separated.</p><div class="users">${cards}</div>`,
    );
  }
}
