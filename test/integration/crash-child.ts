// A Baton process for the crash test (crash.test.ts), which SIGKILLs it at moments it picks
// from the lines this process prints.
//
//   node crash-child.ts <dataDir> start|resume <approve> run|hold
//
// `start` imports the agent and the 1,000-task plan and starts the run; `resume` only opens the
// data directory, which resumes the run unless a live process holds it (a process that resumed
// nothing says so and exits). `approve` names the tasks whose pending approvals this process
// may approve, comma-separated: `-` none, `*` every one, also those requested while it runs.
// The test lets a process approve only what was pending when the one before it was killed, so
// every approval waits through at least one crash first. `hold`: attempts start but wait for a
// line on stdin before they work (the test holds the winner of a race until the loser has
// tried to take the run up).
//
// Lines on stdout (those that report state, once it is committed):
//   OPENING                 just before the store opens (and a resume begins)
//   RUN <id>                the run started
//   RESUMED <ids>           the runs this process took up (empty: another process holds them)
//   PENDING <tasks>         the tasks whose approvals are pending, as resumed
//   AWAITING <tasks>        the tasks awaiting approval, as resumed
//   DONE <n>                how many tasks are done, after each batch of task changes
//   APPROVING <task>        about to approve that task's approval (APPROVED: it is approved)
//   SETTLED <status>        the run ended
// Each attempt's start is appended to starts.log (task, attempt, pid) before any work, so the
// test can check that no finished task ever ran again and that only one process ran the run.
import { appendFileSync } from 'node:fs';
import { join } from 'node:path';
import { createApp } from '../../src-main/app/create-app.ts';
import type { Executor } from '../../src-main/engine/executor.ts';

const [dataDir, mode, approveArg, holdArg] = process.argv.slice(2) as [
  string,
  'start' | 'resume',
  string,
  'run' | 'hold',
];
const starts = join(dataDir, 'starts.log');
const say = (line: string) => process.stdout.write(`${line}\n`);
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

const held = holdArg === 'hold' ? new Promise<void>((r) => process.stdin.once('data', () => r())) : undefined;
// Work that takes a few milliseconds, so that at any moment some attempts are in flight (with
// 8 at once, a kill almost never finds the agent idle while there is work to do).
const slowEcho: Executor = {
  usesWorkspace: false,
  async *start(ctx, signal) {
    appendFileSync(starts, `${ctx.task.task_id} ${ctx.attempt} ${process.pid}\n`);
    await held;
    await sleep(4 + Math.random() * 12);
    if (signal.aborted) return;
    yield { type: 'result', output: { task: ctx.task.task_id, attempt: ctx.attempt } };
  },
};

/**
 * Layers whose task in column 3 waits for an approval (t153, t453, t753): reached at about 15 %,
 * 45 % and 75 % of the run.
 */
const GATED_LAYERS = [3, 9, 15];
const GATE_COLUMN = 3;

/**
 * `n` tasks in layers of `width`, each depending on up to three tasks of the layer before. The
 * gated tasks and the two tasks after each (a short chain) sit off the main flow: nothing else
 * depends on them, so the bulk of the plan runs while an approval waits, and the run ends only
 * once every approval was given.
 */
function layeredPlan(n: number, width: number) {
  let seed = 42;
  const rand = () => {
    seed = (seed * 1103515245 + 12345) & 0x7fffffff;
    return seed / 0x7fffffff;
  };
  const chained = (layer: number) => GATED_LAYERS.some((g) => layer >= g && layer <= g + 2);
  const columns = Array.from({ length: width }, (_, c) => c);
  return {
    plan_id: 'crash',
    tasks: Array.from({ length: n }, (_, i) => {
      const layer = Math.floor(i / width);
      const column = i % width;
      const prev = (layer - 1) * width;
      // The main flow never depends on a chain task.
      const open = chained(layer - 1) ? columns.filter((c) => c !== GATE_COLUMN) : columns;
      let deps: string[];
      if (layer === 0) deps = [];
      else if (column === GATE_COLUMN && chained(layer) && !GATED_LAYERS.includes(layer))
        deps = [`t${prev + GATE_COLUMN}`];
      else deps = [...new Set([0, 1, 2].map(() => `t${prev + open[Math.floor(rand() * open.length)]!}`))];
      return {
        task_id: `t${i}`,
        description: `task ${i}`,
        required_skills: ['x'],
        depends_on: deps,
        requires_approval: column === GATE_COLUMN && GATED_LAYERS.includes(layer),
      };
    }),
  };
}

say('OPENING');
const app = createApp({ dataDir, executors: { echo: slowEcho } });
// Pending work waits on timers and promises only: keep the process up until the run ends.
const keepAlive = setInterval(() => {}, 60_000);

let runId: string;
if (mode === 'start') {
  await app.dispatch('agents.import', { agents: [{ id: 'w', skills: ['x'], max_concurrency: 8 }] });
  await app.dispatch('plans.import', { plan: layeredPlan(1_000, 50) });
  const r = await app.dispatch('runs.start', { plan_id: 'crash' });
  if (!r.ok) throw new Error(r.error.message);
  runId = (r.value as { run_id: string }).run_id;
  say(`RUN ${runId}`);
} else {
  const runs = app.store.runs.unfinishedIds().filter((id) => app.engine.isActive(id));
  say(`RESUMED ${runs.join(',')}`);
  if (runs.length !== 1) {
    // Another process holds the run (or it ended): nothing to do here.
    clearInterval(keepAlive);
    app.close();
    process.exit(0);
  }
  runId = runs[0]!;
  const sorted = (ids: string[]) => ids.sort().join(',');
  say(`PENDING ${sorted(app.store.approvals.list('pending').map((a) => a.task_id))}`);
  const waiting = app.store.runs.tasks(runId).filter((t) => t.status === 'awaiting_approval');
  say(`AWAITING ${sorted(waiting.map((t) => t.task_id))}`);
}

const done = new Set(
  app.store.runs
    .tasks(runId)
    .filter((t) => t.status === 'done')
    .map((t) => t.task_id),
);
say(`DONE ${done.size}`);

const mayApprove = (taskId: string) => approveArg === '*' || approveArg.split(',').includes(taskId);
const approving = new Set<string>();
async function approve(approvalId: string, taskId: string): Promise<void> {
  if (approving.has(approvalId) || !mayApprove(taskId)) return;
  approving.add(approvalId);
  // Within 20 ms, before this process can have done the 45 tasks (six rounds of at least 4 ms)
  // that would set off its kill by progress; and with a pause after announcing it, so that the
  // test's kill lands on either side of the decision's commit.
  await sleep(Math.random() * 20);
  say(`APPROVING ${taskId}`);
  await sleep(Math.random() * 3);
  const r = await app.dispatch('approvals.decide', {
    approval_id: approvalId,
    decision: 'approve',
    actor: 'crash-test',
  });
  if (!r.ok) throw new Error(r.error.message);
  say(`APPROVED ${taskId}`);
}

app.bus.subscribe((batch) => {
  const before = done.size;
  for (const e of batch) {
    if (e.name === 'task.updated' && e.payload.status === 'done') done.add(e.payload.task_id);
    if (e.name === 'approval.changed' && e.payload.status === 'pending' && approveArg === '*')
      void approve(e.payload.id, e.payload.task_id);
  }
  if (done.size !== before) say(`DONE ${done.size}`);
});
for (const a of app.store.approvals.list('pending')) void approve(a.id, a.task_id);

const run = await app.engine.whenSettled(runId);
say(`SETTLED ${run.status}`);
clearInterval(keepAlive);
app.close();
