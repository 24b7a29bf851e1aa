// Single Logout on the lab's SP side (SAML profiles 4.4), both directions, each exchange stored and checked like a
// login:
//
// - SP-initiated: GET /saml/logout?session=ID sends a LogoutRequest (the session's NameID with its Format and
//   qualifiers, its SessionIndex) to the IdP's SingleLogoutService, HTTP-Redirect when offered, else HTTP-POST.
//   The lab ALWAYS signs it (query signature / enveloped XML signature), whatever WantAuthnRequestsSigned says:
//   profiles 4.4.4.1 requires the requester to authenticate a front-channel LogoutRequest, and signing is the only way
//   over these bindings (IdPs such as SimpleSAMLphp and Shibboleth refuse unsigned ones). The LogoutResponse that comes
//   back to /saml/slo is verified (slo.message, slo.issuer, slo.signature, slo.destination, slo.in-response-to,
//   slo.status); a verified Success ends the session, anything else leaves it live and says why.
// - IdP-initiated: a LogoutRequest at /saml/slo is verified (slo.message, slo.issuer, slo.signature,
//   slo.destination, slo.not-on-or-after, slo.session: NameID and SessionIndex against the live sessions, naming the
//   session or why none matches); matched sessions end, and a signed LogoutResponse goes to the IdP's SLO response
//   location: Success, Success/PartialLogout when only some SessionIndexes matched, or Requester with
//   RequestDenied / UnknownPrincipal and the reason as StatusMessage.
//
// Anyone can post to /saml/slo: an exchange no trusted IdP's valid signature vouched for is stored capped field by
// field and within its own budget (store-service.ts SLO_BOUNDS).
import { DEFAULT_LIMITS, scanXml } from '../saml/limits.ts';
import { randomUUID } from 'node:crypto';
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { Check, HandlersFor, Session, SloDetail, SloSummary, SpSettings } from '../../contract/index.ts';
import type { sessionMethods, sloMethods } from '../../contract/slo.ts';
import { newSamlId } from '../demo-idp/response-builder.ts';
import { LabError } from '../errors.ts';
import { BINDING, type IdpMetadata, type ParsedIdpMetadata } from '../idp/metadata.ts';
import type { IdpRegistry } from '../idp/registry.ts';
import { BodyTooLargeError, contentType, h, page, parseForm, readBody, sendAutoPost, sendHtml } from '../listener/http-util.ts';
import type { KeyPair } from '../sp/keys.ts';
import type { StoredIdp, StoredSession, StoredSloExchange } from '../store/schema.ts';
import type { StoreService } from '../store/store-service.ts';
import { decryptEncryptedAssertion } from '../saml/xmlenc.ts';
import { NS, XmlParseError, attr, descendants, parseXml, textOf } from '../util/xml.ts';
import {
  MAX_MESSAGE_BYTES,
  STATUS,
  SloDecodeError,
  decodePost,
  decodeRedirect,
  logoutRequestXml,
  logoutResponseXml,
  parseLogoutRequest,
  parseLogoutResponse,
  signEnveloped,
  signedRedirectUrl,
  verifySignature,
  type ReceivedSloMessage,
  type SignatureOutcome,
  type SloBinding,
} from './messages.ts';

export const SLO_PATH = '/saml/slo';
export const LOGOUT_PATH = '/saml/logout';
/** How long a LogoutRequest the lab sent waits for its LogoutResponse; and the NotOnOrAfter it carries. */
const REQUEST_LIFETIME_MS = 10 * 60_000;
/** How much of any value from an unauthenticated message is kept. */
const FIELD_KEPT = 1024;
const XML_KEPT = 16 * 1024;

export interface SloServiceDeps {
  store: StoreService;
  clock: () => Date;
  idps: IdpRegistry;
  sp: () => SpSettings;
  spKeys: KeyPair;
  baseUrl: () => string;
  /** Where "Back to SAML JIT Lab" goes (the UI's URL), or null. */
  appUrl: () => string | null;
  openLoginWindow?: ((url: string) => void) | undefined;
  /** Announces each exchange that completed (slo.completed). */
  onCompleted?: (x: SloSummary) => void;
}

type Sent = { binding: 'redirect'; url: string } | { binding: 'post'; url: string; fields: Record<string, string> };

const check = (id: string, title: string, status: Check['status'], expected: string | null, received: string | null, hint: string | null): Check => ({ id, title, status, expected, received, hint });

function cap<T extends string | null>(value: T, max = FIELD_KEPT): T {
  if (value === null || value.length <= max) return value;
  return `${value.slice(0, max)}… [${value.length} characters in all; the rest not kept]` as T;
}

const endpointsOf = (md: IdpMetadata | ParsedIdpMetadata): ParsedIdpMetadata['sloServices'] => ('sloServices' in md ? md.sloServices : []);

/** The IdP's SLO endpoint for sending: the wanted binding when offered, else the other one. */
function sloEndpoint(md: IdpMetadata | ParsedIdpMetadata, prefer: SloBinding, forResponse: boolean): { binding: SloBinding; url: string } | null {
  const services = endpointsOf(md);
  const order: SloBinding[] = prefer === 'redirect' ? ['redirect', 'post'] : ['post', 'redirect'];
  for (const b of order) {
    const s = services.find((x) => x.binding === (b === 'redirect' ? BINDING.redirect : BINDING.post));
    if (s) return { binding: b, url: (forResponse ? s.responseLocation : null) ?? s.location };
  }
  return null;
}

