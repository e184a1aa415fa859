import type { ChildProcess } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
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
import { codingAgent, installed, markedProcesses, startServers, waitFor, worktreeOf } from './baton-kit.ts';
import { launchBaton } from './child-baton.ts';
import { CLIS } from './clis.ts';

// A person pauses the real Claude Code, and the real opencode (over its own server), mid-turn;
// Baton is SIGKILLed with its watcher (a power cut) and started again on the same data: the task
// stays paused (its agent is not started again, no model call is made) until Resume, which
// resumes its stored session, and the task finishes. Baton runs in a child process
// (pause-child.ts); the model server stays here.
const running = new Set<ChildProcess>();
let servers: Servers;
const cleanups: (() => void)[] = [];
let app: BatonApp | undefined;

beforeAll(async () => {
  if (!installed) return;
  servers = await startServers();
}, 60_000);

afterAll(async () => {
  if (!installed) return;
  for (const p of running) p.kill('SIGKILL');
  await app?.close();
  await servers?.close();
  for (const c of cleanups) c();
});

const resumed = (req: { texts: string[] }) => req.texts.some((t) => t.includes('Baton restarted'));

describe.skipIf(!installed).each(['claude', 'opencode'] as const)(
  'a paused %s across a SIGKILL of Baton',
  (cli) => {
    let dataDir: string;
    let repo: TempRepo;
    const launch = (mode: 'start' | 'resume') => launchBaton(dataDir, mode, running, 'pause-child.ts');

    beforeAll(() => {
      dataDir = mkdtempSync(join(tmpdir(), 'baton-pause-crash-'));
      repo = makeRepo({ 'README.md': '# A sample workspace\n' });
      cleanups.push(() => {
        rmSync(dataDir, { recursive: true, force: true });
        repo.cleanup();
      });
      servers.script(cli, [
        {
          name: 'first',
          match: (req) => req.tools.length > 0 && !resumed(req),
          turns: [CLIS[cli].shellTurn('touch started; while [ ! -f never ]; do sleep 0.1; done')],
        },
        {
          name: 'resumed',
          match: (req) => req.tools.length > 0 && resumed(req),
          turns: [{ text: 'Finished after the pause.' }],
        },
      ]);
      writeFileSync(
        join(dataDir, 'setup.json'),
        JSON.stringify({
          workspace: { id: 'app', path: repo.repo },
          agents: [codingAgent(servers, cli)],
          plan: {
            plan_id: 'pause',
            workspace: 'app',
            tasks: [{ task_id: 'held', description: 'Run the waiting command.', required_skills: [cli] }],
          },
        }),
      );
    });

    it('stays paused after the restart, and Resume goes on from its session', async () => {
      const first = launch('start');
      // opencode records a tool call once it ended: the test says when its command runs.
      await waitFor(
        () => first.lines.some((l) => l.startsWith('PAUSED ')),
        150_000,
        async () => {
          const call0 = servers.calls(cli, 'first')[0];
          if (call0 && existsSync(join(worktreeOf(call0.request!), 'started')))
            writeFileSync(join(dataDir, 'pause-now'), '');
        },
      );
      const runId = first.lines.find((l) => l.startsWith('RUN '))!.slice(4);
      await killWithWatcher(first.proc.pid!, first.exited);

      const second = launch('resume');
      await waitFor(() => second.lines.some((l) => l.startsWith('HELD ')), 150_000);
      // Held: no agent runs for the run, no model call was made since the kill.
      expect(markedProcesses(runId)).toEqual([]);
      expect(servers.calls(cli, 'resumed')).toHaveLength(0);
      expect(servers.calls(cli, 'first')).toHaveLength(1);

      writeFileSync(join(dataDir, 'resume'), '');
      await waitFor(() => second.lines.some((l) => l.startsWith('SETTLED ')), 150_000);
      await second.exited;
      expect(second.lines).toContain('SETTLED completed');

      app = createApp({ dataDir, log: () => {} });
      const detail = await call<RunDetail>(app, 'runs.get', { run_id: runId });
      const t = detail.tasks[0]!;
      expect(t.status, t.error ?? '').toBe('done');
      const attempts = await call<TaskAttempt[]>(app, 'runs.taskAttempts', {
        run_id: runId,
        task_id: 'held',
      });
      expect(attempts.map((a) => [a.attempt, a.outcome])).toEqual([
        [1, 'interrupted'],
        [2, 'done'],
      ]);
      // The resumed session: its history holds the stopped turn.
      const calls = servers.calls(cli, 'resumed');
      expect(calls).toHaveLength(1);
      expect(calls[0]!.request!.assistantTurns).toBeGreaterThan(0);
      const steps = await call<StoredStep[]>(app, 'runs.steps', { run_id: runId, task_id: 'held' });
      const notes = steps.flatMap((s) => (s.kind === 'message' && s.role === 'system' ? [s.by] : []));
      expect(notes).toEqual(['ana']);
      const logs = await call<{ text: string }[]>(app, 'runs.taskLogs', { run_id: runId, task_id: 'held' });
      expect(logs.some((l) => l.text === `resumed by bo: ${cli} takes its session up again`)).toBe(true);
      expect(app.store.pauses.list()).toEqual([]);
      await app.close();
      app = undefined;
    }, 400_000);
  },
);
