// What the logins view remembers while the person looks at a login and comes back: the filter, the row the
// keyboard is on, and the (up to two) logins marked for comparison.
import { useSyncExternalStore } from 'react';
import { EMPTY_FILTER, type LoginFilter } from '../logins/filter-logins.ts';

export interface LoginsViewState {
  filter: LoginFilter;
  activeId: string | null;
  /** Marked for comparison, oldest mark first; at most two. */
  marked: string[];
}

let state: LoginsViewState = { filter: EMPTY_FILTER, activeId: null, marked: [] };
const listeners = new Set<() => void>();

function set(next: Partial<LoginsViewState>): void {
  state = { ...state, ...next };
  for (const listener of listeners) listener();
}

export const loginsView = {
  setFilter(patch: Partial<LoginFilter>): void {
    set({ filter: { ...state.filter, ...patch } });
  },
  clearFilter(): void {
    set({ filter: EMPTY_FILTER });
  },
  setActive(id: string | null): void {
    if (id !== state.activeId) set({ activeId: id });
  },
  /** Marks or unmarks a login for comparison; a third mark replaces the oldest. */
  toggleMark(id: string): void {
    const marked = state.marked.includes(id) ? state.marked.filter((m) => m !== id) : [...state.marked, id].slice(-2);
    set({ marked });
  },
  clearMarks(): void {
    set({ marked: [] });
  },
};

function subscribe(listener: () => void): () => void {
  listeners.add(listener);
  return () => listeners.delete(listener);
}

export function useLoginsView(): LoginsViewState {
  return useSyncExternalStore(subscribe, () => state);
}
