import { mkdirSync, mkdtempSync, rmSync, statSync, utimesSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, relative } from 'node:path';
import { pathToFileURL } from 'node:url';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { currentBundle } from './bundle.js';

let dir: string;
let root: URL;
beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'baton-bundle-'));
  root = pathToFileURL(`${dir}/`);
  mkdirSync(join(dir, 'src-main', 'cli'), { recursive: true });
  mkdirSync(join(dir, 'out', 'main'), { recursive: true });
  writeFileSync(join(dir, 'src-main', 'cli', 'cli.ts'), 'export {};\n');
  writeFileSync(join(dir, 'out', 'main', 'cli.js'), 'export {};\n');
  writeManifest();
});
afterEach(() => rmSync(dir, { recursive: true, force: true }));

/** The manifest the build writes: each source with its size and modification time. */
function writeManifest(files?: unknown): void {
  const s = statSync(join(dir, 'src-main', 'cli', 'cli.ts'));
  writeFileSync(
    join(dir, 'out', 'main', 'cli-sources.json'),
    JSON.stringify({ files: files ?? [['src-main/cli/cli.ts', s.size, s.mtimeMs]] }),
  );
}

describe('which code the baton command runs', () => {
  it('the bundle, while every source it was built from is unchanged', () => {
    expect(currentBundle(root, {})).toBe(pathToFileURL(join(dir, 'out', 'main', 'cli.js')).href);
  });

  it('the bundle when a source lies outside the project (a linked package), unchanged', () => {
    const outside = mkdtempSync(join(tmpdir(), 'baton-bundle-linked-'));
    try {
      writeFileSync(join(outside, 'index.js'), 'export {};\n');
      const s = statSync(join(outside, 'index.js'));
      const c = statSync(join(dir, 'src-main', 'cli', 'cli.ts'));
      writeManifest([
        ['src-main/cli/cli.ts', c.size, c.mtimeMs],
        [relative(dir, join(outside, 'index.js')), s.size, s.mtimeMs],
      ]);
      expect(currentBundle(root, {})).not.toBeNull();
    } finally {
      rmSync(outside, { recursive: true, force: true });
    }
  });

  it('the sources once one was edited (a new time or size) or removed, or when BATON_FROM_SOURCE=1 asks', () => {
    expect(currentBundle(root, { BATON_FROM_SOURCE: '1' })).toBeNull();
    const file = join(dir, 'src-main', 'cli', 'cli.ts');
    const later = new Date(Date.now() + 60_000);
    utimesSync(file, later, later);
    expect(currentBundle(root, {})).toBeNull();
    writeManifest();
    expect(currentBundle(root, {})).not.toBeNull();
    writeFileSync(file, 'export const x = 1;\n');
    utimesSync(file, later, later);
    expect(currentBundle(root, {})).toBeNull();
    writeManifest();
    rmSync(file);
    expect(currentBundle(root, {})).toBeNull();
  });

  it('the sources when the bundle or its list is missing or not what the build writes', () => {
    rmSync(join(dir, 'out', 'main', 'cli.js'));
    expect(currentBundle(root, {})).toBeNull();
    writeFileSync(join(dir, 'out', 'main', 'cli.js'), 'export {};\n');
    for (const files of [
      'nope',
      [],
      [['../outside.ts', 1, 1]],
      [['/etc/hostname', 1, 1]],
      [42],
      [[7, 1, 1]],
    ]) {
      writeManifest(files);
      expect(currentBundle(root, {})).toBeNull();
    }
    writeFileSync(join(dir, 'out', 'main', 'cli-sources.json'), '{ not json');
    expect(currentBundle(root, {})).toBeNull();
  });
});
