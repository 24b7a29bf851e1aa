// The attribute coverage of a login (issue 15): fields this login clears, rule sources that matched no attribute,
// and attributes no rule maps — each with "map this attribute to field…" where the rules can be edited.
import { useState, type ReactNode } from 'react';
import type { JitRules } from '../../src-main/contract/index.ts';
import type { JitCoverage, UnmappedAttribute } from '../../src-main/contract/jit-coverage.ts';

export function CoverageView({ coverage, fields, onMap, testId = 'coverage' }: { coverage: JitCoverage; fields?: string[]; onMap?: (attribute: string, field: string) => void; testId?: string }): ReactNode {
  const empty = coverage.fields.filter((f) => f.outcome === 'empty');
  return (
    <div className="coverage" data-testid={testId}>
      {coverage.clearedFields.length > 0 && (
        <p className="banner banner-bad" role="alert" data-testid={`${testId}-cleared`}>
          {coverage.clearedFields.length} field{coverage.clearedFields.length === 1 ? '' : 's'} cleared because the IdP sent none of their attributes: <strong>{coverage.clearedFields.join(', ')}</strong>
        </p>
      )}
      <h3>Rule sources that matched no attribute</h3>
      {empty.length === 0 ? (
        <p className="small muted" data-testid={`${testId}-all-mapped`}>
          Every mapped field got a value.
        </p>
      ) : (
        <ul className="plain small" data-testid={`${testId}-empty-fields`}>
          {empty.map((f) => (
            <li key={f.field} data-testid={`${testId}-empty-field`} data-field={f.field}>
              <code>{f.field}</code>: none of <span className="mono">{f.missingSources.join(', ') || '(no sources: a template or default only)'}</span> was sent
            </li>
          ))}
        </ul>
      )}
      {coverage.fields.some((f) => f.outcome !== 'empty' && f.missingSources.length > 0) && (
        <details className="small">
          <summary>Every rule source that matched no attribute ({coverage.fields.reduce((n, f) => n + f.missingSources.length, 0)})</summary>
          <ul className="plain" data-testid={`${testId}-missing-sources`}>
            {coverage.fields
              .filter((f) => f.missingSources.length > 0)
              .map((f) => (
                <li key={f.field}>
                  <code>{f.field}</code>
                  {f.source !== null && (
                    <>
                      {' '}
                      (from <span className="mono">{f.source}</span>)
                    </>
                  )}
                  : <span className="mono">{f.missingSources.join(', ')}</span>
                </li>
              ))}
          </ul>
        </details>
      )}
      <h3>Attributes nothing maps</h3>
      {coverage.unmappedAttributes.length === 0 ? (
        <p className="small muted" data-testid={`${testId}-no-unmapped`}>
          Every attribute of this login is used by a rule.
        </p>
      ) : (
        <table className="table compact" data-testid={`${testId}-unmapped`}>
          <thead>
            <tr>
              <th scope="col">Attribute</th>
              <th scope="col">Values</th>
              {onMap && <th scope="col">Map to field</th>}
            </tr>
          </thead>
          <tbody>
            {coverage.unmappedAttributes.map((a) => (
              <UnmappedRow key={a.name} attribute={a} fields={fields ?? []} onMap={onMap} testId={testId} />
            ))}
          </tbody>
        </table>
      )}
    </div>
  );
}

function UnmappedRow({ attribute: a, fields, onMap, testId }: { attribute: UnmappedAttribute; fields: string[]; onMap: ((attribute: string, field: string) => void) | undefined; testId: string }): ReactNode {
  const [newField, setNewField] = useState('');
  const source = a.friendlyName ?? a.name;
  return (
    <tr data-testid={`${testId}-unmapped-row`} data-name={a.name}>
      <td className="mono small wrap">
        {a.name}
        {a.friendlyName !== null && <span className="muted"> ({a.friendlyName})</span>}
      </td>
      <td className="small wrap">
        {a.sample.join(', ')}
        {a.valueCount > a.sample.length && <span className="muted"> … {a.valueCount} values</span>}
      </td>
      {onMap && (
        <td>
          <select
            aria-label={`Map ${source} to field`}
            value=""
            onChange={(e) => {
              if (e.target.value) onMap(source, e.target.value);
            }}
            data-testid={`${testId}-map`}
          >
            <option value="">Map this attribute to field…</option>
            {fields.map((f) => (
              <option key={f} value={f}>
                {f}
              </option>
            ))}
          </select>{' '}
          <input aria-label="New field name" placeholder="or a new field" size={12} value={newField} onChange={(e) => setNewField(e.target.value)} data-testid={`${testId}-new-field`} />{' '}
          <button type="button" className="btn btn-small" disabled={!/^[A-Za-z][A-Za-z0-9_.-]{0,63}$/.test(newField)} onClick={() => onMap(source, newField)} data-testid={`${testId}-map-new`}>
            Add
          </button>
        </td>
      )}
    </tr>
  );
}

/** Rules with `attribute` added as the first source of `field` (a new field rule when there is none). */
export function mapAttribute(rules: JitRules, attribute: string, field: string): void {
  const rule = rules.fields.find((f) => f.field === field);
  if (rule) {
    if (!rule.sources.includes(attribute)) rule.sources.unshift(attribute);
  } else {
    rules.fields.push({ field, sources: [attribute], take: 'first', transforms: [], required: false });
  }
}
