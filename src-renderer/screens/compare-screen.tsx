// Two logins side by side — e.g. before and after an IdP change: attributes, checks and account diff, with the
// differences first. Loaded lazily (#/compare/<older>/<newer>).
import { useMemo, useState, type ReactNode } from 'react';
import type { Attribute, Check, FieldChange, LoginDetail } from '../../src-main/contract/index.ts';
import { ChangeBadge, CheckStatusBadge, DiffKindBadge, VerdictBadge } from '../components/badges.tsx';
import { EmptyState, ErrorMessage, Loading } from '../components/common.tsx';
import { formatFieldValue, formatTime } from '../components/format.ts';
import { useLoginDetail, type DetailState } from '../hooks/use-login-detail.ts';
import { hrefFor } from '../hooks/use-route.ts';
import { useLab } from '../state/lab-store.tsx';
import { diffLines, foldUnchanged, type DiffRow } from '../xml/line-diff.ts';
import { prettyXml } from '../xml/pretty-xml.ts';
import './compare.css';

interface Pair<T> {
  key: string;
  a: T | undefined;
  b: T | undefined;
  same: boolean;
}

function pairUp<T>(a: T[], b: T[], key: (t: T) => string, same: (x: T, y: T) => boolean): Pair<T>[] {
  const left = new Map(a.map((t) => [key(t), t]));
  const right = new Map(b.map((t) => [key(t), t]));
  const keys = [...new Set([...left.keys(), ...right.keys()])];
  const pairs = keys.map((k) => {
    const x = left.get(k);
    const y = right.get(k);
    return { key: k, a: x, b: y, same: x !== undefined && y !== undefined && same(x, y) };
  });
  // Differences first, then in the order the logins list them.
  return [...pairs.filter((p) => !p.same), ...pairs.filter((p) => p.same)];
}

const sameAttribute = (x: Attribute, y: Attribute): boolean => x.values.join('\u0000') === y.values.join('\u0000') && x.nameFormat === y.nameFormat;
// A check differs when its outcome does: received values (instants, IDs, sizes) change on every login.
const sameCheck = (x: Check, y: Check): boolean => x.status === y.status;
// An account field differs when its resulting value does ("added" then "unchanged" is the same value).
const sameChange = (x: FieldChange, y: FieldChange): boolean => JSON.stringify(x.after) === JSON.stringify(y.after);

export function CompareScreen({ a, b }: { a: string; b: string }): ReactNode {
  const left = useLoginDetail(a === '' ? null : a);
  const right = useLoginDetail(b === '' ? null : b);
  const [onlyDifferences, setOnlyDifferences] = useState(false);

  const error = [left, right].find((s): s is Extract<DetailState, { kind: 'error' }> => s.kind === 'error');
  const ready = left.kind === 'ready' && right.kind === 'ready' ? { a: left.detail, b: right.detail } : null;

  return (
    <section className="screen compare" data-testid="compare" data-loaded={ready !== null}>
      <div className="screen-head">
        <div>
          <a href="#/logins" className="back">
            ← All logins
          </a>
          <h1>Compare two logins</h1>
        </div>
        {ready !== null && (
          <div className="compare-actions">
            <label className="check-label">
              <input type="checkbox" checked={onlyDifferences} onChange={(e) => setOnlyDifferences(e.target.checked)} data-testid="compare-only-differences" />
              Only differences
            </label>
            <a className="btn btn-small" href={hrefFor({ name: 'compare', a: b, b: a })} data-testid="compare-swap">
              Swap sides
            </a>
          </div>
        )}
      </div>
      {(a === '' || b === '') && (
        <EmptyState title="Pick two logins to compare">
          In <a href="#/logins">Logins</a>, tick two logins (or press Space on each) and choose <strong>Compare</strong>.
        </EmptyState>
      )}
      {error !== undefined && (
        <ErrorMessage message={`Could not load a login to compare. ${error.message} Go back to the logins and mark two that still exist.`} />
      )}
      {error === undefined && ready === null && a !== '' && b !== '' && <Loading what="both logins" />}
      {ready !== null && <Comparison a={ready.a} b={ready.b} onlyDifferences={onlyDifferences} />}
    </section>
  );
}

