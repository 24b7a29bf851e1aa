// The default JIT mapping: which SAML attribute feeds which account field. Names are matched against the
// attribute's Name and FriendlyName, case-insensitively, so Entra ID / ADFS claim URIs, Okta and Google's plain
// names, Keycloak and Shibboleth/SimpleSAMLphp urn:oid names all work without editing.
import type { Attribute } from '../../contract/index.ts';

export interface FieldRule {
  field: string;
  sources: string[];
  /** 'first' keeps the first value; 'all' keeps every value (the groups field). */
  take: 'first' | 'all';
}

const CLAIMS = 'http://schemas.xmlsoap.org/ws/2005/05/identity/claims/';

export const DEFAULT_RULES: readonly FieldRule[] = [
  {
    field: 'email',
    sources: ['email', 'mail', 'emailaddress', 'emailAddress', `${CLAIMS}emailaddress`, 'urn:oid:0.9.2342.19200300.100.1.3', 'user.email'],
    take: 'first',
  },
  {
    field: 'firstName',
    sources: ['givenName', 'firstName', 'first_name', 'given_name', `${CLAIMS}givenname`, 'urn:oid:2.5.4.42', 'user.firstName'],
    take: 'first',
  },
  {
    field: 'lastName',
    sources: ['sn', 'surname', 'lastName', 'last_name', 'family_name', `${CLAIMS}surname`, 'urn:oid:2.5.4.4', 'user.lastName'],
    take: 'first',
  },
  {
    field: 'displayName',
    sources: ['displayName', 'display_name', 'name', 'cn', 'http://schemas.microsoft.com/identity/claims/displayname', `${CLAIMS}name`, 'urn:oid:2.16.840.1.113730.3.1.241', 'urn:oid:2.5.4.3'],
    take: 'first',
  },
  {
    field: 'groups',
    sources: ['groups', 'group', 'memberOf', 'isMemberOf', 'Role', 'roles', 'http://schemas.microsoft.com/ws/2008/06/identity/claims/groups', 'http://schemas.microsoft.com/ws/2008/06/identity/claims/role', 'urn:oid:1.3.6.1.4.1.5923.1.5.1.1', 'urn:oid:2.5.4.31'],
    take: 'all',
  },
];

export interface MappedFields {
  fields: Record<string, string>;
  groups: string[];
  /** Which attribute fed each field, for the inspector. */
  sources: Record<string, string>;
}

export function mapAttributes(attributes: Attribute[], rules: readonly FieldRule[] = DEFAULT_RULES): MappedFields {
  const byName = new Map<string, Attribute>();
  for (const a of attributes) {
    for (const key of [a.name, a.friendlyName]) {
      if (key && !byName.has(key.toLowerCase())) byName.set(key.toLowerCase(), a);
    }
  }
  const out: MappedFields = { fields: {}, groups: [], sources: {} };
  for (const rule of rules) {
    const attribute = rule.sources.map((s) => byName.get(s.toLowerCase())).find((a) => a && a.values.length > 0);
    if (!attribute) continue;
    out.sources[rule.field] = attribute.name;
    if (rule.field === 'groups') {
      out.groups = [...new Set(attribute.values.map((v) => v.trim()).filter(Boolean))];
    } else {
      const value = rule.take === 'all' ? attribute.values.join(', ') : (attribute.values[0] ?? '');
      out.fields[rule.field] = value.trim();
    }
  }
  return out;
}
