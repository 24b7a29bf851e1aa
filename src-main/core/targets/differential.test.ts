// The differential suite: every captured response of ../shared/corpus and the lab's attack cases through every real
// SP library, compared with the committed table differential-expected.json. A change in any library's behaviour
// (an upgrade, a different Debian package) fails with a case × library diff. A library that is not installed here
// is skipped with the reason printed (CI installs all of them: .ci/run).
//
// To record a new table after a deliberate change: UPDATE_TARGETS_TABLE=1 npx vitest run src-main/core/targets/differential.test.ts
// then `node scripts/targets-matrix.mjs` prints the README matrix.
import { readFileSync, writeFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { TARGET_NAMES, type TargetName, type TargetVerdict } from '../../contract/targets.ts';
import { verifyResponse, type VerifyResult } from '../saml/verify.ts';
import { CORPUS_DIR, DEVIATION_CASES, HAVE_CORPUS, attackCases, corpusCases, type DifferentialCase } from './differential-cases.ts';
import { describeDisagreements } from './disagreements.ts';
import { judgeBatch } from './index.ts';

const TABLE_FILE = resolve(import.meta.dirname, 'differential-expected.json');
const RUNNERS_DIR = resolve(import.meta.dirname, '../../../resources/runners');

type Cell = 'accepted' | 'rejected' | `accepted as ${string}`;
interface Row {
  id: string;
  title: string;
  lab: 'accepted' | 'rejected';
  labFailed: string[];
  verdicts: Partial<Record<TargetName, Cell>>;
}
interface Table {
  note: string;
  versions: Partial<Record<TargetName, string | null>>;
  cases: Row[];
}

if (!HAVE_CORPUS) console.log(`The differential suite runs without the corpus: ${CORPUS_DIR}/responses does not exist.`);

let cases: DifferentialCase[];
let results: Map<string, TargetVerdict[]>;
const lab = new Map<string, VerifyResult>();
const table = JSON.parse(readFileSync(TABLE_FILE, 'utf8')) as Table;

/** The table's cell: the verdict, and the NameID when a library would log in someone else than the lab reads. */
function cell(t: TargetVerdict, labResult: VerifyResult): Cell | null {
  if (t.verdict === 'unavailable') return null;
  if (t.verdict === 'accepted' && labResult.nameId !== null && t.nameId !== labResult.nameId) return `accepted as ${t.nameId ?? '(no NameID)'}`;
  return t.verdict;
}

beforeAll(async () => {
  cases = [...corpusCases(), ...(await attackCases())];
  for (const c of cases) lab.set(c.id, verifyResponse(c.lab));
  // One run per library for all cases; the five run at once.
  results = await judgeBatch(cases.map((c) => ({ id: c.id, input: c.target })), TARGET_NAMES, { runnersDir: RUNNERS_DIR, timeoutMs: 150_000 });
  if (process.env.UPDATE_TARGETS_TABLE) {
    const previous = new Map(table.cases.map((r) => [r.id, r]));
    const rows: Row[] = cases.map((c) => {
      const l = lab.get(c.id)!;
      const verdicts: Row['verdicts'] = { ...previous.get(c.id)?.verdicts };
      for (const t of results.get(c.id)!) {
        const v = cell(t, l);
        if (v) verdicts[t.name] = v; // a library unavailable here keeps its recorded column
      }
      return { id: c.id, title: c.title, lab: l.verdict, labFailed: l.checks.filter((x) => x.status === 'fail').map((x) => x.id), verdicts };
    });
    const versions = { ...table.versions };
    for (const t of results.values().next().value ?? []) if (t.version) versions[t.name] = t.version;
    writeFileSync(TABLE_FILE, `${JSON.stringify({ ...table, versions, cases: rows }, null, 2)}\n`);
    console.log(`Recorded ${rows.length} cases in ${TABLE_FILE}.`);
  }
}, 240_000);

describe('differential: real SP libraries on the corpus and the attack cases', () => {
  it('the table has a row for every case and no row without a case', () => {
    const ids = cases.map((c) => c.id);
    const recorded = table.cases.map((r) => r.id).filter((id) => HAVE_CORPUS || !id.startsWith('corpus/'));
    expect(ids).toEqual(recorded);
  });

  for (const name of TARGET_NAMES) {
    it(`${name}: every case gets its recorded verdict`, (ctx) => {
      const got = cases.map((c) => ({ c, t: results.get(c.id)!.find((t) => t.name === name)! }));
      const unavailable = got.find(({ t }) => t.verdict === 'unavailable');
      if (unavailable && got.every(({ t }) => t.verdict === 'unavailable')) {
        console.log(`Skipping ${name}: ${unavailable.t.error}`);
        ctx.skip();
        return;
      }
      const rows = new Map(table.cases.map((r) => [r.id, r]));
      const diff: string[] = [];
      for (const { c, t } of got) {
        const expected = rows.get(c.id)?.verdicts[name];
        const actual = cell(t, lab.get(c.id)!) ?? `unavailable (${t.error})`;
        if (expected !== actual) diff.push(`${c.id} × ${name}: expected ${expected ?? '(not recorded)'}, got ${actual}${t.error && t.verdict === 'rejected' ? ` — "${t.error.slice(0, 160)}"` : ''}`);
      }
      // Readable on failure: one line per case whose verdict changed.
      expect(diff.join('\n')).toBe('');
    });
  }

  it('the lab rejects every attack case and accepts the valid ones, as recorded (deviations aside)', () => {
    const attacks = table.cases.filter((r) => r.id.startsWith('lab/') && !DEVIATION_CASES.includes(r.id));
    const got = attacks.map((r) => `${r.id}: ${lab.get(r.id)!.verdict}`);
    expect(got).toEqual(attacks.map((r) => `${r.id}: ${r.lab}`));
    expect(attacks.filter((r) => r.lab === 'accepted').map((r) => r.id)).toEqual(['lab/valid', 'lab/valid-assertion-signed', 'lab/valid-response-signed', 'lab/valid-unsolicited', 'lab/sha1', 'lab/comment-injection']);
  });

  it('says which library would be exposed where the lab refuses an attack', () => {
    for (const id of ['lab/replay', 'lab/wrong-destination']) {
      const targets = results.get(id)!;
      const sentences = describeDisagreements(lab.get(id)!, targets);
      const accepting = targets.filter((t) => t.verdict === 'accepted').map((t) => t.name);
      expect(sentences.length).toBe(accepting.length);
      for (const [i, name] of accepting.entries()) expect(sentences[i]).toMatch(new RegExp(`^${name} would accept this (REPLAYED|MISDIRECTED).*your SP would be exposed`));
    }
  });
});
