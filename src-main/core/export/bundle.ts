// Builds the tested-config bundle from what the lab holds, and reads one back (strictly: a newer or corrupt
// bundle is refused with invalid-bundle and a message a person can act on).
import type { Account, SpSettings } from '../../contract/index.ts';
import type { JitRules } from '../../contract/jit-rules.ts';
import { LabError } from '../errors.ts';
import { parseIdpMetadata, type IdpMetadata, type ParsedIdpMetadata } from '../idp/metadata.ts';
import type { StoredLogin } from '../store/schema.ts';
import { BUNDLE_KIND, BUNDLE_VERSION, SECRET_WARNING, TestedConfigBundle, type BundleEvidence } from './bundle-schema.ts';
import { replayBundle } from './replay.ts';

export interface BundleSource {
  now: Date;
  version: string;
  idp: { name: string; entityId: string; metadataXml: string; metadataUrl: string | null };
  sp: SpSettings;
  rules: JitRules;
  logins: readonly StoredLogin[];
  accountById: (id: string) => Account | null;
  /** Only when the person asked for it. */
  spPrivateKeyPem: string | null;
}

export function buildBundle(src: BundleSource): TestedConfigBundle {
  const { sp } = src;
  const bundle: TestedConfigBundle = {
    bundleVersion: BUNDLE_VERSION,
    kind: BUNDLE_KIND,
    exportedAt: src.now.toISOString(),
    exportedBy: `saml-jit-lab ${src.version}`,
    containsSecrets: src.spPrivateKeyPem !== null,
    idp: { ...src.idp },
    sp: {
      entityId: sp.entityId,
      acsUrl: sp.acsUrl,
      metadataUrl: sp.metadataUrl,
      loginUrl: sp.loginUrl,
      nameIdFormat: sp.nameIdFormat,
      certificatePem: sp.certificatePem,
      certificateFingerprintSha256: sp.certificateFingerprintSha256,
      privateKey: src.spPrivateKeyPem === null ? null : { warning: SECRET_WARNING, privateKeyPem: src.spPrivateKeyPem },
    },
    policy: {
      clockSkewSeconds: sp.clockSkewSeconds,
      allowUnsolicited: sp.allowUnsolicited,
      signaturePolicy: sp.signaturePolicy,
      sha1Policy: sp.sha1Policy,
      spProfile: sp.spProfile,
    },
    rules: src.rules,
    evidence: evidenceOf(src),
  };
  const parsed = TestedConfigBundle.safeParse(bundle);
  if (!parsed.success) {
    const issue = parsed.error.issues[0]!;
    throw new LabError('invalid-input', `Cannot export the bundle: ${issue.path.join('.')}: ${issue.message} Correct the setting and export again.`, parsed.error.issues.map((i) => ({ path: i.path.join('.'), message: i.message })));
  }
  return parsed.data;
}

/** For each tested user, the last accepted login from this IdP and the account it left. */
function evidenceOf(src: BundleSource): BundleEvidence[] {
  const byPrincipal = new Map<string, BundleEvidence>();
  for (const login of src.logins) {
    if (login.verdict !== 'accepted' || login.idpEntityId !== src.idp.entityId || !login.nameId || !login.accountId) continue;
    const account = src.accountById(login.accountId);
    const samlResponse = login.samlResponse ?? (login.xml ? Buffer.from(login.xml, 'utf8').toString('base64') : null);
    if (!account || !samlResponse) continue;
    // Logins are stored oldest first: a later one replaces an earlier one of the same user.
    byPrincipal.delete(account.principal);
    byPrincipal.set(account.principal, {
      principal: account.principal,
      loginId: login.id,
      receivedAt: login.receivedAt,
      flow: login.flow,
      nameId: login.nameId,
      nameIdFormat: login.nameIdFormat,
      samlResponse,
      checks: login.checks,
      attributes: login.attributes,
      diff: login.diff,
      account,
    });
  }
  return [...byPrincipal.values()];
}

/** A tested login that export left out of the bundle, and why: it would not replay as recorded with the settings
 * being exported (e.g. it was accepted under an SP entity ID that has since changed). */
