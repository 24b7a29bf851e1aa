// Reads a metadata file in the browser as text: UTF-8 (BOM or not) or UTF-16 with a BOM, as IdPs publish it.
// Anything else is passed on as decoded text; the core says what is wrong with it (a PDF, an HTML page…).

export interface ReadFile {
  name: string;
  bytes: number;
  text: string;
}

export async function readMetadataFile(file: File): Promise<ReadFile> {
  const buffer = new Uint8Array(await file.arrayBuffer());
  return { name: file.name, bytes: buffer.length, text: decodeMetadata(buffer) };
}

export function decodeMetadata(bytes: Uint8Array): string {
  if (bytes[0] === 0xff && bytes[1] === 0xfe) return new TextDecoder('utf-16le').decode(bytes.subarray(2));
  if (bytes[0] === 0xfe && bytes[1] === 0xff) return new TextDecoder('utf-16be').decode(bytes.subarray(2));
  return new TextDecoder('utf-8').decode(bytes).replace(/^\uFEFF/, '');
}

export function formatBytes(n: number): string {
  if (n < 1024) return `${n} bytes`;
  if (n < 1024 * 1024) return `${(n / 1024).toFixed(1)} KB`;
  return `${(n / 1024 / 1024).toFixed(1)} MB`;
}

/** True when a drag carries files (not text or a link). */
export function draggedFiles(e: { dataTransfer: DataTransfer | null }): boolean {
  return Array.from(e.dataTransfer?.types ?? []).includes('Files');
}
