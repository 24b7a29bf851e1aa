// The IdP profile methods: import (XML, file, upload, URL), inspect, refresh, rename, login options, activate,
// remove. Every metadata change goes through the IdpRegistry (the one owner of metadata and trust).
import type { EventPayload, HandlersFor } from '../../contract/index.ts';
import type { idpMethods } from '../../contract/idps.ts';
import { LabError } from '../errors.ts';
import { createMetadataFileHandlers } from '../idp/metadata-file-handlers.ts';
import { decodeMetadataBytes, overviewMetadata } from '../idp/metadata.ts';
import type { IdpRegistry } from '../idp/registry.ts';
import { fetchMetadata, type MetadataGet } from '../net/fetch-metadata.ts';
import type { StoreService } from '../store/store-service.ts';

export interface IdpFeatureDeps {
  store: StoreService;
  idps: IdpRegistry;
  dataDir: string;
  progress: (payload: EventPayload<'idps.importProgress'>) => void;
  /** How URL imports and refreshes do their GETs (the desktop shell: Chromium's net). */
  metadataGet?: MetadataGet | undefined;
}

export function createIdpHandlers(deps: IdpFeatureDeps): HandlersFor<typeof idpMethods> {
  const { store, idps } = deps;
  return {
    'idps.list': () => idps.all().map((idp) => idps.profileOf(idp)),
    'idps.inspect': (input) => overviewMetadata(input.xml),
    'idps.import': async (input) => {
      const { idp } = idps.applyMetadata({ xml: input.xml, name: input.name, entityId: input.entityId, trustCertPem: input.trustCertPem, replace: input.replace });
      await store.commit();
      return idps.profileOf(idp);
    },
    ...createMetadataFileHandlers({
      dataDir: deps.dataDir,
      importIdp: (change) => idps.applyMetadata(change).idp,
      profileOf: (idp) => idps.profileOf(idp),
      flush: () => store.commit(),
      progress: deps.progress,
    }),
    'idps.importUrl': async (input) => {
      const fetched = await fetchMetadata(input.url, undefined, deps.metadataGet);
      const { idp } = idps.applyMetadata({
        xml: decodeMetadataBytes(fetched.bytes),
        name: input.name,
        entityId: input.entityId,
        trustCertPem: input.trustCertPem,
        source: { url: fetched.finalUrl, warnings: fetched.warnings },
        replace: input.replace,
      });
      await store.commit();
      return idps.profileOf(idp);
    },
    'idps.refresh': async (input) => {
      const current = idps.find(input.id);
      if (!current.sourceUrl) throw new LabError('invalid-input', `${current.name} was not imported from a URL, so there is nothing to refresh from. Import the new metadata file instead.`);
      const fetched = await fetchMetadata(current.sourceUrl, undefined, deps.metadataGet);
      const { idp, changes } = idps.applyMetadata({
        xml: decodeMetadataBytes(fetched.bytes),
        profileId: current.id,
        entityId: current.entityId,
        name: current.name,
        source: { url: current.sourceUrl, warnings: fetched.warnings },
        replace: input.replace,
      });
      await store.commit();
      return { profile: idps.profileOf(idp), changes };
    },
    'idps.update': async (input) => {
      const idp = idps.update(input.id, { name: input.name, loginOptions: input.loginOptions });
      await store.commit();
      return idps.profileOf(idp);
    },
    'idps.activate': async (input) => {
      const idp = idps.activate(input.id);
      await store.commit();
      return idps.profileOf(idp);
    },
    'idps.remove': async (input) => {
      const removed = idps.remove(input.id);
      await store.commit();
      return { removed };
    },
  };
}
