import { execFileSync } from 'node:child_process';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { BestOfSummary } from '../../src-shared/schemas/best-of.ts';
import type { CheckOutcome } from '../../src-shared/schemas/checks.ts';
import type { RunDetail } from '../../src-shared/schemas/run.ts';
import type { StoredStep } from '../../src-shared/schemas/step.ts';
import type { CodingOutput } from '../../src-shared/schemas/workspace.ts';
import { call } from '../kit/engine-kit.ts';
import { startChatServer } from '../kit/model-servers/openai-chat.ts';
import type { ModelRequest, ModelServer } from '../kit/model-servers/scripted-server.ts';
import type { Servers } from './baton-kit.ts';
import {
  codingAgent,
  gitWorktrees,
  installed,
  openBaton,
  startServers,
  waitFor,
  worktreeOf,
} from './baton-kit.ts';

// Best of 3 with a real CLI (qwen-code, the three candidates told apart by their worktrees)
// against a scripted model, on a repository with a `node --test` suite and a bug: candidate 1
// breaks the test and never fixes it, candidate 2 fixes it only after the fix loop showed it the
// failure, candidate 3 fixes it at once. The two passing ones tie on their checks: the judge (a
// scripted llm agent) picks #2 and says why. The task's branch is #2's commit, the others'
// branches are kept and their worktrees gone, and the dependent task builds on the winner.
let servers: Servers;
let judgeServer: ModelServer;
let baton: ReturnType<typeof openBaton>;
let runId: string;
let detail: RunDetail;
let steps: StoredStep[];

const BUGGY = 'module.exports = (a, b) => a - b;\n';
const WRONG = 'module.exports = (a, b) => Math.abs(a) + Math.abs(b);\n';
const WORSE = 'module.exports = (a, b) => a * b;\n';
const RIGHT = 'module.exports = (a, b) => a + b;\n';
const TESTS = `const test = require('node:test');
const assert = require('node:assert');
const sum = require('./sum.js');
test('adds two numbers', () => assert.strictEqual(sum(1, 2), 3));
test('adds negatives', () => assert.strictEqual(sum(-1, -2), -3));
`;
const overwrite = (content: string) => ({
  name: 'run_shell_command',
  input: { command: `printf '%s\\n' '${content.trim()}' > sum.js` },
});
const NODE_TEST = [process.execPath, '--test', '--test-reporter=tap'];
const JUDGE_REASON = 'Candidate 2 kept the fix minimal and its session saw the failing test.';

/** The requests of candidate `k` of task fix (its worktree is `candidate-<k>`). */
const candidate = (k: number) => (req: ModelRequest) =>
  req.tools.length > 0 &&
  req.texts.some((t) => t.includes('Task fix:')) &&
  worktreeOf(req).endsWith(`/candidate-${k}`);

beforeAll(async () => {
  if (!installed) return;
  servers = await startServers();
  judgeServer = await startChatServer({
    conversations: [
      {
        name: 'judge',
        match: (req) => req.texts.some((t) => t.includes('Their checks tie')),
        turns: [{ text: JSON.stringify({ pick: 2, reason: JUDGE_REASON }) }],
      },
    ],
  });
  baton = openBaton();
  const { app, repo } = baton;
  repo.write('sum.js', BUGGY);
  repo.write('sum.test.js', TESTS);
  repo.commitAll('sum, with a bug');
  servers.script('qwen', [
    {
      name: 'c1',
      match: candidate(1),
      turns: [
        { tools: [overwrite(WRONG)] },
        { text: 'Fixed sum.' },
        { tools: [overwrite(WORSE)] },
        { text: 'Fixed it differently.' },
      ],
    },
    {
      name: 'c2',
      match: candidate(2),
      turns: [
        { tools: [overwrite(WRONG)] },
        { text: 'Fixed sum.' },
        { tools: [overwrite(RIGHT)] },
        { text: 'Fixed sum for negatives too.' },
      ],
    },
    { name: 'c3', match: candidate(3), turns: [{ tools: [overwrite(RIGHT)] }, { text: 'Fixed sum.' }] },
    {
      name: 'after',
      match: (req) => req.tools.length > 0 && req.texts.some((t) => t.includes('Task after:')),
      turns: [
        {
          tools: [{ name: 'run_shell_command', input: { command: `printf '%s\\n' 'sum works' > NOTES.md` } }],
        },
        { text: 'Noted.' },
      ],
    },
  ]);
  await call(app, 'workspaces.add', {
    id: 'app',
    path: repo.repo,
    checks: [{ name: 'test', command: NODE_TEST, timeout_s: 120 }],
  });
  await call(app, 'agents.import', {
    agents: [
      codingAgent(servers, 'qwen'),
      {
        id: 'judge',
        kind: 'llm',
        skills: ['judging'],
        base_url: `${judgeServer.url}/v1`,
        model: 'scripted-judge',
        max_retries: 0,
      },
    ],
  });
  await call(app, 'plans.import', {
    plan: {
      plan_id: 'best-of',
      workspace: 'app',
      tasks: [
        {
          task_id: 'fix',
          description: 'Fix sum.js: the tests fail.',
          required_skills: ['qwen'],
          attempts: 3,
          fix_rounds: 1,
          judge: 'judge',
        },
        { task_id: 'after', description: 'Write NOTES.md.', required_skills: ['qwen'], depends_on: ['fix'] },
      ],
    },
  });
  runId = (await call<{ run_id: string }>(app, 'runs.start', { plan_id: 'best-of' })).run_id;
  await waitFor(
    () => ['completed', 'failed'].includes(detail?.status ?? ''),
    240_000,
    async () => {
      detail = await call<RunDetail>(app, 'runs.get', { run_id: runId });
    },
  );
  steps = await call<StoredStep[]>(app, 'runs.steps', { run_id: runId, task_id: 'fix' });
}, 300_000);

