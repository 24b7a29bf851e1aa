// The electron-builder configuration (package.json "build"), checked where packaging itself cannot run (no Electron
// binary): valid against electron-builder's own schema, the four installers, what goes into app.asar and next to it,
// the icons, and that the desktop app needs nothing at run time that is only a devDependency (and ships no dev-only
// dependency). e2e/electron.spec.ts also packs the app for real with a stand-in Electron and runs the packed bundle.
import { existsSync, readFileSync } from 'node:fs';
import { builtinModules, createRequire } from 'node:module';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const requireCjs = createRequire(import.meta.url);
interface Pkg {
  main: string;
  scripts: Record<string, string>;
  dependencies: Record<string, string>;
  devDependencies: Record<string, string>;
  build: Record<string, unknown> & {
    files: string[];
    extraResources: { from: string; to: string; filter: string[] }[];
    directories: { output: string };
    linux: { target: string[]; icon: string };
    mac: { target: string[]; icon: string };
    win: { target: string[]; icon: string };
  };
}
const pkg = JSON.parse(readFileSync(join(root, 'package.json'), 'utf8')) as Pkg;
const build = pkg.build;

/** Dependencies the main bundle does not import statically, and why each is still a dependency. */
const NOT_IMPORTED_BY_MAIN: Record<string, string> = {
  'samlify-validator-js': 'its XSD files are loaded with createRequire in src-main/core/saml/schema.ts (checked below)',
  tsx: 'runs the CLI (bin/saml-jit-lab.mjs → src-main/cli, TypeScript) for `npx saml-jit-lab` without a build; the desktop package excludes it',
  '@node-saml/node-saml': 'loaded by the worker that asks real SP libraries ("Would your SP accept this?", src-main/core/targets/js-runner.ts: its source is a string, so no static import shows)',
};

/** Bare module specifiers reachable from an entry through relative imports (type-only imports are erased). */
function bareImports(entry: string): { specifiers: Set<string>; sources: string[] } {
  const specifiers = new Set<string>();
  const seen = new Set<string>();
  const sources: string[] = [];
  const visit = (file: string): void => {
    if (seen.has(file)) return;
    seen.add(file);
    const text = readFileSync(file, 'utf8');
    sources.push(text);
    const pattern = /^\s*(?:import|export)\s+(?!type\s)(?:[^'";]*?\sfrom\s+)?['"]([^'"]+)['"]|\bimport\(\s*['"]([^'"]+)['"]\s*\)/gm;
    for (const match of text.matchAll(pattern)) {
      const spec = match[1] ?? match[2] ?? '';
      if (spec.startsWith('.')) visit(resolve(dirname(file), spec));
      else specifiers.add(spec);
    }
  };
  visit(entry);
  return { specifiers, sources };
}
const packageName = (spec: string): string => spec.split('/').slice(0, spec.startsWith('@') ? 2 : 1).join('/');
const isBuiltin = (spec: string): boolean => spec.startsWith('node:') || builtinModules.includes(spec);

