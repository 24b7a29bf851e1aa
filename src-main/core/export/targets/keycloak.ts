// Keycloak brokering the IdP: an identity provider (providerId saml) and its mappers, as a partial realm import
// ({ identityProviders, identityProviderMappers }); each entry is also the body for the admin REST API
// (POST /admin/realms/REALM/identity-provider/instances and …/instances/ALIAS/mappers).
import { accountStoreNotes, file, pickSource, signingCerts, ssoUrl, transformNote, type TargetContext, type TargetExport } from './common.ts';
import { identifier, jsonText, own, shown } from './escape.ts';

export const KEYCLOAK_ALIAS = 'saml-jit-lab';
const USER_ATTRIBUTE: Record<string, string> = { email: 'email', firstName: 'firstName', lastName: 'lastName', username: 'username' };

interface Mapper {
  name: string;
  identityProviderAlias: string;
  identityProviderMapper: string;
  config: Record<string, string>;
}

export function keycloakExport(ctx: TargetContext): TargetExport {
  const { bundle, metadata } = ctx;
  const { rules, policy } = bundle;
  const unsupported: string[] = [];
  const mappers: Mapper[] = [];
  const mapper = (name: string, type: string, config: Record<string, string>, syncMode = 'INHERIT'): void => {
    mappers.push({ name, identityProviderAlias: KEYCLOAK_ALIAS, identityProviderMapper: type, config: { syncMode, ...config } });
  };

  for (const rule of rules.fields) {
    const source = pickSource(ctx, rule.sources, `fields.${rule.field}`, unsupported);
    const syncMode = rule.syncMode ? rule.syncMode.toUpperCase() : 'INHERIT';
    if (!source) {
      unsupported.push(`fields.${rule.field}: comes from a template alone — use a "Username Template Importer" for the username; other fields need an attribute.`);
      continue;
    }
    const userAttribute = own(USER_ATTRIBUTE, rule.field) ?? rule.field;
    if (!own(USER_ATTRIBUTE, rule.field)) unsupported.push(`fields.${rule.field} — imported as user attribute "${rule.field}"; declare it in the realm's user profile (Keycloak 24+ drops undeclared attributes).`);
    mapper(`${rule.field} (tested)`, 'saml-user-attribute-idp-mapper', { 'attribute.name': source, 'user.attribute': userAttribute }, syncMode);
    const note = transformNote(rule, 'Keycloak');
    if (note) unsupported.push(note);
    if (rule.required) unsupported.push(`fields.${rule.field}.required — Keycloak asks the user for missing profile fields at first login instead of refusing.`);
    if (rule.default !== undefined) unsupported.push(`fields.${rule.field}.default — use a "Hardcoded Attribute" mapper if every user should get it.`);
  }

  const groupsAttr = pickSource(ctx, rules.groups.sources, 'groups.sources', unsupported);
  if (groupsAttr) {
    for (const rule of rules.groups.roles) {
      if (rule.match === 'exact' && !rules.groups.caseInsensitive) {
        mapper(`role ${rule.role} ← ${rule.value}`, 'saml-role-idp-mapper', { 'attribute.name': groupsAttr, 'attribute.value': rule.value, role: rule.role });
      } else {
        const regex = rule.match === 'regex' ? rule.value : `^${rule.value.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}$`;
        mapper(`role ${rule.role} ← /${regex}/`, 'saml-advanced-role-idp-mapper', {
          attributes: JSON.stringify([{ key: groupsAttr, value: rules.groups.caseInsensitive ? `(?i)${regex}` : regex }]),
          'are.attribute.values.regex': 'true',
          role: rule.role,
        });
      }
    }
    // One "Advanced Attribute to Group" mapper per group a tested login carried.
    // A "/" in a group name would make Keycloak's group path point at a subgroup: such groups get no mapper.
    const allGroups = [...new Set(bundle.evidence.flatMap((e) => e.account.groups))].sort();
    const seenGroups = allGroups.filter((g) => !g.includes('/'));
    for (const g of allGroups.filter((x) => x.includes('/'))) unsupported.push(`groups: group ${shown(g)} holds "/", which Keycloak reads as a group path (a subgroup); no mapper was made for it — create the group and its mapper by hand.`);
    for (const g of seenGroups) {
      mapper(`group ${g}`, 'saml-advanced-group-idp-mapper', { attributes: JSON.stringify([{ key: groupsAttr, value: g }]), 'are.attribute.values.regex': 'false', group: `/${g}` });
    }
    if (seenGroups.length) unsupported.push(`groups: Keycloak groups must exist and each needs a mapper; mappers were made for the ${seenGroups.length} group(s) the tested logins carried (${seenGroups.join(', ')}).`);
  }
  if (rules.groups.roleMode === 'highest' && rules.groups.roles.length > 1) unsupported.push('groups.roleMode: highest — Keycloak grants the role of every matching mapper.');
  if (rules.groups.defaultRole) unsupported.push(`groups.defaultRole "${rules.groups.defaultRole}" — add it to the realm's default roles.`);
  if (rules.groups.required.length) unsupported.push(`groups.required (${rules.groups.required.join(', ')}) — needs a post-broker-login flow with a condition; Keycloak mappers cannot refuse a login.`);
  if (rules.groups.transforms.length) unsupported.push('groups.transforms — Keycloak matches the attribute values as sent.');
  if (policy.sha1Policy === 'reject') unsupported.push('sha1Policy: reject — Keycloak accepts RSA-SHA1 signatures from a brokered IdP.');
  if (policy.signaturePolicy === 'response') unsupported.push('signaturePolicy: response — Keycloak validates whichever signature is present (validateSignature) and can additionally require the assertion\'s (wantAssertionsSigned).');
  if (policy.allowUnsolicited) unsupported.push('allowUnsolicited — IdP-initiated login to a brokered IdP needs a client with "IDP-Initiated SSO URL name" set.');
  if (rules.emailConflict === 'link') unsupported.push('emailConflict: link — the "first broker login" flow links an existing account after the user confirms (or automatically with "Automatically set existing user").');
  unsupported.push(...accountStoreNotes({ ...rules, emailConflict: 'refuse', syncMode: 'force', fields: rules.fields.map(({ syncMode: _s, ...f }) => f) }, 'Keycloak'));
  if (rules.emailConflict === 'create') unsupported.push('emailConflict: create — Keycloak never creates a second user with the same email.');
  unsupported.push(`The SP entity ID here is the one tested (${shown(bundle.sp.entityId)}); Keycloak's ACS is https://KEYCLOAK/realms/REALM/broker/${KEYCLOAK_ALIAS}/endpoint: register it at the IdP.`);

  const principal = rules.principal.source === 'nameId' ? { principalType: 'SUBJECT' } : { principalType: 'ATTRIBUTE', principalAttribute: rules.principal.attribute ?? '' };
  const identityProvider = {
    alias: KEYCLOAK_ALIAS,
    displayName: bundle.idp.name,
    providerId: 'saml',
    enabled: true,
    trustEmail: false,
    storeToken: false,
    addReadTokenRoleOnCreate: false,
    authenticateByDefault: false,
    linkOnly: false,
    firstBrokerLoginFlowAlias: 'first broker login',
    config: {
      entityId: identifier('SP entity ID', bundle.sp.entityId),
      idpEntityId: identifier('IdP entity ID', metadata.entityId),
      singleSignOnServiceUrl: identifier('IdP SSO URL', ssoUrl(metadata)),
      nameIDPolicyFormat: identifier('NameID format', bundle.sp.nameIdFormat),
      ...principal,
      postBindingResponse: 'true',
      postBindingAuthnRequest: 'false',
      wantAuthnRequestsSigned: String(metadata.wantAuthnRequestsSigned),
      validateSignature: 'true',
      signingCertificate: signingCerts(metadata).join(','),
      wantAssertionsSigned: String(policy.signaturePolicy === 'assertion' || policy.signaturePolicy === 'both'),
      wantAssertionsEncrypted: 'false',
      allowedClockSkew: String(policy.clockSkewSeconds),
      syncMode: rules.syncMode === 'force' ? 'FORCE' : 'IMPORT',
      allowCreate: 'true',
    },
  };
  const realm = { identityProviders: [identityProvider], identityProviderMappers: mappers };
  return { target: 'keycloak', files: [file('keycloak-identity-provider.json', 'json', `${jsonText(realm, 2)}\n`)], unsupported };
}
