// Every demo IdP scenario, through the real listener: GET /demo-idp/initiate?user=alice&scenario=…, the auto-post
// form's SAMLResponse posted to /saml/acs over HTTP, then what the lab recorded: the checks the scenario names, the
// verdict, and for rejected scenarios an account store exactly as before.
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Account, Check, LoginDetail, LoginSummary } from '../../contract/index.ts';
import type { Lab } from '../host.ts';
import { createLab } from '../lab.ts';
import { SCENARIO_TABLE } from './scenarios.ts';

const RESOURCES = resolve(import.meta.dirname, '../../../resources');
const NOW = new Date('2030-06-01T12:00:00.000Z');

let lab: Lab;
let dir: string;

async function call<T>(method: string, input: unknown = {}): Promise<T> {
  const result = await lab.handle(method, input);
  if (!result.ok) throw new Error(`${method}: ${result.error.message}`);
  return result.value as T;
}

function formField(html: string, name: string): string {
  const m = html.match(new RegExp(`name="${name}" value="([^"]*)"`));
  if (!m) throw new Error(`no ${name} in page: ${html.slice(0, 400)}`);
  return m[1]!.replace(/&quot;/g, '"').replace(/&apos;/g, "'").replace(/&lt;/g, '<').replace(/&gt;/g, '>').replace(/&amp;/g, '&');
}

interface Outcome {
  status: number;
  login: LoginDetail;
  checks: Map<string, Check>;
  accountsBefore: Account[];
  accountsAfter: Account[];
  xml: string;
}

/** Signs in as alice with the scenario (curl-style: no browser headers) and posts the response to the ACS. */
async function run(query: string): Promise<Outcome> {
  const accountsBefore = await call<Account[]>('accounts.list');
  const page = await fetch(`${lab.url}/demo-idp/initiate?user=alice&${query}`);
  expect(page.status, await page.clone().text()).toBe(200);
  const samlResponse = formField(await page.text(), 'SAMLResponse');
  const acs = await fetch(`${lab.url}/saml/acs`, {
    method: 'POST',
    headers: { 'Content-Type': 'application/x-www-form-urlencoded' },
    body: new URLSearchParams({ SAMLResponse: samlResponse }).toString(),
  });
  await acs.text();
  const [latest] = await call<LoginSummary[]>('logins.list', { limit: 1 });
  const login = await call<LoginDetail>('logins.get', { id: latest!.id });
  return {
    status: acs.status,
    login,
    checks: new Map(login.checks.map((c) => [c.id, c])),
    accountsBefore,
    accountsAfter: await call<Account[]>('accounts.list'),
    xml: Buffer.from(samlResponse, 'base64').toString('utf8'),
  };
}

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'jitlab-scenarios-'));
  lab = await createLab({ mode: 'browser', dataDir: dir, resourcesDir: RESOURCES, port: 0, clock: () => NOW });
  // Alice exists, then her surname changes at the IdP: a scenario wrongly accepted would change her account.
  const first = await run('');
  expect(first.status).toBe(200);
  expect(first.accountsAfter.map((a) => a.fields.lastName)).toEqual(['Anderson']);
  const alice = (await call<{ id: string; attributes: Record<string, string[]> }[]>('demoUsers.list')).find((u) => u.id === 'alice')!;
  await call('demoUsers.update', { id: 'alice', attributes: { ...alice.attributes, sn: ['Changed-By-Scenario'] } });
}, 60_000);

afterAll(async () => {
  await lab?.close();
  await rm(dir, { recursive: true, force: true });
});

