import { spawn } from 'node:child_process';
import { chmodSync, mkdirSync, mkdtempSync, rmSync, utimesSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterEach, describe, expect, it } from 'vitest';
import { BUILD_OUTPUTS, buildFreshness, earlyExitMessage, INSTALL_RETRY_MS, linuxSandboxProblem, recordInstallFailure, shouldTryInstall } from './start-support.mjs';

const repo = join(dirname(fileURLToPath(import.meta.url)), '..');
const dirs: string[] = [];
const temp = (prefix: string): string => {
  const dir = mkdtempSync(join(tmpdir(), prefix));
  dirs.push(dir);
  return dir;
};
afterEach(() => {
  for (const dir of dirs.splice(0)) rmSync(dir, { recursive: true, force: true });
});

function file(root: string, path: string, ageSeconds: number): void {
  const full = join(root, path);
  mkdirSync(dirname(full), { recursive: true });
  writeFileSync(full, path);
  const when = Date.now() / 1000 - ageSeconds;
  utimesSync(full, when, when);
}
/** A checkout built 100 s ago from sources last edited 200 s ago. */
function builtCheckout(): string {
  const root = temp('warm-start-');
  for (const source of ['src-main/electron/main.ts', 'src-renderer/app.tsx', 'resources/demo-users.json', 'package.json', 'electron.vite.config.ts']) file(root, source, 200);
  for (const output of BUILD_OUTPUTS) file(root, output, 100);
  return root;
}

describe('warm start (npm start skips the build when out/ is current)', () => {
  it('is fresh when every build output is newer than every source and config file', () => {
    expect(buildFreshness(builtCheckout())).toEqual({ fresh: true, reason: 'out/ is newer than every source and config file' });
  });

  it('rebuilds after a source, a resource or a config file changed, and says which', () => {
    for (const changed of ['src-main/core/lab.ts', 'src-renderer/styles.css', 'resources/demo-users.json', 'electron.vite.config.ts', 'tsconfig.web.json', 'package-lock.json']) {
      const root = builtCheckout();
      file(root, changed, 10);
      expect(buildFreshness(root), changed).toEqual({ fresh: false, reason: `${changed} changed since the last build` });
    }
  });

  it('rebuilds when an output is missing (a half-built or never-built out/)', () => {
    const root = builtCheckout();
    rmSync(join(root, 'out/preload/index.cjs'));
    expect(buildFreshness(root)).toEqual({ fresh: false, reason: 'out/preload/index.cjs is missing' });
  });

  it('ignores test files, which the build does not read', () => {
    const root = builtCheckout();
    file(root, 'src-main/electron/main.test.ts', 5);
    expect(buildFreshness(root).fresh).toBe(true);
  });
});

describe('Electron download attempts', () => {
  it('after a failed download, warm starts skip the attempt for a day; a new electron version or a deleted marker tries again', () => {
    const markerPath = join(temp('install-marker-'), 'cache', 'electron-download-failed.json');
    const now = Date.parse('2026-12-02T10:00:00Z');
    expect(shouldTryInstall({ markerPath, electronVersion: '45.5.0', now })).toBe(true);
    recordInstallFailure({ markerPath, electronVersion: '45.5.0', now });
    expect(shouldTryInstall({ markerPath, electronVersion: '45.5.0', now: now + 60_000 })).toBe(false);
    expect(shouldTryInstall({ markerPath, electronVersion: '45.6.0', now: now + 60_000 })).toBe(true);
    expect(shouldTryInstall({ markerPath, electronVersion: '45.5.0', now: now + INSTALL_RETRY_MS + 1 })).toBe(true);
    expect(shouldTryInstall({ markerPath, electronVersion: '45.5.0', now: now - 60_000 }), 'a clock set back').toBe(true);
    writeFileSync(markerPath, '{not json');
    expect(shouldTryInstall({ markerPath, electronVersion: '45.5.0', now })).toBe(true);
  });
});

