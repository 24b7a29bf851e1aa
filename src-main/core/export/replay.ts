// Replays a bundle's evidence: every recorded response is verified again at its recorded time, with the bundle's
// SP settings and policy and the current IdP metadata, and provisioned again with the bundle's rules against the
// account it produced. Whatever would now differ is reported: a rotated certificate (signature checks fail), a
// moved endpoint, rules that would change the account.
import { verifyPolicyOf } from '../verify-policy.ts';
import type { Check, JitRules } from '../../contract/index.ts';
import { accountKey, planProvision } from '../jit/provision.ts';
import { BINDING, parseIdpMetadata, ssoLocation, type IdpMetadata, type ParsedIdpMetadata } from '../idp/metadata.ts';
import type { TrustedIdp } from '../saml/context.ts';
import { verifyResponse, type VerifyResult } from '../saml/verify.ts';
import type { StoredAccount } from '../store/schema.ts';
import type { BundleEvidence, TestedConfigBundle } from './bundle-schema.ts';

export const REPLAY_MAX_RESPONSE_BYTES = 10 * 1024 * 1024;

/** Checks whose outcome depends on state a replay cannot have (the replay cache) or on other accounts. */
const NOT_REPLAYABLE = new Set(['replay', 'jit.duplicate-email', 'jit.confusable-principal', 'jit.confusable-email']);

export interface ReplayDifference {
  /** What differs: a check id, "verdict", "nameId", "attributes", "account" or "metadata". */
  what: string;
  message: string;
}

export interface ReplayItem {
  principal: string;
  loginId: string;
  receivedAt: string;
  recordedVerdict: 'accepted';
  verdict: 'accepted' | 'rejected';
  asRecorded: boolean;
  differences: ReplayDifference[];
}

export interface ReplayReport {
  asRecorded: boolean;
  metadataSource: string;
  /** Differences between the bundle's metadata and the current one (endpoint moved, certificate removed…). */
  metadata: ReplayDifference[];
  /** Changes that do not alter any outcome (a certificate added for a rollover). */
  notices: string[];
  items: ReplayItem[];
}

export interface ReplayOptions {
  bundle: TestedConfigBundle;
  /** The metadata as recorded in the bundle. */
  recordedMetadata: IdpMetadata;
  /** The metadata to verify with now (the bundle's own when nothing newer was given). */
  currentMetadata: IdpMetadata;
  metadataSource: string;
  /** Rules to provision with instead of the bundle's (to try new rules against the evidence). */
  rules?: JitRules;
}

/** Current metadata for the bundle's IdP: picked by entityID from an aggregate; a single IdP whose entityID changed
 * is still read (replay then reports the change instead of refusing the file). */
export function parseCurrentMetadata(xml: string, entityId: string): ParsedIdpMetadata {
  try {
    return parseIdpMetadata(xml, { entityId });
  } catch (error) {
    try {
      return parseIdpMetadata(xml);
    } catch {
      throw error;
    }
  }
}

export function replayBundle(options: ReplayOptions): ReplayReport {
  const { bundle, recordedMetadata: was, currentMetadata: now } = options;
  const metadata = compareMetadata(was, now);
  const items = bundle.evidence.map((e) => replayOne(e, options));
  return {
    asRecorded: metadata.differences.length === 0 && items.every((i) => i.asRecorded),
    metadataSource: options.metadataSource,
    metadata: metadata.differences,
    notices: metadata.notices,
    items,
  };
}

function compareMetadata(was: IdpMetadata, now: IdpMetadata): { differences: ReplayDifference[]; notices: string[] } {
  const differences: ReplayDifference[] = [];
  const notices: string[] = [];
  if (was.entityId !== now.entityId) differences.push({ what: 'metadata', message: `IdP entityID changed: ${was.entityId} → ${now.entityId}` });
  for (const [label, binding] of [['HTTP-Redirect', BINDING.redirect], ['HTTP-POST', BINDING.post]] as const) {
    const a = ssoLocation(was, binding);
    const b = ssoLocation(now, binding);
    if (a !== b) differences.push({ what: 'metadata', message: `endpoint moved: ${label} SingleSignOnService ${a ?? '(none)'} → ${b ?? '(none)'}` });
  }
  const signing = (md: IdpMetadata): string[] => md.certificates.filter((c) => c.use !== 'encryption').map((c) => c.fingerprintSha256);
  const before = signing(was);
  const after = signing(now);
  const removed = before.filter((f) => !after.includes(f));
  const added = after.filter((f) => !before.includes(f));
  if (removed.length > 0) {
    differences.push({ what: 'metadata', message: `signing certificate rotated: removed ${removed.join(', ')}${added.length ? `; added ${added.join(', ')}` : ''}` });
  } else if (added.length > 0) {
    notices.push(`signing certificate added (rollover ahead?): ${added.join(', ')}; the recorded one is still trusted`);
  }
  return { differences, notices };
}

