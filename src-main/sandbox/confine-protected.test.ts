import { execFileSync } from 'node:child_process';
import {
  existsSync,
  mkdirSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  rmSync,
  writeFileSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import {
  DANGEROUS_FILES,
  getDangerousDirectories,
} from '@anthropic-ai/sandbox-runtime/dist/sandbox/sandbox-utils.js';
import { afterAll, describe, expect, it } from 'vitest';
import { DEFAULT_SANDBOX, pathCovers } from '../../src-shared/schemas/sandbox.ts';
import type { ConfineRequest } from './confine.ts';
import { confine } from './confine.ts';
import { runConfined } from './testing/run-confined.ts';

// The sandbox library's list of what stays read-only in a program's folder, planted there by a
// program in the sandbox: the library keeps it only under its own process's working folder, so
// Baton hands it over for the program's (protected.ts).
const PROTECTED_FILES: readonly string[] = DANGEROUS_FILES;
const PROTECTED_FOLDERS: readonly string[] = getDangerousDirectories();

const root = mkdtempSync(join(tmpdir(), 'baton-protected-'));
afterAll(() => rmSync(root, { recursive: true, force: true }));

const git = (cwd: string, ...args: string[]) =>
  execFileSync('git', ['-c', 'user.name=t', '-c', 'user.email=t@t', ...args], { cwd, encoding: 'utf8' });

/**
 * A program that plants each path it is given in its working folder (a path ending in `/` is a
 * folder: made, and a file written in it), then commits what it may with its own git; what each
 * try did goes to stdout as JSON.
 */
const PLANT = `
const fs = require('node:fs'); const { execFileSync } = require('node:child_process');
const tried = {};
for (const t of process.argv.slice(1)) {
  try {
    if (t.endsWith('/')) { fs.mkdirSync(t, { recursive: true }); fs.writeFileSync(t + 'planted', 'x'); }
    else fs.writeFileSync(t, 'planted');
    tried[t] = 'ok';
  } catch (err) { tried[t] = err.code; }
}
try {
  execFileSync('git', ['add', '-A'], { stdio: 'pipe' });
  execFileSync('git', ['-c', 'user.name=a', '-c', 'user.email=a@a', 'commit', '-qm', 'agent'], { stdio: 'pipe' });
  tried.git = 'ok';
} catch (err) { tried.git = String(err.stderr); }
process.stdout.write(JSON.stringify(tried));
`;

/** Runs a confined program to its end, and what it tried (its stdout, one JSON object). */
async function run(req: ConfineRequest) {
  const r = await runConfined(req);
  return { tried: JSON.parse(r.out) as Record<string, string>, blocked: r.blocked };
}

describe.runIf(process.platform === 'linux')('a program in its folder, in the sandbox', () => {
  it('plants none of the protected paths, each refusal reported; its own git works; no stand-in is left', async () => {
    const folder = join(root, 'repo');
    mkdirSync(join(folder, 'web', '.vscode'), { recursive: true });
    writeFileSync(join(folder, 'web', '.vscode', 'settings.json'), '{}\n');
    writeFileSync(join(folder, '.gitmodules'), '');
    git(folder, 'init', '-q');
    git(folder, 'add', '-A');
    git(folder, 'commit', '-qm', 'start');
    const planted = [
      ...PROTECTED_FILES,
      ...PROTECTED_FOLDERS.map((f) => `${f}/`),
      'web/.vscode/settings.json',
      '.git/hooks/pre-commit',
      '.git/config',
    ];
    const r = await run({
      policy: DEFAULT_SANDBOX,
      command: process.execPath,
      args: ['-e', PLANT, ...planted, '.idea-not/', 'own.txt'],
      cwd: folder,
      env: { PATH: process.env.PATH ?? '/usr/bin:/bin', HOME: root },
      folders: [folder],
      // Opened on purpose by the workspace: written.
      mayWrite: ['.idea'],
      owner: 'agent "test"',
    });
    const refused = planted.filter((p) => p !== '.idea/');
    for (const p of refused) expect(r.tried[p], p).toMatch(/^E[A-Z]+$/);
    expect([r.tried['.idea/'], r.tried['.idea-not/'], r.tried['own.txt']]).toEqual(['ok', 'ok', 'ok']);
    // Each refusal is a step of the trace, naming the path.
    const texts = r.blocked.map((b) => b.text);
    for (const p of refused)
      expect(
        r.blocked.some(
          (b) =>
            b.text.startsWith('sandbox: write to a protected path refused: ') &&
            pathCovers(join(folder, p), b.target),
        ),
        `${p} in ${texts.join('\n')}`,
      ).toBe(true);
    // Its own git saw no stand-in (an empty folder is nothing to git): the commit has its own files only.
    expect(r.tried.git).toBe('ok');
    expect(git(folder, 'show', '--name-only', '--format=', 'HEAD').trim().split('\n').sort()).toEqual([
      '.idea-not/planted',
      '.idea/planted',
      'own.txt',
    ]);
    // Nothing planted, and nothing left where a stand-in stood.
    expect(readFileSync(join(folder, 'web', '.vscode', 'settings.json'), 'utf8')).toBe('{}\n');
    expect(existsSync(join(folder, '.git', 'hooks', 'pre-commit'))).toBe(false);
    expect(readFileSync(join(folder, '.git', 'config'), 'utf8')).not.toContain('planted');
    expect(readdirSync(folder).sort()).toEqual([
      '.git',
      '.gitmodules',
      '.idea',
      '.idea-not',
      'own.txt',
      'web',
    ]);
    expect(git(folder, 'status', '--porcelain')).toBe('');
  });

  it("runs programs started together over one home's read-only config: its folders' stand-ins are there before either sandbox is planned", async () => {
    // As a best-of attempt's candidates on the person's own login share ~/.claude: each one's
    // config stays read-only, and a folder of it that is not there gets a stand-in. Made by the
    // first program's bubblewrap while the library planned the next one's sandbox, it left a plan
    // bubblewrap refused ("Can't create file at …/commands/.baton-read-only: Read-only file system").
    const home = join(root, 'home');
    mkdirSync(join(home, '.claude'), { recursive: true });
    const readOnly = ['commands', 'agents', 'skills', 'hooks'].map((f) => ({
      path: join(home, '.claude', f),
      standIn: 'folder' as const,
    }));
    const request = (i: number): ConfineRequest => {
      const folder = join(root, `candidate-${i}`);
      mkdirSync(folder, { recursive: true });
      return {
        policy: DEFAULT_SANDBOX,
        command: process.execPath,
        args: ['-e', PLANT, join(home, '.claude', 'commands', 'x.md'), join(home, '.claude', 'own.json')],
        cwd: folder,
        env: { PATH: process.env.PATH ?? '/usr/bin:/bin', HOME: home },
        folders: [folder, join(home, '.claude')],
        readOnly,
        owner: `agent "c${i}"`,
      };
    };
    // The state the library plans from: once a program is ready, its folder stand-ins are there.
    const first = await confine(request(0));
    if (!first.ok) throw new Error(first.error);
    for (const g of readOnly) expect(readdirSync(g.path), g.path).toEqual([]);
    await first.program.release();
    for (const g of readOnly) expect(existsSync(g.path), g.path).toBe(false);
    // Four started together, each as soon as it is ready (while the others' sandboxes are planned).
    const runs = await Promise.all([1, 2, 3, 4].map((i) => run(request(i))));
    for (const r of runs) {
      expect(r.tried[join(home, '.claude', 'commands', 'x.md')]).toMatch(/^E[A-Z]+$/);
      expect(r.tried[join(home, '.claude', 'own.json')]).toBe('ok');
    }
    expect(readdirSync(join(home, '.claude')).sort()).toEqual(['own.json']);
  });

  it('keeps a worktree’s .git file', async () => {
    const repo = join(root, 'main');
    mkdirSync(repo);
    git(repo, 'init', '-q');
    git(repo, 'commit', '-q', '--allow-empty', '-m', 'start');
    const tree = join(root, 'tree');
    git(repo, 'worktree', 'add', '-q', '-b', 'task', tree);
    const before = readFileSync(join(tree, '.git'), 'utf8');
    const r = await run({
      policy: DEFAULT_SANDBOX,
      command: process.execPath,
      args: ['-e', PLANT, '.git', '.git/hooks/'],
      cwd: tree,
      env: { PATH: process.env.PATH ?? '/usr/bin:/bin', HOME: root },
      folders: [tree],
      owner: 'agent "test"',
    });
    expect([r.tried['.git'], r.tried['.git/hooks/']]).toEqual([
      expect.stringMatching(/^E/),
      expect.stringMatching(/^E/),
    ]);
    expect(readFileSync(join(tree, '.git'), 'utf8')).toBe(before);
    expect(r.blocked.map((b) => b.target)).toContain(join(tree, '.git'));
  });
});
