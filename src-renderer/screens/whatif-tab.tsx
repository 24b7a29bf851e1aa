// The login's "What if" tab: what each drift at the IdP (NameID format or case, email, a group removed, group
// overage, attributes renamed, an account pre-created by SCIM) would do to this account under the current rules and
// under each preset. Computed by the core's planner (logins.whatIf); nothing is written.
import { useState, type ReactNode } from 'react';
import type { LoginDetail } from '../../src-main/contract/index.ts';
import type { WhatIfResult } from '../../src-main/contract/jit.ts';
import { EmptyState, ErrorMessage, Loading } from '../components/common.tsx';
import { useCall } from '../hooks/use-call.ts';
import { DiffView } from '../rules/diff-view.tsx';

const TONE: Record<WhatIfResult['outcome']['severity'], string> = { danger: 'bad', notice: 'warn', ok: 'ok' };
const OUTCOME_TEXT: Record<string, string> = {
  'locked-out': 'Locked out',
  'duplicate-account': 'Duplicate account',
  'roles-removed': 'Roles removed',
  'fields-cleared': 'Fields cleared',
  linked: 'Linked',
  created: 'Created',
  updated: 'Updated',
  unchanged: 'No change',
};

/** The current rules and the SP behaviour presets are shown by default; the IdP attribute-name presets on demand. */
const isSpOrCurrent = (r: WhatIfResult): boolean => r.rulesId === 'current' || r.rulesId.startsWith('sp-');

export function WhatIfTab({ detail }: { detail: LoginDetail }): ReactNode {
  const accepted = detail.verdict === 'accepted';
  const state = useCall('logins.whatIf', accepted ? { id: detail.id } : null, detail.id);
  const [allPresets, setAllPresets] = useState(false);
  const [open, setOpen] = useState<string | null>(null);

  if (!accepted) {
    return (
      <EmptyState title="What-if starts from an accepted login" testId="whatif-rejected">
        This login was rejected, so there is no account a drift could change. Fix the failing checks on the Summary tab, sign in again, and try the drifts on that login.
      </EmptyState>
    );
  }
  if (state.kind === 'loading') return <Loading what="what-if scenarios" />;
  if (state.kind === 'error') return <ErrorMessage message={`Could not compute the what-if scenarios. ${state.message}`} testId="whatif-error" />;

  return (
    <div data-testid="whatif">
      <p className="small muted">
        Each row is what the next login would do to this account if the IdP changed as described — under this IdP profile’s current rules and under the presets. Nothing is written.
      </p>
      <label className="small">
        <input type="checkbox" checked={allPresets} onChange={(e) => setAllPresets(e.target.checked)} data-testid="whatif-all-presets" /> Also show the IdP attribute-name presets
      </label>
      {state.value.scenarios.map((s) => (
        <section key={s.drift} className="whatif-scenario" data-testid="whatif-scenario" data-drift={s.drift} data-applicable={s.applicable}>
          <h2>{s.title}</h2>
          <p className="mono small" data-testid="whatif-change">
            {s.change}
          </p>
          {!s.applicable ? (
            <p className="muted small">Not applicable to this login.</p>
          ) : (
            <table className="table compact">
              <thead>
                <tr>
                  <th scope="col">Rules</th>
                  <th scope="col">Outcome</th>
                  <th scope="col">What happens</th>
                  <th aria-hidden="true" />
                </tr>
              </thead>
              <tbody>
                {s.results
                  .filter((r) => allPresets || isSpOrCurrent(r))
                  .map((r) => {
                    const key = `${s.drift}/${r.rulesId}`;
                    return (
                      <ResultRow key={key} result={r} open={open === key} onToggle={() => setOpen(open === key ? null : key)} />
                    );
                  })}
              </tbody>
            </table>
          )}
        </section>
      ))}
    </div>
  );
}

function ResultRow({ result: r, open, onToggle }: { result: WhatIfResult; open: boolean; onToggle: () => void }): ReactNode {
  const first = r.outcome.kinds[0] ?? 'unchanged';
  return (
    <>
      <tr data-testid="whatif-result" data-rules={r.rulesId} data-outcome={r.outcome.kinds.join(' ')} data-severity={r.outcome.severity}>
        <td>{r.rulesId === 'current' ? <strong>Current rules</strong> : r.rulesName}</td>
        <td>
          <span className={`badge badge-${TONE[r.outcome.severity]}`}>{OUTCOME_TEXT[first] ?? first}</span>
        </td>
        <td className="small wrap" data-testid="whatif-label">
          {r.outcome.label}
        </td>
        <td>
          <button type="button" className="link" aria-expanded={open} onClick={onToggle} data-testid="whatif-details">
            {open ? 'Hide' : 'Details'}
          </button>
        </td>
      </tr>
      {open && (
        <tr>
          <td colSpan={4}>
            {r.failedChecks.length > 0 && (
              <ul className="small" data-testid="whatif-failed-checks">
                {r.failedChecks.map((c) => (
                  <li key={c.id}>
                    <span className="mono">{c.id}</span>: {c.received ?? '—'}
                  </li>
                ))}
              </ul>
            )}
            {r.warnings.length > 0 && (
              <ul className="small muted">
                {r.warnings.map((c) => (
                  <li key={c.id}>
                    <span className="mono">{c.id}</span> (warning): {c.received ?? '—'}
                  </li>
                ))}
              </ul>
            )}
            {r.verdict === 'accepted' && <DiffView diff={r.diff} testId="whatif-diff" />}
          </td>
        </tr>
      )}
    </>
  );
}
