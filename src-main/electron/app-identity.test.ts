// The app's name as Electron and the OS see it. Electron reads the TOP-LEVEL `productName` of package.json for
// app.getName() (macOS menu titles, About) — electron-builder's `build.productName` only names the installers — and
// on Linux takes `desktopName` as the Wayland app_id / X11 WM_CLASS (electron lib/browser/init.ts); electron-builder
// writes StartupWMClass from the same `desktopName` (app-builder-lib LinuxTargetHelper.computeDesktopEntry,
// electron-userland/electron-builder#9103), so the launcher entry and the running window match.
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';

const root = join(dirname(fileURLToPath(import.meta.url)), '../..');
const pkg = JSON.parse(readFileSync(join(root, 'package.json'), 'utf8')) as {
  name: string;
  productName?: string;
  desktopName?: string;
  description: string;
  build: { productName: string; executableName: string; linux: Record<string, unknown>; mac: Record<string, unknown> };
};
const requireCjs = createRequire(import.meta.url);

describe('app identity', () => {
  it('names the app "SAML JIT Lab" where Electron reads it (top-level productName), the same as the installers', () => {
    expect(pkg.productName).toBe('SAML JIT Lab');
    expect(pkg.productName).toBe(pkg.build.productName);
    // main.ts's dialogs and menus say the same.
    expect(readFileSync(join(root, 'src-main', 'electron', 'main.ts'), 'utf8')).toContain(`const APP_NAME = '${pkg.productName}';`);
  });

  it('gives Linux one window class: desktopName is the .desktop file electron-builder installs, and its StartupWMClass', async () => {
    expect(pkg.desktopName).toBe(`${pkg.build.executableName}.desktop`);
    const { LinuxTargetHelper } = requireCjs('app-builder-lib/out/targets/LinuxTargetHelper.js') as {
      LinuxTargetHelper: new (packager: unknown) => { computeDesktopEntry(options: unknown, exec?: string, extra?: unknown): Promise<string> };
    };
    const packager = {
      info: { metadata: pkg },
      appInfo: { productName: pkg.build.productName, sanitizedProductName: pkg.build.productName, description: pkg.description },
      executableName: pkg.build.executableName,
      platformSpecificBuildOptions: pkg.build.linux,
      fileAssociations: [],
      config: { ...pkg.build, protocols: [] },
    };
    const entry = await new LinuxTargetHelper(packager).computeDesktopEntry(pkg.build.linux, '/opt/app/saml-jit-lab %U');
    expect(entry).toMatch(/^StartupWMClass=saml-jit-lab$/m);
    expect(entry).toMatch(/^Name=SAML JIT Lab$/m);
  });
});