describe('packaging configuration (electron-builder)', () => {
  it('is valid against electron-builder’s own schema', async () => {
    const { validateConfiguration } = requireCjs('app-builder-lib/out/util/config/config') as {
      validateConfiguration(config: unknown, logger: unknown): Promise<void>;
    };
    const { DebugLogger } = requireCjs('builder-util') as { DebugLogger: new (enabled: boolean) => unknown };
    await expect(validateConfiguration(structuredClone(build), new DebugLogger(false))).resolves.toBeUndefined();
    await expect(validateConfiguration({ ...structuredClone(build), asar: 'yes' }, new DebugLogger(false))).rejects.toThrow(/asar/);
  });

  it('names the app and builds AppImage + deb, dmg and nsis with `npm run dist`', () => {
    expect(build).toMatchObject({ appId: 'dev.saml-jit-lab.app', productName: 'SAML JIT Lab', asar: true });
    expect(build.linux.target).toEqual(['AppImage', 'deb']);
    expect(build.mac.target).toEqual(['dmg']);
    expect(build.win.target).toEqual(['nsis']);
    expect(pkg.scripts.dist).toMatch(/^electron-vite build && electron-builder\b/);
    expect(pkg.main).toBe('out/main/index.js');
  });

  it('puts the built app in app.asar and resources/ next to it, where main.ts looks (process.resourcesPath/resources)', () => {
    expect(build.files).toEqual(expect.arrayContaining(['package.json', 'out/**/*']));
    expect(build.files.filter((f) => !f.startsWith('!') && !['package.json', 'out/**/*'].includes(f))).toEqual([]);
    expect(build.extraResources).toEqual([expect.objectContaining({ from: 'resources', to: 'resources' })]);
    const main = readFileSync(join(root, 'src-main/electron/main.ts'), 'utf8');
    expect(main).toContain("join(process.resourcesPath, 'resources')");
    // No native modules: nothing to rebuild against Electron's ABI (and @electron/rebuild needs Node 22).
    expect(build.npmRebuild).toBe(false);
    expect(existsSync(join(root, 'resources', 'demo-users.json'))).toBe(true);
  });

  it('ships tsx (and its esbuild) not at all: the desktop app runs the pre-built bundle', () => {
    for (const excluded of ['!node_modules/tsx/**', '!node_modules/esbuild/**', '!node_modules/@esbuild/**']) {
      expect(build.files).toContain(excluded);
    }
  });

  it('has every icon, generated from resources/icons/icon.svg', () => {
    const icons = join(root, 'resources', 'icons');
    expect(readFileSync(join(icons, 'icon.svg'), 'utf8')).toMatch(/^<svg [^>]*viewBox="0 0 1024 1024"/);
    for (const size of [16, 24, 32, 48, 64, 128, 256, 512, 1024]) {
      const png = readFileSync(join(icons, 'png', `${size}x${size}.png`));
      expect(png.subarray(1, 4).toString('latin1')).toBe('PNG');
      expect([png.readUInt32BE(16), png.readUInt32BE(20)]).toEqual([size, size]); // IHDR width, height
    }
    const ico = readFileSync(join(icons, 'icon.ico'));
    expect([ico.readUInt16LE(2), ico.readUInt16LE(4)]).toEqual([1, 7]);
    expect(ico.readUInt8(6 + 16 * 6)).toBe(0); // the last entry is 256 px (stored as 0), as nsis wants
    const icns = readFileSync(join(icons, 'icon.icns'));
    expect(icns.subarray(0, 4).toString('latin1')).toBe('icns');
    expect(icns.readUInt32BE(4)).toBe(icns.length);
    expect(icns.includes(Buffer.from('ic10'))).toBe(true); // 1024 px
    expect(resolve(root, build.linux.icon)).toBe(join(icons, 'png'));
    expect(existsSync(resolve(root, build.mac.icon))).toBe(true);
    expect(existsSync(resolve(root, build.win.icon))).toBe(true);
  });

  it('needs at run time only `dependencies`, and ships no dependency the app does not use', () => {
    const shell = bareImports(join(root, 'src-main/electron/main.ts'));
    const preload = bareImports(join(root, 'src-main/preload/index.ts'));
    const used = new Set([...shell.specifiers, ...preload.specifiers].filter((s) => !isBuiltin(s) && s !== 'electron').map(packageName));
    const deps = Object.keys(pkg.dependencies);
    expect([...used]).toEqual(expect.arrayContaining(['samlify', 'lowdb', 'zod', 'selfsigned', 'xml-crypto', '@xmldom/xmldom']));
    for (const name of used) expect(deps, `${name} is imported by the desktop app: it must be a dependency`).toContain(name);
    for (const name of deps) {
      if (used.has(name)) continue;
      expect(NOT_IMPORTED_BY_MAIN[name], `${name} is a dependency the desktop app does not use: make it a devDependency`).toBeDefined();
    }
    expect(shell.sources.some((s) => /requireCjs\(\s*[`'"]samlify-validator-js\/|[`'"]samlify-validator-js\/build/.test(s))).toBe(true);
    // electron is provided by the runtime and electron-builder refuses it in dependencies.
    expect(pkg.devDependencies.electron).toBeDefined();
    expect(pkg.dependencies.electron).toBeUndefined();
    for (const dev of ['electron-builder', 'electron-vite', 'vite', 'react', 'monaco-editor', '@playwright/test']) {
      expect(pkg.dependencies[dev], `${dev} is build- or test-time only`).toBeUndefined();
    }
  });
});
