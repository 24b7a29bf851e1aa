// The one API contract between the UI and the core. No Node, no electron: the renderer imports it too.
// Every host (Electron IPC, browser-mode HTTP, in-memory test binding) dispatches through the same table,
// so the three are identical by construction.
import { z } from 'zod';
import { JitRules } from './jit-rules.ts';

export { JIT_RULES_VERSION, JitRules, type JitRulesInput, type RulesProblem } from './jit-rules.ts';

export const CheckStatus = z.enum(['pass', 'warn', 'fail']);
export type CheckStatus = z.infer<typeof CheckStatus>;

export const Check = z.object({
  id: z.string(),
  title: z.string(),
  status: CheckStatus,
  expected: z.string().nullable(),
  received: z.string().nullable(),
  hint: z.string().nullable(),
});
export type Check = z.infer<typeof Check>;

export const Verdict = z.enum(['accepted', 'rejected']);
export type Verdict = z.infer<typeof Verdict>;

export const Attribute = z.object({
  name: z.string(),
  friendlyName: z.string().nullable(),
  nameFormat: z.string().nullable(),
  values: z.array(z.string()),
});
export type Attribute = z.infer<typeof Attribute>;

export const FieldValue = z.union([z.string(), z.array(z.string()), z.null()]);
export type FieldValue = z.infer<typeof FieldValue>;

export const FieldChange = z.object({
  field: z.string(),
  before: FieldValue,
  after: FieldValue,
  change: z.enum(['added', 'changed', 'removed', 'unchanged']),
});
export type FieldChange = z.infer<typeof FieldChange>;

export const DiffKind = z.enum(['created', 'updated', 'unchanged', 'rejected']);
export type DiffKind = z.infer<typeof DiffKind>;

export const AccountDiff = z.object({
  kind: DiffKind,
  accountId: z.string().nullable(),
  changes: z.array(FieldChange),
  /** Roles this login grants and removes (force sync removes roles no longer matched: shown loudly). */
  rolesGranted: z.array(z.string()),
  rolesRemoved: z.array(z.string()),
  /** Set when the login was linked to an existing account by email instead of matching its principal. */
  linkedBy: z.enum(['email']).nullable(),
});
export type AccountDiff = z.infer<typeof AccountDiff>;

export const LoginFlow = z.enum(['sp-initiated', 'idp-initiated', 'unknown']);
export type LoginFlow = z.infer<typeof LoginFlow>;

export const LoginSummary = z.object({
  id: z.string(),
  receivedAt: z.string(),
  verdict: Verdict,
  flow: LoginFlow,
  idpEntityId: z.string().nullable(),
  nameId: z.string().nullable(),
  /** The NameID the response claimed, read from the unverified document: who a rejected login pretended to be. */
  claimedNameId: z.string().nullable(),
  accountId: z.string().nullable(),
  diffKind: DiffKind,
  failedCheckIds: z.array(z.string()),
  warnCount: z.number().int(),
});
export type LoginSummary = z.infer<typeof LoginSummary>;

export const LoginDetail = LoginSummary.extend({
  /** The decoded XML, as received. Null when the body was not decodable. */
  xml: z.string().nullable(),
  /** The same response with its EncryptedAssertion replaced by the decrypted Assertion; null when not encrypted. */
  decryptedXml: z.string().nullable(),
  /** The SAMLResponse form value exactly as posted (base64), or null when absent. */
  samlResponse: z.string().nullable(),
  relayState: z.string().nullable(),
  nameIdFormat: z.string().nullable(),
  sessionIndex: z.string().nullable(),
  checks: z.array(Check),
  attributes: z.array(Attribute),
  diff: AccountDiff,
  http: z.object({
    method: z.string(),
    contentType: z.string().nullable(),
    bytes: z.number().int(),
    status: z.number().int(),
  }),
});
export type LoginDetail = z.infer<typeof LoginDetail>;

