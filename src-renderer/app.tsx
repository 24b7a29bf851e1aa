import { useState, type ReactNode } from 'react';
import { api, describeError } from './api/client.ts';
import { ErrorMessage } from './components/common.tsx';
import { useRoute, type Route } from './hooks/use-route.ts';
import { AccountsScreen } from './screens/accounts-screen.tsx';
import { IdpsScreen } from './screens/idps-screen.tsx';
import { LoginDetailScreen } from './screens/login-detail-screen.tsx';
import { LoginsScreen } from './screens/logins-screen.tsx';
import { SpScreen } from './screens/sp-screen.tsx';
import { LabProvider, useLab } from './state/lab-store.tsx';

export function App(): ReactNode {
  return (
    <LabProvider>
      <Shell />
    </LabProvider>
  );
}

const NAV: { name: Route['name']; label: string; href: string }[] = [
  { name: 'logins', label: 'Logins', href: '#/logins' },
  { name: 'accounts', label: 'Accounts', href: '#/accounts' },
  { name: 'idps', label: 'Identity providers', href: '#/idps' },
  { name: 'sp', label: 'Service provider', href: '#/sp' },
];

function Shell(): ReactNode {
  const { status, info, errors } = useLab();
  const route = useRoute();
  const section = route.name === 'login' ? 'logins' : route.name;
  return (
    <div className="app" data-testid="app" data-app-state={status}>
      <header className="topbar">
        <div className="brand">
          <span className="logo" aria-hidden="true">
            ⇄
          </span>
          SAML JIT Lab
        </div>
        <nav className="nav">
          {NAV.map((item) => (
            <a key={item.name} href={item.href} className={section === item.name ? 'active' : ''} data-testid={`nav-${item.name}`}>
              {item.label}
            </a>
          ))}
        </nav>
        <SignIn />
      </header>
      {info?.storeNotice != null && (
        <div className="banner" role="status" data-testid="store-notice">
          {info.storeNotice}
        </div>
      )}
      {errors.info !== undefined && <ErrorMessage message={`Could not reach the app core. ${errors.info}`} />}
      <main className="content">{status === 'loading' ? <p className="muted">Loading…</p> : <Screen route={route} />}</main>
      {info !== null && (
        <footer className="footer muted small">
          v{info.version} · {info.mode} mode · listener <span className="mono">{info.listenerUrl}</span> · data{' '}
          <span className="mono">{info.dataDir}</span>
        </footer>
      )}
    </div>
  );
}

function Screen({ route }: { route: Route }): ReactNode {
  switch (route.name) {
    case 'logins':
      return <LoginsScreen />;
    case 'login':
      return <LoginDetailScreen key={route.id} id={route.id} tab={route.tab} />;
    case 'accounts':
      return <AccountsScreen />;
    case 'idps':
      return <IdpsScreen />;
    case 'sp':
      return <SpScreen />;
  }
}

function SignIn(): ReactNode {
  const { idps } = useLab();
  const active = idps.find((i) => i.active);
  const [state, setState] = useState<{ kind: 'idle' } | { kind: 'busy' } | { kind: 'opened' } | { kind: 'error'; message: string }>({
    kind: 'idle',
  });

  const start = async (): Promise<void> => {
    setState({ kind: 'busy' });
    try {
      const { url, opened } = await api.call('login.start', {});
      if (opened) {
        setState({ kind: 'opened' });
      } else {
        window.location.assign(url);
      }
    } catch (err) {
      setState({ kind: 'error', message: describeError(err) });
    }
  };

  return (
    <div className="signin">
      <div className="active-idp">
        <span className="muted small">Active IdP</span>
        <a href="#/idps" data-testid="active-idp" title={active?.entityId}>
          {active?.name ?? 'none — choose one'}
        </a>
      </div>
      <button
        type="button"
        className="btn btn-primary"
        onClick={() => void start()}
        disabled={state.kind === 'busy' || active === undefined}
        data-testid="sign-in"
      >
        {state.kind === 'busy' ? 'Starting…' : 'Sign in with IdP'}
      </button>
      {state.kind === 'opened' && (
        <span className="small muted" data-testid="sign-in-opened">
          Login window opened.
        </span>
      )}
      {state.kind === 'error' && (
        <span className="error-inline" role="alert" data-testid="sign-in-error">
          {state.message}
        </span>
      )}
    </div>
  );
}
