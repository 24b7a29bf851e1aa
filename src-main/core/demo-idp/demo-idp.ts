// The built-in demo IdP, served by the SP listener under /demo-idp/. It makes the whole JIT loop work offline:
// a login page with editable demo users, SP- and IdP-initiated flows, responses signed by its own key, and
// scenarios that break a login in one precise way (scenarios.ts) so a person can rehearse what fails in production.
// Its front door (front-door.ts) is the API's: exact Host, sign-ins only from its own pages or from scripts.
import type { IncomingMessage, ServerResponse } from 'node:http';
import { DEMO_NAMEID_FORMATS, DemoNameIdCase, DemoNameIdFormat, type DemoScenario, type DemoUserProfile } from '../../contract/demo.ts';
import type { DemoUser } from '../../contract/demo-users.ts';
import { LabError } from '../errors.ts';
import { BINDING, type IdpMetadata } from '../idp/metadata.ts';
import { BodyTooLargeError, contentType, h, page, parseForm, readBody, sendAutoPost, sendHtml, sendText } from '../listener/http-util.ts';
import { parsePostAuthnRequest, parseRedirectAuthnRequest, type ParsedAuthnRequest } from '../saml/authn-request.ts';
import type { KeyPair } from '../sp/keys.ts';
import type { StoreService } from '../store/store-service.ts';
import { certBase64, summarizeCert } from '../util/cert.ts';
import { DemoUsers } from './demo-users.ts';
import { hostRefusal, signInRefusal } from './front-door.ts';
import { buildSignedResponse, newSamlId, type ResponseSpec } from './response-builder.ts';
import { SCENARIO_TABLE, applyScenario, findScenario, makeUntrustedKey, scenarioValue } from './scenarios.ts';
import { DemoSlo, LOGOUT_PATH, SLO_PATH, SLO_VARIANTS, type IdpSession } from './slo.ts';

export { loadDemoUsers } from './demo-users.ts';

export const DEMO_IDP_ENTITY_ID = 'urn:saml-jit-lab:demo-idp';

export interface DemoIdpDeps {
  keys: KeyPair;
  store: StoreService;
  clock: () => Date;
  resourcesDir: string;
  /** The SP this IdP answers: entity ID and ACS URL; its SLO URL (default `<listener>/saml/slo`). */
  sp: () => { entityId: string; acsUrl: string; nameIdFormat: string; certificatePem: string; sloUrl?: string };
  baseUrl: () => string;
}

/** A scenario picked for one sign-in, with its parameter. */
export interface ScenarioChoice {
  id: string;
  value: number | null;
}

const FORM_LIMIT = 256 * 1024;
/** The shared page style sizes inputs only; selects get the same width and padding inline. */
const SELECT_STYLE = 'width:100%;max-width:100%;padding:6px 8px;border:1px solid var(--line);border-radius:6px;background:transparent;color:inherit;font:inherit';

export class DemoIdpService {
  private readonly deps: DemoIdpDeps;
  readonly users: DemoUsers;
  readonly slo: DemoSlo;
  private untrustedKey: Promise<KeyPair> | null = null;

  constructor(deps: DemoIdpDeps, defaults: DemoUser[]) {
    this.deps = deps;
    this.users = new DemoUsers(deps.store, defaults, deps.keys.privateKeyPem);
    this.slo = new DemoSlo({
      keys: deps.keys,
      clock: deps.clock,
      idpEntityId: DEMO_IDP_ENTITY_ID,
      baseUrl: deps.baseUrl,
      sp: () => {
        const sp = deps.sp();
        return { entityId: sp.entityId, certificatePem: sp.certificatePem, sloUrl: sp.sloUrl ?? `${deps.baseUrl()}/saml/slo` };
      },
      otherKey: () => this.otherKey(),
    });
  }

  private otherKey(): Promise<KeyPair> {
    return (this.untrustedKey ??= makeUntrustedKey());
  }

