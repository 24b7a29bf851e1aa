import type { ReactNode } from 'react';
import type { CheckStatus, DiffKind, FieldChange, Verdict } from '../../src-main/contract/index.ts';

export function VerdictBadge({ verdict, testId }: { verdict: Verdict; testId?: string }): ReactNode {
  return (
    <span className={`badge badge-${verdict === 'accepted' ? 'ok' : 'bad'}`} data-testid={testId} data-verdict={verdict}>
      {verdict === 'accepted' ? 'Accepted' : 'Rejected'}
    </span>
  );
}

const STATUS_LABEL: Record<CheckStatus, string> = { pass: 'Pass', warn: 'Warn', fail: 'Fail' };
const STATUS_TONE: Record<CheckStatus, string> = { pass: 'ok', warn: 'warn', fail: 'bad' };

export function CheckStatusBadge({ status }: { status: CheckStatus }): ReactNode {
  return <span className={`badge badge-${STATUS_TONE[status]}`}>{STATUS_LABEL[status]}</span>;
}

const KIND_LABEL: Record<DiffKind, string> = {
  created: 'Created',
  updated: 'Updated',
  unchanged: 'Unchanged',
  rejected: 'No change (rejected)',
};
const KIND_TONE: Record<DiffKind, string> = { created: 'info', updated: 'warn', unchanged: 'muted', rejected: 'bad' };

/** `cleared`: fields the login cleared because the IdP stopped sending them — said in the danger colour. */
export function DiffKindBadge({ kind, testId, cleared = 0 }: { kind: DiffKind; testId?: string; cleared?: number | undefined }): ReactNode {
  const wiped = kind === 'updated' && cleared > 0;
  return (
    <span className={`badge badge-${wiped ? 'bad' : KIND_TONE[kind]}`} data-testid={testId} data-kind={kind} data-cleared={cleared}>
      {KIND_LABEL[kind]}
      {wiped && ` — ${cleared} field${cleared === 1 ? '' : 's'} cleared`}
    </span>
  );
}

const CHANGE_TONE: Record<FieldChange['change'], string> = { added: 'info', changed: 'warn', removed: 'bad', unchanged: 'muted' };

export function ChangeBadge({ change }: { change: FieldChange['change'] }): ReactNode {
  return <span className={`badge badge-${CHANGE_TONE[change]}`}>{change}</span>;
}
