import { z } from 'zod';
import { Empty, type MethodSpec } from './common.ts';
import { safeConfigString } from './safe-strings.ts';
import { Sha1Policy, SignaturePolicy, SpProfileId } from './sp-profiles.ts';

// The lab's own SP settings, lab-wide settings, and what the app says about itself.


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
  sha1Policy: Sha1Policy,
  /** Which SP's behaviour verdicts mirror (sets the knobs above and the ones only a profile sets). */
  spProfile: SpProfileId,
  certificatePem: z.string(),
  certificateFingerprintSha256: z.string(),
  /** The base URL the IdP and browsers reach the lab at (a tunnel or reverse proxy in front of it, e.g. for an https
   * ACS); null: the listener's own http://127.0.0.1:PORT. The ACS, metadata and login URLs above are built from it. */
  publicBaseUrl: z.string().nullable().optional(),
});
export type SpSettings = z.infer<typeof SpSettings>;

export const AppInfo = z.object({
  version: z.string(),
  mode: z.enum(['electron', 'browser']),
  dataDir: z.string(),
  listenerUrl: z.string(),
  /** Set when the store could not be read at start (moved aside); the UI shows it as a banner. */
  storeNotice: z.string().nullable(),
});
export type AppInfo = z.infer<typeof AppInfo>;

/** A public base URL: http(s), no credentials, query or fragment, no control characters. A trailing slash is dropped. */
export const PublicBaseUrl = safeConfigString(z.string().trim().min(1).max(2048), 'The public base URL')
  .refine(
    (value) => {
      try {
        const u = new URL(value);
        return (u.protocol === 'https:' || u.protocol === 'http:') && u.username === '' && u.password === '' && u.search === '' && u.hash === '' && !value.includes('?') && !value.includes('#');
      } catch {
        return false;
      }
    },
    { message: 'The public base URL must be an http:// or https:// URL without user name, query or fragment, e.g. https://saml-lab.example.com' },
  )
  .transform((value) => value.replace(/\/+$/, ''));

export const LabSettings = z.object({ loginRetention: z.number().int().min(100).max(100_000) }).strict();
export type LabSettings = z.infer<typeof LabSettings>;

export const NAMEID_FORMATS = [
  'urn:oasis:names:tc:SAML:1.1:nameid-format:unspecified',
  'urn:oasis:names:tc:SAML:1.1:nameid-format:emailAddress',
  'urn:oasis:names:tc:SAML:2.0:nameid-format:persistent',
  'urn:oasis:names:tc:SAML:2.0:nameid-format:transient',
] as const;

export const appMethods = {
  'app.info': { input: Empty, output: AppInfo },
} as const satisfies Record<string, MethodSpec>;

export const SpProfileSummary = z.object({
  id: SpProfileId,
  name: z.string(),
  description: z.string(),
  /** The knobs it sets, as shown to a person: knob name → value. */
  knobs: z.record(z.string(), z.string()),
});
export type SpProfileSummary = z.infer<typeof SpProfileSummary>;

export const spMethods = {
  'sp.get': { input: Empty, output: SpSettings },
  /** The SP profiles verdicts can mirror, with the knobs each sets (and where each value comes from). */
  'sp.profiles': { input: Empty, output: z.array(SpProfileSummary) },
  'sp.update': {
    input: z
      .object({
        entityId: safeConfigString(z.string().trim().min(1).max(1024), 'The SP entity ID').optional(),
        nameIdFormat: safeConfigString(z.string().trim().min(1).max(256), 'The NameID format').optional(),
        clockSkewSeconds: z.number().int().min(0).max(3600).optional(),
        allowUnsolicited: z.boolean().optional(),
        signaturePolicy: SignaturePolicy.optional(),
        sha1Policy: Sha1Policy.optional(),
        /** Choosing a profile also sets clock skew, unsolicited logins and the signature policies to its values,
         * unless given in the same call. */
        spProfile: SpProfileId.optional(),
        /** Where the IdP and browsers reach the lab (a tunnel or reverse proxy); null: back to the listener's URL. */
        publicBaseUrl: PublicBaseUrl.nullable().optional(),
      })
      .strict(),
    output: SpSettings,
  },
} as const satisfies Record<string, MethodSpec>;

export const settingsMethods = {
  /** Lab-wide settings: how many logins the store keeps (older ones are dropped). */
  'settings.get': { input: Empty, output: LabSettings },
  'settings.update': { input: LabSettings.partial().strict(), output: LabSettings },
} as const satisfies Record<string, MethodSpec>;
