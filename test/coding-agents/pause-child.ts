// A Baton process for the pause crash test (pause-crash.test.ts), which pauses a coding
// task's agent, SIGKILLs this process, and starts another on the same data directory.
//
//   node pause-child.ts <dataDir> start|resume
//
// `start` reads <dataDir>/setup.json ({ workspace: {id, path}, agents, plan }), starts the run,
// and pauses its one task once its agent runs a tool (or the file <dataDir>/pause-now exists); `resume` opens the data directory (which
// takes the run up again) and resumes the task once the file <dataDir>/resume exists.
// Lines on stdout:
//   RUN <id>          the run started
//   PAUSED <task>     the pause is stored and the agent's turn was stopped
//   HELD <task>       (resume) the task's agent waits for Resume
//   SETTLED <status>  the run ended
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { createApp } from '../../src-main/app/create-app.ts';
import type { StoredStep } from '../../src-shared/schemas/step.ts';
import type { TurnState } from '../../src-shared/steering.ts';
import { call } from '../kit/engine-kit.ts';

const [dataDir, mode] = process.argv.slice(2) as [string, 'start' | 'resume'];
const say = (line: string) => process.stdout.write(`${line}\n`);
const until = async (check: () => Promise<boolean>) => {
  while (!(await check())) await new Promise((r) => setTimeout(r, 100));
};

const app = createApp({ dataDir, log: () => {} });
const keepAlive = setInterval(() => {}, 60_000);
let runId: string;
if (mode === 'start') {
  const setup = JSON.parse(readFileSync(join(dataDir, 'setup.json'), 'utf8'));
  await call(app, 'workspaces.add', setup.workspace);
  await call(app, 'agents.import', { agents: setup.agents });
  await call(app, 'plans.import', { plan: setup.plan });
  runId = (await call<{ run_id: string }>(app, 'runs.start', { plan_id: setup.plan.plan_id })).run_id;
  say(`RUN ${runId}`);
  const task = setup.plan.tasks[0].task_id as string;
  const ref = { run_id: runId, task_id: task };
  // Once its agent ran a tool, or the test says its tool runs (opencode records a call once it ended).
  await until(
    async () =>
      existsSync(join(dataDir, 'pause-now')) ||
      (await call<StoredStep[]>(app, 'runs.steps', ref)).some((s) => s.kind === 'tool_call'),
  );
  await call(app, 'runs.pause', { ...ref, actor: 'ana' });
  // The stopped turn's end is recorded: the agent is held between turns.
  await until(async () =>
    (await call<StoredStep[]>(app, 'runs.steps', ref)).some((s) => s.kind === 'result'),
  );
  say(`PAUSED ${task}`);
} else {
  const runs = app.store.runs.unfinishedIds().filter((id) => app.engine.isActive(id));
  runId = runs[0]!;
  const task = app.store.runs.tasks(runId)[0]!.task_id;
  const ref = { run_id: runId, task_id: task };
  await until(async () => {
    const state = await call<TurnState>(app, 'runs.turns', ref);
    const logs = await call<{ text: string }[]>(app, 'runs.taskLogs', ref);
    return state.held === 'paused' && logs.some((l) => l.text.includes('not started again until Resume'));
  });
  say(`HELD ${task}`);
  await until(async () => existsSync(join(dataDir, 'resume')));
  await call(app, 'runs.resume', { ...ref, actor: 'bo' });
}
const run = await app.engine.whenSettled(runId);
await app.coding.worktreesSettled();
say(`SETTLED ${run.status}`);
clearInterval(keepAlive);
await app.close();
