// One login, end to end: verify, JIT-provision, record, persist, announce. Everything between verification and
// the store mutation is synchronous, so concurrent posts for the same account cannot interleave (no lost update).
import { randomUUID } from 'node:crypto';
import type { Check, LoginDetail, LoginFlow, LoginSummary, SpSettings, Verdict } from '../contract/index.ts';
import type { Attribute, JitRules } from '../contract/index.ts';
import { LabError } from './errors.ts';
import { AccountIndex } from './jit/account-index.ts';
import { planProvision, type ProvisionPlan } from './jit/provision.ts';
import type { TrustedIdp, VerifyPolicy } from './saml/context.ts';
import { sharedVerifyPool } from './verify-pool/pool.ts';
import { sessionOfLogin } from './slo/sessions.ts';
import type { StoreService } from './store/store-service.ts';
import type { StoredAccount, StoredLogin } from './store/schema.ts';

export const REJECTED_DIFF: StoredLogin['diff'] = { kind: 'rejected', accountId: null, changes: [], rolesGranted: [], rolesRemoved: [], linkedBy: null };

export interface LoginRequestInfo {
  samlResponse: string;
  relayState: string | null;
  http: StoredLogin['http'];
}

export interface LoginServiceDeps {
  store: StoreService;
  clock: () => Date;
  sp: () => SpSettings;
  /** The verification policy in force (verifyPolicyOf the SP settings). */
  policy: () => VerifyPolicy;
  spPrivateKeyPem: string;
  idps: () => TrustedIdp[];
  /** The JIT rules for logins from this IdP profile. */
  rulesFor: (idpId: string) => JitRules;
  onCompleted: (login: LoginSummary) => void;
}

export class LoginService {
  private readonly deps: LoginServiceDeps;
  private readonly unsaved = new WeakMap<StoredLogin, string>();
  /** Accounts by key, email and the canonical forms look-alikes meet under (core/jit/account-index.ts). */
  readonly accounts = new AccountIndex();

  constructor(deps: LoginServiceDeps) {
    this.deps = deps;
    for (const a of deps.store.data.accounts) this.index(a);
    sharedVerifyPool(); // workers start now, not at the first login
  }

  private index(account: StoredAccount): void {
    this.accounts.add(account);
  }

  /** Forgets the account's key, email and canonical forms (before it changes in place). */
  private unindexEmail(account: StoredAccount): void {
    this.accounts.remove(account);
  }

  /** Applies a provisioning plan to the store (in memory; the caller flushes). */
  private apply(before: StoredAccount | null, after: StoredAccount): void {
    if (before) {
      this.unindexEmail(before);
      this.deps.store.accounts.update(before, after);
      this.index(before);
    } else {
      this.deps.store.accounts.add(after);
      this.index(after);
    }
  }

  /** What this login would do under these rules, without writing anything. */
  dryRun(input: { idpId: string; idpEntityId: string; nameId: string; nameIdFormat?: string | null; attributes: Attribute[]; rules: JitRules }): ProvisionPlan {
    return planProvision({ idpEntityId: input.idpEntityId, nameId: input.nameId, nameIdFormat: input.nameIdFormat, attributes: input.attributes, now: this.deps.clock(), rules: input.rules, accounts: this.accounts });
  }

