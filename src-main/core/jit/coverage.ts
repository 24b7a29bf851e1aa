// The attribute coverage of a stored login, for its detail page: which rule sources matched no attribute and which
// attributes nothing maps, under the IdP profile's rules as they are now, and the fields the login cleared when it
// was provisioned (recorded in its diff).
import type { Attribute } from '../../contract/index.ts';
import type { JitCoverage } from '../../contract/jit-coverage.ts';
import type { JitRules } from '../../contract/jit-rules.ts';
import { AccountIndex } from './account-index.ts';
import { planProvision } from './provision.ts';

export function loginCoverage(login: { idpEntityId: string | null; nameId: string | null; nameIdFormat: string | null; attributes: Attribute[]; diff: { clearedFields?: string[] } }, rules: JitRules, now: Date): JitCoverage {
  // Coverage does not depend on the accounts: plan against an empty lab.
  const plan = planProvision({ idpEntityId: login.idpEntityId ?? '', nameId: login.nameId ?? '', nameIdFormat: login.nameIdFormat, attributes: login.attributes, now, rules, accounts: new AccountIndex() });
  return { ...plan.coverage, clearedFields: [...(login.diff.clearedFields ?? [])] };
}
