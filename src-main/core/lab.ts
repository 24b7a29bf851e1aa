// The composition root of the core. Each feature module owns its state and builds its handlers; this file only
// wires them together, starts the listener and dispatches contract calls. Hosts (Electron IPC, browser-mode HTTP,
// tests) only call `handle` and `on`.
//
//   store          StoreService        every piece of state, written only through its collection methods
//   IdP profiles   IdpRegistry         stored metadata, its parse cache, and so the keys the lab trusts
//   SP settings    SpSettingsService   entity ID, URLs, verification policy, lab-wide settings
//   logins         LoginService        verify → JIT-provision → record (the ACS), accounts; features/logins.ts
//   rules          features/rules.ts   JIT rules per profile, presets, dry run
//   export/import  export/handlers.ts  bundles, SP metadata, stack configs, traces
//   sessions, SLO  SloService          lab sessions and Single Logout both ways (/saml/logout, /saml/slo)
//   demo IdP       DemoIdpService      its pages under /demo-idp/, its users (features/demo-users.ts)
import { contract, isMethod, type EventName, type EventPayload, type Handlers, type Input, type Result } from '../contract/index.ts';
import { DEMO_IDP_ENTITY_ID, DemoIdpService, loadDemoUsers } from './demo-idp/demo-idp.ts';
import { toErrorBody } from './errors.ts';
import { createExportHandlers } from './export/handlers.ts';
import { createDemoHandlers } from './demo-idp/handlers.ts';
import { createDemoUserHandlers } from './features/demo-users.ts';
import { createJitHandlers } from './features/jit.ts';
import { createTargetHandlers } from './features/targets.ts';
import { createSpTestFeature } from './sp-test/handlers.ts';
import { createIdpHandlers } from './features/idps.ts';
import { createLoginHandlers, spMetadataInputOf, startLogin, type LoginFeatureDeps } from './features/logins.ts';
import { createResetHandlers } from './features/reset.ts';
import { createRulesHandlers, rulesOf } from './features/rules.ts';
import { join } from 'node:path';
import { SpSettingsService } from './features/sp-settings.ts';
import { DEFAULT_PORT, type Lab, type LabOptions, type Logger } from './host.ts';
import { IdpRegistry } from './idp/registry.ts';
import { samlRoutes } from './listener/saml-routes.ts';
import { startListener } from './listener/server.ts';
import { LoginService } from './login-service.ts';
import { ensureKeyPair } from './sp/keys.ts';
import { spMetadataXml } from './sp/sp-metadata.ts';
import { SloService } from './slo/slo-service.ts';
import { StoreService } from './store/store-service.ts';

export { DEFAULT_PORT } from './host.ts';
export { DEFAULT_SP_ENTITY_ID } from './features/sp-settings.ts';

const silentLogger: Logger = { info: () => {}, warn: () => {}, error: () => {} };

