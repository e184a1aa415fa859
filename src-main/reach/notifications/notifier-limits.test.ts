import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import type { EventBatch } from '../../../src-shared/contract/events.ts';
import type { Notification } from '../../../src-shared/schemas/notification.ts';
import { call, controlledExecutor, eventually, task } from '../../../test/kit/engine-kit.ts';
import type { BatonApp } from '../../app/create-app.ts';
import { createApp } from '../../app/create-app.ts';
import { usageLimited } from '../../engine/executor.ts';

let dir: string;
let app: BatonApp | undefined;
afterEach(async () => {
  await app?.close();
  app = undefined;
  rmSync(dir, { recursive: true, force: true });
});

const httpAgent = (id: string, key: string) => ({
  id,
  kind: 'http',
  url: 'http://127.0.0.1:9/agent',
  auth_secret: key,
  skills: ['x'],
});

describe('notifications of usage limits', () => {
  it('tells once per account that an agent hit a limit and once that it is available again, and can be turned off', async () => {
    dir = mkdtempSync(join(tmpdir(), 'baton-notify-limits-'));
    const exec = controlledExecutor(() => 'hold');
    app = createApp({
      dataDir: dir,
      executors: { http: exec.executor },
      log: () => {},
      reach: { enabled: false },
    });
    const told: Notification[] = [];
    app.bus.subscribe((batch: EventBatch) => {
      for (const e of batch) if (e.name === 'notification') told.push(e.payload);
    });
    app.reach.notifier.look();
    // Three agents on one key: each is limited (an audit entry each), the person is told once.
    await call(app, 'agents.import', {
      agents: [httpAgent('ana', 'team_key'), httpAgent('bea', 'team_key'), httpAgent('cy', 'team_key')],
    });
    await call(app, 'plans.import', { plan: { plan_id: 'p', on_limit: 'fail', tasks: [task('t')] } });
    const { run_id: run } = await call<{ run_id: string }>(app, 'runs.start', { plan_id: 'p' });
    await eventually(() => exec.running.has('t'));
    const hit = exec.running.get('t')!.ctx.agent.id;
    exec.running.get('t')!.emit(usageLimited({ message: 'rate_limit_error: slow down', reset_in_ms: 300 }));
    await app.engine.whenSettled(run);
    await eventually(() => {
      app!.reach.notifier.look();
      return told.some((n) => n.kind === 'agent_available');
    });
    app.reach.notifier.look();
    expect(told.map((n) => [n.kind, n.title, n.target.agent])).toEqual([
      ['agent_limited', `Agent ${hit} hit a usage limit`, hit],
      ['run_failed', `Run ${run} failed`, undefined],
      [
        'agent_available',
        expect.stringMatching(/^Agent (ana|bea|cy) is available again$/),
        expect.any(String),
      ],
    ]);
    expect(told[0]!.body).toMatch(
      new RegExp(`^agent "${hit}" is limited until \\S+Z: rate_limit_error: slow down$`),
    );
    expect(told[2]!.body).toMatch(/the limit of its account \(secret:team_key\) reset at /);

    // Turned off, neither is told.
    await call(app, 'notifications.configure', { kind: 'agent_limited', enabled: false });
    exec.running.clear();
    const { run_id: again } = await call<{ run_id: string }>(app, 'runs.start', { plan_id: 'p' });
    await eventually(() => exec.running.has('t'));
    exec.running.get('t')!.emit(usageLimited({ message: 'again', reset_in_ms: 60_000 }));
    await app.engine.whenSettled(again);
    expect(app.reach.notifier.look().map((n) => n.kind)).toEqual(['run_failed']);
  });
});
