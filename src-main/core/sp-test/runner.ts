// Runs the suite against one SP: for each case a fresh cookie jar, an SP-initiated start when a start URL is given
// (the SP's redirect to the lab IdP is answered in-process, so InResponseTo is the real request's ID), the case's
// response posted to the ACS, and acceptance observed by a who-am-I URL or a rule on the ACS answer. Sequential,
// every request with a timeout, every redirect chain bounded, 127.0.0.1 only.
import type { Attribute } from '../../contract/common.ts';
import type { JitRules } from '../../contract/jit-rules.ts';
import type { RegisteredSp, SpTestCaseId, SpTestCaseResult, SpTestEvidence, SpTestObserved, SpTestReport, SpTestVerdict } from '../../contract/sp-test.ts';
import { LabError } from '../errors.ts';
import { planProvision } from '../jit/provision.ts';
import type { KeyPair } from '../sp/keys.ts';
import { CASE_IDS, buildCase, caseInfo, newSamlId, otherKeyPair, type BuiltCase, type CaseUser } from './cases.ts';
import { CookieJar, firstForm, follow, request, type Page } from './http-client.ts';
import type { LabIdp } from './lab-idp.ts';
import { analyzeAuthnRequest, type RequestAnalysis } from './request-checks.ts';
import { assertLoopbackUrl } from './sp-registry.ts';

export type SuccessCheck = { kind: 'whoami'; url: string } | { kind: 'status'; status: number } | { kind: 'location'; pattern: RegExp } | { kind: 'text'; pattern: RegExp };

export interface SuiteOptions {
  idp: LabIdp;
  sp: RegisteredSp;
  user: CaseUser;
  cases?: readonly SpTestCaseId[];
  clock: () => Date;
  rules: JitRules;
  /** A key pair the SP does not trust (default: one made once per process). */
  otherKeys?: KeyPair;
  onProgress?: (done: number, total: number, caseId: SpTestCaseId | null) => void;
}

const EXCERPT = 2048;

/** `status=302`, `location~^/dashboard`, `text~Welcome` (regexes at most 200 characters). */
export function parseSuccessRule(rule: string): SuccessCheck {
  const status = /^status=(\d{3})$/.exec(rule);
  if (status) return { kind: 'status', status: Number(status[1]) };
  const m = /^(location|text)~(.+)$/s.exec(rule);
  if (!m || m[2]!.length > 200) throw new LabError('invalid-input', `The success rule "${rule}" is not one of status=NNN, location~REGEX, text~REGEX (regex at most 200 characters).`);
  try {
    return { kind: m[1] as 'location' | 'text', pattern: new RegExp(m[2]!) };
  } catch (error) {
    throw new LabError('invalid-input', `The success rule's regex does not compile: ${error instanceof Error ? error.message : String(error)}`);
  }
}

export function successCheckOf(sp: RegisteredSp): SuccessCheck {
  if (sp.whoamiUrl) return { kind: 'whoami', url: assertLoopbackUrl(sp.whoamiUrl, 'The who-am-I URL').toString() };
  if (sp.successRule) return parseSuccessRule(sp.successRule);
  throw new LabError('invalid-input', 'Say how a successful login shows: a who-am-I URL of the app, or a rule on the ACS answer (status=302, location~^/dashboard, text~Welcome).');
}

function describe(check: SuccessCheck): string {
  switch (check.kind) {
    case 'whoami':
      return `who-am-I ${check.url} (2xx naming the user)`;
    case 'status':
      return `ACS answers status ${check.status}`;
    case 'location':
      return `ACS redirects to a location matching /${check.pattern.source}/`;
    case 'text':
      return `the page after the ACS matches /${check.pattern.source}/`;
  }
}

/** True when `text` names `identity` as a whole value (alice@example.com does not name alice@example.com.evil.example). */
export function names(text: string, identity: string): boolean {
  const escaped = identity.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
  return new RegExp(`(?<![\\w.@+-])${escaped}(?![\\w@+-]|\\.[\\w-])`).test(text);
}

interface Started {
  analysis: RequestAnalysis;
}

