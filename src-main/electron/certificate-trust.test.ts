import { X509Certificate } from 'node:crypto';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { generate } from 'selfsigned';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { certificateFacts, certificateQuestion, createCertificateTrust, trustedCertificatesDialog } from './certificate-trust.ts';
import type { TrustChoice } from './certificate-trust.ts';
import { readDesktopSettings, writeDesktopSettings } from './desktop-settings.ts';
import type { DesktopSettings, TrustedCertificate } from './desktop-settings.ts';

let idpPem = '';
let otherPem = '';
beforeAll(async () => {
  const make = async (cn: string) =>
    (await generate([{ name: 'commonName', value: cn }, { name: 'organizationName', value: 'Corp Lab' }], { keySize: 2048, algorithm: 'sha256' })).cert;
  [idpPem, otherPem] = await Promise.all([make('idp.corp.example'), make('evil.example')]);
});

const UNTRUSTED = 'net::ERR_CERT_AUTHORITY_INVALID';

/** The trust as main.ts builds it: "always" entries in a list that `save` replaces; `ask` answers as queued. */
function harness(answers: TrustChoice[] = []) {
  let stored: TrustedCertificate[] = [];
  const ask = vi.fn(async () => answers.shift() ?? 'refuse');
  const save = vi.fn(async (list: TrustedCertificate[]) => {
    stored = list;
  });
  const trust = createCertificateTrust({ stored: () => stored, save, ask, clock: () => new Date('2026-12-02T10:00:00Z') });
  return { trust, ask, save, stored: () => stored };
}
const loginError = (url: string, pem = idpPem) => ({ url, error: UNTRUSTED, certificate: { data: pem }, fromLoginWindow: true });

describe('certificate facts and the question', () => {
  it('shows subject, issuer, SHA-256 (colon hex, as browsers show it), validity and what the error means', () => {
    const facts = certificateFacts('https://IdP.corp.example:8443/sso', UNTRUSTED, { data: idpPem });
    expect(facts).toMatchObject({ host: 'idp.corp.example', sha256: new X509Certificate(idpPem).fingerprint256 });
    expect(facts?.subject).toContain('CN=idp.corp.example');
    expect(facts?.issuer).toContain('O=Corp Lab');
    const question = certificateQuestion(facts!);
    expect(question.detail).toContain(`SHA-256: ${facts!.sha256}`);
    expect(question.detail).toMatch(/Subject: .*CN=idp\.corp\.example/);
    expect(question.detail).toMatch(/self-signed, or an internal CA/);
    expect(question.buttons).toEqual(['Do Not Trust', 'Trust for This Session', 'Always Trust for idp.corp.example']);
    expect([question.defaultId, question.cancelId]).toEqual([0, 0]);
  });

  it('has nothing to show for non-https URLs or garbage certificates', () => {
    expect(certificateFacts('http://idp.corp.example/', UNTRUSTED, { data: idpPem })).toBeNull();
    expect(certificateFacts('https://idp.corp.example/', UNTRUSTED, { data: 'not a certificate' })).toBeNull();
    expect(certificateFacts('::', UNTRUSTED, { data: idpPem })).toBeNull();
  });
});

