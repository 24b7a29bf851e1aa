// The desktop shell end to end: Playwright drives the built Electron app (never a browser page). Skipped, with the
// reason printed, where Electron's binary is not installed (it cannot be downloaded on every machine).
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { _electron as electron, expect, test } from '@playwright/test';
import { findElectronBinary } from '../scripts/electron-binary.mjs';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');

test.describe('electron shell @electron', () => {
  test('electron app: first SP-initiated login with the demo IdP provisions alice', async () => {
    const binary = findElectronBinary();
    if (!binary.found) {
      const reason = `Electron's binary is not available (${binary.reason}); the desktop shell was not exercised.`;
      console.log(`[electron.spec] skipped: ${reason}`);
      test.skip(true, reason);
      return;
    }
    if (!existsSync(join(root, 'out', 'main', 'index.js'))) {
      throw new Error('out/main/index.js is missing: run `npm run build` before the Electron e2e test.');
    }

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
