import { lazy, Suspense, type ReactNode } from 'react';
import { EmptyState, ErrorMessage, Loading } from './components/common.tsx';
import { ToastRegion } from './components/toast-region.tsx';
import { parseLoginTab, useHashLocation } from './hooks/use-route.ts';
import { useStartLogin } from './hooks/use-start-login.ts';
import { AccountDetailScreen } from './screens/account-detail-screen.tsx';
import { AccountsScreen } from './screens/accounts-screen.tsx';
import { ExportScreen } from './screens/export-screen.tsx';
import { TestSpScreen } from './screens/test-sp-screen.tsx';
import { IdpsScreen } from './screens/idps-screen.tsx';
import { LoginDetailScreen } from './screens/login-detail-screen.tsx';
import { LoginsScreen } from './screens/logins-screen.tsx';
import { RulesScreen } from './screens/rules-screen.tsx';
import { SessionsScreen } from './screens/sessions-screen.tsx';
import { SpScreen } from './screens/sp-screen.tsx';
import { WalkthroughScreen } from './screens/walkthrough-screen.tsx';
import { LabProvider, useLab } from './state/lab-store.tsx';

const CompareScreen = lazy(() => import('./screens/compare-screen.tsx').then((m) => ({ default: m.CompareScreen })));

export function App(): ReactNode {
  return (
    <LabProvider>
      <Shell />
    </LabProvider>
  );
}

/**
 * Every screen, by the first segment of the hash path (`#/<head>/<params…>`). Adding a screen is one entry here
 * (and one in NAV if it belongs in the top bar). `section` is the NAV entry highlighted while it is shown.
 */
interface ScreenEntry {
  section: string;
  render(params: string[], query: URLSearchParams): ReactNode;
}

const SCREENS: Record<string, ScreenEntry> = {
  start: { section: 'start', render: () => <WalkthroughScreen /> },
  logins: {
    section: 'logins',
    render: ([id, tab]) =>
      id === undefined ? <LoginsScreen /> : <LoginDetailScreen key={id} id={id} tab={parseLoginTab(tab)} />,
  },
  compare: {
    section: 'logins',
    render: ([a = '', b = '']) => (
      <Suspense fallback={<Loading what="the comparison" />}>
        <CompareScreen key={`${a}/${b}`} a={a} b={b} />
      </Suspense>
    ),
  },
  accounts: { section: 'accounts', render: ([id]) => (id === undefined ? <AccountsScreen /> : <AccountDetailScreen key={id} id={id} />) },
  sessions: { section: 'sessions', render: (_params, query) => <SessionsScreen sloId={query.get('slo')} /> },
  rules: { section: 'rules', render: () => <RulesScreen /> },
  idps: { section: 'idps', render: ([id]) => <IdpsScreen selected={id} /> },
  sp: { section: 'sp', render: () => <SpScreen /> },
  export: { section: 'export', render: () => <ExportScreen /> },
  'test-sp': { section: 'test-sp', render: () => <TestSpScreen /> },
};

const NAV: { section: string; label: string; href: string }[] = [
  { section: 'start', label: 'Setup guide', href: '#/start' },
  { section: 'logins', label: 'Logins', href: '#/logins' },
  { section: 'accounts', label: 'Accounts', href: '#/accounts' },
  { section: 'sessions', label: 'Sessions', href: '#/sessions' },
  { section: 'rules', label: 'JIT rules', href: '#/rules' },
  { section: 'idps', label: 'Identity providers', href: '#/idps' },
  { section: 'sp', label: 'Service provider', href: '#/sp' },
  { section: 'export', label: 'Export', href: '#/export' },
  { section: 'test-sp', label: 'Test an SP', href: '#/test-sp' },
];

function Shell(): ReactNode {
  const { status, info, errors, logins } = useLab();
  const { segments, query } = useHashLocation();
  const [head = '', ...params] = segments;
  // The landing screen: the setup guide until the first login exists, then the logins.
  const entry = head === '' ? (SCREENS[logins.length === 0 ? 'start' : 'logins'] ?? null) : (SCREENS[head] ?? null);
  const section = entry?.section ?? '';
  return (
    <div className="app" data-testid="app" data-app-state={status}>
      <a className="skip-link" href="#main" onClick={(e) => {
        e.preventDefault();
        document.getElementById('main')?.focus();
      }}>
        Skip to content
      </a>
      <header className="topbar">
        <div className="brand">
          <span className="logo" aria-hidden="true">
            ⇄
          </span>
          SAML JIT Lab
        </div>
        <nav className="nav" aria-label="Main">
          {NAV.map((item) => (
            <a
              key={item.section}
              href={item.href}
              className={section === item.section ? 'active' : ''}
              aria-current={section === item.section ? 'page' : undefined}
              data-testid={`nav-${item.section}`}
            >
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
      {errors.info !== undefined && (
        <ErrorMessage
          message={`Could not reach the app core: ${errors.info}. If you use the browser mode, check that \`saml-jit-lab serve\` is still running, then reload.`}
        />
      )}
      <main className="content" id="main" tabIndex={-1}>
        {status === 'loading' ? (
          <Loading what="the lab" />
        ) : entry === null ? (
          <EmptyState title="There is no such page" testId="not-found">
            <a href="#/">Go to the start page</a>
          </EmptyState>
        ) : (
          entry.render(params, query)
        )}
      </main>
      {info !== null && (
        <footer className="footer muted small">
          v{info.version} · {info.mode} mode · listener <span className="mono">{info.listenerUrl}</span> · data{' '}
          <span className="mono">{info.dataDir}</span>
        </footer>
      )}
      <ToastRegion />
    </div>
  );
}

function SignIn(): ReactNode {
  const { idps } = useLab();
  const active = idps.find((i) => i.active);
  const { state, start } = useStartLogin();

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
        <span className="small muted" data-testid="sign-in-opened" role="status">
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
