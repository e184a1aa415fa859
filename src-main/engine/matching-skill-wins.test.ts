import { describe, expect, it } from 'vitest';
import type { Agent } from '../../src-shared/schemas/agent.ts';
import { agentSchema } from '../../src-shared/schemas/agent.ts';
import { AgentOutcomes } from './agent-outcomes.ts';
import type { AgentRecord, WinCount } from './matching.ts';
import { matchAgent, skillWinsPart } from './matching.ts';

const agent = (a: Partial<Agent> & { id: string }): Agent => agentSchema.parse(a);
const task = { required_skills: ['ts'] };

/** A record with no recent attempts and these candidacies and wins for the task's skills. */
const withWins = (wins: Record<string, WinCount>): AgentRecord => ({
  successRate: () => 1,
  averageMs: () => null,
  skillWins: (id) => wins[id] ?? null,
});

describe("matching's skill wins part", () => {
  it('is absent, and the totals as they were, while no agent has a candidacy for the skills', () => {
    const a = agent({ id: 'a', skills: ['ts'] });
    const m = matchAgent(task, [a], () => 0, withWins({}));
    expect(m.explanation.score).toEqual({
      skill_fit: 1,
      free_capacity: 1,
      cost: 1,
      success_rate: 1,
      expected_ms: null,
      speed: 1,
      total: 1,
    });
  });

  it('prefers the agent that won more for the skill; a newcomer sits between a winner and a loser', () => {
    // Equal in everything else: without the part, "a-loser" would win on its id.
    const loser = agent({ id: 'a-loser', skills: ['ts'] });
    const newcomer = agent({ id: 'b-new', skills: ['ts'] });
    const winner = agent({ id: 'c-winner', skills: ['ts'] });
    const record = withWins({
      'a-loser': { wins: 0, candidacies: 4, expected: 2 },
      'c-winner': { wins: 3, candidacies: 4, expected: 2 },
    });
    const m = matchAgent(task, [loser, newcomer, winner], () => 0, record);
    expect(m.kind === 'assigned' && m.agent.id).toBe('c-winner');
    expect(m.explanation.score?.skill_wins).toEqual({
      wins: 3,
      candidacies: 4,
      expected: 2,
      rate: 0.6667,
      factor: 1.0667,
    });
    expect(m.explanation.score?.total).toBe(1.0667);
    expect(m.explanation.rejected.map((r) => [r.agent_id, r.score?.total])).toEqual([
      ['b-new', 1],
      ['a-loser', 0.8667],
    ]);
    expect(m.explanation.rejected[1]?.score?.skill_wins).toEqual({
      wins: 0,
      candidacies: 4,
      expected: 2,
      rate: 0.1667,
      factor: 0.8667,
    });
    // Without the loser's record, it is a newcomer too, and wins the tie on its id again.
    const fair = matchAgent(task, [loser, newcomer], () => 0, withWins({}));
    expect(fair.kind === 'assigned' && fair.agent.id).toBe('a-loser');
  });

  it('is a weight, not a veto: a winner carrying unrelated skills loses to an exact specialist', () => {
    const broad = agent({ id: 'broad', skills: ['ts', 'go', 'sql'] });
    const exact = agent({ id: 'exact', skills: ['ts'] });
    const m = matchAgent(
      task,
      [broad, exact],
      () => 0,
      withWins({ broad: { wins: 8, candidacies: 8, expected: 4 } }),
    );
    expect(m.kind === 'assigned' && m.agent.id).toBe('exact');
    // (0.4 · ½ + 0.25 + 0.15 + 0.2) · (1 + 0.4 · (9/10 − ½)) = 0.8 · 1.16
    expect(m.explanation.rejected[0]?.score?.total).toBe(0.928);
  });

  it('moves a total by at most a fifth either way', () => {
    expect(skillWinsPart(null)).toBeNull();
    expect(skillWinsPart({ wins: 0, candidacies: 0, expected: 0 })).toBeNull();
    expect(skillWinsPart({ wins: 1000, candidacies: 1000, expected: 500 })?.factor).toBeLessThanOrEqual(1.2);
    expect(skillWinsPart({ wins: 0, candidacies: 1000, expected: 500 })?.factor).toBeGreaterThanOrEqual(0.8);
    expect(skillWinsPart({ wins: 1, candidacies: 2, expected: 1 })?.factor).toBe(1);
    // Against two rivals each time, a third of the wins is its fair share: neither up nor down.
    expect(skillWinsPart({ wins: 2, candidacies: 6, expected: 2 })?.factor).toBe(1);
    expect(skillWinsPart({ wins: 6, candidacies: 6, expected: 2 })?.factor).toBe(1.2);
    expect(skillWinsPart({ wins: 0, candidacies: 6, expected: 2 })?.factor).toBe(0.9);
  });
});

