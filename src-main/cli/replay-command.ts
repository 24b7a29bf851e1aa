// `saml-jit-lab replay`: re-verifies every login recorded in a tested-config bundle at its recorded time, with the
// bundle's settings and the current IdP metadata, and says what would now differ. For CI: exit 0 all as recorded,
// 1 any difference (or, with --fail-on-expiry DAYS, a trusted signing certificate expiring within DAYS), 2 unusable
// input.
import { readFile } from 'node:fs/promises';
import { JitRules } from '../contract/jit-rules.ts';
import { readBundle } from '../core/export/bundle.ts';
import { parseCurrentMetadata, replayBundle, type ReplayReport } from '../core/export/replay.ts';
import { decodeMetadataBytes } from '../core/idp/metadata.ts';
import { expiringWithin, type CertExpiry } from '../core/idp/rollover.ts';
import { fetchMetadata } from '../core/net/fetch-metadata.ts';
import { UsageError, parseFlags } from './args.ts';
import type { Io } from './serve.ts';
import { REPLAY_USAGE } from './usage.ts';

export { REPLAY_USAGE } from './usage.ts';

export async function replayCommand(argv: string[], io: Io): Promise<number> {
  const { flags, positional } = parseFlags(argv, { config: 'string', metadata: 'string', rules: 'string', offline: 'boolean', json: 'boolean', help: 'boolean', 'fail-on-expiry': 'string' });
  if (flags.help) {
    io.out(`Usage: ${REPLAY_USAGE}`);
    return 0;
  }
  if (positional.length > 0) throw new UsageError(`Unexpected argument "${positional[0]}".\nUsage: ${REPLAY_USAGE}`);
  if (typeof flags.config !== 'string') throw new UsageError(`--config BUNDLE is required.\nUsage: ${REPLAY_USAGE}`);
  const expiryDays = daysFlag(flags['fail-on-expiry']);
  const { bundle, metadata: recorded } = readBundle(await readText(flags.config, '--config'));
  // The current metadata: a file given, else the bundle's source URL (fetched now), else the bundle's own copy.
  const metadataFile = typeof flags.metadata === 'string' ? flags.metadata : null;
  const metadataUrl = metadataFile === null && flags.offline !== true ? bundle.idp.metadataUrl : null;
  let current = recorded;
  if (metadataFile) current = parseCurrentMetadata(await readText(metadataFile, '--metadata'), bundle.idp.entityId);
  else if (metadataUrl) {
    try {
      current = parseCurrentMetadata(decodeMetadataBytes((await fetchMetadata(metadataUrl)).bytes), bundle.idp.entityId);
    } catch (error) {
      throw new UsageError(`Cannot read the current metadata from ${metadataUrl}: ${error instanceof Error ? error.message : String(error)} (use --metadata FILE, or --offline to replay against the bundle's copy).`);
    }
  }
  let rules: JitRules | undefined;
  if (typeof flags.rules === 'string') {
    let raw: unknown;
    try {
      raw = JSON.parse(await readText(flags.rules, '--rules'));
    } catch (error) {
      if (error instanceof UsageError) throw error;
      throw new UsageError(`--rules ${flags.rules} is not JSON.`);
    }
    // Accept the rules object itself or a rules.get answer ({ rules }).
    const candidate = typeof raw === 'object' && raw !== null && 'rules' in raw ? (raw as { rules: unknown }).rules : raw;
    const parsed = JitRules.safeParse(candidate);
    if (!parsed.success) throw new UsageError(`--rules ${flags.rules} is not valid JIT rules: ${parsed.error.issues[0]?.path.join('.') ?? ''}: ${parsed.error.issues[0]?.message ?? ''}`);
    rules = parsed.data;
  }
  const report = replayBundle({ bundle, recordedMetadata: recorded, currentMetadata: current, metadataSource: metadataFile ?? metadataUrl ?? 'the bundle', rules });
  // The certificate gate: every signing certificate trusted by the bundle's metadata or the current one.
  const expiring = expiryDays === null ? null : expiringWithin([recorded, current], new Date(), expiryDays);
  if (flags.json === true) io.out(JSON.stringify(expiring === null ? report : { ...report, certificateGate: { days: expiryDays, expiring } }, null, 2));
  else {
    printReport(report, io);
    if (expiring !== null) printGate(expiryDays!, expiring, io);
  }
  return report.asRecorded && (expiring === null || expiring.length === 0) ? 0 : 1;
}

function daysFlag(value: string | boolean | undefined): number | null {
  if (value === undefined) return null;
  const days = Number(value);
  if (typeof value !== 'string' || !/^\d+$/.test(value) || !Number.isSafeInteger(days)) throw new UsageError(`--fail-on-expiry takes a whole number of days (got "${String(value)}").`);
  return days;
}

function printGate(days: number, expiring: CertExpiry[], io: Io): void {
  for (const c of expiring) {
    io.out(`  ${c.expired ? 'EXPIRED' : 'EXPIRES'} ${c.notAfter.slice(0, 10)} (${c.expired ? `${-c.daysLeft} days ago` : `in ${c.daysLeft} day${c.daysLeft === 1 ? '' : 's'}`}): signing certificate ${c.subject}, SHA-256 ${c.fingerprintSha256}`);
  }
  if (expiring.length === 0) io.out(`CERTIFICATES OK: no trusted signing certificate expires within ${days} day${days === 1 ? '' : 's'}.`);
  else io.out(`CERTIFICATE GATE: ${expiring.length} trusted signing certificate${expiring.length === 1 ? '' : 's'} expire${expiring.length === 1 ? 's' : ''} within ${days} day${days === 1 ? '' : 's'}: import the IdP's new certificate before then.`);
}

function printReport(report: ReplayReport, io: Io): void {
  const n = report.items.length;
  io.out(`Replaying ${n} recorded login${n === 1 ? '' : 's'} with the IdP metadata from ${report.metadataSource}`);
  for (const d of report.metadata) io.out(`  DIFF metadata: ${d.message}`);
  for (const notice of report.notices) io.out(`  note: ${notice}`);
  for (const item of report.items) {
    io.out(`  ${item.asRecorded ? 'same' : 'DIFF'} ${item.principal} (recorded ${item.receivedAt}): ${item.asRecorded ? 'accepted, same account' : `now ${item.verdict}`}`);
    for (const d of item.differences) io.out(`       ${d.message}`);
  }
  const differing = report.items.filter((i) => !i.asRecorded).length;
  if (report.asRecorded) io.out(`AS RECORDED: ${n} of ${n} logins verify and provision as when they were tested.`);
  else io.out(`DIFFERENT: ${differing} of ${n} logins${report.metadata.length ? ` and the IdP metadata` : ''} would not behave as recorded.`);
}

async function readText(path: string, flag: string): Promise<string> {
  try {
    return await readFile(path, 'utf8');
  } catch (error) {
    throw new UsageError(`Cannot read ${flag} ${path}: ${(error as NodeJS.ErrnoException).code ?? String(error)}`);
  }
}