function replayOne(e: BundleEvidence, options: ReplayOptions): ReplayItem {
  const { bundle, currentMetadata: md } = options;
  const at = new Date(e.receivedAt);
  const idp: TrustedIdp = { id: 'bundle', name: bundle.idp.name, entityId: md.entityId, certificates: md.certificates };
  const result = verifyResponse({
    samlResponse: e.samlResponse,
    now: at,
    sp: { entityId: bundle.sp.entityId, acsUrl: bundle.sp.acsUrl },
    idps: [idp],
    policy: verifyPolicyOf({ ...bundle.policy, nameIdFormat: bundle.sp.nameIdFormat }, { maxResponseBytes: REPLAY_MAX_RESPONSE_BYTES }),
    // The AuthnRequest it answered was outstanding when it arrived (the recorded in-response-to check says so).
    outstanding: { find: () => ({ idpEntityId: md.entityId, expiresAt: new Date(at.getTime() + 3600_000) }) },
    replay: { seen: () => false },
    spPrivateKeyPem: bundle.sp.privateKey?.privateKeyPem ?? null,
  });
  const differences: ReplayDifference[] = [];
  let verdict = result.verdict;
  let checks: Check[] = result.checks;
  if (result.verdict === 'accepted') {
    compareIdentity(e, result, differences);
    const provisioned = reprovision(e, result, options.rules ?? bundle.rules, at);
    checks = [...checks, ...provisioned.checks];
    if (provisioned.rejected) verdict = 'rejected';
    differences.push(...provisioned.differences);
  } else if (e.samlResponse && result.checks.some((c) => c.id === 'response.decode' && c.status === 'fail')) {
    differences.push({ what: 'response', message: 'the recorded response no longer decodes' });
  }
  differences.unshift(...compareChecks(e.checks, checks));
  if (verdict !== 'accepted') differences.unshift({ what: 'verdict', message: 'was accepted, now REJECTED' });
  return { principal: e.principal, loginId: e.loginId, receivedAt: e.receivedAt, recordedVerdict: 'accepted', verdict, asRecorded: differences.length === 0, differences };
}

function compareChecks(recorded: Check[], now: Check[]): ReplayDifference[] {
  const out: ReplayDifference[] = [];
  const ids = [...new Set([...recorded.map((c) => c.id), ...now.map((c) => c.id)])].filter((id) => !NOT_REPLAYABLE.has(id));
  for (const id of ids) {
    const a = recorded.find((c) => c.id === id);
    const b = now.find((c) => c.id === id);
    if (a?.status === b?.status) continue;
    // Not run now: an earlier check failed, which is reported. New and passing: nothing to say.
    if (!b || (!a && b.status === 'pass')) continue;
    const detail = b.status !== 'pass' ? ` (expected ${b.expected ?? '—'}, received ${b.received ?? '—'})${b.hint ? `. Fix: ${b.hint}` : ''}` : '';
    out.push({ what: id, message: `${id}: was ${a?.status ?? 'not run'}, now ${b.status}${detail}` });
  }
  return out;
}

function compareIdentity(e: BundleEvidence, result: VerifyResult, out: ReplayDifference[]): void {
  if (result.nameId !== e.nameId) out.push({ what: 'nameId', message: `NameID was ${e.nameId}, now ${result.nameId ?? '(none)'}` });
  const key = (a: { name: string; values: string[] }): string => `${a.name}=${JSON.stringify(a.values)}`;
  const before = e.attributes.map(key).sort().join('\n');
  const after = result.attributes.map(key).sort().join('\n');
  if (before !== after) out.push({ what: 'attributes', message: 'the attributes read from the signed assertion differ from the recorded ones' });
}

function reprovision(e: BundleEvidence, result: VerifyResult, rules: JitRules, at: Date): { checks: Check[]; rejected: boolean; differences: ReplayDifference[] } {
  const recorded = e.account;
  const stored: StoredAccount = { ...recorded, key: accountKey(recorded.idpEntityId, recorded.principal, rules.principal.caseInsensitive) };
  // Provisioning this login again against the account it left: unchanged rules change nothing.
  const plan = planProvision({
    idpEntityId: recorded.idpEntityId,
    nameId: result.nameId ?? '',
    attributes: result.attributes,
    now: at,
    rules,
    accounts: { byKey: (k) => (k === stored.key ? stored : undefined), byEmail: () => [] },
  });
  const differences: ReplayDifference[] = [];
  if (plan.rejected) return { checks: plan.checks, rejected: true, differences };
  if (plan.diff.kind === 'created') {
    differences.push({ what: 'account', message: `the rules now key this user differently: a NEW account would be created for ${plan.account?.principal ?? '?'} instead of updating ${recorded.principal}` });
  } else {
    for (const c of plan.diff.changes) {
      if (c.change === 'unchanged') continue;
      differences.push({ what: 'account', message: `rules change the account: ${c.field} ${JSON.stringify(c.before)} → ${JSON.stringify(c.after)}` });
    }
  }
  return { checks: plan.checks, rejected: false, differences };
}
