// Paths the CLI hosts need: the package root (resources/, out/renderer) and the OS user-data folder, which is
// where Electron keeps `userData` for an app named saml-jit-lab, so both hosts share one store by default.
import { homedir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

export const PACKAGE_ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '..', '..');
export const RESOURCES_DIR = join(PACKAGE_ROOT, 'resources');
export const RENDERER_DIR = join(PACKAGE_ROOT, 'out', 'renderer');

export function defaultDataDir(env: NodeJS.ProcessEnv, platform: NodeJS.Platform): string {
  const name = 'saml-jit-lab';
  if (platform === 'win32') return join(env.APPDATA ?? join(homedir(), 'AppData', 'Roaming'), name);
  if (platform === 'darwin') return join(homedir(), 'Library', 'Application Support', name);
  return join(env.XDG_CONFIG_HOME ?? join(homedir(), '.config'), name);
}
