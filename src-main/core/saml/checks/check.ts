import type { Check, CheckStatus } from '../../../contract/index.ts';
import type { ResponseContext } from '../context.ts';

export interface CheckOutcome {
  status: CheckStatus;
  expected: string | null;
  received: string | null;
  hint: string | null;
}

/** One verification rule. `run` returns null when the rule does not apply (an earlier stage already failed). */
export interface CheckModule {
  id: string;
  title: string;
  run(ctx: ResponseContext): CheckOutcome | null;
}

export function pass(expected: string | null, received: string | null): CheckOutcome {
  return { status: 'pass', expected, received, hint: null };
}

export function fail(expected: string | null, received: string | null, hint: string): CheckOutcome {
  return { status: 'fail', expected, received, hint };
}

export function warn(expected: string | null, received: string | null, hint: string): CheckOutcome {
  return { status: 'warn', expected, received, hint };
}

export function runChecks(modules: readonly CheckModule[], ctx: ResponseContext): Check[] {
  const out: Check[] = [];
  for (const m of modules) {
    const outcome = m.run(ctx);
    if (outcome) out.push({ id: m.id, title: m.title, ...outcome });
  }
  return out;
}

/** Parses an xs:dateTime; null when absent or unparsable. */
export function parseInstant(value: string | null): Date | null {
  if (value === null) return null;
  if (!/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d+)?(Z|[+-]\d{2}:\d{2})$/.test(value)) return null;
  const d = new Date(value);
  return Number.isNaN(d.getTime()) ? null : d;
}
