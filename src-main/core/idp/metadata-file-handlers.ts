// The file-based import methods: idps.inspectFile / idps.importFile (a path the host can read: the desktop shell, the
// CLI) and idps.importUpload (a file uploaded to the browser-mode host). Small files take the whole-document path;
// large ones (a federation aggregate) are streamed: listed without a DOM, and only the picked EntityDescriptor is
// parsed and kept. Progress goes out as `idps.importProgress` events when the caller gives a progressId.
import { readFile, rm, stat } from 'node:fs/promises';
import type { EventPayload, HandlersFor, IdpProfile } from '../../contract/index.ts';
import type { idpMethods } from '../../contract/idps.ts';
import { LabError } from '../errors.ts';
import type { StoredIdp } from '../store/schema.ts';
import { STREAM_THRESHOLD_BYTES, metadataUploadPath, scanMetadataFile, type StreamScan } from './aggregate-stream.ts';
import { decodeMetadataBytes, overviewMetadata, type MetadataOverview } from './metadata.ts';

type FileMethod = 'idps.inspectFile' | 'idps.importFile' | 'idps.importUpload';
export type MetadataFileHandlers = HandlersFor<Pick<typeof idpMethods, FileMethod>>;

export interface MetadataFileDeps {
  dataDir: string;
  /** The lab's import (IdpRegistry.applyMetadata): parses `xml` (one entity, or an aggregate with `entityId`),
   * stores the profile; refuses new signing certificates for a configured IdP unless `replace`. */
  importIdp: (change: { xml: string; name?: string | undefined; entityId?: string | undefined; replace?: boolean | undefined; warnings?: string[] }) => StoredIdp;
  profileOf: (idp: StoredIdp) => IdpProfile;
  flush: () => Promise<void>;
  progress: (payload: EventPayload<'idps.importProgress'>) => void;
}

export function createMetadataFileHandlers(deps: MetadataFileDeps): MetadataFileHandlers {
  const size = async (path: string): Promise<number> => {
    try {
      return (await stat(path)).size;
    } catch {
      return (await scanMetadataFile(path)).bytes; // throws the worded invalid-input error
    }
  };
  const scan = (path: string, progressId: string | undefined, phase: 'reading' | 'extracting', extract?: string): Promise<StreamScan> =>
    scanMetadataFile(path, {
      ...(extract === undefined ? {} : { extract }),
      ...(progressId === undefined ? {} : { onProgress: (bytes: number, total: number | null) => deps.progress({ id: progressId, phase, bytes, total }) }),
    });

  const overview = async (path: string, progressId?: string): Promise<MetadataOverview> => {
    if ((await size(path)) <= STREAM_THRESHOLD_BYTES) return overviewMetadata(decodeMetadataBytes(await readFile(path)));
    const { kind, name, idps, entityCount } = await scan(path, progressId, 'reading');
    return { kind, name, idps, entityCount };
  };

  const importFile = async (
    path: string,
    input: { entityId?: string | undefined; name?: string | undefined; progressId?: string | undefined; replace?: boolean | undefined },
  ): Promise<IdpProfile> => {
    if ((await size(path)) <= STREAM_THRESHOLD_BYTES) {
      const idp = deps.importIdp({ xml: decodeMetadataBytes(await readFile(path)), name: input.name, entityId: input.entityId, replace: input.replace });
      await deps.flush();
      return deps.profileOf(idp);
    }
    let entityId = input.entityId;
    if (entityId === undefined) {
      const listed = await scan(path, input.progressId, 'reading');
      if (listed.idps.length === 0) {
        throw new LabError('invalid-metadata', `The metadata describes ${listed.entityCount} ${listed.entityCount === 1 ? 'entity' : 'entities'} and no SAML 2.0 identity provider (no IDPSSODescriptor for SAML 2.0).`);
      }
      if (listed.idps.length > 1) {
        const some = listed.idps.slice(0, 3).map((i) => i.entityId);
        throw new LabError('invalid-metadata', `This aggregate lists ${listed.idps.length} IdPs (${some.join(', ')}, …); choose one by its entityID.`, { idps: listed.idps });
      }
      entityId = listed.idps[0]!.entityId;
    }
    const picked = await scan(path, input.progressId, 'extracting', entityId);
    const warnings =
      picked.kind === 'aggregate'
        ? [
            `Taken from the ${picked.name ? `aggregate ${picked.name}` : 'aggregate'} (${Math.round(picked.bytes / 1024 / 1024)} MB, ${picked.idps.length} IdPs): only this IdP's EntityDescriptor was kept${picked.rootSigned ? ", and the aggregate's signature was not checked" : ''}.`,
          ]
        : [];
    const idp = deps.importIdp({ xml: picked.extracted!, name: input.name, replace: input.replace, warnings });
    await deps.flush();
    return deps.profileOf(idp);
  };

  return {
    'idps.inspectFile': (input) => overview(input.path, input.progressId),
    'idps.importFile': (input) => importFile(input.path, input),
    'idps.importUpload': async (input) => {
      const path = metadataUploadPath(deps.dataDir, input.token);
      try {
        await stat(path);
      } catch {
        throw new LabError('not-found', 'The uploaded file is no longer there (uploads are kept for an hour). Choose the file again.');
      }
      const profile = await importFile(path, input);
      await rm(path, { force: true });
      return profile;
    },
  };
}