/** The session as the API shows it (its state as of `now`). */
export function publicSession(s: StoredSession): Session {
  return { ...s, state: s.endedAt === null ? 'live' : 'ended' };
}

export function summarizeSlo(x: StoredSloExchange): SloSummary {
  return {
    id: x.id,
    flow: x.flow,
    startedAt: x.startedAt,
    completedAt: x.completedAt,
    state: x.state,
    verdict: x.verdict,
    binding: x.binding,
    idpEntityId: x.idpEntityId,
    sessionId: x.sessionId,
    nameId: x.nameId,
    status: x.status,
    failedCheckIds: x.checks.filter((c) => c.status === 'fail').map((c) => c.id),
  };
}

function detailSlo(x: StoredSloExchange): SloDetail {
  return { ...summarizeSlo(x), requestId: x.requestId, requestXml: x.requestXml, responseXml: x.responseXml, statusMessage: x.statusMessage, relayState: x.relayState, checks: x.checks };
}

export class SloService {
  private readonly deps: SloServiceDeps;

  constructor(deps: SloServiceDeps) {
    this.deps = deps;
  }

  /** The SP's SingleLogoutService URL: beside the ACS (so a public base URL in front of the listener applies to both). */
  sloUrl(): string {
    const acs = this.deps.sp().acsUrl;
    return acs.endsWith('/saml/acs') ? `${acs.slice(0, -'/saml/acs'.length)}${SLO_PATH}` : `${this.deps.baseUrl()}${SLO_PATH}`;
  }

  /** Ends the live sessions whose SessionNotOnOrAfter has passed (at that instant); true when any did. */
  expire(now: Date = this.deps.clock()): boolean {
    let changed = false;
    for (const s of this.deps.store.data.sessions) {
      if (s.endedAt === null && s.notOnOrAfter !== null && Date.parse(s.notOnOrAfter) <= now.getTime()) {
        changed = this.deps.store.sessions.end(s, { at: s.notOnOrAfter, by: 'expiry' }) || changed;
      }
    }
    return changed;
  }

  private findSession(id: string): StoredSession {
    const s = this.deps.store.data.sessions.find((x) => x.id === id);
    if (!s) throw new LabError('not-found', `There is no session "${id}" (ended sessions are kept up to a limit).`);
    return s;
  }

  handlers(): HandlersFor<typeof sessionMethods & typeof sloMethods> {
    const { store } = this.deps;
    return {
      'sessions.list': async (input) => {
        if (this.expire()) await store.commit();
        return store.data.sessions
          .filter((s) => (!input.accountId || s.accountId === input.accountId) && (!input.state || (input.state === 'live') === (s.endedAt === null)))
          .reverse()
          .map(publicSession);
      },
      'sessions.end': async (input) => {
        const s = this.findSession(input.id);
        this.expire();
        store.sessions.end(s, { at: this.deps.clock().toISOString(), by: 'hand' });
        await store.commit();
        return publicSession(s);
      },
      'sessions.logout': (input) => {
        const s = this.findSession(input.id);
        const url = `${this.deps.baseUrl()}${LOGOUT_PATH}?session=${encodeURIComponent(s.id)}`;
        if (this.deps.openLoginWindow) {
          this.deps.openLoginWindow(url);
          return { url, opened: true };
        }
        return { url, opened: false };
      },
      'slo.list': (input) => {
        const all = store.data.sloExchanges;
        const out: SloSummary[] = [];
        for (let i = all.length - 1; i >= 0 && out.length < (input.limit ?? 100_000); i--) {
          if (!input.sessionId || all[i]!.sessionId === input.sessionId) out.push(summarizeSlo(all[i]!));
        }
        return out;
      },
      'slo.get': (input) => {
        const x = store.data.sloExchanges.find((e) => e.id === input.id);
        if (!x) throw new LabError('not-found', `There is no logout exchange "${input.id}" (it may have been pruned).`);
        return detailSlo(x);
      },
    };
  }

