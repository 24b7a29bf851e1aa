// The JIT planner's own methods: what-if drifts on a stored login (issue 16). Writes nothing.
import { z } from 'zod';
import { AccountDiff, type MethodSpec } from './common.ts';
import { DriftId, OutcomeKind } from './jit-coverage.ts';
import { Account } from './logins.ts';

export * from './jit-coverage.ts';

/** A plan's diff as what-if shows it: with the fields the drifted login would clear. */
export const WhatIfDiff = AccountDiff.extend({ clearedFields: z.array(z.string()) });

export const WhatIfResult = z.object({
  /** "current" (the IdP profile's rules, or the edited rules given) or a preset id. */
  rulesId: z.string(),
  rulesName: z.string(),
  /** Whether the login itself (without the drift) is accepted under these rules. */
  baseline: z.enum(['accepted', 'rejected']),
  verdict: z.enum(['accepted', 'rejected']),
  outcome: z.object({ kinds: z.array(OutcomeKind), label: z.string(), severity: z.enum(['ok', 'notice', 'danger']) }),
  failedChecks: z.array(z.object({ id: z.string(), received: z.string().nullable() })),
  warnings: z.array(z.object({ id: z.string(), received: z.string().nullable() })),
  before: Account.nullable(),
  after: Account.nullable(),
  diff: WhatIfDiff,
});
export type WhatIfResult = z.infer<typeof WhatIfResult>;

export const WhatIfScenario = z.object({
  drift: DriftId,
  title: z.string(),
  /** What exactly the drift changed in this login, e.g. "NameID alice@example.com → ALICE@EXAMPLE.COM". */
  change: z.string(),
  applicable: z.boolean(),
  results: z.array(WhatIfResult),
});
export type WhatIfScenario = z.infer<typeof WhatIfScenario>;

export const jitMethods = {
  /** What each drift at the IdP would do to the account this accepted login produced, under the IdP profile's
   * rules (or the edited `rules` given) and under every preset: duplicate account, lock-out, roles removed, fields
   * cleared. Writes nothing. A rejected login is refused with invalid-input (there is no account to start from). */
  'logins.whatIf': {
    input: z.object({ id: z.string().min(1), drifts: z.array(DriftId).min(1).max(16).optional(), rules: z.unknown().optional() }).strict(),
    output: z.object({ loginId: z.string(), nameId: z.string(), scenarios: z.array(WhatIfScenario) }),
  },
} as const satisfies Record<string, MethodSpec>;