  metadata(): IdpMetadata & { sloServices: { binding: string; location: string; responseLocation: string | null }[] } {
    const base64 = certBase64(this.deps.keys.certificatePem);
    const summary = summarizeCert(base64)!;
    const slo = this.slo.sloUrl();
    return {
      entityId: DEMO_IDP_ENTITY_ID,
      ssoServices: [
        { binding: BINDING.redirect, location: `${this.deps.baseUrl()}/demo-idp/sso` },
        { binding: BINDING.post, location: `${this.deps.baseUrl()}/demo-idp/sso` },
      ],
      sloServices: [
        { binding: BINDING.redirect, location: slo, responseLocation: null },
        { binding: BINDING.post, location: slo, responseLocation: null },
      ],
      certificates: [{ base64, use: 'signing', ...summary }],
      nameIdFormats: Object.values(DEMO_NAMEID_FORMATS),
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
      md.sloServices.map((s) => `<md:SingleLogoutService Binding="${s.binding}" Location="${h(s.location)}"/>`).join('') +
      md.nameIdFormats.map((f) => `<md:NameIDFormat>${h(f)}</md:NameIDFormat>`).join('') +
      md.ssoServices.map((s) => `<md:SingleSignOnService Binding="${s.binding}" Location="${h(s.location)}"/>`).join('') +
      `</md:IDPSSODescriptor></md:EntityDescriptor>\n`
    );
  }

  // ---- users (the API's demoUsers.* methods) ----

  listUsers(): DemoUserProfile[] {
    return this.users.list(this.deps.sp().entityId);
  }

  getUser(id: string): DemoUserProfile {
    return this.users.get(id, this.deps.sp().entityId);
  }

  /** Replaces a user's attributes (empty values dropped, attributes without values removed). The caller commits. */
  updateUser(id: string, attributes: Record<string, string[]>): DemoUserProfile {
    return this.users.save(id, { attributes }, this.deps.sp().entityId);
  }

  saveUser(id: string, changes: { attributes?: Record<string, string[]>; nameIdFormat?: DemoNameIdFormat; nameIdCase?: DemoNameIdCase }): DemoUserProfile {
    return this.users.save(id, changes, this.deps.sp().entityId);
  }

  resetUsers(): DemoUserProfile[] {
    return this.users.reset(this.deps.sp().entityId);
  }

  scenarios(): readonly DemoScenario[] {
    return SCENARIO_TABLE;
  }

  // ---- responses ----

  /** The signed SAMLResponse (base64) for the user, broken as the scenario says. */
  async signedResponseFor(userId: string, inResponseTo: string | null, scenario: ScenarioChoice | null = null): Promise<string> {
    const user = this.getUser(userId);
    const sp = this.deps.sp();
    const nameId = this.users.nameIdFor(user, sp.entityId);
    const sessionIndex = newSamlId();
    let spec: ResponseSpec = {
      sessionIndex,
      idpEntityId: DEMO_IDP_ENTITY_ID,
      idpKeys: this.deps.keys,
      spEntityId: sp.entityId,
      acsUrl: sp.acsUrl,
      nameId: nameId.value,
      nameIdFormat: nameId.format,
      attributes: user.attributes,
      inResponseTo,
      now: this.deps.clock(),
    };
    if (scenario) {
      spec = await applyScenario(scenario.id, {
        spec,
        value: scenario.value,
        spCertificatePem: sp.certificatePem,
        otherKey: () => this.otherKey(),
      });
    }
    const xml = await buildSignedResponse(spec);
    this.slo.record({ sessionIndex, userId: user.id, nameId: spec.nameId, nameIdFormat: spec.nameIdFormat, spEntityId: sp.entityId, createdAt: spec.now.toISOString() });
    return Buffer.from(xml, 'utf8').toString('base64');
  }

  // ---- HTTP ----

