// IdP mode on the lab's listener, for the person's own SP: GET /idp/metadata, /idp/sso (an AuthnRequest by
// HTTP-Redirect or HTTP-POST: its checks shown like a login's, then the demo users to sign in as), POST /idp/login
// (the signed response, auto-posted to the SP's ACS) and GET /idp/initiate?sp=ID&user=ID (IdP-initiated).
// Same shape as the SP routes: `(req, res, url) => handled`.
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { DemoUser } from '../../contract/demo-users.ts';
import type { ReceivedAuthnRequest, RegisteredSp } from '../../contract/sp-test.ts';
import { buildSignedResponse } from '../demo-idp/response-builder.ts';
import { BodyTooLargeError, contentType, h, page, parseForm, readBody, sendAutoPost, sendHtml, sendText } from '../listener/http-util.ts';
import { LAB_IDP_METADATA_PATH, LAB_IDP_SSO_PATH, type LabIdp } from './lab-idp.ts';
import { analyzeAuthnRequest, type RequestAnalysis } from './request-checks.ts';
import type { SpRegistry } from './sp-registry.ts';

export interface IdpRoutesDeps {
  /** The lab IdP with the listener's base URL (its SSO URL is what requests must be addressed to). */
  idp: () => LabIdp;
  registry: SpRegistry;
  users: () => DemoUser[] | Promise<DemoUser[]>;
  clock: () => Date;
  /** Called with each AuthnRequest's analysis (the UI lists them). */
  onRequest?: (entry: ReceivedAuthnRequest) => void;
}

const EMAIL_FORMAT = 'urn:oasis:names:tc:SAML:1.1:nameid-format:emailAddress';

export function spTestIdpRoutes(deps: IdpRoutesDeps) {
  return async (req: IncomingMessage, res: ServerResponse, url: URL): Promise<boolean> => {
    const path = url.pathname;
    if (path !== LAB_IDP_METADATA_PATH && path !== LAB_IDP_SSO_PATH && path !== '/idp/login' && path !== '/idp/initiate') return false;
    if ((path === '/idp/login' || path === '/idp/initiate') && crossSite(req, url)) {
      sendHtml(res, 403, page('Lab IdP', '<h1>Refused</h1><p class="sub">This sign-in came from another site. Start it from your application or from SAML JIT Lab.</p>'));
      return true;
    }
    if (path === LAB_IDP_METADATA_PATH && req.method === 'GET') {
      sendText(res, 200, 'application/samlmetadata+xml; charset=utf-8', deps.idp().metadataXml);
    } else if (path === LAB_IDP_SSO_PATH && (req.method === 'GET' || req.method === 'POST')) {
      await sso(deps, req, res, url);
    } else if (path === '/idp/login' && req.method === 'POST') {
      await login(deps, req, res);
    } else if (path === '/idp/initiate' && req.method === 'GET') {
      await initiate(deps, res, url);
    } else {
      res.setHeader('Allow', path === '/idp/login' ? 'POST' : path === LAB_IDP_SSO_PATH ? 'GET, POST' : 'GET');
      sendHtml(res, 405, page('Lab IdP', '<h1>Method not allowed</h1>'));
    }
    return true;
  };
}

function crossSite(req: IncomingMessage, url: URL): boolean {
  if (req.headers['sec-fetch-site'] === 'cross-site') return true;
  const origin = req.headers.origin;
  return origin !== undefined && origin !== 'null' && origin !== `http://${req.headers.host ?? url.host}`;
}