describe("an agent's wins for a task's skills (AgentOutcomes)", () => {
  const runs = {
    agentStats: (agent_id: string) => ({
      agent_id,
      total: 0,
      completed: 0,
      failed: 0,
      cancelled: 0,
      interrupted: 0,
      in_progress: 0,
      success_rate: null,
      average_completion_time: null,
    }),
  };
  const clock = { now: () => 0 };

  it('sums the distinct required skills, reads each agent once, and again after an attempt ended', () => {
    const stored = new Map<string, Map<string, WinCount>>([
      [
        'cody',
        new Map([
          ['ts', { wins: 1, candidacies: 3, expected: 1.5 }],
          ['sql', { wins: 2, candidacies: 2, expected: 1 }],
        ]),
      ],
    ]);
    const reads: string[] = [];
    const outcomes = new AgentOutcomes(runs, clock, {
      winsOf: (id) => {
        reads.push(id);
        return stored.get(id) ?? new Map();
      },
    });
    expect(outcomes.skillWins('cody', ['ts', 'sql', 'ts', 'go'])).toEqual({
      wins: 3,
      candidacies: 5,
      expected: 2.5,
    });
    expect(outcomes.skillWins('cody', ['go'])).toBeNull();
    expect(outcomes.skillWins('ada', ['ts'])).toBeNull();
    expect(outcomes.skillWins('cody', [])).toBeNull();
    expect(reads).toEqual(['cody', 'ada']);
    stored.set('ada', new Map([['ts', { wins: 1, candidacies: 1, expected: 0.5 }]]));
    expect(outcomes.skillWins('ada', ['ts'])).toBeNull();
    outcomes.record('cody', true, 10);
    expect(outcomes.skillWins('ada', ['ts'])).toEqual({ wins: 1, candidacies: 1, expected: 0.5 });
    // Without a source (an engine built without the coding records), the part is never there.
    expect(new AgentOutcomes(runs, clock).skillWins('cody', ['ts'])).toBeNull();
  });

  it('with a generation, reads again only once candidates were written, not after every attempt', () => {
    let generation = 0;
    const reads: string[] = [];
    const stored = new Map<string, Map<string, WinCount>>();
    const outcomes = new AgentOutcomes(runs, clock, {
      winsOf: (id) => {
        reads.push(id);
        return stored.get(id) ?? new Map();
      },
      generation: () => generation,
    });
    expect(outcomes.skillWins('ada', ['ts'])).toBeNull();
    outcomes.record('ada', true, 10);
    outcomes.record('cody', false);
    expect(outcomes.skillWins('ada', ['ts'])).toBeNull();
    expect(reads).toEqual(['ada']);
    // A best-of attempt saved its candidates (or a person picked another): read again.
    stored.set('ada', new Map([['ts', { wins: 2, candidacies: 2, expected: 1 }]]));
    generation++;
    expect(outcomes.skillWins('ada', ['ts'])).toEqual({ wins: 2, candidacies: 2, expected: 1 });
    expect(reads).toEqual(['ada', 'ada']);
  });

  it('reads again after a minute, whatever this process wrote (another Baton on the same data)', () => {
    let now = 0;
    const reads: string[] = [];
    const outcomes = new AgentOutcomes(
      runs,
      { now: () => now },
      {
        winsOf: (id) => {
          reads.push(id);
          return new Map();
        },
        generation: () => 0,
      },
    );
    outcomes.skillWins('ada', ['ts']);
    now = 59_000;
    outcomes.skillWins('ada', ['ts']);
    expect(reads).toEqual(['ada']);
    now = 61_000;
    outcomes.skillWins('ada', ['ts']);
    expect(reads).toEqual(['ada', 'ada']);
  });
});