  /** Routes under /demo-idp/. Returns false for other paths. */
  async handle(req: IncomingMessage, res: ServerResponse, url: URL): Promise<boolean> {
    const path = url.pathname;
    if (path !== '/demo-idp' && !path.startsWith('/demo-idp/')) return false;
    const own = this.deps.baseUrl();
    const wrongHost = hostRefusal(req, own);
    if (wrongHost) {
      this.refuse(res, wrongHost, false);
      return true;
    }
    // A sign-in, a saved edit or a logout the IdP starts: only from its own pages or a script.
    const signIn = path === '/demo-idp/login' || path === '/demo-idp/initiate' || path === '/demo-idp/reset' || path === LOGOUT_PATH;
    const foreign = signIn ? signInRefusal(req, own) : null;
    if (foreign) {
      req.resume();
      this.refuse(res, foreign, true, url);
      return true;
    }
    if (req.method === 'GET' && path === '/demo-idp/metadata') {
      sendText(res, 200, 'application/samlmetadata+xml; charset=utf-8', this.metadataXml());
    } else if (req.method === 'GET' && (path === '/demo-idp' || path === '/demo-idp/')) {
      const pick = { user: url.searchParams.get('user'), scenario: url.searchParams.get('scenario'), n: url.searchParams.get('n') ?? url.searchParams.get('seconds') ?? url.searchParams.get('count') ?? url.searchParams.get('kb') };
      sendHtml(res, 200, this.loginPage({ requestId: null, relayState: null, intro: 'IdP-initiated login: pick a user (and a scenario) to send an unsolicited response to the SP.', pick }));
    } else if (path === SLO_PATH) {
      // Logout messages are checked by their signature (the SP's certificate), not by where the browser was.
      await this.slo.handleSlo(req, res, url);
    } else if (req.method === 'GET' && path === LOGOUT_PATH) {
      await this.slo.startLogout(res, url.searchParams, (id) => this.users.nameIdFor(this.getUser(id), this.deps.sp().entityId));
    } else if (path === '/demo-idp/sso' && (req.method === 'GET' || req.method === 'POST')) {
      await this.handleSso(req, res, url);
    } else if (req.method === 'POST' && path === '/demo-idp/login') {
      await this.handleLogin(req, res);
    } else if (req.method === 'POST' && path === '/demo-idp/reset') {
      req.resume();
      this.resetUsers();
      await this.deps.store.commit();
      sendHtml(res, 200, this.loginPage({ requestId: null, relayState: null, intro: 'The demo users are the shipped ones again.', pick: null }));
    } else if (req.method === 'GET' && path === '/demo-idp/initiate') {
      const userId = url.searchParams.get('user') ?? '';
      try {
        const scenario = this.scenarioChoice(url.searchParams);
        const response = await this.signedResponseFor(userId, null, scenario);
        this.sendAutoPost(res, response, url.searchParams.get('RelayState'));
      } catch (error) {
        this.sendError(res, error);
      }
    } else {
      sendHtml(res, 404, page('Demo IdP', '<h1>Not found</h1>'));
    }
    return true;
  }

  /** The scenario a query or form asks for (`scenario=ID` plus its parameter), null for none. */
  private scenarioChoice(params: URLSearchParams): ScenarioChoice | null {
    const id = (params.get('scenario') ?? '').trim();
    if (!id || id === 'none') return null;
    const scenario = findScenario(id);
    if (!scenario) throw new LabError('invalid-input', `There is no scenario "${id.slice(0, 100)}". Scenarios: ${SCENARIO_TABLE.map((s) => s.id).join(', ')}.`);
    return { id: scenario.id, value: scenarioValue(scenario, params) };
  }