describe('Linux sandbox prediction', () => {
  const binary = '/repo/node_modules/electron/dist/electron';
  const proc = (values: Record<string, string>) => (path: string) => values[path] ?? null;
  const ubuntu = proc({ '/proc/sys/kernel/apparmor_restrict_unprivileged_userns': '1\n' });

  it('names the problem and the fix on Ubuntu 24.04 with a chrome-sandbox that is not setuid root', () => {
    const hint = linuxSandboxProblem({ platform: 'linux', electronBinary: binary, readText: ubuntu, statOf: () => ({ uid: 1000, mode: 0o100755 }) });
    expect(hint).toMatch(/AppArmor blocks unprivileged user namespaces/);
    expect(hint).toContain('sudo chown root:root "/repo/node_modules/electron/dist/chrome-sandbox" && sudo chmod 4755');
    expect(hint).not.toContain('\n');
    const debian = linuxSandboxProblem({ platform: 'linux', electronBinary: binary, readText: proc({ '/proc/sys/kernel/unprivileged_userns_clone': '0' }), statOf: () => null });
    expect(debian).toMatch(/unprivileged user namespaces are off/);
  });

  it('says nothing where the sandbox can start: namespaces allowed, a setuid-root helper, or not Linux', () => {
    expect(linuxSandboxProblem({ platform: 'linux', electronBinary: binary, readText: proc({ '/proc/sys/kernel/apparmor_restrict_unprivileged_userns': '0' }), statOf: () => null })).toBeNull();
    expect(linuxSandboxProblem({ platform: 'linux', electronBinary: binary, readText: ubuntu, statOf: () => ({ uid: 0, mode: 0o104755 }) })).toBeNull();
    expect(linuxSandboxProblem({ platform: 'darwin', electronBinary: binary, readText: ubuntu, statOf: () => null })).toBeNull();
  });
});

describe('early exit (the binary exists but dies at start)', () => {
  const fatal = '[1:FATAL:setuid_sandbox_host.cc(163)] The SUID sandbox helper binary was found, but is not configured correctly.';

  it("falls back on Chromium's sandbox abort, a missing system library, or any failure in the first seconds", () => {
    expect(earlyExitMessage({ code: null, signal: 'SIGTRAP', elapsedMs: 400, stderrTail: fatal, sandboxHint: 'HINT' })).toBe(
      "The desktop app could not start: Chromium's sandbox is unavailable (HINT); starting the browser mode instead.",
    );
    expect(earlyExitMessage({ code: 127, signal: null, elapsedMs: 50, stderrTail: 'electron: error while loading shared libraries: libnss3.so: cannot open shared object file', sandboxHint: null })).toMatch(
      /system library libnss3\.so is missing/,
    );
    expect(earlyExitMessage({ code: 1, signal: null, elapsedMs: 3000, stderrTail: '', sandboxHint: null })).toBe(
      'The desktop app exited with code 1 right after starting; starting the browser mode instead.',
    );
  });

  it('does not fall back after a normal quit or a failure long after the app was up', () => {
    expect(earlyExitMessage({ code: 0, signal: null, elapsedMs: 1000, stderrTail: '', sandboxHint: 'HINT' })).toBeNull();
    expect(earlyExitMessage({ code: 1, signal: null, elapsedMs: 600_000, stderrTail: fatal, sandboxHint: null })).toBeNull();
  });

  it.skipIf(process.platform === 'win32')('npm start: an Electron that aborts like Ubuntu 24.04 leads to one line and the browser mode answering', async () => {
    const dist = temp('dying-electron-');
    writeFileSync(join(dist, 'electron'), `#!/bin/sh\necho '${fatal}' >&2\nkill -TRAP $$\n`);
    chmodSync(join(dist, 'electron'), 0o755);
    const data = temp('start-fallback-data-');
    const child = spawn(process.execPath, [join(repo, 'scripts', 'start.mjs'), '--port', '0', '--data', data], {
      cwd: repo,
      env: { ...process.env, SAML_JIT_LAB_NO_BUILD: '1', ELECTRON_OVERRIDE_DIST_PATH: dist },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let out = '';
    child.stdout.on('data', (chunk: Buffer) => (out += chunk.toString()));
    child.stderr.on('data', (chunk: Buffer) => (out += chunk.toString()));
    try {
      const url = await new Promise<string>((resolve, reject) => {
        const timer = setTimeout(() => reject(new Error(`no URL within 60 s:\n${out}`)), 60_000);
        const poll = setInterval(() => {
          const match = /http:\/\/127\.0\.0\.1:\d+/.exec(out.split('starting the browser mode instead.')[1] ?? '');
          if (match) {
            clearInterval(poll);
            clearTimeout(timer);
            resolve(match[0]);
          }
        }, 50);
        child.on('exit', () => {
          clearInterval(poll);
          clearTimeout(timer);
          reject(new Error(`npm start exited:\n${out}`));
        });
      });
      expect(out).toContain("The desktop app could not start: Chromium's sandbox is unavailable");
      expect(out.match(/starting the browser mode instead/g)).toHaveLength(1);
      expect((await fetch(`${url}/saml/metadata`)).status).toBe(200);
    } finally {
      const exited = new Promise((resolve) => child.once('exit', resolve));
      child.kill('SIGTERM');
      await Promise.race([exited, new Promise((resolve) => setTimeout(resolve, 10_000))]);
    }
  }, 90_000);
});
