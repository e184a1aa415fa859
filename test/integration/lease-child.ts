// A Baton process for the lease tests (lease-takeover.test.ts), which kill, stop or leave it a
// zombie while it executes a run.
//
//   node lease-child.ts <dataDir> start|watch <leaseTtlMs>
//
// `start` imports an agent and a one-task plan and starts the run; its attempts hold until
// they are stopped (the process never finishes the task itself). `watch` opens the data
// directory as `baton serve` does (it resumes unfinished runs at start and takes up those
// whose process dies later); its attempts finish at once. Either runs until it is killed.
//
// Lines on stdout:
//   PID <pid>      first, this process's pid
//   RUN <id>       (start) the run started and its attempt is under way
//   READY          (watch) the data directory is open
// Each attempt's start is appended to attempts.log in the data directory (task, attempt, pid).
import { appendFileSync } from 'node:fs';
import { join } from 'node:path';
import { createApp } from '../../src-main/app/create-app.ts';
import type { Executor } from '../../src-main/engine/executor.ts';
import { call, setup, task } from '../kit/engine-kit.ts';

const [dataDir, mode, ttl] = process.argv.slice(2) as [string, 'start' | 'watch', string];
const say = (line: string) => process.stdout.write(`${line}\n`);
say(`PID ${process.pid}`);

let started: () => void = () => {};
const attemptStarted = new Promise<void>((r) => {
  started = r;
});
const executor: Executor = {
  usesWorkspace: false,
  async *start(ctx, signal) {
    appendFileSync(join(dataDir, 'attempts.log'), `${ctx.task.task_id} ${ctx.attempt} ${process.pid}\n`);
    started();
    if (mode === 'start') await new Promise((r) => signal.addEventListener('abort', r, { once: true }));
    if (signal.aborted) return;
    yield { type: 'result', output: { by: process.pid } };
  },
};

const app = createApp({
  dataDir,
  leaseTtlMs: Number(ttl),
  executors: { echo: executor },
  resume: mode === 'watch',
  log: (err) => process.stderr.write(`${String(err)}\n`),
});
if (mode === 'start') {
  const run = await setup(app, [{ id: 'w', skills: ['x'] }], { plan_id: 'p', tasks: [task('t')] });
  await attemptStarted;
  say(`RUN ${run}`);
} else {
  await call(app, 'agents.list', {});
  say('READY');
}
// Runs until the test kills it (Baton's own timers do not keep a process alive).
setInterval(() => {}, 60_000);
