// The SP endpoints: /saml/metadata, /saml/login (SP-initiated start) and /saml/acs.
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { Check } from '../../contract/index.ts';
import type { LoginService } from '../login-service.ts';
import type { StoredLogin } from '../store/schema.ts';
import type { LoginStart } from '../saml/authn-request.ts';
import { base64DecodedSize } from '../saml/analyze-response.ts';
import { responseBytesCheck } from '../saml/checks/limits.ts';
import { resolvePolicy } from '../saml/policy.ts';
import { REJECTED_EVIDENCE_BYTES } from '../login-service.ts';
import { MAX_BODY_BYTES, verifyPolicyOf } from '../verify-policy.ts';
import { asciiFieldShape, decodeField, decodeFieldStart, formFieldRanges, type FieldRange } from './form-fields.ts';
import { BodyTooLargeError, contentType, h, page, readBody, sendAutoPost, sendHtml, sendText } from './http-util.ts';

export interface SamlRoutesDeps {
  logins: LoginService;
  spMetadataXml: () => string;
  /** Builds the AuthnRequest redirect for the given (or active) IdP; throws a readable Error when it cannot. */
  startLogin: (idpId: string | null, relayState: string | null) => Promise<LoginStart>;
  appUrl: () => string | null;
  /** Single Logout: GET /saml/logout?session=ID and /saml/slo (GET and POST); core/slo/slo-service.ts. */
  slo?: { logoutRoute: Route; sloRoute: Route };
}

type Route = (req: IncomingMessage, res: ServerResponse, url: URL) => Promise<void>;

export function samlRoutes(deps: SamlRoutesDeps) {
  return async (req: IncomingMessage, res: ServerResponse, url: URL): Promise<boolean> => {
    switch (url.pathname) {
      case '/saml/metadata':
        sendText(res, 200, 'application/samlmetadata+xml; charset=utf-8', deps.spMetadataXml());
        return true;
      case '/saml/login':
        try {
          const start = await deps.startLogin(url.searchParams.get('idp'), url.searchParams.get('RelayState'));
          if (start.binding === 'redirect') {
            res.writeHead(302, { Location: start.url, 'Cache-Control': 'no-store' });
            res.end();
          } else {
            sendAutoPost(res, start.url, start.fields, 'Sending the login request to the IdP…');
          }
        } catch (error) {
          sendHtml(res, 400, page('Cannot start login', `<h1>Cannot start the login</h1><p class="sub">${h(error instanceof Error ? error.message : String(error))}</p>`));
        }
        return true;
      case '/saml/acs':
        await acs(deps, req, res);
        return true;
      case '/saml/logout':
      case '/saml/slo':
        if (!deps.slo) return false;
        await (url.pathname === '/saml/logout' ? deps.slo.logoutRoute(req, res, url) : deps.slo.sloRoute(req, res, url));
        return true;
      default:
        return false;
    }
  };
}

async function acs(deps: SamlRoutesDeps, req: IncomingMessage, res: ServerResponse): Promise<void> {
  const method = req.method ?? '?';
  const type = contentType(req);
  const http = { method, contentType: type, bytes: Number(req.headers['content-length'] ?? 0), status: 400 };
  const reject = async (status: number, check: Check, samlResponse: string | null = null, relayState: string | null = null): Promise<void> => {
    const login = await deps.logins.rejectRequest(check, { samlResponse, relayState, http: { ...http, status } });
    sendHtml(res, status, resultPage(login, deps.appUrl(), deps.logins.saveError(login)));
  };
  if (method !== 'POST') {
    if (method !== 'GET' && method !== 'HEAD') req.resume();
    res.setHeader('Allow', 'POST');
    await reject(405, requestCheck('request.method', 'POST', method, 'The ACS takes the SAMLResponse by HTTP-POST. Set the IdP\'s ACS binding to HTTP-POST.'));
    return;
  }
  if (type !== 'application/x-www-form-urlencoded') {
    req.resume();
    await reject(400, requestCheck('request.content-type', 'application/x-www-form-urlencoded', type ?? 'none', 'Post the SAMLResponse as an HTML form field (HTTP-POST binding).'));
    return;
  }
  let body: Buffer;
  try {
    body = await readBody(req, MAX_BODY_BYTES);
  } catch (error) {
    if (error instanceof BodyTooLargeError) {
      await reject(413, requestCheck('request.body-size', `at most ${MAX_BODY_BYTES} bytes`, `${http.bytes || 'more'} bytes`, 'The body is larger than any SAML response should be. Rejected without reading it.'));
      return;
    }
    throw error;
  }
  http.bytes = body.length;
  // This thread also serves the UI, the API and /saml/metadata: only the two fields are read, straight from the bytes
  // (form-fields.ts), and a SAMLResponse over the size limit is refused before it is decoded.
  const fields = formFieldRanges(body, ACS_FIELDS);
  const relayState = fields.RelayState ? decodeField(body, fields.RelayState) : null;
  const oversized = fields.SAMLResponse ? oversizedResponse(body, fields.SAMLResponse) : null;
  if (oversized) {
    const login = await deps.logins.rejectRequest(responseBytesCheck(oversized.bytes, ACS_RESPONSE_BYTES), { samlResponse: oversized.evidence, relayState, http: { ...http, status: 403 } });
    const saveError = deps.logins.saveError(login);
    sendHtml(res, saveError ? 503 : 403, resultPage(login, deps.appUrl(), saveError));
    return;
  }
  const samlResponse = fields.SAMLResponse ? decodeField(body, fields.SAMLResponse) : null;
  if (!samlResponse) {
    await reject(400, requestCheck('request.saml-response', 'a SAMLResponse form field', 'none', 'Post the IdP\'s response in the SAMLResponse field.'), null, relayState);
    return;
  }
  const login = await deps.logins.receive({ samlResponse, relayState, http: { ...http, status: 0 } });
  // Verified but not on disk (read-only or full data folder): say so, and do not answer 200.
  const saveError = deps.logins.saveError(login);
  sendHtml(res, saveError ? 503 : login.http.status, resultPage(login, deps.appUrl(), saveError));
}