  private refuse(res: ServerResponse, reason: string, offerPage: boolean, url?: URL): void {
    let link = '';
    if (offerPage && url) {
      // A link back to the demo IdP's own page with the same user and scenario picked: one deliberate click there.
      const back = new URLSearchParams();
      for (const key of ['user', 'scenario', 'n', 'seconds', 'count', 'kb']) {
        const value = url.searchParams.get(key);
        if (value) back.set(key, value.slice(0, 100));
      }
      const query = back.toString();
      link = `<p><a class="button" href="/demo-idp/${query ? `?${h(query)}` : ''}" data-testid="demo-refused-open-page">Open the demo IdP page</a></p>`;
    }
    sendHtml(
      res,
      403,
      page(
        'Demo IdP — refused',
        `<h1 data-testid="demo-refused">Refused</h1><p class="sub">The demo IdP did not sign anyone in: ${h(reason)}.</p>` +
          `<p>Sign-ins start on the demo IdP's own page (or from SAML JIT Lab's <em>Sign in with IdP</em>), or from a script such as curl. ` +
          `Another site, another port of this host, or a link cannot start one: it could provision accounts with values of its choosing.</p>${link}`,
      ),
    );
  }

  private sendError(res: ServerResponse, error: unknown): void {
    const notFound = error instanceof LabError && error.code === 'not-found';
    const message = error instanceof Error ? error.message : String(error);
    sendHtml(res, notFound ? 404 : 400, page('Demo IdP', `<h1>${notFound ? 'Unknown user' : 'Could not sign in'}</h1><p class="sub">${h(message)}</p>`));
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
    sendHtml(res, 200, this.loginPage({ requestId: request.id, relayState, intro: `The SP asked for a login (${details.join(' · ')}). Edit any attribute, then sign in.`, introIsHtml: true, pick: null }));
  }

  /** The login form: saves the user's edits (attributes, NameID settings), then signs in with the picked scenario. */
  private async handleLogin(req: IncomingMessage, res: ServerResponse): Promise<void> {
    if (contentType(req) !== 'application/x-www-form-urlencoded') {
      req.resume();
      sendHtml(res, 400, page('Demo IdP', '<h1>Expected a form post</h1>'));
      return;
    }
    let form: URLSearchParams;
    try {
      form = parseForm(await readBody(req, FORM_LIMIT));
    } catch (error) {
      sendHtml(res, error instanceof BodyTooLargeError ? 413 : 400, page('Demo IdP', '<h1>Form too large</h1>'));
      return;
    }
    const userId = form.get('user') ?? '';
    try {
      const changes = formChanges(form);
      if (changes) {
        this.saveUser(userId, changes);
        await this.deps.store.commit();
      }
      const response = await this.signedResponseFor(userId, form.get('requestId') || null, this.scenarioChoice(form));
      this.sendAutoPost(res, response, form.get('RelayState'));
    } catch (error) {
      this.sendError(res, error);
    }
  }

  private sendAutoPost(res: ServerResponse, samlResponse: string, relayState: string | null): void {
    const fields: Record<string, string> = { SAMLResponse: samlResponse };
    if (relayState) fields.RelayState = relayState;
    sendAutoPost(res, this.deps.sp().acsUrl, fields, 'Signing you in…');
  }

  private loginPage(options: {
    requestId: string | null;
    relayState: string | null;
    /** Plain text, or HTML already escaped when `introIsHtml`. */
    intro: string;
    introIsHtml?: boolean;
    pick: { user: string | null; scenario: string | null; n: string | null } | null;
  }): string {
    const { requestId, relayState, intro, introIsHtml, pick } = options;
    const sp = this.deps.sp();
    const cards = this.listUsers()
      .map((u) => {
        const picked = pick !== null && (pick.user === null || pick.user === u.id);
        return userCard(u, { requestId, relayState, scenario: picked ? pick.scenario : null, n: picked ? pick.n : null });
      })
      .join('');
    return page(
      'Demo IdP — sign in',
      `<h1>Demo IdP</h1><p class="sub">${introIsHtml ? intro : h(intro)} Responses go to <code>${h(sp.acsUrl)}</code> for <code>${h(sp.entityId)}</code>. ` +
        `Multi-valued attributes: comma-separated. Empty a field to remove that attribute.</p>` +
        `<div class="users">${cards}</div>` +
        sessionsHtml(this.slo.listSessions().filter((x) => x.spEntityId === sp.entityId)) +
        `<form class="card" method="post" action="/demo-idp/reset" data-testid="demo-reset"><strong>Reset</strong><div>Forget every edit: the shipped users, NameIDs and attributes again.</div><button type="submit">Reset demo users</button></form>` +
        scenarioTableHtml(),
    );
  }
}

