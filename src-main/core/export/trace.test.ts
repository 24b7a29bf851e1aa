// Trace export with redaction: no original NameID or attribute value survives anywhere (fields, check texts,
// diff, XML, base64); hashes are stable within one export only; signatures dropped; importable back.
import { afterEach, describe, expect, it } from 'vitest';
import type { ExportFile, LoginDetail, LoginSummary } from '../../contract/index.ts';
import { startTestLab, type TestLab } from './export-test-support.ts';
import type { Trace } from './trace.ts';

const open: TestLab[] = [];
afterEach(async () => {
  for (const t of open.splice(0)) await t.close();
});

const ORIGINALS = ['alice@example.com', 'Alice', 'Anderson', 'Alice Anderson', 'engineering', 'sso-admins', 'Mallory'];

async function labWithLogins(): Promise<{ t: TestLab; ids: string[] }> {
  const t = await startTestLab();
  open.push(t);
  expect(await t.login('alice')).toBe(200);
  t.clock.now = new Date(t.clock.now.getTime() + 1000);
  expect(await t.login('alice')).toBe(200);
  // A tampered copy: rejected, its claimed values only in the XML.
  const [first] = await t.call<LoginSummary[]>('logins.list', {});
  const detail = await t.call<LoginDetail>('logins.get', { id: first!.id });
  const tampered = Buffer.from(detail.xml!.replace('>Anderson<', '>Mallory<'), 'utf8').toString('base64');
  await fetch(`${t.lab.url}/saml/acs`, { method: 'POST', headers: { 'Content-Type': 'application/x-www-form-urlencoded' }, body: new URLSearchParams({ SAMLResponse: tampered }).toString() });
  const ids = (await t.call<LoginSummary[]>('logins.list', {})).map((l) => l.id);
  expect(ids).toHaveLength(3);
  return { t, ids };
}

/** Every string the file holds, plus every base64 string decoded. */
function everything(content: string): string {
  const decoded: string[] = [];
  JSON.parse(content, (_k, v: unknown) => {
    if (typeof v === 'string' && /^[A-Za-z0-9+/=\s]{40,}$/.test(v)) decoded.push(Buffer.from(v, 'base64').toString('utf8'));
    return v;
  });
  return [content, ...decoded].join('\n');
}

