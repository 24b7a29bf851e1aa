// SimpleSAMLphp as the SP: an authsources.php entry (saml:SP, NameIDPolicy, an AttributeMap turning the tested
// attribute names into the rules' field names, authorize:Authorize for required groups) and the IdP as
// saml20-idp-remote.php.
import { BINDING } from '../../idp/metadata.ts';
import { accountStoreNotes, file, pickSource, signingCerts, sloEndpoints, transformNote, type TargetContext, type TargetExport } from './common.ts';
import { commentText, identifier, phpString as s } from './escape.ts';

export const SSP_AUTHSOURCE = 'saml-jit-lab';

export function simpleSamlPhpExport(ctx: TargetContext): TargetExport {
  const { bundle, metadata } = ctx;
  const { rules, policy } = bundle;
  const unsupported: string[] = [];
  const map: string[] = [];
  for (const rule of rules.fields) {
    const source = pickSource(ctx, rule.sources, `fields.${rule.field}`, unsupported);
    if (!source) {
      unsupported.push(`fields.${rule.field}: comes from a template alone — core:AttributeMap renames attributes only.`);
      continue;
    }
    if (source !== rule.field) map.push(`                ${s(`fields.${rule.field} (the attribute name)`, source)} => ${s('field name', rule.field)},`);
    const note = transformNote(rule, 'SimpleSAMLphp');
    if (note) unsupported.push(note);
    if (rule.required) unsupported.push(`fields.${rule.field}.required — refuse logins without it in your application (or with a core:PHP filter).`);
    if (rule.default !== undefined) unsupported.push(`fields.${rule.field}.default — set it in your application.`);
  }
  const groups = pickSource(ctx, rules.groups.sources, 'groups.sources', unsupported);
  if (groups && groups !== 'groups') map.push(`                ${s('groups.sources (the attribute name)', groups)} => 'groups',`);
  if (rules.groups.roles.length > 0 || rules.groups.defaultRole) unsupported.push('groups.roles / defaultRole — SimpleSAMLphp hands the groups attribute to your application; map groups to roles there.');
  if (rules.groups.transforms.length > 0) unsupported.push('groups.transforms — apply them in your application.');
  if (rules.principal.source === 'attribute') unsupported.push(`principal: attribute ${rules.principal.attribute} — read it from $as->getAttributes() in your application (the NameID is $as->getAuthData('saml:sp:NameID')).`);
  if (policy.signaturePolicy === 'response' || policy.signaturePolicy === 'both') unsupported.push(`signaturePolicy: ${policy.signaturePolicy} — the SimpleSAMLphp SP needs a valid signature on the response or the assertion; it cannot require the response's.`);
  if (policy.sha1Policy === 'reject') unsupported.push('sha1Policy: reject — SimpleSAMLphp 1.19 accepts RSA-SHA1 from the IdP.');
  if (!policy.allowUnsolicited) unsupported.push('allowUnsolicited: false — the SimpleSAMLphp SP accepts IdP-initiated logins.');
  unsupported.push(`clockSkewSeconds: ${policy.clockSkewSeconds} — set 'assertion.allowedclockskew' => ${policy.clockSkewSeconds} in config.php (global, not per SP).`);
  unsupported.push(...accountStoreNotes(rules, 'SimpleSAMLphp'));
  const authorize = rules.groups.required.length && groups
    ? `            // Required groups (needs the authorize module enabled: 'module.enable' => ['authorize' => true]).
            40 => ['class' => 'authorize:Authorize', ${s('groups.sources (the attribute name)', groups)} => [${rules.groups.required.map((g, i) => s(`groups.required[${i}]`, rules.groups.caseInsensitive ? `/^${g.replace(/[.*+?^${}()|[\]\\/]/g, '\\$&')}$/i` : g)).join(', ')}]${rules.groups.caseInsensitive ? ", 'regex' => true" : ", 'regex' => false"}],\n`
    : '';

  const authsources = `<?php
// SimpleSAMLphp SP exported by SAML JIT Lab (${commentText(bundle.exportedAt)}) from a tested configuration.
// A complete config/authsources.php (merge the entry if you have others). The SP's ACS becomes
// https://YOUR-HOST/simplesaml/module.php/saml/sp/saml2-acs.php/${SSP_AUTHSOURCE}: register it at the IdP.
$config = [
  ${s('authsource', SSP_AUTHSOURCE)} => [
    'saml:SP',
    'entityID' => ${s('SP entity ID', identifier('SP entity ID', bundle.sp.entityId))},
    'idp' => ${s('IdP entity ID', identifier('IdP entity ID', metadata.entityId))},
    'NameIDPolicy' => ['Format' => ${s('NameID format', identifier('NameID format', bundle.sp.nameIdFormat))}, 'AllowCreate' => true],
    // Only if the IdP encrypts assertions: the SP key pair, files in cert/ (never commit the key).
    // 'privatekey' => 'saml-jit-lab-sp.key', 'certificate' => 'saml-jit-lab-sp.crt',
    'authproc' => [
${map.length ? `        // The tested attribute names, renamed to the JIT rules' field names (originals kept).
        20 => ['class' => 'core:AttributeMap', '%duplicate',
${map.join('\n')}
        ],
` : ''}${authorize}    ],
  ],
];
`;
  const endpoints = metadata.ssoServices
    .filter((e) => e.binding === BINDING.redirect || e.binding === BINDING.post)
    .map((e) => `        ['Binding' => ${s('IdP SSO binding', e.binding)}, 'Location' => ${s('IdP SSO URL', identifier('IdP SSO URL', e.location))}],`);
  const slo = sloEndpoints(metadata).map((e) => `        ['Binding' => ${s('IdP SLO binding', e.binding)}, 'Location' => ${s('IdP SLO URL', identifier('IdP SLO URL', e.location))}],`);
  const keys = signingCerts(metadata).map((c) => `        ['encryption' => false, 'signing' => true, 'type' => 'X509Certificate', 'X509Certificate' => ${s('IdP signing certificate', c)}],`);
  const idpEntityId = s('IdP entity ID', identifier('IdP entity ID', metadata.entityId));
  const remote = `<?php
// The IdP that SAML JIT Lab tested with (${commentText(bundle.exportedAt)}). Merge into metadata/saml20-idp-remote.php.
$metadata[${idpEntityId}] = [
    'entityid' => ${idpEntityId},
    'name' => ['en' => ${s('IdP name', bundle.idp.name)}],
    'SingleSignOnService' => [
${endpoints.join('\n')}
    ],${slo.length > 0 ? `\n    'SingleLogoutService' => [\n${slo.join('\n')}\n    ],` : ''}
    'keys' => [
${keys.join('\n')}
    ],
];
`;
  return {
    target: 'simplesamlphp',
    files: [file('authsources.php', 'php', authsources), file('saml20-idp-remote.php', 'php', remote)],
    unsupported,
  };
}
