// Resetting the lab's data (issue 15.6), each asked first: clear logins (all or one IdP's), demo users back to the
// shipped values, start a clean lab. Keys and IdP profiles stay unless the clean start is asked to remove profiles.
import { useState, type ReactNode } from 'react';
import { api } from '../api/client.ts';
import { ConfirmAction } from '../components/confirm-action.tsx';
import { useLab } from '../state/lab-store.tsx';

const plural = (n: number, word: string): string => `${n} ${word}${n === 1 ? '' : 's'}`;

export function LabDataPanel(): ReactNode {
  const { idps, logins, accounts, refreshIdps, refreshLogins, refreshAccounts } = useLab();
  const [idpEntityId, setIdpEntityId] = useState('');
  const [removeIdps, setRemoveIdps] = useState(false);
  const scope = idps.find((i) => i.entityId === idpEntityId);
  return (
    <section className="sp-form lab-data" data-testid="lab-data">
      <h2>Lab data</h2>
      <p className="muted small">The SP and demo IdP keys are never touched here. Accounts can also be deleted one by one on their page.</p>

      <div className="lab-data-row">
        <label className="inline">
          Logins of{' '}
          <select value={idpEntityId} onChange={(e) => setIdpEntityId(e.target.value)} data-testid="lab-data-clear-scope">
            <option value="">every IdP</option>
            {idps.map((i) => (
              <option key={i.id} value={i.entityId}>
                {i.name}
              </option>
            ))}
          </select>
        </label>
        <ConfirmAction
          label="Clear logins…"
          testId="lab-data-clear-logins"
          confirmLabel="Clear them"
          disabled={logins.length === 0}
          question={
            <p>
              Remove {scope ? `every login from ${scope.name}` : `all ${plural(logins.length, 'login')}`} from the list? Accounts, IdP profiles and rules
              stay.
            </p>
          }
          run={async () => {
            const { removed } = await api.call('logins.clear', scope ? { idpEntityId: scope.entityId } : {});
            await refreshLogins();
            return `Removed ${plural(removed, 'login')}.`;
          }}
        />
      </div>

      <ConfirmAction
        label="Reset demo users…"
        testId="lab-data-reset-demo-users"
        confirmLabel="Reset them"
        question={<p>Put the demo IdP’s users back to their shipped attributes and NameID settings? Your edits to them are lost.</p>}
        run={async () => {
          const users = await api.call('demoUsers.reset', {});
          return `The ${plural(users.length, 'demo user')} are as shipped again.`;
        }}
      />

      <ConfirmAction
        label="Start a clean lab…"
        testId="lab-data-clean"
        confirmLabel="Start clean"
        question={
          <p>
            Delete all {plural(accounts.length, 'account')}, all {plural(logins.length, 'login')}, sessions and pending sign-ins, and reset the demo users?
            The SP keys and settings stay{removeIdps ? '' : ', and so do your IdP profiles with their rules'}.
          </p>
        }
        run={async () => {
          const result = await api.call('lab.reset', { removeIdps });
          await Promise.all([refreshLogins(), refreshAccounts(), refreshIdps()]);
          return `Clean: removed ${plural(result.accounts, 'account')} and ${plural(result.logins, 'login')}${removeIdps ? ` and ${plural(result.idps, 'IdP profile')}` : ''}.`;
        }}
      >
        <label className="check">
          <input type="checkbox" checked={removeIdps} onChange={(e) => setRemoveIdps(e.target.checked)} data-testid="lab-data-clean-remove-idps" /> Also remove my
          IdP profiles (the built-in demo IdP stays)
        </label>
      </ConfirmAction>
    </section>
  );
}
