// Resetting parts of the lab (issue 15.6): delete an account with its timeline, clear logins, start a clean lab.
// Accounts leave the login service's index too, so a later login never matches a deleted account.
import type { HandlersFor } from '../../contract/index.ts';
import type { resetMethods } from '../../contract/reset.ts';
import { LabError } from '../errors.ts';
import type { IdpRegistry } from '../idp/registry.ts';
import type { LoginService } from '../login-service.ts';
import type { StoreService } from '../store/store-service.ts';

export interface ResetDeps {
  store: StoreService;
  logins: LoginService;
  idps: IdpRegistry;
  clock: () => Date;
}

export function createResetHandlers(deps: ResetDeps): HandlersFor<typeof resetMethods> {
  const { store } = deps;
  /** Ends the live sessions of these accounts (ended sessions stay as they ended). */
  const endSessions = (accountIds: Set<string>): void => {
    const at = deps.clock().toISOString();
    for (const s of store.data.sessions) if (accountIds.has(s.accountId)) store.sessions.end(s, { at, by: 'hand' });
  };
  const deleteAccounts = (ids: Set<string>): number => {
    let n = 0;
    for (const id of ids) {
      const removed = store.accounts.remove(id);
      if (removed) {
        deps.logins.accounts.remove(removed);
        n++;
      }
    }
    return n;
  };

  return {
    'accounts.delete': async (input) => {
      if (!store.data.accounts.some((a) => a.id === input.id)) throw new LabError('not-found', `There is no account "${input.id}" (it may have been deleted already).`);
      endSessions(new Set([input.id]));
      deleteAccounts(new Set([input.id]));
      const logins = store.logins.remove((l) => l.accountId === input.id);
      await store.commit();
      return { deleted: true, logins };
    },
    'logins.clear': async (input) => {
      const removed = store.logins.remove((l) => input.idpEntityId === undefined || l.idpEntityId === input.idpEntityId);
      await store.commit();
      return { removed };
    },
    'lab.reset': async (input) => {
      const accountIds = new Set(store.data.accounts.map((a) => a.id));
      endSessions(accountIds);
      const accounts = deleteAccounts(accountIds);
      const logins = store.logins.remove(() => true);
      for (const o of [...store.data.outstanding]) store.outstanding.remove(o.id);
      store.demoUsers.reset();
      let idps = 0;
      if (input.removeIdps) {
        // Through the registry: it owns the parse cache and falls back to the demo IdP when the active one goes.
        for (const idp of [...store.data.idps]) if (idp.kind !== 'demo' && deps.idps.remove(idp.id)) idps++;
      }
      await store.commit();
      return { accounts, logins, idps };
    },
  };
}
