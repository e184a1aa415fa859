import { afterEach, describe, expect, it } from 'vitest';
import { call, controlledExecutor, eventually, setup, task } from '../../test/kit/engine-kit.ts';
import { localServer } from '../agents/testing/local-server.ts';
import type { BatonApp } from '../app/create-app.ts';
import { createApp } from '../app/create-app.ts';

let app: BatonApp | undefined;
let closeServer: (() => Promise<void>) | null = null;
afterEach(async () => {
  await app?.close();
  await closeServer?.();
  closeServer = null;
});

// A decider that declares the project complete cancels what still runs: those cancels are its own
// and the run ends completed. A person's cancel before it is not excused: the run ends cancelled.
describe('a person cancelled a task, then the decider closed the run', () => {
  it('ends cancelled (a person’s cancel is not the decider’s)', async () => {
    const server = await localServer((req, res) => {
      res.writeHead(200, { 'content-type': 'application/json' });
      const content = req.body.includes('Completed task: b')
        ? JSON.stringify({ action: 'project_complete', reasoning: 'goal met' })
        : JSON.stringify({ action: 'wait_for_more_tasks', reasoning: 'go on' });
      res.end(
        JSON.stringify({
          model: 'tiny',
          choices: [{ message: { role: 'assistant', content }, finish_reason: 'stop' }],
          usage: { prompt_tokens: 1, completion_tokens: 1 },
        }),
      );
    });
    closeServer = () => server.close();
    const exec = controlledExecutor();
    app = createApp({ dataDir: ':memory:', executors: { echo: exec.executor }, log: () => {} });
    const run = await setup(
      app,
      [
        { id: 'brain', kind: 'llm', skills: [], base_url: `${server.url}/v1`, model: 'tiny', max_retries: 0 },
        { id: 'w', skills: ['x'], max_concurrency: 3 },
      ],
      { plan_id: 'p', decider: { kind: 'llm', agent_id: 'brain' }, tasks: [task('a'), task('b'), task('c')] },
    );
    await eventually(() => exec.running.size === 3, 5_000, 'three running');
    await call(app, 'runs.cancelTask', { run_id: run, task_id: 'c', actor: 'ana' });
    exec.running.get('a')!.finish();
    await eventually(() => server.requests.length === 1, 5_000, 'decider asked after a');
    exec.running.get('b')!.finish();
    const final = await app.engine.whenSettled(run);
    expect(final.counts).toMatchObject({ done: 2, cancelled: 1 });
    expect(final.status).toBe('cancelled');
  });
});
