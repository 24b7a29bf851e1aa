// Logins and accounts: starting an SP-initiated login (the AuthnRequest and its outstanding ID), the logins the ACS
// recorded, and the accounts they provisioned with each account's timeline.
import { inflateRawSync } from 'node:zlib';
import { LoginOptions, type Account, type HandlersFor } from '../../contract/index.ts';
import type { accountMethods, loginMethods } from '../../contract/logins.ts';
import { LabError } from '../errors.ts';
import { loginCoverage } from '../jit/coverage.ts';
import { DEFAULT_RULES } from '../jit/presets.ts';
import { BINDING, ssoLocation } from '../idp/metadata.ts';
import type { IdpRegistry } from '../idp/registry.ts';
import { detail, summarize } from '../login-service.ts';
import { buildLogin, type LoginStart } from '../saml/authn-request.ts';
import type { KeyPair } from '../sp/keys.ts';
import { wantAssertionsSignedFor, type SpMetadataInput } from '../sp/sp-metadata.ts';
import type { SentAuthnRequest, StoredAccount } from '../store/schema.ts';
import type { StoreService } from '../store/store-service.ts';
import type { SpSettingsService } from './sp-settings.ts';

/** How long an AuthnRequest ID stays outstanding (a login slower than this gets in-response-to "expired"). */
const REQUEST_LIFETIME_MS = 10 * 60_000;

/** An account as the API shows it: without its lookup keys. */
export function publicAccount(account: StoredAccount): Account {
  const { key: _key, linkedKeys: _linked, ...rest } = account;
  return { ...rest, roles: rest.roles ?? [] };
}

export interface LoginFeatureDeps {
  store: StoreService;
  idps: IdpRegistry;
  sp: SpSettingsService;
  spKeys: KeyPair;
  clock: () => Date;
  baseUrl: () => string;
  /** Electron: opens an SP-initiated login in a window of its own. */
  openLoginWindow?: ((url: string) => void) | undefined;
}

/** Whether SP-initiated requests to this IdP are signed: "always", or "auto" when its metadata asks. */
export function signsRequests(options: LoginOptions, wantAuthnRequestsSigned: boolean): boolean {
  return options.signRequest === 'always' || (options.signRequest === 'auto' && wantAuthnRequestsSigned);
}

/** What the SP metadata says about this SP, as it behaves now: it signs its requests to the active IdP when that
 * IdP gets signed requests, and wants the assertion signed only when the policy requires it. */
export function spMetadataInputOf(deps: Pick<LoginFeatureDeps, 'idps' | 'sp'>): SpMetadataInput {
  const sp = deps.sp.settings();
  const idp = deps.idps.resolve(null);
  let wants = false;
  try {
    wants = deps.idps.metadataOf(idp).wantAuthnRequestsSigned;
  } catch {
    wants = false; // unreadable metadata: no login can start, nothing is signed
  }
  return {
    entityId: sp.entityId,
    acsUrl: sp.acsUrl,
    nameIdFormat: sp.nameIdFormat,
    certificatePem: sp.certificatePem,
    authnRequestsSigned: signsRequests(LoginOptions.parse(idp.loginOptions ?? {}), wants),
    wantAssertionsSigned: wantAssertionsSignedFor(deps.sp.verifyPolicy().signaturePolicy ?? 'either'),
  };
}

/** Builds the AuthnRequest as the profile's login options say, and remembers its ID as outstanding. */
export async function startLogin(deps: LoginFeatureDeps, idpId: string | null, relayState: string | null): Promise<LoginStart> {
  const idp = deps.idps.resolve(idpId);
  const md = deps.idps.metadataOf(idp);
  const options = LoginOptions.parse(idp.loginOptions ?? {});
  const redirectUrl = ssoLocation(md, BINDING.redirect);
  const postUrl = ssoLocation(md, BINDING.post);
  const binding = options.binding === 'auto' ? (redirectUrl ? 'redirect' : 'post') : options.binding;
  const ssoUrl = binding === 'redirect' ? redirectUrl : postUrl;
  if (!ssoUrl) {
    throw new LabError('invalid-metadata', `${idp.name} offers no HTTP-${binding === 'redirect' ? 'Redirect' : 'POST'} SingleSignOnService endpoint. Choose the other binding in the IdP's login options.`);
  }
  const sign = signsRequests(options, md.wantAuthnRequestsSigned);
  const sp = deps.sp.settings();
  const now = deps.clock();
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
    signWith: sign ? deps.spKeys : null,
    now,
  });
  deps.store.pruneExpired(now);
  deps.store.outstanding.add({
    id: start.id,
    idpEntityId: md.entityId,
    createdAt: now.toISOString(),
    expiresAt: new Date(now.getTime() + REQUEST_LIFETIME_MS).toISOString(),
    request: sentRequestOf(start, sign),
  });
  await deps.store.commit();
  return start;
}

/** The request as it went out: POST carries the (signed) XML itself; Redirect carries it deflated, signed in the query. */
export function sentRequestOf(start: LoginStart, signed: boolean): SentAuthnRequest {
  const xml =
    start.binding === 'post'
      ? Buffer.from(start.fields.SAMLRequest ?? '', 'base64').toString('utf8')
      : inflateRawSync(Buffer.from(new URL(start.url).searchParams.get('SAMLRequest') ?? '', 'base64')).toString('utf8');
  return { xml, binding: start.binding, signed };
}

export function createLoginHandlers(deps: LoginFeatureDeps): HandlersFor<typeof loginMethods & typeof accountMethods> {
  const { store } = deps;
  return {
    'logins.start': (input) => {
      const idp = deps.idps.resolve(input.idpId);
      const url = `${deps.baseUrl()}/saml/login?idp=${encodeURIComponent(idp.id)}`;
      if (deps.openLoginWindow) {
        deps.openLoginWindow(url);
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
      // Coverage only for logins that reached the JIT rules (verified, with a NameID), under the profile's rules now.
      const idp = login.nameId && !login.checks.some((c) => c.status === 'fail' && !c.id.startsWith('jit.')) && login.idpEntityId ? deps.idps.byEntityId(login.idpEntityId) : null;
      return { ...detail(login), coverage: idp ? loginCoverage(login, idp.rules ?? DEFAULT_RULES, deps.clock()) : null };
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
  };
}