describe('traces.export', () => {
  for (const mode of ['hash', 'drop'] as const) {
    it(`${mode}: no original NameID or attribute value survives anywhere in the trace`, async () => {
      const { t, ids } = await labWithLogins();
      const file = await t.call<ExportFile>('traces.export', { loginIds: ids, nameId: mode, attributes: mode });
      expect(file.fileName).toBe('saml-jit-lab-trace-3-logins-redacted.json');
      const all = everything(file.content);
      for (const v of ORIGINALS) {
        expect(all).not.toContain(v);
        expect(all.toLowerCase()).not.toContain(v.toLowerCase());
      }
      const trace = JSON.parse(file.content) as Trace;
      expect(trace.redaction).toMatchObject({ nameId: mode, attributes: mode, signatures: 'dropped' });
      expect(all).not.toContain('SignatureValue');
      expect(all).not.toContain('PRIVATE KEY');
      const accepted = trace.logins.filter((l) => l.verdict === 'accepted');
      expect(accepted).toHaveLength(2);
      if (mode === 'hash') {
        // Stable within the export: both logins of the same user carry the same hash.
        expect(accepted[0]!.nameId).toMatch(/^sha256:[0-9a-f]{24}$/);
        expect(accepted[0]!.nameId).toBe(accepted[1]!.nameId);
        expect(accepted[0]!.xml).toContain(`>${accepted[0]!.nameId}</saml:NameID>`);
        expect(accepted[0]!.attributes.find((a) => a.name === 'groups')?.values).toHaveLength(2);
        const again = JSON.parse((await t.call<ExportFile>('traces.export', { loginIds: ids, nameId: 'hash' })).content) as Trace;
        expect(again.logins.find((l) => l.verdict === 'accepted')!.nameId).not.toBe(accepted[0]!.nameId);
      } else {
        expect(accepted[0]!.nameId).toBeNull();
        expect(accepted[0]!.attributes.every((a) => a.values.length === 0)).toBe(true);
        expect(accepted[0]!.xml).not.toContain('AttributeValue');
      }
      // Still readable: the names, the checks and the verdicts are there.
      expect(accepted[0]!.attributes.map((a) => a.name)).toContain('email');
      expect(trace.logins.find((l) => l.verdict === 'rejected')?.failedCheckIds).toContain('signature.valid');
    });
  }

  it('redacts the account\'s earlier values in the diff, which come from the store, not from the exported login', async () => {
    const t = await startTestLab();
    open.push(t);
    expect(await t.login('alice')).toBe(200);
    const users = await t.call<{ id: string; attributes: Record<string, string[]> }[]>('demoUsers.list', {});
    const alice = users.find((u) => u.id === 'alice')!;
    await t.call('demoUsers.update', { id: 'alice', attributes: { ...alice.attributes, sn: ['Zed-Secret-Old-Free'] } });
    t.clock.now = new Date(t.clock.now.getTime() + 1000);
    expect(await t.login('alice')).toBe(200);
    await t.call('demoUsers.update', { id: 'alice', attributes: { ...alice.attributes, sn: ['Newer'] } });
    t.clock.now = new Date(t.clock.now.getTime() + 1000);
    expect(await t.login('alice')).toBe(200);
    const [latest] = await t.call<LoginSummary[]>('logins.list', {});
    const detail = await t.call<LoginDetail>('logins.get', { id: latest!.id });
    expect(detail.diff.changes.find((c) => c.field === 'lastName')?.before).toBe('Zed-Secret-Old-Free');
    for (const mode of ['hash', 'drop'] as const) {
      const file = await t.call<ExportFile>('traces.export', { loginIds: [latest!.id], nameId: mode, attributes: mode });
      expect(everything(file.content)).not.toContain('Zed-Secret-Old-Free');
    }
  });

  it('keep: the logins as recorded; dropSignatures alone removes the signatures and re-encodes the response', async () => {
    const { t, ids } = await labWithLogins();
    const kept = JSON.parse((await t.call<ExportFile>('traces.export', { loginIds: ids })).content) as Trace;
    // coverage is derived from the rules in force now, not recorded: a trace does not carry it.
    const { coverage: _coverage, ...original } = await t.call<LoginDetail>('logins.get', { id: ids[0]! });
    expect(kept.logins[0]).toEqual(original);
    expect(kept.redaction.signatures).toBe('kept');
    const unsigned = JSON.parse((await t.call<ExportFile>('traces.export', { loginIds: [ids[0]!], dropSignatures: true })).content) as Trace;
    expect(unsigned.logins[0]!.xml).not.toContain('Signature');
    expect(unsigned.logins[0]!.xml).toContain('alice@example.com');
    expect(Buffer.from(unsigned.logins[0]!.samlResponse!, 'base64').toString('utf8')).toBe(unsigned.logins[0]!.xml);
  });

  it('answers not-found for an unknown login id', async () => {
    const t = await startTestLab();
    open.push(t);
    const r = await t.lab.handle('traces.export', { loginIds: ['nope'] });
    expect(r.ok ? null : r.error.code).toBe('not-found');
  });
});

describe('traces.import', () => {
  it('imports a redacted trace into another lab as logins (no accounts)', async () => {
    const { t, ids } = await labWithLogins();
    const file = await t.call<ExportFile>('traces.export', { loginIds: ids, nameId: 'hash', attributes: 'hash' });
    const b = await startTestLab();
    open.push(b);
    expect(await b.call('traces.import', { json: file.content })).toEqual({ imported: 3 });
    const logins = await b.call<LoginSummary[]>('logins.list', {});
    expect(logins).toHaveLength(3);
    expect(logins.every((l) => l.accountId === null)).toBe(true);
    expect(logins.filter((l) => l.verdict === 'accepted').map((l) => l.nameId)).toEqual(
      (JSON.parse(file.content) as Trace).logins.filter((l) => l.verdict === 'accepted').map((l) => l.nameId).reverse(),
    );
    const detail = await b.call<LoginDetail>('logins.get', { id: logins[0]!.id });
    expect(detail.checks.length).toBeGreaterThan(0);
    const bad = await b.lab.handle('traces.import', { json: JSON.stringify({ kind: 'saml-jit-lab/trace', traceVersion: 9 }) });
    expect(bad.ok ? null : bad.error.message).toMatch(/newer SAML JIT Lab/);
  });
});