/** The edits a login form carries: `attr:NAME` fields (comma-separated values; empty removes), `newAttrName` and
 * `newAttrValue` (adds one), `nameIdFormat`, `nameIdCase`. Null when it carries none (a script's plain sign-in). */
function formChanges(form: URLSearchParams): { attributes?: Record<string, string[]>; nameIdFormat?: DemoNameIdFormat; nameIdCase?: DemoNameIdCase } | null {
  const attributes: Record<string, string[]> = Object.create(null) as Record<string, string[]>;
  let any = false;
  for (const [key, value] of form) {
    if (key.startsWith('attr:')) {
      attributes[key.slice(5)] = value.split(',');
      any = true;
    }
  }
  const newName = (form.get('newAttrName') ?? '').trim();
  if (newName) {
    attributes[newName] = [...(Object.hasOwn(attributes, newName) ? attributes[newName]! : []), ...(form.get('newAttrValue') ?? '').split(',')];
    any = true;
  }
  const format = form.get('nameIdFormat');
  const nameIdCase = form.get('nameIdCase');
  const changes: { attributes?: Record<string, string[]>; nameIdFormat?: DemoNameIdFormat; nameIdCase?: DemoNameIdCase } = {};
  if (any) changes.attributes = attributes;
  if (format !== null) {
    const parsed = DemoNameIdFormat.safeParse(format);
    if (!parsed.success) throw new LabError('invalid-input', `NameID format must be one of ${DemoNameIdFormat.options.join(', ')}.`);
    changes.nameIdFormat = parsed.data;
  }
  if (nameIdCase !== null) {
    const parsed = DemoNameIdCase.safeParse(nameIdCase);
    if (!parsed.success) throw new LabError('invalid-input', `NameID case must be one of ${DemoNameIdCase.options.join(', ')}.`);
    changes.nameIdCase = parsed.data;
  }
  return Object.keys(changes).length > 0 ? changes : null;
}

function options(values: readonly string[], selected: string, label: (v: string) => string = (v) => v): string {
  return values.map((v) => `<option value="${h(v)}"${v === selected ? ' selected' : ''}>${h(label(v))}</option>`).join('');
}

function userCard(u: DemoUserProfile, o: { requestId: string | null; relayState: string | null; scenario: string | null; n: string | null }): string {
  const id = h(u.id);
  const inputs = Object.entries(u.attributes)
    .map(
      ([name, values]) =>
        `<label for="${id}-${h(name)}">${h(name)}</label><input id="${id}-${h(name)}" name="attr:${h(name)}" value="${h(values.join(','))}" data-testid="demo-attr-${id}-${h(name)}">`,
    )
    .join('');
  const scenarioOptions =
    `<option value="none">None: a valid login</option>` +
    SCENARIO_TABLE.map((s) => `<option value="${h(s.id)}"${s.id === o.scenario ? ' selected' : ''}>${h(s.title)} → ${h(s.checks[0] ?? '')}</option>`).join('');
  return (
    `<form class="card" method="post" action="/demo-idp/login" data-testid="demo-user-${id}">` +
    `<strong>${h(u.label)}</strong><div><code data-testid="demo-nameid-${id}">${h(u.effectiveNameId)}</code></div>` +
    `<input type="hidden" name="user" value="${id}">` +
    (o.requestId ? `<input type="hidden" name="requestId" value="${h(o.requestId)}">` : '') +
    (o.relayState ? `<input type="hidden" name="RelayState" value="${h(o.relayState)}">` : '') +
    `<label for="${id}-nameid-format">NameID format</label><select id="${id}-nameid-format" name="nameIdFormat" style="${SELECT_STYLE}" data-testid="demo-nameid-format-${id}">${options(DemoNameIdFormat.options, u.nameIdFormat)}</select>` +
    `<label for="${id}-nameid-case">NameID case</label><select id="${id}-nameid-case" name="nameIdCase" style="${SELECT_STYLE}" data-testid="demo-nameid-case-${id}">${options(DemoNameIdCase.options, u.nameIdCase)}</select>` +
    inputs +
    `<label for="${id}-new-name">Add attribute: name</label><input id="${id}-new-name" name="newAttrName" data-testid="demo-new-attr-name-${id}">` +
    `<label for="${id}-new-value">Add attribute: values</label><input id="${id}-new-value" name="newAttrValue" data-testid="demo-new-attr-value-${id}">` +
    `<label for="${id}-scenario">Scenario</label><select id="${id}-scenario" name="scenario" style="${SELECT_STYLE}" data-testid="demo-scenario-${id}">${scenarioOptions}</select>` +
    `<label for="${id}-n">N (seconds, groups or kB; blank: the scenario's default)</label><input id="${id}-n" name="n" inputmode="numeric" value="${h(o.n ?? '')}" data-testid="demo-scenario-n-${id}">` +
    `<button type="submit" data-testid="demo-signin-${id}">Sign in as ${h(u.label.split(' ')[0] ?? u.id)}</button></form>`
  );
}

