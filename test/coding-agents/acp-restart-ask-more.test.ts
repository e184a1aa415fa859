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
import type { Approval } from '../../src-shared/schemas/approval.ts';
import type { RunDetail, TaskAttempt } from '../../src-shared/schemas/run.ts';
import type { StoredStep } from '../../src-shared/schemas/step.ts';
import type { CodingOutput } from '../../src-shared/schemas/workspace.ts';
import { killWithWatcher } from '../kit/baton-processes.ts';
import { call, eventually } from '../kit/engine-kit.ts';
import { startGeminiServer } from '../kit/model-servers/gemini.ts';
import type { Conversation, ModelRequest, ModelServer, Turn } from '../kit/model-servers/scripted-server.ts';
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

// SIGKILL Baton while Codex (codex-acp), opencode and Gemini CLI over ACP each wait on a person
// for a write, start Baton again on the same data directory. Codex and opencode load their
// sessions and ask the same write again; Gemini CLI cannot load its session in a new process, so
// its new attempt starts a new session given the task again (its log says so), and its model makes
// the same write again. Whatever the order of the agents' requests, each task's first approval is
// the one answered, and no tool call is asked twice. opencode runs with no `protocol`: over ACP by
// default (it has a provider), as its log says.
// Baton first runs in a child process (baton-child.ts), then in this one, to approve.
const bin = (name: string) => join(import.meta.dirname, 'node_modules', '.bin', name);
const running = new Set<ChildProcess>();
const CLIS = ['codex', 'opencode', 'gemini'] as const;
type Cli = (typeof CLIS)[number];
const taskOf = (cli: Cli) => `waits-${cli}`;
const CONTENT = 'approved across a restart\n';

/**
 * What each agent's model answers, by what is on disk rather than by turn (a loaded session's
 * history differs by agent): write waits.txt until it is there, then end.
 */
function script(cli: Cli): Conversation[] {
  const asked = (req: ModelRequest) =>
    req.tools.length > 0 && req.texts.some((t) => t.includes(`Task ${taskOf(cli)}:`));
  const written = (req: ModelRequest) => existsSync(join(worktreeOf(req), 'waits.txt'));
  const write: Turn =
    cli === 'gemini'
      ? {
          text: 'Writing waits.txt.',
          tools: [
            {
              name: 'write_file',
              input: (req: ModelRequest) => ({
                file_path: join(worktreeOf(req), 'waits.txt'),
                content: CONTENT,
              }),
            },
          ],
        }
      : writeTurn(cli, 'waits.txt', CONTENT);
  const many = (turn: Turn) => Array.from({ length: 40 }, () => turn);
  return [
    { name: 'done', match: (r) => asked(r) && written(r), turns: many({ text: 'Wrote waits.txt.' }) },
    { name: 'write', match: (r) => asked(r) && !written(r), turns: many(write) },
  ];
}

let servers: Servers | undefined;
let gemini: ModelServer | undefined;
let dataDir: string | undefined;
let repo: TempRepo | undefined;
let app: BatonApp | undefined;

afterAll(async () => {
  for (const p of running) p.kill('SIGKILL');
  await app?.close();
  await gemini?.close();
  await servers?.close();
  if (dataDir) rmSync(dataDir, { recursive: true, force: true });
  repo?.cleanup();
});