  /** Builds the signed LogoutRequest for a live session and records it as pending. Throws LabError when it cannot. */
  async startLogout(sessionId: string, relayState: string | null): Promise<Sent & { exchangeId: string }> {
    const now = this.deps.clock();
    if (this.expire(now)) await this.deps.store.commit();
    const session = this.findSession(sessionId);
    if (session.endedAt !== null) throw new LabError('invalid-input', `The session ended ${session.endedAt} (${session.endedBy ?? 'ended'}): there is nothing to log out.`);
    const idp = this.idpOfSession(session);
    const md = this.deps.idps.metadataOf(idp);
    const endpoint = sloEndpoint(md, 'redirect', false);
    if (!endpoint) throw new LabError('invalid-metadata', `${idp.name} lists no SingleLogoutService (HTTP-Redirect or HTTP-POST) in its metadata: the lab cannot ask it to log out. End the session by hand.`);
    const sp = this.deps.sp();
    const id = newSamlId();
    const xml = logoutRequestXml({
      id,
      issuer: sp.entityId,
      destination: endpoint.url,
      issueInstant: now,
      notOnOrAfter: new Date(now.getTime() + REQUEST_LIFETIME_MS),
      nameId: session.nameId,
      nameIdFormat: session.nameIdFormat,
      nameQualifier: session.nameQualifier,
      spNameQualifier: session.spNameQualifier,
      sessionIndex: session.sessionIndex,
    });
    const exchange: StoredSloExchange = {
      id: randomUUID(),
      flow: 'sp-initiated',
      startedAt: now.toISOString(),
      completedAt: null,
      state: 'pending',
      verdict: null,
      binding: endpoint.binding,
      idpEntityId: md.entityId,
      sessionId: session.id,
      nameId: session.nameId,
      requestId: id,
      expiresAt: new Date(now.getTime() + REQUEST_LIFETIME_MS).toISOString(),
      requestXml: xml,
      responseXml: null,
      status: null,
      statusMessage: null,
      relayState: cap(relayState),
      checks: [],
    };
    this.deps.store.sloExchanges.append(exchange);
    await this.deps.store.commit();
    return { ...this.outgoing(endpoint, 'SAMLRequest', xml, relayState), exchangeId: exchange.id };
  }

  private idpOfSession(session: StoredSession): StoredIdp {
    const idp = this.deps.store.data.idps.find((i) => i.id === session.idpId) ?? this.deps.idps.byEntityId(session.idpEntityId);
    if (!idp) throw new LabError('not-found', `The IdP ${session.idpEntityId} of this session is no longer configured. End the session by hand.`);
    return idp;
  }

  private outgoing(endpoint: { binding: SloBinding; url: string }, param: 'SAMLRequest' | 'SAMLResponse', xml: string, relayState: string | null): Sent {
    const state = relayState ? relayState.slice(0, 1024) : null;
    if (endpoint.binding === 'redirect') return { binding: 'redirect', url: signedRedirectUrl(endpoint.url, param, xml, state, this.deps.spKeys) };
    const fields: Record<string, string> = { [param]: Buffer.from(signEnveloped(xml, this.deps.spKeys), 'utf8').toString('base64') };
    if (state) fields.RelayState = state;
    return { binding: 'post', url: endpoint.url, fields };
  }

  /** GET /saml/logout?session=ID */
  async logoutRoute(_req: IncomingMessage, res: ServerResponse, url: URL): Promise<void> {
    try {
      const sent = await this.startLogout(url.searchParams.get('session') ?? '', url.searchParams.get('RelayState'));
      send(res, sent, 'Sending the logout request to the IdP…');
    } catch (error) {
      const status = error instanceof LabError && error.code === 'not-found' ? 404 : 400;
      sendHtml(res, status, page('Cannot log out', `<div class="card" data-testid="slo-start-error"><h1 class="bad">Cannot start the logout</h1><p class="sub">${h(error instanceof Error ? error.message : String(error))}</p></div>`));
    }
  }

  /** GET or POST /saml/slo: a LogoutResponse to the lab's request, or an IdP's LogoutRequest. */
  async sloRoute(req: IncomingMessage, res: ServerResponse, url: URL): Promise<void> {
    const now = this.deps.clock();
    let message: ReceivedSloMessage;
    try {
      if (req.method === 'GET') {
        // The query exactly as sent (a URL parser may re-encode characters, and the signature covers the raw bytes).
        const raw = req.url ?? '';
        message = decodeRedirect(raw.includes('?') ? raw.slice(raw.indexOf('?') + 1) : url.search);
      } else if (req.method === 'POST') {
        if (contentType(req) !== 'application/x-www-form-urlencoded') {
          req.resume();
          throw new SloDecodeError('Expected a form post (HTTP-POST binding: application/x-www-form-urlencoded).');
        }
        message = decodePost(parseForm(await readBody(req, MAX_MESSAGE_BYTES)));
      } else {
        req.resume();
        res.setHeader('Allow', 'GET, POST');
        throw new SloDecodeError(`${req.method ?? '?'} is not a SAML binding: use GET (HTTP-Redirect) or POST (HTTP-POST).`);
      }
    } catch (error) {
      const reason = error instanceof BodyTooLargeError ? `The body is larger than ${MAX_MESSAGE_BYTES / 1024} kB; no logout message is that large. Refused unread.` : error instanceof Error ? error.message : String(error);
      const x = await this.recordUnreadable(now, req.method === 'POST' ? 'post' : 'redirect', reason);
      this.sendResult(res, error instanceof BodyTooLargeError ? 413 : req.method === 'GET' || req.method === 'POST' ? 400 : 405, x);
      return;
    }
    // The same hard limits as the ACS, before any parser runs: element count, depth and attribute counts.
    const scan = scanXml(message.xml, DEFAULT_LIMITS);
    if (scan.exceeded) {
      const x = await this.recordUnreadable(now, message.binding, `The ${message.param} exceeds the ${scan.exceeded.limit} limit (${scan.exceeded.value}): no logout message is that large. Refused unread.`, null);
      this.sendResult(res, 400, x);
      return;
    }
    let root: Element;
    try {
      root = parseXml(message.xml).documentElement;
    } catch (error) {
      const x = await this.recordUnreadable(now, message.binding, `The ${message.param} is not well-formed XML: ${error instanceof XmlParseError ? error.message : 'unreadable'}.`, message.xml);
      this.sendResult(res, 400, x);
      return;
    }
    const expected = message.param === 'SAMLRequest' ? 'LogoutRequest' : 'LogoutResponse';
    if (root.namespaceURI !== NS.samlp || root.localName !== expected) {
      const x = await this.recordUnreadable(now, message.binding, `The ${message.param} holds a ${root.localName} (${root.namespaceURI ?? 'no namespace'}), not a samlp:${expected}.`, message.xml);
      this.sendResult(res, 400, x);
      return;
    }
    if (message.param === 'SAMLResponse') await this.receiveResponse(res, message, now);
    else await this.receiveRequest(res, message, now);
  }

