// The desktop shell end to end, without a browser page:
// - with Electron: Playwright drives the built app (first login, import metadata from a file via the menu, export the
//   SP metadata via the menu). Skipped, with the reason printed, where Electron's binary is not installed (it cannot
//   be downloaded on every machine);
// - everywhere: the BUILT shell (out/main/index.js) runs under plain Node with a fake electron module and the real
//   core (src-main/electron/testing/shell-smoke.mjs), so the bundle, hardening, IPC trust, menu, login window,
//   system-browser login, port-in-use dialog, remembered bounds (a maximized window shown only once painted),
//   single-instance lock, shutdown, IdP certificate trust, HTTP-auth prompt, edit context menu, metadata URL import
//   over Electron's net, the AppImage relaunch and routes shown without running script in the page are exercised
//   even where Electron cannot run.
import { execFile } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { createServer } from 'node:net';
import type { AddressInfo, Server } from 'node:net';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { _electron as electron, expect, test } from '@playwright/test';
import type { ElectronApplication, Page } from '@playwright/test';
import { findElectronBinary } from '../scripts/electron-binary.mjs';
import type { LabBridge } from '../src-main/contract/index.ts';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const mainBundle = join(root, 'out', 'main', 'index.js');
const requireCjs = createRequire(import.meta.url);

function requireBuild(): void {
  if (!existsSync(mainBundle)) throw new Error('out/main/index.js is missing: run `npm run build` first.');
}

function tempDir(prefix: string): string {
  return mkdtempSync(join(tmpdir(), prefix));
}

interface SmokeRun {
  code: number;
  stdout: string;
  stderr: string;
  result: Record<string, unknown>;
}

/** Runs the built shell with the fake electron; resolves with its exit code, output and final JSON line. */
function runShellSmoke(args: string[], env: Record<string, string> = {}, nodeArgs: string[] = []): Promise<SmokeRun> {
  const testing = join(root, 'src-main', 'electron', 'testing');
  return new Promise((resolve) => {
    execFile(
      process.execPath,
      ['--import', join(testing, 'register-fake-electron.mjs'), ...nodeArgs, join(testing, 'shell-smoke.mjs'), ...args],
      { cwd: root, env: { ...process.env, ...env }, timeout: 45_000 },
      (error, stdout, stderr) => {
        const code = error ? (typeof error.code === 'number' ? error.code : 1) : 0;
        let result: Record<string, unknown> = {};
        try {
          result = JSON.parse(stdout.trim().split('\n').at(-1) ?? '{}') as Record<string, unknown>;
        } catch {
          // left empty: the assertion on `code` shows the output
        }
        resolve({ code, stdout, stderr, result });
      },
    );
  });
}

async function busyPort(): Promise<{ server: Server; port: number }> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return { server, port: (server.address() as AddressInfo).port };
}

