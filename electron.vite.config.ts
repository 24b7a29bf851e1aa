import { resolve } from 'node:path';
import { defineConfig } from 'electron-vite';
import react from '@vitejs/plugin-react';

// main: the thin Electron shell (src-main/electron). preload: CommonJS, so `sandbox: true` works.
// renderer: src-renderer, also served by the browser-mode host from out/renderer.
export default defineConfig({
  main: {
    build: {
      outDir: 'out/main',
      rollupOptions: { input: { index: resolve('src-main/electron/main.ts') } },
    },
  },
  preload: {
    build: {
      outDir: 'out/preload',
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
      outDir: resolve('out/renderer'),
      // electron-vite leaves the renderer unminified by default. Monaco (~3 MB) is a lazy chunk for the XML tab;
      // the first-load chunk stays ~250 kB.
      minify: true,
      chunkSizeWarningLimit: 4000,
      rollupOptions: { input: { index: resolve('src-renderer/index.html') } },
    },
  },
});