async function sso(deps: IdpRoutesDeps, req: IncomingMessage, res: ServerResponse, url: URL): Promise<void> {
  let analysis: RequestAnalysis;
  const sps = await deps.registry.list();
  const idp = deps.idp();
  if (req.method === 'GET') {
    if (!url.searchParams.get('SAMLRequest')) {
      sendHtml(res, 400, page('Lab IdP', `<h1>No SAMLRequest</h1><p class="sub">Start the login from your application, or use IdP-initiated: <code>/idp/initiate?sp=ID&amp;user=alice</code>.</p>`));
      return;
    }
    analysis = analyzeAuthnRequest({ binding: 'redirect', rawQuery: url.search }, sps, idp.ssoUrl, deps.clock());
  } else {
    if (contentType(req) !== 'application/x-www-form-urlencoded') {
      req.resume();
      sendHtml(res, 400, page('Lab IdP', '<h1>Expected a form post (HTTP-POST binding)</h1>'));
      return;
    }
    let form: URLSearchParams;
    try {
      form = parseForm(await readBody(req, 1024 * 1024));
    } catch (error) {
      sendHtml(res, error instanceof BodyTooLargeError ? 413 : 400, page('Lab IdP', '<h1>Unreadable request</h1>'));
      return;
    }
    analysis = analyzeAuthnRequest({ binding: 'post', samlRequest: form.get('SAMLRequest') ?? '', relayState: form.get('RelayState') }, sps, idp.ssoUrl, deps.clock());
  }
  deps.onRequest?.({ at: deps.clock().toISOString(), binding: req.method === 'GET' ? 'redirect' : 'post', spEntityId: analysis.sp?.entityId ?? null, requestId: analysis.request?.id ?? null, checks: analysis.checks });
  const checks = `<ul class="checks" data-testid="idp-request-checks">${analysis.checks
    .map((c) => `<li data-check-id="${h(c.id)}" data-status="${c.status}"><span class="${c.status === 'pass' ? 'ok' : c.status === 'warn' ? 'warn' : 'bad'}">${c.status}</span> <code>${h(c.id)}</code> — ${h(c.title)}${c.status === 'pass' ? '' : `<br><span class="sub">expected ${h(c.expected ?? '—')}; received ${h(c.received ?? '—')}. ${h(c.hint ?? '')}</span>`}</li>`)
    .join('')}</ul>`;
  if (!analysis.ok || !analysis.sp || !analysis.request || !analysis.acsUrl) {
    sendHtml(res, 400, page('Lab IdP — request refused', `<h1 class="bad">The AuthnRequest was refused</h1>${checks}`));
    return;
  }
  const users = await deps.users();
  const cards = users
    .map(
      (u) =>
        `<form class="card" method="post" action="/idp/login" data-testid="idp-user-${h(u.id)}"><strong>${h(u.label)}</strong><div><code>${h(u.nameId)}</code></div>` +
        hidden({ sp: analysis.sp!.id, user: u.id, requestId: analysis.request!.id, acs: analysis.acsUrl!, RelayState: analysis.relayState ?? '' }) +
        `<button type="submit" data-testid="idp-signin-${h(u.id)}">Sign in as ${h(u.label.split(' ')[0] ?? u.id)}</button></form>`,
    )
    .join('');
  sendHtml(res, 200, page('Lab IdP — sign in', `<h1>Lab IdP</h1><p class="sub">${h(analysis.sp.name)} asked for a login (request <code>${h(analysis.request.id)}</code>). The response goes to <code>${h(analysis.acsUrl)}</code>.</p>${checks}<div class="users">${cards}</div>`));
}

function hidden(fields: Record<string, string>): string {
  return Object.entries(fields)
    .filter(([, v]) => v !== '')
    .map(([k, v]) => `<input type="hidden" name="${h(k)}" value="${h(v)}">`)
    .join('');
}

async function login(deps: IdpRoutesDeps, req: IncomingMessage, res: ServerResponse): Promise<void> {
  if (contentType(req) !== 'application/x-www-form-urlencoded') {
    req.resume();
    sendHtml(res, 400, page('Lab IdP', '<h1>Expected a form post</h1>'));
    return;
  }
  let form: URLSearchParams;
  try {
    form = parseForm(await readBody(req, 64 * 1024));
  } catch {
    sendHtml(res, 413, page('Lab IdP', '<h1>Form too large</h1>'));
    return;
  }
  const sp = (await deps.registry.list()).find((s) => s.id === form.get('sp'));
  const acs = form.get('acs');
  // Only ever to an ACS URL the SP registered: the form is posted by the browser and could name any URL.
  if (!sp || (acs !== null && !sp.acsUrls.includes(acs))) {
    sendHtml(res, 400, page('Lab IdP', '<h1>Unknown SP or ACS URL</h1><p class="sub">Register the SP in SAML JIT Lab first.</p>'));
    return;
  }
  await sendResponse(deps, res, sp, form.get('user') ?? '', form.get('requestId'), acs ?? sp.acsUrl, form.get('RelayState'));
}

async function initiate(deps: IdpRoutesDeps, res: ServerResponse, url: URL): Promise<void> {
  const sp = (await deps.registry.list()).find((s) => s.id === url.searchParams.get('sp') || s.entityId === url.searchParams.get('sp'));
  if (!sp) {
    sendHtml(res, 404, page('Lab IdP', '<h1>Unknown SP</h1><p class="sub">Give <code>sp</code> (a registered SP\'s id or entity ID) and <code>user</code>.</p>'));
    return;
  }
  await sendResponse(deps, res, sp, url.searchParams.get('user') ?? '', null, sp.acsUrl, url.searchParams.get('RelayState'));
}

async function sendResponse(deps: IdpRoutesDeps, res: ServerResponse, sp: RegisteredSp, userId: string, inResponseTo: string | null, acsUrl: string, relayState: string | null): Promise<void> {
  const user = (await deps.users()).find((u) => u.id === userId);
  if (!user) {
    sendHtml(res, 404, page('Lab IdP', `<h1>Unknown user</h1><p class="sub">There is no demo user "${h(userId)}".</p>`));
    return;
  }
  const idp = deps.idp();
  const xml = await buildSignedResponse({
    idpEntityId: idp.entityId,
    idpKeys: idp.keys,
    spEntityId: sp.entityId,
    acsUrl,
    nameId: user.nameId,
    nameIdFormat: sp.nameIdFormat ?? EMAIL_FORMAT,
    attributes: user.attributes,
    inResponseTo,
    now: deps.clock(),
  });
  const fields: Record<string, string> = { SAMLResponse: Buffer.from(xml, 'utf8').toString('base64') };
  if (relayState) fields.RelayState = relayState;
  sendAutoPost(res, acsUrl, fields, `Signing you in to ${sp.name}…`);
}
