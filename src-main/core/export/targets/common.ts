// What every target export starts from: the bundle (tested settings, rules, evidence) and its parsed metadata,
// plus the helpers that pick one attribute name where a target takes only one.
import type { Attribute, ExportFile, ExportTarget } from '../../../contract/index.ts';
import type { FieldRule, JitRules } from '../../../contract/jit-rules.ts';
import { BINDING, ssoLocation, type IdpMetadata } from '../../idp/metadata.ts';
import type { TestedConfigBundle } from '../bundle-schema.ts';

export interface TargetContext {
  bundle: TestedConfigBundle;
  metadata: IdpMetadata;
}

export interface TargetExport {
  target: ExportTarget;
  files: ExportFile[];
  /** What the target cannot express, each a sentence naming the rules option and what to do instead. */
  unsupported: string[];
}

export const file = (fileName: string, language: string, content: string): ExportFile => ({ fileName, language, content, containsSecrets: false });

export function ssoUrl(md: IdpMetadata): string {
  return ssoLocation(md, BINDING.redirect) ?? ssoLocation(md, BINDING.post) ?? '';
}

export function signingCerts(md: IdpMetadata): string[] {
  return md.certificates.filter((c) => c.use !== 'encryption').map((c) => c.base64);
}

export function pem(base64: string): string {
  return `-----BEGIN CERTIFICATE-----\n${base64.match(/.{1,64}/g)?.join('\n') ?? base64}\n-----END CERTIFICATE-----\n`;
}

/** The attributes the tested logins carried. */
function seenAttributes(bundle: TestedConfigBundle): Attribute[] {
  return bundle.evidence.flatMap((e) => e.attributes);
}

/** The one attribute name a target takes for these sources: the first one a tested login carried (by Name; the
 * FriendlyName match is noted), else the first candidate. Notes into `unsupported` what that loses. */
export function pickSource(ctx: TargetContext, sources: readonly string[], what: string, unsupported: string[]): string | null {
  if (sources.length === 0) return null;
  const ci = ctx.bundle.rules.caseInsensitiveAttributes;
  const eq = (a: string | null, b: string): boolean => a !== null && (ci ? a.toLowerCase() === b.toLowerCase() : a === b);
  const seen = seenAttributes(ctx.bundle);
  for (const s of sources) {
    const hit = seen.find((a) => eq(a.name, s) || eq(a.friendlyName, s));
    if (hit) {
      if (!eq(hit.name, s)) unsupported.push(`${what}: the tested IdP sent "${hit.name}" (FriendlyName "${s}"); the target matches the Name, so "${hit.name}" is used.`);
      return hit.name;
    }
  }
  if (sources.length > 1) unsupported.push(`${what}: the target reads one attribute name; no tested login carried any of ${sources.length} candidates, so the first ("${sources[0]}") is used.`);
  return sources[0] ?? null;
}

export function fieldRule(rules: JitRules, ...names: string[]): FieldRule | undefined {
  return rules.fields.find((f) => names.includes(f.field));
}

/** Non-trivial transforms a plain attribute mapping loses. */
export function transformNote(rule: FieldRule, target: string): string | null {
  const ops = rule.transforms.map((t) => t.op);
  if (ops.length === 0 && rule.take === 'first') return null;
  const parts = [...(ops.length ? [`transforms ${ops.join(', ')}`] : []), ...(rule.take === 'all' ? ['take: all'] : [])];
  return `fields.${rule.field}: ${parts.join(' and ')} — ${target} maps the attribute value as sent; apply them in your application.`;
}

/** Rules options that live in the application's user store, not in any SSO library's settings. */
export function accountStoreNotes(rules: JitRules, target: string): string[] {
  const out: string[] = [];
  if (rules.emailConflict !== 'refuse') out.push(`emailConflict: ${rules.emailConflict} — ${target} does not match accounts by email; do it where your application looks users up.`);
  if (!rules.allowSignUp) out.push(`allowSignUp: false — ${target} has no sign-up switch; refuse unknown users where your application creates accounts.`);
  if (rules.newAccountStatus === 'blocked') out.push(`newAccountStatus: blocked — create new accounts blocked (pending approval) in your application.`);
  if (rules.syncMode === 'import' || rules.fields.some((f) => f.syncMode)) out.push(`syncMode (import / per-field overrides) — decide in your application whether a later login overwrites stored fields.`);
  return out;
}

/** The IdP's SingleLogoutService endpoints (Redirect and POST), when its metadata lists any. */
export function sloEndpoints(md: IdpMetadata): { binding: string; location: string }[] {
  if (!('sloServices' in md)) return [];
  const slo = (md as IdpMetadata & { sloServices: { binding: string; location: string }[] }).sloServices;
  return slo.filter((e) => e.binding === BINDING.redirect || e.binding === BINDING.post);
}

/** The SP's SingleLogoutService URL: beside the ACS, as the lab serves it (null when the ACS is elsewhere). */
export function spSloUrl(acsUrl: string): string | null {
  return acsUrl.endsWith('/saml/acs') ? `${acsUrl.slice(0, -'/saml/acs'.length)}/saml/slo` : null;
}