export async function createLab(options: LabOptions): Promise<Lab> {
  const clock = options.clock ?? (() => new Date());
  const logger = options.logger ?? silentLogger;
  const { store, notice } = await StoreService.open(options.dataDir, clock);
  if (notice) logger.warn(notice);
  const [spKeys, demoKeys, demoUsers] = await Promise.all([
    ensureKeyPair(options.dataDir, 'sp', 'SAML JIT Lab SP'),
    ensureKeyPair(options.dataDir, 'demo-idp', 'SAML JIT Lab Demo IdP'),
    loadDemoUsers(options.resourcesDir),
  ]);
  let baseUrl = '';
  const listeners = new Map<string, Set<(payload: unknown) => void>>();
  const emit = <E extends EventName>(event: E, payload: EventPayload<E>): void => {
    for (const fn of listeners.get(event) ?? []) {
      try {
        fn(payload);
      } catch (error) {
        logger.error(`A ${event} listener failed: ${error instanceof Error ? error.message : String(error)}`);
      }
    }
  };

  const sp = new SpSettingsService({ store, keys: spKeys, baseUrl: () => baseUrl });
  const demo = new DemoIdpService(
    // The demo IdP's logout messages go to the SP's SLO URL as its metadata says (beside the ACS, public base URL included).
    { keys: demoKeys, store, clock, resourcesDir: options.resourcesDir, sp: () => ({ ...sp.settings(), sloUrl: slo.sloUrl() }), baseUrl: () => baseUrl },
    demoUsers,
  );
  const idps = new IdpRegistry({ store, clock, demo: { entityId: DEMO_IDP_ENTITY_ID, metadata: () => demo.metadata(), metadataXml: () => demo.metadataXml() } });

  if (options.spEntityId) sp.setEntityId(options.spEntityId);
  if (options.idpMetadataXml) store.idps.activate(idps.applyMetadata({ xml: options.idpMetadataXml, replace: true }).idp.id);
  idps.ensureActive();
  await store.commit();

  const logins = new LoginService({
    store,
    clock,
    sp: () => sp.settings(),
    policy: () => sp.verifyPolicy(),
    spPrivateKeyPem: spKeys.privateKeyPem,
    idps: () => idps.trusted(),
    rulesFor: (idpId) => rulesOf(idps.find(idpId)),
    onCompleted: (login) => emit('logins.completed', login),
  });
  const loginDeps: LoginFeatureDeps = { store, idps, sp, spKeys, clock, baseUrl: () => sp.publicBaseUrl(), openLoginWindow: options.openLoginWindow };
  const slo: SloService = new SloService({ store, clock, idps, sp: () => sp.settings(), spKeys, baseUrl: () => baseUrl, appUrl: () => options.appUrl?.(baseUrl) ?? null, openLoginWindow: options.openLoginWindow, onCompleted: (x) => emit('slo.completed', x) });
  const spMetadataInput = () => ({ ...spMetadataInputOf(loginDeps), sloUrl: slo.sloUrl() });
  const spTest = await createSpTestFeature({
    dataDir: options.dataDir,
    listenerUrl: () => baseUrl,
    clock,
    users: () => demo.listUsers(),
    rules: () => rulesOf(idps.resolve(null)),
    progress: (payload) => emit('testSps.progress', payload),
  });

  const handlers: Handlers = {
    'app.info': () => ({
      version: options.version ?? '0.0.0',
      mode: options.mode,
      dataDir: options.dataDir,
      listenerUrl: baseUrl,
      storeNotice: notice,
    }),
    ...sp.handlers(),
    ...createIdpHandlers({ store, idps, dataDir: options.dataDir, progress: (payload) => emit('idps.importProgress', payload), metadataGet: options.metadataGet }),
    ...createDemoUserHandlers({ store, demo }),
    ...createLoginHandlers(loginDeps),
    ...createRulesHandlers({ store, idps, logins }),
    ...createJitHandlers({ store, idps, clock }),
    ...createDemoHandlers({ demo, persist: () => store.commit() }),
    ...createTargetHandlers({ store, idps, sp, spPrivateKeyPem: spKeys.privateKeyPem, runnersDir: join(options.resourcesDir, 'runners') }),
    ...spTest.handlers,
    ...slo.handlers(),
    ...createResetHandlers({ store, logins, idps, clock }),
    ...createExportHandlers({
      store,
      clock,
      version: options.version ?? '0.0.0',
      spSettings: () => sp.settings(),
      spKeys,
      findIdp: (id) => idps.find(id),
      activeIdpId: () => store.data.activeIdpId,
      metadataOf: (idp) => idps.metadataOf(idp),
      metadataXmlOf: (idp) => idps.metadataXmlOf(idp),
      rulesOf,
      profileOf: (idp) => idps.profileOf(idp),
      idpByEntityId: (entityId) => idps.byEntityId(entityId),
      applyMetadata: (change) => idps.applyMetadata(change).idp,
      spMetadataInput,
    }),
  };

  const listener = await startListener(
    options.port ?? DEFAULT_PORT,
    [
      samlRoutes({
        logins,
        spMetadataXml: () => spMetadataXml(spMetadataInput()),
        startLogin: (idpId, relayState) => startLogin(loginDeps, idpId, relayState),
        appUrl: () => options.appUrl?.(baseUrl) ?? null,
        slo: { logoutRoute: (req, res, url) => slo.logoutRoute(req, res, url), sloRoute: (req, res, url) => slo.sloRoute(req, res, url) },
      }),
      (req, res, url) => demo.handle(req, res, url),
      spTest.route,
      ...(options.extraRoutes ?? []),
    ],
    logger,
  );
  baseUrl = listener.url;
  logger.info(`SP listener on ${baseUrl} (ACS ${baseUrl}/saml/acs)`);

  return {
    url: baseUrl,
    dataDir: options.dataDir,
    async handle(method: string, input: unknown): Promise<Result<unknown>> {
      if (!isMethod(method)) return { ok: false, error: { code: 'unknown-method', message: `Unknown method "${method}".` } };
      const parsedInput = contract[method].input.safeParse(input ?? {});
      if (!parsedInput.success) {
        const issue = parsedInput.error.issues[0];
        const where = issue && issue.path.length ? ` at ${issue.path.join('.')}` : '';
        return { ok: false, error: { code: 'invalid-input', message: `Invalid input for ${method}${where}: ${issue?.message ?? 'invalid'}` } };
      }
      try {
        const handler = handlers[method] as (i: unknown) => Promise<unknown> | unknown;
        return { ok: true, value: await handler(parsedInput.data) };
      } catch (error) {
        const body = toErrorBody(error);
        if (body.code === 'internal') logger.error(`${method}: ${body.message}`);
        return { ok: false, error: body };
      }
    },
    on(event, listener) {
      const set = listeners.get(event) ?? new Set();
      set.add(listener as (payload: unknown) => void);
      listeners.set(event, set);
      return () => set.delete(listener as (payload: unknown) => void);
    },
    async close() {
      await listener.close();
      await store.flush();
    },
  };
}

export type { Input };
