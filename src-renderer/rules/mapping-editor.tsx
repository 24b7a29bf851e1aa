// The attribute → field mapping of the JIT rules as a form (issue 15.7): one group per field rule with its name, its
// sources as chips, take, transforms in order, default, required and sync mode override. The attributes the IdP's last
// login carried are offered as sources, and the ones no rule uses yet are marked. Every change goes through `edit`,
// like the rest of the rules form, so the JSON editor beside it follows (and this form follows the JSON).
import { useId, useState, type ReactNode } from 'react';
import type { Attribute, JitRules, RulesProblem } from '../../src-main/contract/index.ts';
import type { FieldRule, Transform } from '../../src-main/contract/jit-rules.ts';
import { formatTime } from '../components/format.ts';

type Edit = (change: (r: JitRules) => void) => void;

/** The last login of the IdP whose rules are edited: where suggested attribute names come from. */
export type LastLogin =
  | { kind: 'none' }
  | { kind: 'loading' }
  | { kind: 'error'; message: string }
  | { kind: 'ready'; nameId: string | null; receivedAt: string; attributes: Attribute[] };

const TRANSFORM_OPS: { op: Transform['op']; label: string }[] = [
  { op: 'trim', label: 'trim spaces' },
  { op: 'lowercase', label: 'lowercase' },
  { op: 'uppercase', label: 'uppercase' },
  { op: 'split', label: 'split on a separator' },
  { op: 'join', label: 'join with a separator' },
  { op: 'template', label: 'template' },
];

function newTransform(op: Transform['op'], sources: readonly string[]): Transform {
  switch (op) {
    case 'split':
      return { op, separator: ';' };
    case 'join':
      return { op, separator: ', ' };
    case 'template':
      return { op, template: `\${attr.${sources[0] ?? 'name'}}` };
    default:
      return { op };
  }
}

