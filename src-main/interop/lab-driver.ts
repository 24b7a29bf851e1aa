// The real lab (createLab on port 0, its SP listener and JIT store) set up for a third-party IdP, plus the calls an
// interop test makes: start a login, read the latest login and the accounts.
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import type { Account, LoginDetail, LoginSummary } from '../contract/index.ts';
import type { Lab } from '../core/host.ts';
import { createLab } from '../core/lab.ts';

const RESOURCES = resolve(import.meta.dirname, '../../resources');

export interface InteropLab {
  lab: Lab;
  acsUrl: string;
  call<T>(method: string, input?: unknown): Promise<T>;
  /** The newest login with its checks, attributes and diff. */
  latestLogin(): Promise<LoginDetail>;
  loginCount(): Promise<number>;
  accounts(): Promise<Account[]>;
  close(): Promise<void>;
}

export async function startInteropLab(options: { idpMetadataXml: string; spEntityId: string; nameIdFormat?: string }): Promise<InteropLab> {
  const dataDir = await mkdtemp(join(tmpdir(), 'jitlab-interop-'));
  let lab: Lab;
  try {
    lab = await createLab({ mode: 'browser', dataDir, resourcesDir: RESOURCES, port: 0, idpMetadataXml: options.idpMetadataXml, spEntityId: options.spEntityId });
  } catch (error) {
    await rm(dataDir, { recursive: true, force: true });
    throw error;
  }
  const call = async <T>(method: string, input: unknown = {}): Promise<T> => {
    const result = await lab.handle(method, input);
    if (!result.ok) throw new Error(`${method}: ${result.error.code}: ${result.error.message}`);
    return result.value as T;
  };
  if (options.nameIdFormat) await call('sp.update', { nameIdFormat: options.nameIdFormat });
  return {
    lab,
    acsUrl: `${lab.url}/saml/acs`,
    call,
    async latestLogin() {
      const [latest] = await call<LoginSummary[]>('logins.list', { limit: 1 });
      if (!latest) throw new Error('No login was recorded.');
      return call<LoginDetail>('logins.get', { id: latest.id });
    },
    async loginCount() {
      return (await call<LoginSummary[]>('logins.list', {})).length;
    },
    accounts: () => call<Account[]>('accounts.list'),
    async close() {
      await lab.close();
      await rm(dataDir, { recursive: true, force: true });
    },
  };
}

/** A one-line account of a login for failure messages: verdict, failing checks with what they received. */
export function explain(login: LoginDetail): string {
  const bad = login.checks.filter((c) => c.status === 'fail').map((c) => `${c.id}: expected ${c.expected ?? '-'}, received ${c.received ?? '-'}`);
  return `${login.verdict} (${login.flow}, ${login.diffKind})${bad.length ? `; failed ${bad.join('; ')}` : ''}`;
}
