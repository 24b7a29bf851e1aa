// Presets: attribute names as common IdPs send them, so the mapping works without editing.
import { JIT_RULES_VERSION, JitRules, type JitRulesInput } from '../../contract/jit-rules.ts';

const CLAIMS = 'http://schemas.xmlsoap.org/ws/2005/05/identity/claims/';
const MS_CLAIMS = 'http://schemas.microsoft.com/ws/2008/06/identity/claims/';
const OID = {
  mail: 'urn:oid:0.9.2342.19200300.100.1.3',
  givenName: 'urn:oid:2.5.4.42',
  sn: 'urn:oid:2.5.4.4',
  displayName: 'urn:oid:2.16.840.1.113730.3.1.241',
  cn: 'urn:oid:2.5.4.3',
  isMemberOf: 'urn:oid:1.3.6.1.4.1.5923.1.5.1.1',
  affiliation: 'urn:oid:1.3.6.1.4.1.5923.1.1.1.1',
  eppn: 'urn:oid:1.3.6.1.4.1.5923.1.1.1.6',
  uid: 'urn:oid:0.9.2342.19200300.100.1.1',
};

interface Names {
  email: string[];
  firstName: string[];
  lastName: string[];
  displayName: string[];
  groups: string[];
}

function rules(preset: string, names: Names): JitRules {
  const input: JitRulesInput = {
    version: JIT_RULES_VERSION,
    preset,
    principal: { source: 'nameId' },
    fields: [
      { field: 'email', sources: names.email, transforms: [{ op: 'trim' }, { op: 'lowercase' }] },
      { field: 'firstName', sources: names.firstName },
      { field: 'lastName', sources: names.lastName },
      { field: 'displayName', sources: names.displayName },
    ],
    groups: { sources: names.groups },
  };
  return JitRules.parse(input);
}

export interface Preset {
  id: string;
  name: string;
  description: string;
  rules: JitRules;
}

const generic: Names = {
  email: ['email', 'mail', 'emailaddress', 'emailAddress', `${CLAIMS}emailaddress`, OID.mail, 'user.email', 'Email'],
  firstName: ['givenName', 'firstName', 'first_name', 'given_name', `${CLAIMS}givenname`, OID.givenName, 'user.firstName'],
  lastName: ['sn', 'surname', 'lastName', 'last_name', 'family_name', `${CLAIMS}surname`, OID.sn, 'user.lastName'],
  displayName: ['displayName', 'display_name', 'name', 'cn', 'http://schemas.microsoft.com/identity/claims/displayname', `${CLAIMS}name`, OID.displayName, OID.cn],
  groups: ['groups', 'group', 'memberOf', 'isMemberOf', 'Role', 'roles', `${MS_CLAIMS}groups`, `${MS_CLAIMS}role`, OID.isMemberOf, 'urn:oid:2.5.4.31', 'eduPersonAffiliation', OID.affiliation],
};

/** Attribute-name presets: one per IdP family. */
const IDP_PRESETS: readonly Preset[] = [
  { id: 'generic', name: 'Any IdP (generic)', description: 'The common names of all the presets below, tried in order.', rules: rules('generic', generic) },
  {
    id: 'entra-id',
    name: 'Microsoft Entra ID',
    description: 'Claim URIs as Entra ID sends them; groups as object IDs unless "sAMAccountName" groups are configured.',
    rules: rules('entra-id', {
      email: [`${CLAIMS}emailaddress`, `${CLAIMS}name`],
      firstName: [`${CLAIMS}givenname`],
      lastName: [`${CLAIMS}surname`],
      displayName: ['http://schemas.microsoft.com/identity/claims/displayname'],
      groups: [`${MS_CLAIMS}groups`, `${MS_CLAIMS}role`],
    }),
  },
  {
    id: 'adfs',
    name: 'ADFS',
    description: 'Claim URIs from ADFS claim-issuance rules (LDAP attributes → outgoing claim types).',
    rules: rules('adfs', {
      email: [`${CLAIMS}emailaddress`, `${CLAIMS}upn`],
      firstName: [`${CLAIMS}givenname`],
      lastName: [`${CLAIMS}surname`],
      displayName: [`${CLAIMS}name`, 'http://schemas.xmlsoap.org/claims/CommonName'],
      groups: [`${MS_CLAIMS}role`, 'http://schemas.xmlsoap.org/claims/Group', `${MS_CLAIMS}groups`],
    }),
  },
  {
    id: 'okta',
    name: 'Okta',
    description: 'Attribute statements as in Okta\'s SAML app wizard (email, firstName, lastName) and a "groups" group attribute statement.',
    rules: rules('okta', { email: ['email', 'user.email'], firstName: ['firstName', 'user.firstName'], lastName: ['lastName', 'user.lastName'], displayName: ['displayName', 'name'], groups: ['groups'] }),
  },
  {
    id: 'google',
    name: 'Google Workspace',
    description: 'Google sends only the attributes you map in the app\'s "Attribute mapping"; these are the usual names.',
    rules: rules('google', { email: ['email', 'mail'], firstName: ['firstName', 'first_name', 'givenName'], lastName: ['lastName', 'last_name', 'surname'], displayName: ['displayName', 'name'], groups: ['groups', 'Groups'] }),
  },
  {
    id: 'keycloak',
    name: 'Keycloak',
    description: 'Keycloak\'s built-in SAML mappers (X500 email, givenName, surname with friendly names) and a "Group list" mapper named "groups" or "member".',
    rules: rules('keycloak', { email: ['email', OID.mail], firstName: ['firstName', 'givenName', OID.givenName], lastName: ['lastName', 'surname', OID.sn], displayName: ['displayName', 'name'], groups: ['groups', 'member', 'Role'] }),
  },
  {
    id: 'shibboleth',
    name: 'Shibboleth / eduPerson',
    description: 'urn:oid names (MACE-Dir SAML attribute profile) as Shibboleth IdPs release them.',
    rules: rules('shibboleth', { email: [OID.mail, 'mail'], firstName: [OID.givenName, 'givenName'], lastName: [OID.sn, 'sn'], displayName: [OID.displayName, OID.cn, 'displayName'], groups: [OID.isMemberOf, OID.affiliation, 'isMemberOf', 'eduPersonAffiliation'] }),
  },
  {
    id: 'simplesamlphp',
    name: 'SimpleSAMLphp',
    description: 'Basic names from the authsource (mail, givenName, sn), or their urn:oid forms with the name2oid map.',
    rules: rules('simplesamlphp', { email: ['mail', 'email', OID.mail], firstName: ['givenName', OID.givenName], lastName: ['sn', OID.sn], displayName: ['displayName', 'cn', OID.displayName, OID.cn], groups: ['groups', 'eduPersonAffiliation', 'memberOf', OID.affiliation, OID.isMemberOf] }),
  },
];

