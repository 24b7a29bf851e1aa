// The tested-config bundle: what worked here (IdP metadata, SP settings, verification policy, JIT rules) and the
// evidence that it did (the last accepted login of each tested user and the account it produced). Versioned; the
// published JSON Schema (schemas/bundle.schema.json) is generated from this zod schema.
import { z } from 'zod';
import { Account, AccountDiff, Attribute, Check, JitRules, LoginFlow, Sha1Policy, SignaturePolicy, SpProfileId } from '../../contract/index.ts';
import { safeConfigString } from '../../contract/safe-strings.ts';

/** Entity IDs, URLs and NameID formats never hold control characters (they end up in other programs' configs). */
const Identifier = (what: string, min = 0): z.ZodString => safeConfigString(min > 0 ? z.string().min(min) : z.string(), what);

export const BUNDLE_VERSION = 1;
export const BUNDLE_KIND = 'saml-jit-lab/tested-config';
export const SECRET_WARNING =
  'SECRET: this bundle holds the SP private key. Anyone with this file can decrypt assertions meant for this SP and sign as it. Do not commit it or attach it to tickets.';

export const BundleEvidence = z.object({
  /** The tested user: the account's principal (the NameID unless the rules key on an attribute). */
  principal: z.string(),
  loginId: z.string(),
  receivedAt: z.string().datetime({ offset: true }),
  flow: LoginFlow,
  nameId: z.string(),
  nameIdFormat: z.string().nullable(),
  /** The SAMLResponse exactly as posted (base64). */
  samlResponse: z.string().min(1),
  checks: z.array(Check),
  attributes: z.array(Attribute),
  diff: AccountDiff,
  /** The account as it was after this login. */
  account: Account,
});
export type BundleEvidence = z.infer<typeof BundleEvidence>;

export const TestedConfigBundle = z
  .object({
    bundleVersion: z.literal(BUNDLE_VERSION),
    kind: z.literal(BUNDLE_KIND),
    exportedAt: z.string().datetime({ offset: true }),
    exportedBy: z.string(),
    /** True only when the person ticked "include private keys": then sp.privateKey is set. */
    containsSecrets: z.boolean(),
    idp: z.object({
      name: z.string(),
      entityId: Identifier('The IdP entity ID', 1),
      /** Where the metadata can be fetched again (null: it was imported from a file or is the demo IdP). */
      metadataUrl: Identifier('The IdP metadata URL').nullable(),
      metadataXml: z.string().min(1),
    }),
    sp: z.object({
      entityId: Identifier('The SP entity ID', 1),
      acsUrl: Identifier('The SP ACS URL', 1),
      metadataUrl: Identifier('The SP metadata URL'),
      loginUrl: Identifier('The SP login URL'),
      nameIdFormat: Identifier('The NameID format'),
      certificatePem: z.string().min(1),
      certificateFingerprintSha256: z.string(),
      privateKey: z.object({ warning: z.literal(SECRET_WARNING), privateKeyPem: z.string().min(1) }).nullable(),
    }),
    policy: z.object({
      clockSkewSeconds: z.number().int().min(0),
      allowUnsolicited: z.boolean(),
      signaturePolicy: SignaturePolicy,
      sha1Policy: Sha1Policy,
      /** The SP whose behaviour verdicts mirror (absent in bundles before profiles: the lab's rule). */
      spProfile: SpProfileId.default('lab'),
    }),
    rules: JitRules,
    evidence: z.array(BundleEvidence),
  })
  .refine((b) => b.containsSecrets === (b.sp.privateKey !== null), {
    message: 'containsSecrets must be true exactly when sp.privateKey is set',
    path: ['containsSecrets'],
  });
export type TestedConfigBundle = z.infer<typeof TestedConfigBundle>;

let cached: unknown = null;
/** The JSON Schema published in schemas/bundle.schema.json (a test keeps the two equal). */
export function bundleJsonSchema(): Record<string, unknown> {
  if (cached === null) {
    const { $schema, ...rest } = z.toJSONSchema(TestedConfigBundle, { io: 'input' });
    cached = { $schema, $id: 'https://saml-jit-lab.dev/schemas/bundle.schema.json', title: 'SAML JIT Lab tested-config bundle', ...rest };
  }
  return cached as Record<string, unknown>;
}
