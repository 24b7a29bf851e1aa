// Adding an IdP: from a file (picker or drop), pasted XML (Monaco) or a URL. Pasted and file XML is inspected
// first: an aggregate (EntitiesDescriptor) shows its IdPs to pick one. Every error is shown where it was made,
// as the core worded it; nothing is imported on error.
import { lazy, Suspense, useEffect, useEffectEvent, useId, useReducer, useRef, useState, type DragEvent, type KeyboardEvent, type ReactNode } from 'react';
import type { IdpProfile } from '../../src-main/contract/index.ts';
import { api, ApiError, describeError } from '../api/client.ts';
import { ErrorMessage, Loading } from '../components/common.tsx';
import { useLab } from '../state/lab-store.tsx';
import { EntityPicker, type PickableIdp } from './entity-picker.tsx';
import { draggedFiles, formatBytes, readMetadataFile } from './read-metadata-file.ts';
import { STREAM_FILE_BYTES, uploadMetadata } from './upload-metadata.ts';
import { useHashLocation } from '../hooks/use-route.ts';
import { TrustChangeConfirm, trustChangeOf, type TrustChange } from './trust-change.tsx';

const MetadataEditor = lazy(() => import('./metadata-editor.tsx').then((m) => ({ default: m.MetadataEditor })));

export type ImportSource = 'file' | 'paste' | 'url';
const SOURCES: { id: ImportSource; label: string }[] = [
  { id: 'file', label: 'From a file' },
  { id: 'paste', label: 'Paste XML' },
  { id: 'url', label: 'From a URL' },
];

/** A file dropped somewhere else on the screen, handed to the form (a new object per drop). */
export interface DroppedFile {
  file: File;
}

type Phase = { kind: 'idle' } | { kind: 'reading' | 'inspecting' | 'importing'; what: string };
/** An import the core refused with `trust-change`: shown with its certificate changes; `confirm` repeats it with replace. */
interface PendingTrust {
  source: ImportSource;
  change: TrustChange;
  confirm: () => Promise<IdpProfile>;
}
/** `{ replace: true }` once the person agreed to new signing keys; nothing otherwise. */
const replacing = (replace: boolean): { replace?: true } => (replace ? { replace: true } : {});

/** Bytes of a large file read so far (streamed imports report it as they go). */
interface Progress {
  bytes: number;
  total: number | null;
}

interface Aggregate {
  source: ImportSource;
  /** Re-imports with the picked entityID: the XML again, or the URL again (with replace once the person agreed). */
  importPicked: (entityId: string, replace: boolean) => Promise<IdpProfile>;
  name: string | null;
  idps: PickableIdp[];
}

/** Everything the form shows, changed only through `reduce` (one place says what each step does to the form). */
interface FormState {
  source: ImportSource;
  name: string;
  xml: string;
  url: string;
  file: { name: string; bytes: number } | null;
  phase: Phase;
  progress: Progress | null;
  error: { source: ImportSource; message: string } | null;
  aggregate: Aggregate | null;
  trust: PendingTrust | null;
  result: string | null;
  dragging: boolean;
}

type Action =
  | { type: 'tab'; source: ImportSource }
  | { type: 'edit'; field: 'name' | 'xml' | 'url'; value: string }
  /** A new import from `source`: what the last one left on screen goes. */
  | { type: 'start'; source: ImportSource; file?: { name: string; bytes: number } }
  | { type: 'phase'; phase: Phase }
  | { type: 'progress'; progress: Progress }
  | { type: 'failed'; source: ImportSource; message: string }
  | { type: 'aggregate'; aggregate: Aggregate | null }
  | { type: 'trust'; trust: PendingTrust | null }
  | { type: 'trust-declined'; entityId: string }
  | { type: 'picking' }
  | { type: 'imported'; result: string }
  | { type: 'dragging'; dragging: boolean };

