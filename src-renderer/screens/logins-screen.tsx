// Every login the lab received, newest first: a virtualized grid (only the visible rows exist in the DOM, so 10,000
// logins scroll and filter smoothly), filters by verdict, IdP and user, free-text search, keyboard navigation and
// marking two logins for comparison.
import {
  useCallback,
  useDeferredValue,
  useEffect,
  useLayoutEffect,
  useMemo,
  useRef,
  useState,
  type KeyboardEvent,
  type ReactNode,
  type RefObject,
} from 'react';
import type { LoginSummary } from '../../src-main/contract/index.ts';
import { DiffKindBadge, VerdictBadge } from '../components/badges.tsx';
import { EmptyState, ErrorMessage } from '../components/common.tsx';
import { formatCompact, formatTime } from '../components/format.ts';
import { hrefFor, navigate } from '../hooks/use-route.ts';
import { filterLogins, idpOptions, isFiltered, recentUsers } from '../logins/filter-logins.ts';
import { useLab } from '../state/lab-store.tsx';
import { loginsView, useLoginsView } from '../state/logins-view.ts';

const ROW_HEIGHT = 44;
const OVERSCAN = 8;

let interactiveMarked = false;

export function LoginsScreen(): ReactNode {
  const { logins, errors, idps, arrivedId, status } = useLab();
  const { filter, activeId, marked } = useLoginsView();
  const searchRef = useRef<HTMLInputElement>(null);
  const gridRef = useRef<HTMLDivElement>(null);

  const idpNames = useMemo(() => new Map(idps.map((i) => [i.entityId, i.name])), [idps]);
  const idpName = useCallback(
    (entityId: string | null): string => (entityId === null ? 'Unknown issuer' : (idpNames.get(entityId) ?? entityId)),
    [idpNames],
  );
  // Typing stays responsive: the (cheap, but 10,000-row) filter runs on the deferred value.
  const deferredFilter = useDeferredValue(filter);
  const shown = useMemo(() => filterLogins(logins, deferredFilter, idpName), [logins, deferredFilter, idpName]);
  const idpChoices = useMemo(() => idpOptions(idps, logins), [idps, logins]);
  const users = useMemo(() => recentUsers(logins), [logins]);
  const counts = useMemo(() => {
    let rejected = 0;
    for (const l of logins) if (l.verdict === 'rejected') rejected++;
    return { all: logins.length, accepted: logins.length - rejected, rejected };
  }, [logins]);

  // For the renderer benchmark (bench/renderer-bench.mjs): the first frame after the list rendered with its data.
  useEffect(() => {
    if (interactiveMarked || status !== 'ready') return;
    interactiveMarked = true;
    window.requestAnimationFrame(() => window.setTimeout(() => performance.mark('lab:logins-interactive'), 0));
  }, [status]);

  // "/" focuses the search from anywhere on this screen, as in most list UIs.
  useEffect(() => {
    const onKey = (e: globalThis.KeyboardEvent): void => {
      if (e.key !== '/' || e.ctrlKey || e.metaKey || e.altKey) return;
      const target = e.target as HTMLElement | null;
      if (target !== null && (target.isContentEditable || ['INPUT', 'TEXTAREA', 'SELECT'].includes(target.tagName))) return;
      e.preventDefault();
      searchRef.current?.focus();
    };
    window.addEventListener('keydown', onKey);
    return () => window.removeEventListener('keydown', onKey);
  }, []);

  const markedLogins = marked.map((id) => logins.find((l) => l.id === id)).filter((l): l is LoginSummary => l !== undefined);
  const compareHref =
    markedLogins.length === 2 && markedLogins[0] !== undefined && markedLogins[1] !== undefined
      ? (() => {
          const [x, y] = markedLogins[0].receivedAt <= markedLogins[1].receivedAt ? [markedLogins[0], markedLogins[1]] : [markedLogins[1], markedLogins[0]];
          return hrefFor({ name: 'compare', a: x.id, b: y.id });
        })()
      : null;

  return (
    <section className="screen logins-screen" data-testid="logins-screen">
      <div className="screen-head">
        <h1>Logins</h1>
        <div className="segmented" role="group" aria-label="Filter by verdict">
          {(['all', 'accepted', 'rejected'] as const).map((v) => (
            <button
              key={v}
              type="button"
              className={filter.verdict === v ? 'active' : ''}
              aria-pressed={filter.verdict === v}
              onClick={() => loginsView.setFilter({ verdict: v })}
              data-testid={`filter-${v}`}
            >
              {v === 'all' ? 'All' : v === 'accepted' ? 'Accepted' : 'Rejected'} <span className="count-muted">{counts[v].toLocaleString()}</span>
            </button>
          ))}
        </div>
      </div>
      {errors.logins !== undefined && (
        <ErrorMessage message={`Could not load the logins: ${errors.logins}. Reload the page; if it persists, check the data folder shown at the bottom.`} />
      )}
      {logins.length === 0 ? (
        <EmptyState title="No logins yet" testId="logins-empty">
          Click <strong>Sign in with IdP</strong> above to run an SP-initiated login through the active IdP, or have your
          IdP post a response to the ACS URL shown under <a href="#/sp">Service provider</a>. New to this? Follow the{' '}
          <a href="#/start">setup guide</a>. Every response the app receives — accepted or rejected — shows up here live.
        </EmptyState>
      ) : (
        <>
          <div className="filters" role="search" aria-label="Filter logins">
            <label className="filter-field filter-search">
              <span>Search</span>
              <input
                ref={searchRef}
                type="search"
                value={filter.query}
                placeholder="user, IdP, check id…  ( / )"
                onChange={(e) => loginsView.setFilter({ query: e.target.value })}
                onKeyDown={(e) => {
                  if (e.key === 'Escape' && filter.query !== '') {
                    e.preventDefault();
                    loginsView.setFilter({ query: '' });
                  } else if (e.key === 'ArrowDown' || e.key === 'Enter') {
                    e.preventDefault();
                    gridRef.current?.focus();
                  }
                }}
                data-testid="filter-search"
              />
            </label>
            <label className="filter-field">
              <span>IdP</span>
              <select value={filter.idp} onChange={(e) => loginsView.setFilter({ idp: e.target.value })} data-testid="filter-idp">
                <option value="">All IdPs</option>
                {idpChoices.map((o) => (
                  <option key={o.value} value={o.value}>
                    {o.label}
                  </option>
                ))}
              </select>
            </label>
            <label className="filter-field">
              <span>User</span>
              <input
                type="search"
                list="login-users"
                value={filter.user}
                placeholder="any user"
                onChange={(e) => loginsView.setFilter({ user: e.target.value })}
                data-testid="filter-user"
              />
              <datalist id="login-users">
                {users.map((u) => (
                  <option key={u} value={u} />
                ))}
              </datalist>
            </label>
            {isFiltered(filter) && (
              <button type="button" className="btn btn-small filter-clear" onClick={() => loginsView.clearFilter()} data-testid="filter-clear">
                Clear filters
              </button>
            )}
          </div>
          <div className="list-meta">
            <span className="muted small" role="status" data-testid="logins-count">
              {isFiltered(filter) ? `${shown.length.toLocaleString()} of ${logins.length.toLocaleString()} logins` : `${logins.length.toLocaleString()} logins`}
            </span>
            <CompareBar marked={markedLogins} href={compareHref} />
          </div>
          {shown.length === 0 ? (
            <EmptyState title="No logins match these filters" testId="logins-no-match">
              <button type="button" className="btn" onClick={() => loginsView.clearFilter()}>
                Clear filters
              </button>
            </EmptyState>
          ) : (
            <LoginGrid
              gridRef={gridRef}
              logins={shown}
              idpName={idpName}
              activeId={activeId}
              marked={marked}
              arrivedId={arrivedId}
            />
          )}
          <p className="muted small keys-hint">
            Keys: <kbd>↑</kbd> <kbd>↓</kbd> move · <kbd>Enter</kbd> open · <kbd>Space</kbd> mark for comparison ·{' '}
            <kbd>/</kbd> search
          </p>
        </>
      )}
    </section>
  );
}

