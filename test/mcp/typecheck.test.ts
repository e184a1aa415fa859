import { spawnSync } from 'node:child_process';
import { join } from 'node:path';
import { expect, it } from 'vitest';
import { fixtureInstalled } from '../kit/fixtures.ts';

// tsconfig.node.json leaves test/mcp out (it imports the SDK that only this package installs):
// its own tsconfig.json checks it here once the package is installed.
const here = import.meta.dirname;
const installed = fixtureInstalled('mcp');

it.skipIf(!installed)('test/mcp typechecks against the SDK it installs', () => {
  const tsc = join(here, '..', '..', 'node_modules', '.bin', 'tsc');
  const r = spawnSync(tsc, ['-p', join(here, 'tsconfig.json'), '--noEmit'], { encoding: 'utf8' });
  expect(r.stdout + r.stderr).toBe('');
  expect(r.status).toBe(0);
});
