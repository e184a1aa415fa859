import { resolve } from 'node:path';
import react from '@vitejs/plugin-react';
import { defineConfig } from 'electron-vite';

// Three builds: the Electron main process (thin shell over src-main), the sandboxed
// single-file preload, and the React renderer. The CLI and the browser host run the
// same src-main code directly on Node 24 (type stripping), so they need no build.
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
        input: { index: resolve('src-main/electron/preload.ts') },
        output: { format: 'cjs', entryFileNames: '[name].cjs', codeSplitting: false },
      },
    },
  },
  renderer: {
    root: 'src-renderer',
    plugins: [react()],
    build: {
      outDir: 'out/renderer',
      minify: true,
      // React, React Flow and zod make one ~650 kB bundle; loaded once from disk, not the network.
      chunkSizeWarningLimit: 1_000,
      sourcemap: true,
      rollupOptions: { input: { index: resolve('src-renderer/index.html') } },
    },
  },
});
