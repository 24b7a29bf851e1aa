// Composes the core: store, keys, SP settings, IdP profiles, demo IdP, verification + JIT, the listener, and
// the contract's handlers. Hosts (Electron IPC, browser-mode HTTP, tests) only call `handle` and `on`.
import { randomUUID } from 'node:crypto';
import { z } from 'zod';
import {
  JitRules,
  LoginOptions,
  contract,
  type Account,
  type Attribute,
  type Check,
  isMethod,
  type EventName,
  type EventPayload,
  type IdpProfile,
  type Input,
  type Method,
  type Output,
  type Result,
  type SpSettings,
} from '../contract/index.ts';
import { DEMO_IDP_ENTITY_ID, DemoIdpService, loadDemoUsers } from './demo-idp/demo-idp.ts';
import { LabError, toErrorBody } from './errors.ts';
import type { Lab, LabOptions, Logger } from './host.ts';
import { BINDING, certificateWarnings, decodeMetadataBytes, overviewMetadata, parseIdpMetadata, ssoLocation, type IdpMetadata, type ParsedIdpMetadata } from './idp/metadata.ts';
import { samlRoutes } from './listener/saml-routes.ts';
import { startListener } from './listener/server.ts';
import { createExportHandlers } from './export/handlers.ts';
import { createMetadataFileHandlers } from './idp/metadata-file-handlers.ts';
import { DEFAULT_RULES, PRESETS } from './jit/presets.ts';
import { parseRulesOrThrow } from './jit/validate-rules.ts';
import { LoginService, REJECTED_DIFF, detail, summarize } from './login-service.ts';
import { buildLogin, type LoginStart } from './saml/authn-request.ts';
import { fetchMetadata } from './net/fetch-metadata.ts';
import { metadataChanges } from './idp/metadata-changes.ts';
import type { TrustedIdp } from './saml/context.ts';
import { ensureKeyPair } from './sp/keys.ts';
import { spMetadataXml } from './sp/sp-metadata.ts';
import { DEMO_IDP_ID, type StoredAccount, type StoredIdp } from './store/schema.ts';
import { StoreService } from './store/store-service.ts';
import { fingerprintSha256 } from './util/cert.ts';

export const DEFAULT_PORT = 7820;
export const DEFAULT_SP_ENTITY_ID = 'urn:saml-jit-lab:sp';
const REQUEST_LIFETIME_MS = 10 * 60_000;

const silentLogger: Logger = { info: () => {}, warn: () => {}, error: () => {} };

let jsonSchemaCache: unknown = null;
function rulesJsonSchema(): unknown {
  jsonSchemaCache ??= z.toJSONSchema(JitRules, { io: 'input' });
  return jsonSchemaCache;
}

function publicAccount(account: StoredAccount): Account {
  const { key: _key, linkedKeys: _linked, ...rest } = account;
  return { ...rest, roles: rest.roles ?? [] };
}

