import { chmodSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { findOnPath } from '../processes/find-on-path.ts';
import { realErrors } from './programs.ts';

const dir = mkdtempSync(join(tmpdir(), 'baton-programs-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe("the sandbox's programs, found in this process", () => {
  it('finds the first executable file of that name on PATH, as which does', () => {
    const a = join(dir, 'a');
    const b = join(dir, 'b');
    mkdirSync(a);
    mkdirSync(b);
    writeFileSync(join(a, 'tool'), 'not executable');
    writeFileSync(join(b, 'tool'), '#!/bin/sh\n');
    chmodSync(join(b, 'tool'), 0o755);
    mkdirSync(join(a, 'dirtool'));
    expect(findOnPath('tool', `${a}:relative:${b}`)).toBe(join(b, 'tool'));
    expect(findOnPath('dirtool', a)).toBeNull();
    expect(findOnPath('nothing', `${a}:${b}`)).toBeNull();
    expect(findOnPath('tool', undefined)).toBeNull();
  });

  it("drops the library's 'not installed' for a program that is on PATH, and keeps every other error", () => {
    const find = (name: string) => (name === 'socat' || name === 'rg' ? `/usr/bin/${name}` : null);
    expect(
      realErrors(
        [
          'socat not installed',
          'ripgrep (rg) not found',
          'bubblewrap (bwrap) not installed',
          'Unsupported platform',
        ],
        find,
      ),
    ).toEqual(['bubblewrap (bwrap) not installed', 'Unsupported platform']);
  });
});
