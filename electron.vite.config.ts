import { existsSync, rmSync } from 'node:fs';
import { resolve } from 'node:path';
import { defineConfig } from 'electron-vite';
import react from '@vitejs/plugin-react';
import { build as esbuild } from 'esbuild';
import type { Plugin } from 'vite';

// The `saml-jit-lab` command, compiled into out/cli once the main build is done, so bin/saml-jit-lab.mjs runs plain
// JavaScript (no TypeScript compiler at run time). Commands are split into chunks that load only when they run
// (`--help` and `metadata` never load the verifier, the store or zod). Chunks sit next to the entry, so
// `import.meta.url` points into out/cli and src-main/cli/paths.ts finds the package root two levels up, as it does
// from src-main/cli. Dependencies stay external: npm installs them with the package. The verification pool's worker
// is its own entry (src-main/core/verify-pool/pool.ts loads out/cli/verify-worker.js next to the compiled pool).
// SAML_JIT_LAB_OUT_DIR builds somewhere else than out/ (the package-install test builds into its own staging folder,
// so tests running meanwhile keep using out/).
const OUT = resolve(process.env.SAML_JIT_LAB_OUT_DIR ?? 'out');

const CLI_ENTRIES: Record<string, string> = {
  main: 'src-main/cli/main.ts',
  'verify-worker': 'src-main/core/verify-pool/worker.ts',
};

function cliBuild(): Plugin {
  return {
    name: 'saml-jit-lab-cli',
    apply: 'build',
    async closeBundle() {
      rmSync(resolve(OUT, 'cli'), { recursive: true, force: true });
      await esbuild({
        entryPoints: Object.fromEntries(Object.entries(CLI_ENTRIES).filter(([, file]) => existsSync(resolve(file)))),
        outdir: resolve(OUT, 'cli'),
        bundle: true,
        splitting: true,
        format: 'esm',
        platform: 'node',
        target: 'node20.19',
        packages: 'external',
        chunkNames: '[name]-[hash]',
        legalComments: 'none',
        logLevel: 'warning',
      });
    },
  };
}

// main: the thin Electron shell (src-main/electron). preload: CommonJS, so `sandbox: true` works.
// renderer: src-renderer, also served by the browser-mode host from out/renderer.
export default defineConfig({
  main: {
    build: {
      outDir: resolve(OUT, 'main'),
      // The verification pool's worker (src-main/core/verify-pool) next to the shell's entry.
      rollupOptions: { input: { index: resolve('src-main/electron/main.ts'), 'verify-worker': resolve('src-main/core/verify-pool/worker.ts') } },
    },
    plugins: [cliBuild()],
  },
  preload: {
    build: {
      outDir: resolve(OUT, 'preload'),
      rollupOptions: {
        input: { index: resolve('src-main/preload/index.ts') },
        output: { format: 'cjs', entryFileNames: '[name].cjs' },
      },
    },
  },
  renderer: {
    root: 'src-renderer',
    base: './',
    plugins: [react()],
    build: {
      outDir: resolve(OUT, 'renderer'),
      // electron-vite leaves the renderer unminified by default. Monaco (~3 MB) is a lazy chunk for the XML tab;
      // the first-load chunk stays ~250 kB.
      minify: true,
      chunkSizeWarningLimit: 4000,
      rollupOptions: { input: { index: resolve('src-renderer/index.html') } },
    },
  },
});