describe.skipIf(!installed)(
  'Codex, opencode and Gemini CLI over ACP, Baton killed while a write waits in the inbox',
  () => {
    it('answers each with its first approval after the restart, asks nothing twice, and says where Gemini CLI starts anew', async () => {
      servers = await startServers();
      gemini = await startGeminiServer({});
      dataDir = mkdtempSync(join(tmpdir(), 'baton-acp-ask-more-'));
      repo = makeRepo({ 'README.md': '# A sample workspace\n' });
      for (const cli of ['codex', 'opencode'] as const) servers.script(cli, script(cli));
      gemini.script(script('gemini'));
      const base = { tool_approvals: 'inbox', sandbox: { mode: 'off' } };
      const agents = [
        codingAgent(servers, 'codex', { ...base, protocol: 'acp', executable: bin('codex-acp') }),
        // No protocol: opencode with a provider runs over ACP by default.
        codingAgent(servers, 'opencode', { ...base, protocol: undefined }),
        {
          ...codingAgent(servers, 'qwen', base),
          id: 'gemini-coder',
          name: 'gemini coder',
          cli: 'gemini',
          protocol: 'acp',
          skills: ['gemini'],
          executable: bin('gemini'),
          model: 'scripted-gemini',
          provider: { base_url: gemini.url },
        },
      ];
      writeFileSync(
        join(dataDir, 'setup.json'),
        JSON.stringify({
          workspace: { id: 'app', path: repo.repo },
          agents,
          plan: {
            plan_id: 'ask',
            workspace: 'app',
            tasks: CLIS.map((cli) => ({
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
          CLIS.every(
            (cli) =>
              askedLine(cli) !== undefined &&
              first.lines.some((l) => l.startsWith(`SESSION ${taskOf(cli)} `)),
          ),
        180_000,
      );
      const approvalOf = new Map(CLIS.map((cli) => [cli, askedLine(cli)!.split(' ')[2]!]));
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
      const failed = async () => {
        const d = await call<RunDetail>(app!, 'runs.get', { run_id: runId });
        const bad = d.tasks.find((t) => t.status === 'failed');
        if (bad) throw new Error(`${bad.task_id} failed: ${bad.error}`);
      };
      // opencode's is approved at once, most likely before its loaded session asks again: that
      // answer is what the agent gets when it does, without a second card.
      await decide('opencode');
      // Codex's loaded session and Gemini CLI's new one ask the same write again: each waits on the
      // approval its first attempt filed.
      for (const cli of ['codex', 'gemini'] as const)
        await eventually(
          async () => {
            await failed();
            return waiting(cli);
          },
          180_000,
          `${cli}'s second attempt waiting on a person`,
        );
      const pending = app.store.approvals
        .list()
        .filter((a) => a.run_id === runId && a.kind === 'tool_call' && a.status === 'pending');
      expect(pending.map((a) => a.id).sort()).toEqual(
        [approvalOf.get('codex'), approvalOf.get('gemini')].sort(),
      );
      await decide('codex');
      await decide('gemini');
      const run = await app.engine.whenSettled(runId);
      await app.coding.worktreesSettled();
      const detail = await call<RunDetail>(app, 'runs.get', { run_id: runId });
      expect(run.status).toBe('completed');
      const git = (args: string[]) => execFileSync('git', args, { cwd: repo!.repo, encoding: 'utf8' }).trim();
      const logs = async (cli: Cli) =>
        (await call<{ text: string }[]>(app!, 'runs.taskLogs', { run_id: runId, task_id: taskOf(cli) }))
          .map((l) => l.text)
          .join('\n');
      for (const cli of CLIS) {
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
        expect(
          steps(cli)
            .filter((s) => s.kind === 'tool_call')
            .map((s) => s.status),
        ).toContain('done');
      }
      const log = {
        codex: await logs('codex'),
        opencode: await logs('opencode'),
        gemini: await logs('gemini'),
      };
      expect(log.opencode).toContain(
        'opencode runs over ACP (default for opencode with a provider; set protocol: "stream" for the stream adapter)',
      );
      expect(log.codex).toContain('codex runs over ACP (its protocol: "acp")');
      expect(log.codex).toMatch(/codex over ACP .*loading session/);
      // Its stored session is loaded. Gemini CLI mostly cannot load one in a new process (its own
      // session cleanup at start removes it: a new one starts, and the log says so); on a busy
      // machine its cleanup can leave it, and the load goes through. Either way nothing is asked twice.
      expect(log.gemini).toMatch(/gemini over ACP .*loading session .*\(interrupted\)/);
      if (/could not load session/.test(log.gemini))
        expect(log.gemini).toMatch(
          /gemini could not load session .*a new session starts in the same worktree/,
        );

      // Nothing asked twice: one tool-call approval per task in the store, and no other card shown.
      const all = app.store.approvals.list().filter((a) => a.run_id === runId && a.kind === 'tool_call');
      expect(all.map((a) => [a.id, a.status, a.actor]).sort()).toEqual(
        [...approvalOf.values()].map((id) => [id, 'approved', 'Ana']).sort(),
      );
      expect(new Set(cards.map((a) => a.id))).toEqual(new Set(approvalOf.values()));
      expect(markedProcesses(runId)).toEqual([]);
      expect(gitWorktrees(repo.repo)).toEqual([]);
    }, 420_000);
  },
);
