// A Baton process for tool-kill.test.ts, which SIGKILLs it in the middle of a tool loop.
//
//   node loop-child.ts <dataDir> <modelUrl> <workDir> <counterScript>
//
// Registers an llm agent whose only tool is Baton's workspace `run_command`, allowed to run this
// Node (which runs <counterScript>, appending a line to <workDir>/count.log per run), starts a
// one-task run and prints `RUN <id>` once it is stored. Then it works until it is killed.
import { createApp } from '../../src-main/app/create-app.ts';

const [dataDir, modelUrl, workDir] = process.argv.slice(2) as [string, string, string];
const app = createApp({ dataDir, log: () => {} });
setInterval(() => {}, 60_000);
const ok = (r: { ok: boolean; error?: { message: string } }) => {
  if (!r.ok) throw new Error(r.error?.message);
};
ok(
  await app.dispatch('agents.import', {
    agents: [
      {
        id: 'mila',
        kind: 'llm',
        skills: ['x'],
        base_url: `${modelUrl}/v1`,
        model: 'tiny',
        max_retries: 0,
        tools: [{ kind: 'workspace', dir: workDir, commands: [process.execPath] }],
        tool_policy: [{ tools: '*', policy: 'allow' }],
      },
    ],
  }),
);
ok(
  await app.dispatch('plans.import', {
    plan: { plan_id: 'p', tasks: [{ task_id: 't', description: 'count', required_skills: ['x'] }] },
  }),
);
const r = await app.dispatch('runs.start', { plan_id: 'p' });
ok(r);
process.stdout.write(`RUN ${(r as { value: { run_id: string } }).value.run_id}\n`);
