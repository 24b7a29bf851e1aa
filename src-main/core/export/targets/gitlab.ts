// GitLab's OmniAuth SAML provider (gitlab.rb): groups_attribute, required/admin/external/auditor groups,
// attribute_statements, block_auto_created_users, auto_link_saml_user, profile sync.
import { file, pem, signingCerts, ssoUrl, transformNote, pickSource, type TargetContext, type TargetExport } from './common.ts';
import { commentText, identifier, own, rubyString } from './escape.ts';

const GITLAB_FIELDS: Record<string, string> = { email: 'email', firstName: 'first_name', lastName: 'last_name', displayName: 'name', name: 'name', username: 'nickname', nickname: 'nickname' };
const GROUP_KEYS: Record<string, string> = { admin: 'admin_groups', administrator: 'admin_groups', external: 'external_groups', auditor: 'auditor_groups' };

export function gitlabExport(ctx: TargetContext): TargetExport {
  const { bundle, metadata } = ctx;
  const { rules, policy } = bundle;
  const unsupported: string[] = [];
  const s = (field: string, value: string): string => rubyString(field, value);
  const list = (field: string, values: string[]): string => `[${values.map((v, i) => s(`${field}[${i}]`, v)).join(', ')}]`;

  const statements: string[] = [];
  for (const rule of rules.fields) {
    const key = own(GITLAB_FIELDS, rule.field);
    if (!key) {
      unsupported.push(`fields.${rule.field} — GitLab's attribute_statements know name, email, first_name, last_name and nickname.`);
      continue;
    }
    if (rule.sources.length === 0) unsupported.push(`fields.${rule.field}: comes from a template alone — GitLab maps attributes only.`);
    else statements.push(`        ${key}: ${list(`fields.${rule.field}.sources`, rule.sources)},`);
    const note = transformNote(rule, 'GitLab');
    if (note) unsupported.push(note);
    if (rule.required) unsupported.push(`fields.${rule.field}.required — GitLab refuses logins without email on its own; other required attributes need an IdP-side policy.`);
    if (rule.default !== undefined) unsupported.push(`fields.${rule.field}.default — GitLab has no default attribute values.`);
  }
  const groupsAttribute = pickSource(ctx, rules.groups.sources, 'groups.sources', unsupported);
  const groupKeys = new Map<string, string[]>();
  for (const rule of rules.groups.roles) {
    const key = own(GROUP_KEYS, rule.role.toLowerCase());
    if (!key) unsupported.push(`groups.roles: role "${rule.role}" — GitLab maps groups to admin, external and auditor users only; use SAML Group Links for project/group roles.`);
    else if (rule.match === 'regex') unsupported.push(`groups.roles: "${rule.role}" from regex /${rule.value}/ — GitLab's *_groups list exact group names.`);
    else groupKeys.set(key, [...(groupKeys.get(key) ?? []), rule.value]);
  }
  if (rules.groups.roleMode === 'highest' && groupKeys.size > 1) unsupported.push('groups.roleMode: highest — GitLab applies every matching *_groups setting.');
  if (rules.groups.defaultRole) unsupported.push(`groups.defaultRole "${rules.groups.defaultRole}" — GitLab has no default role for SAML users.`);
  if (rules.groups.transforms.length > 0) unsupported.push(`groups.transforms — GitLab compares group names as sent.`);
  if (rules.groups.caseInsensitive) unsupported.push('groups.caseInsensitive — GitLab compares group names case-sensitively.');
  if (!rules.allowSignUp) unsupported.push('allowSignUp: false — set gitlab_rails[\'omniauth_allow_single_sign_on\'] = false and create users first (it is set to [\'saml\'] here only when sign-up is on).');
  if (rules.emailConflict === 'create') unsupported.push('emailConflict: create — GitLab refuses a second account with a taken email ("Email has already been taken").');
  if (rules.syncMode === 'import') unsupported.push('syncMode: import — profile sync is off here (fields set at creation only), as in the rules.');
  if (rules.fields.some((f) => f.syncMode)) unsupported.push('fields[].syncMode overrides — GitLab syncs the listed profile attributes all alike.');
  if (policy.sha1Policy === 'reject') unsupported.push('sha1Policy: reject — ruby-saml accepts RSA-SHA1; GitLab has no switch.');
  if (policy.signaturePolicy === 'response' || policy.signaturePolicy === 'both') unsupported.push(`signaturePolicy: ${policy.signaturePolicy} — ruby-saml can require a signed assertion (want_assertions_signed), not a signed response.`);
  if (!policy.allowUnsolicited) unsupported.push('allowUnsolicited: false — GitLab accepts IdP-initiated logins; it has no switch to refuse them.');
  const syncFields = rules.fields.map((f) => own(GITLAB_FIELDS, f.field)).filter((f): f is string => f === 'email' || f === 'name');

  const rb = `# GitLab OmniAuth SAML provider exported by SAML JIT Lab (${commentText(bundle.exportedAt)}) from a tested configuration.
# Paste into /etc/gitlab/gitlab.rb and run gitlab-ctl reconfigure. GitLab's ACS is
# https://GITLAB/users/auth/saml/callback: register it at the IdP for SP entity ID ${commentText(bundle.sp.entityId)}.
gitlab_rails['omniauth_enabled'] = true
gitlab_rails['omniauth_allow_single_sign_on'] = ${rules.allowSignUp ? "['saml']" : 'false'}
gitlab_rails['omniauth_block_auto_created_users'] = ${rules.newAccountStatus === 'blocked'}
gitlab_rails['omniauth_auto_link_saml_user'] = ${rules.emailConflict === 'link'}
${rules.syncMode === 'force' && syncFields.length ? `gitlab_rails['omniauth_sync_profile_from_provider'] = ['saml']\ngitlab_rails['omniauth_sync_profile_attributes'] = ${list('profile sync attributes', syncFields)}\n` : ''}gitlab_rails['omniauth_providers'] = [
  {
    name: 'saml',
    label: ${s('IdP name', bundle.idp.name)},
${groupsAttribute ? `    groups_attribute: ${s('groups attribute (groups.sources)', groupsAttribute)},\n` : ''}${rules.groups.required.length ? `    required_groups: ${list('groups.required', rules.groups.required)},\n` : ''}${[...groupKeys].map(([k, v]) => `    ${k}: ${list(`groups.roles (${k})`, v)},\n`).join('')}    args: {
      assertion_consumer_service_url: 'https://gitlab.example.com/users/auth/saml/callback',
      issuer: ${s('SP entity ID', identifier('SP entity ID', bundle.sp.entityId))},
      idp_sso_target_url: ${s('IdP SSO URL', identifier('IdP SSO URL', ssoUrl(metadata)))},
      idp_cert: ${signingCerts(metadata).slice(0, 1).map((c) => s('IdP signing certificate', pem(c).trim())).join('')},
      name_identifier_format: ${s('NameID format', identifier('NameID format', bundle.sp.nameIdFormat))},
      allowed_clock_drift: ${policy.clockSkewSeconds},
${rules.principal.source === 'attribute' && rules.principal.attribute ? `      uid_attribute: ${s('principal.attribute', rules.principal.attribute)},\n` : ''}      attribute_statements: {
${statements.join('\n')}
      },
      security: { want_assertions_signed: ${policy.signaturePolicy === 'assertion' || policy.signaturePolicy === 'both'} },
    },
  },
]
`;
  if (signingCerts(metadata).length > 1) unsupported.push('Several IdP signing certificates: idp_cert takes one (the first); during a rollover use idp_cert_multi.');
  return { target: 'gitlab', files: [file('gitlab.rb', 'ruby', rb)], unsupported };
}