describe('each demo IdP scenario trips the check it names, through the real ACS', () => {
  for (const scenario of SCENARIO_TABLE) {
    it(`${scenario.id} → ${scenario.checks.join(', ')} ${scenario.status}, ${scenario.verdict}`, async () => {
      const value = scenario.param ? `&${scenario.param.name}=${scenario.param.default}` : '';
      const outcome = await run(`scenario=${scenario.id}${value}`);
      for (const id of scenario.checks) {
        expect(outcome.checks.get(id), `${id} in the login's checks`).toBeDefined();
        expect(outcome.checks.get(id)!.status, `${id}: ${JSON.stringify(outcome.checks.get(id))}`).toBe(scenario.status);
      }
      expect(outcome.login.verdict).toBe(scenario.verdict);
      expect(outcome.status).toBe(scenario.verdict === 'accepted' ? 200 : 403);
      if (scenario.verdict === 'rejected') {
        expect(outcome.accountsAfter).toEqual(outcome.accountsBefore);
        expect(outcome.login.failedCheckIds).toEqual(expect.arrayContaining(scenario.checks));
      } else {
        expect(outcome.accountsAfter.find((a) => a.principal === 'alice@example.com')?.fields.lastName).toBe('Changed-By-Scenario');
      }
    }, 60_000);
  }

  it('the responses are what each scenario says they are', async () => {
    // The largest group count the scenario allows still gets through the SP's hard limits.
    const max = SCENARIO_TABLE.find((s) => s.id === 'groups')!.param!.max;
    expect(max).toBeGreaterThanOrEqual(1000);
    const groups = await run(`scenario=groups&count=${max}`);
    expect(groups.status).toBe(200);
    expect((groups.xml.match(/demo-group-\d+/g) ?? []).length).toBe(max - 2);
    expect(groups.login.attributes.find((a) => a.name === 'groups')?.values).toHaveLength(max);
    expect(groups.accountsAfter.find((a) => a.principal === 'alice@example.com')?.groups).toHaveLength(max);

    const overage = await run('scenario=groups-overage');
    expect(overage.login.attributes.map((a) => a.name)).toContain('http://schemas.microsoft.com/claims/groups.link');
    expect(overage.login.attributes.map((a) => a.name)).not.toContain('groups');

    const big = await run('scenario=oversized&kb=400');
    expect(Buffer.byteLength(big.xml)).toBeGreaterThanOrEqual(400 * 1024);
    expect(Buffer.byteLength(big.xml)).toBeLessThan(410 * 1024);

    // The parameter is clamped to the scenario's range: the largest oversized response stays under the hard limit.
    const oversized = SCENARIO_TABLE.find((s) => s.id === 'oversized')!.param!;
    const clamped = await run('scenario=oversized&kb=999999');
    expect(Buffer.byteLength(clamped.xml)).toBeGreaterThanOrEqual(oversized.max * 1024);
    expect(clamped.status, clamped.login.checks.filter((c) => c.status === 'fail').map((c) => `${c.id}: ${c.received}`).join('; ')).toBe(200);
    expect(clamped.checks.has('limits.response-bytes') ? clamped.checks.get('limits.response-bytes')!.status : 'pass').toBe('pass');

    const status = await run('scenario=status-failure');
    expect(status.checks.get('status.success')?.received).toContain('AuthnFailed');

    const sha1 = await run('scenario=sha1');
    expect(sha1.checks.get('signature.algorithm')?.received).toContain('rsa-sha1');

    const dup = await run('scenario=duplicate-attribute');
    expect((dup.xml.match(/Name="email"/g) ?? []).length).toBe(2);
  }, 120_000);

  it('the clock offset fails beyond the skew in both directions and passes within it', async () => {
    for (const seconds of [3600, -3600]) {
      const out = await run(`scenario=clock-offset&seconds=${seconds}`);
      expect(out.checks.get('conditions.time-window')?.status, `offset ${seconds}`).toBe('fail');
      expect(out.status).toBe(403);
      expect(out.accountsAfter).toEqual(out.accountsBefore);
    }
    const small = await run('scenario=clock-offset&seconds=60');
    expect(small.checks.get('conditions.time-window')?.status).toBe('pass');
    expect(small.status).toBe(200);
  }, 60_000);

  it('an unknown scenario is refused with the list of scenarios, and signs nothing', async () => {
    const res = await fetch(`${lab.url}/demo-idp/initiate?user=alice&scenario=no-such-thing`);
    expect(res.status).toBe(400);
    const html = await res.text();
    expect(html).toContain('There is no scenario');
    expect(html).toContain('wrong-audience');
    expect(html).not.toContain('SAMLResponse');
  });
});
