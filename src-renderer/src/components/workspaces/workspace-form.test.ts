import { describe, expect, it } from 'vitest';
import {
  checkWorkspace,
  EMPTY_WORKSPACE,
  idOfFolder,
  originRemote,
  setupArgvOf,
  setupTextOf,
  workspaceErrorsOf,
} from './workspace-form.ts';

describe('the add-a-workspace form', () => {
  it('turns what was typed into workspaces.add input', () => {
    expect(
      checkWorkspace({
        id: ' app ',
        path: '/home/ana/app',
        base_branch: 'main',
        setup_command: 'npm ci',
        env: 'NODE_ENV=test\nTOKEN=secret:gh.token',
        keep_ignored: 'node_modules/, .venv/',
      }),
    ).toEqual({
      ok: true,
      input: {
        id: 'app',
        path: '/home/ana/app',
        base_branch: 'main',
        setup_command: ['npm', 'ci'],
        env: { NODE_ENV: 'test', TOKEN: { secret: 'gh.token' } },
        keep_ignored: ['node_modules/', '.venv/'],
      },
    });
  });
  it('leaves out what was left blank', () => {
    expect(checkWorkspace({ ...EMPTY_WORKSPACE, id: 'a', path: '/r' })).toEqual({
      ok: true,
      input: { id: 'a', path: '/r', env: {} },
    });
  });
  it('names every wrong field at once', () => {
    const r = checkWorkspace({
      id: '',
      path: 'app',
      base_branch: '',
      setup_command: 'sh -c "x',
      env: 'oops',
      keep_ignored: 'dist/ !node_modules/',
    });
    expect(r).toEqual({
      ok: false,
      errors: {
        id: 'Id is required',
        path: 'Repository folder must be an absolute path (it starts with /)',
        setup_command: 'Setup script has a " that is never closed',
        env: 'Environment: line 1 (oops) needs NAME=value',
        keep_ignored: 'Keep between attempts: !node_modules/: list only what to keep (no !)',
      },
    });
  });
  it("puts the host's word under the field it names", () => {
    expect(
      workspaceErrorsOf([
        { path: 'path', message: 'is not a git repository: /tmp/x' },
        { path: 'base_branch', message: 'no branch "dev" in the repository' },
        { path: 'keep_ignored[0]', message: 'must not start with # (a comment in gitignore)' },
      ]),
    ).toEqual({
      path: 'Repository folder is not a git repository: /tmp/x',
      base_branch: 'Base branch: no branch "dev" in the repository',
      keep_ignored: 'Keep between attempts (keep_ignored[0]) must not start with # (a comment in gitignore)',
    });
  });
});

describe('a workspace from its folder', () => {
  it('takes its id from the folder, and its origin as where its work lands', () => {
    expect(idOfFolder('/home/ana/src/My App/')).toBe('My-App');
    expect(idOfFolder('/srv/.hidden')).toBe('hidden');
    expect(
      originRemote({ url: 'https://github.com/acme/app.git', forge: { kind: 'github', repo: 'acme/app' } }),
    ).toEqual({
      url: 'https://github.com/acme/app.git',
      forge: { kind: 'github', repo: 'acme/app', token_secret: 'github.token' },
    });
    expect(originRemote({ url: '/srv/app.git', forge: null })).toEqual({ url: '/srv/app.git' });
  });
  it('runs a setup script of several lines, or one a shell must read, with sh -c', () => {
    expect(setupArgvOf('npm ci --prefer-offline')).toEqual({
      ok: true,
      argv: ['npm', 'ci', '--prefer-offline'],
    });
    expect(setupArgvOf('npm ci\nnpm run build')).toEqual({
      ok: true,
      argv: ['sh', '-c', 'npm ci\nnpm run build'],
    });
    expect(setupArgvOf('npm ci && npm run build')).toEqual({
      ok: true,
      argv: ['sh', '-c', 'npm ci && npm run build'],
    });
    expect(setupArgvOf('  ')).toEqual({ ok: true, argv: null });
    expect(setupTextOf(['sh', '-c', 'npm ci\nnpm test'])).toBe('npm ci\nnpm test');
    expect(setupTextOf(['npm', 'ci'])).toBe('npm ci');
  });
});
