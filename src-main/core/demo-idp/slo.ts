// The demo IdP's side of Single Logout (SAML profiles 4.4), both directions:
//
// - SP-initiated: a LogoutRequest arrives at /demo-idp/slo (Redirect with a query signature, or POST). It must be
//   signed with the SP certificate the lab passes in, come from the SP's entity ID, name this endpoint, be in time,
//   and name a session this IdP opened (NameID and SessionIndex). The session ends and a signed LogoutResponse goes
//   back over the same binding to the SP's SLO URL: Success, or Requester with RequestDenied / UnknownPrincipal and
//   a message saying why.
// - IdP-initiated: /demo-idp/logout?user=alice sends a signed LogoutRequest for the user's latest session (or the
//   given sessionIndex) to the SP; `variant` breaks it on purpose (SLO_VARIANTS). The SP's LogoutResponse comes back
//   to /demo-idp/slo and is checked against the requests this IdP sent; the page says what was received.
//
// Sessions live in memory (the last MAX_SESSIONS logins): a restarted lab has none, as a restarted IdP would.
import type { IncomingMessage, ServerResponse } from 'node:http';
import { contentType, h, page, parseForm, readBody, sendAutoPost, sendHtml, BodyTooLargeError } from '../listener/http-util.ts';
import type { KeyPair } from '../sp/keys.ts';
import { newSamlId } from './response-builder.ts';
import {
  STATUS,
  SloMessageError,
  logoutRequestXml,
  logoutResponseXml,
  parseLogoutRequest,
  parseLogoutResponse,
  readPost,
  readRedirect,
  redirectUrl,
  signEnveloped,
  type ReceivedMessage,
} from './slo-messages.ts';

export const SLO_PATH = '/demo-idp/slo';
export const LOGOUT_PATH = '/demo-idp/logout';
const MAX_SESSIONS = 1000;
const MAX_PENDING = 200;
const SKEW_MS = 180_000;
const LIFETIME_MS = 5 * 60_000;

export interface IdpSession {
  sessionIndex: string;
  userId: string;
  nameId: string;
  nameIdFormat: string;
  spEntityId: string;
  createdAt: string;
}

export interface SloVariant {
  id: string;
  title: string;
  description: string;
}

/** Broken IdP-initiated LogoutRequests: what the SP must refuse, and say why. */
export const SLO_VARIANTS: readonly SloVariant[] = [
  { id: 'unsigned', title: 'Unsigned', description: 'The LogoutRequest carries no signature: anyone could have sent it. The SP must not end the session.' },
  { id: 'other-key', title: 'Signed with another key', description: 'Signed by a key the IdP metadata does not list.' },
  { id: 'wrong-session-index', title: 'Wrong SessionIndex', description: 'The right NameID, but a SessionIndex of no session: the SP must say that no session matches.' },
  { id: 'wrong-nameid', title: 'Wrong NameID', description: 'The session\'s SessionIndex, but another NameID: the SP must not end a session of someone else.' },
  { id: 'expired', title: 'Expired', description: 'NotOnOrAfter is an hour in the past.' },
  { id: 'wrong-destination', title: 'Wrong Destination', description: 'Destination names another SP\'s SLO URL.' },
];

export interface DemoSloDeps {
  keys: KeyPair;
  clock: () => Date;
  idpEntityId: string;
  baseUrl: () => string;
  /** The SP: its entity ID, its certificate (verifies its LogoutRequests/Responses) and its SLO URL. */
  sp: () => { entityId: string; certificatePem: string; sloUrl: string };
  /** A key the SP does not trust (the other-key variant). */
  otherKey: () => Promise<KeyPair>;
}

interface PendingRequest {
  id: string;
  sessionIndex: string | null;
  variant: string | null;
  sentAt: string;
}

export class DemoSlo {
  private readonly deps: DemoSloDeps;
  private readonly sessions: IdpSession[] = [];
  private readonly pending: PendingRequest[] = [];

  constructor(deps: DemoSloDeps) {
    this.deps = deps;
  }

  /** Remembers a session this IdP opened (each signed login response). */
  record(session: IdpSession): void {
    this.sessions.push(session);
    if (this.sessions.length > MAX_SESSIONS) this.sessions.splice(0, this.sessions.length - MAX_SESSIONS);
  }

  listSessions(): IdpSession[] {
    return [...this.sessions];
  }

  sloUrl(): string {
    return `${this.deps.baseUrl()}${SLO_PATH}`;
  }

  /** /demo-idp/slo: a LogoutRequest from the SP, or the SP's LogoutResponse to one of ours. */
  async handleSlo(req: IncomingMessage, res: ServerResponse, url: URL): Promise<void> {
    const spCert = this.deps.sp().certificatePem;
    let message: ReceivedMessage;
    try {
      if (req.method === 'GET') {
        message = readRedirect(url.search, spCert);
      } else if (req.method === 'POST') {
        if (contentType(req) !== 'application/x-www-form-urlencoded') throw new SloMessageError('Expected a form post (HTTP-POST binding).');
        message = readPost(parseForm(await readBody(req, 256 * 1024)), spCert);
      } else {
        sendHtml(res, 405, page('Demo IdP', '<h1>Use GET (HTTP-Redirect) or POST (HTTP-POST)</h1>'));
        return;
      }
      if (message.param === 'SAMLRequest') this.answerLogoutRequest(res, message);
      else this.showLogoutResponse(res, message);
    } catch (error) {
      const status = error instanceof BodyTooLargeError ? 413 : 400;
      sendHtml(res, status, page('Demo IdP — Single Logout', `<h1>Unreadable logout message</h1><p class="sub">${h(error instanceof Error ? error.message : String(error))}</p>`));
    }
  }

