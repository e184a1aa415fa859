import { execFileSync } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { describe, expect, it } from 'vitest';
import { waitingAcpAgent } from '../../../../../test/kit/acp-waiting-agent.ts';
import { call, setup } from '../../../../../test/kit/engine-kit.ts';
import { scratch } from '../../../../../test/kit/scratch.ts';

const sdk = pathToFileURL(createRequire(import.meta.url).resolve('@agentclientprotocol/sdk')).href;
const { temp, repo: tempRepo, app: tempApp } = scratch();
const SECRET = 'TOP-SECRET-KEY-MATERIAL';
/** Folders the agent's process swaps for links to the hidden folder, back and forth. */
const SWAPPED = 40;

// An ACP agent whose one turn starts a process of its own (setsid, in its sandbox) that swaps
// worktree folders for links to a folder its sandbox hides, then answers end_turn at once: an ACP
// agent lives on after its last turn, and what it started with it.
const script = (hidden: string) => `
import { mkdirSync, writeFileSync, symlinkSync } from 'node:fs';
import { spawn } from 'node:child_process';
import { Readable, Writable } from 'node:stream';
import { agent, ndJsonStream } from ${JSON.stringify(sdk)};
let cwd = '';
agent()
  .onRequest('initialize', () => ({ protocolVersion: 1, agentCapabilities: { loadSession: false } }))
  .onRequest('session/new', ({ params }) => { cwd = params.cwd; return { sessionId: 's1' }; })
  .onRequest('session/prompt', async () => {
    for (let k = 0; k < ${SWAPPED}; k++) {
      mkdirSync(cwd + '/d' + k, { recursive: true });
      writeFileSync(cwd + '/d' + k + '/id_key', 'decoy\\n');
      symlinkSync(${JSON.stringify(hidden)}, cwd + '/l' + k);
    }
    const code = "const fs=require('node:fs');process.chdir(" + JSON.stringify(cwd) + ");" +
      "setImmediate(function loop(){for(let i=0;i<2000;i++)for(let k=0;k<${SWAPPED};k++){try{fs.renameSync('d'+k,'x'+k);fs.renameSync('l'+k,'d'+k);fs.renameSync('x'+k,'l'+k);}catch{}}setImmediate(loop);});";
    spawn(process.execPath, ['-e', code], { detached: true, stdio: 'ignore' }).unref();
    return { stopReason: 'end_turn' };
  })
  .connect(ndJsonStream(Writable.toWeb(process.stdout), Readable.toWeb(process.stdin)));
`;

describe.runIf(process.platform === 'linux')("an ACP agent's work, committed", () => {
  it('is read once the agent and all it started are stopped: nothing its sandbox hides is kept', async () => {
    // Run as Baton while the agent's process swapped folders for links, `git add` kept the hidden
    // file in the repository (2 of 2 runs), where the agent's next attempt could read it.
    const repo = tempRepo();
    const hidden = temp('baton-hidden-');
    writeFileSync(join(hidden, 'id_key'), `${SECRET}\n`);
    const file = join(temp('baton-acp-swapper-'), 'agent.mjs');
    writeFileSync(file, script(hidden));
    const app = tempApp('baton-acp-ends-');
    await call(app, 'workspaces.add', { id: 'app', path: repo.repo });
    const run = await setup(app, [{ ...waitingAcpAgent(file), sandbox: { read_deny: [hidden] } }], {
      plan_id: 'p',
      workspace: 'app',
      tasks: [{ task_id: 't', description: 'Do it.', required_skills: ['code'] }],
    });
    await app.engine.whenSettled(run);
    const task = app.store.runs.task(run, 't')!;
    expect([task.status, task.error]).toEqual(['done', null]);
    const objects = execFileSync('git', ['cat-file', '--batch-all-objects', '--batch'], {
      cwd: repo.repo,
      maxBuffer: 1 << 30,
    });
    expect(objects.includes(SECRET)).toBe(false);
  }, 120_000);
});
