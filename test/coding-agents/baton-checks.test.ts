import { execFileSync } from 'node:child_process';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ApprovalView } from '../../src-shared/schemas/approval.ts';
import type { CheckOutcome } from '../../src-shared/schemas/checks.ts';
import type { RunDetail } from '../../src-shared/schemas/run.ts';
import type { StoredStep } from '../../src-shared/schemas/step.ts';
import type { CodingOutput } from '../../src-shared/schemas/workspace.ts';
import { call } from '../kit/engine-kit.ts';
import type { Servers } from './baton-kit.ts';
import { codingAgent, installed, openBaton, startServers, waitFor, writeTurn } from './baton-kit.ts';

// A workspace's checks with a real CLI (qwen-code) against a scripted model: a repository with a
// real `node --test` suite and a bug. The model's first fix is wrong: the check fails, and the
// fix-loop prompt the same session gets names the failing test; its second fix is right, the
// checks pass and the task is done, its dependent told how its checks ended. In a second
// workspace, a check that hangs is stopped at its timeout and one printing 100 MB is kept as a
// 64 KB tail; with `on_checks_failed: "review"` and no fix round the work goes to a person's diff
// review with the red checks named.
let servers: Servers;
let baton: ReturnType<typeof openBaton>;
let runId: string;
let detail: RunDetail;
let steps: StoredStep[];
let review: ApprovalView | undefined;
let noisySteps: StoredStep[];

const BUGGY = 'module.exports = (a, b) => a - b;\n';
const WRONG = 'module.exports = (a, b) => Math.abs(a) + Math.abs(b);\n';
const RIGHT = 'module.exports = (a, b) => a + b;\n';
const TESTS = `const test = require('node:test');
const assert = require('node:assert');
const sum = require('./sum.js');
test('adds two numbers', () => assert.strictEqual(sum(1, 2), 3));
test('adds negatives', () => assert.strictEqual(sum(-1, -2), -3));
`;
/** A shell command writing `content` (one line, no single quote) to `file`. */
const overwrite = (file: string, content: string) => `printf '%s\\n' '${content.trim()}' > ${file}`;
const NODE_TEST = [process.execPath, '--test', '--test-reporter=tap'];

const asks = (task: string) => (req: { tools: string[]; texts: string[] }) =>
  req.tools.length > 0 && req.texts.some((t) => t.includes(`Task ${task}:`));

beforeAll(async () => {
  if (!installed) return;
  servers = await startServers();
  baton = openBaton();
  const { app, repo } = baton;
  repo.write('sum.js', BUGGY);
  repo.write('sum.test.js', TESTS);
  repo.commitAll('sum, with a bug');
  servers.script('qwen', [
    {
      name: 'fix',
      match: asks('fix'),
      turns: [
        // qwen's write_file does not overwrite a file it has not read: a shell command does.
        { tools: [{ name: 'run_shell_command', input: { command: overwrite('sum.js', WRONG) } }] },
        { text: 'Fixed sum.' },
        // After the failing check came back: the right fix.
        { tools: [{ name: 'run_shell_command', input: { command: overwrite('sum.js', RIGHT) } }] },
        { text: 'Fixed sum for negatives too.' },
      ],
    },
    {
      name: 'after',
      match: asks('after'),
      turns: [writeTurn('qwen', 'NOTES.md', 'sum works\n'), { text: 'Noted.' }],
    },
    { name: 'noisy', match: asks('noisy'), turns: [writeTurn('qwen', 'x.txt', 'x\n'), { text: 'Wrote x.' }] },
  ]);
  await call(app, 'workspaces.add', {
    id: 'app',
    path: repo.repo,
    checks: [{ name: 'test', command: NODE_TEST, timeout_s: 120 }],
  });
  await call(app, 'workspaces.add', {
    id: 'noisy',
    path: repo.repo,
    checks: [
      { name: 'hang', command: ['sh', '-c', 'echo started; sleep 300'], timeout_s: 1 },
      {
        name: 'loud',
        command: [
          process.execPath,
          '-e',
          'const l="y".repeat(1023)+"\\n";for(let i=0;i<102400;i++)process.stdout.write(l)',
        ],
      },
      { name: 'test', command: NODE_TEST },
    ],
  });
  await call(app, 'agents.import', { agents: [codingAgent(servers, 'qwen')] });
  await call(app, 'plans.import', {
    plan: {
      plan_id: 'checks',
      workspace: 'app',
      tasks: [
        { task_id: 'fix', description: 'Fix sum.js: the tests fail.', required_skills: ['qwen'] },
        { task_id: 'after', description: 'Write NOTES.md.', required_skills: ['qwen'], depends_on: ['fix'] },
        {
          task_id: 'noisy',
          description: 'Write x.txt.',
          required_skills: ['qwen'],
          workspace: 'noisy',
          checks: ['hang', 'loud'],
          fix_rounds: 0,
          on_checks_failed: 'review',
        },
      ],
    },
  });
  runId = (await call<{ run_id: string }>(app, 'runs.start', { plan_id: 'checks' })).run_id;
  await waitFor(
    () => review !== undefined && detail?.tasks.find((t) => t.task_id === 'after')?.status === 'done',
    150_000,
    async () => {
      detail = await call<RunDetail>(app, 'runs.get', { run_id: runId });
      const pending = await call<ApprovalView[]>(app, 'approvals.list', { status: 'pending' });
      review = pending.find((a) => a.kind === 'diff_review' && a.task_id === 'noisy');
    },
  );
  steps = await call<StoredStep[]>(app, 'runs.steps', { run_id: runId, task_id: 'fix' });
  noisySteps = await call<StoredStep[]>(app, 'runs.steps', { run_id: runId, task_id: 'noisy' });
}, 300_000);

