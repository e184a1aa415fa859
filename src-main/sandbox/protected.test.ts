import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import {
  DANGEROUS_FILES,
  getDangerousDirectories,
} from '@anthropic-ai/sandbox-runtime/dist/sandbox/sandbox-utils.js';
import { afterAll, describe, expect, it } from 'vitest';
import { PROTECTED_FILES, PROTECTED_FOLDERS } from '../../src-shared/schemas/protected-paths.ts';
import { protectedIn } from './protected.ts';

const root = mkdtempSync(join(tmpdir(), 'baton-protected-'));
afterAll(() => rmSync(root, { recursive: true, force: true }));

describe('the protected paths of a folder', () => {
  it('are the sandbox library’s own list', () => {
    expect([...PROTECTED_FILES]).toEqual(DANGEROUS_FILES);
    expect([...PROTECTED_FOLDERS]).toEqual(getDangerousDirectories());
  });

  it('are each name at its top, git’s own, and those already there below it, but what the workspace opens', () => {
    const folder = join(root, 'listed');
    mkdirSync(join(folder, 'web', '.vscode'), { recursive: true });
    mkdirSync(join(folder, 'web', 'node_modules', 'x', '.vscode'), { recursive: true });
    mkdirSync(join(folder, 'a', 'b', 'c', 'd'), { recursive: true });
    writeFileSync(join(folder, 'a', '.bashrc'), '');
    writeFileSync(join(folder, 'a', 'b', 'c', 'd', '.bashrc'), '');
    writeFileSync(join(folder, '.git'), 'gitdir: /elsewhere\n');
    const paths = protectedIn(folder, ['.idea', '.mcp.json']).map((g) => g.path.slice(folder.length + 1));
    expect(paths).toEqual(
      expect.arrayContaining([
        '.bashrc',
        '.gitmodules',
        '.vscode',
        '.claude/commands',
        '.claude/agents',
        '.git',
        'web/.vscode',
        'a/.bashrc',
      ]),
    );
    // Opened on purpose; under node_modules, and deeper than the library looks: not listed.
    for (const p of ['.idea', '.mcp.json', 'web/node_modules/x/.vscode', 'a/b/c/d/.bashrc'])
      expect(paths).not.toContain(p);
    expect(protectedIn(folder).every((g) => g.standIn === 'folder')).toBe(true);
  });
});
