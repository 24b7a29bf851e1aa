import { useState, type ReactNode } from 'react';

export function EmptyState({ title, children, testId }: { title: string; children?: ReactNode; testId?: string }): ReactNode {
  return (
    <div className="empty" data-testid={testId}>
      <p className="empty-title">{title}</p>
      {children !== undefined && <div className="empty-body">{children}</div>}
    </div>
  );
}

export function ErrorMessage({ message, testId = 'error' }: { message: string; testId?: string }): ReactNode {
  return (
    <div className="error" role="alert" data-testid={testId}>
      {message}
    </div>
  );
}

export function Loading({ what }: { what: string }): ReactNode {
  return (
    <p className="muted" role="status">
      Loading {what}…
    </p>
  );
}

export function CopyButton({ value, label, testId }: { value: string; label: string; testId?: string }): ReactNode {
  const [state, setState] = useState<'idle' | 'copied' | 'failed'>('idle');
  const copy = async (): Promise<void> => {
    try {
      await navigator.clipboard.writeText(value);
      setState('copied');
    } catch {
      setState('failed');
    }
    window.setTimeout(() => setState('idle'), 1500);
  };
  return (
    <button type="button" className="btn btn-small" onClick={() => void copy()} data-testid={testId} aria-label={`Copy ${label}`}>
      {state === 'copied' ? 'Copied' : state === 'failed' ? 'Copy failed — select and copy' : 'Copy'}
    </button>
  );
}
