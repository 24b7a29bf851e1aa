// What a save would change, in short sentences for the save confirmation ("field email: sources mail → mail,
// emailaddress", "field department removed", "sync mode import → force"). Both sides are parsed rules (defaults
// filled in), so a default written out in the JSON is not reported as a change.
import type { JitRules } from '../../src-main/contract/index.ts';
import type { FieldRule, RoleRule, Transform } from '../../src-main/contract/jit-rules.ts';

const same = (a: unknown, b: unknown): boolean => JSON.stringify(a) === JSON.stringify(b);
const list = (values: readonly string[]): string => (values.length === 0 ? '(none)' : values.join(', '));
const quoted = (value: string | undefined): string => (value === undefined ? '(none)' : `"${value}"`);

export function describeTransform(t: Transform): string {
  switch (t.op) {
    case 'split':
      return `split on "${t.separator}"`;
    case 'join':
      return `join with "${t.separator}"`;
    case 'template':
      return `template ${t.template}`;
    default:
      return t.op;
  }
}

const syncLabel = (mode: FieldRule['syncMode']): string => mode ?? 'the rules’ sync mode';
const roleLabel = (r: RoleRule): string => `${r.role} ← ${r.value}${r.match === 'regex' ? ' (regex)' : ''}`;

/** The differences of one field rule, or an empty list. */
function fieldDifferences(before: FieldRule, after: FieldRule): string[] {
  const out: string[] = [];
  if (!same(before.sources, after.sources)) out.push(`sources ${list(before.sources)} → ${list(after.sources)}`);
  if (before.take !== after.take) out.push(`take ${before.take} → ${after.take}`);
  if (!same(before.transforms, after.transforms)) out.push(`transforms ${list(before.transforms.map(describeTransform))} → ${list(after.transforms.map(describeTransform))}`);
  if (before.default !== after.default) out.push(`default ${quoted(before.default)} → ${quoted(after.default)}`);
  if (before.required !== after.required) out.push(after.required ? 'now required' : 'no longer required');
  if (before.syncMode !== after.syncMode) out.push(`sync mode ${syncLabel(before.syncMode)} → ${syncLabel(after.syncMode)}`);
  return out;
}

function fieldChanges(before: FieldRule[], after: FieldRule[]): string[] {
  const out: string[] = [];
  const beforeNames = new Set(before.map((f) => f.field));
  const afterNames = new Set(after.map((f) => f.field));
  // A field renamed in the form keeps its place and its sources: a new name where a removed one stood, with the same
  // sources, is a rename (anything else is a field removed and another added).
  const renamedFrom = new Map<string, FieldRule>();
  after.forEach((f, i) => {
    const old = before[i];
    if (!beforeNames.has(f.field) && old !== undefined && !afterNames.has(old.field) && same(old.sources, f.sources)) renamedFrom.set(f.field, old);
  });
  const renamed = new Set([...renamedFrom.values()].map((f) => f.field));
  for (const f of after) {
    const old = renamedFrom.get(f.field) ?? before.find((b) => b.field === f.field);
    if (old === undefined) {
      const parts = [`from ${list(f.sources)}`, ...(f.transforms.length > 0 ? [f.transforms.map(describeTransform).join(', ')] : []), ...(f.required ? ['required'] : [])];
      out.push(`field ${f.field} added (${parts.join('; ')})`);
      continue;
    }
    const differences = fieldDifferences(old, f);
    if (old.field !== f.field) out.push(`field ${old.field} renamed to ${f.field}${differences.length > 0 ? `; ${differences.join('; ')}` : ''}`);
    else if (differences.length > 0) out.push(`field ${f.field}: ${differences.join('; ')}`);
  }
  for (const f of before) if (!afterNames.has(f.field) && !renamed.has(f.field)) out.push(`field ${f.field} removed`);
  return out;
}

