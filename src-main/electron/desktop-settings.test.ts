import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { readDesktopSettings, restoreBounds, writeDesktopSettings } from './desktop-settings.ts';

const dirs: string[] = [];
const tempFile = (content?: string): string => {
  const dir = mkdtempSync(join(tmpdir(), 'desktop-settings-'));
  dirs.push(dir);
  const path = join(dir, 'desktop.json');
  if (content !== undefined) writeFileSync(path, content);
  return path;
};
afterEach(() => {
  for (const dir of dirs.splice(0)) rmSync(dir, { recursive: true, force: true });
});

const screen = [{ x: 0, y: 0, width: 1920, height: 1080 }];
const fallback = { width: 1280, height: 820 };

describe('desktop settings file', () => {
  it('gives the defaults for a missing, non-JSON or non-object file', async () => {
    for (const content of [undefined, '{oops', '[1,2]', 'null', '"x"']) {
      expect(await readDesktopSettings(tempFile(content))).toEqual({ loginIn: 'window' });
    }
  });

  it('drops only the invalid fields', async () => {
    const path = tempFile(JSON.stringify({ port: 70000, loginIn: 'system-browser', window: { x: 1, y: 2, width: 10, height: 900, maximized: false } }));
    expect(await readDesktopSettings(path)).toEqual({ loginIn: 'system-browser' });
    const ok = tempFile(JSON.stringify({ port: 7821, loginIn: 'telnet', window: { x: 1, y: 2, width: 1000, height: 900, maximized: true } }));
    expect(await readDesktopSettings(ok)).toEqual({ port: 7821, loginIn: 'window', window: { x: 1, y: 2, width: 1000, height: 900, maximized: true } });
  });

  it('round-trips what it writes, atomically, creating the folder', async () => {
    const path = join(tempFile(), '..', 'nested', 'desktop.json');
    const settings = { port: 7830, loginIn: 'system-browser' as const, window: { x: -100, y: 40, width: 1400, height: 900, maximized: false } };
    await writeDesktopSettings(path, settings);
    expect(await readDesktopSettings(path)).toEqual(settings);
    expect(readFileSync(path, 'utf8').endsWith('}\n')).toBe(true);
  });
});

describe('restoreBounds', () => {
  it('uses the fallback size, centred, with nothing saved', () => {
    expect(restoreBounds(undefined, screen, fallback)).toEqual({ width: 1280, height: 820, maximized: false });
  });

  it('keeps a saved position that is on a display, and the maximized flag', () => {
    expect(restoreBounds({ x: 200, y: 100, width: 1000, height: 700, maximized: true }, screen, fallback)).toEqual({
      x: 200,
      y: 100,
      width: 1000,
      height: 700,
      maximized: true,
    });
  });

  it('drops a position whose title bar is off every display (monitor unplugged), keeping the size', () => {
    for (const [x, y] of [[5000, 100], [100, 5000], [-2000, 100], [100, -300], [1900, 100]]) {
      expect(restoreBounds({ x: x!, y: y!, width: 1000, height: 700, maximized: false }, screen, fallback)).toEqual({ width: 1000, height: 700, maximized: false });
    }
  });

  it('keeps a position on a second display and clamps a size larger than any display', () => {
    const two = [...screen, { x: 1920, y: 0, width: 2560, height: 1440 }];
    expect(restoreBounds({ x: 2000, y: 50, width: 1200, height: 800, maximized: false }, two, fallback)).toMatchObject({ x: 2000, y: 50 });
    expect(restoreBounds({ x: 0, y: 0, width: 9000, height: 9000, maximized: false }, screen, fallback)).toMatchObject({ width: 1920, height: 1080 });
  });
});
