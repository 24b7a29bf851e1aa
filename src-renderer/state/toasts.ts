// Transient notifications (a login arrived, an action finished). A tiny external store, so anything — the lab
// store's event handler included — can push one without a React context.
import { useSyncExternalStore } from 'react';

export interface Toast {
  id: number;
  tone: 'ok' | 'bad' | 'info';
  title: string;
  body?: string;
  href?: string;
  actionLabel?: string;
  testId?: string;
  /** Extra data-* attributes for tests and styling. */
  data?: Record<`data-${string}`, string>;
}

const MAX_TOASTS = 4;
const TOAST_MS = 8000;

let toasts: readonly Toast[] = [];
let nextId = 1;
const listeners = new Set<() => void>();
const timers = new Map<number, number>();

function emit(): void {
  for (const listener of listeners) listener();
}

export function dismissToast(id: number): void {
  const timer = timers.get(id);
  if (timer !== undefined) window.clearTimeout(timer);
  timers.delete(id);
  toasts = toasts.filter((t) => t.id !== id);
  emit();
}

/** Shows a toast for a few seconds (paused while hovered or focused: see ToastRegion). */
export function pushToast(toast: Omit<Toast, 'id'>): number {
  const id = nextId++;
  const dropped = toasts.slice(MAX_TOASTS - 1);
  for (const t of dropped) dismissToast(t.id);
  toasts = [{ ...toast, id }, ...toasts.slice(0, MAX_TOASTS - 1)];
  scheduleDismiss(id);
  emit();
  return id;
}

export function scheduleDismiss(id: number, ms = TOAST_MS): void {
  const old = timers.get(id);
  if (old !== undefined) window.clearTimeout(old);
  timers.set(
    id,
    window.setTimeout(() => dismissToast(id), ms),
  );
}

export function holdToast(id: number): void {
  const timer = timers.get(id);
  if (timer !== undefined) window.clearTimeout(timer);
  timers.delete(id);
}

function subscribe(listener: () => void): () => void {
  listeners.add(listener);
  return () => listeners.delete(listener);
}

export function useToasts(): readonly Toast[] {
  return useSyncExternalStore(subscribe, () => toasts);
}
