// The export/import methods of the contract. Built on what the lab already holds; no method writes a private key
// unless asked (includePrivateKeys), and traces never carry one.
import type { IdpProfile, SpSettings } from '../../contract/index.ts';
import type { JitRules } from '../../contract/jit-rules.ts';
import { LabError } from '../errors.ts';
import type { IdpMetadata } from '../idp/metadata.ts';
import { detail } from '../login-service.ts';
import type { HandlersFor } from '../../contract/common.ts';
import type { exportMethods } from '../../contract/exports.ts';
import type { MetadataChange } from '../idp/registry.ts';
import { publicAccount } from '../features/logins.ts';
import type { KeyPair } from '../sp/keys.ts';
import type { StoreService } from '../store/store-service.ts';
import type { StoredIdp } from '../store/schema.ts';
import type { TestedConfigBundle } from './bundle-schema.ts';
import { buildBundle, bundleJson, keepReplayableEvidence, readBundle, type LeftOutLogin } from './bundle.ts';
import { wantAssertionsSignedFor } from '../sp/sp-metadata.ts';
import { exportSpMetadata, type SpMetadataExportInput } from './sp-metadata-export.ts';
import { exportTarget } from './targets/index.ts';
import { buildTrace, readTrace } from './trace.ts';

export type ExportHandlers = HandlersFor<typeof exportMethods>;

export interface ExportDeps {
  store: StoreService;
  clock: () => Date;
  version: string;
  spSettings: () => SpSettings;
  spKeys: KeyPair;
  findIdp: (id: string) => StoredIdp;
  activeIdpId: () => string;
  metadataOf: (idp: StoredIdp) => IdpMetadata;
  /** The IdP's metadata XML (for the demo IdP, generated). */
  metadataXmlOf: (idp: StoredIdp) => string;
  rulesOf: (idp: StoredIdp) => JitRules;
  profileOf: (idp: StoredIdp) => IdpProfile;
  /** What the SP metadata says (the same input the /saml/metadata route uses). Absent: the SP settings, with
   * WantAssertionsSigned from the signature policy and AuthnRequestsSigned false. */
  spMetadataInput?: () => SpMetadataExportInput;
  /** The profile configured for an entity ID (IdpRegistry.byEntityId). */
  idpByEntityId: (entityId: string) => StoredIdp | null;
  /** The one way metadata enters the store (IdpRegistry.applyMetadata). */
  applyMetadata: (change: MetadataChange) => StoredIdp;
}

const safeName = (s: string): string => s.toLowerCase().replace(/[^a-z0-9]+/g, '-').replace(/^-|-$/g, '').slice(0, 40) || 'idp';

export function createExportHandlers(deps: ExportDeps): ExportHandlers {
  const { store } = deps;
  const idpFor = (id: string | undefined): StoredIdp => deps.findIdp(id ?? deps.activeIdpId());
  const spMetadataInput = (): SpMetadataExportInput => {
    if (deps.spMetadataInput) return deps.spMetadataInput();
    const sp = deps.spSettings();
    return { entityId: sp.entityId, acsUrl: sp.acsUrl, nameIdFormat: sp.nameIdFormat, authnRequestsSigned: false, wantAssertionsSigned: wantAssertionsSignedFor(sp.signaturePolicy) };
  };

  const bundleOf = (idpId: string | undefined, includePrivateKeys: boolean): { idp: StoredIdp; md: IdpMetadata; bundle: TestedConfigBundle; leftOut: LeftOutLogin[] } => {
    const idp = idpFor(idpId);
    const md = deps.metadataOf(idp);
    const bundle = buildBundle({
      now: deps.clock(),
      version: deps.version,
      idp: { name: idp.name, entityId: md.entityId, metadataXml: deps.metadataXmlOf(idp), metadataUrl: idp.sourceUrl ?? null },
      sp: deps.spSettings(),
      rules: deps.rulesOf(idp),
      logins: store.data.logins,
      accountById: (id) => {
        const a = store.data.accounts.find((x) => x.id === id);
        return a ? publicAccount(a) : null;
      },
      spPrivateKeyPem: includePrivateKeys ? deps.spKeys.privateKeyPem : null,
    });
    return { idp, md, ...keepReplayableEvidence(bundle, md) };
  };

  return {
    'bundles.export': (input) => {
      const { idp, bundle, leftOut } = bundleOf(input.idpId, input.includePrivateKeys);
      return {
        fileName: `saml-jit-lab-bundle-${safeName(idp.name)}${bundle.containsSecrets ? '-WITH-PRIVATE-KEY' : ''}.json`,
        language: 'json',
        content: bundleJson(bundle),
        containsSecrets: bundle.containsSecrets,
        leftOut,
      };
    },
    'bundles.import': async (input) => {
      const { bundle } = readBundle(input.json);
      // One profile per entity ID: responses are matched to their IdP by Issuer.
      const existing = deps.idpByEntityId(bundle.idp.entityId);
      if (existing?.kind === 'demo') {
        throw new LabError('invalid-bundle', `This bundle was made with another lab's built-in demo IdP (${bundle.idp.entityId}), whose key is not this lab's; nothing was imported. Bundles of real IdPs import here.`);
      }
      // Through the IdP registry like every metadata change: new signing certificates need `replace`, a profile
      // imported with a trust certificate still needs a verified signature, and trust is the same after a restart.
      const idp = deps.applyMetadata({
        xml: bundle.idp.metadataXml,
        name: existing ? existing.name : `${bundle.idp.name} (bundle of ${bundle.exportedAt.slice(0, 10)})`,
        rules: bundle.rules,
        replace: input.replace,
        ...(existing ? { profileId: existing.id, entityId: existing.entityId } : {}),
      });
      await store.commit();
      return deps.profileOf(idp);
    },
    'spMetadata.export': (input) => ({
      fileName: input.signed ? 'sp-metadata-signed.xml' : 'sp-metadata.xml',
      language: 'xml',
      content: exportSpMetadata(spMetadataInput(), deps.spKeys, input.signed),
      containsSecrets: false,
    }),
    'configs.export': (input) => {
      const { md, bundle } = bundleOf(input.idpId, false);
      return exportTarget(input.target, { bundle, metadata: md });
    },
    'traces.export': (input) => {
      const logins = input.loginIds.map((id) => {
        const login = store.data.logins.find((l) => l.id === id);
        if (!login) throw new LabError('not-found', `There is no login "${id}" (it may have been pruned).`);
        return detail(login);
      });
      const trace = buildTrace(logins, { nameId: input.nameId, attributes: input.attributes, dropSignatures: input.dropSignatures, now: deps.clock(), version: deps.version });
      const content = `${JSON.stringify(trace, null, 2)}\n`;
      if (content.includes('PRIVATE KEY-----')) throw new LabError('internal', 'Refusing to export: a selected login holds something that looks like a private key.');
      const redacted = input.nameId !== 'keep' || input.attributes !== 'keep';
      return {
        fileName: `saml-jit-lab-trace-${logins.length}-login${logins.length === 1 ? '' : 's'}${redacted ? '-redacted' : ''}.json`,
        language: 'json',
        content,
        containsSecrets: false,
      };
    },
    'traces.import': async (input) => {
      const logins = readTrace(input.json);
      for (const login of logins) store.logins.append(login);
      await store.commit();
      return { imported: logins.length };
    },
  };
}
