import type { ChildProcess } from 'node:child_process';
import { execFileSync } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import type { TempRepo } from '../../src-main/agents/coding/workspaces/testing/temp-repo.ts';
import { makeRepo } from '../../src-main/agents/coding/workspaces/testing/temp-repo.ts';
import type { BatonApp } from '../../src-main/app/create-app.ts';
import { createApp } from '../../src-main/app/create-app.ts';
import type { Approval, ApprovalView } from '../../src-shared/schemas/approval.ts';
import type { RunDetail, TaskAttempt } from '../../src-shared/schemas/run.ts';
import type { StoredStep } from '../../src-shared/schemas/step.ts';
import type { CodingOutput } from '../../src-shared/schemas/workspace.ts';
import { killWithWatcher } from '../kit/baton-processes.ts';
import { call } from '../kit/engine-kit.ts';
import type { ModelRequest } from '../kit/model-servers/scripted-server.ts';
import type { Servers } from './baton-kit.ts';
import {
  codingAgent,
  gitWorktrees,
  installed,
  markedProcesses,
  startServers,
  waitFor,
  worktreeOf,
  writeTurn,
} from './baton-kit.ts';
import { launchBaton } from './child-baton.ts';

// SIGKILL Baton while Claude Code and qwen-code over ACP each wait on a person for a Write, start
// Baton again on the same data directory: each approval stays pending (one card per call in the
// inbox), each new attempt loads its session and its agent asks the same Write again: Claude
// Code's waits on that same approval; qwen-code's, approved as Baton came back, gets that answer.
// Each is approved once and the files land on the tasks' branches.
// Baton first runs in a child process (baton-child.ts), then in this one, to approve.
const bin = (name: string) => join(import.meta.dirname, 'node_modules', '.bin', name);
const running = new Set<ChildProcess>();
const AGENTS = [
  { cli: 'claude', program: 'claude-agent-acp' },
  { cli: 'qwen', program: 'qwen' },
] as const;
type Cli = (typeof AGENTS)[number]['cli'];
const taskOf = (cli: Cli) => `waits-${cli}`;
const asked = (cli: Cli) => (req: ModelRequest) =>
  req.tools.length > 0 && req.texts.some((t) => t.includes(`Task ${taskOf(cli)}:`));
const resumed = (req: ModelRequest) => req.texts.some((t) => t.includes('Baton restarted'));
const CONTENT = 'approved across a restart\n';

/**
 * What each agent's model answers, by what is on disk rather than by turn (a loaded session's
 * history differs by agent): write waits.txt until it is there, then end.
 */
function script(servers: Servers, cli: Cli): void {
  const write = writeTurn(cli, 'waits.txt', CONTENT);
  const done = { text: 'Wrote waits.txt.' };
  const many = <T>(turn: T) => Array.from({ length: 40 }, () => turn);
  const written = (r: ModelRequest) => existsSync(join(worktreeOf(r), 'waits.txt'));
  servers.script(cli, [
    { name: 'done', match: (r) => asked(cli)(r) && written(r), turns: many(done) },
    { name: 'first', match: (r) => asked(cli)(r) && !resumed(r), turns: many(write) },
    { name: 'resumed', match: (r) => asked(cli)(r) && resumed(r), turns: many(write) },
  ]);
}

let servers: Servers | undefined;
let dataDir: string | undefined;
let repo: TempRepo | undefined;
let app: BatonApp | undefined;

afterAll(async () => {
  for (const p of running) p.kill('SIGKILL');
  await app?.close();
  await servers?.close();
  if (dataDir) rmSync(dataDir, { recursive: true, force: true });
  repo?.cleanup();
});

