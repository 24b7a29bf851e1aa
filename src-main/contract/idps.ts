import { z } from 'zod';
import { ById, Empty, type MethodSpec } from './common.ts';

// IdP profiles: imported metadata (the keys the lab trusts), how SP-initiated logins are sent to each.

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
  /** When its JIT rules were last saved; null: never (the generic preset applies). */
  rulesUpdatedAt: z.string().nullable(),
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
  /** Days left per signing certificate, which one the IdP signs with now (from the last accepted login) and the
   * rehearsal of its key switch: will logins signed by the next key be accepted. */
  rollover: z.object({
    summary: z.string(),
    newKeyAccepted: z.boolean().nullable(),
    certificates: z.array(
      z.object({ fingerprintSha256: z.string(), subject: z.string(), notAfter: z.string(), daysLeft: z.number().int(), expired: z.boolean(), signsNow: z.boolean(), trusted: z.boolean() }),
    ),
  }),
  /** absent / unverified (signed, no trust certificate given) / verified (with the trust certificate). */
  metadataSignature: z.object({ status: z.enum(['absent', 'unverified', 'verified', 'invalid']), detail: z.string() }),
});
export type IdpProfile = z.infer<typeof IdpProfile>;

/** What a metadata document holds before importing it (idps.inspect, idps.inspectFile, the upload endpoint). */
export const MetadataOverview = z.object({
  kind: z.enum(['entity', 'aggregate']),
  name: z.string().nullable(),
  idps: z.array(z.object({ entityId: z.string(), displayName: z.string().nullable() })),
  entityCount: z.number().int(),
});
export type MetadataOverview = z.infer<typeof MetadataOverview>;

/** The person agreed to trust new signing certificates for an IdP already configured. Without it, such an import
 * changes nothing and fails with `trust-change`, whose details list the certificates added and removed. */
const Replace = z.boolean().optional();

/** A caller-chosen id: `idps.importProgress` events carry it, so a screen follows only its own import. */
const ProgressId = z.string().min(1).max(100);
/** A metadata file the host can read (the desktop shell's file dialog, the CLI). Large files are streamed. */
const MetadataPath = z.string().min(1).max(4096);

/** `POST /api/upload/metadata` (browser mode) answers this: the upload is kept under this token for idps.importUpload. */
export const MetadataUpload = z.object({ token: z.string(), bytes: z.number().int(), overview: MetadataOverview });
export type MetadataUpload = z.infer<typeof MetadataUpload>;

export const idpMethods = {
  'idps.list': { input: Empty, output: z.array(IdpProfile) },
  'idps.import': {
    input: z
      .object({
        xml: z.string().min(1).max(200_000_000),
        name: z.string().max(200).optional(),
        entityId: z.string().max(1024).optional(),
        /** A certificate (PEM) the metadata signature must verify with; unsigned or invalid metadata is then refused. */
        trustCertPem: z.string().max(20_000).optional(),
        replace: Replace,
      })
      .strict(),
    output: IdpProfile,
  },
  'idps.activate': { input: ById, output: IdpProfile },
  /** What a metadata document holds before importing it: one IdP, or an aggregate's list of IdPs to pick from. */
  'idps.inspect': {
    input: z.object({ xml: z.string().min(1).max(200_000_000) }).strict(),
    output: MetadataOverview,
  },
  /** idps.inspect for a file the host can read, streamed (no DOM of the whole file); progress as idps.importProgress. */
  'idps.inspectFile': { input: z.object({ path: MetadataPath, progressId: ProgressId.optional() }).strict(), output: MetadataOverview },
  /** Imports one IdP from a metadata file. A large aggregate is streamed: only the picked EntityDescriptor is parsed
   * and kept (its aggregate signature cannot be checked then; the profile says so). */
  'idps.importFile': {
    input: z.object({ path: MetadataPath, entityId: z.string().max(1024).optional(), name: z.string().max(200).optional(), progressId: ProgressId.optional(), replace: Replace }).strict(),
    output: IdpProfile,
  },
  /** Imports one IdP from a file uploaded to `POST /api/upload/metadata` (browser mode), then forgets the upload. */
  'idps.importUpload': {
    input: z.object({ token: z.string().uuid(), entityId: z.string().max(1024).optional(), name: z.string().max(200).optional(), progressId: ProgressId.optional(), replace: Replace }).strict(),
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
      .object({ url: z.string().min(1).max(2048), name: z.string().max(200).optional(), entityId: z.string().max(1024).optional(), trustCertPem: z.string().max(20_000).optional(), replace: Replace })
      .strict(),
    output: IdpProfile,
  },
  /** Re-fetches a URL-sourced profile and says what changed: certificates added/removed, endpoints moved. */
  'idps.refresh': {
    input: z.object({ id: z.string().min(1), replace: Replace }).strict(),
    output: z.object({ profile: IdpProfile, changes: z.array(z.string()) }),
  },
  'idps.remove': { input: ById, output: z.object({ removed: z.boolean() }) },
} as const satisfies Record<string, MethodSpec>;