  private messageCheck(message: ReceivedSloMessage, kind: string): Check {
    return check('slo.message', 'The logout message is readable', 'pass', `a ${kind}, ${message.binding === 'redirect' ? 'deflated base64 in the query (HTTP-Redirect)' : 'base64 in a form post (HTTP-POST)'}`, `samlp:${kind} over HTTP-${message.binding === 'redirect' ? 'Redirect' : 'POST'}`, null);
  }

  private async recordUnreadable(now: Date, binding: SloBinding, reason: string, xml: string | null = null): Promise<StoredSloExchange> {
    const x: StoredSloExchange = {
      id: randomUUID(),
      flow: 'idp-initiated',
      startedAt: now.toISOString(),
      completedAt: now.toISOString(),
      state: 'completed',
      verdict: 'rejected',
      binding,
      idpEntityId: null,
      sessionId: null,
      nameId: null,
      requestId: null,
      expiresAt: null,
      requestXml: cap(xml, XML_KEPT),
      responseXml: null,
      status: null,
      statusMessage: null,
      relayState: null,
      checks: [check('slo.message', 'The logout message is readable', 'fail', 'a samlp:LogoutRequest or samlp:LogoutResponse (HTTP-Redirect or HTTP-POST binding)', cap(reason), 'Send the message as the SAML bindings say: deflated base64 in SAMLRequest/SAMLResponse over HTTP-Redirect, or base64 in a form field over HTTP-POST.')],
      untrusted: true,
    };
    await this.save(x, x);
    return x;
  }

  private signatureCheck(outcome: SignatureOutcome, kind: string, idpKnown: boolean): Check {
    const expected = `${kind} signed by the IdP with a key from its metadata (query signature over HTTP-Redirect, enveloped XML signature over HTTP-POST)`;
    if (!idpKnown) return check('slo.signature', `The ${kind} is signed by the IdP`, 'fail', expected, 'not checked: the Issuer is no IdP the lab knows', 'Import the IdP\'s metadata so its keys are known.');
    if (outcome.state === 'valid') {
      // SHA-1 as in logins: warns, or fails under sha1Policy "reject".
      if (outcome.algorithm?.endsWith('#rsa-sha1')) {
        const reject = this.deps.sp().sha1Policy === 'reject';
        return check('slo.signature', `The ${kind} is signed by the IdP`, reject ? 'fail' : 'warn', `${expected}, with SHA-256 or stronger`, `${outcome.detail} — RSA-SHA1`, 'SHA-1 signatures can be forged with chosen-prefix collisions: have the IdP sign logout messages with RSA-SHA256.');
      }
      return check('slo.signature', `The ${kind} is signed by the IdP`, 'pass', expected, outcome.detail, null);
    }
    return check(
      'slo.signature',
      `The ${kind} is signed by the IdP`,
      'fail',
      expected,
      outcome.state === 'none' ? `unsigned (${outcome.detail})` : `invalid: ${outcome.detail}`,
      outcome.state === 'none'
        ? `Anyone could have sent an unsigned ${kind}. Make the IdP sign logout messages (SimpleSAMLphp: sign.logout; ADFS: signs by default; Okta/Entra: sign with the IdP certificate).`
        : 'Check that the IdP signs with a certificate its current metadata lists (re-import the metadata after a key rollover), and that nothing re-encodes the query between the IdP and the lab.',
    );
  }

  private issuerCheck(issuer: string | null, idp: StoredIdp | null, kind: string, expectedIssuer: string | null = null): Check {
    const title = `The ${kind} comes from a known IdP`;
    if (expectedIssuer !== null && issuer !== expectedIssuer) {
      return check('slo.issuer', title, 'fail', expectedIssuer, issuer ?? 'no Issuer', 'The response must come from the IdP the LogoutRequest was sent to.');
    }
    if (!idp) return check('slo.issuer', title, 'fail', 'the entity ID of a configured IdP', issuer ?? 'no Issuer', issuer ? 'No IdP with this entity ID is configured: import its metadata, or check the IdP\'s entity ID.' : 'The message must carry a saml:Issuer naming the IdP.');
    return check('slo.issuer', title, 'pass', expectedIssuer ?? 'the entity ID of a configured IdP', `${issuer} (${idp.name})`, null);
  }