export const Account = z.object({
  id: z.string(),
  principal: z.string(),
  idpEntityId: z.string(),
  fields: z.record(z.string(), z.string()),
  groups: z.array(z.string()),
  roles: z.array(z.string()),
  status: z.enum(['active', 'blocked']),
  createdAt: z.string(),
  updatedAt: z.string(),
  lastLoginAt: z.string(),
  loginCount: z.number().int(),
});
export type Account = z.infer<typeof Account>;

export const Certificate = z.object({
  fingerprintSha256: z.string(),
  subject: z.string(),
  notBefore: z.string(),
  notAfter: z.string(),
  use: z.enum(['signing', 'encryption', 'any']),
});
export type Certificate = z.infer<typeof Certificate>;

/** How SP-initiated logins to this IdP are sent. "auto" follows the metadata (Redirect when offered, else POST;
 * signed when the IdP says WantAuthnRequestsSigned). */
export const LoginOptions = z
  .object({
    binding: z.enum(['auto', 'redirect', 'post']).default('auto'),
    signRequest: z.enum(['auto', 'always', 'never']).default('auto'),
    forceAuthn: z.boolean().default(false),
    /** NameIDPolicy Format; null: the SP's NameID format setting. */
    nameIdFormat: z.string().max(256).nullable().default(null),
    authnContextClassRefs: z.array(z.string().min(1).max(256)).max(8).default([]),
    authnContextComparison: z.enum(['exact', 'minimum', 'maximum', 'better']).default('exact'),
    relayState: z.string().max(80).nullable().default(null),
  })
  .strict();
export type LoginOptions = z.infer<typeof LoginOptions>;

export const IdpProfile = z.object({
  id: z.string(),
  name: z.string(),
  kind: z.enum(['demo', 'metadata']),
  entityId: z.string(),
  ssoRedirectUrl: z.string().nullable(),
  ssoPostUrl: z.string().nullable(),
  certificates: z.array(Certificate),
  wantAuthnRequestsSigned: z.boolean(),
  nameIdFormats: z.array(z.string()),
  active: z.boolean(),
  importedAt: z.string(),
  /** Where the metadata was fetched from (refreshable), or null for a file or pasted XML. */
  sourceUrl: z.string().nullable(),
  loginOptions: LoginOptions,
  /** What a person should know about this metadata: expiring certificates, http source, unsigned metadata… */
  warnings: z.array(z.string()),
  /** mdui:DisplayName, when the metadata has one. */
  displayName: z.string().nullable(),
  sloServices: z.array(z.object({ binding: z.string(), location: z.string() })),
  validUntil: z.string().nullable(),
  cacheDuration: z.string().nullable(),
  /** absent / unverified (signed, no trust certificate given) / verified (with the trust certificate). */
  metadataSignature: z.object({ status: z.enum(['absent', 'unverified', 'verified', 'invalid']), detail: z.string() }),
});
export type IdpProfile = z.infer<typeof IdpProfile>;

export const SignaturePolicy = z.enum(['either', 'response', 'assertion', 'both']);
export type SignaturePolicy = z.infer<typeof SignaturePolicy>;

export const SpSettings = z.object({
  entityId: z.string(),
  acsUrl: z.string(),
  metadataUrl: z.string(),
  loginUrl: z.string(),
  nameIdFormat: z.string(),
  clockSkewSeconds: z.number().int(),
  allowUnsolicited: z.boolean(),
  /** Where a valid signature must be: on the Response, the Assertion, both, or either (default). */
  signaturePolicy: SignaturePolicy,
  /** RSA-SHA1 / SHA-1 digests: warn (default) or reject. */
  sha1Policy: z.enum(['warn', 'reject']),
  certificatePem: z.string(),
  certificateFingerprintSha256: z.string(),
});
export type SpSettings = z.infer<typeof SpSettings>;

export const DemoUser = z.object({
  id: z.string(),
  label: z.string(),
  nameId: z.string(),
  attributes: z.record(z.string(), z.array(z.string())),
});
export type DemoUser = z.infer<typeof DemoUser>;

export const AppInfo = z.object({
  version: z.string(),
  mode: z.enum(['electron', 'browser']),
  dataDir: z.string(),
  listenerUrl: z.string(),
  /** Set when the store could not be read at start (moved aside); the UI shows it as a banner. */
  storeNotice: z.string().nullable(),
});
export type AppInfo = z.infer<typeof AppInfo>;