function CompareBar({ marked, href }: { marked: LoginSummary[]; href: string | null }): ReactNode {
  if (marked.length === 0) return <span className="muted small">Mark two logins to compare them.</span>;
  return (
    <span className="compare-bar" data-testid="compare-bar">
      <span className="small">{marked.length === 1 ? '1 login marked — mark one more to compare.' : '2 logins marked.'}</span>
      {href !== null && (
        <a className="btn btn-primary btn-small" href={href} data-testid="compare-open">
          Compare
        </a>
      )}
      <button type="button" className="btn btn-small" onClick={() => loginsView.clearMarks()}>
        Clear marks
      </button>
    </span>
  );
}

function LoginGrid({
  gridRef,
  logins,
  idpName,
  activeId,
  marked,
  arrivedId,
}: {
  gridRef: RefObject<HTMLDivElement | null>;
  logins: LoginSummary[];
  idpName: (entityId: string | null) => string;
  activeId: string | null;
  marked: string[];
  arrivedId: string | null;
}): ReactNode {
  const [scrollTop, setScrollTop] = useState(0);
  const [viewport, setViewport] = useState(600);
  const headRef = useRef<HTMLDivElement>(null);
  const activeIndex = activeId === null ? -1 : logins.findIndex((l) => l.id === activeId);

  useLayoutEffect(() => {
    const grid = gridRef.current;
    if (grid === null) return;
    const measure = (): void => setViewport(grid.clientHeight);
    measure();
    const observer = new ResizeObserver(measure);
    observer.observe(grid);
    return () => observer.disconnect();
  }, [gridRef]);

  const scrollToIndex = useCallback(
    (index: number, align: 'nearest' | 'center' = 'nearest'): void => {
      const grid = gridRef.current;
      if (grid === null) return;
      const head = headRef.current?.offsetHeight ?? 0;
      const top = index * ROW_HEIGHT;
      const visible = grid.clientHeight - head;
      if (align === 'center') grid.scrollTop = Math.max(0, top - visible / 2);
      else if (top < grid.scrollTop) grid.scrollTop = top;
      else if (top + ROW_HEIGHT > grid.scrollTop + visible) grid.scrollTop = top + ROW_HEIGHT - visible;
    },
    [gridRef],
  );

  // Coming back from a login: keep the row the person was on in view (on mount only; later moves scroll themselves).
  const initialIndex = useRef(activeIndex);
  useLayoutEffect(() => {
    if (initialIndex.current > 0) scrollToIndex(initialIndex.current, 'center');
  }, [scrollToIndex]);

  const first = Math.max(0, Math.floor(scrollTop / ROW_HEIGHT) - OVERSCAN);
  const last = Math.min(logins.length, Math.ceil((scrollTop + viewport) / ROW_HEIGHT) + OVERSCAN);
  const rows: ReactNode[] = [];
  for (let i = first; i < last; i++) {
    const login = logins[i];
    if (login === undefined) continue;
    rows.push(
      <LoginRow
        key={login.id}
        login={login}
        index={i}
        idpName={idpName}
        active={i === activeIndex}
        marked={marked.includes(login.id)}
        arrived={login.id === arrivedId}
      />,
    );
  }

  const move = (index: number): void => {
    const clamped = Math.max(0, Math.min(logins.length - 1, index));
    const login = logins[clamped];
    if (login === undefined) return;
    loginsView.setActive(login.id);
    scrollToIndex(clamped);
  };

  const onKeyDown = (e: KeyboardEvent<HTMLDivElement>): void => {
    if (e.target !== e.currentTarget) return; // a checkbox handles its own keys
    const page = Math.max(1, Math.floor(viewport / ROW_HEIGHT) - 1);
    const current = activeIndex;
    const active = current >= 0 ? logins[current] : undefined;
    switch (e.key) {
      case 'ArrowDown':
        move(current < 0 ? 0 : current + 1);
        break;
      case 'ArrowUp':
        move(current < 0 ? 0 : current - 1);
        break;
      case 'PageDown':
        move(current + page);
        break;
      case 'PageUp':
        move(current - page);
        break;
      case 'Home':
        move(0);
        break;
      case 'End':
        move(logins.length - 1);
        break;
      case 'Enter':
        if (active !== undefined) navigate({ name: 'login', id: active.id, tab: 'summary' });
        break;
      case ' ':
        if (active !== undefined) loginsView.toggleMark(active.id);
        break;
      default:
        return;
    }
    e.preventDefault();
  };

  return (
    <div
      ref={gridRef}
      className="vgrid"
      role="grid"
      aria-label="Logins, newest first"
      aria-rowcount={logins.length + 1}
      aria-colcount={6}
      aria-activedescendant={activeIndex >= 0 && activeIndex >= first && activeIndex < last ? `login-row-${activeIndex}` : undefined}
      tabIndex={0}
      onKeyDown={onKeyDown}
      onFocus={(e) => {
        if (e.target === e.currentTarget && activeIndex < 0 && logins[0] !== undefined) loginsView.setActive(logins[0].id);
      }}
      onScroll={(e) => {
        const top = e.currentTarget.scrollTop;
        // Re-render only when the first visible row changes.
        if (Math.floor(top / ROW_HEIGHT) !== Math.floor(scrollTop / ROW_HEIGHT)) setScrollTop(top);
      }}
      data-testid="logins-list"
      data-row-count={logins.length}
    >
      <div role="rowgroup" className="vgrid-head" ref={headRef}>
        <div role="row" aria-rowindex={1} className="vgrid-row">
          <div role="columnheader" className="col-mark">
            <span className="visually-hidden">Compare</span>
          </div>
          <div role="columnheader">Verdict</div>
          <div role="columnheader">User (NameID)</div>
          <div role="columnheader">IdP</div>
          <div role="columnheader">Received</div>
          <div role="columnheader">Account</div>
        </div>
      </div>
      <div role="rowgroup" className="vgrid-body" style={{ height: logins.length * ROW_HEIGHT }}>
        {rows}
      </div>
    </div>
  );
}