  /** Verifies and provisions a posted response; resolves once the login is on disk. */
  async receive(request: LoginRequestInfo): Promise<StoredLogin> {
    const data = this.deps.store.data;
    const now = this.deps.clock();
    const sp = this.deps.sp();
    this.deps.store.pruneExpired(now);
    const policy = this.deps.policy();
    // Verified in a worker thread (verify-pool/), handed back in order of arrival, checked against the store as it is
    // now: everything from here to the store mutation stays synchronous.
    const result = await sharedVerifyPool().verify({
      samlResponse: request.samlResponse,
      // The whole form as posted, for response.size (downstream form-size limits).
      postedFormBytes: request.http.bytes,
      now,
      sp,
      spPrivateKeyPem: this.deps.spPrivateKeyPem,
      idps: this.deps.idps(),
      policy,
      outstanding: {
        find: (id) => {
          const r = data.outstanding.find((o) => o.id === id);
          return r ? { idpEntityId: r.idpEntityId, expiresAt: new Date(r.expiresAt) } : null;
        },
      },
      replay: { seen: (id, idp) => data.replay.some((r) => r.assertionId === id && r.idpEntityId === idp) },
    });

    // The flow is the response's shape, whatever the verdict: one the in-response-to check read as unsolicited is
    // IdP-initiated on a rejected login too (it said "Unknown" while the check called it IdP-initiated).
    const inResponseToCheck = result.checks.find((c) => c.id === 'in-response-to');
    let flow: LoginFlow = inResponseToCheck ? (inResponseToCheck.received === UNSOLICITED ? 'idp-initiated' : 'sp-initiated') : 'unknown';
    // The AuthnRequest this response answers, kept with the login (read before the outstanding entry is used up).
    const sentRequest = result.inResponseTo ? data.outstanding.find((o) => o.id === result.inResponseTo)?.request : undefined;
    if (result.verdict === 'accepted') flow = result.inResponseTo ? 'sp-initiated' : 'idp-initiated';
    let diff: StoredLogin['diff'] = REJECTED_DIFF;
    let accountId: string | null = null;
    let verdict = result.verdict;
    let checks = result.checks;
    if (result.verdict === 'accepted' && result.idp && result.nameId && result.assertionId) {
      // The assertion is used up once verified, whatever the JIT rules decide.
      this.deps.store.replay.add({
        assertionId: result.assertionId,
        idpEntityId: result.idp.entityId,
        expiresAt: (result.assertionExpiresAt ?? new Date(now.getTime() + 3600_000)).toISOString(),
      });
      if (result.inResponseTo) this.deps.store.outstanding.remove(result.inResponseTo);
      const plan = planProvision({
        idpEntityId: result.idp.entityId,
        nameId: result.nameId,
        nameIdFormat: result.nameIdFormat,
        attributes: result.attributes,
        now,
        rules: this.deps.rulesFor(result.idp.id),
        accounts: this.accounts,
      });
      checks = [...checks, ...plan.checks];
      if (plan.rejected || !plan.account) {
        verdict = 'rejected';
      } else {
        this.apply(plan.before, plan.account);
        diff = plan.diff;
        accountId = plan.account.id;
      }
    }
    // Nothing a trusted IdP signed (the NameID is read only from a validly signed assertion): anyone's input.
    const untrusted = result.nameId === null;
    const login: StoredLogin = {
      id: randomUUID(),
      receivedAt: now.toISOString(),
      verdict,
      flow,
      idpEntityId: result.idp?.entityId ?? result.issuer,
      nameId: result.nameId,
      claimedNameId: result.claimedNameId,
      nameIdFormat: result.nameIdFormat,
      sessionIndex: result.sessionIndex,
      accountId,
      // A rejected post is anyone's input (the ACS takes cross-site posts): keep only its first bytes as evidence,
      // so junk posts cannot fill memory and the data folder.
      samlResponse: verdict === 'accepted' ? request.samlResponse : capEvidence(request.samlResponse),
      xml: verdict === 'accepted' ? result.xml : capEvidence(result.xml),
      decryptedXml: verdict === 'accepted' ? result.decryptedXml : capEvidence(result.decryptedXml),
      relayState: capField(request.relayState, RELAY_STATE_KEPT),
      checks: [...withoutUnrelatedUnsolicitedWarning(checks, verdict), ...relayStateChecks(request.relayState)],
      attributes: result.attributes,
      diff,
      http: { ...request.http, status: verdict === 'accepted' ? 200 : 403 },
      ...(untrusted ? { untrusted: true } : {}),
      ...(sentRequest && !untrusted ? { authnRequest: sentRequest } : {}),
    };
    // An accepted login opens a lab session (ended by Single Logout, SessionNotOnOrAfter or by hand; slo/).
    if (verdict === 'accepted' && accountId && result.idp && result.nameId) this.deps.store.sessions.open(sessionOfLogin(login, accountId, { ...result, idp: result.idp, nameId: result.nameId }));
    const stored = untrusted ? boundUntrusted(login) : login;
    await this.record(stored);
    return stored;
  }

  /** Records a request that never reached verification (wrong method, no SAMLResponse, too large…). */
  async rejectRequest(check: Check, request: Omit<LoginRequestInfo, 'samlResponse'> & { samlResponse: string | null }): Promise<StoredLogin> {
    const login: StoredLogin = {
      id: randomUUID(),
      receivedAt: this.deps.clock().toISOString(),
      verdict: 'rejected',
      flow: 'unknown',
      idpEntityId: null,
      nameId: null,
      nameIdFormat: null,
      sessionIndex: null,
      accountId: null,
      samlResponse: capEvidence(request.samlResponse),
      xml: null,
      relayState: capField(request.relayState, RELAY_STATE_KEPT),
      checks: [check, ...relayStateChecks(request.relayState)],
      attributes: [],
      diff: REJECTED_DIFF,
      http: request.http,
      untrusted: true,
    };
    const stored = boundUntrusted(login);
    await this.record(stored);
    return stored;
  }

  /** Why this login could not be written to disk (read-only or full data folder), or null when it was. */
  saveError(login: StoredLogin): string | null {
    return this.unsaved.get(login) ?? null;
  }

  private async record(login: StoredLogin): Promise<void> {
    this.deps.store.logins.append(login);
    try {
      await this.deps.store.commit();
    } catch (error) {
      // The verdict still stands and is answered; the change stays in memory and goes out with the next write
      // that succeeds.
      if (!(error instanceof LabError) || error.code !== 'store-unwritable') throw error;
      this.unsaved.set(login, error.message);
    }
    this.deps.onCompleted(summarize(login));
  }
}

