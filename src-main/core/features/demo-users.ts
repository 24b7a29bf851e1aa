// The built-in demo IdP's users as the API edits them (its pages and scenarios live in demo-idp/).
import type { HandlersFor } from '../../contract/index.ts';
import type { demoUserMethods } from '../../contract/demo-users.ts';
import type { DemoIdpService } from '../demo-idp/demo-idp.ts';
import type { StoreService } from '../store/store-service.ts';

export function createDemoUserHandlers(deps: { store: StoreService; demo: DemoIdpService }): HandlersFor<typeof demoUserMethods> {
  return {
    'demoUsers.list': () => deps.demo.listUsers(),
    'demoUsers.update': async (input) => {
      const user = deps.demo.updateUser(input.id, input.attributes);
      await deps.store.commit();
      return user;
    },
  };
}
