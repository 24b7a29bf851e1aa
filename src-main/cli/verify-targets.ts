// `saml-jit-lab verify --targets LIST`: the same response, IdP certificates, SP, clock, InResponseTo and SP key given
// to real SP libraries (src-main/core/targets), printed next to the lab's verdict.
import { join } from 'node:path';
import type { TargetName, TargetsResult } from '../contract/targets.ts';
import type { TrustedIdp } from '../core/saml/context.ts';
import type { VerifyResult } from '../core/saml/verify.ts';
import { judgeAgainstLab, parseTargetList } from '../core/targets/index.ts';
import { toPem } from '../core/util/cert.ts';
import { UsageError } from './args.ts';
import { RESOURCES_DIR } from './paths.ts';
import type { Io } from './serve.ts';

export function parseTargetsFlag(value: string): TargetName[] {
  try {
    return parseTargetList(value);
  } catch (error) {
    throw new UsageError(`--targets: ${(error as Error).message}`);
  }
}

export interface TargetsRun {
  names: TargetName[];
  response: string;
  isXml: boolean;
  idp: TrustedIdp;
  sp: { entityId: string; acsUrl: string };
  now: Date;
  inResponseTo: string | null;
  spKey: string | null;
}

export function runTargets(run: TargetsRun, result: VerifyResult): Promise<TargetsResult> {
  const xmlOrB64 = run.response.replace(/^\uFEFF/, '').trim();
  return judgeAgainstLab(
    {
      samlResponse: run.isXml ? Buffer.from(xmlOrB64, 'utf8').toString('base64') : xmlOrB64.replace(/\s+/g, ''),
      idpCertificatesPem: run.idp.certificates.filter((c) => c.use !== 'encryption').map((c) => toPem(c.base64)),
      idpEntityId: run.idp.entityId,
      spEntityId: run.sp.entityId,
      acsUrl: run.sp.acsUrl,
      now: run.now,
      inResponseTo: run.inResponseTo,
      spPrivateKeyPem: run.spKey,
    },
    result,
    run.names,
    { runnersDir: join(RESOURCES_DIR, 'runners') },
  );
}

/** The text report: one row per library, then the sentences where it and the lab disagree. */
export function printTargets(report: TargetsResult, io: Io): void {
  io.out('');
  io.out('Would your SP accept this? (real SP libraries, documented defaults, same response, IdP, SP and clock)');
  const label = (v: string): string => (v === 'accepted' ? 'ACCEPTED' : v === 'rejected' ? 'REJECTED' : 'unavailable');
  const rows: { name: string; version: string; verdict: string; detail: string }[] = [
    { name: 'lab', version: '', verdict: report.lab.verdict, detail: report.lab.verdict === 'accepted' ? `NameID ${report.lab.nameId ?? '—'}` : `failed: ${report.lab.failedChecks.join(', ')}` },
    ...report.targets.map((t) => ({ name: t.name, version: t.version ?? '', verdict: t.verdict, detail: t.verdict === 'accepted' ? `NameID ${t.nameId ?? '—'}` : (t.error ?? '') })),
  ];
  for (const r of rows) io.out(`  ${`${r.name} ${r.version}`.trim().padEnd(22)} ${label(r.verdict).padEnd(11)} ${r.detail.replace(/\s+/g, ' ').slice(0, 160)}`);
  for (const sentence of report.disagreements) io.out(`  ! ${sentence}`);
  if (report.disagreements.length === 0 && report.targets.some((t) => t.verdict !== 'unavailable')) io.out('  Every library that ran agrees with the lab.');
}
