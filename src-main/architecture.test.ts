// Layering rules that keep the shell thin: core and contract never import electron, the renderer never imports
// Node or core code, and the preload imports only electron and the contract.
import { readFile, readdir } from 'node:fs/promises';
import { join, relative, resolve } from 'node:path';
import { describe, expect, it, vi } from 'vitest';

const ROOT = resolve(import.meta.dirname, '..');

async function sources(dir: string): Promise<string[]> {
  const out: string[] = [];
  for (const entry of await readdir(dir, { withFileTypes: true })) {
    const path = join(dir, entry.name);
    if (entry.isDirectory()) out.push(...(await sources(path)));
    else if (/\.(ts|tsx|mts)$/.test(entry.name)) out.push(path);
  }
  return out;
}

async function importsOf(file: string): Promise<string[]> {
  const text = await readFile(file, 'utf8');
  return [...text.matchAll(/(?:from\s+|import\s*\(\s*|require\(\s*|^import\s+)['"]([^'"]+)['"]/gm)].map((m) => m[1]!);
}

async function offenders(dir: string, forbidden: (spec: string) => boolean): Promise<string[]> {
  const bad: string[] = [];
  for (const file of await sources(join(ROOT, dir))) {
    for (const spec of await importsOf(file)) if (forbidden(spec)) bad.push(`${relative(ROOT, file)} imports ${spec}`);
  }
  return bad;
}

describe('architecture', () => {
  it('src-main/core and src-main/contract never import electron', async () => {
    const isElectron = (s: string) => s === 'electron' || s.startsWith('electron/') || s.startsWith('@electron/');
    expect(await offenders('src-main/core', isElectron)).toEqual([]);
    expect(await offenders('src-main/contract', isElectron)).toEqual([]);
  });

  it('the detector itself sees an electron import', async () => {
    expect((await importsOf(join(ROOT, 'src-main/preload/index.ts'))).some((s) => s === 'electron')).toBe(true);
  });

  it('the contract imports nothing but zod and its own files', async () => {
    expect(await offenders('src-main/contract', (s) => s !== 'zod' && s !== 'vitest' && !s.startsWith('./'))).toEqual([]);
  });

  it('the renderer imports the contract and its own files, never core, the shell or Node', async () => {
    const allowed = (spec: string): boolean => {
      if (spec.startsWith('node:') || ['fs', 'path', 'child_process', 'electron'].includes(spec)) return false;
      if (!spec.startsWith('.')) return true; // packages: react, monaco-editor, zod…
      return !/src-main\/(core|electron|web|cli|preload|interop)\b/.test(spec);
    };
    const bad = await offenders('src-renderer', (spec) => !allowed(spec));
    expect(bad).toEqual([]);
    // …and the rule sees a violation when there is one.
    expect(allowed('../../src-main/core/lab.ts')).toBe(false);
    expect(allowed('../../src-main/contract/index.ts')).toBe(true);
  });

  it('the preload exposes window.lab with exactly invoke and on, and nothing else', async () => {
    const exposed: [string, unknown][] = [];
    vi.doMock('electron', () => ({
      contextBridge: { exposeInMainWorld: (key: string, api: unknown) => exposed.push([key, api]) },
      ipcRenderer: { invoke: async () => ({ ok: true, value: null }), on: () => {}, removeListener: () => {} },
    }));
    await import('./preload/index.ts');
    vi.doUnmock('electron');
    expect(exposed.map(([key]) => key)).toEqual(['lab']);
    const bridge = exposed[0]![1] as Record<string, unknown>;
    expect(Object.keys(bridge).sort()).toEqual(['invoke', 'on']);
    expect(Object.values(bridge).every((v) => typeof v === 'function')).toBe(true);
  });
});
