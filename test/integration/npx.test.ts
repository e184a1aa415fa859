import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { delimiter, join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';

const root = join(import.meta.dirname, '..', '..');
let home: string | null = null;
afterEach(() => {
  if (home) rmSync(home, { recursive: true, force: true });
  home = null;
});

describe('npx baton on a fresh machine', () => {
  it('runs the project’s own command with no npm warnings, under the system Node and npm', () => {
    // A new user: an empty home (no npm cache, no npmrc) and the system's PATH, without the
    // Node 24 that npm scripts put first: npx itself runs on whatever Node the system has.
    home = mkdtempSync(join(tmpdir(), 'baton-npx-home-'));
    const path = (process.env.PATH ?? '')
      .split(delimiter)
      .filter((p) => !p.includes('node_modules'))
      .join(delimiter);
    const r = spawnSync('npx', ['baton', '--help'], {
      cwd: join(root, 'src-main'),
      env: { HOME: home, PATH: path },
      encoding: 'utf8',
      timeout: 60_000,
    });
    expect(r.stderr).not.toMatch(/EBADENGINE|npm warn/);
    expect(r.stdout).toContain('Baton — design and run plans of agent work.');
    expect(r.status).toBe(0);
  }, 90_000);
});
