// "Would your SP accept this?": the same response, IdP certificates, SP entity ID, ACS URL, clock, InResponseTo and
// SP key given to real SP libraries, each configured with its documented defaults. node-saml and samlify run in a
// worker thread (js-runner.ts); ruby-saml, python3-saml and SimpleSAMLphp through the runner scripts in
// resources/runners/ (external.ts). Every library is asked once per batch, all cases at once.
import { TARGET_NAMES, type TargetName, type TargetsResult, type TargetVerdict } from '../../contract/targets.ts';
import { describeDisagreements, type LabView } from './disagreements.ts';
import { EXTERNAL_TARGETS, runExternal, type ExternalTarget } from './external.ts';
import { JS_TARGETS, runJsTargets, type JsTarget } from './js-runner.ts';
import { toWire, unavailable, type TargetInput, type WireAnswer } from './types.ts';

export { describeDisagreements, type LabView } from './disagreements.ts';
export type { TargetInput } from './types.ts';

export interface TargetOptions {
  /** Folder with the runner scripts (resources/runners). */
  runnersDir: string;
  /** Per library and batch. Default 60 s (samlify's schema validator compiles for seconds on its first use). */
  timeoutMs?: number;
  interpreters?: Partial<Record<ExternalTarget, string>>;
  /**
   * Keep the node-saml / samlify worker this long after it answered, for the next call (the app's panel: samlify's
   * first schema validation compiles for seconds). Default 0: stopped at once (CLI, tests).
   */
  keepWarmMs?: number;
}

/** Parses `all` or a comma-separated list of library names; throws an Error naming the unknown ones. */
export function parseTargetList(list: string): TargetName[] {
  const names = list.split(',').map((s) => s.trim()).filter(Boolean);
  if (names.length === 1 && names[0] === 'all') return [...TARGET_NAMES];
  const unknown = names.filter((n) => !(TARGET_NAMES as readonly string[]).includes(n));
  if (unknown.length || names.length === 0) throw new Error(`Unknown target ${unknown.join(', ') || '(none given)'}: use ${TARGET_NAMES.join(',')} or all.`);
  return [...new Set(names)] as TargetName[];
}

/** One response through each named library. Never throws: a library that cannot run is `unavailable`. */
export async function judgeWithTargets(input: TargetInput, names: readonly TargetName[], options: TargetOptions): Promise<TargetVerdict[]> {
  const results = await judgeBatch([{ id: 'response', input }], names, options);
  return results.get('response')!;
}

/** Many responses (each with its own clock and SP) through each named library, one run per library. */
export async function judgeBatch(cases: { id: string; input: TargetInput }[], names: readonly TargetName[], options: TargetOptions): Promise<Map<string, TargetVerdict[]>> {
  const wire = cases.map((c) => toWire(c.id, c.input));
  const timeoutMs = options.timeoutMs ?? 60_000;
  const js = names.filter((n): n is JsTarget => (JS_TARGETS as readonly string[]).includes(n));
  const external = names.filter((n): n is ExternalTarget => (EXTERNAL_TARGETS as readonly string[]).includes(n));
  const [jsAnswers, ...externalAnswers] = await Promise.all([
    js.length ? runJsTargets(wire, js, timeoutMs, options.keepWarmMs ?? 0) : Promise.resolve({} as Record<JsTarget, WireAnswer>),
    ...external.map((name) => runExternal(name, wire, { runnersDir: options.runnersDir, timeoutMs, interpreters: options.interpreters })),
  ]);
  const answers = new Map<TargetName, WireAnswer>();
  for (const name of js) answers.set(name, jsAnswers[name]);
  external.forEach((name, i) => answers.set(name, externalAnswers[i]!));

  const out = new Map<string, TargetVerdict[]>();
  for (const c of cases) {
    out.set(
      c.id,
      names.map((name) => {
        const answer = answers.get(name);
        const version = typeof answer?.version === 'string' ? answer.version : null;
        if (!answer) return unavailable(name, 'no answer');
        if (typeof answer.unavailable === 'string') return unavailable(name, answer.unavailable, version);
        const r = Array.isArray(answer.results) ? answer.results.find((x) => x.id === c.id) : undefined;
        if (!r) return unavailable(name, 'the runner gave no result for this response', version);
        const verdict = r.verdict === 'accepted' ? 'accepted' : 'rejected';
        return {
          name,
          version,
          verdict,
          error: verdict === 'rejected' ? String(r.error ?? 'rejected without a message').slice(0, 2000) : null,
          nameId: verdict === 'accepted' && typeof r.nameId === 'string' ? r.nameId : null,
        };
      }),
    );
  }
  return out;
}

/**
 * The panel's and the CLI's answer: the libraries' verdicts on a response the lab has verified (its VerifyResult, or
 * a stored login's verdict, NameID and checks), and the sentences where they disagree.
 */
export async function judgeAgainstLab(input: TargetInput, lab: LabView, names: readonly TargetName[], options: TargetOptions): Promise<TargetsResult> {
  const targets = await judgeWithTargets(input, names, options);
  return {
    lab: { verdict: lab.verdict, nameId: lab.nameId, failedChecks: lab.checks.filter((c) => c.status === 'fail').map((c) => c.id) },
    targets,
    disagreements: describeDisagreements(lab, targets),
  };
}
