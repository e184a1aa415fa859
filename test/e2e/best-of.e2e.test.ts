import { execFileSync } from 'node:child_process';
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ApprovalView } from '../../src-shared/schemas/approval.ts';
import type { RunDetail } from '../../src-shared/schemas/run.ts';
import type { CodingOutput } from '../../src-shared/schemas/workspace.ts';
import type { Servers } from '../coding-agents/baton-kit.ts';
import {
  codingAgent,
  installed,
  openBaton,
  startServers,
  waitFor,
  worktreeOf,
} from '../coding-agents/baton-kit.ts';
import { CLIS } from '../coding-agents/clis.ts';
import { call } from '../kit/engine-kit.ts';
import { startChatServer } from '../kit/model-servers/openai-chat.ts';
import type { ModelRequest, ModelServer } from '../kit/model-servers/scripted-server.ts';
import { chromiumFound, removeDataDir, shots as SHOTS_ROOT, skipE2e } from './harness.ts';
import type { InboxPage } from './inbox-page.ts';
import { openInbox } from './inbox-page.ts';

/** Where this file's screenshots go (looked at by a person, not compared). */
const SHOTS = process.env.BATON_SHOTS ?? join(SHOTS_ROOT, 'best-of');

const BUGGY = 'module.exports = (a, b) => a - b;\n';
const JUDGE_REASON = 'Candidate 2 changes one line and says nothing it need not.';
const TESTS = `const test = require('node:test');
const assert = require('node:assert');
const sum = require('./sum.js');
test('adds negatives', () => assert.strictEqual(sum(-1, -2), -3));
`;

/** The requests of candidate `k` (its worktree is `candidate-<k>`). */
const candidate = (k: number) => (req: ModelRequest) =>
  req.tools.length > 0 && worktreeOf(req).endsWith(`/candidate-${k}`);

/**
 * Best of 2 in the diff review, end to end in Chromium: two candidates (Qwen Code against a
 * scripted model) both fix a real `node --test` suite and tie on their checks; the judge (a
 * scripted llm agent) picks #2, which goes under review with the judge's reason shown. The
 * review shows both side by side (checks, diff, cost, time, why); the
 * reviewer picks #1, whose diff replaces #2's below, then approves: the task's branch is #1's
 * commit and the pick is recorded with the reviewer's name.
 */
