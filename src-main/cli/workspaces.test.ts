import { spawnSync } from 'node:child_process';
import { mkdtempSync, realpathSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { call } from '../../test/kit/engine-kit.ts';
import type { TempRepo } from '../agents/coding/workspaces/testing/temp-repo.ts';
import { makeRepo } from '../agents/coding/workspaces/testing/temp-repo.ts';
import { createApp } from '../app/create-app.ts';
import { parseEnvPairs, parseSetup } from './commands/workspaces.ts';

const root = join(import.meta.dirname, '..', '..');

function baton(args: string[]) {
  const r = spawnSync(process.execPath, [join(root, 'src-main', 'cli', 'baton.ts'), ...args], {
    encoding: 'utf8',
    timeout: 30_000,
  });
  return { code: r.status, stdout: r.stdout, stderr: r.stderr };
}

describe('baton workspaces', () => {
  let dir: string;
  let repo: TempRepo;
  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), 'baton-cli-ws-'));
    repo = makeRepo();
  });
  afterEach(() => {
    rmSync(dir, { recursive: true, force: true });
    repo.cleanup();
  });

  it("adds a workspace with its remote and forge, and names a remote's wrong field", () => {
    const added = baton([
      'workspaces',
      'add',
      repo.repo,
      '--remote',
      'https://github.com/acme/app.git',
      '--forge',
      'github',
      '--forge-repo',
      'acme/app',
      '--token-secret',
      'github.token',
      '--json',
      '--data-dir',
      dir,
    ]);
    expect(added.stderr).toBe('');
    expect(JSON.parse(added.stdout).remote).toEqual({
      url: 'https://github.com/acme/app.git',
      base_branch: null,
      forge: {
        kind: 'github',
        api_url: 'https://api.github.com',
        repo: 'acme/app',
        token_secret: 'github.token',
      },
    });
    const gitlab = baton([
      'workspaces',
      'add',
      repo.repo,
      '--id',
      'gl',
      '--remote',
      'https://gitlab.com/a/b.git',
      '--forge',
      'gitlab',
      '--forge-repo',
      'a/sub/b',
      '--token-secret',
      't',
      '--json',
      '--data-dir',
      dir,
    ]);
    expect(gitlab.stderr).toBe('');
    expect(JSON.parse(gitlab.stdout).remote.forge).toEqual({
      kind: 'gitlab',
      api_url: 'https://gitlab.com/api/v4',
      repo: 'a/sub/b',
      token_secret: 't',
    });
    const gitea = baton([
      'workspaces',
      'add',
      repo.repo,
      '--id',
      'gt',
      '--remote',
      'https://gitea.example/a/b.git',
      '--forge',
      'gitea',
      '--forge-repo',
      'a/b',
      '--token-secret',
      't',
      '--data-dir',
      dir,
    ]);
    expect(gitea.code).not.toBe(0);
    expect(gitea.stderr).toContain('remote.forge.api_url: Gitea and Forgejo have no default host');
    const orphan = baton([
      'workspaces',
      'add',
      repo.repo,
      '--id',
      'x',
      '--forge-repo',
      'a/b',
      '--data-dir',
      dir,
    ]);
    expect(orphan.stderr).toContain('--forge, --forge-repo, --token-secret and --api-url need --remote URL');
  });

  it('adds, lists, prunes and removes a workspace', () => {
    const added = baton([
      'workspaces',
      'add',
      repo.repo,
      '--setup',
      'npm ci',
      '--env',
      'A=b=c',
      '--keep',
      'node_modules/',
      '--keep',
      '.venv/',
      '--check',
      'test=npm test',
      '--data-dir',
      dir,
    ]);
    expect(added.stderr).toBe('');
    expect(added.stdout).toBe(`Added workspace repo: ${realpathSync(repo.repo)} (tasks start from main)\n`);
    const listed = baton(['workspaces', 'list', '--json', '--data-dir', dir]);
    expect(JSON.parse(listed.stdout)).toEqual([
      expect.objectContaining({
        id: 'repo',
        setup_command: ['npm', 'ci'],
        env: { A: 'b=c' },
        keep_ignored: ['node_modules/', '.venv/'],
        checks: [{ name: 'test', command: ['npm', 'test'] }],
      }),
    ]);
    expect(baton(['workspaces', 'list', '--data-dir', dir]).stdout).toContain(
      'repo  main  npm ci  node_modules/ .venv/',
    );
    expect(baton(['workspaces', 'prune', '--data-dir', dir]).stdout).toBe('repo: removed 0 worktrees\n');
    const again = baton(['workspaces', 'add', repo.repo, '--data-dir', dir]);
    expect(again.code).toBe(2);
    expect(again.stderr).toContain('a workspace with id "repo" already exists');
    const bad = baton(['workspaces', 'add', dir, '--id', 'x', '--data-dir', dir]);
    expect(bad.code).toBe(2);
    expect(bad.stderr).toContain('is not a git repository');
    const negated = baton([
      'workspaces',
      'add',
      repo.repo,
      '--id',
      'y',
      '--keep',
      '!dist',
      '--data-dir',
      dir,
    ]);
    expect(negated.code).toBe(2);
    expect(negated.stderr).toContain('keep_ignored[0]: must not start with !');
    expect(baton(['workspaces', 'remove', 'repo', '--data-dir', dir]).stdout).toContain(
      'Removed workspace repo',
    );
    expect(baton(['workspaces', 'list', '--data-dir', dir]).stdout).toContain('No workspaces registered');
  });

  it("lists a workspace whose repository was deleted as missing, and prunes the others, saying so; PORTS says which forward their agents' ports", () => {
    const gone = makeRepo();
    expect(baton(['workspaces', 'add', gone.repo, '--id', 'gone', '--data-dir', dir]).code).toBe(0);
    expect(
      baton(['workspaces', 'add', repo.repo, '--id', 'here', '--forward-ports', '--data-dir', dir]).code,
    ).toBe(0);
    gone.cleanup();
    const listed = baton(['workspaces', 'list', '--data-dir', dir]);
    expect(listed.code).toBe(0);
    const lines = listed.stdout.split('\n');
    expect(lines[0]).toMatch(/^ID +BASE +SETUP +KEEP +PARKED +SANDBOX +PORTS +STATUS +PATH$/);
    expect(lines[1]).toMatch(/^gone +main +- +- +0 +required +- +MISSING +\//);
    expect(lines[2]).toMatch(/^here +main +- +- +0 +required +forwarded +ok +\//);
    expect(listed.stdout).toContain(
      `gone is missing: its folder is gone (deleted or moved) (${gone.repo}). Runs whose coding tasks work in it are refused`,
    );
    const pruned = baton(['workspaces', 'prune', '--data-dir', dir]);
    expect(pruned.code).toBe(1);
    expect(pruned.stdout).toBe(
      `gone: missing, not pruned: its folder is gone (deleted or moved)\nhere: removed 0 worktrees\n`,
    );
  });

  it("shows each workspace's sandbox: required (with the hosts it lists) or off", async () => {
    const other = makeRepo();
    const third = makeRepo();
    try {
      const app = createApp({ dataDir: dir, log: () => {}, resume: false });
      try {
        await call(app, 'workspaces.add', { id: 'plain', path: repo.repo });
        await call(app, 'workspaces.add', {
          id: 'npm',
          path: other.repo,
          sandbox: { network: { allow: ['registry.npmjs.org', '127.0.0.1:4873'] } },
        });
        await call(app, 'workspaces.add', { id: 'loose', path: third.repo, sandbox: { mode: 'off' } });
      } finally {
        await app.close();
      }
      const listed = baton(['workspaces', 'list', '--data-dir', dir]).stdout;
      expect(listed).toMatch(/^plain +main +- +- +0 +required +- +ok +\//m);
      expect(listed).toMatch(/^npm +main +- +- +0 +required \+2 hosts +- +ok +\//m);
      expect(listed).toMatch(/^loose +main +- +- +0 +off \(unconfined\) +- +ok +\//m);
    } finally {
      other.cleanup();
      third.cleanup();
    }
  });

  it('reads a setup command as words or as a JSON array, and environment pairs', () => {
    expect(parseSetup('npm  ci --silent')).toEqual(['npm', 'ci', '--silent']);
    expect(parseSetup('["sh", "-c", "make deps"]')).toEqual(['sh', '-c', 'make deps']);
    expect(() => parseSetup('[1]')).toThrow('--setup');
    expect(parseEnvPairs(['A=1', 'KEY={secret:gh}'])).toEqual({ A: '1', KEY: '{secret:gh}' });
    expect(() => parseEnvPairs(['=x'])).toThrow('NAME=value');
  });
});
