// The report card as text (the CLI) and as the JSON `--json` prints.
import type { SpTestReport } from '../../contract/sp-test.ts';

const MARK = { safe: 'safe', VULNERABLE: 'VULNERABLE', inconclusive: 'inconclusive', warn: 'WARN' } as const;

export function reportText(report: SpTestReport): string[] {
  const lines: string[] = [];
  lines.push(`SP ${report.sp.entityId} — ACS ${report.sp.acsUrl}${report.sp.startUrl ? `, SP-initiated from ${report.sp.startUrl}` : ', IdP-initiated'}`);
  lines.push(`IdP ${report.idp.entityId} (${report.idp.ssoUrl}); acceptance seen by ${report.observation}; user ${report.user.nameId}`);
  const width = Math.max(...report.cases.map((c) => c.id.length));
  for (const c of report.cases) {
    lines.push(`  ${MARK[c.verdict].padEnd(12)} ${c.id.padEnd(width)}  ${c.title} (expect ${c.expect}, observed ${c.observed})`);
    if (c.verdict !== 'safe') lines.push(`  ${''.padEnd(12)} ${''.padEnd(width)}  ${c.detail}`);
  }
  const a = report.account;
  if (a.app || a.appText) {
    lines.push(`Account the app shows: ${a.app ? Object.entries(a.app).map(([k, v]) => `${k}=${v}`).join(', ') : clip(a.appText ?? '', 300)}`);
  }
  if (a.lab) lines.push(`Account the lab's JIT rules plan: ${Object.entries(a.lab).map(([k, v]) => `${k}=${v}`).join(', ')}${a.labRoles.length ? `; roles ${a.labRoles.join(', ')}` : ''}`);
  for (const m of a.mismatches) lines.push(`  differs: ${m.field}: app ${m.app ?? '(not shown)'}, lab ${m.lab ?? '(none)'}`);
  const s = report.summary;
  lines.push(`${s.safe} safe, ${s.vulnerable} VULNERABLE, ${s.inconclusive} inconclusive, ${s.warn} warning${s.warn === 1 ? '' : 's'}${report.exitCode === 0 ? '' : report.cases.find((c) => c.id === 'valid')?.observed !== 'accepted' ? ' — the valid login was not accepted' : ''}`);
  return lines;
}

export function reportJson(report: SpTestReport): string {
  return JSON.stringify(
    {
      cases: report.cases.map(({ id, title, expect, observed, verdict, detail, evidence }) => ({ id, title, expect, observed, verdict, detail, evidence })),
      summary: report.summary,
      account: report.account,
      sp: report.sp,
      idp: report.idp,
      observation: report.observation,
      exitCode: report.exitCode,
    },
    null,
    2,
  );
}

function clip(text: string, max: number): string {
  return text.length > max ? `${text.slice(0, max)}…` : text;
}
