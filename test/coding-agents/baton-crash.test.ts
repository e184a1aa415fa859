import type { ChildProcess } from 'node:child_process';
import { execFileSync, spawn } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { TempRepo } from '../../src-main/agents/coding/workspaces/testing/temp-repo.ts';
import { makeRepo } from '../../src-main/agents/coding/workspaces/testing/temp-repo.ts';
import type { BatonApp } from '../../src-main/app/create-app.ts';
import { createApp } from '../../src-main/app/create-app.ts';
import type { RunDetail, SpendReport, TaskAttempt } from '../../src-shared/schemas/run.ts';
import type { CodingOutput, TaskSession } from '../../src-shared/schemas/workspace.ts';
import { killWithWatcher } from '../kit/baton-processes.ts';
import { call } from '../kit/engine-kit.ts';
import type { Servers } from './baton-kit.ts';
import {
  CLI_NAMES,
  codingAgent,
  gitWorktrees,
  installed,
  markedProcesses,
  startServers,
  waitFor,
  writeTurn,
} from './baton-kit.ts';
import type { CliName } from './clis.ts';

// SIGKILL Baton and its watcher (a power cut) while each real CLI works (it has written a file
// and waits on its model), start Baton again: the interrupted attempt is kept as interrupted, the
// CLI the dead Baton left is stopped, and the new attempt resumes the stored session in the same
// worktree, told it was interrupted. Baton runs in a child process (baton-child.ts); the model servers stay here.
const child = join(import.meta.dirname, 'baton-child.ts');
const only = (process.env.BATON_CLIS?.split(',') as CliName[] | undefined) ?? CLI_NAMES;
const running = new Set<ChildProcess>();
/**
 * The assistant turns a resumed session's first request holds: the first answer (the write),
 * and for claude also the answer the kill cut off (it records it).
 */
const HISTORY: Record<CliName, number> = { claude: 2, codex: 1, opencode: 1, qwen: 1 };

let servers: Servers;
let dataDir: string;
let repo: TempRepo;
let runId: string;
/** The sessions as stored when Baton was killed. */
let before: TaskSession[];
let orphans: number[];
let app: BatonApp;
let detail: RunDetail;

function launch(mode: 'start' | 'resume') {
  const proc = spawn(process.execPath, [child, dataDir, mode], { stdio: ['ignore', 'pipe', 'inherit'] });
  running.add(proc);
  const lines: string[] = [];
  let buf = '';
  proc.stdout!.on('data', (d: Buffer) => {
    buf += d;
    const parts = buf.split('\n');
    buf = parts.pop()!;
    lines.push(...parts);
  });
  const exited = new Promise<void>((r) =>
    proc.on('close', () => {
      running.delete(proc);
      r();
    }),
  );
  return { proc, lines, exited };
}

beforeAll(async () => {
  if (!installed) return;
  servers = await startServers();
  dataDir = mkdtempSync(join(tmpdir(), 'baton-coding-crash-'));
  repo = makeRepo({ 'README.md': '# A sample workspace\n' });
  for (const cli of only) {
    const crash = (req: { texts: string[] }) => req.texts.some((t) => t.includes(`Task ${cli}-crash:`));
    const resumed = (req: { texts: string[] }) => req.texts.some((t) => t.includes('Baton restarted'));
    servers.script(cli, [
      {
        name: 'crash',
        match: (req) => req.tools.length > 0 && crash(req) && !resumed(req),
        turns: [
          {
            ...writeTurn(cli, `${cli}/before.txt`, 'written before the crash\n'),
            usage: { input: 1_000, output: 50 },
          },
          { fault: { kind: 'hang' } }, // Baton is killed while the CLI waits here
        ],
      },
      {
        // The resumed session: its history holds the turns before (and, for some CLIs, the one cut by the kill).
        name: 'resumed',
        match: (req) => req.tools.length > 0 && crash(req) && resumed(req),
        turns: [
          ...Array.from({ length: HISTORY[cli] }, () => ({ text: 'unused' })),
          writeTurn(cli, `${cli}/after.txt`, 'written after the restart\n'),
          { text: 'Finished after the restart.' },
        ],
      },
    ]);
  }
  writeFileSync(
    join(dataDir, 'setup.json'),
    JSON.stringify({
      workspace: { id: 'app', path: repo.repo },
      // Unconfined: in the OS sandbox bubblewrap (--die-with-parent) takes the CLIs down with a
      // killed Baton, and this test is about the restart stopping what a dead Baton left running.
      agents: only.map((cli) => codingAgent(servers, cli, { sandbox: { mode: 'off' } })),
      plan: {
        plan_id: 'crash',
        workspace: 'app',
        tasks: only.map((cli) => ({
          task_id: `${cli}-crash`,
          description: `Write ${cli}/before.txt and ${cli}/after.txt.`,
          required_skills: [cli],
        })),
      },
    }),
  );

  const first = launch('start');
  // Each CLI wrote its first file and waits on its model; its session is stored.
  await waitFor(
    () =>
      only.every(
        (cli) =>
          servers.calls(cli, 'crash').some((c) => c.answer === 'fault:hang') &&
          first.lines.some((l) => l.startsWith(`SESSION ${cli}-crash `)),
      ),
    150_000,
  );
  runId = first.lines.find((l) => l.startsWith('RUN '))!.slice(4);
  // A power cut: its watcher goes too, so the CLIs it ran are left for the restart to stop.
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

describe.skipIf(!installed).each(only)('%s when Baton is killed mid-attempt', (cli) => {
  it('resumes the stored session in the same worktree, told it was interrupted, and finishes there', async () => {
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
    expect(out.branch).toBe(stored.branch);
    expect(out.start_commit).toBe(stored.start_commit);
    // Both files, the one written before the kill (left uncommitted in the worktree) and after.
    expect(out.files.map((f) => f.path).sort()).toEqual([`${cli}/after.txt`, `${cli}/before.txt`]);
    expect(git(['show', `${out.commit}:${cli}/before.txt`])).toBe('written before the crash');
    // The resumed request: the session's history (the first prompt, the first write) and why it goes on.
    const resumed = servers.calls(cli, 'resumed');
    expect(resumed[0]!.request!.assistantTurns).toBe(HISTORY[cli]);
    expect(resumed[0]!.request!.texts.join('\n')).toContain(`written before the crash`);
    expect(existsSync(stored.dir)).toBe(false);
  });

  it('charges what the interrupted attempt had spent (its stored usage steps), and what the resumed one spent', async () => {
    const spend = await call<SpendReport>(app, 'runs.spend', { scope: 'run', id: runId });
    const mine = spend.transactions.filter((x) => x.task_id === `${cli}-crash`);
    // Codex too: it reports usage only when its turn completes, but the metering endpoint saw the
    // interrupted attempt's first answer.
    expect(mine).toHaveLength(2);
    for (const x of mine) expect(x.amount).toBeGreaterThan(0);
  });
});

describe.skipIf(!installed)('after the restart', () => {
  it('the CLIs the dead Baton left were stopped; no worktree and no process is left', () => {
    expect(orphans.length).toBeGreaterThan(0);
    expect(detail.status).toBe('completed');
    expect(markedProcesses(runId)).toEqual([]);
    expect(gitWorktrees(repo.repo)).toEqual([]);
  });
});
