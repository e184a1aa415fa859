import { writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { expect, it } from 'vitest';
import type { TaskLogLine } from '../../../../../src-shared/schemas/run.ts';
import type { StoredStep } from '../../../../../src-shared/schemas/step.ts';
import { call, setup } from '../../../../../test/kit/engine-kit.ts';
import { scratch } from '../../../../../test/kit/scratch.ts';

// An ACP agent Baton meters (a provider) whose calls never pass the metering endpoint (its own
// config names another server) but which reports what they cost over ACP: that report is all
// there is, so it is the spend recorded, and the log says why; with max_cost_usd the attempt is
// stopped, since Baton cannot hold a cap on calls it does not see. A small agent written with the
// SDK stands in for Claude Code's adapter (cli "claude", started by its executable).
const { temp, repo: tempRepo, app: tempApp } = scratch();

const sdk = pathToFileURL(createRequire(import.meta.url).resolve('@agentclientprotocol/sdk')).href;
const agentScript = `
import { Readable, Writable } from 'node:stream';
import { agent, ndJsonStream } from ${JSON.stringify(sdk)};
let cwd = '';
agent()
  .onRequest('initialize', () => ({ protocolVersion: 1, agentCapabilities: {} }))
  .onRequest('session/new', ({ params }) => { cwd = params.cwd; return { sessionId: 'own-1' }; })
  .onRequest('session/prompt', async ({ params, client }) => {
    await client.request('fs/write_text_file', { sessionId: params.sessionId, path: cwd + '/done.txt', content: 'done\\n' });
    await client.notify('session/update', { sessionId: params.sessionId,
      update: { sessionUpdate: 'usage_update', used: 1000, size: 200000, cost: { amount: 0.3, currency: 'USD' } } });
    return { stopReason: 'end_turn' };
  })
  .connect(ndJsonStream(Writable.toWeb(process.stdout), Readable.toWeb(process.stdin)));
`;

async function runWith(extra: Record<string, unknown>) {
  const repo = tempRepo();
  const script = join(temp('baton-acp-bypass-'), 'agent.mjs');
  writeFileSync(script, agentScript);
  const app = tempApp('baton-acp-bypass-data-');
  await call(app, 'workspaces.add', { id: 'app', path: repo.repo });
  const run = await setup(
    app,
    [
      {
        id: 'own-config',
        kind: 'coding',
        cli: 'claude',
        protocol: 'acp',
        executable: process.execPath,
        args: [script],
        model: 'm',
        provider: { base_url: 'http://127.0.0.1:9' },
        skills: ['code'],
        ...extra,
      },
    ],
    {
      plan_id: 'p',
      workspace: 'app',
      tasks: [{ task_id: 't', description: 'Work.', required_skills: ['code'] }],
    },
  );
  await app.engine.whenSettled(run);
  await app.coding.worktreesSettled();
  const steps = await call<StoredStep[]>(app, 'runs.steps', { run_id: run, task_id: 't' });
  const logs = await call<TaskLogLine[]>(app, 'runs.taskLogs', { run_id: run, task_id: 't' });
  return { task: app.store.runs.task(run, 't')!, steps, logs: logs.map((l) => l.text) };
}

const BYPASS =
  "claude reports model calls that did not pass Baton's metering endpoint (its own config names another server): what they cost is what claude says";

it('what the agent reports is the spend when no call passed the endpoint, said in its log', async () => {
  const { task, steps, logs } = await runWith({});
  expect(task.status, task.error ?? '').toBe('done');
  expect(steps.filter((s) => s.kind === 'usage')).toMatchObject([{ cost_usd: 0.3, cost_source: 'reported' }]);
  expect(task.cost).toBeCloseTo(0.3, 9);
  expect(logs).toContain(BYPASS);
});

it('with max_cost_usd the attempt is stopped: a cap on calls Baton does not see cannot be held', async () => {
  const { task } = await runWith({ max_cost_usd: 5 });
  expect(task.status).toBe('failed');
  expect(task.error).toBe(`max_cost_usd of $5.00 cannot be held: ${BYPASS}`);
  expect(task.cost).toBeCloseTo(0.3, 9);
});