  private destinationCheck(destination: string | null, signed: boolean, kind: string): Check {
    const title = `The ${kind} is addressed to this SP's SLO endpoint`;
    const want = this.sloUrl();
    if (destination === want) return check('slo.destination', title, 'pass', want, destination, null);
    if (destination === null) {
      // Bindings 3.4.5.2 / 3.5.5.2: a signed message MUST carry Destination.
      return check('slo.destination', title, signed ? 'fail' : 'warn', want, 'no Destination', 'A signed logout message must name its Destination (SAML bindings 3.4.5.2, 3.5.5.2): set the SP\'s SLO URL in the IdP.');
    }
    return check('slo.destination', title, 'fail', want, destination, `The message was addressed to another endpoint. Set the SP's SingleLogoutService URL in the IdP to ${want} (it is in the SP metadata).`);
  }

  private async receiveResponse(res: ServerResponse, message: ReceivedSloMessage, now: Date): Promise<void> {
    const r = parseLogoutResponse(message.xml);
    const store = this.deps.store;
    const pending = r.inResponseTo ? store.data.sloExchanges.find((x) => x.flow === 'sp-initiated' && x.requestId === r.inResponseTo) ?? null : null;
    const idp = r.issuer ? this.deps.idps.byEntityId(r.issuer) : null;
    const certs = idp ? this.safeMetadata(idp)?.certificates ?? [] : [];
    const signature = verifySignature(message, certs);
    const signed = idp !== null && signature.state === 'valid';
    const checks: Check[] = [
      this.messageCheck(message, 'LogoutResponse'),
      this.issuerCheck(r.issuer, idp, 'LogoutResponse', pending?.idpEntityId ?? null),
      this.signatureCheck(signature, 'LogoutResponse', idp !== null),
      this.destinationCheck(r.destination, signature.state !== 'none', 'LogoutResponse'),
      this.inResponseToCheck(r.inResponseTo, pending, now),
      statusCheck(r.status, r.subStatus, r.message),
    ];
    const verdict = checks.some((c) => c.status === 'fail') ? 'rejected' : 'accepted';
    // Only a verified answer to our own request may complete it (an unsigned post cannot use up a pending request).
    const target = pending && pending.state === 'pending' && signed && r.issuer === pending.idpEntityId ? pending : null;
    const session = target?.sessionId ? store.data.sessions.find((s) => s.id === target.sessionId) ?? null : null;
    const patch: Partial<StoredSloExchange> = {
      completedAt: now.toISOString(),
      state: 'completed',
      verdict,
      responseXml: message.xml,
      status: r.status,
      statusMessage: r.message,
      checks,
      ...(message.relayState !== null ? { relayState: cap(message.relayState) } : {}),
    };
    let x: StoredSloExchange;
    if (target) {
      store.sloExchanges.update(target, patch);
      x = target;
    } else {
      x = {
        id: randomUUID(),
        flow: 'sp-initiated',
        startedAt: now.toISOString(),
        binding: message.binding,
        idpEntityId: cap(r.issuer),
        sessionId: null,
        nameId: null,
        requestId: cap(r.inResponseTo),
        expiresAt: null,
        requestXml: null,
        relayState: cap(message.relayState),
        ...(patch as Omit<StoredSloExchange, 'id' | 'flow' | 'startedAt' | 'binding' | 'idpEntityId' | 'sessionId' | 'nameId' | 'requestId' | 'expiresAt' | 'requestXml' | 'relayState'>),
      };
      // A response that completes none of our pending requests is anyone's input, signed or not (an IdP may sign an
      // answer to whatever request a page sent it): capped and counted against the untrusted budget.
      Object.assign(x, boundUntrusted(x));
    }
    if (verdict === 'accepted' && session) store.sessions.end(session, { at: now.toISOString(), by: 'sp-logout', sloId: x.id });
    await this.save(x, target ? null : x);
    this.sendResult(res, verdict === 'accepted' ? 200 : 403, x, session);
  }

  private inResponseToCheck(inResponseTo: string | null, pending: StoredSloExchange | null, now: Date): Check {
    const title = 'The LogoutResponse answers a LogoutRequest this SP sent';
    const expected = 'the ID of an outstanding LogoutRequest from this SP';
    if (!inResponseTo) return check('slo.in-response-to', title, 'fail', expected, 'no InResponseTo', 'A LogoutResponse must name the LogoutRequest it answers (InResponseTo).');
    if (!pending) return check('slo.in-response-to', title, 'fail', expected, `${inResponseTo}: not a LogoutRequest this SP sent`, 'The lab did not send this request (or it was pruned): a response nobody asked for changes nothing.');
    if (pending.state !== 'pending') return check('slo.in-response-to', title, 'fail', expected, `${inResponseTo}: already answered at ${pending.completedAt ?? '?'}`, 'Each LogoutRequest is answered once; this looks like a replayed LogoutResponse.');
    if (pending.expiresAt && Date.parse(pending.expiresAt) <= now.getTime()) return check('slo.in-response-to', title, 'fail', `${expected}, answered before ${pending.expiresAt}`, `${inResponseTo}: answered at ${now.toISOString()}, after it expired`, 'The IdP answered after the request expired: log out again.');
    return check('slo.in-response-to', title, 'pass', expected, `${inResponseTo} (sent ${pending.startedAt})`, null);
  }

