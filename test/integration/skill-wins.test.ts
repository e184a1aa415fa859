import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { BatonApp } from '../../src-main/app/create-app.ts';
import { createApp } from '../../src-main/app/create-app.ts';
import type { RunDetail } from '../../src-shared/schemas/run.ts';
import type { LeaderboardRow } from '../../src-shared/schemas/skill-record.ts';
import { call, setup } from '../kit/engine-kit.ts';
import { HISTORY_AT, seedSkillHistory } from '../kit/skill-history.ts';

let dir: string;
let app: BatonApp;
beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'baton-skill-wins-'));
  app = createApp({ dataDir: dir, log: () => {} });
});
afterEach(async () => {
  await app?.close();
  rmSync(dir, { recursive: true, force: true });
});

/** Two best-of tasks needing `ts` that "b-win" won against "a-lose", with their checks. */
function seedRivals(a: BatonApp): void {
  const bestOf = (task_id: string, at: number) => ({
    task_id,
    required_skills: ['ts'],
    attempts: [
      {
        agent: 'a-lose',
        outcome: 'done' as const,
        at,
        candidates: [
          { agent: 'a-lose', checks: [0, 1] as [number, number], rounds: 2 },
          { agent: 'b-win', checks: [1, 1] as [number, number], rounds: 1, winner: true },
        ],
      },
    ],
  });
  seedSkillHistory(a.store, 'history', 'run-history', [
    bestOf('fix-1', 0),
    bestOf('fix-2', 60),
    {
      task_id: 'docs',
      required_skills: ['docs'],
      attempts: [{ agent: 'a-lose', outcome: 'done', rounds: [['passed']] }],
    },
  ]);
}

const agents = [
  // "a-lose" sorts first: on equal scores it would take the task.
  { id: 'a-lose', kind: 'echo' as const, skills: ['ts', 'docs'] },
  { id: 'b-win', kind: 'echo' as const, skills: ['ts', 'docs'] },
];

describe('what best-of wins teach matching, through the real store', () => {
  it('gives a task to the agent that won more for its skill, says why, and still after a restart', async () => {
    seedRivals(app);
    const run = await setup(app, agents, {
      plan_id: 'next',
      tasks: [
        { task_id: 'ts-task', description: 'more ts', required_skills: ['ts'] },
        { task_id: 'docs-task', description: 'more docs', required_skills: ['docs'] },
      ],
    });
    await app.engine.whenSettled(run);
    const d = await call<RunDetail>(app, 'runs.get', { run_id: run });
    const ts = d.tasks.find((t) => t.task_id === 'ts-task')!;
    expect(ts.agent_id).toBe('b-win');
    expect(ts.match?.score?.skill_wins).toEqual({
      wins: 2,
      candidacies: 2,
      expected: 1,
      rate: 0.75,
      factor: 1.1,
    });
    expect(ts.match?.rejected[0]).toMatchObject({
      agent_id: 'a-lose',
      score: { skill_wins: { wins: 0, candidacies: 2, rate: 0.25, factor: 0.9 } },
    });
    // No candidacy for docs: the part is absent and the tie goes by id, as before.
    const docs = d.tasks.find((t) => t.task_id === 'docs-task')!;
    expect(docs.agent_id).toBe('a-lose');
    expect(docs.match?.score).not.toHaveProperty('skill_wins');

    await app.close();
    app = createApp({ dataDir: dir, log: () => {} });
    const again = await call<{ run_id: string }>(app, 'runs.start', { plan_id: 'next' });
    await app.engine.whenSettled(again.run_id);
    const d2 = await call<RunDetail>(app, 'runs.get', { run_id: again.run_id });
    // The wins are read again from the store. (Which agent takes it now also weighs how fast each
    // did its task of the first run, the machine's doing: the factors are what to look at.)
    const t2 = d2.tasks.find((t) => t.task_id === 'ts-task')!;
    const factors = Object.fromEntries(
      [{ agent_id: t2.agent_id, score: t2.match?.score }, ...(t2.match?.rejected ?? [])].map((r) => [
        r.agent_id,
        r.score?.skill_wins?.factor,
      ]),
    );
    expect(factors).toEqual({ 'b-win': 1.1, 'a-lose': 0.9 });
  });

  it('answers a skill’s leaderboard over the contract, best first, and refuses a bad skill naming the field', async () => {
    seedRivals(app);
    const rows = await call<LeaderboardRow[]>(app, 'agents.leaderboard', { skill: 'ts' });
    expect(rows).toEqual([
      {
        rank: 1,
        agent_id: 'b-win',
        skill: 'ts',
        attempts: 2,
        checked: 2,
        checks_passed: 2,
        fix_rounds: 2,
        candidacies: 2,
        wins: 2,
        win_rate: 0.75,
        checks_rate: 0.75,
      },
      {
        rank: 2,
        agent_id: 'a-lose',
        skill: 'ts',
        attempts: 2,
        checked: 2,
        checks_passed: 0,
        fix_rounds: 4,
        candidacies: 2,
        wins: 0,
        win_rate: 0.25,
        checks_rate: 0.25,
      },
    ]);
    // Since a time: only the second best-of task started after it.
    const recent = await call<LeaderboardRow[]>(app, 'agents.leaderboard', {
      skill: 'ts',
      start: HISTORY_AT(30),
    });
    expect(recent.map((r) => [r.agent_id, r.attempts, r.wins])).toEqual([
      ['b-win', 1, 1],
      ['a-lose', 1, 0],
    ]);
    expect(await call(app, 'agents.leaderboard', { skill: 'rust' })).toEqual([]);
    const bad = await app.dispatch('agents.leaderboard', { skill: 'no spaces' });
    expect(bad.ok).toBe(false);
    expect(!bad.ok && bad.error).toMatchObject({ code: 'invalid_input' });
    expect(!bad.ok && JSON.stringify(bad.error.details)).toContain('skill');
  });
});
