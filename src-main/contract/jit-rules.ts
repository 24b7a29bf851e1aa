// The JIT rules model: how a verified login becomes an account. Versioned and validated with zod wherever it
// enters (the UI's JSON editor, imports, the store). Each option mirrors a setting of a real SP, named in the
// comment, so the behaviour seen here is the behaviour exported later.
import { z } from 'zod';

export const JIT_RULES_VERSION = 1;

/** Where a field's value comes from: attribute Name, FriendlyName or urn:oid name (matched case-insensitively
 * when `caseInsensitiveAttributes` is on). */
const Sources = z.array(z.string().min(1).max(512)).min(1).max(32);

export const Transform = z.discriminatedUnion('op', [
  z.object({ op: z.literal('trim') }).strict(),
  z.object({ op: z.literal('lowercase') }).strict(),
  z.object({ op: z.literal('uppercase') }).strict(),
  /** Splits every value on a separator (e.g. "a;b" → ["a", "b"]). */
  z.object({ op: z.literal('split'), separator: z.string().min(1).max(8) }).strict(),
  /** Joins all values into one (e.g. ["a", "b"] → "a, b"). */
  z.object({ op: z.literal('join'), separator: z.string().max(8) }).strict(),
  /** Replaces the value by a template: `${attr.givenName} ${attr.sn}` (attribute names or friendly names). */
  z.object({ op: z.literal('template'), template: z.string().min(1).max(1024) }).strict(),
]);
export type Transform = z.infer<typeof Transform>;

export const SyncMode = z.enum(['import', 'force']);
export type SyncMode = z.infer<typeof SyncMode>;

export const FieldRule = z
  .object({
    field: z.string().regex(/^[A-Za-z][A-Za-z0-9_.-]{0,63}$/, 'a field name: letters, digits, _ . -, starting with a letter'),
    /** Empty when the value comes from a template alone. */
    sources: z.array(z.string().min(1).max(512)).max(32).default([]),
    /** first: the first value; all: every value, joined with ", " unless a join transform says otherwise. */
    take: z.enum(['first', 'all']).default('first'),
    transforms: z.array(Transform).max(16).default([]),
    /** Used when no source has a value (Keycloak "default value"). */
    default: z.string().max(4096).optional(),
    /** Missing → the login is rejected with check `jit.required-attribute` (GitLab/Grafana refuse such logins). */
    required: z.boolean().default(false),
    /** Per-field override of the sync mode (Keycloak mapper "Sync mode override"). */
    syncMode: SyncMode.optional(),
  })
  .strict();
export type FieldRule = z.infer<typeof FieldRule>;

export const RoleRule = z
  .object({
    role: z.string().min(1).max(128),
    match: z.enum(['exact', 'regex']).default('exact'),
    /** A group name (exact, case-sensitive unless caseInsensitiveGroups) or a regular expression. */
    value: z.string().min(1).max(512),
  })
  .strict();
export type RoleRule = z.infer<typeof RoleRule>;

export const JitRules = z
  .object({
    version: z.literal(JIT_RULES_VERSION),
    /** The preset this started from (informational). */
    preset: z.string().max(64).optional(),
    /** The account key: the NameID (default; GitLab/Keycloak) or an attribute (Grafana assertion_attribute_login). */
    principal: z
      .object({
        source: z.enum(['nameId', 'attribute']),
        attribute: z.string().min(1).max(512).optional(),
        /** Match principals case-insensitively (Keycloak usernames are lower-cased). Only characters without a
         * Unicode compatibility form are lower-cased: U+212A KELVIN SIGN is not "k" (core/jit/identity.ts). */
        caseInsensitive: z.boolean().default(true),
      })
      .strict()
      .refine((p) => p.source === 'nameId' || !!p.attribute, { message: 'principal.attribute is required when source is "attribute"', path: ['attribute'] }),
    /** Attribute names matched case-insensitively (most IdPs and SPs do; SAML says they are case-sensitive). */
    caseInsensitiveAttributes: z.boolean().default(true),
    /** A new principal whose email belongs to an existing account: refuse the login (GitLab's default, "Email
     * has already been taken"), link it to that account (GitLab auto_link_saml_user, Keycloak existing-account
     * linking), or create a second account (warned: the classic duplicate-JIT-account bug). */
    emailConflict: z.enum(['refuse', 'link', 'create']).default('refuse'),
    /** With emailConflict "link": also link into an account that belongs to ANOTHER IdP profile (off: such a
     * login is refused with jit.duplicate-email naming that IdP). Linking across IdPs lets IdP B sign in as IdP
     * A's user; turn it on only when both IdPs are authoritative for the same people. */
    linkAcrossIdps: z.boolean().default(false),
    /** A principal or email that only LOOKS like an existing account's (same canonical form: Unicode
     * compatibility, case folding, invisible or space-like characters; see core/jit/identity.ts) is never merged
     * into it: refuse the login (default; jit.confusable-principal / jit.confusable-email fail) or warn and keep
     * the accounts apart. */
    lookalikes: z.enum(['refuse', 'warn']).default('refuse'),
    /** Grafana allow_sign_up; off: logins of unknown users are rejected with `jit.sign-up-disabled`. */
    allowSignUp: z.boolean().default(true),
    /** GitLab block_auto_created_users: new accounts start blocked (pending approval). */
    newAccountStatus: z.enum(['active', 'blocked']).default('active'),
    /** import: fields are set only when the account is created (Keycloak "import"); force: on every login
     * (Keycloak "force", Grafana and GitLab behaviour). */
    syncMode: SyncMode.default('force'),
    fields: z.array(FieldRule).max(64),
    groups: z
      .object({
        sources: Sources,
        transforms: z.array(Transform).max(16).default([]),
        caseInsensitive: z.boolean().default(false),
        /** GitLab required_groups: the login is rejected unless the user is in at least one of these. */
        required: z.array(z.string().min(1).max(512)).max(64).default([]),
        /** highest: only the first matching rule's role (Grafana role_values_admin/editor/viewer precedence);
         * all: every matching rule's role (GitLab admin_groups, external_groups, auditor_groups). */
        roleMode: z.enum(['highest', 'all']).default('highest'),
        roles: z.array(RoleRule).max(64).default([]),
        /** Role when no rule matches (Grafana auto_assign_org_role); empty: none. */
        defaultRole: z.string().max(128).optional(),
      })
      .strict(),
  })
  .strict();
export type JitRules = z.infer<typeof JitRules>;
export type JitRulesInput = z.input<typeof JitRules>;

export interface RulesProblem {
  /** JSON path of the offending value, e.g. "groups.roles.1.value". */
  path: string;
  message: string;
}
