// A Baton process for the crash test. `start` imports and starts the plan; `resume` just
// opens the data directory (which resumes unfinished runs); `finish` also approves every
// pending approval and waits for the run to end. Each task start is appended to a log file
// before any work, so the test can check that no finished task ever ran again.
import { appendFileSync } from 'node:fs';
import { join } from 'node:path';
import { createApp } from '../../src-main/app/create-app.ts';
import type { Executor } from '../../src-main/engine/executor.ts';

const [dataDir, mode] = process.argv.slice(2) as [string, 'start' | 'resume' | 'finish'];
const starts = join(dataDir, 'starts.log');

const slowEcho: Executor = {
  async *start(ctx, signal) {
    appendFileSync(starts, `${ctx.task.task_id} ${ctx.attempt}\n`);
    await new Promise((r) => setTimeout(r, 2 + Math.random() * 8));
    if (signal.aborted) return;
    yield { type: 'result', output: { task: ctx.task.task_id, attempt: ctx.attempt } };
  },
};

export function layeredPlan(n: number, width: number) {
  let seed = 42;
  const rand = () => {
    seed = (seed * 1103515245 + 12345) & 0x7fffffff;
    return seed / 0x7fffffff;
  };
  return {
    plan_id: 'crash',
    tasks: Array.from({ length: n }, (_, i) => {
      const layer = Math.floor(i / width);
      const deps =
        layer === 0
          ? []
          : [...new Set([0, 1, 2].map(() => `t${(layer - 1) * width + Math.floor(rand() * width)}`))];
      return {
        task_id: `t${i}`,
        description: `task ${i}`,
        required_skills: ['x'],
        depends_on: deps,
        requires_approval: i === 3 || i === 7 || i === 11,
      };
    }),
  };
}

const app = createApp({ dataDir, executors: { echo: slowEcho } });
const say = (line: string) => process.stdout.write(`${line}\n`);

if (mode === 'start') {
  await app.dispatch('agents.import', { agents: [{ id: 'w', skills: ['x'], max_concurrency: 4 }] });
  await app.dispatch('plans.import', { plan: layeredPlan(1_000, 50) });
  const r = await app.dispatch('runs.start', { plan_id: 'crash' });
  if (!r.ok) throw new Error(r.error.message);
  say(`RUN ${(r.value as { run_id: string }).run_id}`);
} else {
  const runs = app.store.runs.unfinishedIds();
  say(`RESUMED ${runs.filter((id) => app.engine.isActive(id)).join(',')}`);
  if (mode === 'finish') {
    const pending = app.store.approvals.list('pending');
    say(
      `PENDING ${pending
        .map((a) => a.task_id)
        .sort()
        .join(',')}`,
    );
    for (const a of pending)
      await app.dispatch('approvals.decide', { approval_id: a.id, decision: 'approve', actor: 'crash-test' });
    for (const id of runs) {
      const run = await app.engine.whenSettled(id);
      say(`SETTLED ${run.status}`);
    }
    app.close();
  }
}