function Comparison({ a, b, onlyDifferences }: { a: LoginDetail; b: LoginDetail; onlyDifferences: boolean }): ReactNode {
  const attributes = pairUp(a.attributes, b.attributes, (x) => x.name, sameAttribute);
  const checks = pairUp(a.checks, b.checks, (x) => x.id, sameCheck);
  const changes = pairUp(a.diff.changes, b.diff.changes, (x) => x.field, sameChange);
  const count = (pairs: Pair<unknown>[]): number => pairs.filter((p) => !p.same).length;
  const visible = <T,>(pairs: Pair<T>[]): Pair<T>[] => (onlyDifferences ? pairs.filter((p) => !p.same) : pairs);
  // Unchanged checks are collapsed by default: what changed between two logins is what matters.
  const [showSameChecks, setShowSameChecks] = useState(false);
  const sameChecks = checks.filter((p) => p.same).length;
  const shownChecks = visible(checks).filter((p) => !p.same || showSameChecks);

  return (
    <>
      <div className="compare-heads">
        <LoginHead detail={a} side="A" />
        <LoginHead detail={b} side="B" />
      </div>
      <p className="compare-summary" data-testid="compare-summary">
        {plural(count(attributes), 'attribute')}, {plural(count(checks), 'check outcome')} and {plural(count(changes), 'account field')} differ.
      </p>

      <h2>Attributes</h2>
      <CompareTable testId="compare-attributes" head={['Attribute', 'A', 'B']} empty="Neither login carried attributes.">
        {visible(attributes).map((p) => (
          <tr key={p.key} className={p.same ? 'same' : 'differs'} data-testid="compare-row" data-key={p.key} data-same={p.same}>
            <th scope="row" className="mono small wrap">
              {p.key}
            </th>
            <td>{p.a === undefined ? <Missing /> : <Values attribute={p.a} />}</td>
            <td>{p.b === undefined ? <Missing /> : <Values attribute={p.b} />}</td>
          </tr>
        ))}
      </CompareTable>

      <h2>Checks</h2>
      <CompareTable testId="compare-checks" head={['Check', 'A', 'B']} empty="No checks ran on either login.">
        {shownChecks.map((p) => (
          <tr key={p.key} className={p.same ? 'same' : 'differs'} data-testid="compare-row" data-key={p.key} data-same={p.same}>
            <th scope="row">
              <div>{p.a?.title ?? p.b?.title}</div>
              <div className="mono small muted">{p.key}</div>
            </th>
            <td data-side="a">{p.a === undefined ? <Missing /> : <CheckCell check={p.a} showReceived={!p.same} />}</td>
            <td data-side="b">{p.b === undefined ? <Missing /> : <CheckCell check={p.b} showReceived={!p.same} />}</td>
          </tr>
        ))}
      </CompareTable>

      {!onlyDifferences && sameChecks > 0 && (
        <button type="button" className="btn btn-small" aria-expanded={showSameChecks} onClick={() => setShowSameChecks((s) => !s)} data-testid="compare-same-checks-toggle">
          {showSameChecks ? `Hide the ${sameChecks} unchanged checks` : `Show ${sameChecks} unchanged check${sameChecks === 1 ? '' : 's'}`}
        </button>
      )}
      <h2>Account diff</h2>
      <p className="compare-kinds">
        A: <DiffKindBadge kind={a.diff.kind} cleared={a.diff.clearedFields?.length} /> · B: <DiffKindBadge kind={b.diff.kind} cleared={b.diff.clearedFields?.length} />
      </p>
      <CompareTable testId="compare-diff" head={['Field', 'A', 'B']} empty="Neither login changed an account field.">
        {visible(changes).map((p) => (
          <tr key={p.key} className={p.same ? 'same' : 'differs'} data-testid="compare-row" data-key={p.key} data-same={p.same}>
            <th scope="row" className="mono">
              {p.key}
            </th>
            <td>{p.a === undefined ? <Missing /> : <ChangeCell change={p.a} />}</td>
            <td>{p.b === undefined ? <Missing /> : <ChangeCell change={p.b} />}</td>
          </tr>
        ))}
      </CompareTable>
      <h2>XML</h2>
      <XmlDiff a={a} b={b} />
    </>
  );
}

/** The two responses' XML (decrypted where there was an encrypted assertion), pretty-printed, diffed line by line;
 * runs of unchanged lines folded. */