test.describe('electron shell on plain Node (fake electron) @electron', () => {
  test.beforeEach(() => requireBuild());

  test('built shell: hardening, IPC trust, menu (import, export, settings, about), login window, different user, bounds saved', async () => {
    const dataDir = tempDir('saml-jit-lab-shell-');
    try {
      const run = await runShellSmoke(['--data', dataDir, '--port', '0']);
      expect(run.code, `${run.stdout}\n${run.stderr}`).toBe(0);
      expect(run.result).toMatchObject({ ok: true, principal: 'alice@example.com' });
    } finally {
      rmSync(dataDir, { recursive: true, force: true });
    }
  });

  test('built shell, packaged layout: system-browser login brings the app to the front; an off-screen position is dropped', async () => {
    const dataDir = tempDir('saml-jit-lab-shell-');
    writeFileSync(
      join(dataDir, 'desktop.json'),
      JSON.stringify({ loginIn: 'system-browser', port: 'not a port', window: { x: 5000, y: 5000, width: 1000, height: 700, maximized: false } }),
    );
    try {
      const run = await runShellSmoke(['--data', dataDir, '--port', '0'], {
        SHELL_SMOKE: 'system-browser',
        FAKE_ELECTRON_PACKAGED: '1',
        FAKE_ELECTRON_RESOURCES_PATH: root, // <resourcesPath>/resources, as electron-builder's extraResources lays it out
        FAKE_ELECTRON_APP_PATH: join(dataDir, 'no-app-path-when-packaged'),
      });
      expect(run.code, `${run.stdout}\n${run.stderr}`).toBe(0);
      expect(run.result).toMatchObject({ ok: true, scenario: 'system-browser' });
    } finally {
      rmSync(dataDir, { recursive: true, force: true });
    }
  });

  test('built shell: a port in use is named in a dialog; "Quit" exits with code 1 and no window', async () => {
    const dataDir = tempDir('saml-jit-lab-shell-');
    const busy = await busyPort();
    try {
      const run = await runShellSmoke(['--data', dataDir, '--port', String(busy.port)], {
        SHELL_SMOKE: 'port-in-use',
        FAKE_ELECTRON_MESSAGE_BOX: JSON.stringify({ response: 1, checkboxChecked: false }),
      });
      expect(run.code, `${run.stdout}\n${run.stderr}`).toBe(0);
      const outcome = run.result as { exitCode: number; windows: number; messageBoxes: { message: string; buttons: string[] }[] };
      expect(outcome.exitCode).toBe(1);
      expect(outcome.windows).toBe(0);
      expect(outcome.messageBoxes).toHaveLength(1);
      expect(outcome.messageBoxes[0]?.message).toBe(`Port ${busy.port} is already in use on 127.0.0.1.`);
      expect(outcome.messageBoxes[0]?.buttons).toEqual([expect.stringMatching(/^Use port \d+$/), 'Quit']);
    } finally {
      busy.server.close();
      rmSync(dataDir, { recursive: true, force: true });
    }
  });

  test('built shell: a port in use offers the next free one; accepting starts there and remembers it', async () => {
    const dataDir = tempDir('saml-jit-lab-shell-');
    const busy = await busyPort();
    // The offer is the first free port after the busy one; find it the same way to know what to expect.
    const { nextFreePort } = await import('../src-main/electron/free-port.ts');
    const offered = await nextFreePort(busy.port);
    try {
      const run = await runShellSmoke(['--data', dataDir, '--port', String(busy.port)], {
        FAKE_ELECTRON_MESSAGE_BOX: JSON.stringify({ response: 0, checkboxChecked: true }),
        SHELL_SMOKE_EXPECT_PORT: String(offered),
      });
      expect(run.code, `${run.stdout}\n${run.stderr}`).toBe(0);
      expect(run.result).toMatchObject({ ok: true, port: offered });
      expect(JSON.parse(readFileSync(join(dataDir, 'desktop.json'), 'utf8'))).toMatchObject({ port: offered });
    } finally {
      busy.server.close();
      rmSync(dataDir, { recursive: true, force: true });
    }
  });

  test('packed app (electron-builder --dir, stand-in Electron): app.asar holds out/ and production deps only, and that bundle runs from inside app.asar and extracted', async () => {
    test.setTimeout(150_000);
    const work = tempDir('saml-jit-lab-pack-');
    try {
      // electron-builder copies an unpacked Electron from electronDist instead of downloading one.
      const electronDist = join(work, 'electron-dist');
      mkdirSync(electronDist);
      writeFileSync(join(electronDist, 'electron'), '#!/bin/sh\necho stand-in\n', { mode: 0o755 });
      writeFileSync(join(electronDist, 'version'), '45.5.0');
      const output = join(work, 'dist');
      const builder = join(root, 'node_modules', '.bin', process.platform === 'win32' ? 'electron-builder.cmd' : 'electron-builder');
      const packed = await new Promise<{ code: number; log: string }>((resolve) => {
        execFile(
          builder,
          ['--dir', '--linux', '--x64', '--publish', 'never', `-c.electronDist=${electronDist}`, `-c.directories.output=${output}`],
          { cwd: root, timeout: 120_000, shell: process.platform === 'win32' },
          (error, stdout, stderr) => resolve({ code: error ? 1 : 0, log: `${stdout}\n${stderr}` }),
        );
      });
      expect(packed.code, packed.log).toBe(0);

      const unpacked = join(output, 'linux-unpacked');
      expect(existsSync(join(unpacked, 'saml-jit-lab')), 'the executable is named saml-jit-lab').toBe(true);
      expect(existsSync(join(unpacked, 'resources', 'resources', 'demo-users.json'))).toBe(true);
      expect(existsSync(join(unpacked, 'resources', 'resources', 'icons', 'icon.svg'))).toBe(false);
      const asar = requireCjs('@electron/asar') as { listPackage(path: string): string[]; extractAll(path: string, to: string): void };
      const appAsar = join(unpacked, 'resources', 'app.asar');
      const files = asar.listPackage(appAsar).map((f) => f.replaceAll('\\', '/'));
      expect(files).toEqual(expect.arrayContaining(['/package.json', '/out/main/index.js', '/out/preload/index.cjs', '/out/renderer/index.html', '/node_modules/samlify/package.json']));
      const topLevel = new Set(files.filter((f) => f.startsWith('/node_modules/')).map((f) => f.split('/').slice(2, f.startsWith('/node_modules/@') ? 4 : 3).join('/')));
      const pkg = JSON.parse(readFileSync(join(root, 'package.json'), 'utf8')) as { devDependencies: Record<string, string> };
      for (const dev of [...Object.keys(pkg.devDependencies), 'tsx', 'esbuild']) expect(topLevel.has(dev), `${dev} must not be packed`).toBe(false);
      expect(files.some((f) => f.startsWith('/src-main/') || f.startsWith('/e2e/') || (f.startsWith('/out/') && f.endsWith('.map')))).toBe(false);

      // Nothing in app.asar has to be unpacked to work: no native addons (a .node file loads only from disk, which is
      // what electron-builder's asarUnpack is for). The app starts no child process.
      expect(files.filter((f) => f.endsWith('.node')), 'native addons would need asarUnpack').toEqual([]);

      // The packed bundle runs the whole desktop login twice: from INSIDE app.asar, never extracted, with
      // src-main/electron/testing/asar-node.mjs standing in for Electron's asar layer (imports through module hooks,
      // require() and fs reads of paths into the archive: the main bundle, lowdb's subpath export `lowdb/node`, the
      // CommonJS packages samlify, xml-crypto, @xmldom/xmldom with their own requires); and extracted, on plain Node.
      // What still only a real Electron running the packed app would show:
      //  - Electron's own asar layer (the shim is a second implementation of its behaviour, tested in
      //    asar-node.test.ts), including `new Worker()` on a file in the archive (the verification pool's
      //    out/main/verify-worker.js, once the lab uses the pool; worker_threads gained asar support in electron#33216);
      //  - Chromium loading the sandboxed preload (out/preload/index.cjs) and the renderer (file://…/app.asar/out/
      //    renderer/index.html, its assets and Monaco's workers) from the archive;
      //  - process.resourcesPath and app.getAppPath() as the packaged Electron reports them (the fake sets both).
      // libxml2-wasm embeds its .wasm in its .mjs and the schemas come from samlify-validator-js's modules, so no
      // other runtime file access goes into the archive.
      const dataDirInAsar = join(work, 'data-asar');
      mkdirSync(dataDirInAsar);
      writeFileSync(join(dataDirInAsar, 'desktop.json'), JSON.stringify({ loginIn: 'system-browser', window: { x: 9000, y: 0, width: 1000, height: 700, maximized: false } }));
      const inAsar = await runShellSmoke(
        ['--data', dataDirInAsar, '--port', '0'],
        {
          SHELL_SMOKE: 'system-browser',
          SHELL_SMOKE_MAIN: join(appAsar, 'out', 'main', 'index.js'),
          FAKE_ELECTRON_PACKAGED: '1',
          FAKE_ELECTRON_RESOURCES_PATH: join(unpacked, 'resources'),
          FAKE_ELECTRON_APP_PATH: appAsar,
        },
        ['--import', join(root, 'src-main', 'electron', 'testing', 'asar-node.mjs')],
      );
      expect(inAsar.code, `${inAsar.stdout}\n${inAsar.stderr}`).toBe(0);
      expect(inAsar.result).toMatchObject({ ok: true, scenario: 'system-browser' });

      const app = join(work, 'app');
      asar.extractAll(appAsar, app);
      const dataDir = join(work, 'data');
      mkdirSync(dataDir);
      writeFileSync(join(dataDir, 'desktop.json'), JSON.stringify({ loginIn: 'system-browser', window: { x: 9000, y: 0, width: 1000, height: 700, maximized: false } }));
      const run = await runShellSmoke(['--data', dataDir, '--port', '0'], {
        SHELL_SMOKE: 'system-browser',
        SHELL_SMOKE_MAIN: join(app, 'out', 'main', 'index.js'),
        FAKE_ELECTRON_PACKAGED: '1',
        FAKE_ELECTRON_RESOURCES_PATH: join(unpacked, 'resources'),
        FAKE_ELECTRON_APP_PATH: app,
      });
      expect(run.code, `${run.stdout}\n${run.stderr}`).toBe(0);
      expect(run.result).toMatchObject({ ok: true, scenario: 'system-browser' });
    } finally {
      rmSync(work, { recursive: true, force: true });
    }
  });

  test('built shell: a second instance (lock taken) exits 0 without a window or a listener', async () => {
    const dataDir = tempDir('saml-jit-lab-shell-');
    try {
      const run = await runShellSmoke(['--data', dataDir, '--port', '0'], { SHELL_SMOKE: 'lock-taken', FAKE_ELECTRON_LOCK_TAKEN: '1' });
      expect(run.code, `${run.stdout}\n${run.stderr}`).toBe(0);
      expect(run.result).toMatchObject({ ok: true, exitCode: 0, windows: 0, messageBoxes: [] });
      expect(run.stdout).not.toContain('SP listener on');
    } finally {
      rmSync(dataDir, { recursive: true, force: true });
    }
  });
});

