// The demo IdP's scenario-engine methods of the contract (contract/demo.ts): demo user profiles with their NameID
// settings, saving attributes and NameID settings, reset to the shipped users, and the scenario table.
import type { HandlersFor } from '../../contract/common.ts';
import type { demoMethods } from '../../contract/demo.ts';
import type { DemoIdpService } from './demo-idp.ts';

export function createDemoHandlers(deps: { demo: DemoIdpService; persist: () => Promise<void> }): HandlersFor<typeof demoMethods> {
  return {
    'demoUsers.profiles': () => deps.demo.listUsers(),
    'demoUsers.save': async (input) => {
      const { id, ...changes } = input;
      const user = deps.demo.saveUser(id, changes);
      await deps.persist();
      return user;
    },
    'demoUsers.reset': async () => {
      const users = deps.demo.resetUsers();
      await deps.persist();
      return users;
    },
    'demoScenarios.list': () => [...deps.demo.scenarios()],
  };
}
