// The build the bench's parts run against: what `npm run build` makes (the UI, the `baton`
// command's bundle).
import { spawnSync } from 'node:child_process';
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
 * The `baton` command as a user runs it after `npm run build`: its bundle (src-main/cli/bundle.js),
 * built first when it is missing or older than the sources (else the command would run them).
 */
export function builtCommand(): void {
  if (currentBundle(pathToFileURL(join(root, '/')), {}) !== null) return;
  console.log('[build] the `baton` bundle is missing or older than the sources: npm run build …');
  buildUi();
}