export async function runSuite(opts: SuiteOptions): Promise<SpTestReport> {
  const { sp, idp } = opts;
  assertLoopbackUrl(sp.acsUrl, 'The ACS URL');
  if (sp.startUrl) assertLoopbackUrl(sp.startUrl, 'The start URL');
  const success = successCheckOf(sp);
  const requested = opts.cases?.length ? opts.cases : CASE_IDS;
  // The valid login always runs first: the refusals mean nothing unless a valid login is accepted, and replay
  // needs its response.
  const order: SpTestCaseId[] = ['valid', ...CASE_IDS.filter((id) => id !== 'valid' && requested.includes(id))];
  const otherKeys = opts.otherKeys ?? (await otherKeyPair());
  const startedAt = opts.clock().toISOString();
  const ssoPath = new URL(idp.ssoUrl).pathname;
  const isIdp = (u: URL): boolean => u.hostname === '127.0.0.1' && u.pathname === ssoPath;

  async function startLogin(jar: CookieJar): Promise<Started> {
    const first = await request(jar, sp.startUrl!);
    const { page } = await follow(jar, first, isIdp);
    if (page.location && isIdp(new URL(page.location))) {
      return { analysis: analyzeAuthnRequest({ binding: 'redirect', rawQuery: new URL(page.location).search }, [sp], idp.ssoUrl, opts.clock()) };
    }
    const form = firstForm(page.body, page.url);
    if (form && isIdp(new URL(form.action)) && form.fields.SAMLRequest) {
      return { analysis: analyzeAuthnRequest({ binding: 'post', samlRequest: form.fields.SAMLRequest, relayState: form.fields.RelayState ?? null }, [sp], idp.ssoUrl, opts.clock()) };
    }
    throw new Error(`The start URL did not send the browser to the lab IdP (${idp.ssoUrl}): it ended at ${page.url} with HTTP ${page.status}. Configure the SP with the lab IdP's metadata.`);
  }

  let validPost: { samlResponse: string; relayState: string | null; acsUrl: string } | null = null;
  let validAccepted = false;
  let validPage: string | null = null;
  const results: SpTestCaseResult[] = [];
  for (const [index, id] of order.entries()) {
    opts.onProgress?.(index, order.length, id);
    const info = caseInfo(id);
    const evidence: SpTestEvidence = {
      requestId: null, requestChecks: [], inResponseTo: null, acsUrl: sp.acsUrl, acsStatus: null, acsLocation: null,
      finalUrl: null, finalStatus: null, whoamiStatus: null, pageExcerpt: null, samlResponse: null, relayState: null, error: null,
    };
    let observed: SpTestObserved = 'error';
    let seen: 'forged' | 'legit' | 'nobody' | 'unknown' = 'nobody';
    let built: BuiltCase | null = null;
    try {
      const jar = new CookieJar();
      let inResponseTo: string | null = null;
      let relayState: string | null = null;
      let acsUrl = sp.acsUrl;
      let samlResponse: string;
      if (id === 'replay') {
        if (!validPost) throw new Error('The valid login produced no response to replay.');
        ({ samlResponse, relayState, acsUrl } = validPost);
        built = { xml: '', legit: null, forged: opts.user.nameId };
      } else {
        if (sp.startUrl) {
          const { analysis } = await startLogin(jar);
          evidence.requestId = analysis.request?.id ?? null;
          evidence.requestChecks = analysis.checks;
          inResponseTo = analysis.request?.id ?? null;
          relayState = analysis.relayState;
          // Where the app asked for the response, when that is one of its registered ACS URLs.
          acsUrl = analysis.acsUrl ?? sp.acsUrl;
        }
        if (id === 'in-response-to-other') {
          // Another browser's real request (SP-initiated), or an ID the SP never issued.
          inResponseTo = sp.startUrl ? ((await startLogin(new CookieJar())).analysis.request?.id ?? newSamlId()) : newSamlId();
        }
        built = await buildCase(id, { idp, spEntityId: sp.entityId, acsUrl, user: opts.user, now: opts.clock(), inResponseTo, otherKeys });
        samlResponse = Buffer.from(built.xml, 'utf8').toString('base64');
      }
      evidence.inResponseTo = inResponseTo;
      evidence.samlResponse = samlResponse;
      evidence.relayState = relayState;
      evidence.acsUrl = acsUrl;
      const form: Record<string, string> = { SAMLResponse: samlResponse };
      if (relayState) form.RelayState = relayState;
      const acs = await request(jar, acsUrl, { method: 'POST', form });
      evidence.acsStatus = acs.status;
      evidence.acsLocation = acs.location;
      const { page: final } = await follow(jar, acs);
      evidence.finalUrl = final.url;
      evidence.finalStatus = final.status;
      if (id === 'valid') validPost = { samlResponse, relayState, acsUrl };

      if (success.kind === 'whoami') {
        const who: Page = await request(jar, success.url);
        evidence.whoamiStatus = who.status;
        evidence.pageExcerpt = who.body.slice(0, EXCERPT);
        const ok = who.status >= 200 && who.status < 300;
        if (ok && names(who.body, built.forged) && built.forged !== built.legit) seen = 'forged';
        else if (ok && built.legit && names(who.body, built.legit)) seen = 'legit';
        else if (ok && built.legit === null && names(who.body, built.forged)) seen = 'forged';
        else seen = 'nobody';
        if (id === 'valid' && seen === 'legit') validPage = who.body;
      } else {
        evidence.pageExcerpt = final.body.slice(0, EXCERPT);
        const matched =
          success.kind === 'status' ? acs.status === success.status
          : success.kind === 'location' ? acs.location !== null && (success.pattern.test(acs.location) || success.pattern.test(new URL(acs.location).pathname + new URL(acs.location).search))
          : success.pattern.test(final.body);
        seen = !matched ? 'nobody' : built.legit === null ? 'forged' : built.legit === built.forged ? 'legit' : 'unknown';
      }
      observed = seen === 'nobody' ? 'refused' : seen === 'legit' && built.legit !== built.forged ? 'accepted-as-signed-user' : 'accepted';
      if (id === 'valid') validAccepted = seen === 'legit';
    } catch (error) {
      evidence.error = error instanceof Error ? error.message : String(error);
      observed = 'error';
    }
    const judged = judge(id, observed, seen, built, evidence, validAccepted);
    const { verdict } = judged;
    let { detail } = judged;
    if (id === 'valid') {
      const failed = evidence.requestChecks.filter((c) => c.status === 'fail').map((c) => c.id);
      const warned = evidence.requestChecks.filter((c) => c.status === 'warn').map((c) => c.id);
      if (failed.length) detail += ` A strict IdP would refuse the app's AuthnRequest (${failed.join(', ')}): see the request checks.`;
      else if (warned.length) detail += ` The app's AuthnRequest has warnings (${warned.join(', ')}): see the request checks.`;
    }
    results.push({ id, title: info.title, expect: info.expect, observed, verdict, detail, evidence });
  }
  opts.onProgress?.(order.length, order.length, null);

  // Refusals observed while the valid login itself failed prove nothing.
  if (!validAccepted) {
    for (const r of results) {
      if (r.id !== 'valid' && r.verdict === 'safe') {
        r.verdict = 'inconclusive';
        r.detail = `Proves nothing: the valid login was not accepted either. ${r.detail}`;
      }
    }
  }
  const count = (v: SpTestVerdict): number => results.filter((r) => r.verdict === v).length;
  const summary = { safe: count('safe'), vulnerable: count('VULNERABLE'), inconclusive: count('inconclusive'), warn: count('warn') };
  return {
    sp: { entityId: sp.entityId, acsUrl: sp.acsUrl, startUrl: sp.startUrl },
    idp: { entityId: idp.entityId, ssoUrl: idp.ssoUrl },
    observation: describe(success),
    user: opts.user,
    startedAt,
    finishedAt: opts.clock().toISOString(),
    cases: results,
    summary,
    account: compareAccounts(validPage, opts, idp.entityId),
    exitCode: summary.vulnerable > 0 || !validAccepted ? 1 : 0,
  };
}

