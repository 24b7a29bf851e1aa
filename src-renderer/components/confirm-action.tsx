// A destructive action asked twice: the button opens an inline question saying exactly what goes and what stays;
// only "Yes" runs it. Its result (or error) is said where the button is.
import { useState, type ReactNode } from 'react';
import { describeError } from '../api/client.ts';
import { ErrorMessage } from './common.tsx';
import './confirm-action.css';

export function ConfirmAction({
  label,
  question,
  confirmLabel,
  run,
  testId,
  disabled = false,
  children,
}: {
  label: string;
  /** What will be removed and what stays. */
  question: ReactNode;
  confirmLabel: string;
  /** Runs the action; answers the sentence to show afterwards. */
  run: () => Promise<string>;
  testId: string;
  disabled?: boolean;
  /** Options shown with the question (e.g. a checkbox). */
  children?: ReactNode;
}): ReactNode {
  const [state, setState] = useState<{ kind: 'idle' | 'asking' | 'running' } | { kind: 'done'; message: string } | { kind: 'error'; message: string }>({ kind: 'idle' });
  const go = async (): Promise<void> => {
    setState({ kind: 'running' });
    try {
      setState({ kind: 'done', message: await run() });
    } catch (err) {
      setState({ kind: 'error', message: describeError(err) });
    }
  };
  const asking = state.kind === 'asking' || state.kind === 'running';
  return (
    <div className="confirm-action" data-testid={testId}>
      {!asking && (
        <button type="button" className="btn btn-danger-outline" disabled={disabled} onClick={() => setState({ kind: 'asking' })} data-testid={`${testId}-start`}>
          {label}
        </button>
      )}
      {asking && (
        <div className="confirm-action-ask" role="alertdialog" aria-label={label}>
          <div>{question}</div>
          {children}
          <div className="form-actions">
            <button type="button" className="btn" disabled={state.kind === 'running'} onClick={() => setState({ kind: 'idle' })} data-testid={`${testId}-cancel`}>
              Cancel
            </button>
            <button type="button" className="btn btn-danger" disabled={state.kind === 'running'} onClick={() => void go()} data-testid={`${testId}-yes`}>
              {state.kind === 'running' ? 'Working…' : confirmLabel}
            </button>
          </div>
        </div>
      )}
      {state.kind === 'done' && (
        <p role="status" className="small" data-testid={`${testId}-result`}>
          {state.message}
        </p>
      )}
      {state.kind === 'error' && <ErrorMessage message={state.message} testId={`${testId}-error`} />}
    </div>
  );
}
