// The export/import methods of the contract. Built on what the lab already holds; no method writes a private key
// unless asked (includePrivateKeys), and traces never carry one.
import { randomUUID } from 'node:crypto';
import type { z } from 'zod';
import type { Account, contract, IdpProfile, SpSettings } from '../../contract/index.ts';
import type { JitRules } from '../../contract/jit-rules.ts';
import { LabError } from '../errors.ts';
import type { IdpMetadata } from '../idp/metadata.ts';
import { MAX_LOGINS, detail } from '../login-service.ts';
import type { KeyPair } from '../sp/keys.ts';
import type { StoreService } from '../store/store-service.ts';
import type { StoredAccount, StoredIdp } from '../store/schema.ts';
import type { TestedConfigBundle } from './bundle-schema.ts';
import { buildBundle, bundleJson, readBundle } from './bundle.ts';
import { exportSpMetadata } from './sp-metadata-export.ts';
import { exportTarget } from './targets/index.ts';
import { buildTrace, readTrace } from './trace.ts';

type ExportMethod = 'bundles.export' | 'bundles.import' | 'spMetadata.export' | 'configs.export' | 'traces.export' | 'traces.import';
export type ExportHandlers = {
  [M in ExportMethod]: (input: z.output<(typeof contract)[M]['input']>) => Promise<z.output<(typeof contract)[M]['output']>> | z.output<(typeof contract)[M]['output']>;
};

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
}

function publicAccount(account: StoredAccount): Account {
  const { key: _key, linkedKeys: _linked, ...rest } = account;
  return { ...rest, roles: rest.roles ?? [] };
}

const safeName = (s: string): string => s.toLowerCase().replace(/[^a-z0-9]+/g, '-').replace(/^-|-$/g, '').slice(0, 40) || 'idp';

export function createExportHandlers(deps: ExportDeps): ExportHandlers {
  const { store } = deps;
  const idpFor = (id: string | undefined): StoredIdp => deps.findIdp(id ?? deps.activeIdpId());

  const bundleOf = (idpId: string | undefined, includePrivateKeys: boolean): { idp: StoredIdp; md: IdpMetadata; bundle: TestedConfigBundle } => {
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
    return { idp, md, bundle };
  };

  return {
    'bundles.export': (input) => {
      const { idp, bundle } = bundleOf(input.idpId, input.includePrivateKeys);
      return {
        fileName: `saml-jit-lab-bundle-${safeName(idp.name)}${bundle.containsSecrets ? '-WITH-PRIVATE-KEY' : ''}.json`,
        language: 'json',
        content: bundleJson(bundle),
        containsSecrets: bundle.containsSecrets,
      };
    },
    'bundles.import': async (input) => {
      const { bundle } = readBundle(input.json);
      const now = deps.clock();
      // One profile per entity ID: responses are matched to their IdP by Issuer.
      const existing = store.data.idps.find((i) => {
        try {
          return deps.metadataOf(i).entityId === bundle.idp.entityId;
        } catch {
          return false;
        }
      });
      if (existing?.kind === 'demo') {
        throw new LabError('invalid-bundle', `This bundle was made with another lab's built-in demo IdP (${bundle.idp.entityId}), whose key is not this lab's; nothing was imported. Bundles of real IdPs import here.`);
      }
      if (existing) {
        existing.metadataXml = bundle.idp.metadataXml;
        existing.rules = bundle.rules;
        existing.importedAt = now.toISOString();
        await store.flush();
        return deps.profileOf(existing);
      }
      const idp: StoredIdp = {
        id: randomUUID(),
        name: `${bundle.idp.name} (bundle of ${bundle.exportedAt.slice(0, 10)})`,
        kind: 'metadata',
        metadataXml: bundle.idp.metadataXml,
        importedAt: now.toISOString(),
        rules: bundle.rules,
      };
      store.data.idps.push(idp);
      await store.flush();
      return deps.profileOf(idp);
    },
    'spMetadata.export': (input) => ({
      fileName: input.signed ? 'sp-metadata-signed.xml' : 'sp-metadata.xml',
      language: 'xml',
      content: exportSpMetadata(deps.spSettings(), deps.spKeys, input.signed),
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
      const data = store.data;
      data.logins.push(...logins);
      if (data.logins.length > MAX_LOGINS) data.logins.splice(0, data.logins.length - MAX_LOGINS);
      await store.flush();
      return { imported: logins.length };
    },
  };
}