function groupChanges(before: JitRules['groups'], after: JitRules['groups']): string[] {
  const out: string[] = [];
  if (!same(before.sources, after.sources)) out.push(`group sources ${list(before.sources)} → ${list(after.sources)}`);
  if (!same(before.transforms, after.transforms)) out.push(`group transforms ${list(before.transforms.map(describeTransform))} → ${list(after.transforms.map(describeTransform))}`);
  if (before.caseInsensitive !== after.caseInsensitive) out.push(`group names ${after.caseInsensitive ? 'now' : 'no longer'} matched case-insensitively`);
  if (!same(before.required, after.required)) out.push(`required groups ${list(before.required)} → ${list(after.required)}`);
  if (before.roleMode !== after.roleMode) out.push(`role mode ${before.roleMode} → ${after.roleMode}`);
  const beforeRoles = before.roles.map(roleLabel);
  const afterRoles = after.roles.map(roleLabel);
  const added = afterRoles.filter((r) => !beforeRoles.includes(r));
  const removed = beforeRoles.filter((r) => !afterRoles.includes(r));
  if (added.length > 0) out.push(`role rule${added.length === 1 ? '' : 's'} added: ${added.join(', ')}`);
  if (removed.length > 0) out.push(`role rule${removed.length === 1 ? '' : 's'} removed: ${removed.join(', ')}`);
  if (added.length === 0 && removed.length === 0 && !same(beforeRoles, afterRoles)) out.push('role rules reordered');
  if (before.defaultRole !== after.defaultRole) out.push(`default role ${quoted(before.defaultRole)} → ${quoted(after.defaultRole)}`);
  return out;
}

const principalLabel = (p: JitRules['principal']): string => (p.source === 'nameId' ? 'NameID' : `attribute ${p.attribute ?? ''}`);
const onOff = (value: boolean): string => (value ? 'on' : 'off');

/** One line per change from `before` (the saved rules) to `after`; empty when they are the same. */
export function summarizeRulesChanges(before: JitRules, after: JitRules): string[] {
  const out: string[] = [];
  if (principalLabel(before.principal) !== principalLabel(after.principal)) out.push(`account key ${principalLabel(before.principal)} → ${principalLabel(after.principal)}`);
  if (before.principal.caseInsensitive !== after.principal.caseInsensitive) out.push(`case-insensitive principals ${onOff(before.principal.caseInsensitive)} → ${onOff(after.principal.caseInsensitive)}`);
  if (before.syncMode !== after.syncMode) out.push(`sync mode ${before.syncMode} → ${after.syncMode}`);
  if (before.emailConflict !== after.emailConflict) out.push(`email conflict ${before.emailConflict} → ${after.emailConflict}`);
  if (before.linkAcrossIdps !== after.linkAcrossIdps) out.push(`link across IdPs ${onOff(before.linkAcrossIdps)} → ${onOff(after.linkAcrossIdps)}`);
  if (before.lookalikes !== after.lookalikes) out.push(`look-alikes ${before.lookalikes} → ${after.lookalikes}`);
  if (before.allowSignUp !== after.allowSignUp) out.push(`sign-up of unknown users ${onOff(before.allowSignUp)} → ${onOff(after.allowSignUp)}`);
  if (before.newAccountStatus !== after.newAccountStatus) out.push(`new accounts ${before.newAccountStatus} → ${after.newAccountStatus}`);
  if (before.caseInsensitiveAttributes !== after.caseInsensitiveAttributes) out.push(`case-insensitive attribute names ${onOff(before.caseInsensitiveAttributes)} → ${onOff(after.caseInsensitiveAttributes)}`);
  out.push(...fieldChanges(before.fields, after.fields));
  out.push(...groupChanges(before.groups, after.groups));
  if (before.preset !== after.preset) out.push(`preset ${before.preset ?? '(none)'} → ${after.preset ?? '(none)'}`);
  if (out.length === 0 && !same(before.fields.map((f) => f.field), after.fields.map((f) => f.field))) out.push('field order changed');
  return out;
}