const INITIAL: FormState = { source: 'file', name: '', xml: '', url: '', file: null, phase: { kind: 'idle' }, progress: null, error: null, aggregate: null, trust: null, result: null, dragging: false };

function reduce(state: FormState, action: Action): FormState {
  switch (action.type) {
    case 'tab':
      return { ...state, source: action.source };
    case 'edit':
      return { ...state, [action.field]: action.value };
    case 'start':
      return { ...state, source: action.source, file: action.file ?? state.file, error: null, result: null, aggregate: null, trust: null };
    case 'phase':
      // Each phase starts with no bytes counted; streamed reads report theirs as they go.
      return { ...state, phase: action.phase, progress: null };
    case 'progress':
      return { ...state, progress: action.progress };
    case 'failed':
      return { ...state, error: { source: action.source, message: action.message } };
    case 'aggregate':
      return { ...state, aggregate: action.aggregate };
    case 'trust':
      return { ...state, trust: action.trust };
    case 'trust-declined':
      return { ...state, trust: null, result: `Nothing was changed: the lab keeps trusting the current keys of ${action.entityId}.` };
    case 'picking':
      return { ...state, error: null };
    case 'imported':
      return { ...state, result: action.result, aggregate: null, xml: '', name: '', file: null };
    case 'dragging':
      return { ...state, dragging: action.dragging };
  }
}

/** The IdPs an `invalid-metadata` error lists when a URL answered an aggregate (details.idps). */
function aggregateIdpsOf(err: unknown): PickableIdp[] | null {
  if (!(err instanceof ApiError) || err.code !== 'invalid-metadata') return null;
  const details = err.body.details;
  if (typeof details !== 'object' || details === null || !('idps' in details) || !Array.isArray(details.idps)) return null;
  return (details.idps as unknown[]).flatMap((i) => {
    if (typeof i !== 'object' || i === null) return [];
    const { entityId, displayName } = i as Record<string, unknown>;
    return typeof entityId === 'string' ? [{ entityId, displayName: typeof displayName === 'string' ? displayName : null }] : [];
  });
}