describe.skipIf(!installed)(
  'Claude Code and qwen-code over ACP, Baton killed while a Write waits in the inbox',
  () => {
    it('keeps one approval per call across the restart; the loaded session waits on it; approved once, the file lands', async () => {
      servers = await startServers();
      dataDir = mkdtempSync(join(tmpdir(), 'baton-acp-ask-'));
      repo = makeRepo({ 'README.md': '# A sample workspace\n' });
      for (const { cli } of AGENTS) script(servers, cli);
      writeFileSync(
        join(dataDir, 'setup.json'),
        JSON.stringify({
          workspace: { id: 'app', path: repo.repo },
          agents: AGENTS.map(({ cli, program }) =>
            codingAgent(servers!, cli, {
              protocol: 'acp',
              executable: bin(program),
              tool_approvals: 'inbox',
              sandbox: { mode: 'off' },
            }),
          ),
          plan: {
            plan_id: 'ask',
            workspace: 'app',
            tasks: AGENTS.map(({ cli }) => ({
              task_id: taskOf(cli),
              description: 'Write waits.txt.',
              required_skills: [cli],
            })),
          },
        }),
      );

      const first = launchBaton(dataDir, 'start', running);
      const askedLine = (cli: Cli) => first.lines.find((l) => l.startsWith(`ASKED ${taskOf(cli)} `));
      await waitFor(
        () =>
          AGENTS.every(
            ({ cli }) =>
              askedLine(cli) !== undefined &&
              first.lines.some((l) => l.startsWith(`SESSION ${taskOf(cli)} `)),
          ),
        120_000,
      );
      const approvalOf = new Map(AGENTS.map(({ cli }) => [cli, askedLine(cli)!.split(' ')[2]!]));
      const runId = first.lines.find((l) => l.startsWith('RUN '))!.slice(4);
      await killWithWatcher(first.proc.pid!, first.exited);

      // Baton again, in this process: every tool-call approval it files or changes is seen here.
      app = createApp({ dataDir, log: () => {} });
      const cards: Approval[] = [];
      app.bus.subscribe((batch) => {
        for (const e of batch)
          if (e.name === 'approval.changed' && e.payload.kind === 'tool_call') cards.push(e.payload);
      });
      const steps = (cli: Cli) => app!.store.steps.list(runId, taskOf(cli), 2) as StoredStep[];
      const waiting = (cli: Cli) =>
        steps(cli).some((s) => s.kind === 'tool_call' && s.status === 'awaiting_approval');
      const decide = (cli: Cli) =>
        call(app!, 'approvals.decide', {
          approval_id: approvalOf.get(cli)!,
          decision: 'approve',
          actor: 'Ana',
        });
      // qwen-code's is approved at once, most likely before its loaded session asks again: that
      // answer is what the agent gets when it does, without a second card.
      await decide('qwen');
      // Claude Code's loaded session asked the same Write again, and its attempt waits on the approval.
      await waitFor(() => waiting('claude'), 120_000).catch(async (err) => {
        const d = await call<RunDetail>(app!, 'runs.get', { run_id: runId });
        const reqs = AGENTS.flatMap(({ cli }) =>
          servers!
            .serverOf(cli)
            .requests.map((r) => [r.conversation, r.answer, r.request?.texts.join(' | ').slice(-300)]),
        );
        console.error(
          JSON.stringify({ reqs, tasks: d.tasks.map((t) => [t.task_id, t.status, t.error]) }, null, 1),
        );
        throw err;
      });
      const pending = (await call<ApprovalView[]>(app, 'approvals.list', { status: 'pending' })).filter(
        (a) => a.kind === 'tool_call',
      );
      expect(pending.map((a) => a.id)).toEqual([approvalOf.get('claude')]);
      expect(pending[0]!.tool_call).toMatchObject({ attempt: 1, tool: 'Write' });
      await decide('claude');
      const run = await app.engine.whenSettled(runId);
      await app.coding.worktreesSettled();
      const detail = await call<RunDetail>(app, 'runs.get', { run_id: runId });
      expect(run.status).toBe('completed');
      const git = (args: string[]) => execFileSync('git', args, { cwd: repo!.repo, encoding: 'utf8' }).trim();
      for (const { cli } of AGENTS) {
        const task = detail.tasks.find((t) => t.task_id === taskOf(cli))!;
        expect(task.status, task.error ?? '').toBe('done');
        const attempts = await call<TaskAttempt[]>(app, 'runs.taskAttempts', {
          run_id: runId,
          task_id: task.task_id,
        });
        expect(attempts.map((a) => [a.attempt, a.outcome])).toEqual([
          [1, 'interrupted'],
          [2, 'done'],
        ]);
        expect(git(['show', `${(task.output as CodingOutput).commit}:waits.txt`])).toBe(CONTENT.trim());
        // The loaded session made the same Write again (under a new id), and it ran once Ana approved.
        expect(servers!.calls(cli, 'resumed').length).toBeGreaterThan(0);
        expect(
          steps(cli)
            .filter((s) => s.kind === 'tool_call')
            .map((s) => s.status),
        ).toContain('done');
      }

      // Nothing asked twice: one tool-call approval per task in the store, and no other card shown.
      const all = app.store.approvals.list().filter((a) => a.run_id === runId && a.kind === 'tool_call');
      expect(all.map((a) => [a.id, a.status, a.actor]).sort()).toEqual(
        [...approvalOf.values()].map((id) => [id, 'approved', 'Ana']).sort(),
      );
      expect(new Set(cards.map((a) => a.id))).toEqual(new Set(approvalOf.values()));
      expect(markedProcesses(runId)).toEqual([]);
      expect(gitWorktrees(repo.repo)).toEqual([]);
    }, 300_000);
  },
);
