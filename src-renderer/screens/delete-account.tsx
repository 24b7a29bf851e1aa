// "Delete account…" on an account's page (issue 15.6): the account and its timeline go, asked first; then back to
// the accounts list. The next login of that user creates the account again.
import type { ReactNode } from 'react';
import type { Account } from '../../src-main/contract/index.ts';
import { api } from '../api/client.ts';
import { ConfirmAction } from '../components/confirm-action.tsx';
import { navigate } from '../hooks/use-route.ts';
import { useLab } from '../state/lab-store.tsx';

export function DeleteAccount({ account }: { account: Account }): ReactNode {
  const { refreshAccounts, refreshLogins } = useLab();
  return (
    <ConfirmAction
      label="Delete account…"
      testId="account-delete"
      confirmLabel="Delete it"
      question={
        <p>
          Delete <span className="mono">{account.principal}</span> and its timeline ({account.loginCount} login{account.loginCount === 1 ? '' : 's'})? Its live
          sessions end. The next login of this user creates the account again, as a first login would.
        </p>
      }
      run={async () => {
        const { logins } = await api.call('accounts.delete', { id: account.id });
        await Promise.all([refreshAccounts(), refreshLogins()]);
        navigate('#/accounts');
        return `Deleted, with ${logins} login${logins === 1 ? '' : 's'}.`;
      }}
    />
  );
}
