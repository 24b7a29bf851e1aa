// Hash routing. The hash is split into path segments (`#/logins/<id>/xml` → ['logins', '<id>', 'xml']) and an
// optional query (`?a=1`); app.tsx maps the first segment to a screen through one table, so a new screen is one
// entry there. `hrefFor` builds the links this renderer uses, typed.
import { useEffect, useState } from 'react';

export const LOGIN_TABS = ['summary', 'checks', 'xml', 'attributes', 'diff', 'whatif', 'raw', 'targets', 'request'] as const;
export type LoginTab = (typeof LOGIN_TABS)[number];

export function isLoginTab(value: string | undefined): value is LoginTab {
  return (LOGIN_TABS as readonly string[]).includes(value ?? '');
}

export function parseLoginTab(value: string | undefined): LoginTab {
  return isLoginTab(value) ? value : 'summary';
}

export type Route =
  | { name: 'home' }
  | { name: 'start' }
  | { name: 'logins' }
  | { name: 'login'; id: string; tab: LoginTab }
  | { name: 'compare'; a: string; b: string }
  | { name: 'accounts' }
  | { name: 'idps' }
  | { name: 'sp' }
  | { name: 'rules' };

export interface HashLocation {
  /** Decoded path segments; empty for `#/` or no hash. */
  segments: string[];
  query: URLSearchParams;
}

export function parseHash(hash: string): HashLocation {
  const raw = hash.replace(/^#\/?/, '');
  const q = raw.indexOf('?');
  const path = q === -1 ? raw : raw.slice(0, q);
  const segments = path
    .split('/')
    .filter((p) => p.length > 0)
    .map((p) => {
      try {
        return decodeURIComponent(p);
      } catch {
        return p;
      }
    });
  return { segments, query: new URLSearchParams(q === -1 ? '' : raw.slice(q + 1)) };
}

export function hrefFor(route: Route): string {
  switch (route.name) {
    case 'home':
      return '#/';
    case 'login':
      return `#/logins/${encodeURIComponent(route.id)}${route.tab === 'summary' ? '' : `/${route.tab}`}`;
    case 'compare':
      return `#/compare/${encodeURIComponent(route.a)}/${encodeURIComponent(route.b)}`;
    default:
      return `#/${route.name}`;
  }
}

export function navigate(route: Route | string): void {
  window.location.hash = typeof route === 'string' ? route : hrefFor(route);
}

export function useHashLocation(): HashLocation {
  const [location, setLocation] = useState<HashLocation>(() => parseHash(window.location.hash));
  useEffect(() => {
    const onChange = (): void => setLocation(parseHash(window.location.hash));
    window.addEventListener('hashchange', onChange);
    return () => window.removeEventListener('hashchange', onChange);
  }, []);
  return location;
}

// Leaving a screen with unsaved edits. While a screen holds a guard, a click on an in-app link (`#/…`) and any other
// hash change (back button, a typed URL, `navigate`) is held back and handed to the guard, which asks the person and
// calls `leaveTo` to go anyway. Both listeners are installed once, here, before any `useHashLocation` listener, so a
// held-back change never reaches the router. One guard at a time: the screen shown.
let guard: ((to: string) => void) | null = null;

if (typeof window !== 'undefined') {
  window.addEventListener('hashchange', (e) => {
    if (guard === null) return;
    e.stopImmediatePropagation();
    // Put the address back (no history entry, no second hashchange); the screen stays as it was.
    window.history.replaceState(window.history.state, '', e.oldURL);
    guard(new URL(e.newURL).hash || '#/');
  });
  window.addEventListener('click', (e) => {
    if (guard === null || e.defaultPrevented || e.button !== 0 || e.metaKey || e.ctrlKey || e.shiftKey || e.altKey) return;
    const link = e.target instanceof Element ? e.target.closest('a[href^="#/"]') : null;
    const to = link?.getAttribute('href');
    if (link === null || link === undefined || !to || link.getAttribute('target') === '_blank' || to === window.location.hash) return;
    e.preventDefault();
    guard(to);
  });
}

/**
 * While `onBlocked` is not null, navigation to another hash is held back and handed to it (`to` is the hash asked
 * for), and closing or reloading the page asks too: the browser's own question, or in the desktop app the shell's
 * (main-window.ts askBeforeUnload).
 */
export function useLeaveGuard(onBlocked: ((to: string) => void) | null): void {
  useEffect(() => {
    if (onBlocked === null) return;
    guard = onBlocked;
    const ask = (e: BeforeUnloadEvent): void => {
      e.preventDefault();
      // Older Chromium (and Electron) ask only when returnValue is set.
      e.returnValue = '';
    };
    window.addEventListener('beforeunload', ask);
    return () => {
      if (guard === onBlocked) guard = null;
      window.removeEventListener('beforeunload', ask);
    };
  }, [onBlocked]);
}

/** Goes to `hash` past the guard (the person chose to leave and drop their edits). */
export function leaveTo(hash: string): void {
  guard = null;
  window.location.hash = hash;
}
