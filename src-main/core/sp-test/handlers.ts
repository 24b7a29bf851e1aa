// The contract methods of "Test your own SP" (src-main/contract/sp-test.ts). The composition root builds one
// SpRegistry and passes it here and to spTestIdpRoutes, so the SPs registered in the UI are the ones /idp/sso
// answers.
import { mkdir, readFile, rename, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { HandlersFor } from '../../contract/common.ts';
import type { DemoUser } from '../../contract/demo-users.ts';
import type { JitRules } from '../../contract/jit-rules.ts';
import { SpTestReport, type ReceivedAuthnRequest, type SpTestProgress, type spTestMethods } from '../../contract/sp-test.ts';
import { LabError } from '../errors.ts';
import { decodeMetadataBytes } from '../idp/metadata.ts';
import { fetchMetadata } from '../net/fetch-metadata.ts';
import type { KeyPair } from '../sp/keys.ts';
import { spTestIdpRoutes } from './idp-routes.ts';
import { labIdpFor, loadLabIdp } from './lab-idp.ts';
import { runSuite } from './runner.ts';
import { SpRegistry, registrationFrom } from './sp-registry.ts';

const MAX_RECENT_REQUESTS = 20;

export interface SpTestDeps {
  dataDir: string;
  registry: SpRegistry;
  /** The lab IdP's key pair: `ensureKeyPair(dataDir, LAB_IDP_KEY_NAME, …)` (see lab-idp.ts `loadLabIdp`). */
  idpKeys: KeyPair;
  /** http://127.0.0.1:PORT of the listener that serves spTestIdpRoutes. */
  listenerUrl: () => string;
  clock: () => Date;
  /** The demo users (as edited): the suite signs in as one of them (the first by default). */
  users: () => DemoUser[] | Promise<DemoUser[]>;
  /** The JIT rules the report compares the app's account with (the active IdP profile's). */
  rules: () => JitRules;
  /** Emits `testSps.progress`. */
  progress?: (payload: SpTestProgress) => void;
  /** The AuthnRequests /idp/sso received (createSpTestFeature fills it from the route). */
  recentRequests?: () => ReceivedAuthnRequest[];
}

export type SpTestHandlers = HandlersFor<typeof spTestMethods>;

export function createSpTestHandlers(deps: SpTestDeps): SpTestHandlers {
  const reports = new Map<string, SpTestReport>();
  let running: string | null = null;
  const idp = () => labIdpFor(deps.idpKeys, deps.listenerUrl());
  const reportFile = (id: string): string => join(deps.dataDir, 'sp-test', 'reports', `${id.replace(/[^a-zA-Z0-9-]/g, '')}.json`);

  return {
    'testSps.list': () => deps.registry.list(),
    'testSps.register': async (input) => {
      let metadataXml = input.metadataXml;
      if (!metadataXml && input.metadataUrl) metadataXml = decodeMetadataBytes((await fetchMetadata(input.metadataUrl)).bytes);
      const { metadataUrl: _url, ...rest } = input;
      return deps.registry.upsert(registrationFrom({ ...rest, metadataXml }, deps.clock()));
    },
    'testSps.update': ({ id, ...patch }) => deps.registry.update(id, patch),
    'testSps.remove': async ({ id }) => {
      reports.delete(id);
      return { removed: await deps.registry.remove(id) };
    },
    'testSps.idpMetadata': () => {
      const lab = idp();
      return { entityId: lab.entityId, ssoUrl: lab.ssoUrl, metadataUrl: lab.metadataUrl, xml: lab.metadataXml };
    },
    'testSps.run': async ({ id, cases, userId }) => {
      if (running) throw new LabError('invalid-input', 'A test run is already in progress; wait for it to finish.');
      const sp = await deps.registry.get(id);
      const users = await deps.users();
      const user = userId ? users.find((u) => u.id === userId) : users[0];
      if (!user) throw new LabError('not-found', userId ? `There is no demo user "${userId}".` : 'There is no demo user to sign in as.');
      running = id;
      const runId = `${id}:${deps.clock().toISOString()}`;
      try {
        const report = await runSuite({
          idp: idp(),
          sp,
          user: { nameId: user.nameId, attributes: user.attributes },
          cases,
          clock: deps.clock,
          rules: deps.rules(),
          onProgress: (done, total, caseId) => deps.progress?.({ runId, done, total, caseId }),
        });
        reports.set(id, report);
        await saveReport(reportFile(id), report);
        return report;
      } finally {
        running = null;
      }
    },
    'testSps.requests': () => deps.recentRequests?.() ?? [],
    'testSps.lastReport': async ({ id }) => {
      const inMemory = reports.get(id);
      if (inMemory) return inMemory;
      try {
        const parsed = SpTestReport.safeParse(JSON.parse(await readFile(reportFile(id), 'utf8')));
        return parsed.success ? parsed.data : null;
      } catch {
        return null;
      }
    },
  };
}

async function saveReport(file: string, report: SpTestReport): Promise<void> {
  await mkdir(join(file, '..'), { recursive: true, mode: 0o700 });
  await writeFile(`${file}.tmp`, JSON.stringify(report), { mode: 0o600 });
  await rename(`${file}.tmp`, file);
}

export interface SpTestFeature {
  handlers: SpTestHandlers;
  /** IdP mode on the listener: add to its routes. */
  route: ReturnType<typeof spTestIdpRoutes>;
  registry: SpRegistry;
}

/** Everything the composition root needs: the lab IdP's key pair (kept in the data folder), the registry, the
 * handlers and the listener route sharing them. */
export async function createSpTestFeature(deps: Omit<SpTestDeps, 'registry' | 'idpKeys' | 'recentRequests'>): Promise<SpTestFeature> {
  const idpKeys = (await loadLabIdp(deps.dataDir)).keys;
  const registry = new SpRegistry(deps.dataDir);
  const recent: ReceivedAuthnRequest[] = [];
  const handlers = createSpTestHandlers({ ...deps, registry, idpKeys, recentRequests: () => [...recent] });
  const route = spTestIdpRoutes({
    idp: () => labIdpFor(idpKeys, deps.listenerUrl()),
    registry,
    users: deps.users,
    clock: deps.clock,
    onRequest: (entry) => {
      recent.unshift(entry);
      recent.length = Math.min(recent.length, MAX_RECENT_REQUESTS);
    },
  });
  return { handlers, route, registry };
}
