import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import type { Workspace } from '../../../../src-shared/schemas/workspace.ts';
import { call } from '../../../../test/kit/engine-kit.ts';
import type { BatonApp } from '../../../app/create-app.ts';
import { createApp } from '../../../app/create-app.ts';
import { makeRepo } from '../workspaces/testing/temp-repo.ts';

let app: BatonApp | undefined;
const cleanups: (() => void)[] = [];
afterEach(async () => {
  await app?.close();
  app = undefined;
  for (const c of cleanups.splice(0)) c();
});

function setup() {
  const dir = mkdtempSync(join(tmpdir(), 'baton-ws-remote-'));
  cleanups.push(() => rmSync(dir, { recursive: true, force: true }));
  const r = makeRepo();
  cleanups.push(r.cleanup);
  return { dir, repo: r.repo };
}

const issuesOf = async (a: BatonApp, method: string, input: unknown) => {
  const res = await a.dispatch(method as 'workspaces.add', input);
  if (res.ok) throw new Error('expected a refusal');
  expect(res.error.code).toBe('invalid_input');
  return (res.error.details as { issues: { path: string; message: string }[] }).issues;
};

describe('a workspace with a remote and a forge', () => {
  it('is added with its remote, listed, kept across a restart, replaced and cleared', async () => {
    const { dir, repo } = setup();
    app = createApp({ dataDir: dir, log: () => {}, resume: false });
    const added = await call<Workspace>(app, 'workspaces.add', {
      id: 'app',
      path: repo,
      remote: {
        url: 'https://github.com/acme/app.git',
        forge: { kind: 'github', repo: 'acme/app', token_secret: 'github.token' },
      },
    });
    expect(added.remote).toEqual({
      url: 'https://github.com/acme/app.git',
      base_branch: null,
      forge: {
        kind: 'github',
        api_url: 'https://api.github.com',
        repo: 'acme/app',
        token_secret: 'github.token',
      },
    });
    await app.close();
    app = createApp({ dataDir: dir, log: () => {}, resume: false });
    const [listed] = await call<Workspace[]>(app, 'workspaces.list', {});
    expect(listed!.remote).toEqual(added.remote);

    const enterprise = {
      url: 'https://ghe.example.com/acme/app.git',
      base_branch: 'develop',
      forge: {
        kind: 'github',
        api_url: 'https://ghe.example.com/api/v3/',
        repo: 'acme/app',
        token_secret: 'ghe',
      },
    };
    const updated = await call<Workspace>(app, 'workspaces.update', {
      workspace_id: 'app',
      remote: enterprise,
    });
    expect(updated.remote).toEqual({
      ...enterprise,
      forge: { ...enterprise.forge, api_url: 'https://ghe.example.com/api/v3' },
    });
    // The sandbox was left out: it stays as it was.
    expect(updated.sandbox).toBeNull();
    const cleared = await call<Workspace>(app, 'workspaces.update', { workspace_id: 'app', remote: null });
    expect(cleared.remote).toBeNull();
  });

  it('names the field of a bad remote: a password in the URL, an unknown forge, subgroups off GitLab, Gitea without its address, a bad repo or secret name', async () => {
    const { dir, repo } = setup();
    app = createApp({ dataDir: dir, log: () => {}, resume: false });
    const add = (remote: unknown) => issuesOf(app!, 'workspaces.add', { id: 'app', path: repo, remote });
    expect(await add({ url: 'https://me:ghp_abc@github.com/acme/app.git' })).toEqual([
      { path: 'remote.url', message: 'must not hold a password: name the token as the forge token secret' },
    ]);
    // Subgroups are GitLab's alone.
    const nested = await add({
      url: 'https://github.com/a/b.git',
      forge: { kind: 'github', repo: 'a/sub/b', token_secret: 't' },
    });
    expect(nested).toEqual([{ path: 'remote.forge.repo', message: 'must be owner/name' }]);
    const unknown = await add({
      url: 'https://bitbucket.org/a/b.git',
      forge: { kind: 'bitbucket', repo: 'a/b', token_secret: 't' },
    });
    expect(unknown).toEqual([{ path: 'remote.forge.kind', message: 'must be github, gitlab or gitea' }]);
    const gitea = await add({
      url: 'https://gitea.example/a/b.git',
      forge: { kind: 'gitea', repo: 'a/b', token_secret: 't' },
    });
    expect(gitea).toEqual([
      {
        path: 'remote.forge.api_url',
        message:
          'Gitea and Forgejo have no default host: forge.api_url must be the address of yours (https://gitea.example.com)',
      },
    ]);
    const bad = await add({
      url: 'https://github.com/a/b.git',
      forge: { kind: 'github', repo: 'just-a-name', token_secret: 'has space', api_url: 'ftp://x' },
    });
    expect(bad.map((i) => i.path).sort()).toEqual([
      'remote.forge.api_url',
      'remote.forge.repo',
      'remote.forge.token_secret',
    ]);
    expect(await call<Workspace[]>(app, 'workspaces.list', {})).toEqual([]);
  });
});