export function ImportForm({
  onImported,
  dropped = null,
  onDropTaken,
}: {
  onImported: (idp: IdpProfile, replaced: boolean) => void | Promise<void>;
  /** A file dropped elsewhere on the screen; the form imports it and calls onDropTaken so it is taken once. */
  dropped?: DroppedFile | null;
  onDropTaken?: () => void;
}): ReactNode {
  const { idps } = useLab();
  const [state, dispatch] = useReducer(reduce, INITIAL);
  const { source, name, xml, url, file, phase, error, aggregate, trust, result, dragging, progress: progressBytes } = state;
  const setPhase = (next: Phase): void => dispatch({ type: 'phase', phase: next });
  const setProgressBytes = (progress: Progress): void => dispatch({ type: 'progress', progress });
  const [progressId] = useState(() => `import-${Math.random().toString(36).slice(2)}`);
  const location = useHashLocation();
  const menuFile = location.query.get('file');
  const fileInput = useRef<HTMLInputElement | null>(null);
  const baseId = useId();
  const busy = phase.kind !== 'idle';

  const withName = <T extends object>(input: T): T & { name?: string } => {
    const trimmed = name.trim();
    return trimmed === '' ? input : { ...input, name: trimmed };
  };

  const finish = async (idp: IdpProfile): Promise<void> => {
    const replaced = idps.some((i) => i.id === idp.id);
    dispatch({
      type: 'imported',
      result: replaced
        ? `Updated “${idp.name}” (${idp.entityId}) with the new metadata.`
        : `Imported “${idp.name}” (${idp.entityId}). Make it active to use it for sign-in.`,
    });
    await onImported(idp, replaced);
  };

  /** Runs one step; an error lands at `where` and stops the flow (returns null). */
  const step = async <T,>(where: ImportSource, next: Phase, action: () => Promise<T>): Promise<T | null> => {
    setPhase(next);
    try {
      return await action();
    } catch (err) {
      dispatch({ type: 'failed', source: where, message: describeError(err) });
      return null;
    } finally {
      setPhase({ kind: 'idle' });
    }
  };

  /** An import step: a `trust-change` refusal asks the person (the same call again with replace), other errors land at `where`. */
  const importStep = async (where: ImportSource, next: Phase, call: (replace: boolean) => Promise<IdpProfile>): Promise<IdpProfile | null> => {
    setPhase(next);
    try {
      return await call(false);
    } catch (err) {
      const change = trustChangeOf(err);
      if (change !== null) dispatch({ type: 'trust', trust: { source: where, change, confirm: () => call(true) } });
      else dispatch({ type: 'failed', source: where, message: describeError(err) });
      return null;
    } finally {
      setPhase({ kind: 'idle' });
    }
  };

  const confirmTrust = async (): Promise<void> => {
    if (trust === null) return;
    const idp = await trust.confirm();
    dispatch({ type: 'trust', trust: null });
    await finish(idp);
  };

  // Streamed imports (a large file's upload, the desktop menu's file) report how far they are.
  useEffect(
    () =>
      api.on('idps.importProgress', (p) => {
        if (p.id === progressId) dispatch({ type: 'progress', progress: { bytes: p.bytes, total: p.total } });
      }),
    [progressId],
  );

  /** An overview of a streamed source: pick from an aggregate, or import its one IdP. */
  const importStreamed = async (
    overview: { kind: 'entity' | 'aggregate'; name: string | null; idps: PickableIdp[] },
    what: string,
    importPicked: (entityId: string | undefined, replace: boolean) => Promise<IdpProfile>,
  ): Promise<void> => {
    if (overview.kind === 'aggregate' && overview.idps.length > 1) {
      dispatch({ type: 'aggregate', aggregate: { source: 'file', importPicked: (entityId, replace) => importPicked(entityId, replace), name: overview.name, idps: overview.idps } });
      return;
    }
    const idp = await importStep('file', { kind: 'importing', what }, (replace) => importPicked(undefined, replace));
    if (idp !== null) await finish(idp);
  };

  /** Browser mode, large file: streamed to the server (which lists its IdPs as it arrives), imported by token. */
  const uploadFile = async (picked: File, what: string): Promise<void> => {
    const uploaded = await step('file', { kind: 'reading', what }, () =>
      uploadMetadata(picked, progressId, (bytes, total) => setProgressBytes({ bytes, total })),
    );
    if (uploaded === null) return;
    const { token } = uploaded;
    await importStreamed(uploaded.overview, picked.name, (entityId, replace) =>
      api.call('idps.importUpload', withName({ token, progressId: progressId, ...(entityId === undefined ? {} : { entityId }), ...replacing(replace) })),
    );
  };

  /** Desktop menu: a file the main process can read by path (#/idps/add?file=PATH), streamed there. */
  const importPath = async (path: string): Promise<void> => {
    const fileName = path.split(/[\\/]/).pop() ?? path;
    start('file', { name: fileName, bytes: 0 });
    const overview = await step('file', { kind: 'inspecting', what: fileName }, () => api.call('idps.inspectFile', { path, progressId: progressId }));
    if (overview === null) return;
    await importStreamed(overview, fileName, (entityId, replace) =>
      api.call('idps.importFile', withName({ path, progressId: progressId, ...(entityId === undefined ? {} : { entityId }), ...replacing(replace) })),
    );
  };

  const importXml = async (text: string, where: ImportSource, what: string): Promise<void> => {
    const overview = await step(where, { kind: 'inspecting', what }, () => api.call('idps.inspect', { xml: text }));
    if (overview === null) return;
    const importPicked = (entityId: string, replace: boolean): Promise<IdpProfile> => api.call('idps.import', withName({ xml: text, entityId, ...replacing(replace) }));
    if (overview.kind === 'aggregate' && overview.idps.length > 1) {
      dispatch({ type: 'aggregate', aggregate: { source: where, importPicked, name: overview.name, idps: overview.idps } });
      return;
    }
    const idp = await importStep(where, { kind: 'importing', what }, (replace) => api.call('idps.import', withName({ xml: text, ...replacing(replace) })));
    if (idp !== null) await finish(idp);
  };

  const start = (where: ImportSource, picked?: { name: string; bytes: number }): void => dispatch({ type: 'start', source: where, ...(picked && { file: picked }) });

  const importFile = async (picked: File): Promise<void> => {
    start('file', { name: picked.name, bytes: picked.size });
    if (picked.size > STREAM_FILE_BYTES && api.transport === 'http') {
      await uploadFile(picked, `${picked.name} (${formatBytes(picked.size)})`);
      return;
    }
    const read = await step('file', { kind: 'reading', what: `${picked.name} (${formatBytes(picked.size)})` }, () => readMetadataFile(picked));
    if (read !== null) await importXml(read.text, 'file', read.name);
  };

  const importPasted = async (): Promise<void> => {
    start('paste');
    await importXml(xml, 'paste', 'the pasted XML');
  };

  const importUrl = async (): Promise<void> => {
    start('url');
    const target = url.trim();
    setPhase({ kind: 'importing', what: target });
    try {
      await finish(await api.call('idps.importUrl', withName({ url: target })));
    } catch (err) {
      const listed = aggregateIdpsOf(err);
      const change = trustChangeOf(err);
      if (listed !== null && listed.length > 0) {
        dispatch({
          type: 'aggregate',
          aggregate: { source: 'url', importPicked: (entityId, replace) => api.call('idps.importUrl', withName({ url: target, entityId, ...replacing(replace) })), name: null, idps: listed },
        });
      } else if (change !== null) {
        dispatch({ type: 'trust', trust: { source: 'url', change, confirm: () => api.call('idps.importUrl', withName({ url: target, replace: true })) } });
      } else {
        dispatch({ type: 'failed', source: 'url', message: describeError(err) });
      }
    } finally {
      setPhase({ kind: 'idle' });
    }
  };

  const pick = async (entityId: string): Promise<void> => {
    if (aggregate === null) return;
    dispatch({ type: 'picking' });
    const idp = await importStep(aggregate.source, { kind: 'importing', what: entityId }, (replace) => aggregate.importPicked(entityId, replace));
    if (idp !== null) await finish(idp);
  };

  // A file the desktop menu picked (its path in the route), taken once per path.
  // Effect events: only a new path or a new drop starts an import, which reads the current name and state.
  const takenMenuFile = useRef<string | null>(null);
  const onMenuFile = useEffectEvent((path: string) => void importPath(path));
  useEffect(() => {
    if (menuFile === null || menuFile === takenMenuFile.current) return;
    takenMenuFile.current = menuFile;
    onMenuFile(menuFile);
  }, [menuFile]);

  // A file dropped elsewhere on the screen.
  const onDropped = useEffectEvent((drop: DroppedFile) => {
    onDropTaken?.();
    void importFile(drop.file);
  });
  useEffect(() => {
    // The drop is an event from outside this form (the screen's drop zone, before the form was open).
    if (dropped !== null) onDropped(dropped);
  }, [dropped]);

  const onTabKey = (e: KeyboardEvent, index: number): void => {
    const delta = e.key === 'ArrowRight' ? 1 : e.key === 'ArrowLeft' ? -1 : 0;
    if (delta === 0) return;
    e.preventDefault();
    const next = SOURCES[(index + delta + SOURCES.length) % SOURCES.length];
    if (next === undefined) return;
    dispatch({ type: 'tab', source: next.id });
    document.getElementById(`${baseId}-tab-${next.id}`)?.focus();
  };

  const onDrop = (e: DragEvent): void => {
    if (!draggedFiles(e)) return;
    e.preventDefault();
    e.stopPropagation();
    dispatch({ type: 'dragging', dragging: false });
    const picked = e.dataTransfer.files[0];
    if (picked !== undefined && !busy) void importFile(picked);
  };

  const errorHere = (where: ImportSource): ReactNode =>
    error !== null && error.source === where ? (
      <div id={`${baseId}-error`} data-source={where}>
        <ErrorMessage message={error.message} testId="idp-import-error" />
        <p className="small muted">Nothing was imported; your existing IdP profiles are unchanged.</p>
      </div>
    ) : null;

  const progress =
    phase.kind === 'idle' ? null : (
      <p className="idp-progress small" role="status" data-testid="idp-import-progress" data-phase={phase.kind}>
        <span className="idp-spinner" aria-hidden="true" />
        {phase.kind === 'reading' ? 'Reading' : phase.kind === 'inspecting' ? 'Reading the metadata in' : 'Importing'} {phase.what}…
        {progressBytes !== null && (
          <>
            {' '}
            <progress
              value={progressBytes.bytes}
              max={progressBytes.total ?? undefined}
              aria-label="Read so far"
              data-testid="idp-import-progress-bar"
            />{' '}
            <span className="mono" data-testid="idp-import-progress-bytes">
              {formatBytes(progressBytes.bytes)}
              {progressBytes.total !== null ? ` of ${formatBytes(progressBytes.total)} (${Math.floor((100 * progressBytes.bytes) / Math.max(1, progressBytes.total))}%)` : ''}
            </span>
          </>
        )}
      </p>
    );

  return (
    <div
      className={`panel idp-import${dragging ? ' idp-import-dragging' : ''}`}
      data-testid="idp-import"
      data-busy={busy}
      onDragOver={(e) => {
        if (!draggedFiles(e)) return;
        e.preventDefault();
        e.stopPropagation();
        e.dataTransfer.dropEffect = 'copy';
        dispatch({ type: 'dragging', dragging: true });
      }}
      onDragLeave={(e) => {
        if (!e.currentTarget.contains(e.relatedTarget as Node | null)) dispatch({ type: 'dragging', dragging: false });
      }}
      onDrop={onDrop}
    >
      <h2>Add an identity provider</h2>
      <p className="muted small">
        Import the IdP’s SAML metadata (an <code>EntityDescriptor</code> with an <code>IDPSSODescriptor</code>, or a
        federation’s <code>EntitiesDescriptor</code>). Importing metadata with an entity ID you already have updates that
        profile.
      </p>
      <label className="field idp-name-field">
        <span>Profile name (optional)</span>
        <input value={name} onChange={(e) => dispatch({ type: 'edit', field: 'name', value: e.target.value })} placeholder="e.g. Okta staging — defaults to the IdP’s display name" maxLength={200} data-testid="idp-import-name" />
      </label>
      <div className="tabs idp-import-tabs" role="tablist" aria-label="Where the metadata comes from">
        {SOURCES.map((s, index) => (
          <button
            key={s.id}
            id={`${baseId}-tab-${s.id}`}
            type="button"
            role="tab"
            className={source === s.id ? 'tab active' : 'tab'}
            aria-selected={source === s.id}
            aria-controls={`${baseId}-panel`}
            tabIndex={source === s.id ? 0 : -1}
            onClick={() => dispatch({ type: 'tab', source: s.id })}
            onKeyDown={(e) => onTabKey(e, index)}
            data-testid={`idp-import-tab-${s.id}`}
          >
            {s.label}
          </button>
        ))}
      </div>
      <div id={`${baseId}-panel`} role="tabpanel" aria-labelledby={`${baseId}-tab-${source}`} className="idp-import-body">
        {trust !== null && trust.source === source ? (
          <TrustChangeConfirm
            change={trust.change}
            onConfirm={confirmTrust}
            onCancel={() => dispatch({ type: 'trust-declined', entityId: trust.change.entityId })}
          />
        ) : aggregate !== null && aggregate.source === source ? (
          <EntityPicker
            idps={aggregate.idps}
            title={aggregate.name}
            busy={busy}
            onPick={(entityId) => void pick(entityId)}
            onCancel={() => dispatch({ type: 'aggregate', aggregate: null })}
          />
        ) : source === 'file' ? (
          <div className="idp-dropzone" data-testid="idp-dropzone" data-dragging={dragging}>
            <p className="idp-dropzone-title">{dragging ? 'Drop the metadata file to import it' : 'Drop a metadata .xml file here'}</p>
            <p className="muted small">or</p>
            <button type="button" className="btn btn-primary" disabled={busy} onClick={() => fileInput.current?.click()} data-testid="idp-import-choose">
              Choose a file…
            </button>
            <input
              ref={fileInput}
              type="file"
              accept=".xml,application/xml,text/xml,application/samlmetadata+xml"
              className="visually-hidden"
              tabIndex={-1}
              aria-label="Metadata file"
              onChange={(e) => {
                const picked = e.target.files?.[0];
                e.target.value = '';
                if (picked !== undefined) void importFile(picked);
              }}
              data-testid="idp-import-file"
            />
            {file !== null && (
              <p className="small" data-testid="idp-import-file-name">
                <span className="mono">{file.name}</span> · {formatBytes(file.bytes)}
              </p>
            )}
          </div>
        ) : source === 'paste' ? (
          <div className="idp-paste">
            <Suspense fallback={<Loading what="the XML editor" />}>
              <MetadataEditor value={xml} onChange={(value) => dispatch({ type: 'edit', field: 'xml', value })} label="IdP metadata XML (paste here)" />
            </Suspense>
            <div className="form-actions">
              <span className="small muted">Paste with Ctrl+V (⌘V). Tab leaves the editor.</span>
              <button type="button" className="btn btn-primary" disabled={busy || xml.trim() === ''} onClick={() => void importPasted()} data-testid="idp-import-submit">
                {busy ? 'Importing…' : 'Import'}
              </button>
            </div>
          </div>
        ) : (
          <form
            className="idp-url"
            onSubmit={(e) => {
              e.preventDefault();
              void importUrl();
            }}
          >
            <label className="field">
              <span>Metadata URL</span>
              <input
                type="url"
                value={url}
                onChange={(e) => dispatch({ type: 'edit', field: 'url', value: e.target.value })}
                placeholder="https://login.example.com/federationmetadata/2007-06/federationmetadata.xml"
                className="mono"
                aria-invalid={error?.source === 'url'}
                aria-describedby={error?.source === 'url' ? `${baseId}-error` : `${baseId}-url-hint`}
                data-testid="idp-import-url"
              />
            </label>
            {errorHere('url')}
            <p id={`${baseId}-url-hint`} className="small muted">
              Fetched by the app (15 s timeout, 20 MB, 5 redirects). Plain http works, with a warning on the profile. A URL
              import can be refreshed later to pick up certificate rollovers.
            </p>
            {/^\s*http:\/\//i.test(url) && (
              <p className="small warn-text" data-testid="idp-import-url-http">
                This is plain http: the metadata could be changed on the way. Prefer the https URL if the IdP has one.
              </p>
            )}
            <div className="form-actions">
              <span />
              <button type="submit" className="btn btn-primary" disabled={busy || url.trim() === ''} data-testid="idp-import-url-submit">
                {busy ? 'Fetching…' : 'Fetch and import'}
              </button>
            </div>
          </form>
        )}
        {progress}
        {source !== 'url' && errorHere(source)}
        {result !== null && (
          <p className="success" role="status" data-testid="idp-import-result">
            {result}
          </p>
        )}
      </div>
    </div>
  );
}
