// `saml-jit-lab whatif`: for each tested user of a bundle, what each IdP drift (NameID format or case changed, email
// changed, a group removed, group overage, attributes renamed, an account pre-created by SCIM) would do to the
// account under the bundle's rules and under each preset: duplicate account, lock-out, roles removed, fields
// cleared. Reads the bundle, writes nothing. Exit 0 when it ran, 2 on unusable input.
import { readFile } from 'node:fs/promises';
import { DRIFT_IDS, DriftId } from '../contract/jit-coverage.ts';
import { readBundle } from '../core/export/bundle.ts';
import { PRESETS } from '../core/jit/presets.ts';
import { accountKey } from '../core/jit/provision.ts';
import { whatIf, type WhatIfScenario } from '../core/jit/whatif.ts';
import type { StoredAccount } from '../core/store/schema.ts';
import { UsageError, parseFlags } from './args.ts';
import type { Io } from './serve.ts';
import { WHATIF_USAGE } from './usage.ts';

const HELP = `Usage: ${WHATIF_USAGE}

For each tested user in the bundle (or only --user, a NameID or principal), applies each drift to the recorded
login and shows the account diff it would cause under the bundle's rules and under every preset, without writing.
  --drift LIST   comma-separated, from: ${DRIFT_IDS.join(', ')} (default: all)
  --json         the scenarios as JSON: [{ user, scenarios: [{ drift, change, applicable, results }] }]
Exit status: 0 when it ran, 2 on usage errors or an unreadable bundle.`;

export interface WhatIfUserReport {
  user: string;
  nameId: string;
  receivedAt: string;
  scenarios: WhatIfScenario[];
}

export async function whatifCommand(argv: string[], io: Io, now: Date = new Date()): Promise<number> {
  const { flags, positional } = parseFlags(argv, { config: 'string', user: 'string', drift: 'string', json: 'boolean', help: 'boolean' });
  if (flags.help) {
    io.out(HELP);
    return 0;
  }
  if (positional.length > 0) throw new UsageError(`Unexpected argument "${positional[0]}".\nUsage: ${WHATIF_USAGE}`);
  if (typeof flags.config !== 'string') throw new UsageError(`--config BUNDLE is required.\nUsage: ${WHATIF_USAGE}`);
  const drifts = parseDrifts(flags.drift);
  let text: string;
  try {
    text = await readFile(flags.config, 'utf8');
  } catch (error) {
    throw new UsageError(`Cannot read --config ${flags.config}: ${(error as NodeJS.ErrnoException).code ?? String(error)}`);
  }
  const { bundle } = readBundle(text);
  const rules = bundle.rules;
  // The recorded accounts, keyed as the bundle's rules key them: the lab the bundle was tested in.
  const accounts: StoredAccount[] = bundle.evidence.map((e) => ({ ...e.account, key: accountKey(e.account.idpEntityId, e.account.principal, rules.principal.caseInsensitive) }));
  const user = typeof flags.user === 'string' ? flags.user : null;
  const evidence = bundle.evidence.filter((e) => user === null || e.nameId === user || e.principal === user);
  if (evidence.length === 0) {
    const known = bundle.evidence.map((e) => e.nameId).join(', ') || 'none';
    throw new UsageError(user === null ? 'The bundle holds no tested login to start from: sign in once, then export it again.' : `No tested user "${user}" in the bundle (tested: ${known}).`);
  }
  const reports: WhatIfUserReport[] = evidence.map((e) => {
    const account = accounts[bundle.evidence.indexOf(e)]!;
    return {
      user: e.principal,
      nameId: e.nameId,
      receivedAt: e.receivedAt,
      scenarios: whatIf({ login: { idpEntityId: e.account.idpEntityId, nameId: e.nameId, nameIdFormat: e.nameIdFormat, attributes: e.attributes }, account, others: accounts, rules, presets: PRESETS, drifts, now }),
    };
  });
  if (flags.json === true) io.out(JSON.stringify(reports, null, 2));
  else for (const r of reports) print(r, io);
  return 0;
}

function parseDrifts(value: string | boolean | undefined): DriftId[] | undefined {
  if (value === undefined) return undefined;
  if (typeof value !== 'string') throw new UsageError('--drift needs a value.');
  const out: DriftId[] = [];
  for (const name of value.split(',').map((s) => s.trim()).filter(Boolean)) {
    const parsed = DriftId.safeParse(name);
    if (!parsed.success) throw new UsageError(`Unknown drift "${name}". Drifts: ${DRIFT_IDS.join(', ')}.`);
    if (!out.includes(parsed.data)) out.push(parsed.data);
  }
  if (out.length === 0) throw new UsageError(`--drift needs at least one of: ${DRIFT_IDS.join(', ')}.`);
  return out;
}

const TAG = { danger: 'DANGER', notice: 'notice', ok: 'ok' } as const;

function print(report: WhatIfUserReport, io: Io): void {
  io.out(`What if — ${report.user} (NameID ${report.nameId}, recorded ${report.receivedAt}); nothing is written`);
  for (const s of report.scenarios) {
    io.out(`  ${s.title}: ${s.change}`);
    if (!s.applicable) {
      io.out('    (not applicable to this login)');
      continue;
    }
    const width = Math.max(...s.results.map((r) => (r.rulesId === 'current' ? 'Bundle rules' : r.rulesName).length));
    for (const r of s.results) {
      const name = r.rulesId === 'current' ? 'Bundle rules' : r.rulesName;
      io.out(`    ${TAG[r.outcome.severity].padEnd(6)} ${name.padEnd(width)}  ${r.outcome.label}`);
    }
  }
}
