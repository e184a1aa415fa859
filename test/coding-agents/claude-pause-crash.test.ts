import type { ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { TempRepo } from '../../src-main/agents/coding/workspaces/testing/temp-repo.ts';
import { makeRepo } from '../../src-main/agents/coding/workspaces/testing/temp-repo.ts';
import type { BatonApp } from '../../src-main/app/create-app.ts';
import { createApp } from '../../src-main/app/create-app.ts';
import type { RunDetail, TaskAttempt } from '../../src-shared/schemas/run.ts';
import type { StoredStep } from '../../src-shared/schemas/step.ts';
import { killWithWatcher } from '../kit/baton-processes.ts';
import { call } from '../kit/engine-kit.ts';
import type { Servers } from './baton-kit.ts';
import { codingAgent, installed, markedProcesses, startServers, waitFor } from './baton-kit.ts';
import { launchBaton } from './child-baton.ts';
import { CLIS } from './clis.ts';

// A person pauses the real Claude Code mid-turn; Baton is SIGKILLed with its watcher (a power
// cut) and started again on the same data: the task stays paused (its agent is not started again,
// no model call is made) until Resume, which resumes its stored session, and the task finishes.
// Baton runs in a child process (pause-child.ts); the model server stays here.
const running = new Set<ChildProcess>();
let servers: Servers;
let dataDir: string;
let repo: TempRepo;
let runId: string;
let app: BatonApp;

const launch = (mode: 'start' | 'resume') => launchBaton(dataDir, mode, running, 'pause-child.ts');

beforeAll(async () => {
  if (!installed) return;
  servers = await startServers();
  dataDir = mkdtempSync(join(tmpdir(), 'baton-pause-crash-'));
  repo = makeRepo({ 'README.md': '# A sample workspace\n' });
  const resumed = (req: { texts: string[] }) => req.texts.some((t) => t.includes('Baton restarted'));
  servers.script('claude', [
    {
      name: 'first',
      match: (req) => !resumed(req),
      turns: [CLIS.claude.shellTurn('while [ ! -f never ]; do sleep 0.1; done')],
    },
    { name: 'resumed', match: resumed, turns: [{ text: 'Finished after the pause.' }] },
  ]);
  writeFileSync(
    join(dataDir, 'setup.json'),
    JSON.stringify({
      workspace: { id: 'app', path: repo.repo },
      agents: [codingAgent(servers, 'claude')],
      plan: {
        plan_id: 'pause',
        workspace: 'app',
        tasks: [{ task_id: 'held', description: 'Run the waiting command.', required_skills: ['claude'] }],
      },
    }),
  );
}, 60_000);

afterAll(async () => {
  if (!installed) return;
  for (const p of running) p.kill('SIGKILL');
  await app?.close();
  await servers?.close();
  if (dataDir) rmSync(dataDir, { recursive: true, force: true });
  repo?.cleanup();
});

describe.skipIf(!installed)('a paused Claude Code across a SIGKILL of Baton', () => {
  it('stays paused after the restart, and Resume goes on from its session', async () => {
    const first = launch('start');
    await waitFor(() => first.lines.some((l) => l.startsWith('PAUSED ')), 150_000);
    runId = first.lines.find((l) => l.startsWith('RUN '))!.slice(4);
    await killWithWatcher(first.proc.pid!, first.exited);

    const second = launch('resume');
    await waitFor(() => second.lines.some((l) => l.startsWith('HELD ')), 150_000);
    // Held: no Claude Code runs for the run, no model call was made since the kill.
    expect(markedProcesses(runId)).toEqual([]);
    expect(servers.calls('claude', 'resumed')).toHaveLength(0);
    expect(servers.calls('claude', 'first')).toHaveLength(1);

    writeFileSync(join(dataDir, 'resume'), '');
    await waitFor(() => second.lines.some((l) => l.startsWith('SETTLED ')), 150_000);
    await second.exited;
    expect(second.lines).toContain('SETTLED completed');

    app = createApp({ dataDir, log: () => {} });
    const detail = await call<RunDetail>(app, 'runs.get', { run_id: runId });
    const t = detail.tasks[0]!;
    expect(t.status, t.error ?? '').toBe('done');
    const attempts = await call<TaskAttempt[]>(app, 'runs.taskAttempts', { run_id: runId, task_id: 'held' });
    expect(attempts.map((a) => [a.attempt, a.outcome])).toEqual([
      [1, 'interrupted'],
      [2, 'done'],
    ]);
    // The resumed session: its history holds the stopped turn.
    const calls = servers.calls('claude', 'resumed');
    expect(calls).toHaveLength(1);
    expect(calls[0]!.request!.assistantTurns).toBeGreaterThan(0);
    const steps = await call<StoredStep[]>(app, 'runs.steps', { run_id: runId, task_id: 'held' });
    const notes = steps.flatMap((s) => (s.kind === 'message' && s.role === 'system' ? [s.by] : []));
    expect(notes).toEqual(['ana']);
    const logs = await call<{ text: string }[]>(app, 'runs.taskLogs', { run_id: runId, task_id: 'held' });
    expect(logs.some((l) => l.text === 'resumed by bo: claude takes its session up again')).toBe(true);
    expect(app.store.pauses.list()).toEqual([]);
  }, 400_000);
});
