// Loads one login's detail. A login never changes once recorded, so details are cached for the session
// (bounded): going back and forth between tabs, logins and comparisons costs no round trip.
import { useEffect, useState } from 'react';
import type { LoginDetail } from '../../src-main/contract/index.ts';
import { api, describeError } from '../api/client.ts';

const MAX_CACHED = 50;
const cache = new Map<string, LoginDetail>();

function remember(detail: LoginDetail): void {
  cache.delete(detail.id);
  cache.set(detail.id, detail);
  while (cache.size > MAX_CACHED) {
    const oldest = cache.keys().next().value;
    if (oldest === undefined) break;
    cache.delete(oldest);
  }
}

export type DetailState = { kind: 'loading' } | { kind: 'ready'; detail: LoginDetail } | { kind: 'error'; message: string } | { kind: 'none' };

/** `id` null → `{ kind: 'none' }`. */
export function useLoginDetail(id: string | null): DetailState {
  const [state, setState] = useState<DetailState>(() => initial(id));
  const [shownId, setShownId] = useState(id);
  if (shownId !== id) {
    // Reset during render when the id changes (no stale detail for one frame).
    setShownId(id);
    setState(initial(id));
  }
  useEffect(() => {
    if (id === null || cache.has(id)) return;
    let cancelled = false;
    api.call('logins.get', { id }).then(
      (detail) => {
        remember(detail);
        if (!cancelled) setState({ kind: 'ready', detail });
      },
      (err: unknown) => {
        if (!cancelled) setState({ kind: 'error', message: describeError(err) });
      },
    );
    return () => {
      cancelled = true;
    };
  }, [id]);
  return state;
}

function initial(id: string | null): DetailState {
  if (id === null) return { kind: 'none' };
  const hit = cache.get(id);
  return hit === undefined ? { kind: 'loading' } : { kind: 'ready', detail: hit };
}
