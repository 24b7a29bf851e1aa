// Two tabs of the login detail: "Would your SP accept this?" (real SP libraries' verdicts, run when the tab opens:
// it takes seconds, so it shows how long it has been running) and "Request" (the AuthnRequest the SP sent for an
// SP-initiated login: its XML, binding and whether it was signed).
import { lazy, Suspense, useEffect, useState, type ReactNode } from 'react';
import type { LoginDetail } from '../../src-main/contract/index.ts';
import type { TargetsResult } from '../../src-main/contract/targets.ts';
import { api, describeError } from '../api/client.ts';
import { EmptyState, Loading } from '../components/common.tsx';
import { LoginTargetsPanel } from './login-targets-panel.tsx';

const XmlViewer = lazy(() => import('../xml/xml-viewer.tsx').then((m) => ({ default: m.XmlViewer })));

/** Results already asked for in this window, by login id: switching tabs does not run the libraries again. */
const answered = new Map<string, TargetsResult>();
/** Runs under way, by login id: a tab that re-mounts (the detail reloads on new logins) follows the same run. */
const inFlight = new Map<string, { startedAt: number; promise: Promise<TargetsResult> }>();

function askLibraries(id: string, again: boolean): { startedAt: number; promise: Promise<TargetsResult> } {
  const running = inFlight.get(id);
  if (running && !again) return running;
  const startedAt = Date.now();
  const promise = api.call('logins.targets', { id }).then(
    (result) => {
      answered.set(id, result);
      return result;
    },
  );
  const run = { startedAt, promise };
  inFlight.set(id, run);
  void promise.finally(() => {
    if (inFlight.get(id) === run) inFlight.delete(id);
  }).catch(() => undefined);
  return run;
}

type TargetsState = { kind: 'running'; startedAt: number } | { kind: 'done'; result: TargetsResult } | { kind: 'error'; message: string };

/** What the tab shows when it opens: the known result, or the run under way (or the one its effect is about to start). */
function openingState(id: string): TargetsState {
  const known = answered.get(id);
  const running = inFlight.get(id);
  return known && !running ? { kind: 'done', result: known } : { kind: 'running', startedAt: running?.startedAt ?? Date.now() };
}

/** Keyed by the login id at its use (a new login is a new tab state). */
export function TargetsTab({ id }: { id: string }): ReactNode {
  const [state, setState] = useState<TargetsState>(() => openingState(id));
  // 0: show what is known; each "Ask again" adds one (and runs the libraries again).
  const [again, setAgain] = useState(0);
  const [now, setNow] = useState(Date.now);

  useEffect(() => {
    if (again === 0 && answered.has(id) && !inFlight.has(id)) return;
    let live = true;
    askLibraries(id, again > 0).promise.then(
      (result) => live && setState({ kind: 'done', result }),
      (err: unknown) => live && setState({ kind: 'error', message: describeError(err) }),
    );
    return () => {
      live = false;
    };
  }, [id, again]);
  const askAgain = (): void => {
    setState({ kind: 'running', startedAt: Date.now() });
    setAgain((r) => r + 1);
  };

  const running = state.kind === 'running';
  useEffect(() => {
    if (!running) return;
    const timer = window.setInterval(() => setNow(Date.now()), 500);
    return () => window.clearInterval(timer);
  }, [running]);

  return (
    <div data-testid="targets-tab" data-state={state.kind}>
      {state.kind === 'running' && (
        <p className="targets-progress" role="status" data-testid="targets-progress">
          <span className="idp-spinner" aria-hidden="true" /> Giving this response to each SP library… {Math.max(0, Math.floor((now - state.startedAt) / 1000))} s (usually a few
          seconds; the external runners start an interpreter each)
        </p>
      )}
      <LoginTargetsPanel
        result={state.kind === 'done' ? state.result : null}
        loading={running}
        error={state.kind === 'error' ? state.message : null}
        onRun={askAgain}
      />
    </div>
  );
}

export function RequestTab({ detail }: { detail: LoginDetail }): ReactNode {
  const request = detail.authnRequest ?? null;
  if (request === null) {
    return (
      <EmptyState title="No AuthnRequest" testId="request-none">
        {detail.flow === 'sp-initiated'
          ? 'This login was recorded before the lab kept the requests it sent.'
          : 'The lab sent no request for this login: the IdP started it (IdP-initiated, unsolicited) or the response answered no request the lab knows.'}
      </EmptyState>
    );
  }
  return (
    <div data-testid="request-tab" data-binding={request.binding} data-signed={request.signed}>
      <dl className="facts">
        <dt>Binding</dt>
        <dd data-testid="request-binding">{request.binding === 'redirect' ? 'HTTP-Redirect (deflated in the URL)' : 'HTTP-POST (a form the browser posts)'}</dd>
        <dt>Signed</dt>
        <dd data-testid="request-signed">
          {request.signed
            ? request.binding === 'redirect'
              ? 'Yes — RSA-SHA256 over the query string (SigAlg and Signature parameters), so the XML below carries no signature'
              : 'Yes — an enveloped XML signature in the request'
            : 'No'}
        </dd>
      </dl>
      <Suspense fallback={<Loading what="XML viewer" />}>
        <XmlViewer xml={request.xml} decryptedXml={null} checks={[]} />
      </Suspense>
    </div>
  );
}
