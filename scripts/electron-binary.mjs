// Finds Electron's executable WITHOUT `require('electron')`: that require downloads the binary on first use, which
// fails on machines without internet. Shared by scripts/start.mjs and e2e/electron.spec.ts.
import { existsSync, readFileSync } from 'node:fs';
import { dirname, join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';

const repoRoot = join(dirname(fileURLToPath(import.meta.url)), '..');

/** node_modules/electron of this repository. */
export function defaultElectronDir() {
  return join(repoRoot, 'node_modules', 'electron');
}

function shown(path) {
  const rel = relative(process.cwd(), path);
  return rel && !rel.startsWith('..') ? rel : path;
}

/**
 * @param {{ electronDir?: string, env?: Record<string, string | undefined> }} [options]
 * @returns {{ found: true, path: string } | { found: false, path: string | null, reason: string }}
 */
export function findElectronBinary(options = {}) {
  const electronDir = options.electronDir ?? defaultElectronDir();
  const env = options.env ?? process.env;
  if (!existsSync(join(electronDir, 'package.json'))) {
    return { found: false, path: null, reason: `the electron package is not installed (${shown(electronDir)})` };
  }
  const pathFile = join(electronDir, 'path.txt');
  let executable = null;
  if (existsSync(pathFile)) executable = readFileSync(pathFile, 'utf8').trim();
  // Same override electron's own index.js honours.
  const overrideDist = env.ELECTRON_OVERRIDE_DIST_PATH;
  if (overrideDist) {
    const path = join(overrideDist, executable || 'electron');
    return existsSync(path)
      ? { found: true, path }
      : { found: false, path, reason: `ELECTRON_OVERRIDE_DIST_PATH names no executable (${path})` };
  }
  if (!executable) {
    return { found: false, path: null, reason: `${shown(pathFile)} is missing: the binary was never downloaded` };
  }
  const path = join(electronDir, 'dist', executable);
  return existsSync(path)
    ? { found: true, path }
    : { found: false, path, reason: `${shown(path)} is missing` };
}