/** SAML bindings 3.4.3 / 3.5.3: "RelayState data MUST NOT exceed 80 bytes in length". */
export const RELAY_STATE_LIMIT = 80;
/** How much of a RelayState is kept (a longer one is stored cut, with its length). */
const RELAY_STATE_KEPT = 1024;
/** How much of any other single value from an unauthenticated post is kept (Issuer, IDs, a check's received…). */
const UNTRUSTED_FIELD_KEPT = 1024;

function relayStateChecks(relayState: string | null): Check[] {
  if (relayState === null) return [];
  const bytes = Buffer.byteLength(relayState, 'utf8');
  if (bytes <= RELAY_STATE_LIMIT) return [];
  return [
    {
      id: 'request.relay-state',
      title: 'RelayState fits the SAML limit',
      status: 'warn',
      expected: `at most ${RELAY_STATE_LIMIT} bytes (SAML bindings 3.4.3 and 3.5.3)`,
      received: `${bytes} bytes${bytes > RELAY_STATE_KEPT ? ` (only the first ${RELAY_STATE_KEPT} characters are kept)` : ''}`,
      hint: 'An IdP or SP may cut or refuse a longer RelayState. Send a short opaque key and keep the target URL on the SP side.',
    },
  ];
}

/** A value cut to `max` characters, saying how long it was. */
export function capField<T extends string | null>(value: T, max: number = UNTRUSTED_FIELD_KEPT): T {
  if (value === null || value.length <= max) return value;
  return `${value.slice(0, max)}… [${value.length} characters in all; the rest not kept]` as T;
}

/** A login from an unauthenticated post, every field bounded (RelayState already is, where it was read): no post can
 * store more than a few tens of kB. */
function boundUntrusted(login: StoredLogin): StoredLogin {
  return {
    ...login,
    idpEntityId: capField(login.idpEntityId),
    nameId: capField(login.nameId),
    claimedNameId: capField(login.claimedNameId ?? null),
    nameIdFormat: capField(login.nameIdFormat),
    sessionIndex: capField(login.sessionIndex),
    checks: login.checks.slice(0, 64).map((c) => ({ ...c, expected: capField(c.expected), received: capField(c.received) })),
    attributes: [],
    http: { ...login.http, contentType: capField(login.http.contentType, 256) },
  };
}

/** How much of a rejected post is kept as evidence (a typical SAML response is 5–30 kB). */
export const REJECTED_EVIDENCE_BYTES = 64 * 1024;

export function capEvidence<T extends string | null>(value: T): T {
  if (value === null || value.length <= REJECTED_EVIDENCE_BYTES) return value;
  return `${value.slice(0, REJECTED_EVIDENCE_BYTES)}\n[… ${value.length - REJECTED_EVIDENCE_BYTES} more characters not kept: rejected posts keep their first ${REJECTED_EVIDENCE_BYTES / 1024} kB]` as T;
}

export function summarize(login: StoredLogin): LoginSummary {
  return {
    id: login.id,
    receivedAt: login.receivedAt,
    verdict: login.verdict,
    flow: login.flow,
    idpEntityId: login.idpEntityId,
    nameId: login.nameId,
    claimedNameId: login.claimedNameId ?? null,
    accountId: login.accountId,
    diffKind: login.diff.kind,
    clearedCount: login.diff.clearedFields?.length ?? 0,
    failedCheckIds: login.checks.filter((c) => c.status === 'fail').map((c) => c.id),
    firstFailure: login.checks.find((c) => c.status === 'fail')?.title ?? null,
    warnCount: login.checks.filter((c) => c.status === 'warn').length,
  };
}

/** What the in-response-to check receives for a response that answers no request. */
const UNSOLICITED = 'unsolicited (IdP-initiated)';

/** A rejected login's "unsolicited, allowed by the policy" warning says nothing about why it failed: it is left out
 * beside a real failure (the flow label still says IdP-initiated). */
function withoutUnrelatedUnsolicitedWarning(checks: Check[], verdict: Verdict): Check[] {
  if (verdict !== 'rejected' || !checks.some((c) => c.status === 'fail')) return checks;
  return checks.filter((c) => !(c.id === 'in-response-to' && c.status === 'warn' && c.received === UNSOLICITED));
}

export function detail(login: StoredLogin): LoginDetail {
  return {
    ...summarize(login),
    xml: login.xml,
    decryptedXml: login.decryptedXml ?? null,
    samlResponse: login.samlResponse,
    relayState: login.relayState,
    nameIdFormat: login.nameIdFormat,
    sessionIndex: login.sessionIndex,
    checks: login.checks,
    attributes: login.attributes,
    diff: login.diff,
    http: login.http,
    authnRequest: login.authnRequest ?? null,
  };
}
