import { afterEach, describe, expect, it } from 'vitest';
import type { PulledTask } from '../../src-shared/contract/domains/work.ts';
import { call, setup, task } from '../../test/kit/engine-kit.ts';
import { http, startOnTempDir } from '../../test/kit/host-kit.ts';
import { createRestHandler } from '../host/rest/router.ts';
import type { BatonApp } from './create-app.ts';
import { createApp } from './create-app.ts';

let app: BatonApp;
afterEach(() => app?.close());

type Selected = { task: PulledTask | null; tasks?: PulledTask[]; reason?: string };

describe("work.selectNext with the pull API's criteria: require_tags and limit beside min_priority", () => {
  it('offers only tasks carrying every tag asked for, best first, up to the limit', async () => {
    // No executor for echo: its agents pull their work, as a daemon does.
    app = createApp({ dataDir: ':memory:', executors: { echo: undefined }, log: () => {} });
    await setup(app, [{ id: 'd', skills: ['x'], max_concurrency: 4 }], {
      plan_id: 'p',
      tasks: [
        task('api', { tags: ['backend'], priority: 'LOW' }),
        task('db', { tags: ['backend', 'sql'], priority: 'HIGH' }),
        task('ui', { tags: ['frontend'], priority: 'CRITICAL' }),
        task('plain', { priority: 'MEDIUM' }),
      ],
    });
    const select = (c: Record<string, unknown>) =>
      call<Selected>(app, 'work.selectNext', { agent_id: 'd', ...c });

    expect((await select({})).task?.task_id).toBe('ui');
    const backend = await select({ require_tags: ['backend'], limit: 10 });
    expect(backend.tasks?.map((t) => t.task_id)).toEqual(['db', 'api']);
    expect(backend.task?.task_id).toBe('db');
    expect(backend.tasks?.[0]?.tags).toEqual(['backend', 'sql']);
    expect((await select({ require_tags: ['backend', 'sql'] })).task?.task_id).toBe('db');
    expect(
      (await select({ require_tags: ['backend'], min_priority: 'HIGH', limit: 5 })).tasks?.map(
        (t) => t.task_id,
      ),
    ).toEqual(['db']);
    expect((await select({ limit: 2 })).tasks?.map((t) => t.task_id)).toEqual(['ui', 'db']);
    const none = await select({ require_tags: ['gpu'] });
    expect(none).toEqual({ task: null, reason: 'no ready task tagged gpu matches this agent' });
    // Taken tasks are no longer offered.
    await call(app, 'work.execute', { agent_id: 'd', run_id: backend.task!.run_id, task_id: 'db' });
    expect((await select({ require_tags: ['backend'] })).task?.task_id).toBe('api');
  });

  it('validates tags in plans and in the criteria, naming the path', async () => {
    app = createApp({ dataDir: ':memory:', log: () => {} });
    const bad = await app.dispatch('plans.import', {
      plan: { plan_id: 'p', tasks: [task('a', { tags: ['ok', 'not ok'] })] },
    });
    expect(bad).toMatchObject({
      ok: false,
      error: { code: 'invalid_input', message: expect.stringContaining('tasks[0].tags[1]') },
    });
    const criteria = await app.dispatch('work.selectNext', { agent_id: 'd', limit: 0 });
    expect(criteria).toMatchObject({
      ok: false,
      error: { code: 'invalid_input', message: expect.stringContaining('limit') },
    });
  });

  it('takes require_tags (comma-separated) and limit in the REST pull API, a bad limit named', async () => {
    const served = await startOnTempDir((_dir, a) => ({ routes: createRestHandler(a.dispatch) }));
    try {
      await call(served.app, 'agents.import', { agents: [{ id: 'd', kind: 'human', skills: ['x'] }] });
      await call(served.app, 'plans.import', {
        plan: {
          plan_id: 'p',
          tasks: [task('api', { tags: ['backend'] }), task('db', { tags: ['backend', 'sql'] }), task('ui')],
        },
      });
      await call(served.app, 'runs.start', { plan_id: 'p' });
      const get = (q: string) =>
        http(served.host.port, `/api/v1/agents/d/next-task?${q}`, {
          headers: { authorization: `Bearer ${served.host.token}` },
        });
      const r = await get('require_tags=backend,sql&limit=5');
      expect(r.status).toBe(200);
      expect((JSON.parse(r.body) as { tasks: PulledTask[] }).tasks.map((t) => t.task_id)).toEqual(['db']);
      const two = JSON.parse((await get('require_tags=backend&limit=2')).body) as { tasks: PulledTask[] };
      expect(two.tasks.map((t) => t.task_id).sort()).toEqual(['api', 'db']);
      const bad = await get('limit=lots');
      expect(bad.status).toBe(400);
      expect(bad.body).toContain('limit');
    } finally {
      await served.stop();
    }
  });
});
