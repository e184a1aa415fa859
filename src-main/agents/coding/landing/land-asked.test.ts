import { afterEach, describe, expect, it } from 'vitest';
import type { Landing } from '../../../../src-shared/schemas/landing.ts';
import type { AuditEntry } from '../../../../src-shared/schemas/memory.ts';
import { call, eventually, setup, task } from '../../../../test/kit/engine-kit.ts';
import { LandingWorlds } from '../../../../test/kit/landing-world.ts';
import type { BatonApp } from '../../../app/create-app.ts';
import { codingWork } from '../workspaces/testing/coding-output.ts';

// A person lands work from the app or `baton land` (`runs.land` with `how`), whatever the plan's
// `land` says: one done task's branch or the run's, pushed or proposed as a pull request with the
// base, title and draft they chose; against a real git remote over HTTP and a scripted GitHub,
// through the real @octokit/rest.
const worlds = new LandingWorlds();
afterEach(() => worlds.close());

/** A plan that lands nothing by itself (`land` absent), its two tasks done with real commits; `b` waits for a person's go. */
async function world() {
  const w = await worlds.open({
    prefix: 'land-asked',
    before: ({ repo }) => repo.git(['branch', 'release']),
  });
  const { dataDir, repo, exec, remote, gh, app } = w;
  const run = await setup(app, [{ id: 'e', skills: ['x'] }], {
    plan_id: 'health',
    name: 'Health check',
    workspace: 'app',
    tasks: [task('api', { description: 'Add the /health endpoint' }), task('b', { depends_on: ['api'] })],
  });
  await eventually(() => exec.running.has('api'));
  const out = codingWork(repo, `baton/${run}/api`, 'main', { 'health.ts': 'export const ok = true;\n' });
  exec.running.get('api')!.finish(out);
  await eventually(() => exec.running.has('b'));
  return { dataDir, repo, exec, remote, gh, app, run, out };
}

const landings = (a: BatonApp, run: string) => call<Landing[]>(a, 'runs.landings', { run_id: run });

describe('landing on a person’s request', () => {
  it("pushes a done task's branch while its run executes, then proposes it as a draft pull request into the base, titled, as asked; recorded in the person's name", async () => {
    const w = await world();
    const [pushed] = await call<Landing[]>(w.app, 'runs.land', {
      run_id: w.run,
      task_id: 'api',
      how: 'push',
      actor: 'Ana',
    });
    expect(pushed).toMatchObject({ task_id: 'api', mode: 'push', state: 'pushed', commit: w.out.commit });
    expect(await w.remote.tip(`baton/${w.run}/api`)).toBe(w.out.commit);
    expect(w.gh.pulls.size).toBe(0);

    const [opened] = await call<Landing[]>(w.app, 'runs.land', {
      run_id: w.run,
      task_id: 'api',
      how: 'pull_request',
      base: 'release',
      title: 'Health endpoint',
      draft: true,
      actor: 'Ana',
    });
    expect(opened).toMatchObject({ mode: 'pull_request', state: 'open', pr_number: 1, pr_draft: true });
    expect(w.gh.pulls.get(1)).toMatchObject({
      title: 'Health endpoint',
      base: 'release',
      head: `baton/${w.run}/api`,
      draft: true,
    });
    // Asked again: nothing opened or pushed twice.
    await call(w.app, 'runs.land', { run_id: w.run, task_id: 'api', how: 'pull_request' });
    expect(w.gh.pulls.size).toBe(1);

    const audit = await call<AuditEntry[]>(w.app, 'audit.list', { run_id: w.run });
    expect(audit.filter((e) => e.to_status === 'landing asked').map((e) => [e.actor, e.why])).toEqual(
      expect.arrayContaining([
        ['Ana', "Ana asked for a push of task api's work"],
        [
          'Ana',
          'Ana asked for a draft pull request of task api\'s work into release titled "Health endpoint"',
        ],
      ]),
    );
    w.gh.merge(1, 'c'.repeat(40));
    await w.app.landing.tick();
    expect((await landings(w.app, w.run))[0]).toMatchObject({ state: 'merged' });
  });

  it('takes up a landing a stop cut short as it was asked, not as the plan says', async () => {
    const w = await world();
    // Recorded, then Baton stopped before its push: pending, with what the person asked.
    w.app.coding.store.landings.start(
      {
        run_id: w.run,
        task_id: 'api',
        workspace_id: 'app',
        mode: 'pull_request',
        branch: `baton/${w.run}/api`,
        commit: w.out.commit,
      },
      new Date().toISOString(),
    );
    const rec = w.app.coding.store.landings.get(w.run, 'api')!;
    w.app.coding.store.landings.save({
      ...rec,
      asked: { title: 'Asked title', base: 'release', actor: 'Ana' },
    });
    await w.app.landing.tick();
    expect((await landings(w.app, w.run))[0]).toMatchObject({ state: 'open', pr_number: 1 });
    expect(w.gh.pulls.get(1)).toMatchObject({ title: 'Asked title', base: 'release' });
  });

  it('refuses what cannot land, naming the field: a task not done, a task without how, pull request options on a push, a bad base', async () => {
    const w = await world();
    const refused = async (input: Record<string, unknown>) => {
      const r = await w.app.dispatch('runs.land', { run_id: w.run, ...input });
      expect(r.ok).toBe(false);
      return r.ok ? null : r.error;
    };
    expect((await refused({ task_id: 'b', how: 'push' }))?.message).toBe(
      'task "b" is in progress: only a done task\'s work lands',
    );
    expect(JSON.stringify(await refused({ task_id: 'api' }))).toContain('how');
    expect(JSON.stringify(await refused({ task_id: 'api', how: 'push', title: 'x' }))).toContain(
      'is for a pull request',
    );
    expect(JSON.stringify(await refused({ task_id: 'api', how: 'pull_request', base: 'a b' }))).toContain(
      'must be a branch name',
    );
    // The run executes: its whole work lands once it has ended.
    expect((await refused({ how: 'push' }))?.message).toContain('is still executing');
    expect(await w.remote.branches()).toEqual({ main: expect.any(String) });
  });
});