afterAll(async () => {
  if (!installed) return;
  if (runId) await call(baton.app, 'runs.cancel', { run_id: runId }).catch(() => {});
  await baton?.close();
  await servers?.close();
});

const checksOf = (s: StoredStep[]): CheckOutcome[] =>
  s.filter((x): x is Extract<StoredStep, { kind: 'check' }> => x.kind === 'check').map((x) => x.check);

describe.skipIf(!installed)('checks after a coding attempt, with qwen-code', () => {
  it('sends the failing test back to the same session, which fixes it: the checks pass and the task is done', () => {
    const fix = detail.tasks.find((t) => t.task_id === 'fix')!;
    expect(fix.status).toBe('done');
    expect(fix.attempt).toBe(1);
    // Round 0 failed on one of two tests, named; round 1 passed both.
    expect(checksOf(steps).map((c) => [c.round, c.status, c.tests])).toEqual([
      [0, 'failed', { passed: 1, failed: 1, failing: ['adds negatives'], source: 'tap' }],
      [1, 'passed', { passed: 2, failed: 0, failing: [], source: 'tap' }],
    ]);
    // The model saw the failing test's name and the output in the fix round's prompt, in the
    // same session (its history holds the first fix).
    const calls = servers.calls('qwen', 'fix');
    expect(calls).toHaveLength(4);
    const third = calls[2]!.request!.texts.join('\n');
    expect(third).toContain('Check "test" failed (exit code 1): 1 of 2 tests failing');
    expect(third).toContain('- adds negatives');
    expect(third).toContain('Fixed sum.');
    // The round's prompt is a step of the trace, after the first checks.
    const prompts = steps.filter((s) => s.kind === 'message' && s.role === 'user');
    expect(prompts).toHaveLength(2);
    expect(prompts[1]!.seq).toBeGreaterThan(steps.find((s) => s.kind === 'check')!.seq);
    const out = fix.output as CodingOutput;
    expect(out.fix_rounds).toBe(1);
    expect(out.checks?.map((c) => [c.name, c.status])).toEqual([['test', 'passed']]);
    expect(
      execFileSync('git', ['show', `${out.branch}:sum.js`], { cwd: baton.repo.repo, encoding: 'utf8' }),
    ).toBe(RIGHT);
  });

  it("tells the dependent how the dependency's checks ended", () => {
    const prompt = servers.calls('qwen', 'after')[0]!.request!.texts.join('\n');
    expect(prompt).toContain('Its checks: test passed: 2 tests passed');
  });

  it('stops a hanging check at its timeout, keeps a tail of 100 MB of output, and puts red checks to review', () => {
    const outcomes = checksOf(noisySteps);
    expect(outcomes.map((c) => [c.name, c.status])).toEqual([
      ['hang', 'timed_out'],
      ['loud', 'passed'],
    ]);
    const [hang, loud] = outcomes as [CheckOutcome, CheckOutcome];
    expect(hang.output_tail).toContain('started');
    expect(hang.output_tail).toContain('stopped: timed out after 1 s');
    expect(loud.output_bytes).toBe(100 * 1024 * 1024);
    expect(Buffer.byteLength(loud.output_tail)).toBeLessThan(64 * 1024 + 100);
    // No fix round (fix_rounds 0); the work waits for a person with the red check named.
    expect(servers.calls('qwen', 'noisy')).toHaveLength(2);
    expect(review!.reason).toContain('checks failing: hang');
    const noisy = detail.tasks.find((t) => t.task_id === 'noisy')!;
    expect(noisy.status).toBe('awaiting_approval');
  });
});
