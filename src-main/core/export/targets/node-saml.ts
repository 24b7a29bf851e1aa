// @node-saml/node-saml (and passport-saml, which takes the same options): the options as JSON, and a short
// CommonJS snippet that builds the SAML object and maps a verified profile to the account the lab provisioned,
// with the JIT rules embedded (fields, transforms, groups, roles, required attributes and groups).
import type { JitRules } from '../../../contract/jit-rules.ts';
import { accountStoreNotes, file, pem, signingCerts, sloEndpoints, spSloUrl, ssoUrl, type TargetContext, type TargetExport } from './common.ts';
import { commentText, identifier, jsonText } from './escape.ts';

/** The options node-saml's SAML constructor takes (SamlConfig), as tested. */
export function nodeSamlOptions(ctx: TargetContext): Record<string, unknown> {
  const { bundle, metadata } = ctx;
  const p = bundle.policy;
  return {
    callbackUrl: identifier('SP ACS URL', bundle.sp.acsUrl),
    entryPoint: identifier('IdP SSO URL', ssoUrl(metadata)),
    issuer: identifier('SP entity ID', bundle.sp.entityId),
    audience: bundle.sp.entityId,
    idpIssuer: identifier('IdP entity ID', metadata.entityId),
    idpCert: signingCerts(metadata).map(pem),
    identifierFormat: identifier('NameID format', bundle.sp.nameIdFormat),
    acceptedClockSkewMs: p.clockSkewSeconds * 1000,
    wantAuthnResponseSigned: p.signaturePolicy === 'response' || p.signaturePolicy === 'both',
    wantAssertionsSigned: p.signaturePolicy === 'assertion' || p.signaturePolicy === 'both',
    validateInResponseTo: p.allowUnsolicited ? 'ifPresent' : 'always',
    requestIdExpirationPeriodMs: 10 * 60_000,
    disableRequestedAuthnContext: true,
    // Single Logout, where the IdP's metadata lists it: node-saml sends LogoutRequests to logoutUrl (HTTP-Redirect)
    // and its IdP answers at logoutCallbackUrl.
    ...slo(ctx),
  };
}

function slo(ctx: TargetContext): Record<string, string> {
  const idpSlo = sloEndpoints(ctx.metadata).find((e) => e.binding.endsWith('HTTP-Redirect')) ?? null;
  const spSlo = spSloUrl(ctx.bundle.sp.acsUrl);
  if (!idpSlo) return {};
  return { logoutUrl: identifier('IdP SLO URL', idpSlo.location), ...(spSlo ? { logoutCallbackUrl: identifier('SP SLO URL', spSlo) } : {}) };
}

/** The JIT rules as plain JavaScript: the same semantics as the lab's provisioning (src-main/core/jit). */
export const MAP_PROFILE_JS = String.raw`function mapProfile(profile, rules = RULES) {
  const norm = (s) => (rules.caseInsensitiveAttributes ? String(s).toLowerCase() : String(s));
  const attrs = new Map();
  for (const [name, value] of Object.entries(profile.attributes || {})) {
    const values = (Array.isArray(value) ? value : [value]).map((v) => (typeof v === 'string' ? v : v && typeof v === 'object' && '_' in v ? String(v._) : String(v)));
    if (!attrs.has(norm(name))) attrs.set(norm(name), values);
  }
  const get = (name) => attrs.get(norm(name));
  const apply = (values, transforms) => {
    let out = values;
    for (const t of transforms || []) {
      if (t.op === 'trim') out = out.map((v) => v.trim());
      else if (t.op === 'lowercase') out = out.map((v) => v.toLowerCase());
      else if (t.op === 'uppercase') out = out.map((v) => v.toUpperCase());
      else if (t.op === 'split') out = out.flatMap((v) => v.split(t.separator)).map((v) => v.trim()).filter(Boolean);
      else if (t.op === 'join') out = [out.join(t.separator)];
      else if (t.op === 'template') out = [t.template.replace(/\$\{attr\.([^}]+)\}/g, (_m, n) => (get(n) || [''])[0] || '').trim()];
    }
    return out;
  };
  const principal = (rules.principal.source === 'nameId' ? profile.nameID || '' : ((get(rules.principal.attribute) || [])[0] || '')).trim();
  if (!principal) return { rejected: 'no principal (' + (rules.principal.attribute || 'NameID') + ')' };
  const fields = {};
  const missing = [];
  for (const rule of rules.fields) {
    let values = [];
    for (const source of rule.sources || []) {
      const found = get(source);
      if (found && found.some((v) => v.trim() !== '')) { values = rule.take === 'first' ? found.slice(0, 1) : [...found]; break; }
    }
    const value = apply(values, rule.transforms).filter((v) => v !== '').join(', ') || rule.default || '';
    if (value) fields[rule.field] = value;
    else if (rule.required) missing.push(rule.field);
  }
  if (missing.length) return { rejected: 'missing required attributes: ' + missing.join(', ') };
  const groupValues = rules.groups.sources.map(get).find((v) => v && v.length > 0) || [];
  const groups = [...new Set(apply(groupValues.map((g) => g.trim()).filter(Boolean), rules.groups.transforms))];
  const same = (a, b) => (rules.groups.caseInsensitive ? a.toLowerCase() === b.toLowerCase() : a === b);
  if ((rules.groups.required || []).length && !rules.groups.required.some((r) => groups.some((g) => same(g, r)))) {
    return { rejected: 'not in a required group (' + rules.groups.required.join(', ') + ')' };
  }
  const roles = [];
  for (const rule of rules.groups.roles || []) {
    const hit = rule.match === 'exact' ? groups.some((g) => same(g, rule.value)) : groups.some((g) => new RegExp(rule.value, rules.groups.caseInsensitive ? 'i' : '').test(g));
    if (hit && !roles.includes(rule.role)) { roles.push(rule.role); if (rules.groups.roleMode === 'highest') break; }
  }
  if (!roles.length && rules.groups.defaultRole) roles.push(rules.groups.defaultRole);
  return { principal, fields, groups, roles };
}`;

