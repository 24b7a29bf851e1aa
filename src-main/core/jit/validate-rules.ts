// Validates JIT rules as they come from the UI's JSON editor or an import: zod first, then what a schema cannot
// say (regular expressions that do not compile, template syntax, a newer version). Every problem has a path.
import { JIT_RULES_VERSION, JitRules, type RulesProblem } from '../../contract/jit-rules.ts';
import { LabError } from '../errors.ts';

export function validateRules(input: unknown): { rules: JitRules; problems: [] } | { rules: null; problems: RulesProblem[] } {
  if (typeof input === 'object' && input !== null && typeof (input as { version?: unknown }).version === 'number') {
    const version = (input as { version: number }).version;
    if (version > JIT_RULES_VERSION) {
      return { rules: null, problems: [{ path: 'version', message: `These rules are version ${version}, from a newer SAML JIT Lab; this one reads version ${JIT_RULES_VERSION}. Update the app, or start from a preset.` }] };
    }
  }
  const parsed = JitRules.safeParse(input);
  if (!parsed.success) {
    return { rules: null, problems: parsed.error.issues.map((i) => ({ path: i.path.join('.') || '(root)', message: i.message })) };
  }
  const problems: RulesProblem[] = [];
  parsed.data.groups.roles.forEach((rule, i) => {
    if (rule.match !== 'regex') return;
    try {
      new RegExp(rule.value);
    } catch (error) {
      problems.push({ path: `groups.roles.${i}.value`, message: `The regular expression does not compile: ${error instanceof Error ? error.message : String(error)}` });
    }
  });
  const checkTemplates = (transforms: { op: string; template?: string }[], path: string): void => {
    transforms.forEach((t, i) => {
      if (t.op !== 'template' || t.template === undefined) return;
      const opened = (t.template.match(/\$\{/g) ?? []).length;
      const valid = (t.template.match(/\$\{attr\.[^}]+\}/g) ?? []).length;
      if (opened !== valid) problems.push({ path: `${path}.${i}.template`, message: 'Template placeholders must look like ${attr.NAME} (an attribute name or friendly name).' });
    });
  };
  parsed.data.fields.forEach((f, i) => {
    checkTemplates(f.transforms, `fields.${i}.transforms`);
    if (f.sources.length === 0 && !f.transforms.some((t) => t.op === 'template') && f.default === undefined) {
      problems.push({ path: `fields.${i}.sources`, message: `Field "${f.field}" has no source, template or default: it can never get a value.` });
    }
  });
  const seen = new Set<string>();
  parsed.data.fields.forEach((f, i) => {
    if (seen.has(f.field)) problems.push({ path: `fields.${i}.field`, message: `Field "${f.field}" is mapped twice.` });
    seen.add(f.field);
  });
  checkTemplates(parsed.data.groups.transforms, 'groups.transforms');
  return problems.length > 0 ? { rules: null, problems } : { rules: parsed.data, problems: [] };
}

/** Throws LabError('invalid-rules') naming the first problem, with all of them in details. */
export function parseRulesOrThrow(input: unknown): JitRules {
  const result = validateRules(input);
  if (result.rules) return result.rules;
  const first = result.problems[0]!;
  const more = result.problems.length > 1 ? ` (and ${result.problems.length - 1} more)` : '';
  throw new LabError('invalid-rules', `Rules not saved: at ${first.path}: ${first.message}${more}. The last saved rules stay in force.`, result.problems);
}
