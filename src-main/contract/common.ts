import { z } from 'zod';

// Shapes shared by every feature of the contract: checks, verdicts, attributes, account diffs, errors, and the
// type every handler module is built against.

export const CheckStatus = z.enum(['pass', 'warn', 'fail']);
export type CheckStatus = z.infer<typeof CheckStatus>;

export const Check = z.object({
  id: z.string(),
  title: z.string(),
  status: CheckStatus,
  expected: z.string().nullable(),
  received: z.string().nullable(),
  hint: z.string().nullable(),
});
export type Check = z.infer<typeof Check>;

export const Verdict = z.enum(['accepted', 'rejected']);
export type Verdict = z.infer<typeof Verdict>;

export const Attribute = z.object({
  name: z.string(),
  friendlyName: z.string().nullable(),
  nameFormat: z.string().nullable(),
  values: z.array(z.string()),
});
export type Attribute = z.infer<typeof Attribute>;

export const FieldValue = z.union([z.string(), z.array(z.string()), z.null()]);
export type FieldValue = z.infer<typeof FieldValue>;

export const FieldChange = z.object({
  field: z.string(),
  before: FieldValue,
  after: FieldValue,
  change: z.enum(['added', 'changed', 'removed', 'unchanged']),
});
export type FieldChange = z.infer<typeof FieldChange>;

export const DiffKind = z.enum(['created', 'updated', 'unchanged', 'rejected']);
export type DiffKind = z.infer<typeof DiffKind>;

export const AccountDiff = z.object({
  kind: DiffKind,
  accountId: z.string().nullable(),
  changes: z.array(FieldChange),
  /** Roles this login grants and removes (force sync removes roles no longer matched: shown loudly). */
  rolesGranted: z.array(z.string()),
  rolesRemoved: z.array(z.string()),
  /** Set when the login was linked to an existing account by email instead of matching its principal. */
  linkedBy: z.enum(['email']).nullable(),
  /** Fields (and "groups") this login cleared because the IdP sent none of their sources (check jit.field-cleared);
   * absent in logins recorded before it existed. The badge says "Updated — N fields cleared". */
  clearedFields: z.array(z.string()).optional(),
});
export type AccountDiff = z.infer<typeof AccountDiff>;

export const Empty = z.object({}).strict();
export const ById = z.object({ id: z.string().min(1) }).strict();

export const ErrorCode = z.enum([
  'invalid-input',
  'unknown-method',
  'not-found',
  /** The caller may not use this method or route (wrong host, foreign origin, path reading over HTTP). */
  'forbidden',
  'invalid-metadata',
  'fetch-failed',
  'invalid-rules',
  'invalid-bundle',
  /** The change would replace trusted keys: repeat it with `replace: true` once the person agreed. */
  'trust-change',
  'port-in-use',
  'store-unwritable',
  'internal',
]);
export type ErrorCode = z.infer<typeof ErrorCode>;

export const ErrorBody = z.object({
  code: ErrorCode,
  message: z.string(),
  details: z.unknown().optional(),
});
export type ErrorBody = z.infer<typeof ErrorBody>;

export type Result<T> = { ok: true; value: T } | { ok: false; error: ErrorBody };

/** One method of the contract: what it takes and what it answers. */
export interface MethodSpec {
  input: z.ZodType;
  output: z.ZodType;
}

/** The handlers of a group of methods, as a feature module builds them (`createIdpHandlers` and the others). */
export type HandlersFor<Methods extends Record<string, MethodSpec>> = {
  [M in keyof Methods]: (input: z.output<Methods[M]['input']>) => Promise<z.output<Methods[M]['output']>> | z.output<Methods[M]['output']>;
};
