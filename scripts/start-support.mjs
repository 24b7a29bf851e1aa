// What `npm start` decides before and after starting Electron, as pure functions (unit-tested in
// start-support.test.ts): whether out/ is current (warm start: skip the build), whether Linux will refuse Chromium's
// sandbox, and whether an Electron that exited was one that died at start (then the browser mode takes over).
import { existsSync, mkdirSync, readdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { dirname, join, relative } from 'node:path';

/** What the build reads: every source folder and config file. Tests are not built. */
export const BUILD_INPUTS = ['src-main', 'src-renderer', 'resources', 'package.json', 'package-lock.json', 'electron.vite.config.ts', 'tsconfig.json', 'tsconfig.base.json', 'tsconfig.node.json', 'tsconfig.web.json'];
/** What one `electron-vite build` writes; the oldest of them is when the last complete build ended. */
export const BUILD_OUTPUTS = ['out/main/index.js', 'out/preload/index.cjs', 'out/renderer/index.html'];
const NOT_BUILT = /\.test\.tsx?$|\.spec\.tsx?$/;

/** Newest modification time under `path` (a file or a folder, walked), with the file that has it. */
function newest(path, skip) {
  let best = { mtimeMs: -Infinity, file: null };
  const visit = (current) => {
    let info;
    try {
      info = statSync(current);
    } catch {
      return;
    }
    if (info.isDirectory()) {
      for (const entry of readdirSync(current)) visit(join(current, entry));
    } else if (!skip.test(current) && info.mtimeMs > best.mtimeMs) {
      best = { mtimeMs: info.mtimeMs, file: current };
    }
  };
  visit(path);
  return best;
}

/**
 * @param {string} root the repository
 * @returns {{ fresh: boolean, reason: string }}
 */
export function buildFreshness(root) {
  const outputs = BUILD_OUTPUTS.map((file) => join(root, file));
  const missing = outputs.find((file) => !existsSync(file));
  if (missing) return { fresh: false, reason: `${relative(root, missing)} is missing` };
  const built = Math.min(...outputs.map((file) => statSync(file).mtimeMs));
  let source = { mtimeMs: -Infinity, file: null };
  for (const input of BUILD_INPUTS) {
    const candidate = newest(join(root, input), NOT_BUILT);
    if (candidate.mtimeMs > source.mtimeMs) source = candidate;
  }
  if (source.file && source.mtimeMs >= built) return { fresh: false, reason: `${relative(root, source.file)} changed since the last build` };
  return { fresh: true, reason: 'out/ is newer than every source and config file' };
}

/**
 * Predicts Chromium's "SUID sandbox helper … not configured correctly" abort on Linux: user namespaces are blocked
 * (Ubuntu 23.10+/24.04 AppArmor: kernel.apparmor_restrict_unprivileged_userns=1; older Debian:
 * kernel.unprivileged_userns_clone=0) and chrome-sandbox next to the binary is not setuid root
 * (electron/electron#42510). An AppArmor profile for the binary can still allow it: this is a hint, not a verdict.
 * @param {{ platform: string, electronBinary: string, readText?: (path: string) => string | null, statOf?: (path: string) => { uid: number, mode: number } | null }} options
 * @returns {string | null} one line saying what to do, or null
 */
export function linuxSandboxProblem(options) {
  if (options.platform !== 'linux') return null;
  const readText = options.readText ?? ((path) => {
    try {
      return readFileSync(path, 'utf8');
    } catch {
      return null;
    }
  });
  const statOf = options.statOf ?? ((path) => {
    try {
      return statSync(path);
    } catch {
      return null;
    }
  });
  const apparmor = readText('/proc/sys/kernel/apparmor_restrict_unprivileged_userns')?.trim() === '1';
  const debianOff = readText('/proc/sys/kernel/unprivileged_userns_clone')?.trim() === '0';
  if (!apparmor && !debianOff) return null;
  const helper = join(dirname(options.electronBinary), 'chrome-sandbox');
  const info = statOf(helper);
  if (info && info.uid === 0 && (info.mode & 0o4000) !== 0) return null;
  const why = apparmor ? "AppArmor blocks unprivileged user namespaces (Ubuntu 23.10+)" : 'unprivileged user namespaces are off';
  return `${why} and ${helper} is not setuid root; to run the desktop app: sudo chown root:root "${helper}" && sudo chmod 4755 "${helper}" (see README, Troubleshooting the desktop app)`;
}

/** Chromium's and the loader's words for a start that cannot succeed. */
const SANDBOX_WORDS = /SUID sandbox helper|setuid_sandbox|No usable sandbox|zygote_host_impl_linux|Failed to move to new namespace/i;
const MISSING_LIBRARY = /error while loading shared libraries: ([^:\s]+)/;

/** An Electron that exits within this long after its start, unsuccessfully, died at start. */
export const EARLY_EXIT_MS = 20_000;

/**
 * After Electron exited: the one line to print before falling back to the browser mode, or null (a normal exit, or
 * a failure after the app was up: nothing to fall back from).
 * @param {{ code: number | null, signal: string | null, elapsedMs: number, stderrTail: string, sandboxHint: string | null }} exit
 * @returns {string | null}
 */
export function earlyExitMessage(exit) {
  const failed = exit.signal !== null || (exit.code !== null && exit.code !== 0);
  if (!failed || exit.elapsedMs > EARLY_EXIT_MS) return null;
  const how = exit.signal ? `was killed by ${exit.signal}` : `exited with code ${exit.code}`;
  if (SANDBOX_WORDS.test(exit.stderrTail)) {
    return `The desktop app could not start: Chromium's sandbox is unavailable (${exit.sandboxHint ?? 'see README, Troubleshooting the desktop app'}); starting the browser mode instead.`;
  }
  const library = MISSING_LIBRARY.exec(exit.stderrTail)?.[1];
  if (library) return `The desktop app could not start: the system library ${library} is missing (on Debian/Ubuntu: apt-get install the package that has it); starting the browser mode instead.`;
  return `The desktop app ${how} right after starting${exit.sandboxHint ? ` (likely: ${exit.sandboxHint})` : ''}; starting the browser mode instead.`;
}

/** After a failed download of Electron's binary, `npm start` does not try again for this long (each attempt costs
 * a warm start 1–2 s without internet, and seconds more on a slow one). Deleting the marker retries at once. */
export const INSTALL_RETRY_MS = 24 * 60 * 60 * 1000;

/**
 * Whether to try electron's installer now. The marker (written by `recordInstallFailure`) holds the electron version
 * and the time of the last failed attempt: a new electron version, or a day later, tries again.
 * @param {{ markerPath: string, electronVersion: string, now: number }} options
 */
export function shouldTryInstall({ markerPath, electronVersion, now }) {
  let marker;
  try {
    marker = JSON.parse(readFileSync(markerPath, 'utf8'));
  } catch {
    return true;
  }
  return !(marker && marker.electronVersion === electronVersion && typeof marker.failedAt === 'number' && now - marker.failedAt < INSTALL_RETRY_MS && now >= marker.failedAt);
}

/** @param {{ markerPath: string, electronVersion: string, now: number }} options */
export function recordInstallFailure({ markerPath, electronVersion, now }) {
  try {
    mkdirSync(dirname(markerPath), { recursive: true });
    writeFileSync(markerPath, `${JSON.stringify({ electronVersion, failedAt: now })}\n`);
  } catch {
    // best effort: without the marker the next start simply tries again
  }
}
