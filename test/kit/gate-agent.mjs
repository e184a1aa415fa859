// A command agent for the remote worker claim tests (test/integration/remote-worker-claims.test.ts):
// marks that its attempt started (`<dir>/<task>-<attempt>-<agent>.started`), then holds it until
// the test opens the gate (`<dir>/open` exists), and answers with who ran it.
import { existsSync, readFileSync, writeFileSync } from 'node:fs';

const ctx = JSON.parse(readFileSync(0, 'utf8'));
const dir = ctx.task.inputs?.dir;
const name = `${ctx.task.task_id}-${ctx.attempt}-${ctx.agent.id}`;
if (dir) {
  writeFileSync(`${dir}/${name}.started`, String(process.pid));
  while (!existsSync(`${dir}/open`)) await new Promise((r) => setTimeout(r, 20));
}
console.log(`::result ${JSON.stringify({ task: ctx.task.task_id, by: ctx.agent.id, attempt: ctx.attempt })}`);
