// Checks on the attributes of the signed assertion: ambiguity (the same attribute twice), and the group limits that
// break JIT in production (too many groups for downstream caps, Entra ID's overage claim instead of groups).
import type { Attribute } from '../../../contract/index.ts';
import type { CheckModule } from './check.ts';
import { fail, pass, warn } from './check.ts';

interface Collision {
  members: { index: number; attribute: Attribute }[];
  agree: boolean;
}

const label = (a: Attribute): string => (a.friendlyName && a.friendlyName !== a.name ? `${a.name} (FriendlyName ${a.friendlyName})` : a.name);
const sameValues = (a: string[], b: string[]): boolean => a.length === b.length && [...a].sort().every((v, i) => v === [...b].sort()[i]);

/** Attributes that a name lookup could confuse: same Name, Names differing only in case, a FriendlyName equal to another's Name. */
export function attributeCollisions(attributes: Attribute[]): Collision[] {
  // Union-find over attributes linked by a shared case-folded key (Name or FriendlyName).
  const parent = attributes.map((_, i) => i);
  const find = (i: number): number => {
    while (parent[i] !== i) i = parent[i] = parent[parent[i]!]!;
    return i;
  };
  const byKey = new Map<string, number>();
  attributes.forEach((a, i) => {
    const keys = new Set([a.name.toLowerCase(), ...(a.friendlyName ? [a.friendlyName.toLowerCase()] : [])]);
    for (const key of keys) {
      if (key === '') continue;
      const first = byKey.get(key);
      if (first === undefined) byKey.set(key, i);
      else parent[find(i)] = find(first);
    }
  });
  const groups = new Map<number, number[]>();
  attributes.forEach((_, i) => groups.set(find(i), [...(groups.get(find(i)) ?? []), i]));
  return [...groups.values()]
    .filter((g) => g.length > 1)
    .map((g) => {
      const members = g.map((index) => ({ index, attribute: attributes[index]! }));
      return { members, agree: members.every((m) => sameValues(m.attribute.values, members[0]!.attribute.values)) };
    });
}

export const attributesUniqueCheck: CheckModule = {
  id: 'attributes.unique',
  title: 'Each attribute is sent once',
  run: (ctx) => {
    if (!ctx.assertion) return null;
    const collisions = attributeCollisions(ctx.attributes);
    if (collisions.length === 0) return pass('each attribute name once (case-insensitive, FriendlyName included)', `${ctx.attributes.length} distinct`);
    const conflict = collisions.some((c) => !c.agree);
    const received = collisions
      .map((c) => `${c.members.map((m) => `#${m.index + 1} ${label(m.attribute)} = [${m.attribute.values.slice(0, 3).join(', ')}${m.attribute.values.length > 3 ? ', …' : ''}]`).join(' vs ')}${c.agree ? ' (same values)' : ' (different values)'}`)
      .join('; ');
    const used = collisions.map((c) => `#${c.members[0]!.index + 1} ${label(c.members[0]!.attribute)}`).join(', ');
    const hint =
      `The IdP sends the same attribute more than once under names a lookup can confuse. JIT rules here read the first in document order (${used}); ` +
      'a rule naming the exact spelling reads that one when it matches case-sensitively, and other SPs pick differently (node-saml\'s profile.attributes keeps the last copy of an exact Name, ruby-saml merges their values unless check_duplicated_attributes makes it refuse). ' +
      (conflict ? 'The copies disagree, so which value is provisioned depends on the SP: an IdP (or a mapping) must not send both. ' : '') +
      'Remove the duplicate mapping at the IdP (often a default claim plus a custom one).';
    const mode = ctx.policy.duplicateAttributes;
    const failing = mode === 'fail' || (mode === 'fail-on-conflict' && conflict);
    return failing ? fail('each attribute name once', received, hint) : warn('each attribute name once', received, hint);
  },
};

/** Attribute names (Name or FriendlyName, case-insensitive) that carry group memberships. */
export const GROUP_ATTRIBUTE_NAMES = [
  'groups',
  'group',
  'memberof',
  'ismemberof',
  'http://schemas.microsoft.com/ws/2008/06/identity/claims/groups',
  'http://schemas.xmlsoap.org/claims/group',
  'urn:oid:1.3.6.1.4.1.5923.1.5.1.1',
  'urn:oid:1.2.840.113556.1.2.102',
];

/** Entra ID emits at most 150 groups in a SAML token, then the overage claim (groups.overage) instead. */
export const ENTRA_SAML_GROUP_LIMIT = 150;

const isGroupAttribute = (a: Attribute): boolean => [a.name, a.friendlyName].some((n) => n !== null && GROUP_ATTRIBUTE_NAMES.includes(n.toLowerCase()));

export const groupsCountCheck: CheckModule = {
  id: 'groups.count',
  title: 'Group count fits downstream limits',
  run: (ctx) => {
    if (!ctx.assertion) return null;
    const groups = ctx.attributes.filter(isGroupAttribute);
    if (groups.length === 0) return null;
    const count = groups.reduce((n, a) => n + a.values.length, 0);
    const received = `${count} group${count === 1 ? '' : 's'} in ${groups.map(label).join(', ')}`;
    const expected = `at most ${ENTRA_SAML_GROUP_LIMIT} groups`;
    if (count <= ENTRA_SAML_GROUP_LIMIT) return pass(expected, received);
    return warn(expected, received,
      `More than ${ENTRA_SAML_GROUP_LIMIT} groups: Entra ID would send its overage claim instead of groups above this, responses grow toward form limits (see response.size), ` +
      'and SPs that keep groups in a session cookie or forward them in a header hit 8 KiB header caps (nginx large_client_header_buffers 8k) at about 180 groups. ' +
      'Filter the groups the IdP releases to this SP (Entra: "Groups assigned to the application"; Okta: a group filter), or use app roles.');
  },
};

const OVERAGE_NAMES = ['http://schemas.microsoft.com/claims/groups.link', 'groups.link', '_claim_names', '_claim_sources'];

export const groupsOverageCheck: CheckModule = {
  id: 'groups.overage',
  title: 'Groups are sent, not an overage link',
  run: (ctx) => {
    if (!ctx.assertion) return null;
    const overage = ctx.attributes.find((a) => [a.name, a.friendlyName].some((n) => n !== null && OVERAGE_NAMES.includes(n.toLowerCase())));
    const groups = ctx.attributes.filter(isGroupAttribute).reduce((n, a) => n + a.values.length, 0);
    if (!overage) return groups > 0 ? pass('group values (no overage claim)', 'no overage claim') : null;
    return warn('group values (no overage claim)', `${label(overage)} = ${overage.values[0] ?? ''}${groups === 0 ? '; no groups sent' : `; ${groups} groups sent as well`}`,
      `The IdP (Entra ID) sent an overage claim instead of the user's groups: the user is in more groups than fit in a SAML token (${ENTRA_SAML_GROUP_LIMIT}). ` +
      'JIT sees no groups, so group rules give no role (or remove roles in force sync). Fix at the IdP: emit only "Groups assigned to the application" (group filtering), use app roles instead of groups, or have your application read the groups from Microsoft Graph.');
  },
};
