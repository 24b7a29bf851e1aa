// Hash routing: #/logins, #/logins/<id>, #/accounts, #/idps, #/sp.
import { useEffect, useState } from 'react';

export type Route =
  | { name: 'logins' }
  | { name: 'login'; id: string; tab: LoginTab }
  | { name: 'accounts' }
  | { name: 'idps' }
  | { name: 'sp' };

export const LOGIN_TABS = ['summary', 'checks', 'xml', 'attributes', 'diff'] as const;
export type LoginTab = (typeof LOGIN_TABS)[number];

function isLoginTab(value: string | undefined): value is LoginTab {
  return (LOGIN_TABS as readonly string[]).includes(value ?? '');
}

export function parseRoute(hash: string): Route {
  const parts = hash.replace(/^#\/?/, '').split('/').filter((p) => p.length > 0).map(decodeURIComponent);
  const [head, id, tab] = parts;
  switch (head) {
    case 'logins':
      return id === undefined ? { name: 'logins' } : { name: 'login', id, tab: isLoginTab(tab) ? tab : 'summary' };
    case 'accounts':
      return { name: 'accounts' };
    case 'idps':
      return { name: 'idps' };
    case 'sp':
      return { name: 'sp' };
    default:
      return { name: 'logins' };
  }
}

export function hrefFor(route: Route): string {
  switch (route.name) {
    case 'login':
      return `#/logins/${encodeURIComponent(route.id)}${route.tab === 'summary' ? '' : `/${route.tab}`}`;
    default:
      return `#/${route.name}`;
  }
}

export function useRoute(): Route {
  const [route, setRoute] = useState<Route>(() => parseRoute(window.location.hash));
  useEffect(() => {
    const onChange = (): void => setRoute(parseRoute(window.location.hash));
    window.addEventListener('hashchange', onChange);
    return () => window.removeEventListener('hashchange', onChange);
  }, []);
  return route;
}
