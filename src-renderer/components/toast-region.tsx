// Where toasts appear (bottom right). Polite live region: a screen reader hears a new login without losing focus.
import type { ReactNode } from 'react';
import { dismissToast, holdToast, scheduleDismiss, useToasts } from '../state/toasts.ts';

export function ToastRegion(): ReactNode {
  const toasts = useToasts();
  return (
    <div className="toasts" role="region" aria-label="Notifications">
      <ul aria-live="polite" aria-relevant="additions" className="toast-list">
        {toasts.map((t) => (
          <li
            key={t.id}
            className={`toast toast-${t.tone}`}
            data-testid={t.testId ?? 'toast'}
            {...t.data}
            onMouseEnter={() => holdToast(t.id)}
            onMouseLeave={() => scheduleDismiss(t.id, 3000)}
            onFocus={() => holdToast(t.id)}
            onBlur={() => scheduleDismiss(t.id, 3000)}
          >
            <div className="toast-text">
              <strong className="toast-title">{t.title}</strong>
              {t.body !== undefined && <span className="toast-body">{t.body}</span>}
            </div>
            {t.href !== undefined && (
              <a
                className="btn btn-small"
                href={t.href}
                onClick={() => dismissToast(t.id)}
                data-testid="toast-open"
              >
                {t.actionLabel ?? 'Open'}
              </a>
            )}
            <button type="button" className="toast-close" aria-label="Dismiss notification" onClick={() => dismissToast(t.id)}>
              ×
            </button>
          </li>
        ))}
      </ul>
    </div>
  );
}
