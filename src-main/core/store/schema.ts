// The shape of the store (store.json + store.journal, see store-service.ts). Bump STORE_VERSION and add a
// migration in migrations.ts when it changes.
import type { AccountDiff, Attribute, Check, JitRules, LoginFlow, LoginOptions, Sha1Policy, SignaturePolicy, SpProfileId, Verdict } from '../../contract/index.ts';

export const STORE_VERSION = 3;

/** How many logins the store keeps by default (each holds its response, XML and checks: ~25–30 kB). */
export const DEFAULT_LOGIN_RETENTION = 1_000;

/** Store-level settings (version 2). */
export interface StoredSettings {
  /** The newest this many logins are kept; older ones are dropped at the next write. */
  loginRetention: number;
}

export interface StoredSp {
  entityId: string | null;
  nameIdFormat: string;
  clockSkewSeconds: number;
  allowUnsolicited: boolean;
  signaturePolicy?: SignaturePolicy;
  sha1Policy?: Sha1Policy;
  /** Which SP's behaviour verdicts mirror; absent: 'lab'. */
  spProfile?: SpProfileId;
  /** The base URL the IdP reaches the lab at (a tunnel or reverse proxy); absent or null: the listener's URL. */
  publicBaseUrl?: string | null;
}

export interface StoredIdp {
  id: string;
  name: string;
  kind: 'demo' | 'metadata';
  /** Null for the built-in demo IdP, whose metadata is derived at run time from its key and the listener URL. */
  metadataXml: string | null;
  importedAt: string;
  /** The JIT rules for logins from this IdP; absent: the generic preset. */
  rules?: JitRules;
  /** When the rules were last saved (the guide's mapping step is done once a login went through them). */
  rulesUpdatedAt?: string;
  /** The IdP picked out of an aggregate (EntitiesDescriptor). */
  entityId?: string;
  /** The certificate the metadata signature was verified with at import (and at every re-parse). */
  trustCertPem?: string;
  /** Where the metadata was fetched from, for refresh; and what the fetch warned about. */
  sourceUrl?: string | null;
  fetchWarnings?: string[];
  /** How SP-initiated logins are sent (contract LoginOptions); absent: defaults. */
  loginOptions?: Partial<LoginOptions>;
}

export interface StoredAccount {
  id: string;
  /** Lookup key: IdP entity ID + principal (NameID by default). */
  key: string;
  principal: string;
  idpEntityId: string;
  fields: Record<string, string>;
  groups: string[];
  roles: string[];
  /** Further lookup keys linked to this account (emailConflict = link). */
  linkedKeys?: string[];
  status: 'active' | 'blocked';
  createdAt: string;
  updatedAt: string;
  lastLoginAt: string;
  loginCount: number;
}

export interface StoredLogin {
  id: string;
  receivedAt: string;
  verdict: Verdict;
  flow: LoginFlow;
  idpEntityId: string | null;
  nameId: string | null;
  claimedNameId?: string | null;
  nameIdFormat: string | null;
  sessionIndex: string | null;
  accountId: string | null;
  samlResponse: string | null;
  xml: string | null;
  decryptedXml?: string | null;
  relayState: string | null;
  checks: Check[];
  attributes: Attribute[];
  diff: AccountDiff;
  http: { method: string; contentType: string | null; bytes: number; status: number };
  /** The AuthnRequest this login answered (its InResponseTo matched an outstanding request the lab sent). */
  authnRequest?: SentAuthnRequest;
  /** No trusted IdP's valid signature vouched for it: anyone's input (the ACS takes cross-site posts). Such logins
   * are stored capped field by field and share one fixed budget (store-service.ts UNTRUSTED_BUDGET). */
  untrusted?: boolean;
}

export interface OutstandingRequest {
  id: string;
  idpEntityId: string;
  createdAt: string;
  expiresAt: string;
  /** The AuthnRequest as sent (absent in requests stored before it was kept): moves onto the login it answers. */
  request?: SentAuthnRequest;
}

/** An AuthnRequest the SP sent: its XML (for HTTP-Redirect the XML before deflating; the signature is then in the
 * query), the binding and whether it was signed. */
export interface SentAuthnRequest {
  xml: string;
  binding: 'redirect' | 'post';
  signed: boolean;
}

export interface ReplayEntry {
  assertionId: string;
  idpEntityId: string;
  expiresAt: string;
}

/** A lab session: one per accepted login (version 3). Ended by Single Logout, by its SessionNotOnOrAfter, or by hand. */
export interface StoredSession {
  id: string;
  loginId: string;
  accountId: string;
  idpId: string;
  idpEntityId: string;
  nameId: string;
  nameIdFormat: string | null;
  nameQualifier: string | null;
  spNameQualifier: string | null;
  sessionIndex: string | null;
  startedAt: string;
  /** The AuthnStatement's SessionNotOnOrAfter: the session expires then. */
  notOnOrAfter: string | null;
  endedAt: string | null;
  endedBy: 'sp-logout' | 'idp-logout' | 'expiry' | 'hand' | null;
  /** The SLO exchange that ended it. */
  sloId: string | null;
}

/** One Single Logout exchange (version 3): a LogoutRequest sent or received and the LogoutResponse to it. */
export interface StoredSloExchange {
  id: string;
  flow: 'sp-initiated' | 'idp-initiated';
  startedAt: string;
  completedAt: string | null;
  /** pending: a LogoutRequest the lab sent, awaiting its LogoutResponse (until expiresAt). */
  state: 'pending' | 'completed';
  verdict: Verdict | null;
  binding: 'redirect' | 'post' | null;
  idpEntityId: string | null;
  sessionId: string | null;
  nameId: string | null;
  /** The LogoutRequest's ID (the one the lab sent, or the one it received). */
  requestId: string | null;
  expiresAt: string | null;
  requestXml: string | null;
  responseXml: string | null;
  /** The LogoutResponse's status (received, or sent), e.g. urn:…:status:Success. */
  status: string | null;
  statusMessage: string | null;
  relayState: string | null;
  checks: Check[];
  /** No trusted IdP's valid signature vouched for it: stored capped, in a fixed budget (store-service.ts). */
  untrusted?: boolean;
}

export interface StoreData {
  version: number;
  sp: StoredSp;
  activeIdpId: string;
  idps: StoredIdp[];
  /** Demo IdP users' attributes as edited by the person (by user id); absent users use resources/. */
  demoUsers: Record<string, Record<string, string[]>>;
  accounts: StoredAccount[];
  logins: StoredLogin[];
  outstanding: OutstandingRequest[];
  replay: ReplayEntry[];
  sessions: StoredSession[];
  sloExchanges: StoredSloExchange[];
  settings: StoredSettings;
}

export const DEMO_IDP_ID = 'demo';

export function emptyStore(): StoreData {
  return {
    version: STORE_VERSION,
    sp: {
      entityId: null,
      nameIdFormat: 'urn:oasis:names:tc:SAML:1.1:nameid-format:unspecified',
      clockSkewSeconds: 180,
      allowUnsolicited: true,
    },
    activeIdpId: DEMO_IDP_ID,
    idps: [{ id: DEMO_IDP_ID, name: 'Demo IdP (built in)', kind: 'demo', metadataXml: null, importedAt: new Date().toISOString() }],
    demoUsers: {},
    accounts: [],
    logins: [],
    outstanding: [],
    replay: [],
    sessions: [],
    sloExchanges: [],
    settings: { loginRetention: DEFAULT_LOGIN_RETENTION },
  };
}