function XmlDiff({ a, b }: { a: LoginDetail; b: LoginDetail }): ReactNode {
  const xa = a.decryptedXml ?? a.xml;
  const xb = b.decryptedXml ?? b.xml;
  const rows = useMemo<DiffRow[] | null>(() => {
    if (xa === null || xb === null) return null;
    return foldUnchanged(diffLines(prettyXml(xa).split('\n'), prettyXml(xb).split('\n')));
  }, [xa, xb]);
  if (rows === null) return <p className="muted">{xa === null && xb === null ? 'Neither login has decodable XML.' : `Login ${xa === null ? 'A' : 'B'} has no decodable XML (see its Raw tab).`}</p>;
  const changed = rows.filter((r) => r.kind === 'added' || r.kind === 'removed').length;
  return (
    <div className="xml-diff" data-testid="compare-xml" tabIndex={0} role="region" aria-label="XML differences">
      <p className="small muted" data-testid="compare-xml-summary">
        {changed === 0 ? 'The two documents are identical.' : `${changed} line${changed === 1 ? '' : 's'} differ (IDs and instants change on every login). `}
        {a.decryptedXml !== null || b.decryptedXml !== null ? 'Encrypted assertions are shown decrypted.' : ''}
      </p>
      <table className="xml-diff-table mono small">
        <tbody>
          {rows.map((r, i) =>
            r.kind === 'folded' ? (
              <tr key={i} className="xml-diff-folded" data-testid="compare-xml-folded">
                <td colSpan={3}>⋯ {r.count} unchanged line{r.count === 1 ? '' : 's'}</td>
              </tr>
            ) : (
              <tr key={i} className={`xml-diff-${r.kind}`} data-testid={`compare-xml-${r.kind}`}>
                <td className="xml-diff-n">{r.a ?? ''}</td>
                <td className="xml-diff-n">{r.b ?? ''}</td>
                <td className="xml-diff-text">
                  <span aria-hidden="true">{r.kind === 'added' ? '+ ' : r.kind === 'removed' ? '− ' : '  '}</span>
                  {r.text}
                </td>
              </tr>
            ),
          )}
        </tbody>
      </table>
    </div>
  );
}

function plural(n: number, word: string): ReactNode {
  return (
    <>
      <strong>{n}</strong> {word}
      {n === 1 ? '' : 's'}
    </>
  );
}

function LoginHead({ detail, side }: { detail: LoginDetail; side: 'A' | 'B' }): ReactNode {
  const { idps } = useLab();
  const idp = detail.idpEntityId === null ? 'Unknown issuer' : (idps.find((i) => i.entityId === detail.idpEntityId)?.name ?? detail.idpEntityId);
  return (
    <div className="compare-head panel" data-testid={`compare-head-${side.toLowerCase()}`}>
      <div className="compare-side">{side}</div>
      <div>
        <div className="compare-who">
          <VerdictBadge verdict={detail.verdict} /> <strong className="mono">{detail.nameId ?? detail.claimedNameId ?? '(no NameID)'}</strong>
        </div>
        <div className="muted small">
          {formatTime(detail.receivedAt)} · {idp} · {detail.flow}
        </div>
        <a href={hrefFor({ name: 'login', id: detail.id, tab: 'summary' })} className="small">
          Open this login
        </a>
      </div>
    </div>
  );
}

function CompareTable({ testId, head, empty, children }: { testId: string; head: [string, string, string]; empty: string; children: ReactNode[] }): ReactNode {
  if (children.length === 0) return <p className="muted">{empty}</p>;
  return (
    <table className="table compare-table" data-testid={testId}>
      <colgroup>
        <col className="col-key" />
        <col />
        <col />
      </colgroup>
      <thead>
        <tr>
          {head.map((h) => (
            <th key={h} scope="col">
              {h}
            </th>
          ))}
        </tr>
      </thead>
      <tbody>{children}</tbody>
    </table>
  );
}

function Missing(): ReactNode {
  return <span className="muted small">not present</span>;
}

function Values({ attribute }: { attribute: Attribute }): ReactNode {
  if (attribute.values.length === 0) return <span className="muted">(no values)</span>;
  return (
    <>
      {attribute.values.map((v, i) => (
        <span key={i} className="chip mono">
          {v}
        </span>
      ))}
    </>
  );
}

function CheckCell({ check, showReceived }: { check: Check; showReceived: boolean }): ReactNode {
  return (
    <div>
      <CheckStatusBadge status={check.status} />
      {showReceived && check.received !== null && <div className="mono small wrap compare-received">{check.received}</div>}
    </div>
  );
}

function ChangeCell({ change }: { change: FieldChange }): ReactNode {
  return (
    <span>
      <span className="compare-value">{formatFieldValue(change.after)}</span> <ChangeBadge change={change.change} />
    </span>
  );
}
