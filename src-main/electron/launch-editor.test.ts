import { chmodSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { eventually } from '../../test/kit/engine-kit.ts';
import { webLinkOf } from './external-links.ts';
import { editorUrl, launchEditor } from './launch-editor.ts';

const dirs: string[] = [];
afterEach(() => {
  for (const d of dirs.splice(0)) rmSync(d, { recursive: true, force: true });
});
const tmp = () => {
  const d = mkdtempSync(join(tmpdir(), 'baton-editor-'));
  dirs.push(d);
  return d;
};

describe('opening a folder in an editor', () => {
  it("starts the editor's program on PATH with the folder as one argument, no shell", async () => {
    const bin = tmp();
    const said = join(bin, 'args');
    writeFileSync(
      join(bin, 'code'),
      `#!/bin/sh\nfor a in "$@"; do printf '%s\\n' "$a"; done > ${JSON.stringify(said)}\n`,
    );
    chmodSync(join(bin, 'code'), 0o755);
    const folder = join(tmp(), 'a worktree; $(touch pwned)');
    const urls: string[] = [];
    await launchEditor('vscode', folder, {
      env: { PATH: `${bin}:/usr/bin:/bin` },
      openUrl: async (u) => void urls.push(u),
    });
    await eventually(() => {
      try {
        return readFileSync(said, 'utf8') === `${folder}\n`;
      } catch {
        return false;
      }
    }, 10_000);
    expect(urls).toEqual([]);
  });

  it("falls back to the editor's link when its program is not on PATH, and says so when nothing opens it", async () => {
    const urls: string[] = [];
    await launchEditor('zed', '/home/ana/wt one', {
      env: { PATH: tmp() },
      openUrl: async (u) => void urls.push(u),
    });
    expect(urls).toEqual(['zed://file/home/ana/wt%20one']);
    await expect(
      launchEditor('cursor', '/w', {
        env: { PATH: tmp() },
        openUrl: () => Promise.reject(new Error('no handler')),
      }),
    ).rejects.toThrow(
      'Cursor was not found: `cursor` is not on PATH and no application opens cursor:// links',
    );
  });

  it("makes each editor's link to a folder", () => {
    expect(editorUrl('vscode', '/home/ana/baton/worktrees/run-1/fix/tree')).toBe(
      'vscode://file/home/ana/baton/worktrees/run-1/fix/tree',
    );
    expect(editorUrl('cursor', 'C:\\Users\\ana\\wt')).toBe('cursor://file/C:/Users/ana/wt');
  });
});

describe('links the desktop window opens in the browser', () => {
  it('opens http and https links only', () => {
    expect(webLinkOf('https://github.com/acme/app/pull/7')).toBe('https://github.com/acme/app/pull/7');
    expect(webLinkOf('http://127.0.0.1:3000/')).toBe('http://127.0.0.1:3000/');
    for (const bad of [
      'file:///etc/passwd',
      'javascript:alert(1)',
      'vscode://file/home/ana',
      'smb://host/share',
      'data:text/html,hi',
      'https://user:pass@example.com/',
      'not a url',
      '',
    ])
      expect(webLinkOf(bad), bad).toBeNull();
  });
});
