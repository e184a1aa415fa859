import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { describe, expect, it } from 'vitest';
import { currentBundle } from '../../src-main/cli/bundle.js';
import { LAZY_PACKAGES, loadedBeforeReady } from '../kit/loaded-modules.ts';

const root = pathToFileURL(join(import.meta.dirname, '..', '..', '/'));

describe('the baton command after a build', () => {
  it('runs the build’s bundle, which loads none of Baton’s sources and none of the packages loaded at first use before it says where it serves', async () => {
    const bundle = currentBundle(root, {});
    // The suite builds first (test/run-all.ts); run `npm run build` before this file alone.
    expect(bundle, 'out/main/cli.js is missing or older than its sources').not.toBeNull();
    const loaded = await loadedBeforeReady();
    expect(loaded).toContain(bundle);
    expect(
      loaded.filter(
        (u) =>
          u.includes('/src-main/') &&
          !u.endsWith('/src-main/cli/baton.js') &&
          !u.endsWith('/src-main/cli/bundle.js'),
      ),
    ).toEqual([]);
    // zod is in the bundle, not loaded file by file from node_modules.
    expect(loaded.filter((u) => u.includes('/node_modules/zod/'))).toEqual([]);
    expect(loaded.filter((u) => LAZY_PACKAGES.some((p) => u.includes(`/node_modules/${p}`)))).toEqual([]);
  }, 60_000);
});