function scenarioTableHtml(): string {
  const rows = SCENARIO_TABLE.map(
    (s) =>
      `<li data-testid="demo-scenario-row-${h(s.id)}"><strong>${h(s.title)}</strong> <code>${h(s.id)}</code>${s.param ? ` (<code>${h(s.param.name)}</code>, default ${s.param.default})` : ''}: ` +
      `${h(s.description)} Trips ${s.checks.map((c) => `<code>${h(c)}</code>`).join(', ')} → <span class="${s.status === 'fail' ? 'bad' : s.status === 'warn' ? 'warn' : 'ok'}">${s.status}</span>, login ${s.verdict}.</li>`,
  ).join('');
  return (
    `<div class="card"><strong>Scenarios</strong><p class="sub">Each breaks the login in one way, signed for real; scripts use ` +
    `<code>/demo-idp/initiate?user=alice&amp;scenario=expired</code> (plus <code>seconds</code>, <code>count</code> or <code>kb</code>).</p><ul class="checks">${rows}</ul></div>`
  );
}

/** The IdP's open sessions with this SP (newest first, at most 20), each with an IdP-initiated logout form. */
function sessionsHtml(sessions: IdpSession[]): string {
  if (sessions.length === 0) return '';
  const variants = `<option value="">a valid, signed LogoutRequest</option>` + SLO_VARIANTS.map((v) => `<option value="${h(v.id)}">${h(v.title)}</option>`).join('');
  const rows = sessions
    .slice(-20)
    .reverse()
    .map(
      (x) =>
        `<form method="get" action="${LOGOUT_PATH}" data-testid="demo-session-${h(x.sessionIndex)}"><div><strong>${h(x.userId)}</strong> <code>${h(x.nameId)}</code> · SessionIndex <code>${h(x.sessionIndex)}</code> · ${h(x.createdAt)}</div>` +
        `<input type="hidden" name="user" value="${h(x.userId)}"><input type="hidden" name="sessionIndex" value="${h(x.sessionIndex)}">` +
        `<label>Logout request<select name="variant" style="${SELECT_STYLE}">${variants}</select></label>` +
        `<label>Binding<select name="binding" style="${SELECT_STYLE}"><option value="redirect">HTTP-Redirect</option><option value="post">HTTP-POST</option></select></label>` +
        `<button type="submit">Log out at the SP</button></form>`,
    )
    .join('');
  return `<div class="card" data-testid="demo-sessions"><strong>Sessions (Single Logout)</strong><p class="sub">Sessions this IdP opened with the SP. Logging one out sends an IdP-initiated LogoutRequest to the SP's SingleLogoutService; the broken variants show what the SP must refuse.</p>${rows}</div>`;
}
