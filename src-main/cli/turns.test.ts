import { execFile } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { afterEach, describe, expect, it } from 'vitest';
import type { StoredStep } from '../../src-shared/schemas/step.ts';
import type { TurnState } from '../../src-shared/steering.ts';
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

describe('baton interrupt, pause, resume', () => {
  it('stop, pause and resume a running ACP agent through the host, in the person’s name; a done task is exit 1', async () => {
    const dir = temp('baton-cli-turns-');
    const repo = makeRepo();
    cleanups.push(repo.cleanup);
    const script = join(temp('baton-cli-turns-agent-'), 'agent.mjs');
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
    const usage = await baton(['pause', run, '--data-dir', dir]);
    expect(usage.code).toBe(2);
    expect(usage.stderr).toContain('usage: baton pause <run> <task> [--as NAME] [--json]');

    await eventually(
      async () => (await call<TurnState>(a, 'runs.turns', { run_id: run, task_id: 't' })).can_stop,
    );
    const paused = await baton(['pause', run, 't', '--data-dir', dir]);
    expect(paused.stderr).toBe('');
    expect(paused.stdout).toBe('t: paused: its turn stopped, the agent gets no next turn until Resume\n');
    expect(a.store.pauses.list()).toMatchObject([{ run_id: run, task_id: 't', by: 'ana' }]);
    const again = await baton(['interrupt', run, 't', '--data-dir', dir]);
    expect(again.stderr).toMatch(/^baton: task "t" is already paused by ana since /);
    expect(again.code).toBe(1);
    const resumed = await baton(['resume', run, 't', '--as', 'bo', '--json', '--data-dir', dir]);
    expect(JSON.parse(resumed.stdout)).toMatchObject({ run_id: run, task_id: 't', held: null });
    await a.engine.whenSettled(run);
    expect(a.store.runs.task(run, 't')?.status).toBe('done');
    const steps = await call<StoredStep[]>(a, 'runs.steps', { run_id: run, task_id: 't' });
    const notes = steps.flatMap((s) => (s.kind === 'message' && s.role === 'system' ? [s.by] : []));
    expect(notes).toEqual(['ana', 'bo']);

    const late = await baton(['interrupt', run, 't', '--data-dir', dir]);
    expect(late.stderr).toBe('baton: task "t" is not running: it is done\n');
    expect(late.code).toBe(1);
  }, 90_000);
});
