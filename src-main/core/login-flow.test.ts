// Issue 15.5: an unsolicited login is "IdP-initiated" whatever its verdict, and a rejected one does not carry the
// unrelated "unsolicited logins are allowed" warning beside its real failure.
import { afterEach, describe, expect, it } from 'vitest';
import type { LoginDetail, LoginSummary } from '../contract/index.ts';
import { startTestLab, type TestLab } from './export/export-test-support.ts';

let t: TestLab | null = null;
afterEach(async () => {
  await t?.close();
  t = null;
});

async function unsolicitedResponse(lab: TestLab, user: string): Promise<string> {
  const page = await (await fetch(`${lab.lab.url}/demo-idp/initiate?user=${user}`)).text();
  return page.match(/name="SAMLResponse" value="([^"]*)"/)![1]!;
}

const postAcs = (lab: TestLab, samlResponse: string): Promise<Response> =>
  fetch(`${lab.lab.url}/saml/acs`, { method: 'POST', headers: { 'Content-Type': 'application/x-www-form-urlencoded' }, body: new URLSearchParams({ SAMLResponse: samlResponse }).toString() });

describe('flow and status labels', () => {
  it('a rejected unsolicited login is IdP-initiated and shows only its real failure', async () => {
    const lab = (t = await startTestLab());
    const response = await unsolicitedResponse(lab, 'alice');
    // The SP's entity ID changes after the IdP issued the response: the audience no longer matches.
    await lab.call('sp.update', { entityId: 'https://sp.changed.example/' });
    expect((await postAcs(lab, response)).status).toBe(403);
    const [login] = await lab.call<LoginSummary[]>('logins.list');
    expect(login).toMatchObject({ verdict: 'rejected', flow: 'idp-initiated' });
    expect(login!.failedCheckIds).toContain('audience');
    // The list names the failing check by its title, not only "1 failed".
    expect(login!.firstFailure).toBe('Audience is this SP');
    const detail = await lab.call<LoginDetail>('logins.get', { id: login!.id });
    expect(detail.checks.find((c) => c.id === 'in-response-to')).toBeUndefined();
  });

  it('an accepted unsolicited login keeps its in-response-to warning and is IdP-initiated', async () => {
    const lab = (t = await startTestLab());
    expect((await postAcs(lab, await unsolicitedResponse(lab, 'bob'))).status).toBe(200);
    const [login] = await lab.call<LoginSummary[]>('logins.list');
    expect(login).toMatchObject({ verdict: 'accepted', flow: 'idp-initiated', firstFailure: null });
    const detail = await lab.call<LoginDetail>('logins.get', { id: login!.id });
    expect(detail.checks.find((c) => c.id === 'in-response-to')).toMatchObject({ status: 'warn' });
  });
});