afterAll(async () => {
  if (!installed) return;
  if (runId) await call(baton.app, 'runs.cancel', { run_id: runId }).catch(() => {});
  await baton?.close();
  await servers?.close();
  await judgeServer?.close();
});

const git = (...args: string[]) =>
  execFileSync('git', args, { cwd: baton.repo.repo, encoding: 'utf8' }).trim();
const checksOf = (k: number): [number, CheckOutcome['status']][] =>
  steps
    .filter((x): x is Extract<StoredStep, { kind: 'check' }> => x.kind === 'check' && x.candidate === k)
    .filter((x) => x.check.status !== 'running')
    .map((x) => [x.check.round, x.check.status]);

describe.skipIf(!installed)('best of 3 candidates, with qwen-code', () => {
  it('runs the three candidates in one attempt, each with its checks and fix loop, their steps marked and numbered apart', () => {
    const fix = detail.tasks.find((t) => t.task_id === 'fix')!;
    expect(fix.status).toBe('done');
    expect(fix.attempt).toBe(1);
    expect(checksOf(1)).toEqual([
      [0, 'failed'],
      [1, 'failed'],
    ]);
    expect(checksOf(2)).toEqual([
      [0, 'failed'],
      [1, 'passed'],
    ]);
    expect(checksOf(3)).toEqual([[0, 'passed']]);
    // The fix round of candidate 2 was told of the failing test, in its own session.
    const c2 = servers.calls('qwen', 'c2');
    expect(c2).toHaveLength(4);
    expect(c2[2]!.request!.texts.join('\n')).toContain('- adds negatives');
    expect(servers.calls('qwen', 'c3')).toHaveLength(2);
    const seqs = steps.map((s) => s.seq);
    expect(new Set(seqs).size).toBe(seqs.length);
    expect(new Set(steps.map((s) => s.candidate))).toEqual(new Set([1, 2, 3]));
  });

  it('ranks the passing candidates first, asks the judge to break their tie, and stores every candidate with its reason', () => {
    const out = detail.tasks.find((t) => t.task_id === 'fix')!.output as CodingOutput;
    const best = out.best_of as BestOfSummary;
    expect(best.winner).toBe(2);
    expect(best.judge).toEqual({ agent_id: 'judge', pick: 2, reason: JUDGE_REASON });
    expect(best.candidates.map((c) => [c.candidate, c.status, c.rank, c.checks_line])).toEqual([
      [1, 'checks_failed', 3, 'test ✗'],
      [2, 'passed', 1, 'test ✓'],
      [3, 'passed', 2, 'test ✓'],
    ]);
    expect(best.candidates[1]!.reason).toBe('ranked first: the judge picked it over #3');
    expect(best.candidates[0]!.reason).toContain('its checks failed');
    expect(judgeServer.modelCalls('judge')[0]!.request!.texts.join('\n')).toContain(
      'Fix sum.js: the tests fail.',
    );
  });

  it("makes the winner's commit the task's branch, keeps the others' branches and removes their worktrees", () => {
    const out = detail.tasks.find((t) => t.task_id === 'fix')!.output as CodingOutput;
    const c2 = out.best_of!.candidates[1]!;
    expect(out.branch).toBe(`baton/${runId}/fix`);
    expect(out.commit).toBe(c2.commit);
    expect(git('rev-parse', out.branch)).toBe(c2.commit);
    expect(git('show', `${out.branch}:sum.js`)).toBe(RIGHT.trim());
    for (const k of [1, 2, 3])
      expect(git('rev-parse', '--verify', `baton/${runId}/fix-c${k}`)).toMatch(/^[0-9a-f]{40}$/);
    expect(gitWorktrees(baton.repo.repo).filter((w) => w.includes('candidate-'))).toEqual([]);
    // Every candidate is stored with its rank and reason.
    const rows = baton.app.store.db
      .prepare(
        'SELECT candidate, rank, status, winner, reason FROM best_of_candidates WHERE run_id = ? ORDER BY candidate',
      )
      .all(runId) as { candidate: number; rank: number; status: string; winner: number; reason: string }[];
    expect(rows.map((r) => [r.candidate, r.rank, r.status, r.winner])).toEqual([
      [1, 3, 'checks_failed', 0],
      [2, 1, 'passed', 1],
      [3, 2, 'passed', 0],
    ]);
    expect(rows[1]!.reason).toBe('ranked first: the judge picked it over #3');
  });

  it("builds the dependent task on the winner's branch", () => {
    const after = detail.tasks.find((t) => t.task_id === 'after')!;
    expect(after.status).toBe('done');
    const fixCommit = (detail.tasks.find((t) => t.task_id === 'fix')!.output as CodingOutput).commit;
    const afterOut = after.output as CodingOutput;
    git('merge-base', '--is-ancestor', fixCommit, afterOut.commit);
    expect(git('show', `${afterOut.commit}:sum.js`)).toBe(RIGHT.trim());
  });
});
