// An account diff as a table: field by field, with roles granted and removed called out.
import type { ReactNode } from 'react';
import type { AccountDiff } from '../../src-main/contract/index.ts';
import { ChangeBadge, DiffKindBadge } from '../components/badges.tsx';
import { formatFieldValue } from '../components/format.ts';

export function DiffView({ diff, testId = 'dry-run-diff' }: { diff: AccountDiff; testId?: string }): ReactNode {
  return (
    <div data-testid={testId} data-diff-kind={diff.kind}>
      <p>
        <DiffKindBadge kind={diff.kind} cleared={diff.clearedFields?.length} testId={`${testId}-kind`} />
        {diff.linkedBy === 'email' && <span className="badge badge-info"> linked by email</span>}
      </p>
      {diff.rolesRemoved.length > 0 && (
        <p className="banner banner-bad" role="alert" data-testid={`${testId}-roles-removed`}>
          Roles REMOVED by this login: <strong>{diff.rolesRemoved.join(', ')}</strong>
        </p>
      )}
      {diff.rolesGranted.length > 0 && (
        <p className="small" data-testid={`${testId}-roles-granted`}>
          Roles granted: <strong>{diff.rolesGranted.join(', ')}</strong>
        </p>
      )}
      {diff.changes.length > 0 && (
        <table className="table compact">
          <thead>
            <tr>
              <th>Field</th>
              <th>Before</th>
              <th>After</th>
              <th>Change</th>
            </tr>
          </thead>
          <tbody>
            {diff.changes.map((c) => (
              <tr key={c.field} data-testid={`${testId}-row`} data-field={c.field} data-change={c.change}>
                <td className="mono">{c.field}</td>
                <td>{formatFieldValue(c.before)}</td>
                <td>{formatFieldValue(c.after)}</td>
                <td>
                  <ChangeBadge change={c.change} />
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
    </div>
  );
}