describe('certificate trust', () => {
  it('never asks for, and refuses, an error outside the login window (the app page is local)', async () => {
    const { trust, ask } = harness(['always']);
    expect(await trust.decide({ ...loginError('https://idp.corp.example/'), fromLoginWindow: false })).toBe(false);
    expect(ask).not.toHaveBeenCalled();
  });

  it('"this session": trusted for that host and certificate until restart, nothing stored', async () => {
    const { trust, ask, save } = harness(['session']);
    expect(await trust.decide(loginError('https://idp.corp.example/sso'))).toBe(true);
    expect(await trust.decide(loginError('https://idp.corp.example/sso/next'))).toBe(true);
    expect(ask).toHaveBeenCalledOnce();
    expect(save).not.toHaveBeenCalled();
    expect(trust.isTrusted('idp.corp.example', idpPem)).toBe(true);
    // Another certificate on the same host, or the same certificate on another host: asked again (refused here).
    expect(await trust.decide(loginError('https://idp.corp.example/sso', otherPem))).toBe(false);
    expect(await trust.decide(loginError('https://other.corp.example/sso'))).toBe(false);
    expect(ask).toHaveBeenCalledTimes(3);
    // A new session (a fresh trust over the same store) asks again.
    const restarted = createCertificateTrust({ stored: () => [], save, ask: async () => 'refuse' });
    expect(await restarted.decide(loginError('https://idp.corp.example/sso'))).toBe(false);
  });

  it('"always": stored with host, fingerprint, subject, issuer and date; listed; removable', async () => {
    const { trust, stored } = harness(['always']);
    expect(await trust.decide(loginError('https://idp.corp.example/sso'))).toBe(true);
    expect(stored()).toEqual([
      expect.objectContaining({ host: 'idp.corp.example', sha256: new X509Certificate(idpPem).fingerprint256, trustedAt: '2026-12-02T10:00:00.000Z' }),
    ]);
    // Survives a restart: a new trust over the stored list does not ask.
    const ask = vi.fn(async (): Promise<TrustChoice> => 'refuse');
    const restarted = createCertificateTrust({ stored, save: async () => undefined, ask });
    expect(await restarted.decide(loginError('https://idp.corp.example/'))).toBe(true);
    expect(ask).not.toHaveBeenCalled();
    expect(trust.list()).toHaveLength(1);
    await trust.remove('idp.corp.example', stored()[0]!.sha256);
    expect(stored()).toEqual([]);
    expect(trust.isTrusted('idp.corp.example', idpPem)).toBe(false);
  });

  it('asks once for a burst of errors from the same page, and not again after a refusal until a new login', async () => {
    let release: (choice: TrustChoice) => void = () => undefined;
    const ask = vi.fn(() => new Promise<TrustChoice>((resolve) => (release = resolve)));
    const trust = createCertificateTrust({ stored: () => [], save: async () => undefined, ask });
    const burst = Promise.all([1, 2, 3].map((n) => trust.decide(loginError(`https://idp.corp.example/asset${n}.js`))));
    await Promise.resolve();
    release('refuse');
    expect(await burst).toEqual([false, false, false]);
    expect(await trust.decide(loginError('https://idp.corp.example/'))).toBe(false);
    expect(ask).toHaveBeenCalledOnce();
    trust.forgetRefusals();
    const again = trust.decide(loginError('https://idp.corp.example/'));
    await Promise.resolve();
    release('session');
    expect(await again).toBe(true);
  });

  it('a failing dialog refuses', async () => {
    const trust = createCertificateTrust({ stored: () => [], save: async () => undefined, ask: () => Promise.reject(new Error('window gone')) });
    expect(await trust.decide(loginError('https://idp.corp.example/'))).toBe(false);
  });
});

describe('stored trust in desktop.json', () => {
  const dir = mkdtempSync(join(tmpdir(), 'cert-trust-'));
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it('round-trips, and a damaged entry drops the whole list (trust is never widened by a bad file)', async () => {
    const path = join(dir, 'desktop.json');
    const entry: TrustedCertificate = { host: 'idp.corp.example', sha256: new X509Certificate(idpPem).fingerprint256, subject: 'CN=idp', issuer: 'CN=idp', trustedAt: '2026-12-02T10:00:00.000Z' };
    const settings: DesktopSettings = { loginIn: 'window', trustedCertificates: [entry] };
    await writeDesktopSettings(path, settings);
    expect((await readDesktopSettings(path)).trustedCertificates).toEqual([entry]);
    writeFileSync(path, JSON.stringify({ loginIn: 'window', trustedCertificates: [entry, { ...entry, sha256: 'AA' }] }));
    expect(await readDesktopSettings(path)).toEqual({ loginIn: 'window' });
  });
});

describe('Login › Trusted IdP Certificates…', () => {
  const entry = (host: string): TrustedCertificate => ({ host, sha256: 'AB:'.repeat(31) + 'CD', subject: `CN=${host}`, issuer: 'CN=Corp CA', trustedAt: '2026-12-01T00:00:00.000Z' });

  it('says when the list is empty', () => {
    const dialog = trustedCertificatesDialog([]);
    expect(dialog.buttons).toEqual(['Close']);
    expect(dialog.message).toMatch(/No IdP certificate/);
  });

  it('lists each certificate with its fingerprint and offers to remove each one, or all', () => {
    const list = [entry('a.corp.example'), entry('b.corp.example')];
    const dialog = trustedCertificatesDialog(list);
    expect(dialog.detail).toContain('a.corp.example — CN=a.corp.example');
    expect(dialog.detail).toContain(`SHA-256: ${list[0]!.sha256}`);
    expect(dialog.buttons).toEqual(['Remove 1 (a.corp.example)', 'Remove 2 (b.corp.example)', 'Remove All', 'Close']);
    expect(dialog.actions).toEqual([{ remove: list[0] }, { remove: list[1] }, 'remove-all', 'close']);
    expect(dialog.actions[dialog.cancelId]).toBe('close');
  });
});