  private answerLogoutRequest(res: ServerResponse, message: ReceivedMessage): void {
    const request = parseLogoutRequest(message.xml);
    const sp = this.deps.sp();
    const now = this.deps.clock();
    const deny = (subStatus: string, why: string): { status: string; subStatus: string; message: string } => ({ status: STATUS.requester, subStatus, message: why });
    let outcome: { status: string; subStatus: string | null; message: string };
    const notOnOrAfter = request.notOnOrAfter ? Date.parse(request.notOnOrAfter) : NaN;
    if (message.signature !== 'valid') {
      outcome = deny(STATUS.requestDenied, message.signature === 'none' ? 'The LogoutRequest is not signed; this IdP requires the SP to sign it.' : `The LogoutRequest signature is invalid: ${message.signatureProblem ?? 'it does not verify'}.`);
    } else if (request.issuer !== sp.entityId) {
      outcome = deny(STATUS.requestDenied, `The LogoutRequest comes from ${request.issuer ?? 'no Issuer'}, not from the SP ${sp.entityId}.`);
    } else if (request.destination !== null && request.destination !== this.sloUrl()) {
      outcome = deny(STATUS.requestDenied, `The LogoutRequest is addressed to ${request.destination}, not to ${this.sloUrl()}.`);
    } else if (request.notOnOrAfter !== null && (Number.isNaN(notOnOrAfter) || notOnOrAfter + SKEW_MS <= now.getTime())) {
      outcome = deny(STATUS.requestDenied, `The LogoutRequest expired (NotOnOrAfter ${request.notOnOrAfter}).`);
    } else {
      outcome = this.endSessions(request.nameId, request.sessionIndexes, sp.entityId);
    }
    const xml = logoutResponseXml({
      id: newSamlId(),
      inResponseTo: request.id,
      issuer: this.deps.idpEntityId,
      destination: sp.sloUrl,
      issueInstant: now,
      status: outcome.status,
      subStatus: outcome.subStatus,
      message: outcome.message,
    });
    this.send(res, 'SAMLResponse', xml, message.binding, message.relayState, this.deps.keys, sp.sloUrl, 'Logging out…');
  }

  /** Ends the sessions the request names; says which, or why none matches. */
  private endSessions(nameId: string | null, sessionIndexes: string[], spEntityId: string): { status: string; subStatus: string | null; message: string } {
    if (!nameId) return { status: STATUS.requester, subStatus: STATUS.unknownPrincipal, message: 'The LogoutRequest names no NameID.' };
    const ofSp = this.sessions.filter((s) => s.spEntityId === spEntityId);
    let matched: IdpSession[];
    if (sessionIndexes.length > 0) {
      const byIndex = ofSp.filter((s) => sessionIndexes.includes(s.sessionIndex));
      if (byIndex.length === 0) return { status: STATUS.requester, subStatus: STATUS.unknownPrincipal, message: `No session with SessionIndex ${sessionIndexes.join(', ')} (the IdP opened ${ofSp.length} session(s) for this SP).` };
      matched = byIndex.filter((s) => s.nameId === nameId);
      if (matched.length === 0) return { status: STATUS.requester, subStatus: STATUS.unknownPrincipal, message: `The session ${byIndex[0]!.sessionIndex} belongs to NameID ${byIndex[0]!.nameId}, not ${nameId}.` };
    } else {
      matched = ofSp.filter((s) => s.nameId === nameId);
      if (matched.length === 0) return { status: STATUS.requester, subStatus: STATUS.unknownPrincipal, message: `No session for NameID ${nameId}.` };
    }
    for (const s of matched) this.sessions.splice(this.sessions.indexOf(s), 1);
    return { status: STATUS.success, subStatus: null, message: `Ended ${matched.length} session(s): ${matched.map((s) => s.sessionIndex).join(', ')}.` };
  }