  private async receiveRequest(res: ServerResponse, message: ReceivedSloMessage, now: Date): Promise<void> {
    let r: ReturnType<typeof parseLogoutRequest>;
    try {
      r = parseLogoutRequest(message.xml);
    } catch (error) {
      const x = await this.recordUnreadable(now, message.binding, error instanceof Error ? error.message : 'unreadable LogoutRequest', message.xml);
      this.sendResult(res, 400, x);
      return;
    }
    if (this.expire(now)) await this.deps.store.commit();
    const encrypted = r.nameId === null ? decryptNameId(message.xml, this.deps.spKeys.privateKeyPem) : null;
    if (encrypted?.nameId) Object.assign(r, { nameId: encrypted.nameId, nameIdFormat: encrypted.format });
    const idp = r.issuer ? this.deps.idps.byEntityId(r.issuer) : null;
    const md = idp ? this.safeMetadata(idp) : null;
    const signature = verifySignature(message, md?.certificates ?? []);
    const signed = idp !== null && signature.state === 'valid';
    const skewMs = this.deps.sp().clockSkewSeconds * 1000;
    const checks: Check[] = [
      this.messageCheck(message, 'LogoutRequest'),
      this.issuerCheck(r.issuer, idp, 'LogoutRequest'),
      this.signatureCheck(signature, 'LogoutRequest', idp !== null),
      this.destinationCheck(r.destination, signature.state !== 'none', 'LogoutRequest'),
      notOnOrAfterCheck(r.notOnOrAfter, now, skewMs),
    ];
    const trustworthy = !checks.some((c) => c.status === 'fail');
    const match = md ? matchSessions(this.deps.store.data.sessions, md.entityId, r) : null;
    if (encrypted?.problem) checks.push(check('slo.encrypted-id', 'The EncryptedID decrypts with the SP key', 'fail', 'a saml:EncryptedID this SP can decrypt (RSA-OAEP + AES)', encrypted.problem, 'Encrypt the NameID for the SP certificate in the SP metadata, or send it in clear (it is inside a signed message).'));
    checks.push(
      trustworthy && match
        ? match.check
        : check('slo.session', 'The LogoutRequest names a live session', 'fail', 'a NameID (and SessionIndex) of a live session', 'not looked up: the request failed the checks above', 'No session is ended on a request that is not verified.'),
    );
    const verdict = checks.some((c) => c.status === 'fail') ? 'rejected' : 'accepted';
    const x: StoredSloExchange = {
      id: randomUUID(),
      flow: 'idp-initiated',
      startedAt: now.toISOString(),
      completedAt: now.toISOString(),
      state: 'completed',
      verdict,
      binding: message.binding,
      idpEntityId: r.issuer,
      sessionId: null,
      nameId: r.nameId,
      requestId: r.id,
      expiresAt: null,
      requestXml: message.xml,
      responseXml: null,
      status: null,
      statusMessage: null,
      relayState: cap(message.relayState),
      checks,
    };
    // The answer: where the IdP takes LogoutResponses (same binding when it offers it).
    let status: { status: string; subStatus: string | null; message: string };
    if (!trustworthy) {
      const failed = checks.find((c) => c.status === 'fail')!;
      status = { status: STATUS.requester, subStatus: STATUS.requestDenied, message: `${failed.id}: ${failed.received ?? 'failed'}` };
    } else if (!match || match.ended.length === 0) {
      status = { status: STATUS.requester, subStatus: STATUS.unknownPrincipal, message: match?.check.received ?? 'No live session matches.' };
    } else {
      for (const s of match.ended) this.deps.store.sessions.end(s, { at: now.toISOString(), by: 'idp-logout', sloId: x.id });
      x.sessionId = match.ended[0]!.id;
      status = match.partial
        ? { status: STATUS.success, subStatus: STATUS.partialLogout, message: match.check.received ?? '' }
        : { status: STATUS.success, subStatus: null, message: `Ended ${match.ended.length} session(s).` };
    }
    const endpoint = md ? sloEndpoint(md, message.binding, true) : null;
    if (endpoint && idp) {
      const responseXml = logoutResponseXml({ id: newSamlId(), inResponseTo: r.id, issuer: this.deps.sp().entityId, destination: endpoint.url, issueInstant: now, status: status.status, subStatus: status.subStatus, message: status.message.slice(0, 1024) });
      Object.assign(x, { responseXml, status: status.status, statusMessage: status.subStatus ? `${status.subStatus.split(':').pop()}: ${status.message}` : status.message });
      if (!signed) Object.assign(x, boundUntrusted(x));
      await this.save(x, x);
      send(res, this.outgoing(endpoint, 'SAMLResponse', responseXml, message.relayState), 'Answering the IdP\'s logout request…');
      return;
    }
    checks.push(check('slo.response-location', 'The IdP has an SLO endpoint for the LogoutResponse', 'fail', 'a SingleLogoutService (HTTP-Redirect or HTTP-POST) in the IdP metadata', idp ? 'none in its metadata' : 'no IdP: the Issuer is unknown', 'Without an SLO endpoint in the IdP metadata the lab cannot answer; re-import metadata that lists SingleLogoutService.'));
    x.verdict = 'rejected';
    if (!signed) Object.assign(x, boundUntrusted(x));
    await this.save(x, x);
    this.sendResult(res, 400, x);
  }