function LoginRow({
  login,
  index,
  idpName,
  active,
  marked,
  arrived,
}: {
  login: LoginSummary;
  index: number;
  idpName: (entityId: string | null) => string;
  active: boolean;
  marked: boolean;
  arrived: boolean;
}): ReactNode {
  const user = login.nameId ?? login.claimedNameId;
  const open = (): void => {
    loginsView.setActive(login.id);
    navigate({ name: 'login', id: login.id, tab: 'summary' });
  };
  return (
    <div
      role="row"
      id={`login-row-${index}`}
      aria-rowindex={index + 2}
      aria-selected={marked}
      className={`vgrid-row${active ? ' row-active' : ''}${marked ? ' row-marked' : ''}${arrived ? ' row-new' : ''}`}
      style={{ transform: `translateY(${index * ROW_HEIGHT}px)` }}
      onClick={open}
      data-testid="login-row"
      data-login-id={login.id}
      data-verdict={login.verdict}
      data-active={active}
    >
      <div role="gridcell" className="col-mark" onClick={(e) => e.stopPropagation()}>
        <input
          type="checkbox"
          tabIndex={-1}
          checked={marked}
          onChange={() => loginsView.toggleMark(login.id)}
          aria-label={`Mark login of ${user ?? 'unknown user'} at ${formatTime(login.receivedAt)} for comparison`}
          data-testid="login-mark"
        />
      </div>
      <div role="gridcell">
        <VerdictBadge verdict={login.verdict} />
        {login.failedCheckIds.length > 0 && (
          <span className="muted small" title={`Failed: ${login.failedCheckIds.join(', ')}`} data-testid="login-failure">
            {' '}
            {login.firstFailure ?? `${login.failedCheckIds.length} failed`}
            {login.firstFailure && login.failedCheckIds.length > 1 ? ` (+${login.failedCheckIds.length - 1} more)` : ''}
          </span>
        )}
      </div>
      <div role="gridcell" className="cell-user">
        <span className="mono truncate-cell" data-testid="login-user">
          {user ?? '(no NameID)'}
        </span>
        {login.nameId === null && login.claimedNameId !== null && (
          <span className="badge badge-warn" title="Read from a response that failed verification">
            unverified
          </span>
        )}
      </div>
      <div role="gridcell" className="truncate-cell" title={login.idpEntityId ?? 'The issuer was not recognised'} data-testid="login-idp">
        {idpName(login.idpEntityId)}
      </div>
      <div role="gridcell" className="truncate-cell" title={formatTime(login.receivedAt)}>
        {formatCompact(login.receivedAt)}
      </div>
      <div role="gridcell">
        <DiffKindBadge kind={login.diffKind} cleared={login.clearedCount} />
      </div>
    </div>
  );
}
