import { chmodSync, existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { openWebLink, webLinkOf } from './external-links.ts';

// A web link opens in the person's browser with the person's environment: a real `xdg-open` on
// PATH (a script that writes what it was given) stands for the desktop's.
let dir: string;
const saved = { ...process.env };
beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'baton-open-'));
});
afterEach(() => {
  for (const key of Object.keys(process.env)) if (!(key in saved)) delete process.env[key];
  Object.assign(process.env, saved);
  rmSync(dir, { recursive: true, force: true });
});

/** An `xdg-open` in `dir` that writes its arguments, then its environment, to `out`. */
function fakeOpener(out: string): void {
  const script = join(dir, 'xdg-open');
  writeFileSync(
    script,
    `#!/bin/sh\nprintf '%s\\n' "$@" > "${out}.tmp"\nenv >> "${out}.tmp"\nmv "${out}.tmp" "${out}"\n`,
  );
  chmodSync(script, 0o755);
}

describe('opening a web link outside Baton', () => {
  it.skipIf(process.platform !== 'linux')(
    'starts xdg-open with the person’s environment, not Baton’s',
    async () => {
      const out = join(dir, 'opened');
      fakeOpener(out);
      process.env.PATH = `${dir}:${process.env.PATH}`;
      process.env.BATON_HOST_TOKEN = 'secret';
      process.env.MALLOC_ARENA_MAX = '2';
      process.env.BATON_ADDED_ENV = 'MALLOC_ARENA_MAX';
      process.env.PERSONS_OWN = 'kept';
      const link = webLinkOf('https://forge.example/pulls/7?tab=files&x=1 2')!;
      const fallback = vi.fn();
      expect(await openWebLink(link, fallback, () => {})).toBe(true);
      await vi.waitFor(() => expect(existsSync(out)).toBe(true), { timeout: 30_000 });
      const [arg, ...env] = readFileSync(out, 'utf8').trim().split('\n');
      expect(arg).toBe('https://forge.example/pulls/7?tab=files&x=1%202');
      expect(env).toContain('PERSONS_OWN=kept');
      expect(env.filter((l) => /^(BATON_|MALLOC_ARENA_MAX=)/.test(l))).toEqual([]);
      expect(fallback).not.toHaveBeenCalled();
    },
  );

  it.skipIf(process.platform !== 'linux')('says so when there is no xdg-open', async () => {
    process.env.PATH = dir;
    const said: string[] = [];
    expect(
      await openWebLink(
        'https://example.com/',
        () => {},
        (l) => said.push(l),
      ),
    ).toBe(false);
    expect(said).toEqual([
      'Could not open https://example.com/ in the browser: xdg-open: spawn xdg-open ENOENT',
    ]);
  });

  it('leaves it to the system where the system starts the browser', async () => {
    const fallback = vi.fn();
    for (const platform of ['darwin', 'win32'] as const)
      expect(await openWebLink('https://example.com/', fallback, () => {}, platform)).toBe(true);
    expect(fallback).toHaveBeenCalledTimes(2);
  });
});