  private safeMetadata(idp: StoredIdp): IdpMetadata | ParsedIdpMetadata | null {
    try {
      return this.deps.idps.metadataOf(idp);
    } catch {
      return null;
    }
  }

  /** Appends a new exchange (when given) and writes the store. A failed write keeps the change for the next one. */
  private async save(x: StoredSloExchange, append: StoredSloExchange | null): Promise<void> {
    if (append) this.deps.store.sloExchanges.append(append);
    try {
      await this.deps.store.commit();
    } catch (error) {
      // The exchange is answered anyway and stays in memory; it goes out with the next write that succeeds.
      if (!(error instanceof LabError) || error.code !== 'store-unwritable') throw error;
    }
    this.deps.onCompleted?.(summarizeSlo(x));
  }

  private sendResult(res: ServerResponse, status: number, x: StoredSloExchange, session: StoredSession | null = null): void {
    const ok = x.verdict === 'accepted';
    const appUrl = this.deps.appUrl();
    const back = appUrl ? `<a class="button" data-testid="back-to-app" href="${h(`${appUrl}#/sessions?slo=${encodeURIComponent(x.id)}`)}">Back to SAML JIT Lab</a>` : '<p class="sub">You can close this window; SAML JIT Lab shows the details.</p>';
    const title = ok ? (x.flow === 'sp-initiated' ? 'Logged out' : 'Logout request verified') : x.flow === 'sp-initiated' ? 'Logout not verified' : 'Logout request rejected';
    const sessionLine = session ? `<p data-testid="slo-session" data-state="${session.endedAt === null ? 'live' : 'ended'}">Session of <code>${h(session.nameId)}</code>: ${session.endedAt === null ? 'still live' : 'ended'}.</p>` : '';
    const rows = x.checks
      .map((c) => `<li data-testid="slo-check" data-check-id="${h(c.id)}" data-status="${c.status}"><span class="${c.status === 'pass' ? 'ok' : c.status === 'warn' ? 'warn' : 'bad'}">${c.status === 'pass' ? '✓' : c.status === 'warn' ? '!' : '✗'}</span> <code>${h(c.id)}</code> — ${h(c.title)}<br><span class="sub">${h(c.received ?? '')}${c.status !== 'pass' && c.hint ? ` — ${h(c.hint)}` : ''}</span></li>`)
      .join('');
    sendHtml(res, status, page(title, `<div class="card" data-testid="slo-result" data-verdict="${x.verdict ?? 'pending'}" data-slo-id="${h(x.id)}"><h1 class="${ok ? 'ok' : 'bad'}">${h(title)}</h1>${sessionLine}<ul class="checks">${rows}</ul>${back}</div>`));
  }
}

function send(res: ServerResponse, sent: Sent, title: string): void {
  if (sent.binding === 'redirect') {
    res.writeHead(302, { Location: sent.url, 'Cache-Control': 'no-store', 'Referrer-Policy': 'no-referrer' });
    res.end();
  } else {
    sendAutoPost(res, sent.url, sent.fields, title);
  }
}

function statusCheck(status: string | null, subStatus: string | null, message: string | null): Check {
  const title = 'The IdP logged the session out';
  const received = [status, subStatus, message].filter(Boolean).join(' / ') || 'no StatusCode';
  if (status === STATUS.success && subStatus === STATUS.partialLogout) return check('slo.status', title, 'warn', STATUS.success, received, 'The IdP ended its session but not every other SP\'s: the user may still be signed in elsewhere.');
  if (status === STATUS.success) return check('slo.status', title, 'pass', STATUS.success, received, null);
  return check('slo.status', title, 'fail', STATUS.success, received, 'The IdP refused or failed the logout; its StatusMessage says why (often: the NameID or SessionIndex does not match its session, or it wants the request signed). The lab session stays live.');
}

function notOnOrAfterCheck(notOnOrAfter: string | null, now: Date, skewMs: number): Check {
  const title = 'The LogoutRequest is still valid (NotOnOrAfter)';
  if (notOnOrAfter === null) return check('slo.not-on-or-after', title, 'warn', `a NotOnOrAfter after ${now.toISOString()}`, 'no NotOnOrAfter', 'Without NotOnOrAfter a captured LogoutRequest stays usable; most IdPs set it.');
  const t = Date.parse(notOnOrAfter);
  if (Number.isNaN(t)) return check('slo.not-on-or-after', title, 'fail', 'an xs:dateTime', notOnOrAfter, 'NotOnOrAfter must be an ISO date-time in UTC.');
  if (t + skewMs <= now.getTime()) return check('slo.not-on-or-after', title, 'fail', `after ${now.toISOString()} (with ${skewMs / 1000} s clock skew)`, notOnOrAfter, 'The request expired: check the IdP\'s clock, or whether this is a replayed request.');
  return check('slo.not-on-or-after', title, 'pass', `after ${now.toISOString()}`, notOnOrAfter, null);
}

interface SessionMatch {
  check: Check;
  ended: StoredSession[];
  partial: boolean;
}

const fmt = (f: string | null): string => (f ? f.split(':').pop()! : 'unspecified');

