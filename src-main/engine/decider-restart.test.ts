import { mkdtempSync, rmSync } from 'node:fs';
import type { ServerResponse } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import type { RunDetail } from '../../src-shared/schemas/run.ts';
import { call, controlledExecutor, eventually, setup, task } from '../../test/kit/engine-kit.ts';
import { localServer } from '../agents/testing/local-server.ts';
import type { BatonApp } from '../app/create-app.ts';
import { createApp } from '../app/create-app.ts';

let app: BatonApp | undefined;
let dir = '';
let closeServer: (() => Promise<void>) | null = null;
afterEach(async () => {
  await app?.close();
  await closeServer?.();
  closeServer = null;
  if (dir) rmSync(dir, { recursive: true, force: true });
  dir = '';
});

// A decider's question is held in memory only: asked as a task ends, answered later. A restart in
// between lost it, and a run with nothing open then ended as if the decider had agreed.
describe('decider question pending across a restart', () => {
  it('a decider question asked before a crash is asked again (or the run does not end without it)', async () => {
    dir = mkdtempSync(join(tmpdir(), 'baton-decider-restart-'));
    let hang = true;
    const held: ServerResponse[] = [];
    const server = await localServer((req, res) => {
      if (hang) {
        held.push(res);
        return;
      }
      res.writeHead(200, { 'content-type': 'application/json' });
      res.end(
        JSON.stringify({
          model: 'tiny',
          choices: [
            {
              message: {
                role: 'assistant',
                content: req.body.includes('Completed task: a')
                  ? JSON.stringify({
                      action: 'create_task',
                      reasoning: 'more work',
                      next_agent_type: 'x',
                      task_description: 'follow-up work',
                      urgency: 'normal',
                    })
                  : JSON.stringify({ action: 'project_complete', reasoning: 'done' }),
              },
              finish_reason: 'stop',
            },
          ],
          usage: { prompt_tokens: 1, completion_tokens: 1 },
        }),
      );
    });
    closeServer = () => server.close();
    const exec = controlledExecutor(() => ({ ok: true }));
    const open = () => {
      app = createApp({ dataDir: dir, executors: { echo: exec.executor }, log: () => {} });
      return app;
    };
    open();
    const run = await setup(
      app!,
      [
        { id: 'brain', kind: 'llm', skills: [], base_url: `${server.url}/v1`, model: 'tiny', max_retries: 0 },
        { id: 'w', skills: ['x'] },
      ],
      { plan_id: 'p', decider: { kind: 'llm', agent_id: 'brain' }, tasks: [task('a')] },
    );
    // a is done; the decider was asked and has not answered.
    await eventually(() => server.requests.length === 1, 10_000, 'decider asked');
    const before = await call<RunDetail>(app!, 'runs.get', { run_id: run });
    expect(before.status).toBe('executing');
    await app!.close();
    app = undefined;
    hang = false;
    open();
    const final = await app!.engine.whenSettled(run);
    const d = await call<RunDetail>(app!, 'runs.get', { run_id: run });
    // The question after "a" was never answered: the run must not end as if the decider had agreed.
    expect({ status: final.status, added: d.added_tasks.length, asked: server.requests.length }).toEqual({
      status: 'completed',
      added: 1,
      asked: 3,
    });
    for (const r of held) r.destroy();
  });
});