export const ExportFile = z.object({
  fileName: z.string(),
  /** monaco language id for the preview: json, xml, ini, ruby, php, javascript. */
  language: z.string(),
  content: z.string(),
  /** True when the content holds a private key (the user asked for it); the UI says so loudly. */
  containsSecrets: z.boolean(),
});
export type ExportFile = z.infer<typeof ExportFile>;

export const ExportTarget = z.enum(['node-saml', 'grafana', 'gitlab', 'simplesamlphp', 'keycloak']);
export type ExportTarget = z.infer<typeof ExportTarget>;

export const LabSettings = z.object({ loginRetention: z.number().int().min(100).max(100_000) }).strict();
export type LabSettings = z.infer<typeof LabSettings>;

/** What a metadata document holds before importing it (idp.inspect, idp.inspectFile, the upload endpoint). */
export const MetadataOverview = z.object({
  kind: z.enum(['entity', 'aggregate']),
  name: z.string().nullable(),
  idps: z.array(z.object({ entityId: z.string(), displayName: z.string().nullable() })),
  entityCount: z.number().int(),
});
export type MetadataOverview = z.infer<typeof MetadataOverview>;

/** A caller-chosen id: `idps.importProgress` events carry it, so a screen follows only its own import. */
const ProgressId = z.string().min(1).max(100);
/** A metadata file the host can read (the desktop shell's file dialog, the CLI). Large files are streamed. */
const MetadataPath = z.string().min(1).max(4096);

/** `POST /api/upload/metadata` (browser mode) answers this: the upload is kept under this token for idp.importUpload. */
export const MetadataUpload = z.object({ token: z.string(), bytes: z.number().int(), overview: MetadataOverview });
export type MetadataUpload = z.infer<typeof MetadataUpload>;

const Empty = z.object({}).strict();
const ById = z.object({ id: z.string().min(1) }).strict();

export const NAMEID_FORMATS = [
  'urn:oasis:names:tc:SAML:1.1:nameid-format:unspecified',
  'urn:oasis:names:tc:SAML:1.1:nameid-format:emailAddress',
  'urn:oasis:names:tc:SAML:2.0:nameid-format:persistent',
  'urn:oasis:names:tc:SAML:2.0:nameid-format:transient',
] as const;

