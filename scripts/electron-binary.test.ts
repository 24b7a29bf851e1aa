import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { findElectronBinary } from './electron-binary.mjs';

const dirs: string[] = [];
function fakeElectronPackage(): string {
  const dir = mkdtempSync(join(tmpdir(), 'electron-binary-'));
  dirs.push(dir);
  writeFileSync(join(dir, 'package.json'), '{"name":"electron","version":"45.5.0"}');
  return dir;
}
afterEach(() => {
  for (const dir of dirs.splice(0)) rmSync(dir, { recursive: true, force: true });
});

describe('findElectronBinary', () => {
  it('reports missing, with a reason, when path.txt is absent', () => {
    const result = findElectronBinary({ electronDir: fakeElectronPackage(), env: {} });
    expect(result.found).toBe(false);
    expect(result.found === false && result.reason).toMatch(/path\.txt is missing/);
  });

  it('reports missing when path.txt names a file that is not under dist/', () => {
    const dir = fakeElectronPackage();
    writeFileSync(join(dir, 'path.txt'), 'electron');
    const result = findElectronBinary({ electronDir: dir, env: {} });
    expect(result).toMatchObject({ found: false, path: join(dir, 'dist', 'electron') });
    expect(result.found === false && result.reason).toMatch(/dist.electron is missing/);
  });

  it('finds the binary in a complete dist layout', () => {
    const dir = fakeElectronPackage();
    writeFileSync(join(dir, 'path.txt'), 'electron');
    mkdirSync(join(dir, 'dist'));
    writeFileSync(join(dir, 'dist', 'electron'), '');
    expect(findElectronBinary({ electronDir: dir, env: {} })).toEqual({ found: true, path: join(dir, 'dist', 'electron') });
  });

  it('honours ELECTRON_OVERRIDE_DIST_PATH like electron itself', () => {
    const dir = fakeElectronPackage();
    const dist = mkdtempSync(join(tmpdir(), 'electron-dist-'));
    dirs.push(dist);
    writeFileSync(join(dist, 'electron'), '');
    expect(findElectronBinary({ electronDir: dir, env: { ELECTRON_OVERRIDE_DIST_PATH: dist } })).toEqual({
      found: true,
      path: join(dist, 'electron'),
    });
  });

  it('reports a missing electron package', () => {
    const result = findElectronBinary({ electronDir: join(tmpdir(), 'no-such-electron-dir'), env: {} });
    expect(result.found === false && result.reason).toMatch(/not installed/);
  });

  it('answers for this repository without throwing', () => {
    const result = findElectronBinary();
    expect(typeof result.found).toBe('boolean');
  });
});
