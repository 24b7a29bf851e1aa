// JIT rules per IdP profile: read, validate and save, presets, and the dry run (what a login would do under these
// rules, without writing).
import { z } from 'zod';
import { JitRules, type Attribute, type Check, type HandlersFor } from '../../contract/index.ts';
import type { rulesMethods } from '../../contract/rules.ts';
import { LabError } from '../errors.ts';
import type { IdpRegistry } from '../idp/registry.ts';
import { DEFAULT_RULES, PRESETS } from '../jit/presets.ts';
import { parseRulesOrThrow } from '../jit/validate-rules.ts';
import { REJECTED_DIFF, type LoginService } from '../login-service.ts';
import type { StoredIdp } from '../store/schema.ts';
import type { StoreService } from '../store/store-service.ts';
import { publicAccount } from './logins.ts';

let jsonSchemaCache: unknown = null;
function rulesJsonSchema(): unknown {
  jsonSchemaCache ??= z.toJSONSchema(JitRules, { io: 'input' });
  return jsonSchemaCache;
}

export const rulesOf = (idp: StoredIdp): JitRules => idp.rules ?? DEFAULT_RULES;

export function createRulesHandlers(deps: { store: StoreService; idps: IdpRegistry; logins: LoginService }): HandlersFor<typeof rulesMethods> {
  const { store, idps } = deps;
  return {
    'rules.get': (input) => {
      const idp = idps.resolve(input.idpId);
      return { idpId: idp.id, rules: rulesOf(idp), jsonSchema: rulesJsonSchema() };
    },
    'rules.update': async (input) => {
      const idp = idps.resolve(input.idpId);
      idps.setRules(idp, parseRulesOrThrow(input.rules));
      await store.commit();
      return { idpId: idp.id, rules: rulesOf(idp) };
    },
    'rules.presets': () => PRESETS.map((p) => ({ ...p })),
    'rules.dryRun': (input) => {
      let idp = idps.resolve(input.idpId);
      let nameId = input.nameId ?? null;
      let nameIdFormat: string | null = null;
      let attributes: Attribute[] = Object.entries(input.attributes ?? {}).map(([name, values]) => ({ name, friendlyName: null, nameFormat: null, values }));
      let verificationChecks: Check[] = [];
      if (input.loginId) {
        const login = store.data.logins.find((l) => l.id === input.loginId);
        if (!login) throw new LabError('not-found', `There is no login "${input.loginId}".`);
        verificationChecks = login.checks.filter((c) => !c.id.startsWith('jit.'));
        if (verificationChecks.some((c) => c.status === 'fail') || !login.nameId) {
          // Nothing verified, nothing to provision: rules do not matter for this login.
          return { verdict: 'rejected' as const, checks: verificationChecks, matchedAccountId: null, before: null, account: null, diff: REJECTED_DIFF, groups: { received: [], required: [] }, coverage: null };
        }
        idp = (login.idpEntityId ? idps.byEntityId(login.idpEntityId) : null) ?? idp;
        nameId = login.nameId;
        nameIdFormat = login.nameIdFormat;
        attributes = login.attributes;
      }
      if (!nameId) throw new LabError('invalid-input', 'Give a stored login (loginId) or a NameID and attributes.');
      const rules = input.rules === undefined ? rulesOf(idp) : parseRulesOrThrow(input.rules);
      const plan = deps.logins.dryRun({ idpId: idp.id, idpEntityId: idps.metadataOf(idp).entityId, nameId, nameIdFormat, attributes, rules });
      return {
        verdict: plan.rejected ? ('rejected' as const) : ('accepted' as const),
        checks: [...verificationChecks, ...plan.checks],
        matchedAccountId: plan.before?.id ?? null,
        before: plan.before ? publicAccount(plan.before) : null,
        account: plan.account ? publicAccount(plan.account) : null,
        diff: plan.diff,
        groups: plan.groups,
        coverage: plan.coverage,
      };
    },
  };
}