export const contract = {
  'app.info': { input: Empty, output: AppInfo },

  'sp.get': { input: Empty, output: SpSettings },
  'sp.update': {
    input: z
      .object({
        entityId: z.string().trim().min(1).max(1024).optional(),
        nameIdFormat: z.string().trim().min(1).max(256).optional(),
        clockSkewSeconds: z.number().int().min(0).max(3600).optional(),
        allowUnsolicited: z.boolean().optional(),
        signaturePolicy: SignaturePolicy.optional(),
        sha1Policy: z.enum(['warn', 'reject']).optional(),
      })
      .strict(),
    output: SpSettings,
  },

  /** Lab-wide settings: how many logins the store keeps (older ones are dropped). */
  'settings.get': { input: Empty, output: LabSettings },
  'settings.update': { input: LabSettings.partial().strict(), output: LabSettings },

  'idps.list': { input: Empty, output: z.array(IdpProfile) },
  'idps.import': {
    input: z
      .object({
        xml: z.string().min(1).max(200_000_000),
        name: z.string().max(200).optional(),
        entityId: z.string().max(1024).optional(),
        /** A certificate (PEM) the metadata signature must verify with; unsigned or invalid metadata is then refused. */
        trustCertPem: z.string().max(20_000).optional(),
      })
      .strict(),
    output: IdpProfile,
  },
  'idps.activate': { input: ById, output: IdpProfile },
  /** What a metadata document holds before importing it: one IdP, or an aggregate's list of IdPs to pick from. */
  'idps.inspect': {
    input: z.object({ xml: z.string().min(1).max(200_000_000) }).strict(),
    output: z.object({
      kind: z.enum(['entity', 'aggregate']),
      name: z.string().nullable(),
      idps: z.array(z.object({ entityId: z.string(), displayName: z.string().nullable() })),
      entityCount: z.number().int(),
    }),
  },
  /** idp.inspect for a file the host can read, streamed (no DOM of the whole file); progress as import.progress. */
  'idps.inspectFile': { input: z.object({ path: MetadataPath, progressId: ProgressId.optional() }).strict(), output: MetadataOverview },
  /** Imports one IdP from a metadata file. A large aggregate is streamed: only the picked EntityDescriptor is parsed
   * and kept (its aggregate signature cannot be checked then; the profile says so). */
  'idps.importFile': {
    input: z.object({ path: MetadataPath, entityId: z.string().max(1024).optional(), name: z.string().max(200).optional(), progressId: ProgressId.optional() }).strict(),
    output: IdpProfile,
  },
  /** Imports one IdP from a file uploaded to `POST /api/upload/metadata` (browser mode), then forgets the upload. */
  'idps.importUpload': {
    input: z.object({ token: z.string().uuid(), entityId: z.string().max(1024).optional(), name: z.string().max(200).optional(), progressId: ProgressId.optional() }).strict(),
    output: IdpProfile,
  },
  /** Rename a profile or change how SP-initiated logins are sent. */
  'idps.update': {
    input: z.object({ id: z.string().min(1), name: z.string().trim().min(1).max(200).optional(), loginOptions: LoginOptions.partial().optional() }).strict(),
    output: IdpProfile,
  },
  /** Fetches metadata from a URL (timeout, size cap, redirect limit; http works with a warning) and imports it. */
  'idps.importUrl': {
    input: z
      .object({ url: z.string().min(1).max(2048), name: z.string().max(200).optional(), entityId: z.string().max(1024).optional(), trustCertPem: z.string().max(20_000).optional() })
      .strict(),
    output: IdpProfile,
  },
  /** Re-fetches a URL-sourced profile and says what changed: certificates added/removed, endpoints moved. */
  'idps.refresh': {
    input: ById,
    output: z.object({ profile: IdpProfile, changes: z.array(z.string()) }),
  },
  'idps.remove': { input: ById, output: z.object({ removed: z.boolean() }) },

  'demoUsers.list': { input: Empty, output: z.array(DemoUser) },
  'demoUsers.update': {
    input: z
      .object({ id: z.string().min(1), attributes: z.record(z.string(), z.array(z.string().max(4096))) })
      .strict(),
    output: DemoUser,
  },

  /** Starts an SP-initiated login with the active (or given) IdP. `opened` is true when the host opened a
   * login window itself (Electron); otherwise the caller navigates to `url`. */
  'logins.start': {
    input: z.object({ idpId: z.string().optional() }).strict(),
    output: z.object({ url: z.string(), opened: z.boolean() }),
  },

  'logins.list': {
    input: z.object({ verdict: Verdict.optional(), limit: z.number().int().min(1).max(100_000).optional() }).strict(),
    output: z.array(LoginSummary),
  },
  'logins.get': { input: ById, output: LoginDetail },

  'accounts.list': { input: Empty, output: z.array(Account) },
  /** An account with the timeline of every login that touched it (newest first). */
  'accounts.get': {
    input: ById,
    output: z.object({
      account: Account,
      timeline: z.array(z.object({ login: LoginSummary, diff: AccountDiff })),
    }),
  },

  /** The JIT rules of an IdP profile (the active one by default), and the JSON Schema of the model. */
  'rules.get': {
    input: z.object({ idpId: z.string().optional() }).strict(),
    output: z.object({ idpId: z.string(), rules: JitRules, jsonSchema: z.unknown() }),
  },
  /** Validates and saves rules; invalid rules are refused with code invalid-rules and details [{path, message}]. */
  'rules.update': {
    input: z.object({ idpId: z.string().optional(), rules: z.unknown() }).strict(),
    output: z.object({ idpId: z.string(), rules: JitRules }),
  },
  'rules.presets': {
    input: Empty,
    output: z.array(z.object({ id: z.string(), name: z.string(), description: z.string(), rules: JitRules })),
  },
  /** What would happen if this login (a stored one, or given attributes) arrived now, under these (or the saved)
   * rules: verdict, checks, matched account and diff. Writes nothing. */
  'rules.dryRun': {
    input: z
      .object({
        loginId: z.string().optional(),
        idpId: z.string().optional(),
        nameId: z.string().optional(),
        attributes: z.record(z.string(), z.array(z.string())).optional(),
        rules: z.unknown().optional(),
      })
      .strict(),
    output: z.object({
      verdict: Verdict,
      checks: z.array(Check),
      matchedAccountId: z.string().nullable(),
      account: Account.nullable(),
      diff: AccountDiff,
    }),
  },

  /** The tested-config bundle (versioned JSON, schema in schemas/bundle.schema.json): IdP metadata, SP settings
   * (public parts; private keys only with includePrivateKeys, then marked), policy, JIT rules and evidence. */
  'bundles.export': {
    input: z.object({ idpId: z.string().optional(), includePrivateKeys: z.boolean().default(false) }).strict(),
    output: ExportFile,
  },
  /** Restores a bundle into a new IdP profile; a newer or corrupt bundle changes nothing. */
  'bundles.import': { input: z.object({ json: z.string().min(1).max(50_000_000) }).strict(), output: IdpProfile },
  'spMetadata.export': { input: z.object({ signed: z.boolean().default(false) }).strict(), output: ExportFile },
  /** Settings for the stack that will run the SSO, with what it cannot express. */
  'configs.export': {
    input: z.object({ target: ExportTarget, idpId: z.string().optional() }).strict(),
    output: z.object({ target: ExportTarget, files: z.array(ExportFile), unsupported: z.array(z.string()) }),
  },
  /** Selected logins as an importable JSON trace, with redaction. Never private keys. */
  'traces.export': {
    input: z
      .object({
        loginIds: z.array(z.string()).min(1).max(10_000),
        nameId: z.enum(['keep', 'hash', 'drop']).default('keep'),
        attributes: z.enum(['keep', 'hash', 'drop']).default('keep'),
        dropSignatures: z.boolean().default(false),
      })
      .strict(),
    output: ExportFile,
  },
  'traces.import': { input: z.object({ json: z.string().min(1).max(50_000_000) }).strict(), output: z.object({ imported: z.number().int() }) },
} as const;

