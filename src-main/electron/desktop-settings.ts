// The desktop shell's own settings: listener port, where logins open, the main window's size and position, and the
// IdP certificates trusted always.
// One small JSON file in the data folder, validated field by field on read (a bad field falls back to its default,
// the others are kept). Pure Node: unit-tested without electron.
import { mkdir, readFile, rename, writeFile } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { z } from 'zod';

export const DESKTOP_SETTINGS_FILE = 'desktop.json';

const WindowState = z.object({
  x: z.number().int(),
  y: z.number().int(),
  width: z.number().int().min(200).max(100_000),
  height: z.number().int().min(200).max(100_000),
  maximized: z.boolean(),
});
export type WindowState = z.infer<typeof WindowState>;

const TrustedCertificate = z.object({
  /** Host name, lowercase, no port. */
  host: z.string().min(1).max(253),
  /** SHA-256 of the DER certificate, colon-separated uppercase hex. */
  sha256: z.string().regex(/^([0-9A-F]{2}:){31}[0-9A-F]{2}$/),
  subject: z.string().max(2000),
  issuer: z.string().max(2000),
  trustedAt: z.string().max(40),
});
export type TrustedCertificate = z.infer<typeof TrustedCertificate>;

const DesktopSettings = z.object({
  /** The SP listener's port; unset means the default. `--port` overrides it for one run. */
  port: z.number().int().min(1).max(65535).optional().catch(undefined),
  /** Where SP-initiated logins open: an app window with its own session, or the system browser. */
  loginIn: z.enum(['window', 'system-browser']).catch('window'),
  window: WindowState.optional().catch(undefined),
  /** IdP certificates the person chose to "always trust" for a host (certificate-trust.ts). An invalid entry drops
   * the list: trust is never widened by a damaged file. */
  trustedCertificates: z.array(TrustedCertificate).max(200).optional().catch(undefined),
});
export type DesktopSettings = z.infer<typeof DesktopSettings>;

export const DEFAULT_DESKTOP_SETTINGS: DesktopSettings = { loginIn: 'window' };

export function desktopSettingsPath(dataDir: string): string {
  return join(dataDir, DESKTOP_SETTINGS_FILE);
}

/** Never throws: a missing, unreadable or invalid file gives the defaults. */
export async function readDesktopSettings(path: string): Promise<DesktopSettings> {
  let raw: unknown;
  try {
    raw = JSON.parse(await readFile(path, 'utf8'));
  } catch {
    return { ...DEFAULT_DESKTOP_SETTINGS };
  }
  const parsed = DesktopSettings.safeParse(typeof raw === 'object' && raw !== null && !Array.isArray(raw) ? raw : {});
  return parsed.success ? parsed.data : { ...DEFAULT_DESKTOP_SETTINGS };
}

/** Atomic (temp file + rename), so a crash never leaves half a file. */
export async function writeDesktopSettings(path: string, settings: DesktopSettings): Promise<void> {
  await mkdir(dirname(path), { recursive: true });
  const temp = `${path}.${process.pid}.tmp`;
  await writeFile(temp, `${JSON.stringify(DesktopSettings.parse(settings), null, 2)}\n`);
  await rename(temp, path);
}

export interface Rect {
  x: number;
  y: number;
  width: number;
  height: number;
}

/** How much of the title bar must be on a display for a saved position to be kept. */
const VISIBLE = 48;

/** The bounds to open the main window with: the saved size, clamped to the largest display, and the saved position
 * only if enough of the window's top edge is on one of today's displays (a monitor may have been unplugged). */
export function restoreBounds(
  saved: WindowState | undefined,
  workAreas: readonly Rect[],
  fallback: { width: number; height: number },
): { width: number; height: number; x?: number; y?: number; maximized: boolean } {
  if (!saved) return { ...fallback, maximized: false };
  const maxWidth = Math.max(fallback.width, ...workAreas.map((a) => a.width));
  const maxHeight = Math.max(fallback.height, ...workAreas.map((a) => a.height));
  const width = Math.min(saved.width, maxWidth);
  const height = Math.min(saved.height, maxHeight);
  const onScreen = workAreas.some(
    (a) =>
      Math.min(saved.x + width, a.x + a.width) - Math.max(saved.x, a.x) >= VISIBLE &&
      saved.y >= a.y &&
      saved.y + VISIBLE <= a.y + a.height,
  );
  return onScreen ? { width, height, x: saved.x, y: saved.y, maximized: saved.maximized } : { width, height, maximized: saved.maximized };
}
