// The built-in demo IdP's users: edit what the IdP will assert on the next login (also editable on its login page).
import { useEffect, useState, type FormEvent, type ReactNode } from 'react';
import type { DemoUser } from '../../src-main/contract/index.ts';
import { api, describeError } from '../api/client.ts';
import { ErrorMessage, Loading } from '../components/common.tsx';

function toText(values: string[]): string {
  return values.join(', ');
}

function fromText(text: string): string[] {
  return text
    .split(',')
    .map((v) => v.trim())
    .filter((v) => v.length > 0);
}

export function DemoUsersPanel(): ReactNode {
  const [users, setUsers] = useState<DemoUser[] | null>(null);
  const [error, setError] = useState<string | null>(null);

  useEffect(() => {
    api.call('demoUsers.list', {}).then(setUsers, (err: unknown) => setError(describeError(err)));
  }, []);

  return (
    <section className="panel" data-testid="demo-users">
      <h2>Demo IdP users</h2>
      <p className="muted small">
        What the built-in demo IdP asserts for each user. Change a value, save, and sign in again to see the JIT update
        in the account diff. Separate multiple values with commas.
      </p>
      {error !== null && <ErrorMessage message={`Could not load demo users. ${error}`} />}
      {users === null && error === null && <Loading what="demo users" />}
      {users !== null && (
        <div className="demo-users">
          {users.map((user) => (
            <DemoUserForm key={user.id} user={user} onSaved={(saved) => setUsers((list) => list?.map((u) => (u.id === saved.id ? saved : u)) ?? null)} />
          ))}
        </div>
      )}
    </section>
  );
}

function DemoUserForm({ user, onSaved }: { user: DemoUser; onSaved: (user: DemoUser) => void }): ReactNode {
  const [draft, setDraft] = useState<Record<string, string>>(() =>
    Object.fromEntries(Object.entries(user.attributes).map(([k, v]) => [k, toText(v)])),
  );
  const [state, setState] = useState<{ kind: 'idle' | 'saving' | 'saved' } | { kind: 'error'; message: string }>({ kind: 'idle' });

  const save = async (e: FormEvent): Promise<void> => {
    e.preventDefault();
    setState({ kind: 'saving' });
    try {
      const attributes = Object.fromEntries(Object.entries(draft).map(([k, v]) => [k, fromText(v)]));
      onSaved(await api.call('demoUsers.update', { id: user.id, attributes }));
      setState({ kind: 'saved' });
    } catch (err) {
      setState({ kind: 'error', message: describeError(err) });
    }
  };

  return (
    <form className="demo-user" onSubmit={(e) => void save(e)} data-testid={`app-demo-user-${user.id}`}>
      <div className="demo-user-head">
        <strong>{user.label}</strong>
        <span className="mono muted small">{user.nameId}</span>
      </div>
      {Object.keys(draft).map((name) => (
        <label key={name} className="field field-inline">
          <span className="mono">{name}</span>
          <input value={draft[name] ?? ''} onChange={(e) => setDraft((d) => ({ ...d, [name]: e.target.value }))} />
        </label>
      ))}
      <div className="form-actions">
        <span className="small" role="status">
          {state.kind === 'saved' && <span className="success">Saved — sign in again to apply.</span>}
          {state.kind === 'error' && <span className="error-inline">{state.message}</span>}
        </span>
        <button type="submit" className="btn" disabled={state.kind === 'saving'}>
          {state.kind === 'saving' ? 'Saving…' : 'Save'}
        </button>
      </div>
    </form>
  );
}
