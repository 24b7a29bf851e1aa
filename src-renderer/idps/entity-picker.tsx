// The IdPs of an aggregate (EntitiesDescriptor), searchable, as a listbox that renders only the rows in view:
// a federation file lists thousands of IdPs and typing must stay instant.
import { useDeferredValue, useId, useMemo, useRef, useState, type KeyboardEvent, type ReactNode } from 'react';

export interface PickableIdp {
  entityId: string;
  displayName: string | null;
}

const ROW_HEIGHT = 48;
const VIEW_ROWS = 7;
const OVERSCAN = 4;

export function EntityPicker({
  idps,
  title,
  busy,
  onPick,
  onCancel,
}: {
  idps: PickableIdp[];
  /** The aggregate's Name, if any. */
  title: string | null;
  busy: boolean;
  onPick: (entityId: string) => void;
  onCancel: () => void;
}): ReactNode {
  const [query, setQuery] = useState('');
  const deferred = useDeferredValue(query);
  const [active, setActive] = useState(0);
  const [scrollTop, setScrollTop] = useState(0);
  const viewport = useRef<HTMLDivElement | null>(null);
  const baseId = useId();

  const haystacks = useMemo(() => idps.map((i) => `${i.displayName ?? ''}\n${i.entityId}`.toLowerCase()), [idps]);
  const matches = useMemo(() => {
    const words = deferred.toLowerCase().split(/\s+/).filter((w) => w.length > 0);
    if (words.length === 0) return idps;
    return idps.filter((_, i) => words.every((w) => haystacks[i]?.includes(w) === true));
  }, [idps, haystacks, deferred]);

  const current = Math.min(active, Math.max(0, matches.length - 1));
  const first = Math.max(0, Math.floor(scrollTop / ROW_HEIGHT) - OVERSCAN);
  const last = Math.min(matches.length, Math.ceil((scrollTop + ROW_HEIGHT * VIEW_ROWS) / ROW_HEIGHT) + OVERSCAN);
  const optionId = (index: number): string => `${baseId}-opt-${index}`;

  const moveTo = (index: number): void => {
    const next = Math.max(0, Math.min(matches.length - 1, index));
    setActive(next);
    const el = viewport.current;
    if (el === null) return;
    const top = next * ROW_HEIGHT;
    if (top < el.scrollTop) el.scrollTop = top;
    else if (top + ROW_HEIGHT > el.scrollTop + el.clientHeight) el.scrollTop = top + ROW_HEIGHT - el.clientHeight;
  };

  const onKeyDown = (e: KeyboardEvent): void => {
    const page = VIEW_ROWS - 1;
    const keys: Record<string, () => void> = {
      ArrowDown: () => moveTo(current + 1),
      ArrowUp: () => moveTo(current - 1),
      PageDown: () => moveTo(current + page),
      PageUp: () => moveTo(current - page),
      Enter: () => {
        const picked = matches[current];
        if (picked !== undefined && !busy) onPick(picked.entityId);
      },
      Escape: onCancel,
    };
    const action = keys[e.key];
    if (action === undefined) return;
    e.preventDefault();
    action();
  };

  const activeOption = matches[current];
  return (
    <div className="entity-picker" data-testid="idp-aggregate" data-idp-count={idps.length}>
      <h3>
        Pick an IdP from this aggregate{title !== null && <span className="muted"> ({title})</span>}
      </h3>
      <p className="muted small">
        The file is an <code>EntitiesDescriptor</code> listing {idps.length.toLocaleString()} identity providers. Search by
        name or entity ID, then pick the one you are connecting: click it and Import, or ↑/↓ and Enter in the search box.
      </p>
      <label className="field">
        <span>Search IdPs</span>
        <input
          type="search"
          value={query}
          autoFocus
          onChange={(e) => {
            setQuery(e.target.value);
            setActive(0);
            setScrollTop(0);
            if (viewport.current !== null) viewport.current.scrollTop = 0;
          }}
          onKeyDown={onKeyDown}
          role="combobox"
          aria-expanded="true"
          aria-controls={`${baseId}-list`}
          aria-activedescendant={activeOption !== undefined ? optionId(current) : undefined}
          aria-autocomplete="list"
          placeholder="e.g. university, https://idp.example.org"
          data-testid="idp-aggregate-search"
        />
      </label>
      <p className="small muted" role="status" data-testid="idp-aggregate-count" data-match-count={matches.length}>
        {matches.length === idps.length
          ? `${idps.length.toLocaleString()} IdPs`
          : `${matches.length.toLocaleString()} of ${idps.length.toLocaleString()} IdPs match`}
      </p>
      {matches.length === 0 ? (
        <p className="entity-none" data-testid="idp-aggregate-none">
          No IdP matches “{deferred}”. Try part of the entity ID (its host name) or fewer words.
        </p>
      ) : (
        <div
          ref={viewport}
          className="entity-viewport"
          style={{ height: Math.min(matches.length, VIEW_ROWS) * ROW_HEIGHT + 2 }}
          onScroll={(e) => setScrollTop(e.currentTarget.scrollTop)}
        >
          <ul
            id={`${baseId}-list`}
            role="listbox"
            aria-label="IdPs in the aggregate"
            tabIndex={0}
            onKeyDown={onKeyDown}
            aria-activedescendant={activeOption !== undefined ? optionId(current) : undefined}
            className="entity-list"
            style={{ height: matches.length * ROW_HEIGHT }}
            data-testid="idp-aggregate-list"
          >
            {matches.slice(first, last).map((idp, offset) => {
              const index = first + offset;
              return (
                <li
                  key={idp.entityId}
                  id={optionId(index)}
                  role="option"
                  aria-selected={index === current}
                  className={index === current ? 'entity-option entity-option-active' : 'entity-option'}
                  style={{ top: index * ROW_HEIGHT, height: ROW_HEIGHT }}
                  onMouseDown={(e) => e.preventDefault()}
                  onClick={() => setActive(index)}
                  onDoubleClick={() => !busy && onPick(idp.entityId)}
                  data-testid="idp-aggregate-option"
                  data-entity-id={idp.entityId}
                >
                  <span className="entity-name">{idp.displayName ?? <span className="muted">(no display name)</span>}</span>
                  <span className="entity-id mono">{idp.entityId}</span>
                </li>
              );
            })}
          </ul>
        </div>
      )}
      <div className="form-actions">
        <button type="button" className="btn" onClick={onCancel} data-testid="idp-aggregate-cancel">
          Cancel
        </button>
        <button
          type="button"
          className="btn btn-primary"
          disabled={busy || activeOption === undefined}
          onClick={() => activeOption !== undefined && onPick(activeOption.entityId)}
          data-testid="idp-aggregate-import"
        >
          {busy ? 'Importing…' : activeOption !== undefined ? `Import ${activeOption.displayName ?? activeOption.entityId}` : 'Import'}
        </button>
      </div>
    </div>
  );
}
