// The build the bench's parts run against: what `npm run build` makes (the UI, the `baton`
// command's bundle).
import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { currentBundle } from '../../src-main/cli/bundle.js';

const root = join(import.meta.dirname, '..', '..');

/** The UI the Chromium parts serve: what `npm run build` makes. */
export function buildUi(): void {
  console.log('\n[ui] building the app (the UI bench serves what `npm run build` made) …');
  const build = spawnSync('npm', ['run', 'build'], { cwd: root, encoding: 'utf8', timeout: 300_000 });
  if (build.status !== 0)
    console.log(`      build failed: ${build.stderr.trim().split('\n').slice(-3).join(' ')}`);
}

/**
 * The `baton` command of the tree at `dir` as its user runs it after `npm run build`: when the
 * tree runs a bundle while it is current (src-main/cli/bundle.js) and its bundle is missing or
 * older than its sources, the tree is built first (else its command would run the sources). A
 * commit from before the bundle runs its sources, as it always did.
 */
export function buildIfStale(dir: string = root, label = 'the working tree'): void {
  if (!existsSync(join(dir, 'src-main', 'cli', 'bundle.js'))) return;
  if (currentBundle(pathToFileURL(join(dir, '/')), {}) !== null) return;
  console.log(`[build] ${label}: its \`baton\` bundle is missing or older than its sources; building it …`);
  const r = spawnSync(join(dir, 'node_modules', '.bin', 'electron-vite'), ['build'], {
    cwd: dir,
    stdio: 'ignore',
  });
  if (r.status !== 0) throw new Error(`npm run build in ${dir} failed (exit ${r.status})`);
}