function judge(id: SpTestCaseId, observed: SpTestObserved, seen: string, built: BuiltCase | null, evidence: SpTestEvidence, validAccepted: boolean): { verdict: SpTestVerdict; detail: string } {
  const info = caseInfo(id);
  const answer = `ACS answered ${evidence.acsStatus ?? '—'}${evidence.acsLocation ? ` → ${evidence.acsLocation}` : ''}${evidence.whoamiStatus !== null ? `; who-am-I ${evidence.whoamiStatus}` : ''}`;
  if (observed === 'error') return { verdict: 'inconclusive', detail: `Could not run this case: ${evidence.error ?? 'unknown error'}` };
  if (info.expect === 'accept') {
    return seen === 'legit'
      ? { verdict: 'safe', detail: `Accepted as ${built?.legit} (${answer}).` }
      : { verdict: 'inconclusive', detail: `The valid login was NOT accepted (${answer}). ${info.fix}` };
  }
  if (info.expect === 'warn') {
    return seen === 'legit'
      ? { verdict: 'warn', detail: `Accepted an RSA-SHA1 signature (${answer}). ${info.fix}` }
      : { verdict: validAccepted ? 'safe' : 'inconclusive', detail: `Refused (${answer}).` };
  }
  switch (seen) {
    case 'forged':
      return { verdict: 'VULNERABLE', detail: `Accepted: the app signed in ${built?.forged} (${answer}). ${info.fix}` };
    case 'legit':
      return { verdict: 'safe', detail: `Accepted, but as ${built?.legit}, the user the signature covers, not ${built?.forged} (${answer}).` };
    case 'unknown':
      return { verdict: 'inconclusive', detail: `Accepted (${answer}), but a rule on the ACS answer cannot tell which user the app signed in: give a who-am-I URL.` };
    default:
      return { verdict: 'safe', detail: `Refused (${answer}).` };
  }
}

