import { mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import type { FolderListing, RepositoryFacts } from '../../../../src-shared/contract/domains/workspaces.ts';
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

function fresh() {
  const dir = mkdtempSync(join(tmpdir(), 'baton-ws-folders-'));
  cleanups.push(() => rmSync(dir, { recursive: true, force: true }));
  app = createApp({ dataDir: join(dir, 'data'), log: () => {}, resume: false });
  return { app, dir };
}

describe('picking a repository in the app', () => {
  it('lists the folders of a folder, repositories marked, hidden ones left out', async () => {
    const { app, dir } = fresh();
    const r = makeRepo();
    cleanups.push(r.cleanup);
    mkdirSync(join(dir, 'src', 'notes'), { recursive: true });
    mkdirSync(join(dir, 'src', '.cache'));
    const listing = await call<FolderListing>(app, 'workspaces.browse', { path: join(dir, 'src') });
    expect(listing).toMatchObject({
      path: join(dir, 'src'),
      parent: dir,
      folders: [{ name: 'notes', repo: false }],
      truncated: false,
    });
    const up = await call<FolderListing>(app, 'workspaces.browse', { path: join(r.repo, '..') });
    expect(up.folders.find((f) => r.repo.endsWith(`/${f.name}`))?.repo).toBe(true);
    const missing = await app.dispatch('workspaces.browse', { path: join(dir, 'nope') });
    expect(missing.ok).toBe(false);
    if (!missing.ok) expect(JSON.stringify(missing.error)).toContain('is not there');
  });

  it("says a folder's branch and its origin as the remote to offer, and whether it is registered", async () => {
    const { app, dir } = fresh();
    const r = makeRepo();
    cleanups.push(r.cleanup);
    r.git(['remote', 'add', 'origin', 'git@github.com:acme/app.git']);
    const facts = await call<RepositoryFacts>(app, 'workspaces.inspect', { path: r.repo });
    expect(facts).toEqual({
      path: r.repo,
      branch: 'main',
      origin: { url: 'git@github.com:acme/app.git', forge: { kind: 'github', repo: 'acme/app' } },
      registered_as: null,
    });
    await call(app, 'workspaces.add', { id: 'app', path: r.repo });
    expect((await call<RepositoryFacts>(app, 'workspaces.inspect', { path: r.repo })).registered_as).toBe(
      'app',
    );
    // A folder inside it, or none at all, is said under the path, as registering it would say.
    mkdirSync(join(r.repo, 'sub'));
    for (const path of [join(r.repo, 'sub'), dir]) {
      const refused = await app.dispatch('workspaces.inspect', { path });
      expect(refused.ok).toBe(false);
      if (!refused.ok) expect(refused.error.details).toMatchObject({ issues: [{ path: 'path' }] });
    }
  });

  it("changes a workspace's setup command, and clears it", async () => {
    const { app } = fresh();
    const r = makeRepo();
    cleanups.push(r.cleanup);
    await call(app, 'workspaces.add', { id: 'app', path: r.repo });
    const script = ['sh', '-c', 'npm ci\nnpm run build'];
    expect(
      (await call<Workspace>(app, 'workspaces.update', { workspace_id: 'app', setup_command: script }))
        .setup_command,
    ).toEqual(script);
    expect((await call<Workspace[]>(app, 'workspaces.list', {}))[0]!.setup_command).toEqual(script);
    await call(app, 'workspaces.update', { workspace_id: 'app', setup_command: null });
    expect((await call<Workspace[]>(app, 'workspaces.list', {}))[0]!.setup_command).toBeNull();
  });
});
