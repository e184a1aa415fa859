import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import type { CodingAgent } from '../../../../src-shared/schemas/agent.ts';
import type { BestOfSummary } from '../../../../src-shared/schemas/best-of.ts';
import type { Workspace } from '../../../../src-shared/schemas/workspace.ts';
import type { CodingContext, ExecutorEvent, TaskContext } from '../../../engine/executor.ts';
import { CANCELLED } from '../../../engine/executor.ts';
import { removeWorkspaces, taskContext } from '../../testing/task-context.ts';
import { makeRepo } from '../workspaces/testing/temp-repo.ts';
import { runBestOf } from './run-best-of.ts';

// The best-of runner with stand-in candidates (no CLI): every candidate's spend counts toward the
// budget, and the budget passed stops the candidates still running; their steps are numbered
// apart and marked with their candidate.
const repo = makeRepo();
afterAll(() => {
  repo.cleanup();
  removeWorkspaces();
});

function setup(n: number, budget: (spent: number) => string | null) {
  const base = taskContext({
    id: 'coder',
    kind: 'coding',
    cli: 'claude',
    skills: ['x'],
  }) as TaskContext<CodingAgent>;
  const recorded: BestOfSummary[] = [];
  const coding = {
    workspace: {
      id: 'app',
      path: repo.repo,
      base_branch: 'main',
      checks: [],
      keep_ignored: [],
    } as unknown as Workspace,
    dir: join(repo.worktrees, 'task', 'tree'),
    branch: 'baton/run-1/task-1',
    home: join(repo.worktrees, 'task', 'home'),
    session: null,
    resume: null,
    prior: { usd: null, input_tokens: 0, output_tokens: 0, cached_input_tokens: 0 },
    marker: 'attempt/test/run-1/task-1/1',
    on_conflict: 'fail',
    pool: null,
    best_of: {
      agents: Array.from({ length: n }, () => base.agent),
      judge: null,
      record: (s: BestOfSummary) => recorded.push(s),
    },
  } satisfies CodingContext;
  const ctx: TaskContext<CodingAgent> = { ...base, coding, budgetPassed: budget };
  return { ctx, coding, recorded };
}

/** A candidate that spends $0.4 a turn, asking the budget before each, until told to stop. */
async function* spender(c: TaskContext<CodingAgent>, signal: AbortSignal): AsyncGenerator<ExecutorEvent> {
  let spent = 0;
  for (let seq = 0; ; seq++) {
    const why = c.budgetPassed?.(spent) ?? null;
    if (why) return yield { type: 'error', message: why };
    if (signal.aborted) return yield CANCELLED;
    spent += 0.4;
    yield {
      type: 'step',
      step: {
        kind: 'usage',
        seq,
        at: new Date(0).toISOString(),
        model: 'm',
        input_tokens: 10,
        output_tokens: 10,
        cached_input_tokens: 0,
        cost_usd: 0.4,
        cost_source: 'reported',
      },
    } as ExecutorEvent;
    await new Promise((r) => setTimeout(r, 1));
  }
}

describe('runBestOf', () => {
  it("counts every candidate's spend toward the budget, and stops them all once it is passed", async () => {
    const asked: number[] = [];
    const { ctx, coding, recorded } = setup(3, (spent) => {
      asked.push(spent);
      return spent >= 2 ? "the plan's budget of $2 is spent" : null;
    });
    const events: ExecutorEvent[] = [];
    for await (const e of runBestOf({
      ctx,
      coding,
      signal: new AbortController().signal,
      now: Date.now,
      attempt: spender,
    }))
      events.push(e);
    const last = events.at(-1)!;
    expect(last).toEqual({ type: 'error', message: "the plan's budget of $2 is spent" });
    // The budget was asked with all candidates' spend together, never more than one turn over it.
    expect(Math.max(...asked)).toBeLessThan(2 + 3 * 0.4);
    const steps = events.flatMap((e) => (e.type === 'step' ? [e.step] : []));
    const seqs = steps.map((s) => s.seq);
    expect(new Set(seqs).size).toBe(seqs.length);
    expect(new Set(steps.map((s) => s.candidate))).toEqual(new Set([1, 2, 3]));
    const spent = steps.reduce((sum, s) => sum + (s.kind === 'usage' ? (s.cost_usd ?? 0) : 0), 0);
    expect(spent).toBeLessThan(2 + 3 * 0.4 + 1e-9);
    // Every candidate is recorded, none with work.
    expect(recorded[0]!.candidates.map((c) => c.status).sort()).toEqual(expect.arrayContaining(['failed']));
    expect(recorded[0]!.candidates).toHaveLength(3);
  });
});