/** Launches the built app in Electron with its own data folder, or skips (printing why) where there is no binary. */
async function launchElectron(): Promise<{ app: ElectronApplication; main: Page; dataDir: string }> {
  const binary = findElectronBinary();
  if (!binary.found) {
    const reason = `Electron's binary is not available (${binary.reason}); the desktop shell was not exercised.`;
    console.log(`[electron.spec] skipped: ${reason}`);
    test.skip(true, reason);
    throw new Error('unreachable');
  }
  requireBuild();
  const dataDir = tempDir('saml-jit-lab-e2e-');
  const env: Record<string, string> = {};
  for (const [name, value] of Object.entries(process.env)) {
    if (value !== undefined && name !== 'ELECTRON_RUN_AS_NODE' && name !== 'ELECTRON_RENDERER_URL') env[name] = value;
  }
  const app = await electron.launch({ executablePath: binary.path, args: [root, '--data', dataDir, '--port', '0'], cwd: root, env });
  const main = await app.firstWindow();
  await expect(main.getByTestId('app')).toHaveAttribute('data-app-state', 'ready', { timeout: 20_000 });
  return { app, main, dataDir };
}

async function closeElectron(launched: { app: ElectronApplication; dataDir: string }): Promise<void> {
  if (test.info().status !== test.info().expectedStatus) {
    for (const [index, page] of launched.app.windows().entries()) {
      await test.info().attach(`window-${index}.png`, { body: await page.screenshot(), contentType: 'image/png' });
    }
  }
  await launched.app.close();
  rmSync(launched.dataDir, { recursive: true, force: true });
}

