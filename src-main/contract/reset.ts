import { z } from 'zod';
import { ById, type MethodSpec } from './common.ts';

// Resetting parts of the lab (issue 15.6): each method removes exactly what it names. SP and IdP keys are never
// touched; IdP profiles only when `lab.reset` is asked to remove them.

export const resetMethods = {
  /** Deletes an account and its timeline (the logins that provisioned it); its open lab sessions end. */
  'accounts.delete': { input: ById, output: z.object({ deleted: z.boolean(), logins: z.number().int() }) },
  /** Removes recorded logins: all, or those of one IdP (by entity ID). Accounts stay. */
  'logins.clear': {
    input: z.object({ idpEntityId: z.string().min(1).max(1024).optional() }).strict(),
    output: z.object({ removed: z.number().int() }),
  },
  /** "Start a clean lab": no accounts, logins, sessions or outstanding requests, demo users as shipped. Keeps the SP
   * and demo IdP keys, the SP settings, and the IdP profiles with their rules unless `removeIdps`. The replay cache
   * stays (an assertion already used is not accepted again). */
  'lab.reset': {
    input: z.object({ removeIdps: z.boolean().default(false) }).strict(),
    output: z.object({ accounts: z.number().int(), logins: z.number().int(), idps: z.number().int() }),
  },
} as const satisfies Record<string, MethodSpec>;
