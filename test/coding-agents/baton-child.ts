// A Baton process for the crash test (baton-crash.test.ts), which SIGKILLs it while its coding
// agents work and then starts another on the same data directory.
//
//   node baton-child.ts <dataDir> start|resume
//
// `start` reads <dataDir>/setup.json ({ workspace: {id, path}, agents, plan }), registers them
// and starts the run; `resume` only opens the data directory, which takes the run up again.
// Lines on stdout:
//   RUN <id>                      the run started
//   RESUMED <ids>                 the runs this process took up
//   SESSION <task> <session id>   a coding task's CLI session is stored
//   ASKED <task> <approval id>    a tool call of a task waits for a person in the inbox
//   SETTLED <status>              the run ended and its worktrees were cleaned up
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { createApp } from '../../src-main/app/create-app.ts';
import { call } from '../kit/engine-kit.ts';

const [dataDir, mode] = process.argv.slice(2) as [string, 'start' | 'resume'];
const say = (line: string) => process.stdout.write(`${line}\n`);

const app = createApp({ dataDir, log: () => {} });
const keepAlive = setInterval(() => {}, 60_000);
app.bus.subscribe((batch) => {
  for (const e of batch)
    if (e.name === 'session.updated' && e.payload.session_id)
      say(`SESSION ${e.payload.task_id} ${e.payload.session_id}`);
    else if (
      e.name === 'approval.changed' &&
      e.payload.kind === 'tool_call' &&
      e.payload.status === 'pending'
    )
      say(`ASKED ${e.payload.task_id} ${e.payload.id}`);
});

let runId: string;
if (mode === 'start') {
  const setup = JSON.parse(readFileSync(join(dataDir, 'setup.json'), 'utf8'));
  await call(app, 'workspaces.add', setup.workspace);
  await call(app, 'agents.import', { agents: setup.agents });
  await call(app, 'plans.import', { plan: setup.plan });
  runId = (await call<{ run_id: string }>(app, 'runs.start', { plan_id: setup.plan.plan_id })).run_id;
  say(`RUN ${runId}`);
} else {
  const runs = app.store.runs.unfinishedIds().filter((id) => app.engine.isActive(id));
  say(`RESUMED ${runs.join(',')}`);
  runId = runs[0]!;
}
const run = await app.engine.whenSettled(runId);
await app.coding.worktreesSettled();
say(`SETTLED ${run.status}`);
clearInterval(keepAlive);
await app.close();
