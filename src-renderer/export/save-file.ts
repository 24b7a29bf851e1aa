// Saves an exported file through the browser's download (Electron shows its save dialog for it).
import type { ExportFile } from '../../src-main/contract/index.ts';

const MIME: Record<string, string> = { json: 'application/json', xml: 'application/xml', javascript: 'text/javascript' };

export function saveFile(file: ExportFile): void {
  const blob = new Blob([file.content], { type: `${MIME[file.language] ?? 'text/plain'};charset=utf-8` });
  const url = URL.createObjectURL(blob);
  const a = document.createElement('a');
  a.href = url;
  a.download = file.fileName;
  document.body.appendChild(a);
  a.click();
  a.remove();
  setTimeout(() => URL.revokeObjectURL(url), 10_000);
}
