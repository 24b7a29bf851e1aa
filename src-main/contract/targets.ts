// "Would your SP accept this?": the verdicts of real SP libraries on one login's response, side by side with the
// lab's. Produced by src-main/core/targets; shown by the login detail screen and `saml-jit-lab verify --targets`.
import { z } from 'zod';
import type { MethodSpec } from './common.ts';

/** The SP libraries the lab can run: two in-process (npm), three as external runners (Debian packages). */
export const TargetName = z.enum(['node-saml', 'samlify', 'ruby-saml', 'python3-saml', 'simplesamlphp']);
export type TargetName = z.infer<typeof TargetName>;
export const TARGET_NAMES: readonly TargetName[] = TargetName.options;

export const TargetVerdict = z.object({
  name: TargetName,
  /** The library's version as installed (null when it is unavailable). */
  version: z.string().nullable(),
  /** `unavailable`: the interpreter or the library is not installed here, or the runner failed or timed out. */
  verdict: z.enum(['accepted', 'rejected', 'unavailable']),
  /** The library's own error message when it rejected, or why it could not run. */
  error: z.string().nullable(),
  /** The NameID the library would have logged the user in as. */
  nameId: z.string().nullable(),
});
export type TargetVerdict = z.infer<typeof TargetVerdict>;

export const TargetsResult = z.object({
  /** The lab's own verdict on the same response, for comparison. */
  lab: z.object({ verdict: z.enum(['accepted', 'rejected']), nameId: z.string().nullable(), failedChecks: z.array(z.string()) }),
  targets: z.array(TargetVerdict),
  /** One sentence per library whose verdict differs from the lab's, saying which way and why. */
  disagreements: z.array(z.string()),
});
export type TargetsResult = z.infer<typeof TargetsResult>;

/** Input of `logins.targets`: a stored login, and which libraries to ask (all by default). */
export const TargetsInput = z.object({ id: z.string().min(1), targets: z.array(TargetName).min(1).optional() }).strict();
export type TargetsInput = z.infer<typeof TargetsInput>;

export const targetMethods = {
  /** "Would your SP accept this?": a stored login given to real SP libraries (in-process node-saml and samlify;
   * ruby-saml, python3-saml and SimpleSAMLphp when installed), each with its documented defaults, at the login's time. */
  'logins.targets': { input: TargetsInput, output: TargetsResult },
} as const satisfies Record<string, MethodSpec>;
