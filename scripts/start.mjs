// `npm start`: build (skipped when out/ is newer than every source: a warm start), then run the desktop app; where
// Electron's binary is unavailable (no internet to download it) or exists but dies at start (e.g. Ubuntu 24.04's
// AppArmor refusing Chromium's sandbox), say so in one line and run the browser mode instead. Arguments after
// `npm start --` pass through (e.g. `--port 7821 --data ./lab-data`). SAML_JIT_LAB_NO_BUILD=1 skips the build check.
import { spawn, spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { defaultElectronDir, findElectronBinary } from './electron-binary.mjs';
import { buildFreshness, earlyExitMessage, linuxSandboxProblem, recordInstallFailure, shouldTryInstall } from './start-support.mjs';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const args = process.argv.slice(2);
const INSTALL_TIMEOUT_MS = 60_000;

function build() {
  if (process.env.SAML_JIT_LAB_NO_BUILD === '1') return;
  const freshness = buildFreshness(root);
  if (freshness.fresh) {
    console.log(`Skipping the build: ${freshness.reason}.`);
    return;
  }
  const bin = join(root, 'node_modules', '.bin', process.platform === 'win32' ? 'electron-vite.cmd' : 'electron-vite');
  const result = spawnSync(bin, ['build'], { cwd: root, stdio: 'inherit', shell: process.platform === 'win32' });
  if (result.error) {
    console.error(`Could not run electron-vite build: ${result.error.message}`);
    process.exit(1);
  }
  if (result.status !== 0) process.exit(result.status ?? 1);
}

/** Where a failed download is remembered (see shouldTryInstall): node_modules/.cache, gone with node_modules. */
const installMarker = join(root, 'node_modules', '.cache', 'saml-jit-lab', 'electron-download-failed.json');

/** One attempt with electron's own installer; quiet, it fails fast without internet. A failure is remembered for a
 * day (per electron version), so warm starts do not pay for it again; delete the marker to retry now. */
function tryInstallElectron() {
  let electronVersion = 'unknown';
  try {
    electronVersion = JSON.parse(readFileSync(join(defaultElectronDir(), 'package.json'), 'utf8')).version;
  } catch {
    return false;
  }
  const attempt = { markerPath: installMarker, electronVersion, now: Date.now() };
  if (!shouldTryInstall(attempt)) return false;
  const result = spawnSync(process.execPath, [join(defaultElectronDir(), 'install.js')], {
    cwd: root,
    stdio: 'ignore',
    timeout: INSTALL_TIMEOUT_MS,
  });
  if (result.status !== 0) recordInstallFailure(attempt);
  return result.status === 0;
}

/** Starts a child with its own process group (POSIX), so Ctrl-C reaches it once, through us, not twice (a second
 * SIGINT would cut its shutdown); SIGINT/SIGTERM are forwarded. `stderrTail` keeps the end of its stderr (shown
 * as it comes) when asked. Resolves when it exits. */
function run(command, commandArgs, { env = process.env, keepStderr = false } = {}) {
  const child = spawn(command, commandArgs, { cwd: root, stdio: ['inherit', 'inherit', keepStderr ? 'pipe' : 'inherit'], env, detached: process.platform !== 'win32' });
  const forward = (signal) => {
    if (child.exitCode === null) child.kill(signal);
  };
  process.on('SIGINT', forward);
  process.on('SIGTERM', forward);
  let stderrTail = '';
  child.stderr?.on('data', (chunk) => {
    process.stderr.write(chunk);
    stderrTail = (stderrTail + chunk.toString()).slice(-16_384);
  });
  const started = Date.now();
  return new Promise((resolve) => {
    child.on('error', (error) => {
      console.error(`Could not start ${command}: ${error.message}`);
      process.exit(1);
    });
    child.on('exit', (code, signal) => {
      process.off('SIGINT', forward);
      process.off('SIGTERM', forward);
      resolve({ code, signal, elapsedMs: Date.now() - started, stderrTail });
    });
  });
}

async function browserMode() {
  const exit = await run(process.execPath, [join(root, 'bin', 'saml-jit-lab.mjs'), 'serve', ...args]);
  process.exit(exit.code ?? (exit.signal ? 1 : 0));
}

build();

let binary = findElectronBinary();
if (!binary.found) {
  tryInstallElectron();
  binary = findElectronBinary();
}

if (binary.found) {
  // An inherited ELECTRON_RUN_AS_NODE would turn the app into a plain Node process.
  const env = { ...process.env };
  delete env.ELECTRON_RUN_AS_NODE;
  const exit = await run(binary.path, ['.', ...args], { env, keepStderr: true });
  const message = earlyExitMessage({ ...exit, sandboxHint: linuxSandboxProblem({ platform: process.platform, electronBinary: binary.path }) });
  if (!message) process.exit(exit.code ?? (exit.signal ? 1 : 0));
  console.log(message);
  await browserMode();
} else {
  console.log(`Electron's binary is not available on this machine (${binary.reason}); starting the browser mode instead.`);
  // (A failed download is retried after a day; delete node_modules/.cache/saml-jit-lab to retry at the next start.)
  await browserMode();
}
