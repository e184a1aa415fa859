// A Baton process whose attempts run real programs (the app's own executors), for the tests that
// SIGKILL it mid-attempt and look at what another process does with what it left
// (dead-owner-attempts.test.ts).
//
//   node attempt-child.ts <dataDir> <leaseTtlMs>
//
// Registers what <dataDir>/setup.json holds ({ workspace?, agents, plan }), starts the plan's run
// and runs until it is killed. Its attempts' links to Baton's MCP server are handed out as a host
// would hand them (nothing answers at that URL: the tests' CLIs never call it).
//
// Lines on stdout:
//   PID <pid>      first, this process's pid
//   RUN <id>       the run started
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { createApp } from '../../src-main/app/create-app.ts';
import { call, setup } from '../kit/engine-kit.ts';

const [dataDir, ttl] = process.argv.slice(2) as [string, string];
const say = (line: string) => process.stdout.write(`${line}\n`);
say(`PID ${process.pid}`);

const given = JSON.parse(readFileSync(join(dataDir, 'setup.json'), 'utf8'));
const app = createApp({
  dataDir,
  leaseTtlMs: Number(ttl),
  resume: false,
  log: (err) => process.stderr.write(`${String(err)}\n`),
});
app.mcpLinks.serveAt('http://127.0.0.1:9/mcp');
if (given.workspace) await call(app, 'workspaces.add', given.workspace);
const run = await setup(app, given.agents, given.plan);
say(`RUN ${run}`);
// Runs until the test kills it (Baton's own timers do not keep a process alive).
setInterval(() => {}, 60_000);
