// What-if on a stored login: each IdP drift under the profile's rules and every preset, through the pure planner
// (core/jit/whatif.ts). Reads the store, writes nothing.
import type { HandlersFor } from '../../contract/common.ts';
import type { jitMethods } from '../../contract/jit.ts';
import { LabError } from '../errors.ts';
import type { IdpRegistry } from '../idp/registry.ts';
import { PRESETS } from '../jit/presets.ts';
import { parseRulesOrThrow } from '../jit/validate-rules.ts';
import { whatIf } from '../jit/whatif.ts';
import type { StoreService } from '../store/store-service.ts';
import { publicAccount } from './logins.ts';
import { rulesOf } from './rules.ts';

export function createJitHandlers(deps: { store: StoreService; idps: IdpRegistry; clock: () => Date }): HandlersFor<typeof jitMethods> {
  const { store, idps } = deps;
  return {
    'logins.whatIf': (input) => {
      const login = store.data.logins.find((l) => l.id === input.id);
      if (!login) throw new LabError('not-found', `There is no login "${input.id}".`);
      if (login.verdict !== 'accepted' || !login.nameId || !login.idpEntityId) {
        throw new LabError('invalid-input', 'What-if starts from an accepted login and the account it produced; this login was rejected. Fix it first (the dry run shows why), then try the drifts on the accepted login.');
      }
      const idp = idps.byEntityId(login.idpEntityId);
      if (!idp) throw new LabError('not-found', `The IdP ${login.idpEntityId} of this login is no longer configured.`);
      const rules = input.rules === undefined ? rulesOf(idp) : parseRulesOrThrow(input.rules);
      const account = login.accountId ? (store.data.accounts.find((a) => a.id === login.accountId) ?? null) : null;
      const scenarios = whatIf({
        login: { idpEntityId: login.idpEntityId, nameId: login.nameId, nameIdFormat: login.nameIdFormat, attributes: login.attributes },
        account,
        others: store.data.accounts,
        rules,
        presets: PRESETS,
        drifts: input.drifts,
        now: deps.clock(),
      });
      return {
        loginId: login.id,
        nameId: login.nameId,
        scenarios: scenarios.map((s) => ({
          ...s,
          results: s.results.map((r) => ({ ...r, before: r.before ? publicAccount(r.before) : null, after: r.after ? publicAccount(r.after) : null })),
        })),
      };
    },
  };
}
