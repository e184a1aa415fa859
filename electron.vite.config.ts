import { statSync } from 'node:fs';
import { isAbsolute, relative, resolve } from 'node:path';
import react from '@vitejs/plugin-react';
import { defineConfig } from 'electron-vite';
import type { Plugin } from 'vite';

/**
 * `cli-sources.json` beside the bundle: each file the build read, relative to the project, with
 * its size and modification time as the build saw them. `baton.js` runs the bundle only while
 * every one is unchanged, so an edited checkout runs its sources, never a bundle older than them.
 */
function sourcesManifest(): Plugin {
  return {
    name: 'baton-sources-manifest',
    generateBundle() {
      const files: [string, number, number][] = [];
      for (const id of this.getModuleIds()) {
        // Files only: not the build's own virtual modules (ids starting with \0).
        if (!isAbsolute(id) || id.includes('\0')) continue;
        const s = statSync(id, { throwIfNoEntry: false });
        if (s?.isFile()) files.push([relative(import.meta.dirname, id), s.size, s.mtimeMs]);
      }
      this.emitFile({
        type: 'asset',
        fileName: 'cli-sources.json',
        source: JSON.stringify({ files: files.sort((a, b) => a[0].localeCompare(b[0])) }),
      });
    },
  };
}

/**
 * The modules the page's entry imports statically (what the first screen needs), found when the
 * renderer's modules are parsed: the renderer build puts them in one chunk. Left to itself, the
 * bundler cut them into ~20 files (each module shared with a view loaded later went apart), and
 * Chromium fetched them over its six connections in four waves: ~100 ms of the cold start.
 */
function firstScreen(): { plugin: Plugin; has: (id: string) => boolean } {
  const reached = new Set<string>();
  return {
    has: (id) => reached.has(id),
    plugin: {
      name: 'baton-first-screen',
      buildEnd() {
        const entries = [...this.getModuleIds()].filter((id) => this.getModuleInfo(id)?.isEntry);
        const todo = [...entries];
        while (todo.length > 0) {
          const id = todo.pop()!;
          if (reached.has(id)) continue;
          reached.add(id);
          todo.push(...(this.getModuleInfo(id)?.importedIds ?? []));
        }
      },
    },
  };
}
const shell = firstScreen();

// Three builds: the main process's code, the sandboxed single-file preload, and the React
// renderer. The main build makes two entries over src-main: the Electron shell (index.js) and the
// `baton` command (cli.js), with the chunks they share beside them (never in a folder below: paths
// inside the install are made from two folders above each file, src-main/base/root.ts). The
// command runs its bundle when it is as new as its sources and from the sources otherwise
// (src-main/cli/baton.js, which reads cli-sources.json, written here): one bundle starts in about
// half the time of ~600 modules loaded one by one, and needs no build to run from a checkout.
export default defineConfig({
  main: {
    build: {
      outDir: 'out/main',
      // zod is ~95 modules; bundled, the command loads one file for it.
      externalizeDeps: { exclude: ['zod'] },
      rollupOptions: {
        input: { index: resolve('src-main/electron/main.ts'), cli: resolve('src-main/cli/cli.ts') },
        output: { chunkFileNames: '[name]-[hash].js' },
        plugins: [sourcesManifest()],
      },
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
    plugins: [react(), shell.plugin],
    build: {
      outDir: 'out/renderer',
      minify: true,
      // The first screen's scripts are ~700 kB (React, zod, the store); the diff view's chunk is
      // ~1 MB with highlight.js, loaded when a diff is shown. From disk, not the network.
      chunkSizeWarningLimit: 1_100,
      sourcemap: true,
      rollupOptions: {
        input: { index: resolve('src-renderer/index.html') },
        output: { codeSplitting: { groups: [{ name: 'first-screen', test: shell.has }] } },
      },
    },
  },
});