type Handlers = { [M in Method]: (input: z.output<(typeof contract)[M]['input']>) => Promise<Output<M>> | Output<M> };

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

  // Computed once: spSettings() runs on every login.
  const spFingerprint = fingerprintSha256(spKeys.certificatePem);
  const spSettings = (): SpSettings => ({
    entityId: store.data.sp.entityId ?? DEFAULT_SP_ENTITY_ID,
    acsUrl: `${baseUrl}/saml/acs`,
    metadataUrl: `${baseUrl}/saml/metadata`,
    loginUrl: `${baseUrl}/saml/login`,
    nameIdFormat: store.data.sp.nameIdFormat,
    clockSkewSeconds: store.data.sp.clockSkewSeconds,
    allowUnsolicited: store.data.sp.allowUnsolicited,
    signaturePolicy: store.data.sp.signaturePolicy ?? 'either',
    sha1Policy: store.data.sp.sha1Policy ?? 'warn',
    certificatePem: spKeys.certificatePem,
    certificateFingerprintSha256: spFingerprint,
  });

  const demo = new DemoIdpService(
    { keys: demoKeys, store, clock, resourcesDir: options.resourcesDir, sp: spSettings, baseUrl: () => baseUrl },
    demoUsers,
  );

  // Parsed metadata per profile, so the ACS never re-parses XML.
  const parsed = new Map<string, ParsedIdpMetadata>();
  const parseOptions = (idp: Pick<StoredIdp, 'entityId' | 'trustCertPem'>): { entityId?: string; trustCerts?: string } => ({
    ...(idp.entityId ? { entityId: idp.entityId } : {}),
    ...(idp.trustCertPem ? { trustCerts: idp.trustCertPem } : {}),
  });
  const metadataOf = (idp: StoredIdp): IdpMetadata | ParsedIdpMetadata => {
    if (idp.kind === 'demo') return demo.metadata();
    let md = parsed.get(idp.id);
    if (!md) {
      md = parseIdpMetadata(idp.metadataXml ?? '', parseOptions(idp));
      parsed.set(idp.id, md);
    }
    return md;
  };
  const profileOf = (idp: StoredIdp): IdpProfile => {
    const md = metadataOf(idp);
    return {
      id: idp.id,
      name: idp.name,
      kind: idp.kind,
      entityId: md.entityId,
      ssoRedirectUrl: ssoLocation(md, BINDING.redirect),
      ssoPostUrl: ssoLocation(md, BINDING.post),
      certificates: md.certificates.map(({ base64: _b, ...c }) => c),
      wantAuthnRequestsSigned: md.wantAuthnRequestsSigned,
      nameIdFormats: md.nameIdFormats,
      active: store.data.activeIdpId === idp.id,
      importedAt: idp.importedAt,
      sourceUrl: idp.sourceUrl ?? null,
      loginOptions: LoginOptions.parse(idp.loginOptions ?? {}),
      warnings: [...certificateWarnings(md.certificates, clock()).map((w) => w.message), ...(idp.fetchWarnings ?? [])],
      displayName: md.displayName,
      sloServices: 'sloServices' in md ? md.sloServices.map(({ binding, location }) => ({ binding, location })) : [],
      validUntil: 'validUntil' in md ? md.validUntil : null,
      cacheDuration: 'cacheDuration' in md ? md.cacheDuration : null,
      metadataSignature:
        'signature' in md ? { status: md.signature.status, detail: md.signature.detail } : { status: 'absent', detail: 'Built in: generated by this app, nothing to verify.' },
    };
  };
  const findIdp = (id: string): StoredIdp => {
    const idp = store.data.idps.find((i) => i.id === id);
    if (!idp) throw new LabError('not-found', `There is no IdP profile "${id}".`);
    return idp;
  };
  const trustedIdps = (): TrustedIdp[] =>
    store.data.idps.flatMap((idp) => {
      try {
        const md = metadataOf(idp);
        return [{ id: idp.id, name: idp.name, entityId: md.entityId, certificates: md.certificates }];
      } catch {
        return [];
      }
    });

  const importIdp = (xml: string, name: string | undefined, entityId?: string, source?: { url: string; warnings: string[] }, trustCertPem?: string): StoredIdp => {
    const md = parseIdpMetadata(xml, parseOptions({ entityId, trustCertPem }));
    if (md.entityId === DEMO_IDP_ENTITY_ID) throw new LabError('invalid-metadata', 'This is the built-in demo IdP\'s metadata; it is already configured.');
    const existing = store.data.idps.find((i) => i.kind === 'metadata' && metadataOf(i).entityId === md.entityId);
    const idp: StoredIdp = existing ?? { id: randomUUID(), name: '', kind: 'metadata', metadataXml: xml, importedAt: '' };
    idp.name = name?.trim() || existing?.name || md.displayName || md.entityId;
    idp.metadataXml = xml;
    idp.importedAt = clock().toISOString();
    if (entityId) idp.entityId = md.entityId;
    else delete idp.entityId;
    if (trustCertPem) idp.trustCertPem = trustCertPem;
    else delete idp.trustCertPem;
    idp.sourceUrl = source?.url ?? null;
    idp.fetchWarnings = source?.warnings ?? [];
    parsed.set(idp.id, md);
    if (!existing) store.data.idps.push(idp);
    return idp;
  };

  if (options.spEntityId) store.data.sp.entityId = options.spEntityId;
  if (options.idpMetadataXml) store.data.activeIdpId = importIdp(options.idpMetadataXml, undefined).id;
  if (!store.data.idps.some((i) => i.id === store.data.activeIdpId)) store.data.activeIdpId = DEMO_IDP_ID;
  await store.flush();

  const logins = new LoginService({
    store,
    clock,
    sp: spSettings,
    spPrivateKeyPem: spKeys.privateKeyPem,
    idps: trustedIdps,
    rulesFor: (idpId) => store.data.idps.find((i) => i.id === idpId)?.rules ?? DEFAULT_RULES,
    onCompleted: (login) => emit('logins.completed', login),
  });

  /** Builds the AuthnRequest as the profile's login options say, and remembers its ID as outstanding. */
  const startLogin = async (idpId: string | null, relayState: string | null): Promise<LoginStart> => {
    const idp = findIdp(idpId ?? store.data.activeIdpId);
    const md = metadataOf(idp);
    const options = LoginOptions.parse(idp.loginOptions ?? {});
    const redirectUrl = ssoLocation(md, BINDING.redirect);
    const postUrl = ssoLocation(md, BINDING.post);
    const binding = options.binding === 'auto' ? (redirectUrl ? 'redirect' : 'post') : options.binding;
    const ssoUrl = binding === 'redirect' ? redirectUrl : postUrl;
    if (!ssoUrl) {
      throw new LabError('invalid-metadata', `${idp.name} offers no HTTP-${binding === 'redirect' ? 'Redirect' : 'POST'} SingleSignOnService endpoint. Choose the other binding in the IdP's login options.`);
    }
    const sign = options.signRequest === 'always' || (options.signRequest === 'auto' && md.wantAuthnRequestsSigned);
    const sp = spSettings();
    const now = clock();
    const start = buildLogin({
      spEntityId: sp.entityId,
      acsUrl: sp.acsUrl,
      ssoUrl,
      binding,
      nameIdFormat: options.nameIdFormat ?? sp.nameIdFormat,
      forceAuthn: options.forceAuthn,
      authnContextClassRefs: options.authnContextClassRefs,
      authnContextComparison: options.authnContextComparison,
      relayState: relayState ?? options.relayState,
      signWith: sign ? spKeys : null,
      now,
    });
    store.data.outstanding.push({ id: start.id, idpEntityId: md.entityId, createdAt: now.toISOString(), expiresAt: new Date(now.getTime() + REQUEST_LIFETIME_MS).toISOString() });
    await store.flush({ marked: true }); // a push, found by identity: nothing changed in place
    return start;
  };

  const handlers: Handlers = {
    'app.info': () => ({
      version: options.version ?? '0.0.0',
      mode: options.mode,
      dataDir: options.dataDir,
      listenerUrl: baseUrl,
      storeNotice: notice,
    }),
    'sp.get': () => spSettings(),
    'sp.update': async (input) => {
      const sp = store.data.sp;
      if (input.entityId !== undefined) sp.entityId = input.entityId;
      if (input.nameIdFormat !== undefined) sp.nameIdFormat = input.nameIdFormat;
      if (input.clockSkewSeconds !== undefined) sp.clockSkewSeconds = input.clockSkewSeconds;
      if (input.allowUnsolicited !== undefined) sp.allowUnsolicited = input.allowUnsolicited;
      if (input.signaturePolicy !== undefined) sp.signaturePolicy = input.signaturePolicy;
      if (input.sha1Policy !== undefined) sp.sha1Policy = input.sha1Policy;
      await store.flush();
      return spSettings();
    },
    'settings.get': () => ({ loginRetention: store.data.settings.loginRetention }),
    'settings.update': async (input) => {
      if (input.loginRetention !== undefined) store.data.settings.loginRetention = input.loginRetention;
      await store.flush();
      return { loginRetention: store.data.settings.loginRetention };
    },
    'idps.list': () => store.data.idps.map(profileOf),
    'idps.import': async (input) => {
      const idp = importIdp(input.xml, input.name, input.entityId, undefined, input.trustCertPem);
      await store.flush();
      return profileOf(idp);
    },
    'idps.inspect': (input) => overviewMetadata(input.xml),
    ...createMetadataFileHandlers({
      dataDir: options.dataDir,
      importIdp: (xml, name, entityId) => importIdp(xml, name, entityId),
      profileOf,
      flush: () => store.flush(),
      progress: (payload) => emit('idps.importProgress', payload),
    }),
    'idps.update': async (input) => {
      const idp = findIdp(input.id);
      if (input.name !== undefined) idp.name = input.name;
      if (input.loginOptions !== undefined) idp.loginOptions = LoginOptions.parse({ ...(idp.loginOptions ?? {}), ...input.loginOptions });
      await store.flush();
      return profileOf(idp);
    },
    'idps.importUrl': async (input) => {
      const fetched = await fetchMetadata(input.url, undefined, options.metadataGet);
      const idp = importIdp(decodeMetadataBytes(fetched.bytes), input.name, input.entityId, { url: fetched.finalUrl, warnings: fetched.warnings }, input.trustCertPem);
      await store.flush();
      return profileOf(idp);
    },
    'idps.refresh': async (input) => {
      const idp = findIdp(input.id);
      if (!idp.sourceUrl) throw new LabError('invalid-input', `${idp.name} was not imported from a URL, so there is nothing to refresh from. Import the new metadata file instead.`);
      const before = metadataOf(idp);
      const fetched = await fetchMetadata(idp.sourceUrl, undefined, options.metadataGet);
      const xml = decodeMetadataBytes(fetched.bytes);
      const after = parseIdpMetadata(xml, parseOptions(idp));
      if (after.entityId !== before.entityId) {
        throw new LabError('invalid-metadata', `The metadata at ${idp.sourceUrl} now describes ${after.entityId}, not ${before.entityId}; nothing was changed. Import it as a new IdP if that is intended.`);
      }
      idp.metadataXml = xml;
      idp.importedAt = clock().toISOString();
      idp.fetchWarnings = fetched.warnings;
      parsed.set(idp.id, after);
      await store.flush();
      return { profile: profileOf(idp), changes: metadataChanges(before, after) };
    },
    'idps.activate': async (input) => {
      const idp = findIdp(input.id);
      store.data.activeIdpId = idp.id;
      await store.flush();
      return profileOf(idp);
    },
    'idps.remove': async (input) => {
      if (input.id === DEMO_IDP_ID) throw new LabError('invalid-input', 'The built-in demo IdP cannot be removed.');
      const before = store.data.idps.length;
      store.data.idps = store.data.idps.filter((i) => i.id !== input.id);
      parsed.delete(input.id);
      if (store.data.activeIdpId === input.id) store.data.activeIdpId = DEMO_IDP_ID;
      await store.flush();
      return { removed: store.data.idps.length < before };
    },
    'demoUsers.list': () => demo.listUsers(),
    'demoUsers.update': async (input) => {
      const user = demo.updateUser(input.id, input.attributes);
      await store.flush();
      return user;
    },
    'logins.start': (input) => {
      const idp = findIdp(input.idpId ?? store.data.activeIdpId);
      const url = `${baseUrl}/saml/login?idp=${encodeURIComponent(idp.id)}`;
      if (options.openLoginWindow) {
        options.openLoginWindow(url);
        return { url, opened: true };
      }
      return { url, opened: false };
    },
    'logins.list': (input) => {
      const all = store.data.logins;
      const out = [];
      for (let i = all.length - 1; i >= 0 && out.length < (input.limit ?? 100_000); i--) {
        const login = all[i]!;
        if (!input.verdict || login.verdict === input.verdict) out.push(summarize(login));
      }
      return out;
    },
    'logins.get': (input) => {
      const login = store.data.logins.find((l) => l.id === input.id);
      if (!login) throw new LabError('not-found', `There is no login "${input.id}" (it may have been pruned).`);
      return detail(login);
    },
    'accounts.list': () => store.data.accounts.map(publicAccount),
    'accounts.get': (input) => {
      const account = store.data.accounts.find((a) => a.id === input.id);
      if (!account) throw new LabError('not-found', `There is no account "${input.id}".`);
      const timeline = store.data.logins
        .filter((l) => l.accountId === account.id)
        .reverse()
        .map((l) => ({ login: summarize(l), diff: l.diff }));
      return { account: publicAccount(account), timeline };
    },
    'rules.get': (input) => {
      const idp = findIdp(input.idpId ?? store.data.activeIdpId);
      return { idpId: idp.id, rules: idp.rules ?? DEFAULT_RULES, jsonSchema: rulesJsonSchema() };
    },
    'rules.update': async (input) => {
      const idp = findIdp(input.idpId ?? store.data.activeIdpId);
      idp.rules = parseRulesOrThrow(input.rules);
      await store.flush();
      return { idpId: idp.id, rules: idp.rules };
    },
    'rules.presets': () => PRESETS.map((p) => ({ ...p })),
    ...createExportHandlers({
      store,
      clock,
      version: options.version ?? '0.0.0',
      spSettings,
      spKeys,
      findIdp,
      activeIdpId: () => store.data.activeIdpId,
      metadataOf,
      metadataXmlOf: (idp) => (idp.kind === 'demo' ? demo.metadataXml() : (idp.metadataXml ?? '')),
      rulesOf: (idp) => idp.rules ?? DEFAULT_RULES,
      profileOf,
    }),
    'rules.dryRun': (input) => {
      let idp = findIdp(input.idpId ?? store.data.activeIdpId);
      let nameId = input.nameId ?? null;
      let nameIdFormat: string | null = null;
      let attributes: Attribute[] = Object.entries(input.attributes ?? {}).map(([name, values]) => ({ name, friendlyName: null, nameFormat: null, values }));
      let verificationChecks: Check[] = [];
      if (input.loginId) {
        const login = store.data.logins.find((l) => l.id === input.loginId);
        if (!login) throw new LabError('not-found', `There is no login "${input.loginId}".`);
        verificationChecks = login.checks.filter((c) => !c.id.startsWith('jit.'));
        if (verificationChecks.some((c) => c.status === 'fail') || !login.nameId) {
          // Nothing verified, nothing to provision: rules do not matter for this login.
          return { verdict: 'rejected' as const, checks: verificationChecks, matchedAccountId: null, account: null, diff: REJECTED_DIFF };
        }
        idp = store.data.idps.find((i) => metadataOf(i).entityId === login.idpEntityId) ?? idp;
        nameId = login.nameId;
        nameIdFormat = login.nameIdFormat;
        attributes = login.attributes;
      }
      if (!nameId) throw new LabError('invalid-input', 'Give a stored login (loginId) or a NameID and attributes.');
      const rules = input.rules === undefined ? (idp.rules ?? DEFAULT_RULES) : parseRulesOrThrow(input.rules);
      const plan = logins.dryRun({ idpId: idp.id, idpEntityId: metadataOf(idp).entityId, nameId, nameIdFormat, attributes, rules });
      return {
        verdict: plan.rejected ? ('rejected' as const) : ('accepted' as const),
        checks: [...verificationChecks, ...plan.checks],
        matchedAccountId: plan.before?.id ?? null,
        account: plan.account ? publicAccount(plan.account) : null,
        diff: plan.diff,
      };
    },
  };

  const listener = await startListener(
    options.port ?? DEFAULT_PORT,
    [
      samlRoutes({
        logins,
        spMetadataXml: () => spMetadataXml({ ...spSettings(), certificatePem: spKeys.certificatePem }),
        startLogin,
        appUrl: () => options.appUrl?.(baseUrl) ?? null,
      }),
      (req, res, url) => demo.handle(req, res, url),
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
