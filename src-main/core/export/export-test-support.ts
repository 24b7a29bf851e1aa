// Test support for the export tests: a lab on a temp dir at a frozen clock, and demo-IdP logins through the real ACS.
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import type { Lab } from '../host.ts';
import { createLab } from '../lab.ts';

export const RESOURCES = resolve(import.meta.dirname, '../../../resources');
export const LAB_NOW = new Date('2030-06-01T12:00:00.000Z');

export interface TestLab {
  lab: Lab;
  dir: string;
  clock: { now: Date };
  call<T>(method: string, input?: unknown): Promise<T>;
  /** An IdP-initiated login of a demo user through the ACS; resolves with the HTTP status. */
  login(user: string): Promise<number>;
  /** Closes the lab and starts it again on the same data folder (what a restart of the app does). */
  restart(): Promise<void>;
  close(): Promise<void>;
}

export async function startTestLab(): Promise<TestLab> {
  const dir = await mkdtemp(join(tmpdir(), 'jitlab-export-'));
  const clock = { now: LAB_NOW };
  const start = (): Promise<Lab> => createLab({ mode: 'browser', dataDir: dir, resourcesDir: RESOURCES, port: 0, clock: () => clock.now, version: '9.9.9-test' });
  let lab = await start();
  const call = async <T>(method: string, input: unknown = {}): Promise<T> => {
    const result = await lab.handle(method, input);
    if (!result.ok) throw Object.assign(new Error(`${method}: ${result.error.message}`), { code: result.error.code });
    return result.value as T;
  };
  return {
    get lab() {
      return lab;
    },
    dir,
    clock,
    call,
    async login(user) {
      const page = await (await fetch(`${lab.url}/demo-idp/initiate?user=${user}`)).text();
      const m = page.match(/name="SAMLResponse" value="([^"]*)"/);
      if (!m) throw new Error('no SAMLResponse in the demo IdP page');
      const res = await fetch(`${lab.url}/saml/acs`, {
        method: 'POST',
        headers: { 'Content-Type': 'application/x-www-form-urlencoded' },
        body: new URLSearchParams({ SAMLResponse: m[1]!.replace(/&amp;/g, '&').replace(/&#x2F;/g, '/') }).toString(),
      });
      return res.status;
    },
    async restart() {
      await lab.close();
      lab = await start();
    },
    async close() {
      await lab.close();
      await rm(dir, { recursive: true, force: true });
    },
  };
}