/** Which live sessions of this IdP the request names (NameID with its Format and qualifiers; SessionIndex when given). */
export function matchSessions(sessions: readonly StoredSession[], idpEntityId: string, r: ReturnType<typeof parseLogoutRequest>): SessionMatch {
  const title = 'The LogoutRequest names a live session';
  const expected = 'the NameID (and a SessionIndex) of a live session with this IdP';
  const fail = (received: string, hint: string): SessionMatch => ({ check: check('slo.session', title, 'fail', expected, received, hint), ended: [], partial: false });
  if (!r.nameId) return fail('no NameID', 'A LogoutRequest must name the principal (saml:NameID).');
  const ofIdp = sessions.filter((s) => s.idpEntityId === idpEntityId);
  const live = ofIdp.filter((s) => s.endedAt === null);
  const sameName = (s: StoredSession): string | null => {
    if (s.nameId !== r.nameId) return `its NameID is ${s.nameId}, not ${r.nameId}`;
    if (r.nameIdFormat && s.nameIdFormat && r.nameIdFormat !== s.nameIdFormat) return `its NameID Format is ${fmt(s.nameIdFormat)}, not ${fmt(r.nameIdFormat)}`;
    return null;
  };
  if (r.sessionIndexes.length > 0) {
    const matched: StoredSession[] = [];
    const problems: string[] = [];
    for (const index of r.sessionIndexes) {
      const withIndex = ofIdp.filter((s) => s.sessionIndex === index);
      const ok = withIndex.find((s) => s.endedAt === null && sameName(s) === null);
      if (ok) {
        matched.push(ok);
        continue;
      }
      const liveOne = withIndex.find((s) => s.endedAt === null);
      if (liveOne) problems.push(`SessionIndex ${index} is session ${liveOne.id}, but ${sameName(liveOne)}`);
      else if (withIndex[0]) problems.push(`SessionIndex ${index} is session ${withIndex[0].id}, which already ended (${withIndex[0].endedBy ?? 'ended'} at ${withIndex[0].endedAt})`);
      else {
        const forName = live.filter((s) => s.nameId === r.nameId);
        problems.push(`no session has SessionIndex ${index}${forName.length ? ` (${r.nameId} has ${forName.length} live session(s), SessionIndex ${forName.map((s) => s.sessionIndex ?? 'none').join(', ')})` : ` and ${r.nameId} has no live session`}`);
      }
    }
    if (matched.length === 0) return fail(problems.join('; '), 'The IdP names a session the lab does not have live: check that the IdP sends the SessionIndex of the AuthnStatement it issued, and the same NameID.');
    const which = `session ${matched.map((s) => `${s.id} (${s.nameId}, SessionIndex ${s.sessionIndex})`).join(', ')}`;
    if (problems.length > 0) return { check: check('slo.session', title, 'warn', expected, `${which}; but ${problems.join('; ')}`, 'Only some of the named sessions were found: the answer is PartialLogout.'), ended: matched, partial: true };
    return { check: check('slo.session', title, 'pass', expected, which, null), ended: matched, partial: false };
  }
  const matched = live.filter((s) => sameName(s) === null);
  if (matched.length === 0) {
    const other = live.find((s) => s.nameId === r.nameId);
    return fail(other ? `session ${other.id}: ${sameName(other)}` : `${r.nameId} has no live session with ${idpEntityId}`, 'The NameID must be exactly the one of the login (value and Format).');
  }
  return { check: check('slo.session', title, 'pass', `${expected} (no SessionIndex: every session of the NameID)`, `session ${matched.map((s) => `${s.id} (${s.nameId})`).join(', ')}`, null), ended: matched, partial: false };
}

/** The NameID inside a LogoutRequest's saml:EncryptedID (SAML core 3.7.1 allows it), decrypted with the SP key. */
function decryptNameId(xml: string, privateKeyPem: string): { nameId: string | null; format: string | null; problem: string | null } | null {
  const encryptedId = descendants(parseXml(xml), NS.saml, 'EncryptedID')[0];
  if (!encryptedId) return null;
  try {
    const plain = decryptEncryptedAssertion(encryptedId, privateKeyPem).xml;
    const el = parseXml(plain).documentElement;
    if (el.namespaceURI !== NS.saml || el.localName !== 'NameID') return { nameId: null, format: null, problem: `the EncryptedID holds a ${el.localName}, not a saml:NameID` };
    return { nameId: textOf(el)?.trim() ?? null, format: attr(el, 'Format'), problem: null };
  } catch (error) {
    return { nameId: null, format: null, problem: error instanceof Error ? error.message : 'it does not decrypt' };
  }
}

/** An exchange from unauthenticated input, every field bounded. */
function boundUntrusted(x: StoredSloExchange): Partial<StoredSloExchange> {
  return {
    untrusted: true,
    idpEntityId: cap(x.idpEntityId),
    nameId: cap(x.nameId),
    requestId: cap(x.requestId),
    requestXml: cap(x.requestXml, XML_KEPT),
    responseXml: cap(x.responseXml, XML_KEPT),
    statusMessage: cap(x.statusMessage),
    status: cap(x.status),
    relayState: cap(x.relayState),
    checks: x.checks.slice(0, 16).map((c) => ({ ...c, expected: cap(c.expected), received: cap(c.received) })),
  };
}