export interface LeftOutLogin {
  principal: string;
  loginId: string;
  receivedAt: string;
  /** Each difference replay would report, as a sentence. */
  reasons: string[];
}

/** An exported bundle must pass its own replay: every evidence login is verified and provisioned again exactly as
 * `saml-jit-lab replay --config` will (at its recorded time, with the bundle's SP settings, policy, rules and
 * metadata), and each one that would not behave as recorded is left out, with the reasons. */
export function keepReplayableEvidence(bundle: TestedConfigBundle, metadata: IdpMetadata): { bundle: TestedConfigBundle; leftOut: LeftOutLogin[] } {
  if (bundle.evidence.length === 0) return { bundle, leftOut: [] };
  const report = replayBundle({ bundle, recordedMetadata: metadata, currentMetadata: metadata, metadataSource: 'the bundle' });
  const failing = new Map(report.items.filter((i) => !i.asRecorded).map((i) => [i.loginId, i]));
  if (failing.size === 0) return { bundle, leftOut: [] };
  const leftOut = [...failing.values()].map((i) => ({ principal: i.principal, loginId: i.loginId, receivedAt: i.receivedAt, reasons: i.differences.map((d) => d.message) }));
  return { bundle: { ...bundle, evidence: bundle.evidence.filter((e) => !failing.has(e.loginId)) }, leftOut };
}

export function bundleJson(bundle: TestedConfigBundle): string {
  return `${JSON.stringify(bundle, null, 2)}\n`;
}

export interface ReadBundle {
  bundle: TestedConfigBundle;
  metadata: ParsedIdpMetadata;
}

/** Parses and checks a bundle; throws LabError('invalid-bundle') saying what is wrong. */
export function readBundle(json: string): ReadBundle {
  let raw: unknown;
  try {
    raw = JSON.parse(json.replace(/^\uFEFF/, ''));
  } catch (error) {
    throw new LabError('invalid-bundle', `This file is not a tested-config bundle: it is not valid JSON (${error instanceof Error ? error.message : String(error)}).`);
  }
  if (typeof raw !== 'object' || raw === null || Array.isArray(raw)) throw new LabError('invalid-bundle', 'This file is not a tested-config bundle: it is not a JSON object.');
  const obj = raw as Record<string, unknown>;
  if (obj.kind !== BUNDLE_KIND) {
    throw new LabError('invalid-bundle', `This file is not a SAML JIT Lab tested-config bundle (its "kind" is ${JSON.stringify(obj.kind ?? null)}, expected "${BUNDLE_KIND}").`);
  }
  const version = obj.bundleVersion;
  if (typeof version === 'number' && Number.isInteger(version) && version > BUNDLE_VERSION) {
    throw new LabError('invalid-bundle', `This bundle was written by a newer SAML JIT Lab (bundle version ${version}; this version reads up to ${BUNDLE_VERSION}). Update SAML JIT Lab to import it.`, { bundleVersion: version });
  }
  const parsed = TestedConfigBundle.safeParse(raw);
  if (!parsed.success) {
    const problems = parsed.error.issues.map((i) => ({ path: i.path.join('.'), message: i.message }));
    const first = problems[0]!;
    throw new LabError('invalid-bundle', `This bundle is damaged or was edited by hand: ${first.path || '(root)'}: ${first.message}${problems.length > 1 ? ` (and ${problems.length - 1} more problem${problems.length > 2 ? 's' : ''})` : ''}.`, problems);
  }
  const bundle = parsed.data;
  let metadata: ParsedIdpMetadata;
  try {
    metadata = parseIdpMetadata(bundle.idp.metadataXml);
  } catch (error) {
    throw new LabError('invalid-bundle', `The IdP metadata in this bundle does not parse: ${error instanceof Error ? error.message : String(error)}`);
  }
  if (metadata.entityId !== bundle.idp.entityId) {
    throw new LabError('invalid-bundle', `The bundle says the IdP is ${bundle.idp.entityId} but its metadata describes ${metadata.entityId}: the file was edited by hand.`);
  }
  return { bundle, metadata };
}
