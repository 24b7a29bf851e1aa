// Issue 15.5: an unsolicited login is "IdP-initiated" whatever its verdict, and a rejected one does not carry the
// unrelated "unsolicited logins are allowed" warning beside its real failure.
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import type { LoginDetail, LoginSummary } from '../contract/index.ts';
import type { Lab } from './host.ts';
import { createLab } from './lab.ts';

const RESOURCES = resolve(import.meta.dirname, '../../resources');
const NOW = new Date('2030-06-01T12:00:00.000Z');
const open: { lab: Lab; dir: string }[] = [];

afterEach(async () => {
  for (const { lab, dir } of open.splice(0)) {
    await lab.close();
    await rm(dir, { recursive: true, force: true });
  }
});

async function startLab(): Promise<Lab> {
  const dataDir = await mkdtemp(join(tmpdir(), 'jitlab-flow-'));
  const lab = await createLab({ mode: 'browser', dataDir, resourcesDir: RESOURCES, port: 0, clock: () => NOW, appUrl: (u) => `${u}/` });
  open.push({ lab, dir: dataDir });
  return lab;
}

async function call<T>(lab: Lab, method: string, input: unknown = {}): Promise<T> {
  const result = await lab.handle(method, input);
  if (!result.ok) throw new Error(`${method}: ${result.error.message}`);
  return result.value as T;
}

async function unsolicitedResponse(lab: Lab, user: string): Promise<string> {
  const page = await (await fetch(`${lab.url}/demo-idp/initiate?user=${user}`)).text();
  return page.match(/name="SAMLResponse" value="([^"]*)"/)![1]!;
}

const postAcs = (lab: Lab, samlResponse: string): Promise<Response> =>
  fetch(`${lab.url}/saml/acs`, { method: 'POST', headers: { 'Content-Type': 'application/x-www-form-urlencoded' }, body: new URLSearchParams({ SAMLResponse: samlResponse }).toString() });

describe('flow and status labels', () => {
  it('a rejected unsolicited login is IdP-initiated and shows only its real failure', async () => {
    const lab = await startLab();
    const response = await unsolicitedResponse(lab, 'alice');
    // The SP's entity ID changes after the IdP issued the response: the audience no longer matches.
    await call(lab, 'sp.update', { entityId: 'https://sp.changed.example/' });
    expect((await postAcs(lab, response)).status).toBe(403);
    const [login] = await call<LoginSummary[]>(lab, 'logins.list');
    expect(login).toMatchObject({ verdict: 'rejected', flow: 'idp-initiated' });
    expect(login!.failedCheckIds).toContain('audience');
    // The list names the failing check by its title, not only "1 failed".
    expect(login!.firstFailure).toBe('Audience is this SP');
    const detail = await call<LoginDetail>(lab, 'logins.get', { id: login!.id });
    expect(detail.checks.find((c) => c.id === 'in-response-to')).toBeUndefined();
  });

  it('an accepted unsolicited login keeps its in-response-to warning and is IdP-initiated', async () => {
    const lab = await startLab();
    expect((await postAcs(lab, await unsolicitedResponse(lab, 'bob'))).status).toBe(200);
    const [login] = await call<LoginSummary[]>(lab, 'logins.list');
    expect(login).toMatchObject({ verdict: 'accepted', flow: 'idp-initiated', firstFailure: null });
    const detail = await call<LoginDetail>(lab, 'logins.get', { id: login!.id });
    expect(detail.checks.find((c) => c.id === 'in-response-to')).toMatchObject({ status: 'warn' });
  });
});