/** A field name for an attribute: its last path segment (claim URIs, urn:oid) with only the allowed characters. */
function fieldNameFor(attribute: string, taken: readonly string[]): string {
  const last = attribute.split(/[/:#]/).filter(Boolean).pop() ?? attribute;
  let base = last.replace(/[^A-Za-z0-9_.-]/g, '').slice(0, 60);
  if (!/^[A-Za-z]/.test(base)) base = `attr${base}`.slice(0, 60);
  let name = base;
  for (let n = 2; taken.includes(name); n += 1) name = `${base}${n}`;
  return name;
}

/** Problems whose path is `prefix` or below it. */
const under = (problems: RulesProblem[], prefix: string): RulesProblem[] => problems.filter((p) => p.path === prefix || p.path.startsWith(`${prefix}.`));

function Problems({ problems, id }: { problems: RulesProblem[]; id?: string }): ReactNode {
  if (problems.length === 0) return null;
  return (
    <ul className="mapping-problems" id={id}>
      {problems.map((p) => (
        <li key={`${p.path}:${p.message}`} className="error-inline" data-testid="mapping-problem" data-path={p.path}>
          {p.message}
        </li>
      ))}
    </ul>
  );
}

export function MappingEditor({ rules, edit, lastLogin, problems }: { rules: JitRules; edit: Edit; lastLogin: LastLogin; problems: RulesProblem[] }): ReactNode {
  const listId = useId();
  const [newIndex, setNewIndex] = useState<number | null>(null);
  if (!Array.isArray(rules.fields)) {
    return (
      <p className="error-inline" data-testid="mapping-not-a-list">
        <code>fields</code> must be a list of field rules: fix it in the JSON editor to edit the mapping here.
      </p>
    );
  }
  const fields = rules.fields;
  const fold = rules.caseInsensitiveAttributes === false ? (s: string) => s : (s: string) => s.toLowerCase();
  const used = new Set(
    [...fields.flatMap((f) => (Array.isArray(f.sources) ? f.sources : [])), ...(Array.isArray(rules.groups?.sources) ? rules.groups.sources : []), ...(rules.principal?.attribute ? [rules.principal.attribute] : [])].map(fold),
  );
  const attributes = lastLogin.kind === 'ready' ? lastLogin.attributes : [];
  const isMapped = (a: Attribute): boolean => used.has(fold(a.name)) || (a.friendlyName !== null && used.has(fold(a.friendlyName)));
  const suggestions = [...new Set(attributes.flatMap((a) => (a.friendlyName !== null && a.friendlyName !== a.name ? [a.name, a.friendlyName] : [a.name])))];

  const addField = (sources: string[], name: string): void => {
    setNewIndex(fields.length);
    edit((r) => void r.fields.push({ field: name, sources, take: 'first', transforms: [], required: false }));
  };
  const names = fields.map((f) => f.field);

  return (
    <div className="mapping-editor" data-testid="mapping-editor">
      <datalist id={listId}>
        {suggestions.map((s) => (
          <option key={s} value={s} />
        ))}
      </datalist>
      <LastLoginAttributes
        lastLogin={lastLogin}
        isMapped={isMapped}
        onAdd={(a) => {
          const source = a.friendlyName ?? a.name;
          addField([source], fieldNameFor(source, names));
        }}
      />
      {fields.length === 0 && <p className="muted small">No field rule: accounts get only their principal, groups and roles.</p>}
      {fields.map((rule, i) => (
        <FieldCard
          key={i}
          rule={rule}
          index={i}
          edit={edit}
          listId={listId}
          ruleSync={rules.syncMode}
          problems={under(problems, `fields.${i}`)}
          focusName={i === newIndex}
          onNameBlur={() => setNewIndex(null)}
          onRemove={() => {
            setNewIndex(null);
            edit((r) => void r.fields.splice(i, 1));
          }}
        />
      ))}
      <Problems problems={problems.filter((p) => p.path === 'fields')} />
      <button type="button" className="btn btn-small" onClick={() => addField([], fieldNameFor('newField', names))} data-testid="mapping-add-field">
        Add field
      </button>
    </div>
  );
}

function LastLoginAttributes({ lastLogin, isMapped, onAdd }: { lastLogin: LastLogin; isMapped: (a: Attribute) => boolean; onAdd: (a: Attribute) => void }): ReactNode {
  if (lastLogin.kind === 'none') {
    return (
      <p className="small muted" data-testid="mapping-no-login">
        No verified login from this IdP yet: sign in once, and the attributes it sends are suggested here.
      </p>
    );
  }
  if (lastLogin.kind === 'loading') return <p className="small muted">Reading the attributes of the last login…</p>;
  if (lastLogin.kind === 'error') return <p className="error-inline">Could not read the last login’s attributes: {lastLogin.message}</p>;
  const unmapped = lastLogin.attributes.filter((a) => !isMapped(a)).length;
  return (
    <div className="mapping-suggestions" data-testid="mapping-suggestions">
      <p className="small">
        Attributes of the last login from this IdP (<span className="mono">{lastLogin.nameId ?? 'no NameID'}</span>, {formatTime(lastLogin.receivedAt)}):{' '}
        {unmapped === 0 ? 'every one is used by a rule.' : `${unmapped} not mapped yet — select one to add a field for it.`}
      </p>
      <ul className="mapping-chips">
        {lastLogin.attributes.map((a) => {
          const mapped = isMapped(a);
          const label = (
            <>
              <span className="mono">{a.name}</span>
              {a.friendlyName !== null && a.friendlyName !== a.name && <span className="muted"> ({a.friendlyName})</span>}
            </>
          );
          return (
            <li key={a.name}>
              {mapped ? (
                <span className="mapping-chip mapping-chip-mapped" data-testid="mapping-suggestion" data-name={a.name} data-mapped="true" title={a.values.join(', ')}>
                  {label} <span className="mapping-chip-state">mapped</span>
                </span>
              ) : (
                <button
                  type="button"
                  className="mapping-chip mapping-chip-unmapped"
                  onClick={() => onAdd(a)}
                  data-testid="mapping-suggestion"
                  data-name={a.name}
                  data-mapped="false"
                  title={`Add a field from ${a.friendlyName ?? a.name} (values: ${a.values.join(', ')})`}
                >
                  <span aria-hidden="true">+ </span>
                  {label} <span className="mapping-chip-state">not mapped</span>
                </button>
              )}
            </li>
          );
        })}
      </ul>
    </div>
  );
}

function FieldCard({
  rule,
  index,
  edit,
  listId,
  ruleSync,
  problems,
  focusName,
  onNameBlur,
  onRemove,
}: {
  rule: FieldRule;
  index: number;
  edit: Edit;
  listId: string;
  ruleSync: JitRules['syncMode'];
  problems: RulesProblem[];
  focusName: boolean;
  onNameBlur: () => void;
  onRemove: () => void;
}): ReactNode {
  const [draft, setDraft] = useState('');
  const ids = useId();
  const path = `fields.${index}`;
  // The JSON may leave out what has a default (or hold something else while it is being typed): read defensively.
  const sources = Array.isArray(rule.sources) ? rule.sources : [];
  const transforms = Array.isArray(rule.transforms) ? rule.transforms : [];
  const name = typeof rule.field === 'string' ? rule.field : '';
  const label = name || `field ${index + 1}`;
  const editField = (change: (f: FieldRule) => void): void =>
    edit((r) => {
      const f = r.fields[index];
      if (f !== undefined) change(f);
    });
  const editTransforms = (change: (list: Transform[]) => void): void =>
    editField((f) => {
      f.transforms = Array.isArray(f.transforms) ? f.transforms : [];
      change(f.transforms);
    });
  const addSource = (): void => {
    const value = draft.trim();
    if (value === '') return;
    setDraft('');
    if (sources.includes(value)) return;
    editField((f) => void (f.sources = [...(Array.isArray(f.sources) ? f.sources : []), value]));
  };
  const nameProblems = under(problems, `${path}.field`);
  const sourceProblems = under(problems, `${path}.sources`);
  const defaultProblems = under(problems, `${path}.default`);
  const placed = new Set([...nameProblems, ...sourceProblems, ...defaultProblems, ...under(problems, `${path}.transforms`).filter((p) => /^fields\.\d+\.transforms\.\d+/.test(p.path))]);
  const otherProblems = problems.filter((p) => !placed.has(p));
  return (
    <fieldset className="mapping-field" data-testid="mapping-field" data-field={name}>
      <legend className="mono">{label}</legend>
      <div className="mapping-row">
        <label className="mapping-control mapping-name">
          <span>Field</span>
          <input
            value={name}
            // A field just added: its name is what the person changes next.
            autoFocus={focusName}
            onBlur={focusName ? onNameBlur : undefined}
            onChange={(e) => editField((f) => void (f.field = e.target.value))}
            aria-invalid={nameProblems.length > 0}
            aria-describedby={nameProblems.length > 0 ? `${ids}-name` : undefined}
            spellCheck={false}
            data-testid="mapping-field-name"
          />
        </label>
        <label className="mapping-control">
          <span>Take</span>
          <select value={rule.take ?? 'first'} onChange={(e) => editField((f) => void (f.take = e.target.value as FieldRule['take']))} data-testid="mapping-take">
            <option value="first">first value</option>
            <option value="all">all values</option>
          </select>
        </label>
        <button type="button" className="btn btn-small mapping-remove" onClick={onRemove} aria-label={`Remove field ${label}`} data-testid="mapping-remove-field">
          Remove field
        </button>
      </div>
      <Problems problems={nameProblems} id={`${ids}-name`} />

      <div className="mapping-row mapping-sources" role="group" aria-label={`Sources of ${label}`}>
        <span className="mapping-label">Sources</span>
        {sources.length === 0 && <span className="small muted">none (a template or default only)</span>}
        <ul className="mapping-chips">
          {sources.map((s, j) => (
            <li key={`${s}:${j}`} className="mapping-chip" data-testid="mapping-source" data-source={s}>
              <span className="mono">{s}</span>
              <button
                type="button"
                className="mapping-chip-remove"
                onClick={() => editField((f) => void (f.sources = sources.filter((_, k) => k !== j)))}
                aria-label={`Remove source ${s} from ${label}`}
                data-testid="mapping-source-remove"
              >
                ×
              </button>
            </li>
          ))}
        </ul>
        <span className="mapping-add-source">
          <input
            list={listId}
            value={draft}
            placeholder="attribute name"
            aria-label={`Add a source to ${label}`}
            onChange={(e) => setDraft(e.target.value)}
            onKeyDown={(e) => {
              if (e.key === 'Enter') {
                e.preventDefault();
                addSource();
              }
            }}
            spellCheck={false}
            data-testid="mapping-source-input"
          />
          <button type="button" className="btn btn-small" onClick={addSource} disabled={draft.trim() === ''} data-testid="mapping-source-add">
            Add
          </button>
        </span>
      </div>
      <Problems problems={sourceProblems} />

      <div className="mapping-row mapping-transforms-row" role="group" aria-label={`Transforms of ${label}, in order`}>
        <span className="mapping-label">Transforms</span>
        {transforms.length === 0 && <span className="small muted">none</span>}
        <ol className="mapping-transforms">
          {transforms.map((t, j) => (
            <TransformItem key={j} transform={t} index={j} count={transforms.length} field={label} problems={under(problems, `${path}.transforms.${j}`)} editTransforms={editTransforms} sources={sources} />
          ))}
        </ol>
        <select
          value=""
          aria-label={`Add a transform to ${label}`}
          onChange={(e) => {
            const op = e.target.value as Transform['op'] | '';
            if (op !== '') editTransforms((list) => void list.push(newTransform(op, sources)));
          }}
          data-testid="mapping-add-transform"
        >
          <option value="">Add transform…</option>
          {TRANSFORM_OPS.map((o) => (
            <option key={o.op} value={o.op}>
              {o.label}
            </option>
          ))}
        </select>
      </div>

      <div className="mapping-row">
        <label className="mapping-control mapping-default">
          <span>Default</span>
          <input
            value={rule.default ?? ''}
            placeholder="when no source has a value"
            onChange={(e) =>
              editField((f) => {
                if (e.target.value === '') delete f.default;
                else f.default = e.target.value;
              })
            }
            aria-invalid={defaultProblems.length > 0}
            data-testid="mapping-default"
          />
        </label>
        <label className="check mapping-required">
          <input type="checkbox" checked={rule.required === true} onChange={(e) => editField((f) => void (f.required = e.target.checked))} data-testid="mapping-required" /> Required
        </label>
        <label className="mapping-control">
          <span>Sync</span>
          <select
            value={rule.syncMode ?? ''}
            onChange={(e) =>
              editField((f) => {
                if (e.target.value === '') delete f.syncMode;
                else f.syncMode = e.target.value as NonNullable<FieldRule['syncMode']>;
              })
            }
            data-testid="mapping-sync"
          >
            <option value="">as the rules ({ruleSync})</option>
            <option value="force">force: every login</option>
            <option value="import">import: on creation only</option>
          </select>
        </label>
      </div>
      <Problems problems={[...defaultProblems, ...otherProblems]} />
    </fieldset>
  );
}

function TransformItem({
  transform: t,
  index: j,
  count,
  field,
  problems,
  editTransforms,
  sources,
}: {
  transform: Transform;
  index: number;
  count: number;
  field: string;
  problems: RulesProblem[];
  editTransforms: (change: (list: Transform[]) => void) => void;
  sources: readonly string[];
}): ReactNode {
  const move = (to: number): void =>
    editTransforms((list) => {
      const [item] = list.splice(j, 1);
      if (item !== undefined) list.splice(to, 0, item);
    });
  const what = `transform ${j + 1} of ${field}`;
  return (
    <li className="mapping-transform" data-testid="mapping-transform" data-op={t.op}>
      <select
        aria-label={`Transform ${j + 1} of ${field}`}
        value={t.op}
        onChange={(e) => editTransforms((list) => void (list[j] = newTransform(e.target.value as Transform['op'], sources)))}
        data-testid="mapping-transform-op"
      >
        {TRANSFORM_OPS.map((o) => (
          <option key={o.op} value={o.op}>
            {o.label}
          </option>
        ))}
      </select>
      {(t.op === 'split' || t.op === 'join') && (
        <input
          className="mono mapping-separator"
          value={t.separator ?? ''}
          aria-label={`Separator of ${what}`}
          size={4}
          onChange={(e) => editTransforms((list) => void (list[j] = { op: t.op, separator: e.target.value }))}
          aria-invalid={problems.length > 0}
          data-testid="mapping-transform-param"
        />
      )}
      {t.op === 'template' && (
        <input
          className="mono mapping-template"
          value={t.template ?? ''}
          aria-label={`Template of ${what}`}
          placeholder="${attr.givenName} ${attr.sn}"
          onChange={(e) => editTransforms((list) => void (list[j] = { op: 'template', template: e.target.value }))}
          aria-invalid={problems.length > 0}
          spellCheck={false}
          data-testid="mapping-transform-param"
        />
      )}
      <span className="mapping-transform-buttons">
        <button type="button" className="btn btn-small" onClick={() => move(j - 1)} disabled={j === 0} aria-label={`Move ${what} up`} data-testid="mapping-transform-up">
          ↑
        </button>
        <button type="button" className="btn btn-small" onClick={() => move(j + 1)} disabled={j === count - 1} aria-label={`Move ${what} down`} data-testid="mapping-transform-down">
          ↓
        </button>
        <button type="button" className="btn btn-small" onClick={() => editTransforms((list) => void list.splice(j, 1))} aria-label={`Remove ${what}`} data-testid="mapping-transform-remove">
          ×
        </button>
      </span>
      <Problems problems={problems} />
    </li>
  );
}