// Service-provider behaviour presets: how GitLab, Keycloak and Grafana key, link, sync and map roles, with the
// attribute names they expect out of the box. What-if runs every drift under these (issue 16).
const SP_PRESETS: readonly Preset[] = [
  {
    id: 'sp-gitlab',
    name: 'GitLab-like SP (omniauth-saml)',
    description: 'Accounts keyed on the NameID; a new NameID with a taken email is refused ("Email has already been taken"); profile synced on every login; omniauth-saml\'s default attribute_statements (email/mail, first_name, last_name, name); admin_groups and external_groups.',
    rules: JitRules.parse({
      version: JIT_RULES_VERSION,
      preset: 'sp-gitlab',
      principal: { source: 'nameId', caseInsensitive: true },
      emailConflict: 'refuse',
      syncMode: 'force',
      fields: [
        { field: 'email', sources: ['email', 'mail'], transforms: [{ op: 'trim' }, { op: 'lowercase' }] },
        { field: 'firstName', sources: ['first_name', 'firstname', 'firstName'] },
        { field: 'lastName', sources: ['last_name', 'lastname', 'lastName'] },
        { field: 'displayName', sources: ['name'] },
      ],
      groups: { sources: ['groups', 'Groups'], roleMode: 'all', roles: [{ role: 'admin', value: 'sso-admins' }, { role: 'external', value: 'contractors' }] },
    } satisfies JitRulesInput),
  },
  {
    id: 'sp-keycloak',
    name: 'Keycloak-like SP (identity brokering)',
    description: 'Username from the NameID, lower-cased; a new NameID whose email exists is linked to that account (first broker login "handle existing account"); mappers in sync mode "import" (set once); a SAML attribute-to-role mapper.',
    rules: JitRules.parse({
      version: JIT_RULES_VERSION,
      preset: 'sp-keycloak',
      principal: { source: 'nameId', caseInsensitive: true },
      emailConflict: 'link',
      syncMode: 'import',
      fields: [
        { field: 'email', sources: generic.email, transforms: [{ op: 'trim' }, { op: 'lowercase' }] },
        { field: 'firstName', sources: generic.firstName },
        { field: 'lastName', sources: generic.lastName },
      ],
      groups: { sources: generic.groups, roleMode: 'all', roles: [{ role: 'admin', value: 'sso-admins' }] },
    } satisfies JitRulesInput),
  },
  {
    id: 'sp-grafana',
    name: 'Grafana-like SP ([auth.saml])',
    description: 'Login and email from the email attribute (assertion_attribute_login / assertion_attribute_email); users found by email are reused; updated on every login; role_values_admin / role_values_editor with Viewer as auto_assign_org_role.',
    rules: JitRules.parse({
      version: JIT_RULES_VERSION,
      preset: 'sp-grafana',
      principal: { source: 'attribute', attribute: 'email', caseInsensitive: true },
      emailConflict: 'link',
      syncMode: 'force',
      fields: [
        { field: 'email', sources: ['email', 'mail'], transforms: [{ op: 'trim' }, { op: 'lowercase' }] },
        { field: 'displayName', sources: ['displayName'] },
      ],
      groups: { sources: ['groups'], roleMode: 'highest', roles: [{ role: 'Admin', value: 'sso-admins' }, { role: 'Editor', value: 'engineering' }], defaultRole: 'Viewer' },
    } satisfies JitRulesInput),
  },
];

/** Every preset: the IdP attribute-name presets, then the SP behaviour presets. */
export const PRESETS: readonly Preset[] = [...IDP_PRESETS, ...SP_PRESETS];

export const DEFAULT_RULES: JitRules = PRESETS[0]!.rules;

export function presetById(id: string): Preset | undefined {
  return PRESETS.find((p) => p.id === id);
}
