import { execFileSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { MergeReport } from '../../src-shared/contract/domains/runs.ts';
import type { MemorySearchHit } from '../../src-shared/schemas/memory.ts';
import type { Artifact, RunDetail, SpendReport } from '../../src-shared/schemas/run.ts';
import type { StoredStep } from '../../src-shared/schemas/step.ts';
import type { CodingOutput, TaskSession } from '../../src-shared/schemas/workspace.ts';
import { call } from '../kit/engine-kit.ts';
import type { Servers } from './baton-kit.ts';
import {
  CLI_NAMES,
  codingAgent,
  gitWorktrees,
  installed,
  markedProcesses,
  openBaton,
  startServers,
  writeTurn,
} from './baton-kit.ts';
import type { CliName } from './clis.ts';

// Baton runs each real CLI as a coding agent: one run, two tasks per CLI (a task and one that
// depends on it), all CLIs at once, against scripted model servers whose turns call each CLI's
// own file tool.
let servers: Servers;
let baton: ReturnType<typeof openBaton>;
let runId: string;
let detail: RunDetail;

const only = (process.env.BATON_CLIS?.split(',') as CliName[] | undefined) ?? CLI_NAMES;

beforeAll(async () => {
  if (!installed) return;
  servers = await startServers();
  baton = openBaton();
  const { app, repo } = baton;
  for (const cli of only) {
    servers.script(cli, [
      {
        name: 'base',
        match: (req) => req.tools.length > 0 && req.texts.some((t) => t.includes(`Task ${cli}-base:`)),
        turns: [
          {
            ...writeTurn(cli, `${cli}/hello.txt`, `hello from ${cli}\n`),
            usage: { input: 1_000, output: 50 },
          },
          { text: `Wrote ${cli}/hello.txt.`, usage: { input: 1_200, output: 20 } },
        ],
      },
      {
        name: 'next',
        match: (req) => req.tools.length > 0 && req.texts.some((t) => t.includes(`Task ${cli}-next:`)),
        turns: [
          writeTurn(cli, `${cli}/next.txt`, `built on ${cli}\n`),
          { text: `Added ${cli}/next.txt beside hello.txt.` },
        ],
      },
    ]);
  }
  await call(app, 'workspaces.add', { id: 'app', path: repo.repo });
  await call(app, 'agents.import', { agents: only.map((cli) => codingAgent(servers, cli)) });
  await call(app, 'plans.import', {
    plan: {
      plan_id: 'edit',
      workspace: 'app',
      tasks: only.flatMap((cli) => [
        {
          task_id: `${cli}-base`,
          description: `Create ${cli}/hello.txt saying hello.`,
          required_skills: [cli],
        },
        {
          task_id: `${cli}-next`,
          description: `Add ${cli}/next.txt next to what ${cli}-base wrote.`,
          required_skills: [cli],
          depends_on: [`${cli}-base`],
        },
      ]),
    },
  });
  runId = (await call<{ run_id: string }>(app, 'runs.start', { plan_id: 'edit' })).run_id;
  await app.engine.whenSettled(runId);
  await app.coding.worktreesSettled();
  detail = await call<RunDetail>(app, 'runs.get', { run_id: runId });
}, 200_000);

afterAll(async () => {
  if (!installed) return;
  await baton.close();
  await servers.close();
});

const taskOf = (id: string) => detail.tasks.find((t) => t.task_id === id)!;
const git = (args: string[]) => execFileSync('git', args, { cwd: baton.repo.repo, encoding: 'utf8' }).trim();

describe.skipIf(!installed).each(only)('%s as a coding agent', (cli) => {
  it('edits files in its worktree with its own tool; Baton commits them, records the diff, and hands branch and files to the dependent', async () => {
    const { app } = baton;
    const base = taskOf(`${cli}-base`);
    expect(base.status, base.error ?? '').toBe('done');
    const out = base.output as CodingOutput;
    expect(out).toMatchObject({
      workspace_id: 'app',
      branch: `baton/${runId}/${cli}-base`,
      files: [{ path: `${cli}/hello.txt`, status: 'added', additions: 1, deletions: 0 }],
      additions: 1,
      diff_artifact: 'changes.diff',
      summary: expect.stringContaining(`Wrote ${cli}/hello.txt.`),
    });
    expect(out.session_id).toMatch(/\S{8,}/);
    // The branch holds the file, committed by Baton in the agent's name.
    expect(git(['show', `${out.commit}:${cli}/hello.txt`])).toBe(`hello from ${cli}`);
    expect(git(['log', '-1', '--format=%an|%cn|%s', out.commit])).toBe(
      `${cli} coder|Baton|Baton: run ${runId}, task ${cli}-base, agent ${cli}-coder (attempt 1)`,
    );
    const artifacts = await call<Artifact[]>(app, 'runs.taskArtifacts', {
      run_id: runId,
      task_id: `${cli}-base`,
    });
    const diff = await call<{ content: string }>(app, 'runs.readArtifact', { artifact_id: artifacts[0]!.id });
    expect(diff.content).toContain(`+hello from ${cli}`);

    // The trace: the prompt, the tool call done, usage, the session and the result, stored per attempt.
    const steps = await call<StoredStep[]>(app, 'runs.steps', { run_id: runId, task_id: `${cli}-base` });
    expect(steps[0]).toMatchObject({ kind: 'message', role: 'user', seq: 0 });
    expect(steps.some((s) => s.kind === 'tool_call' && s.status === 'done')).toBe(true);
    expect(steps.some((s) => s.kind === 'session' && s.session_id === out.session_id)).toBe(true);
    // The last of the CLI's own steps (the metering proxy's usage step may land after it).
    expect(steps.filter((s) => s.kind !== 'usage').at(-1)).toMatchObject({ kind: 'result', is_error: false });
    expect(steps.filter((s) => s.kind === 'usage').length).toBeGreaterThan(0);

    // The dependent started from the base's branch, and was shown what it changed.
    const next = taskOf(`${cli}-next`);
    expect(next.status, next.error ?? '').toBe('done');
    const nextOut = next.output as CodingOutput;
    expect(nextOut.start_commit).toBe(out.commit);
    expect(nextOut.files.map((f) => f.path)).toEqual([`${cli}/next.txt`]);
    expect(git(['show', `${nextOut.commit}:${cli}/hello.txt`])).toBe(`hello from ${cli}`);
    const asked = servers.calls(cli, 'next')[0]!.request!.texts.join('\n');
    expect(asked).toContain(`branch baton/${runId}/${cli}-base`);
    expect(asked).toContain(`First lines of ${cli}/hello.txt:`);
    expect(asked).toContain(`hello from ${cli}`);
  });

  it('charges what it spent, leaves no worktree and no process, and its steps are found by a search', async () => {
    const { app } = baton;
    const sessions = await call<TaskSession[]>(app, 'runs.sessions', { run_id: runId });
    for (const s of sessions.filter((x) => x.cli === cli)) {
      expect(s.state).toBe('removed');
      expect(existsSync(s.dir)).toBe(false);
    }
    const base = taskOf(`${cli}-base`);
    expect(base.cost).toBeGreaterThan(0);
    const hits = await call<MemorySearchHit[]>(app, 'memory.search', {
      query: `hello from ${cli}`,
      type: 'step',
    });
    expect(hits.some((h) => h.step?.task_id === `${cli}-base`)).toBe(true);
  });
});

describe.skipIf(!installed)('the run', () => {
  it('spends, removes every worktree, leaves no process, and merges its final branches into a target on request', async () => {
    const { app, repo } = baton;
    expect(detail.status).toBe('completed');
    const spend = await call<SpendReport>(app, 'runs.spend', { scope: 'run', id: runId });
    expect(spend.transactions).toHaveLength(only.length * 2);
    expect(gitWorktrees(repo.repo)).toEqual([]);
    expect(markedProcesses(runId)).toEqual([]);
    expect(servers.phoneHome()).toEqual([]);

    repo.git(['branch', 'release', 'main']);
    const [merged] = await call<MergeReport[]>(app, 'runs.mergeBranches', {
      run_id: runId,
      target: 'release',
      mode: 'merge',
    });
    expect(merged).toMatchObject({ workspace_id: 'app', ok: true, target: 'release' });
    if (!merged?.ok) throw new Error('no merge');
    // Only the final branches (the dependents'), which hold their dependencies' work.
    expect(merged.steps.map((s) => s.branch).sort()).toEqual(
      only.map((cli) => `baton/${runId}/${cli}-next`).sort(),
    );
    for (const cli of only) {
      expect(git(['show', `release:${cli}/hello.txt`])).toBe(`hello from ${cli}`);
      expect(git(['show', `release:${cli}/next.txt`])).toBe(`built on ${cli}`);
    }
    expect(git(['rev-parse', 'main'])).toBe(merged.before); // the person's checkout did not move
  });
});
