#!/usr/bin/env node
// Prints the README's "What real SP libraries would do" matrix from the differential suite's committed table
// (src-main/core/targets/differential-expected.json): `node scripts/targets-matrix.mjs`.
import { readFileSync } from 'node:fs';

const table = JSON.parse(readFileSync(new URL('../src-main/core/targets/differential-expected.json', import.meta.url), 'utf8'));
const names = ['node-saml', 'samlify', 'ruby-saml', 'python3-saml', 'simplesamlphp'];
const mark = (v) => (v === undefined ? '—' : v === 'accepted' ? 'accepts' : v === 'rejected' ? 'rejects' : v.replace(/^accepted as /, 'accepts as '));

const head = ['Case', 'Lab', ...names.map((n) => `${n} ${table.versions[n] ?? ''}`.trim())];
const lines = [`| ${head.join(' | ')} |`, `| ${head.map(() => '---').join(' | ')} |`];
for (const row of table.cases) {
  const lab = row.lab === 'accepted' ? 'accepts' : `rejects (${row.labFailed.slice(0, 2).join(', ')}${row.labFailed.length > 2 ? ', …' : ''})`;
  const cells = names.map((n) => {
    const v = row.verdicts[n];
    // Bold where a library accepts what the lab refuses: the SP would be exposed (or, for a deviation, lenient).
    return row.lab === 'rejected' && v?.startsWith('accepted') ? `**${mark(v)}**` : mark(v);
  });
  lines.push(`| ${row.title.replaceAll('|', '\\|')} | ${lab} | ${cells.join(' | ')} |`);
}
process.stdout.write(`${lines.join('\n')}\n`);
