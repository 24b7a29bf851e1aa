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