  private showLogoutResponse(res: ServerResponse, message: ReceivedMessage): void {
    const response = parseLogoutResponse(message.xml);
    const sent = response.inResponseTo ? this.pending.find((p) => p.id === response.inResponseTo) : undefined;
    if (sent) this.pending.splice(this.pending.indexOf(sent), 1);
    const rows: [string, boolean, string][] = [
      ['signature', message.signature === 'valid', message.signature === 'valid' ? 'valid (SP certificate)' : message.signature === 'none' ? 'unsigned' : `invalid: ${message.signatureProblem ?? ''}`],
      ['issuer', response.issuer === this.deps.sp().entityId, response.issuer ?? 'absent'],
      ['destination', response.destination === this.sloUrl(), response.destination ?? 'absent'],
      ['in-response-to', sent !== undefined, sent ? `${response.inResponseTo} (sent ${sent.sentAt}${sent.variant ? `, variant ${sent.variant}` : ''})` : `${response.inResponseTo ?? 'absent'}: not a LogoutRequest this IdP sent`],
      ['status', response.status === STATUS.success, [response.status, response.subStatus, response.message].filter(Boolean).join(' / ') || 'absent'],
    ];
    const ok = rows.every(([, pass]) => pass);
    sendHtml(
      res,
      200,
      page(
        'Demo IdP — logout answered',
        `<h1 data-testid="slo-result" data-ok="${ok}">${ok ? 'The SP logged the user out' : 'The SP\'s LogoutResponse is not a clean success'}</h1>` +
          `<ul class="checks">${rows.map(([id, pass, text]) => `<li data-testid="slo-check-${id}" data-status="${pass ? 'pass' : 'fail'}"><span class="${pass ? 'ok' : 'bad'}">${pass ? '✓' : '✗'}</span> <code>${id}</code>: ${h(text)}</li>`).join('')}</ul>`,
      ),
    );
  }

  /** /demo-idp/logout?user=…[&sessionIndex=…][&binding=redirect|post][&variant=…]: an IdP-initiated LogoutRequest. */
  async startLogout(res: ServerResponse, params: URLSearchParams, nameIdOf: (userId: string) => { value: string; format: string }): Promise<void> {
    const userId = params.get('user') ?? '';
    const variant = params.get('variant') || null;
    if (variant !== null && !SLO_VARIANTS.some((v) => v.id === variant)) {
      sendHtml(res, 400, page('Demo IdP', `<h1>Unknown logout variant</h1><p class="sub">Variants: ${SLO_VARIANTS.map((v) => h(v.id)).join(', ')}.</p>`));
      return;
    }
    const binding = params.get('binding') === 'post' ? 'post' : 'redirect';
    const sp = this.deps.sp();
    const wanted = params.get('sessionIndex');
    const session = [...this.sessions].reverse().find((s) => s.spEntityId === sp.entityId && (wanted ? s.sessionIndex === wanted : s.userId === userId));
    let nameId: { value: string; format: string };
    try {
      nameId = session ? { value: session.nameId, format: session.nameIdFormat } : nameIdOf(userId);
    } catch (error) {
      sendHtml(res, 404, page('Demo IdP', `<h1>Unknown user</h1><p class="sub">${h(error instanceof Error ? error.message : String(error))}</p>`));
      return;
    }
    if (!session && !wanted) {
      sendHtml(res, 409, page('Demo IdP', `<h1>No session</h1><p class="sub">The demo IdP has no session for ${h(userId)} with this SP. Sign in first (or give a sessionIndex).</p>`));
      return;
    }
    const now = this.deps.clock();
    const expired = variant === 'expired';
    const issueInstant = expired ? new Date(now.getTime() - 65 * 60_000) : now;
    const id = newSamlId();
    const xml = logoutRequestXml({
      id,
      issuer: this.deps.idpEntityId,
      destination: variant === 'wrong-destination' ? 'https://another-sp.example/saml/slo' : sp.sloUrl,
      nameId: variant === 'wrong-nameid' ? 'someone-else@example.com' : nameId.value,
      nameIdFormat: nameId.format,
      sessionIndex: variant === 'wrong-session-index' ? newSamlId() : (session?.sessionIndex ?? wanted),
      issueInstant,
      notOnOrAfter: new Date(issueInstant.getTime() + LIFETIME_MS),
    });
    this.pending.push({ id, sessionIndex: session?.sessionIndex ?? wanted, variant, sentAt: now.toISOString() });
    if (this.pending.length > MAX_PENDING) this.pending.splice(0, this.pending.length - MAX_PENDING);
    // A clean logout ends the IdP's own session now; a broken one leaves it, as the SP should leave its own.
    if (session && variant === null) this.sessions.splice(this.sessions.indexOf(session), 1);
    const keys = variant === 'unsigned' ? null : variant === 'other-key' ? await this.deps.otherKey() : this.deps.keys;
    this.send(res, 'SAMLRequest', xml, binding, params.get('RelayState'), keys, sp.sloUrl, 'Logging out at the SP…');
  }

  private send(res: ServerResponse, param: 'SAMLRequest' | 'SAMLResponse', xml: string, binding: 'redirect' | 'post', relayState: string | null, keys: KeyPair | null, location: string, title: string): void {
    const state = relayState ? relayState.slice(0, 1024) : null;
    if (binding === 'redirect') {
      res.writeHead(302, { Location: redirectUrl(location, param, xml, state, keys), 'Cache-Control': 'no-store', 'Referrer-Policy': 'no-referrer' });
      res.end();
      return;
    }
    const body = keys ? signEnveloped(xml, keys) : xml;
    const fields: Record<string, string> = { [param]: Buffer.from(body, 'utf8').toString('base64') };
    if (state) fields.RelayState = state;
    sendAutoPost(res, location, fields, title);
  }
}
