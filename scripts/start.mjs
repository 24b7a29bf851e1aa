// `npm start`: build, then run the desktop app; where Electron's binary is unavailable (no internet to download it),
// say so in one line and run the browser mode instead. Arguments after `npm start --` pass through
// (e.g. `--port 7821 --data ./lab-data`).
import { spawn, spawnSync } from 'node:child_process';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { defaultElectronDir, findElectronBinary } from './electron-binary.mjs';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const args = process.argv.slice(2);
const INSTALL_TIMEOUT_MS = 60_000;

function build() {
  const bin = join(root, 'node_modules', '.bin', process.platform === 'win32' ? 'electron-vite.cmd' : 'electron-vite');
  const result = spawnSync(bin, ['build'], { cwd: root, stdio: 'inherit', shell: process.platform === 'win32' });
  if (result.error) {
    console.error(`Could not run electron-vite build: ${result.error.message}`);
    process.exit(1);
  }
  if (result.status !== 0) process.exit(result.status ?? 1);
}

/** One attempt with electron's own installer; quiet, it fails fast without internet. */
function tryInstallElectron() {
  const result = spawnSync(process.execPath, [join(defaultElectronDir(), 'install.js')], {
    cwd: root,
    stdio: 'ignore',
    timeout: INSTALL_TIMEOUT_MS,
  });
  return result.status === 0;
}

/** Runs a child with inherited stdio, forwards SIGINT/SIGTERM, and exits with its code. The child gets its own
 * process group (POSIX), so Ctrl-C reaches it once, through us, not twice (a second SIGINT would cut its shutdown). */
function run(command, commandArgs, env = process.env) {
  const child = spawn(command, commandArgs, { cwd: root, stdio: 'inherit', env, detached: process.platform !== 'win32' });
  const forward = (signal) => {
    if (child.exitCode === null) child.kill(signal);
  };
  process.on('SIGINT', forward);
  process.on('SIGTERM', forward);
  child.on('error', (error) => {
    console.error(`Could not start ${command}: ${error.message}`);
    process.exit(1);
  });
  child.on('exit', (code, signal) => {
    process.exit(code ?? (signal ? 1 : 0));
  });
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
  run(binary.path, ['.', ...args], env);
} else {
  console.log(`Electron's binary is not available on this machine (${binary.reason}); starting the browser mode instead.`);
  run(process.execPath, [join(root, 'bin', 'saml-jit-lab.mjs'), 'serve', ...args]);
}