export type Contract = typeof contract;
export type Method = keyof Contract;
export type Input<M extends Method> = z.input<Contract[M]['input']>;
export type Output<M extends Method> = z.output<Contract[M]['output']>;

export const events = {
  'logins.completed': LoginSummary,
  /** A metadata file being read: `reading` (listing its IdPs, or an upload arriving), `extracting` (the picked IdP). */
  'idps.importProgress': z.object({ id: z.string(), phase: z.enum(['reading', 'extracting']), bytes: z.number().int(), total: z.number().int().nullable() }),
} as const;
export type EventName = keyof typeof events;
export type EventPayload<E extends EventName> = z.output<(typeof events)[E]>;

export const ErrorCode = z.enum([
  'invalid-input',
  'unknown-method',
  'not-found',
  'invalid-metadata',
  'fetch-failed',
  'invalid-rules',
  'invalid-bundle',
  'port-in-use',
  'store-unwritable',
  'internal',
]);
export type ErrorCode = z.infer<typeof ErrorCode>;

export const ErrorBody = z.object({
  code: ErrorCode,
  message: z.string(),
  details: z.unknown().optional(),
});
export type ErrorBody = z.infer<typeof ErrorBody>;

export type Result<T> = { ok: true; value: T } | { ok: false; error: ErrorBody };

export function isMethod(name: string): name is Method {
  return Object.prototype.hasOwnProperty.call(contract, name);
}

/** What the preload exposes as `window.lab` in Electron. */
export interface LabBridge {
  invoke(method: string, input: unknown): Promise<Result<unknown>>;
  on(event: string, listener: (payload: unknown) => void): () => void;
}
