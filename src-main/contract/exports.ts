import { z } from 'zod';
import { type MethodSpec } from './common.ts';
import { IdpProfile } from './idps.ts';

// What leaves the lab (bundles, SP metadata, stack configs, traces) and what comes back in (bundles, traces).

export const ExportFile = z.object({
  fileName: z.string(),
  /** monaco language id for the preview: json, xml, ini, ruby, php, javascript. */
  language: z.string(),
  content: z.string(),
  /** True when the content holds a private key (the user asked for it); the UI says so loudly. */
  containsSecrets: z.boolean(),
});
export type ExportFile = z.infer<typeof ExportFile>;

/** A tested login the bundle leaves out because it would not pass the bundle's own replay (e.g. accepted under an
 * SP entity ID that changed since), with each reason as a sentence. */
export const LeftOutLogin = z.object({
  principal: z.string(),
  loginId: z.string(),
  receivedAt: z.string(),
  reasons: z.array(z.string()),
});
export type LeftOutLogin = z.infer<typeof LeftOutLogin>;

export const BundleExport = ExportFile.extend({ leftOut: z.array(LeftOutLogin) });
export type BundleExport = z.infer<typeof BundleExport>;

export const ExportTarget = z.enum(['node-saml', 'grafana', 'gitlab', 'simplesamlphp', 'keycloak']);
export type ExportTarget = z.infer<typeof ExportTarget>;

export const exportMethods = {
  /** The tested-config bundle (versioned JSON, schema in schemas/bundle.schema.json): IdP metadata, SP settings
   * (public parts; private keys only with includePrivateKeys, then marked), policy, JIT rules and evidence. */
  'bundles.export': {
    input: z.object({ idpId: z.string().optional(), includePrivateKeys: z.boolean().default(false) }).strict(),
    output: BundleExport,
  },
  /** Restores a bundle into an IdP profile (new, or the one with its entity ID); a newer or corrupt bundle changes
   * nothing, and new signing certificates for a configured IdP need `replace: true` (else `trust-change`). */
  'bundles.import': { input: z.object({ json: z.string().min(1).max(50_000_000), replace: z.boolean().optional() }).strict(), output: IdpProfile },
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
} as const satisfies Record<string, MethodSpec>;
