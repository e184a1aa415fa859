// Opens a Baton data directory the way every host does and writes to it as a run would, so the
// test (data-dir-modes.test.ts) can check the modes of what was created: run by the test under
// `umask 000`, which a test worker thread cannot set for itself.
//
//   node modes-child.ts <dataDir>
//
// A daemon (a pull agent) takes a task and hands in a file: the database, its WAL and
// shared-memory files, the attempt's workspace and the file all exist when it prints DONE.
import { createApp } from '../../src-main/app/create-app.ts';
import { call, setup, task } from '../kit/engine-kit.ts';

const dataDir = process.argv[2]!;
const app = createApp({ dataDir, executors: { echo: undefined }, log: () => {} });
const run = await setup(app, [{ id: 'd', skills: ['x'] }], { plan_id: 'p', tasks: [task('t')] });
const ref = { agent_id: 'd', run_id: run, task_id: 't' };
await call(app, 'work.execute', ref);
await call(app, 'work.complete', {
  ...ref,
  status: 'completed',
  output: { ok: true },
  files: [{ name: 'report.txt', content: 'private' }],
});
await app.engine.whenSettled(run);
// Still open: the WAL and shared-memory files are there to be looked at.
process.stdout.write(`DONE ${run}\n`);
await new Promise<void>((resolve) => process.stdin.once('data', () => resolve()));
process.stdin.destroy();
await app.close();
