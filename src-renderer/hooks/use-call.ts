// The one way a screen loads something from the core: a contract call with loading/ready/error state, cancelled when
// the input changes or the screen goes away (no stale answer lands on a newer screen), and `reload` after a save.
import { useCallback, useEffect, useState } from 'react';
import type { Input, Method, Output } from '../../src-main/contract/index.ts';
import { api, describeError } from '../api/client.ts';

export type CallState<T> = { kind: 'loading' } | { kind: 'ready'; value: T } | { kind: 'error'; message: string };

/** Calls `method` with `input` (null: nothing to load yet) whenever `key` changes. */
export function useCall<M extends Method>(method: M, input: Input<M> | null, key: string): CallState<Output<M>> & { reload(): void } {
  const [state, setState] = useState<CallState<Output<M>>>({ kind: 'loading' });
  const [generation, setGeneration] = useState(0);
  const [shownKey, setShownKey] = useState(key);
  if (shownKey !== key) {
    // Reset during render when the input changes (no stale value for one frame).
    setShownKey(key);
    setState({ kind: 'loading' });
  }
  useEffect(() => {
    if (input === null) return;
    let cancelled = false;
    api.call(method, input).then(
      (value) => {
        if (!cancelled) setState({ kind: 'ready', value });
      },
      (err: unknown) => {
        if (!cancelled) setState({ kind: 'error', message: describeError(err) });
      },
    );
    return () => {
      cancelled = true;
    };
    // `key` stands for `input`: callers pass a string that changes exactly when the input does.
  }, [method, key, generation]);
  const reload = useCallback(() => setGeneration((g) => g + 1), []);
  return { ...state, reload };
}