/** Clicks an application-menu item by id, as a person would (dialogs are stubbed by the caller). */
async function clickMenu(app: ElectronApplication, id: string): Promise<void> {
  await app.evaluate(({ Menu }, itemId) => {
    const item = Menu.getApplicationMenu()?.getMenuItemById(itemId);
    if (!item) throw new Error(`No menu item ${itemId}`);
    item.click();
  }, id);
}

async function listenerUrl(main: Page): Promise<string> {
  return main.evaluate(async () => {
    const bridge = (window as unknown as { lab: LabBridge }).lab;
    const info = (await bridge.invoke('app.info', {})) as { ok: true; value: { listenerUrl: string } };
    return info.value.listenerUrl;
  });
}

test.describe('electron shell @electron', () => {
  test('electron app: first SP-initiated login with the demo IdP provisions alice', async () => {
    const launched = await launchElectron();
    const { app, main } = launched;
    try {
      const loginWindowOpened = app.waitForEvent('window');
      await main.getByTestId('sign-in').click();
      const login = await loginWindowOpened;
      await login.getByTestId('demo-signin-alice').click();

      // The shell closes the login window when login.completed arrives and brings the main window back.
      await expect.poll(() => app.windows().length, { timeout: 15_000 }).toBe(1);
      await expect(main.locator('[data-testid=login-row][data-verdict=accepted]')).toHaveCount(1, { timeout: 15_000 });

      await main.getByTestId('nav-accounts').click();
      await expect(main.getByTestId('account-row').filter({ hasText: /alice/i })).toHaveCount(1);
    } finally {
      await closeElectron(launched);
    }
  });

  test('electron app: File > Import IdP Metadata… imports a metadata file and shows it on the IdPs screen', async () => {
    const launched = await launchElectron();
    const { app, main, dataDir } = launched;
    try {
      const metadata = await (await fetch(`${await listenerUrl(main)}/demo-idp/metadata`)).text();
      const file = join(dataDir, 'okta-like-idp.xml');
      writeFileSync(file, metadata.replace(/entityID="[^"]*"/, 'entityID="https://idp.menu-import.example/"'));
      await app.evaluate(({ dialog }, path) => {
        dialog.showOpenDialog = (async () => ({ canceled: false, filePaths: [path] })) as typeof dialog.showOpenDialog;
      }, file);
      await clickMenu(app, 'import-metadata');

      await expect(main.getByTestId('idps-screen')).toBeVisible({ timeout: 15_000 });
      await expect(main.getByTestId('app')).toHaveAttribute('data-app-state', 'ready');
      await expect(main.getByTestId('idp-row').filter({ hasText: 'https://idp.menu-import.example/' })).toHaveCount(1);
    } finally {
      await closeElectron(launched);
    }
  });

  // Exporting a configuration bundle (issue 7) has no contract method yet; the menu exports the SP metadata.
  test('electron app: File > Export SP Metadata… writes the SP metadata file', async () => {
    const launched = await launchElectron();
    const { app, main, dataDir } = launched;
    try {
      const target = join(dataDir, 'exported-sp-metadata.xml');
      await app.evaluate(({ dialog }, path) => {
        dialog.showSaveDialog = (async () => ({ canceled: false, filePath: path })) as typeof dialog.showSaveDialog;
      }, target);
      await clickMenu(app, 'export-sp-metadata');
      await expect.poll(() => (existsSync(target) ? readFileSync(target, 'utf8') : ''), { timeout: 10_000 }).toContain(`${await listenerUrl(main)}/saml/acs`);
    } finally {
      await closeElectron(launched);
    }
  });
});
