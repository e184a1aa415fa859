// A command agent for the remote worker tests (test/integration/remote-worker*.test.ts): reports progress and log
// lines, leaves a file, writes its pid where the task says, and holds its first attempt as long
// as the task asks (so a test can kill or pause its worker mid-task).
import { readFileSync, writeFileSync } from 'node:fs';

const ctx = JSON.parse(readFileSync(0, 'utf8'));
const inputs = ctx.task.inputs ?? {};
if (inputs.pid_dir)
  writeFileSync(`${inputs.pid_dir}/${ctx.task.task_id}-${ctx.attempt}.pid`, String(process.pid));
console.log('::progress 10 starting');
console.log(`working on ${ctx.task.task_id}, attempt ${ctx.attempt}, as ${ctx.agent.id}`);
console.error('a line on stderr');
writeFileSync('report.txt', `report of ${ctx.task.task_id} by ${ctx.agent.id}\n`);
const hold = ctx.attempt === 1 ? (inputs.first_attempt_ms ?? 0) : 0;
await new Promise((resolve) => setTimeout(resolve, hold));
console.log('::progress 100 done');
const deps = ctx.dependencies.map((d) => d.output);
console.log(
  `::result ${JSON.stringify({ task: ctx.task.task_id, by: ctx.agent.id, attempt: ctx.attempt, deps })}`,
);
