// The desktop shell end to end, without a browser page:
// - with Electron: Playwright drives the built app. Skipped, with the reason printed, where Electron's binary is not
//   installed (it cannot be downloaded on every machine);
// - everywhere: the BUILT shell (out/main/index.js) runs under plain Node with a fake electron module and the real
//   core (src-main/electron/testing/shell-smoke.mjs), so the bundle, IPC trust, login window and shutdown are
//   exercised even where Electron cannot run.
import { execFile } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { createServer } from 'node:net';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { _electron as electron, expect, test } from '@playwright/test';
import { findElectronBinary } from '../scripts/electron-binary.mjs';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const mainBundle = join(root, 'out', 'main', 'index.js');

function requireBuild(): void {
  if (!existsSync(mainBundle)) throw new Error('out/main/index.js is missing: run `npm run build` first.');
}

/** Runs the built shell with the fake electron; resolves with its exit code and output. */
function runShellSmoke(args: string[], env: Record<string, string> = {}): Promise<{ code: number; stdout: string; stderr: string }> {
  const testing = join(root, 'src-main', 'electron', 'testing');
  return new Promise((resolve) => {
    execFile(
      process.execPath,
      ['--import', join(testing, 'register-fake-electron.mjs'), join(testing, 'shell-smoke.mjs'), ...args],
      { cwd: root, env: { ...process.env, ...env }, timeout: 45_000 },
      (error, stdout, stderr) => {
        const code = error ? (typeof error.code === 'number' ? error.code : 1) : 0;
        resolve({ code, stdout, stderr });
      },
    );
  });
}

test.describe('electron shell on plain Node (fake electron) @electron', () => {
  test('built shell: SP-initiated demo login through the login window provisions alice', async () => {
    requireBuild();
    const dataDir = mkdtempSync(join(tmpdir(), 'saml-jit-lab-shell-'));
    try {
      const run = await runShellSmoke(['--data', dataDir, '--port', '0']);
      expect(run.code, `${run.stdout}\n${run.stderr}`).toBe(0);
      expect(JSON.parse(run.stdout.trim().split('\n').at(-1) ?? '{}')).toMatchObject({ ok: true, principal: 'alice@example.com' });
    } finally {
      rmSync(dataDir, { recursive: true, force: true });
    }
  });

  test('built shell: a port in use shows a one-line error and exits with code 1', async () => {
    requireBuild();
    const dataDir = mkdtempSync(join(tmpdir(), 'saml-jit-lab-shell-'));
    const busy = createServer();
    await new Promise<void>((resolve) => busy.listen(0, '127.0.0.1', resolve));
    try {
      const port = (busy.address() as AddressInfo).port;
      const run = await runShellSmoke(['--data', dataDir, '--port', String(port)], { SHELL_SMOKE: 'port-in-use' });
      expect(run.code, `${run.stdout}\n${run.stderr}`).toBe(0);
      const outcome = JSON.parse(run.stdout.trim().split('\n').at(-1) ?? '{}') as { exitCode: number; errorBox: string; windows: number };
      expect(outcome.exitCode).toBe(1);
      expect(outcome.errorBox).toContain(String(port));
      expect(outcome.errorBox).not.toContain('\n');
      expect(outcome.windows).toBe(0);
    } finally {
      busy.close();
      rmSync(dataDir, { recursive: true, force: true });
    }
  });
});

test.describe('electron shell @electron', () => {
  test('electron app: first SP-initiated login with the demo IdP provisions alice', async () => {
    const binary = findElectronBinary();
    if (!binary.found) {
      const reason = `Electron's binary is not available (${binary.reason}); the desktop shell was not exercised.`;
      console.log(`[electron.spec] skipped: ${reason}`);
      test.skip(true, reason);
      return;
    }
    requireBuild();

    const dataDir = mkdtempSync(join(tmpdir(), 'saml-jit-lab-e2e-'));
    const env: Record<string, string> = {};
    for (const [name, value] of Object.entries(process.env)) {
      if (value !== undefined && name !== 'ELECTRON_RUN_AS_NODE' && name !== 'ELECTRON_RENDERER_URL') env[name] = value;
    }
    const app = await electron.launch({
      executablePath: binary.path,
      args: [root, '--data', dataDir, '--port', '0'],
      cwd: root,
      env,
    });
    try {
      const main = await app.firstWindow();
      await expect(main.getByTestId('app')).toHaveAttribute('data-app-state', 'ready', { timeout: 20_000 });

      const loginWindowOpened = app.waitForEvent('window');
      await main.getByTestId('sign-in').click();
      const login = await loginWindowOpened;
      await login.getByTestId('demo-signin-alice').click();

      // The shell closes the login window when login.completed arrives and brings the main window back.
      await expect.poll(() => app.windows().length, { timeout: 15_000 }).toBe(1);
      await expect(main.locator('[data-testid=login-row][data-verdict=accepted]')).toHaveCount(1, { timeout: 15_000 });

      await main.getByTestId('nav-accounts').click();
      await expect(main.getByTestId('account-row').filter({ hasText: /alice/i })).toHaveCount(1);
    } catch (error) {
      for (const [index, page] of app.windows().entries()) {
        await test.info().attach(`window-${index}.png`, { body: await page.screenshot(), contentType: 'image/png' });
      }
      throw error;
    } finally {
      await app.close();
      rmSync(dataDir, { recursive: true, force: true });
    }
  });
});
