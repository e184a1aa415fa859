import type { ChildProcess } from 'node:child_process';
import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { TempRepo } from '../../src-main/agents/coding/workspaces/testing/temp-repo.ts';
import { makeRepo } from '../../src-main/agents/coding/workspaces/testing/temp-repo.ts';
import type { BatonApp } from '../../src-main/app/create-app.ts';
import { createApp } from '../../src-main/app/create-app.ts';
import type { RunDetail, TaskAttempt } from '../../src-shared/schemas/run.ts';
import type { CodingOutput, TaskSession } from '../../src-shared/schemas/workspace.ts';
import { killWithWatcher } from '../kit/baton-processes.ts';
import { call } from '../kit/engine-kit.ts';
import type { Servers } from './baton-kit.ts';
import {
  codingAgent,
  gitWorktrees,
  installed,
  markedProcesses,
  startServers,
  waitFor,
  writeTurn,
} from './baton-kit.ts';
import { launchBaton } from './child-baton.ts';

// SIGKILL Baton and its watcher while Claude Code and Codex work over ACP (each wrote a file and
// waits on its model), start Baton again: the agents the dead Baton left are stopped, and each
// new attempt loads the stored ACP session (`session/load`) in the same worktree, told it was
// interrupted, and finishes there. Baton runs in a child process (baton-child.ts, `launchBaton`).
const ACP = ['claude', 'codex'] as const;
const bin = (name: string) => join(import.meta.dirname, 'node_modules', '.bin', name);
const running = new Set<ChildProcess>();

let servers: Servers;
let dataDir: string;
let repo: TempRepo;
let runId: string;
let before: TaskSession[];
let orphans: number[];
let app: BatonApp;
let detail: RunDetail;

const launch = (mode: 'start' | 'resume') => launchBaton(dataDir, mode, running);

beforeAll(async () => {
  if (!installed) return;
  servers = await startServers();
  dataDir = mkdtempSync(join(tmpdir(), 'baton-acp-crash-'));
  repo = makeRepo({ 'README.md': '# A sample workspace\n' });
  for (const cli of ACP) {
    const crash = (req: { texts: string[] }) => req.texts.some((t) => t.includes(`Task ${cli}-crash:`));
    const resumed = (req: { texts: string[] }) => req.texts.some((t) => t.includes('Baton restarted'));
    const after = writeTurn(cli, `${cli}/after.txt`, 'written after the restart\n');
    servers.script(cli, [
      {
        name: 'crash',
        match: (req) => req.tools.length > 0 && crash(req) && !resumed(req),
        turns: [
          writeTurn(cli, `${cli}/before.txt`, 'written before the crash\n'),
          { fault: { kind: 'hang' } },
        ],
      },
      {
        // The loaded session: its history holds the write (and, for claude, the answer the kill cut off).
        name: 'resumed',
        match: (req) => req.tools.length > 0 && crash(req) && resumed(req),
        turns:
          cli === 'claude'
            ? [{ text: 'unused' }, { text: 'unused' }, after, { text: 'Finished after the restart.' }]
            : [{ text: 'unused' }, after, { text: 'Finished after the restart.' }],
      },
    ]);
  }
  writeFileSync(
    join(dataDir, 'setup.json'),
    JSON.stringify({
      workspace: { id: 'app', path: repo.repo },
      // Unconfined: in the OS sandbox bubblewrap takes the agents down with a killed Baton, and
      // this test is about the restart stopping what a dead Baton left running.
      agents: ACP.map((cli) =>
        codingAgent(servers, cli, {
          protocol: 'acp',
          executable: bin(cli === 'claude' ? 'claude-agent-acp' : 'codex-acp'),
          sandbox: { mode: 'off' },
        }),
      ),
      plan: {
        plan_id: 'crash',
        workspace: 'app',
        tasks: ACP.map((cli) => ({
          task_id: `${cli}-crash`,
          description: `Write ${cli}/before.txt and ${cli}/after.txt.`,
          required_skills: [cli],
        })),
      },
    }),
  );

  const first = launch('start');
  await waitFor(
    () =>
      ACP.every(
        (cli) =>
          servers.calls(cli, 'crash').some((c) => c.answer === 'fault:hang') &&
          first.lines.some((l) => l.startsWith(`SESSION ${cli}-crash `)),
      ),
    150_000,
  );
  runId = first.lines.find((l) => l.startsWith('RUN '))!.slice(4);
  await killWithWatcher(first.proc.pid!, first.exited);
  orphans = markedProcesses(runId);
  {
    const look = createApp({ dataDir, log: () => {} });
    before = look.store.sessions.forRun(runId);
    look.close();
  }
  const second = launch('resume');
  await waitFor(() => second.lines.some((l) => l.startsWith('SETTLED ')), 150_000);
  await second.exited;
  app = createApp({ dataDir, log: () => {} });
  detail = await call<RunDetail>(app, 'runs.get', { run_id: runId });
}, 230_000);

afterAll(async () => {
  if (!installed) return;
  for (const p of running) p.kill('SIGKILL');
  await app?.close();
  await servers?.close();
  if (dataDir) rmSync(dataDir, { recursive: true, force: true });
  repo?.cleanup();
});

const git = (args: string[]) => execFileSync('git', args, { cwd: repo.repo, encoding: 'utf8' }).trim();

describe.skipIf(!installed).each(ACP)('%s over ACP when Baton is killed mid-attempt', (cli) => {
  it('loads the stored session in the same worktree, told it was interrupted, and finishes there', async () => {
    const t = detail.tasks.find((x) => x.task_id === `${cli}-crash`)!;
    expect(t.status, t.error ?? '').toBe('done');
    const attempts = await call<TaskAttempt[]>(app, 'runs.taskAttempts', {
      run_id: runId,
      task_id: t.task_id,
    });
    expect(attempts.map((a) => [a.attempt, a.outcome])).toEqual([
      [1, 'interrupted'],
      [2, 'done'],
    ]);
    const stored = before.find((s) => s.task_id === t.task_id)!;
    const out = t.output as CodingOutput;
    expect(out.session_id).toBe(stored.session_id);
    expect(out.files.map((f) => f.path).sort()).toEqual([`${cli}/after.txt`, `${cli}/before.txt`]);
    expect(git(['show', `${out.commit}:${cli}/before.txt`])).toBe('written before the crash');
    // The loaded session's history: the first prompt and the first write, then why it goes on.
    const resumed = servers.calls(cli, 'resumed');
    expect(resumed[0]!.request!.texts.join('\n')).toContain('written before the crash');
  });
});

describe.skipIf(!installed)('after the restart', () => {
  it('the agents the dead Baton left were stopped; no worktree and no process is left', () => {
    expect(orphans.length).toBeGreaterThan(0);
    expect(detail.status).toBe('completed');
    expect(markedProcesses(runId)).toEqual([]);
    expect(gitWorktrees(repo.repo)).toEqual([]);
  });
});
