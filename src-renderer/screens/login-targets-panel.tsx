// "Would your SP accept this?": the verdicts of real SP libraries on this login's response next to the lab's, and a
// sentence wherever one of them would decide otherwise. Presentational: the login detail screen fetches the
// result (`logins.targets`, which takes seconds: the libraries run for real) and passes it in.
import type { ReactNode } from 'react';
import type { TargetsResult, TargetVerdict } from '../../src-main/contract/targets.ts';
import { ErrorMessage } from '../components/common.tsx';

export interface LoginTargetsPanelProps {
  /** Null until asked for (or while the first run is under way). */
  result: TargetsResult | null;
  loading?: boolean;
  error?: string | null;
  /** Starts (or repeats) the run; the button is hidden when absent. */
  onRun?: () => void;
}

const VERDICT_LABEL: Record<TargetVerdict['verdict'], string> = { accepted: 'Would accept', rejected: 'Would reject', unavailable: 'Not available' };
/** Accepting what the lab refuses is the danger (red); refusing what the lab accepts, a compatibility warning. */
function tone(t: TargetVerdict, lab: TargetsResult['lab']): string {
  if (t.verdict === 'unavailable') return 'muted';
  if (t.verdict === 'accepted') return lab.verdict === 'accepted' ? 'ok' : 'bad';
  return lab.verdict === 'accepted' ? 'warn' : 'bad';
}

/** Sentences about a library that accepts what the lab refuses for a security reason come first. */
function isExposure(sentence: string): boolean {
  return sentence.includes('your SP would be exposed');
}

export function LoginTargetsPanel({ result, loading = false, error = null, onRun }: LoginTargetsPanelProps): ReactNode {
  const disagreements = result ? [...result.disagreements].sort((a, b) => Number(isExposure(b)) - Number(isExposure(a))) : [];
  return (
    <section className="targets-panel" aria-labelledby="targets-title" data-testid="targets-panel" aria-busy={loading}>
      <h2 id="targets-title">Would your SP accept this?</h2>
      <p className="muted small">
        The same response, IdP certificates, SP entity ID, ACS URL and clock, given to real SP libraries with their documented defaults.
      </p>
      {onRun !== undefined && (
        <button type="button" className="btn" onClick={onRun} disabled={loading} data-testid="targets-run">
          {loading ? 'Asking the libraries…' : result ? 'Ask again' : 'Ask the libraries'}
        </button>
      )}
      {loading && result === null && (
        <p className="muted" role="status">
          Running node-saml, samlify, ruby-saml, python3-saml and SimpleSAMLphp…
        </p>
      )}
      {error !== null && <ErrorMessage message={error} testId="targets-error" />}
      {result !== null && (
        <>
          <table className="table compact" data-testid="targets-table">
            <thead>
              <tr>
                <th scope="col">Library</th>
                <th scope="col">Verdict</th>
                <th scope="col">User, or why not</th>
              </tr>
            </thead>
            <tbody>
              <tr data-testid="targets-row-lab" data-verdict={result.lab.verdict}>
                <td>SAML JIT Lab</td>
                <td>
                  <span className={`badge badge-${result.lab.verdict === 'accepted' ? 'ok' : 'bad'}`}>{result.lab.verdict === 'accepted' ? 'Accepts' : 'Rejects'}</span>
                </td>
                <td className="mono small">{result.lab.verdict === 'accepted' ? (result.lab.nameId ?? '—') : result.lab.failedChecks.join(', ')}</td>
              </tr>
              {result.targets.map((t) => (
                <tr key={t.name} data-testid={`targets-row-${t.name}`} data-verdict={t.verdict} className={t.verdict === 'unavailable' ? 'muted' : undefined}>
                  <td>
                    {t.name} {t.version !== null && <span className="muted small">{t.version}</span>}
                  </td>
                  <td>
                    <span className={`badge badge-${tone(t, result.lab)}`}>{VERDICT_LABEL[t.verdict]}</span>
                  </td>
                  <td className="mono small">{t.verdict === 'accepted' ? (t.nameId ?? '—') : (t.error ?? '—')}</td>
                </tr>
              ))}
            </tbody>
          </table>
          {disagreements.length > 0 ? (
            <ul className="targets-disagreements" data-testid="targets-disagreements">
              {disagreements.map((sentence) => (
                <li key={sentence} className={isExposure(sentence) ? 'error' : undefined} role={isExposure(sentence) ? 'alert' : undefined}>
                  {sentence}
                </li>
              ))}
            </ul>
          ) : (
            result.targets.some((t) => t.verdict !== 'unavailable') && (
              <p className="muted" data-testid="targets-agree">
                Every library that ran decides as the lab does.
              </p>
            )
          )}
        </>
      )}
    </section>
  );
}