describe.skipIf(skipE2e || !installed)('best of N at the diff review', () => {
  let baton: ReturnType<typeof openBaton>;
  let servers: Servers;
  let judgeServer: ModelServer;
  let inbox: InboxPage | undefined;
  let page: Page;
  let runId: string;

  beforeAll(async () => {
    if ('missing' in chromiumFound) throw new Error(chromiumFound.missing);
    mkdirSync(SHOTS, { recursive: true });
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
          CLIS.qwen.shellTurn(
            `printf '%s\\n' '// Adds two numbers, negatives too.' 'module.exports = (a, b) => a + b;' > sum.js`,
          ),
          { text: 'Fixed sum and said what it does.' },
        ],
      },
      {
        name: 'c2',
        match: candidate(2),
        turns: [
          CLIS.qwen.shellTurn(`printf '%s\\n' 'module.exports = (a, b) => a + b;' > sum.js`),
          { text: 'Fixed sum.' },
        ],
      },
    ]);
    await call(app, 'workspaces.add', {
      id: 'app',
      path: repo.repo,
      checks: [
        { name: 'test', command: [process.execPath, '--test', '--test-reporter=tap'], timeout_s: 120 },
      ],
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
    inbox = await openInbox(app, baton.dir);
    ({ page } = inbox);
  }, 60_000);
  afterAll(async () => {
    await inbox?.close();
    if (runId) await call(baton.app, 'runs.cancel', { run_id: runId }).catch(() => {});
    await baton?.app.close();
    if (baton) await removeDataDir(baton.dir);
    baton?.repo.cleanup();
    await servers?.close();
    await judgeServer?.close();
  });

  async function shoot(name: string) {
    for (const width of [1440, 1024])
      for (const scheme of ['light', 'dark'] as const) {
        await page.setViewportSize({ width, height: 1000 });
        await page.emulateMedia({ colorScheme: scheme });
        await page.screenshot({ path: join(SHOTS, `${name}-${width}-${scheme}.png`) });
      }
    await page.setViewportSize({ width: 1440, height: 1000 });
    await page.emulateMedia({ colorScheme: 'light' });
  }

  it('shows the candidates side by side, and the reviewer picks another before approving', async () => {
    const { app } = baton;
    await call(app, 'plans.import', {
      plan: {
        plan_id: 'sums',
        workspace: 'app',
        tasks: [
          {
            task_id: 'fix',
            description: 'Fix sum.js.',
            required_skills: ['qwen'],
            attempts: 2,
            review: 'diff',
            judge: 'judge',
          },
        ],
      },
    });
    runId = (await call<{ run_id: string }>(app, 'runs.start', { plan_id: 'sums' })).run_id;
    let review: ApprovalView | undefined;
    await waitFor(
      () => review !== undefined,
      150_000,
      async () => {
        const pending = await call<ApprovalView[]>(app, 'approvals.list', { status: 'pending' });
        review = pending.find((a) => a.kind === 'diff_review' && a.task_id === 'fix');
      },
    );

    const card = page.getByRole('region', { name: 'Approval for fix' });
    const table = card.getByRole('table', { name: 'Candidates' });
    await table.waitFor();
    const row = (k: number) => table.getByRole('row', { name: `Candidate #${k}` });
    // Ranked: both passed their checks; the judge broke the tie, its reason shown.
    await expect.poll(() => row(2).textContent()).toContain('under review');
    expect(await row(2).textContent()).toContain('test ✓');
    expect(await row(2).textContent()).toContain('ranked first: the judge picked it over #1');
    expect(await card.getByRole('note', { name: 'Judge' }).textContent()).toBe(
      `Judge judge picked #2: ${JUDGE_REASON}`,
    );
    expect(await row(1).textContent()).toContain('+2');
    expect(await row(2).getByRole('button').count()).toBe(0);
    await card.getByText('Fixed sum.', { exact: true }).waitFor();
    await shoot('best-of-review');

    // The reviewer picks #1: its diff is the one under review now.
    await row(1).getByRole('button', { name: 'Pick #1' }).click();
    await expect.poll(() => row(1).textContent()).toContain('under review');
    await card.getByText('picked by Ana', { exact: false }).waitFor();
    await card.getByText('Fixed sum and said what it does.', { exact: true }).waitFor();
    await card.getByText('// Adds two numbers, negatives too.').first().waitFor();
    await shoot('best-of-picked');

    await card.getByRole('button', { name: 'Approve' }).click();
    let detail: RunDetail | undefined;
    await waitFor(
      () => detail?.tasks[0]?.status === 'done',
      30_000,
      async () => {
        detail = await call<RunDetail>(app, 'runs.get', { run_id: runId });
      },
    );
    const out = detail!.tasks[0]!.output as CodingOutput;
    expect(out.best_of?.winner).toBe(1);
    expect(out.best_of?.picked_by).toBe('Ana');
    const c1 = out.best_of!.candidates.find((c) => c.candidate === 1)!;
    expect(out.commit).toBe(c1.commit);
    const git = (...args: string[]) =>
      execFileSync('git', args, { cwd: baton.repo.repo, encoding: 'utf8' }).trim();
    expect(git('rev-parse', out.branch)).toBe(c1.commit);
    // The review remembers the commit it saw: the picked one.
    expect(
      app.store.db.prepare('SELECT commit_id FROM diff_review_attempts WHERE run_id = ?').all(runId),
    ).toEqual([{ commit_id: c1.commit }]);
    // The pick is in the task's history, with who made it.
    const history = await call<{ actor: string; why: string }[]>(app, 'audit.list', {
      run_id: runId,
      task_id: 'fix',
    });
    expect(
      history.some(
        (h) => h.actor === 'Ana' && h.why.startsWith('Ana picked candidate #1 (qwen-coder) over #2'),
      ),
    ).toBe(true);
    // Its trace tells the candidates' steps apart.
    await page.getByRole('list', { name: 'Plans' }).getByRole('link', { name: /^sums/ }).click();
    await page
      .getByRole('region', { name: 'Plan graph' })
      .getByRole('article', { name: /^Task fix/ })
      .click();
    const panel = page.getByRole('region', { name: 'Task fix details' });
    await panel.getByRole('tab', { name: 'Steps' }).click();
    const steps = panel.getByRole('tabpanel', { name: 'Steps' });
    await steps.getByTitle('Step of best-of candidate #1').first().waitFor();
    await steps.getByTitle('Step of best-of candidate #2').first().waitFor();
    await shoot('best-of-steps');
    const rows = app.store.db
      .prepare(
        'SELECT candidate, winner, picked_by FROM best_of_candidates WHERE run_id = ? ORDER BY candidate',
      )
      .all(runId);
    expect(rows).toEqual([
      { candidate: 1, winner: 1, picked_by: 'Ana' },
      { candidate: 2, winner: 0, picked_by: null },
    ]);
  });

  it('refuses a pick of a candidate that is not there, naming the field', async () => {
    const r = await baton.app.dispatch('approvals.pickCandidate', {
      approval_id: 'nope',
      candidate: 9,
      actor: 'Ana',
    });
    expect(r.ok).toBe(false);
    if (!r.ok) expect(r.error.message).toContain('candidate');
  });
});
