// Identity providers (#/idps, #/idps/<id>, #/idps/add): the profiles on the left, the chosen one (or the import
// form) on the right. A metadata file dropped anywhere on the screen is imported.
import { useState, type DragEvent, type ReactNode } from 'react';
import type { IdpProfile } from '../../src-main/contract/index.ts';
import { EmptyState, ErrorMessage } from '../components/common.tsx';
import '../idps/idps.css';
import { ImportForm, type DroppedFile } from '../idps/import-form.tsx';
import { ProfileDetail } from '../idps/profile-detail.tsx';
import { draggedFiles } from '../idps/read-metadata-file.ts';
import { useLab } from '../state/lab-store.tsx';
import { DemoUsersPanel } from './demo-users-panel.tsx';

export { ImportForm } from '../idps/import-form.tsx';

export const ADD_IDP = 'add';

export function idpHref(id: string): string {
  return `#/idps/${encodeURIComponent(id)}`;
}

function go(hash: string): void {
  window.location.hash = hash;
}

export function IdpsScreen({ selected }: { selected?: string }): ReactNode {
  const { idps, sp, errors, refreshIdps } = useLab();
  const [notice, setNotice] = useState<{ id: string; text: string } | null>(null);
  const [dropped, setDropped] = useState<DroppedFile | null>(null);
  const [dragging, setDragging] = useState(false);
  const [deleted, setDeleted] = useState<string | null>(null);

  const active = idps.find((i) => i.active);
  const adding = selected === ADD_IDP;
  const current = adding ? undefined : selected === undefined ? active : idps.find((i) => i.id === selected);
  const custom = idps.filter((i) => i.kind !== 'demo');

  const onImported = async (idp: IdpProfile, replaced: boolean): Promise<void> => {
    await refreshIdps();
    setDeleted(null);
    setNotice({
      id: idp.id,
      text: replaced
        ? `Updated “${idp.name}” with the new metadata.`
        : `Imported “${idp.name}”.${idp.active ? '' : ' Make it active to use it for “Sign in with IdP”.'}`,
    });
    go(idpHref(idp.id));
  };

  const onDrop = (e: DragEvent): void => {
    setDragging(false);
    if (!draggedFiles(e)) return;
    e.preventDefault();
    const file = e.dataTransfer.files[0];
    if (file === undefined) return;
    setDropped({ file });
    if (!adding) go(`#/idps/${ADD_IDP}`);
  };

  return (
    <section
      className="screen idps-screen"
      data-testid="idps-screen"
      data-dragging={dragging}
      onDragOver={(e) => {
        if (!draggedFiles(e)) return;
        e.preventDefault();
        e.dataTransfer.dropEffect = 'copy';
        setDragging(true);
      }}
      onDragLeave={(e) => {
        if (!e.currentTarget.contains(e.relatedTarget as Node | null)) setDragging(false);
      }}
      onDrop={onDrop}
    >
      <div className="screen-head">
        <div>
          <h1>Identity providers</h1>
          <p className="muted">A login from any IdP listed here is verified against that IdP’s entity ID and signing certificates; the active one is where “Sign in with IdP” goes. Drop a metadata file anywhere here to import it.</p>
        </div>
      </div>
      {errors.idps !== undefined && <ErrorMessage message={`Could not load IdPs. ${errors.idps}`} />}
      {deleted !== null && (
        <p className="success idps-deleted" role="status" data-testid="idp-deleted">
          Deleted “{deleted}”.{' '}
          <button type="button" className="btn btn-small" onClick={() => setDeleted(null)}>
            Dismiss
          </button>
        </p>
      )}
      <div className="idps-layout">
        <nav className="idps-nav" aria-label="IdP profiles">
          <ul className="idps-list" data-testid="idps-list">
            {idps.map((idp) => (
              <ProfileRow key={idp.id} idp={idp} selected={current?.id === idp.id} />
            ))}
          </ul>
          {custom.length === 0 && (
            <p className="small muted idps-hint" data-testid="idps-only-demo">
              Only the built-in demo IdP so far. Add your IdP’s metadata to test logins with it.
            </p>
          )}
          <a className={`btn idps-add${adding ? ' idps-add-current' : ''}`} href={`#/idps/${ADD_IDP}`} aria-current={adding ? 'page' : undefined} data-testid="idp-add">
            + Add an IdP
          </a>
        </nav>
        <div className="idps-main">
          {adding ? (
            <ImportForm onImported={onImported} dropped={dropped} onDropTaken={() => setDropped(null)} />
          ) : current === undefined ? (
            <EmptyState title={idps.length === 0 ? 'No IdP profiles' : 'There is no such IdP profile'} testId="idp-not-found">
              {idps.length === 0 ? (
                <a href={`#/idps/${ADD_IDP}`}>Add your IdP’s metadata</a>
              ) : (
                <>
                  It may have been deleted. <a href="#/idps">Show the active IdP</a> or <a href={`#/idps/${ADD_IDP}`}>add one</a>.
                </>
              )}
            </EmptyState>
          ) : (
            <>
              <ProfileDetail
                key={current.id}
                idp={current}
                spNameIdFormat={sp?.nameIdFormat ?? null}
                notice={notice?.id === current.id ? notice.text : null}
                onChanged={refreshIdps}
                onDeleted={(name) => {
                  setNotice(null);
                  setDeleted(name);
                  go('#/idps');
                }}
              />
              {current.kind === 'demo' && <DemoUsersPanel />}
            </>
          )}
        </div>
      </div>
      {dragging && !adding && (
        <div className="idps-drop-overlay" aria-hidden="true">
          Drop the metadata file to import it
        </div>
      )}
    </section>
  );
}

function ProfileRow({ idp, selected }: { idp: IdpProfile; selected: boolean }): ReactNode {
  const warnings = idp.warnings.length;
  return (
    <li className={`idps-row${selected ? ' idps-row-selected' : ''}`} data-testid="idp-row" data-idp-id={idp.id} data-active={idp.active} data-selected={selected}>
      <a href={idpHref(idp.id)} aria-current={selected ? 'page' : undefined}>
        <span className="idps-row-name">{idp.name}</span>
        <span className="idps-row-entity mono" title={idp.entityId}>
          {idp.entityId}
        </span>
        <span className="idps-row-badges">
          {idp.active && <span className="badge badge-ok">Active</span>}
          {idp.kind === 'demo' && <span className="badge badge-info">Demo</span>}
          {warnings > 0 && (
            <span className="badge badge-warn" data-testid="idp-row-warnings">
              ⚠ {warnings} warning{warnings === 1 ? '' : 's'}
            </span>
          )}
        </span>
      </a>
    </li>
  );
}