const ACS_FIELDS = ['SAMLResponse', 'RelayState'] as const;

/**
 * The decoded-size limit the ACS's verification applies (limits.response-bytes). Every ACS policy comes from
 * verifyPolicyOf, whose limit no SP profile or setting changes (saml-routes.test.ts checks each profile).
 */
export const ACS_RESPONSE_BYTES = resolvePolicy(verifyPolicyOf({ clockSkewSeconds: 0, allowUnsolicited: false })).limits.responseBytes;

/**
 * A SAMLResponse value whose base64 decodes to more than the limit, measured without decoding it: its decoded size
 * (what limits.response-bytes reports) and the evidence a rejected login keeps. LoginService keeps the first
 * REJECTED_EVIDENCE_BYTES characters and says how many more there were; only those are decoded, and spaces stand for
 * the rest, so the stored record is the one verifying the decoded value would have stored. Null when the value is
 * within the limit, or when only decoding it can say (characters outside ASCII): then it is verified as usual.
 */
function oversizedResponse(body: Buffer, range: FieldRange): { bytes: number; evidence: string } | null {
  const shape = asciiFieldShape(body, range);
  if (!shape || shape.compact === 0) return null;
  const bytes = base64DecodedSize(shape.compact, shape.padding);
  if (bytes <= ACS_RESPONSE_BYTES || shape.length <= REJECTED_EVIDENCE_BYTES) return null;
  const kept = decodeFieldStart(body, range, REJECTED_EVIDENCE_BYTES);
  return { bytes, evidence: kept + ' '.repeat(shape.length - kept.length) };
}

function requestCheck(id: string, expected: string, received: string, hint: string): Check {
  return { id, title: 'The ACS request is well-formed', status: 'fail', expected, received, hint };
}

function resultPage(login: StoredLogin, appUrl: string | null, saveError: string | null = null): string {
  const accepted = login.verdict === 'accepted';
  const failed = login.checks.filter((c) => c.status === 'fail');
  const back = appUrl
    ? `<a class="button" data-testid="back-to-app" href="${h(`${appUrl}#/logins/${login.id}`)}">Back to SAML JIT Lab</a>`
    : '<p class="sub">You can close this window; SAML JIT Lab shows the details.</p>';
  const what = accepted
    ? `<p>Account <code>${h(login.nameId ?? '')}</code> ${login.diff.kind === 'created' ? 'created' : login.diff.kind === 'updated' ? 'updated' : 'unchanged'}.</p>`
    : `<ul class="checks">${failed
        // A JIT rejection says what is missing (required groups and the groups received, missing attributes by name).
        .map((c) => `<li data-testid="acs-failed-check" data-check-id="${h(c.id)}"><code>${h(c.id)}</code> — ${h(c.title)}${c.id.startsWith('jit.') && c.received !== null ? `<br><span data-testid="acs-failed-detail">Expected ${h(c.expected ?? '—')}; received ${h(c.received)}</span>` : ''}<br><span class="sub">${h(c.hint ?? '')}</span></li>`)
        .join('')}</ul>`;
  return page(
    accepted ? 'Login verified' : 'Login rejected',
    `<div class="card" data-testid="acs-result" data-verdict="${login.verdict}" data-login-id="${h(login.id)}">` +
      `<h1 class="${accepted ? 'ok' : 'bad'}">${accepted ? 'Login verified' : 'Login rejected'}</h1>${what}` +
      (saveError
        ? `<p class="bad" data-testid="acs-save-error"><strong>This login could not be saved.</strong> ${h(saveError)} Check that the data folder is writable and has free space; the lab keeps the login in memory and writes it once it can.</p>`
        : '') +
      `${back}</div>`,
  );
}
