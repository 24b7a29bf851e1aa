// The one way a screen loads something from the core: a contract call with loading/ready/error state, cancelled when
// the input changes or the screen goes away (no stale answer lands on a newer screen), and `reload` after a save.
import { useCallback, useEffect, useState } from 'react';
import type { Input, Method, Output } from '../../src-main/contract/index.ts';
import { api, describeError } from '../api/client.ts';

export type CallState<T> = { kind: 'loading' } | { kind: 'ready'; value: T } | { kind: 'error'; message: string };

/**
 * Calls `method` with `input` (null: nothing to load yet) whenever `key` changes. With `keepValue` the last value stays
 * on screen while the next key loads (a preview that updates in place instead of flashing "Loading…").
 */
export function useCall<M extends Method>(method: M, input: Input<M> | null, key: string, options: { keepValue?: boolean } = {}): CallState<Output<M>> & { reload(): void } {
  const [state, setState] = useState<CallState<Output<M>>>({ kind: 'loading' });
  const [generation, setGeneration] = useState(0);
  // The input is taken when `key` changes and kept with it, so the effect below reruns exactly when the key does
  // (callers build a new input object on every render).
  const [shown, setShown] = useState({ key, input });
  if (shown.key !== key) {
    // Reset during render when the input changes (no stale value for one frame).
    setShown({ key, input });
    if (!(options.keepValue && state.kind === 'ready')) setState({ kind: 'loading' });
  }
  useEffect(() => {
    if (shown.input === null) return;
    let cancelled = false;
    api.call(method, shown.input).then(
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
  }, [method, shown, generation]);
  const reload = useCallback(() => setGeneration((g) => g + 1), []);
  return { ...state, reload };
}

export type SaveState = { kind: 'idle' | 'saving' | 'saved' } | { kind: 'error'; message: string };

/**
 * The companion for writes: `save(action)` marks the form saving, then saved, or shows the error as the core worded
 * it. `setState` is for what the form decides itself (its own validation message, back to idle on an edit).
 */
export function useSave(): { state: SaveState; save(action: () => Promise<void>): Promise<void>; setState(state: SaveState): void } {
  const [state, setState] = useState<SaveState>({ kind: 'idle' });
  const save = useCallback(async (action: () => Promise<void>): Promise<void> => {
    setState({ kind: 'saving' });
    try {
      await action();
      setState({ kind: 'saved' });
    } catch (err) {
      setState({ kind: 'error', message: describeError(err) });
    }
  }, []);
  return { state, save, setState };
}