export function nodeSamlExport(ctx: TargetContext): TargetExport {
  const { bundle, metadata } = ctx;
  const options = nodeSamlOptions(ctx);
  const rules: JitRules = bundle.rules;
  const unsupported = accountStoreNotes(rules, 'node-saml');
  if (bundle.policy.sha1Policy === 'reject') unsupported.push('sha1Policy: reject — node-saml accepts RSA-SHA1 signatures; check the SignatureMethod yourself to refuse them.');
  if (bundle.policy.signaturePolicy === 'either') unsupported.push('signaturePolicy: either — node-saml then requires a valid signature on the response or on every assertion (the same outcome for one assertion).');
  if (metadata.wantAuthnRequestsSigned) unsupported.push('The IdP wants signed AuthnRequests: add privateKey (the SP key) and publicCert to the options; the lab sends them unsigned.');
  if (rules.fields.some((f) => f.sources.length > 0) && bundle.evidence.some((e) => e.attributes.some((a) => a.friendlyName && rules.fields.some((f) => f.sources.includes(a.friendlyName!) && !f.sources.includes(a.name))))) {
    unsupported.push('Sources matched by FriendlyName: node-saml keys profile.attributes by Name only; add the Names to the rules\' sources.');
  }
  const snippet = `// SAML with @node-saml/node-saml (passport-saml: new Strategy({ ...options, passReqToCallback: false }, verify)).
// Options and JIT rules exported by SAML JIT Lab ${commentText(bundle.exportedBy.replace(/^saml-jit-lab /, ''))} from a tested configuration.
// callbackUrl is the lab's ACS: replace it with your application's (and register that at the IdP).
'use strict';
const { SAML } = require('@node-saml/node-saml');
const options = require('./node-saml-options.json');

// The SP private key, only if the IdP encrypts assertions (never commit it).
const saml = new SAML({ ...options, decryptionPvk: process.env.SAML_SP_PRIVATE_KEY || undefined });

const RULES = ${jsonText(rules, 2)};

${MAP_PROFILE_JS}

/** POST /saml/acs: verify, then provision like the lab did. */
async function acs(samlResponse) {
  const { profile } = await saml.validatePostResponseAsync({ SAMLResponse: samlResponse });
  if (!profile) throw new Error('SAML logout response where a login was expected');
  const account = mapProfile(profile);
  if (account.rejected) throw new Error('Login refused: ' + account.rejected);
  return account; // { principal, fields, groups, roles }: create or update the user here.
}

module.exports = { saml, acs, mapProfile, RULES };
`;
  return {
    target: 'node-saml',
    files: [file('node-saml-options.json', 'json', `${jsonText(options, 2)}\n`), file('saml.js', 'javascript', snippet)],
    unsupported,
  };
}
