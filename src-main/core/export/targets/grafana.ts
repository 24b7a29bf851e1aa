// Grafana's [auth.saml] section (grafana.ini / custom.ini), with [users] auto_assign_org_role for the default role.
import { accountStoreNotes, fieldRule, file, pickSource, transformNote, type TargetContext, type TargetExport } from './common.ts';
import { commentText, grafanaIniValue, grafanaListItemProblem, identifier, label, own, shown } from './escape.ts';

const GRAFANA_ROLES: Record<string, string> = {
  none: 'role_values_none',
  viewer: 'role_values_viewer',
  editor: 'role_values_editor',
  admin: 'role_values_admin',
  grafana_admin: 'role_values_grafana_admin',
  grafanaadmin: 'role_values_grafana_admin',
  'server admin': 'role_values_grafana_admin',
};
const ORG_ROLE: Record<string, string> = { viewer: 'Viewer', editor: 'Editor', admin: 'Admin', none: 'None' };

export function grafanaExport(ctx: TargetContext): TargetExport {
  const { bundle } = ctx;
  const { rules, policy } = bundle;
  const unsupported: string[] = [];
  const lines: string[] = [];
  // Every value passes grafanaIniValue (go-ini and Grafana's variable expansion read it back as itself, or it is
  // refused); `field` names the input in that refusal.
  const set = (key: string, value: string | boolean | number, field: string): void => {
    lines.push(`${key} = ${typeof value === 'string' ? grafanaIniValue(field, value) : String(value)}`);
  };
  const pickField = (key: string, ...names: string[]): void => {
    const rule = fieldRule(rules, ...names);
    if (!rule) return;
    const source = pickSource(ctx, rule.sources, `fields.${rule.field}`, unsupported);
    if (source) set(key, source, `fields.${rule.field} (the attribute name)`);
    else unsupported.push(`fields.${rule.field}: comes from a template alone — Grafana maps attributes only.`);
    const note = transformNote(rule, 'Grafana');
    if (note) unsupported.push(note);
    if (rule.default !== undefined) unsupported.push(`fields.${rule.field}.default — Grafana has no default attribute values.`);
  };

  lines.push(`# Grafana SAML settings exported by SAML JIT Lab (${commentText(bundle.exportedAt)}) from a tested configuration.`);
  lines.push('# Grafana uses its own ACS (https://GRAFANA/saml/acs) and metadata URL as entity ID: register them at the IdP.');
  lines.push('[auth.saml]');
  set('enabled', true, 'enabled');
  set('name', label(bundle.idp.name).replace(/[$`]/g, ''), 'IdP name');
  lines.push('# Grafana signs requests and decrypts assertions with its own SP key pair (not exported by the lab):');
  set('certificate_path', '/etc/grafana/saml/sp-cert.pem', 'certificate_path');
  set('private_key_path', '/etc/grafana/saml/sp-key.pem', 'private_key_path');
  lines.push('# The IdP metadata the lab tested with (base64 of the XML).');
  set('idp_metadata', Buffer.from(bundle.idp.metadataXml, 'utf8').toString('base64'), 'IdP metadata');
  set('name_id_format', identifier('NameID format', bundle.sp.nameIdFormat), 'NameID format');
  set('allow_idp_initiated', policy.allowUnsolicited, 'allowUnsolicited');
  set('allow_sign_up', rules.allowSignUp, 'allowSignUp');
  if (rules.principal.source === 'attribute' && rules.principal.attribute) {
    set('assertion_attribute_login', rules.principal.attribute, 'principal.attribute');
  } else {
    const email = fieldRule(rules, 'email');
    const source = email ? pickSource(ctx, email.sources, 'principal', []) : null;
    if (source) set('assertion_attribute_login', source, 'fields.email (the attribute name)');
    unsupported.push('principal: nameId — Grafana keys users on assertion_attribute_login (set to the email attribute here), not on the NameID.');
  }
  pickField('assertion_attribute_email', 'email');
  pickField('assertion_attribute_name', 'displayName', 'name');
  for (const f of rules.fields) {
    if (!['email', 'displayName', 'name'].includes(f.field)) unsupported.push(`fields.${f.field} — Grafana stores only login, email, name and groups.`);
  }
  const groupsSource = pickSource(ctx, rules.groups.sources, 'groups.sources', unsupported);
  if (groupsSource) set('assertion_attribute_groups', groupsSource, 'groups.sources (the attribute name)');
  if (groupsSource && rules.groups.roles.length > 0) set('assertion_attribute_role', groupsSource, 'groups.sources (the attribute name)');
  if (rules.groups.transforms.length > 0) unsupported.push(`groups.transforms (${rules.groups.transforms.map((t) => t.op).join(', ')}) — Grafana reads group values as sent.`);
  if (rules.groups.caseInsensitive) unsupported.push('groups.caseInsensitive — Grafana compares role values case-sensitively.');
  if (rules.groups.required.length > 0) unsupported.push(`groups.required (${rules.groups.required.join(', ')}) — Grafana's SAML has no group allow-list (allowed_organizations works on the org attribute).`);

  const values = new Map<string, string[]>();
  for (const rule of rules.groups.roles) {
    const key = own(GRAFANA_ROLES, rule.role.toLowerCase());
    if (!key) {
      unsupported.push(`groups.roles: role "${rule.role}" — Grafana roles are None, Viewer, Editor, Admin and Grafana Admin.`);
      continue;
    }
    if (rule.match === 'regex') {
      unsupported.push(`groups.roles: "${rule.role}" from regex /${rule.value}/ — role_values_* list exact values; list the groups it matches.`);
      continue;
    }
    const problem = grafanaListItemProblem(rule.value);
    if (problem) {
      // Written as is, it would be read as other group names (and could grant the role to them): left out.
      unsupported.push(`groups.roles: group ${shown(rule.value)} for role "${rule.role}" ${problem}; it is left out of ${key} — rename the group at the IdP.`);
      continue;
    }
    values.set(key, [...(values.get(key) ?? []), rule.value]);
  }
  for (const [key, list] of values) set(key, list.join(' '), `groups.roles (${key})`);
  if (rules.groups.roleMode === 'all') unsupported.push('groups.roleMode: all — Grafana gives one org role, the highest matching (Grafana Admin is separate).');
  if (policy.signaturePolicy === 'both') unsupported.push('signaturePolicy: both — Grafana needs a valid signature on the response or the assertion, not on both.');
  if (policy.sha1Policy === 'reject') unsupported.push('sha1Policy: reject — Grafana accepts RSA-SHA1 signatures from the IdP.');
  unsupported.push(`clockSkewSeconds: ${policy.clockSkewSeconds} — Grafana has no clock-skew setting (max_issue_delay limits the response's age instead).`);
  unsupported.push(...accountStoreNotes({ ...rules, emailConflict: rules.emailConflict === 'link' ? 'refuse' : rules.emailConflict, allowSignUp: true }, 'Grafana'));
  if (rules.emailConflict !== 'link') unsupported.push(`emailConflict: ${rules.emailConflict} — Grafana signs a user in to the existing account with the same email or login (like "link").`);

  const defaultRole = rules.groups.defaultRole;
  if (defaultRole) {
    const orgRole = own(ORG_ROLE, defaultRole.toLowerCase());
    if (orgRole) {
      lines.push('', '[users]', `auto_assign_org_role = ${orgRole}`);
    } else unsupported.push(`groups.defaultRole "${defaultRole}" — Grafana's auto_assign_org_role is Viewer, Editor or Admin.`);
  }
  return { target: 'grafana', files: [file('grafana-saml.ini', 'ini', `${lines.join('\n')}\n`)], unsupported };
}
