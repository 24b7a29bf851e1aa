// The built-in demo IdP as a scenario engine: edit what it asserts for each user (attributes added, changed and
// removed; NameID format and case), reset to the shipped users, and the scenarios that break a login in one precise
// way, each with the checks it trips — opened on the demo IdP's own page, where the sign-in happens.
import { useState, type FormEvent, type ReactNode } from 'react';
import { DemoNameIdCase, DemoNameIdFormat, type DemoScenario, type DemoUserProfile } from '../../src-main/contract/demo.ts';
import { api, describeError } from '../api/client.ts';
import { CheckStatusBadge, VerdictBadge } from '../components/badges.tsx';
import { ErrorMessage, Loading } from '../components/common.tsx';
import { useCall, useSave } from '../hooks/use-call.ts';
import { useLab } from '../state/lab-store.tsx';

const FORMAT_LABEL: Record<DemoNameIdFormat, string> = {
  emailAddress: 'emailAddress (the email)',
  persistent: 'persistent (opaque, stable)',
  transient: 'transient (new each login)',
  unspecified: 'unspecified (the email)',
};
const CASE_LABEL: Record<DemoNameIdCase, string> = { 'as-is': 'as is', lower: 'lower case', upper: 'UPPER CASE' };

function fromText(text: string): string[] {
  return text
    .split(',')
    .map((v) => v.trim())
    .filter((v) => v.length > 0);
}

export function DemoUsersPanel(): ReactNode {
  const profiles = useCall('demoUsers.profiles', {}, 'demoUsers.profiles');
  const scenarios = useCall('demoScenarios.list', {}, 'demoScenarios.list');
  const loadError = profiles.kind === 'error' ? profiles.message : scenarios.kind === 'error' ? scenarios.message : null;
  return (
    <section className="panel" data-testid="demo-users">
      <h2>Demo IdP users</h2>
      <p className="muted small">
        What the built-in demo IdP asserts for each user. Change, add or remove attributes and the NameID, save, and sign
        in again to see the JIT update in the account diff. Separate multiple values with commas.
      </p>
      {loadError !== null ? (
        <ErrorMessage message={`Could not load or save demo users. ${loadError}`} />
      ) : profiles.kind === 'ready' && scenarios.kind === 'ready' ? (
        <DemoUsers loaded={profiles.value} scenarios={scenarios.value} />
      ) : (
        <Loading what="demo users" />
      )}
    </section>
  );
}

/** The loaded users, edited here: each form's save and the reset replace them. */
function DemoUsers({ loaded, scenarios }: { loaded: DemoUserProfile[]; scenarios: DemoScenario[] }): ReactNode {
  const [users, setUsers] = useState(loaded);
  const [error, setError] = useState<string | null>(null);
  const [resetState, setResetState] = useState<'idle' | 'confirm' | 'resetting'>('idle');
  /** Remounts the forms after a reset, so their drafts start from the shipped users. */
  const [generation, setGeneration] = useState(0);

  const reset = async (): Promise<void> => {
    setResetState('resetting');
    try {
      setUsers(await api.call('demoUsers.reset', {}));
      setGeneration((g) => g + 1);
      setError(null);
    } catch (err) {
      setError(describeError(err));
    }
    setResetState('idle');
  };

  return (
    <>
      {error !== null && <ErrorMessage message={`Could not load or save demo users. ${error}`} />}
      <div className="demo-users" key={generation}>
        {users.map((user) => (
          <DemoUserForm key={user.id} user={user} onSaved={(saved) => setUsers((list) => list.map((u) => (u.id === saved.id ? saved : u)))} />
        ))}
      </div>
      <div className="form-actions">
        {resetState === 'confirm' ? (
          <>
            <span className="small">Forget every edit (attributes and NameID settings) of every demo user?</span>
            <button type="button" className="btn btn-danger" onClick={() => void reset()} data-testid="demo-reset-confirm">
              Reset
            </button>
            <button type="button" className="btn" onClick={() => setResetState('idle')}>
              Cancel
            </button>
          </>
        ) : (
          <button type="button" className="btn" disabled={resetState === 'resetting'} onClick={() => setResetState('confirm')} data-testid="demo-reset">
            {resetState === 'resetting' ? 'Resetting…' : 'Reset to the shipped users'}
          </button>
        )}
      </div>
      <ScenarioTable scenarios={scenarios} users={users} />
    </>
  );
}