/** The account as the app shows it (a JSON who-am-I answer, flattened; else its text) next to the lab's JIT plan. */
function compareAccounts(page: string | null, opts: SuiteOptions, idpEntityId: string): SpTestReport['account'] {
  const attributes: Attribute[] = Object.entries(opts.user.attributes).map(([name, values]) => ({ name, friendlyName: null, nameFormat: 'urn:oasis:names:tc:SAML:2.0:attrname-format:basic', values }));
  const plan = planProvision({ idpEntityId, nameId: opts.user.nameId, nameIdFormat: null, attributes, now: opts.clock(), rules: opts.rules, accounts: { byKey: () => undefined, byEmail: () => [] } });
  const lab = plan.account ? { principal: plan.account.principal, ...plan.account.fields } : null;
  let app: Record<string, string> | null = null;
  let appText: string | null = null;
  if (page !== null) {
    try {
      const parsed: unknown = JSON.parse(page);
      if (parsed && typeof parsed === 'object' && !Array.isArray(parsed)) app = flatten(parsed as Record<string, unknown>);
    } catch {
      appText = page.replace(/<script[\s\S]*?<\/script>|<style[\s\S]*?<\/style>/gi, ' ').replace(/<[^>]+>/g, ' ').replace(/\s+/g, ' ').trim().slice(0, 500);
    }
  }
  const mismatches: SpTestReport['account']['mismatches'] = [];
  if (lab && app) {
    const appLower = new Map(Object.entries(app).map(([k, v]) => [k.toLowerCase().replace(/^.*\./, ''), v]));
    for (const [field, value] of Object.entries(lab)) {
      if (field === 'principal') continue;
      const got = appLower.get(field.toLowerCase()) ?? null;
      if (got !== value) mismatches.push({ field, app: got, lab: value });
    }
  }
  return { app, appText, lab, labRoles: plan.account?.roles ?? [], mismatches };
}

function flatten(obj: Record<string, unknown>, prefix = '', out: Record<string, string> = {}, depth = 0): Record<string, string> {
  for (const [k, v] of Object.entries(obj).slice(0, 100)) {
    const key = prefix ? `${prefix}.${k}` : k;
    if (v === null || v === undefined) continue;
    if (Array.isArray(v)) out[key] = v.map((x) => (typeof x === 'object' ? JSON.stringify(x) : String(x))).join(', ');
    else if (typeof v === 'object' && depth < 3) flatten(v as Record<string, unknown>, key, out, depth + 1);
    else out[key] = typeof v === 'object' ? JSON.stringify(v) : String(v);
  }
  return out;
}
