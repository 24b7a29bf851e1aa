// The attribute coverage of a login (which rule sources matched nothing, which attributes nothing maps, which fields a
// login clears) and the what-if vocabulary (drifts, outcome kinds). Zod only, imports nothing of the contract, so
// every contract file (logins, rules, jit) can use it without an import cycle. The renderer imports it too.
import { z } from 'zod';

/** How one mapped field (or "groups") got its value in one login. */
export const FieldCoverage = z.object({
  field: z.string(),
  /** The source (attribute Name or FriendlyName) that supplied the value; null when none did. */
  source: z.string().nullable(),
  /** mapped: from a source; template: rendered from a template; default: the rule's default; empty: no value. */
  outcome: z.enum(['mapped', 'template', 'default', 'empty']),
  /** The rule's sources that matched no attribute of this login. */
  missingSources: z.array(z.string()),
});
export type FieldCoverage = z.infer<typeof FieldCoverage>;

/** An attribute of the login that no rule source, group source, principal or template names. */
export const UnmappedAttribute = z.object({
  name: z.string(),
  friendlyName: z.string().nullable(),
  /** Up to three of its values, for the "map this attribute to field…" prompt. */
  sample: z.array(z.string()),
  valueCount: z.number().int(),
});
export type UnmappedAttribute = z.infer<typeof UnmappedAttribute>;

export const JitCoverage = z.object({
  fields: z.array(FieldCoverage),
  unmappedAttributes: z.array(UnmappedAttribute),
  /** Non-empty fields of the existing account that this login clears because none of their sources was present
   * ("groups" included); the same list as check jit.field-cleared and the diff's clearedFields. */
  clearedFields: z.array(z.string()),
});
export type JitCoverage = z.infer<typeof JitCoverage>;

/** Groups as the dry run shows them: what the login carried (after transforms) and what the rules require. */
export const GroupsSeen = z.object({ received: z.array(z.string()), required: z.array(z.string()) });
export type GroupsSeen = z.infer<typeof GroupsSeen>;

/** Drifts a what-if can apply to a stored login (issue 16): what changes at the IdP between two logins. */
export const DRIFT_IDS = ['nameid-format', 'nameid-case', 'email-changed', 'group-removed', 'group-overage', 'attribute-renamed', 'scim-precreated'] as const;
export const DriftId = z.enum(DRIFT_IDS);
export type DriftId = z.infer<typeof DriftId>;

/** What a drift does to the account, worst first. */
export const OUTCOME_KINDS = ['locked-out', 'duplicate-account', 'roles-removed', 'fields-cleared', 'linked', 'created', 'updated', 'unchanged'] as const;
export const OutcomeKind = z.enum(OUTCOME_KINDS);
export type OutcomeKind = z.infer<typeof OutcomeKind>;