function DemoUserForm({ user, onSaved }: { user: DemoUserProfile; onSaved: (user: DemoUserProfile) => void }): ReactNode {
  const [rows, setRows] = useState<{ name: string; values: string }[]>(() => Object.entries(user.attributes).map(([name, values]) => ({ name, values: values.join(', ') })));
  const [format, setFormat] = useState<DemoNameIdFormat>(user.nameIdFormat);
  const [nameIdCase, setNameIdCase] = useState<DemoNameIdCase>(user.nameIdCase);
  const { state, save: saving } = useSave();

  const setRow = (i: number, patch: Partial<{ name: string; values: string }>): void => setRows((r) => r.map((row, j) => (j === i ? { ...row, ...patch } : row)));

  const save = (e: FormEvent): Promise<void> => {
    e.preventDefault();
    return saving(async () => {
      const attributes: Record<string, string[]> = {};
      for (const row of rows) {
        const name = row.name.trim();
        if (name) attributes[name] = [...(attributes[name] ?? []), ...fromText(row.values)];
      }
      const saved = await api.call('demoUsers.save', { id: user.id, attributes, nameIdFormat: format, nameIdCase });
      onSaved(saved);
      setRows(Object.entries(saved.attributes).map(([name, values]) => ({ name, values: values.join(', ') })));
    });
  };

  return (
    <form className="demo-user" onSubmit={(e) => void save(e)} data-testid={`app-demo-user-${user.id}`}>
      <div className="demo-user-head">
        <strong>{user.label}</strong>
        <span className="mono muted small" data-testid={`app-demo-nameid-${user.id}`} title="The NameID the next login sends">
          {user.effectiveNameId}
        </span>
      </div>
      <label className="field field-inline">
        <span>NameID format</span>
        <select value={format} onChange={(e) => setFormat(DemoNameIdFormat.parse(e.target.value))} data-testid={`app-demo-format-${user.id}`}>
          {DemoNameIdFormat.options.map((f) => (
            <option key={f} value={f}>
              {FORMAT_LABEL[f]}
            </option>
          ))}
        </select>
      </label>
      <label className="field field-inline">
        <span>NameID case</span>
        <select value={nameIdCase} onChange={(e) => setNameIdCase(DemoNameIdCase.parse(e.target.value))} data-testid={`app-demo-case-${user.id}`}>
          {DemoNameIdCase.options.map((c) => (
            <option key={c} value={c}>
              {CASE_LABEL[c]}
            </option>
          ))}
        </select>
      </label>
      {rows.map((row, i) => (
        <div key={i} className="field field-inline">
          <input aria-label={`Attribute ${i + 1} name`} className="mono" value={row.name} onChange={(e) => setRow(i, { name: e.target.value })} data-testid={`app-demo-attr-name-${user.id}-${i}`} />
          <span style={{ display: 'flex', gap: 6 }}>
            <input aria-label={`${row.name || `Attribute ${i + 1}`} values`} value={row.values} onChange={(e) => setRow(i, { values: e.target.value })} data-testid={`app-demo-attr-values-${user.id}-${i}`} />
            <button type="button" className="btn btn-small" aria-label={`Remove ${row.name || 'attribute'}`} onClick={() => setRows((r) => r.filter((_, j) => j !== i))} data-testid={`app-demo-attr-remove-${user.id}-${i}`}>
              Remove
            </button>
          </span>
        </div>
      ))}
      <div className="form-actions">
        <button type="button" className="btn btn-small" onClick={() => setRows((r) => [...r, { name: '', values: '' }])} data-testid={`app-demo-attr-add-${user.id}`}>
          Add attribute
        </button>
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

function ScenarioTable({ scenarios, users }: { scenarios: DemoScenario[]; users: DemoUserProfile[] }): ReactNode {
  const { info } = useLab();
  const [userId, setUserId] = useState(users[0]?.id ?? '');
  const electron = info?.mode === 'electron';
  const pageUrl = (scenario: DemoScenario): string => `${info?.listenerUrl ?? ''}/demo-idp/?${new URLSearchParams({ user: userId, scenario: scenario.id }).toString()}`;
  return (
    <div data-testid="demo-scenarios">
      <h3>Scenarios</h3>
      <p className="muted small">
        Each scenario breaks a login in one precise way, signed for real, and names the checks it trips with the SP&apos;s
        default settings. <strong>Try it</strong> opens the demo IdP page with the scenario picked; sign in there. Scripts:{' '}
        <code>GET /demo-idp/initiate?user=alice&amp;scenario=expired</code>.
      </p>
      <label className="field field-inline">
        <span>Try as</span>
        <select value={userId} onChange={(e) => setUserId(e.target.value)} data-testid="demo-scenario-user">
          {users.map((u) => (
            <option key={u.id} value={u.id}>
              {u.label}
            </option>
          ))}
        </select>
      </label>
      <table className="table compact">
        <thead>
          <tr>
            <th scope="col">Scenario</th>
            <th scope="col">Trips</th>
            <th scope="col">Check says</th>
            <th scope="col">Login</th>
            <th scope="col">
              <span className="visually-hidden">Try</span>
            </th>
          </tr>
        </thead>
        <tbody>
          {scenarios.map((s) => (
            <tr key={s.id} data-testid={`demo-scenario-${s.id}`}>
              <td>
                <strong>{s.title}</strong> <code className="small">{s.id}</code>
                {s.param !== null && (
                  <span className="muted small">
                    {' '}
                    ({s.param.label.toLowerCase()}: <code>{s.param.name}</code>, default {s.param.default})
                  </span>
                )}
                <div className="muted small">{s.description}</div>
              </td>
              <td className="mono small">{s.checks.join(', ')}</td>
              <td>
                <CheckStatusBadge status={s.status} />
              </td>
              <td>
                <VerdictBadge verdict={s.verdict} />
              </td>
              <td>
                <a className="btn btn-small" href={pageUrl(s)} target={electron ? '_blank' : undefined} rel={electron ? 'noreferrer' : undefined} data-testid={`demo-scenario-try-${s.id}`}>
                  Try it
                </a>
              </td>
            </tr>
          ))}
        </tbody>
      </table>
    </div>
  );
}
