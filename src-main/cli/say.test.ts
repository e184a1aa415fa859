import { execFile } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { afterEach, describe, expect, it } from 'vitest';
import type { StoredStep } from '../../src-shared/schemas/step.ts';
import { waitingAcpAgent, waitingAcpAgentScript } from '../../test/kit/acp-waiting-agent.ts';
import { call, eventually, setup } from '../../test/kit/engine-kit.ts';
import { makeRepo } from '../agents/coding/workspaces/testing/temp-repo.ts';
import type { BatonApp } from '../app/create-app.ts';
import { createApp } from '../app/create-app.ts';
import type { BrowserHost } from '../host/browser/server.ts';
import { startBrowserHost } from '../host/browser/server.ts';

const root = join(import.meta.dirname, '..', '..');

/** The CLI as a person runs it: a child process, so the host in this one answers it. */
async function baton(args: string[]) {
  try {
    const r = await promisify(execFile)(
      process.execPath,
      [join(root, 'src-main', 'cli', 'baton.ts'), ...args],
      {
        encoding: 'utf8',
        timeout: 60_000,
        env: { ...process.env, USER: 'ana' },
      },
    );
    return { code: 0, stdout: r.stdout, stderr: r.stderr };
  } catch (err) {
    const e = err as { code: number; stdout: string; stderr: string };
    return { code: e.code, stdout: e.stdout, stderr: e.stderr };
  }
}

let app: BatonApp | undefined;
let host: BrowserHost | undefined;
const cleanups: (() => void)[] = [];
afterEach(async () => {
  await host?.close();
  await app?.close();
  host = app = undefined;
  for (const c of cleanups.splice(0)) c();
});
const temp = (prefix: string) => {
  const d = mkdtempSync(join(tmpdir(), prefix));
  cleanups.push(() => rmSync(d, { recursive: true, force: true }));
  return d;
};

describe('baton say', () => {
  it('sends a person’s words to a running ACP agent through the host serving the data directory, and refuses once the task is done', async () => {
    const dir = temp('baton-cli-say-');
    const repo = makeRepo();
    cleanups.push(repo.cleanup);
    const script = join(temp('baton-cli-say-agent-'), 'agent.mjs');
    writeFileSync(script, waitingAcpAgentScript);
    app = createApp({ dataDir: dir, log: () => {} });
    const a = app;
    host = await startBrowserHost({ dispatch: a.dispatch, bus: a.bus, rendererDir: dir, dataDir: dir });
    await call(a, 'workspaces.add', { id: 'app', path: repo.repo });
    const run = await setup(a, [waitingAcpAgent(script)], {
      plan_id: 'p',
      workspace: 'app',
      tasks: [{ task_id: 't', description: 'Wait, then go on.', required_skills: ['code'] }],
    });

    const usage = await baton(['say', run, 't', '--data-dir', dir]);
    expect(usage.code).toBe(2);
    expect(usage.stderr).toContain('usage: baton say <run> <task> "text"');

    await eventually(async () => (await call(a, 'runs.listening', { run_id: run, task_id: 't' })) !== null);
    const said = await baton(['say', run, 't', 'Also check the README.', '--data-dir', dir]);
    expect(said.stderr).toBe('');
    expect(said.stdout).toBe('ACP agent: queued for the next turn (t, attempt 1)\n');
    expect(said.code).toBe(0);
    const steps = await call<StoredStep[]>(a, 'runs.steps', { run_id: run, task_id: 't' });
    expect(steps.filter((s) => s.kind === 'message' && s.by !== undefined)).toMatchObject([
      { role: 'user', text: 'Also check the README.', by: 'ana' },
    ]);

    let tree = '';
    await eventually(async () => {
      const sessions = await call<{ task_id: string; dir: string }[]>(a, 'runs.sessions', { run_id: run });
      tree = sessions.find((x) => x.task_id === 't')?.dir ?? '';
      return tree !== '' && existsSync(join(tree, 'prompts.log'));
    });
    writeFileSync(join(tree, 'go'), '');
    await a.engine.whenSettled(run);
    expect(a.store.runs.task(run, 't')?.status).toBe('done');

    const late = await baton(['say', run, 't', 'one more thing', '--as', 'bo', '--data-dir', dir]);
    expect(late.stdout).toBe('');
    expect(late.stderr).toBe('baton: task "t" is not running: it is done\n');
    expect(late.code).toBe(1);

    // With no host, the command opens the data directory itself: the same refusal.
    await host.close();
    host = undefined;
    await app.close();
    app = undefined;
    const alone = await baton(['say', run, 't', 'anyone there?', '--data-dir', dir]);
    expect(alone.stderr).toContain('baton: task "t" is not running: it is done\n');
    expect(alone.code).toBe(1);
    const unknown = await baton(['say', 'run-nope', 't', 'hello', '--data-dir', dir]);
    expect(unknown.stderr).toContain('baton: run "run-nope" not found\n');
    expect(unknown.code).toBe(1);
  }, 90_000);
});
