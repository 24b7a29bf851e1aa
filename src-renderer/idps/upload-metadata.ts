// Browser mode's streaming upload of a large metadata file: POST /api/upload/metadata with the file itself as the
// body (XMLHttpRequest, for upload progress), answered with a token and the file's overview.
import { MetadataUpload, type ErrorBody } from '../../src-main/contract/index.ts';
import { ApiError } from '../api/client.ts';

/** Files larger than this are streamed (upload in browser mode, a path in the desktop app); matches the core's
 * STREAM_THRESHOLD_BYTES, under which the whole document is parsed as before. */
export const STREAM_FILE_BYTES = 4 * 1024 * 1024;

export function uploadMetadata(file: File, progressId: string, onProgress: (bytes: number, total: number) => void): Promise<MetadataUpload> {
  return new Promise((resolve, reject) => {
    const xhr = new XMLHttpRequest();
    xhr.open('POST', new URL(`api/upload/metadata?progress=${encodeURIComponent(progressId)}`, new URL('/', window.location.href)).toString());
    xhr.setRequestHeader('Content-Type', 'application/xml');
    xhr.upload.onprogress = (e) => onProgress(e.loaded, e.lengthComputable ? e.total : file.size);
    xhr.onerror = () => reject(new ApiError({ code: 'internal', message: 'The upload failed (network error).' }));
    xhr.onload = () => {
      let body: unknown;
      try {
        body = JSON.parse(xhr.responseText);
      } catch {
        reject(new ApiError({ code: 'internal', message: `The server answered HTTP ${xhr.status} without a JSON body.` }));
        return;
      }
      const result = body as { ok?: boolean; value?: unknown; error?: ErrorBody };
      if (result.ok === true) {
        const parsed = MetadataUpload.safeParse(result.value);
        if (parsed.success) resolve(parsed.data);
        else reject(new ApiError({ code: 'internal', message: 'Unexpected answer from the upload.' }));
      } else {
        reject(new ApiError(result.error ?? { code: 'internal', message: `The upload failed (HTTP ${xhr.status}).` }));
      }
    };
    xhr.send(file);
  });
}
