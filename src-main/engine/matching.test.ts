import { describe, expect, it } from 'vitest';
import type { Agent } from '../../src-shared/schemas/agent.ts';
import { agentSchema } from '../../src-shared/schemas/agent.ts';
import { explainPulled, matchAgent } from './matching.ts';

const agent = (a: Partial<Agent> & { id: string }): Agent => agentSchema.parse(a);
const ash = agent({ id: 'ash', skills: ['summarization', 'memory_search'] });
const hal = agent({ id: 'hal', skills: ['reflection'] });

/** Why `task` is unassigned among `agents` with no load, or false when it is not. */
const reasonOf = (task: Parameters<typeof matchAgent>[0], agents: readonly Agent[]) => {
  const m = matchAgent(task, agents, () => 0);
  return m.kind === 'unassigned' && m.reason;
};

describe('matching: verify_task, a task to the best-fit agent by skill and availability', () => {
  it('gives the seed reason naming the skill no agent has, and what each agent lacks', () => {
    const m = matchAgent({ required_skills: ['reflection', 'context_analysis'] }, [ash, hal], () => 0);
    expect(m.kind).toBe('unassigned');
    expect(m.kind === 'unassigned' && m.reason).toBe(
      'No qualified agent found: Agent lacks required skills: context_analysis.',
    );
    expect(m.explanation.rejected).toEqual([
      { agent_id: 'ash', reason: 'lacks required skills: reflection, context_analysis' },
      { agent_id: 'hal', reason: 'lacks required skills: context_analysis' },
    ]);
  });

  it('prefers the exact specialist, records the score and the rejected', () => {
    const generalist = agent({
      id: 'gen',
      skills: ['summarization', 'memory_search', 'reflection', 'coding'],
    });
    const m = matchAgent(
      { required_skills: ['summarization', 'memory_search'] },
      [generalist, ash, hal],
      () => 0,
    );
    expect(m.kind === 'assigned' && m.agent.id).toBe('ash');
    expect(m.explanation.score).toMatchObject({
      skill_fit: 1,
      free_capacity: 1,
      cost: 1,
      success_rate: 1,
      expected_ms: null,
      speed: 1,
      total: 1,
    });
    expect(m.explanation.rejected.map((r) => r.agent_id).sort()).toEqual(['gen', 'hal']);
    expect(m.explanation.rejected.find((r) => r.agent_id === 'gen')?.reason).toMatch(/^lower score/);
  });

  it('prefers the agent that has been succeeding lately, all else equal', () => {
    const a = agent({ id: 'a', skills: ['x'] });
    const b = agent({ id: 'b', skills: ['x'] });
    const rates: Record<string, number> = { a: 2 / 12, b: 10 / 12 };
    const m = matchAgent({ required_skills: ['x'] }, [a, b], () => 0, {
      successRate: (id) => rates[id]!,
      averageMs: () => null,
    });
    expect(m.kind === 'assigned' && m.agent.id).toBe('b');
    expect(m.explanation.score?.success_rate).toBeCloseTo(0.8333, 3);
    expect(m.explanation.rejected[0]).toMatchObject({ agent_id: 'a' });
  });

  it('skips AWAY and OFFLINE agents, honours pins, and waits when only capacity is missing', () => {
    const away = agent({ id: 'away', skills: ['x'], status: 'AWAY' });
    const busy = agent({ id: 'busy', skills: ['x'], status: 'BUSY', max_concurrency: 2 });
    expect(reasonOf({ required_skills: ['x'] }, [away])).toBe(
      'No qualified agent found: every agent with the required skills is unavailable (away is AWAY).',
    );
    expect(matchAgent({ required_skills: ['x'] }, [away, busy], () => 1).kind).toBe('assigned');
    const full = matchAgent({ required_skills: ['x'] }, [away, busy], () => 2);
    expect(full.kind).toBe('wait');
    expect(full.kind === 'wait' && full.reason).toBe('Waiting for capacity: busy (2/2)');
    const pinned = matchAgent({ required_skills: [], agent: 'hal' }, [ash, hal], () => 0);
    expect(pinned.kind === 'assigned' && pinned.agent.id).toBe('hal');
    expect(reasonOf({ required_skills: [], agent: 'ghost' }, [ash])).toBe(
      'No qualified agent found: pinned agent "ghost" is not registered.',
    );
    expect(reasonOf({ required_skills: ['x'] }, [])).toBe(
      'No qualified agent found: no agents are registered.',
    );
  });

  it('prefers the less loaded agent, then the cheaper one, when skills tie', () => {
    // Equal scores would go to "a" by id, so "b" wins only on load or cost.
    const a = agent({ id: 'a', skills: ['x'], max_concurrency: 2 });
    const b = agent({ id: 'b', skills: ['x'], max_concurrency: 2 });
    const loaded = matchAgent({ required_skills: ['x'] }, [a, b], (id) => (id === 'a' ? 1 : 0));
    expect(loaded.kind === 'assigned' && loaded.agent.id).toBe('b');
    expect(loaded.explanation.score).toMatchObject({ free_capacity: 1, total: 1 });
    expect(loaded.explanation.rejected).toEqual([
      {
        agent_id: 'a',
        reason: 'lower score (0.875 < 1)',
        score: {
          skill_fit: 1,
          free_capacity: 0.5,
          cost: 1,
          success_rate: 1,
          expected_ms: null,
          speed: 1,
          total: 0.875,
        },
      },
    ]);
    const dear = agent({ id: 'a', skills: ['x'], cost_per_task: 1 });
    const cheap = agent({ id: 'b', skills: ['x'], cost_per_task: 0 });
    const priced = matchAgent({ required_skills: ['x'] }, [dear, cheap], () => 0);
    expect(priced.kind === 'assigned' && priced.agent.id).toBe('b');
    expect(priced.explanation.rejected[0]).toMatchObject({
      agent_id: 'a',
      score: { cost: 0.5, total: 0.925 },
    });
  });

  it('counts a required skill named twice once: the score stays within 0..1', () => {
    const x = agent({ id: 'x-only', skills: ['x'] });
    const m = matchAgent({ required_skills: ['x', 'x', 'x'] }, [x, hal], () => 0);
    expect(m.explanation.score).toEqual({
      skill_fit: 1,
      free_capacity: 1,
      cost: 1,
      success_rate: 1,
      expected_ms: null,
      speed: 1,
      total: 1,
    });
    expect(m.explanation.rejected).toEqual([{ agent_id: 'hal', reason: 'lacks required skills: x' }]);
  });

  describe('expected time to finish', () => {
    const fast = agent({ id: 'fast', skills: ['x'], max_concurrency: 2 });
    const slow = agent({ id: 'slow', skills: ['x'], max_concurrency: 2 });
    const record = (avg: Record<string, number | null>) => ({
      successRate: () => 1,
      averageMs: (id: string) => avg[id] ?? null,
    });

    it('scores the faster agent higher, and shows its expected time and speed in the breakdown', () => {
      const m = matchAgent(
        { required_skills: ['x'] },
        [slow, fast],
        () => 0,
        record({ fast: 20, slow: 400 }),
      );
      expect(m.kind === 'assigned' && m.agent.id).toBe('fast');
      expect(m.explanation.score).toMatchObject({ expected_ms: 20, speed: 1, total: 1 });
      expect(m.explanation.rejected[0]).toMatchObject({
        agent_id: 'slow',
        score: { expected_ms: 400, speed: 0.05, total: 0.05 },
      });
    });

    it('waits for a fast agent at capacity rather than give instant work to a slow free one', () => {
      const load = (id: string) => (id === 'fast' ? 2 : 0);
      const m = matchAgent({ required_skills: ['x'] }, [slow, fast], load, record({ fast: 20, slow: 400 }));
      expect(m.kind).toBe('wait');
      expect(m.kind === 'wait' && m.reason).toBe(
        'Waiting for fast: expected to finish it sooner (~30 ms) than slow (~400 ms)',
      );
      expect(m.explanation.rejected).toEqual([
        {
          agent_id: 'slow',
          reason: 'fast is expected to finish it sooner once free (~30 ms, here ~400 ms)',
          score: {
            skill_fit: 1,
            free_capacity: 1,
            cost: 1,
            success_rate: 1,
            expected_ms: 400,
            speed: 0.075,
            total: 0.075,
          },
        },
        { agent_id: 'fast', reason: 'at capacity (2/2)' },
      ]);
    });

    it('gives it to the free agent when the busy one is not sooner, or a time is unknown', () => {
      const load = (id: string) => (id === 'fast' ? 2 : 0);
      const pick = (avg: Record<string, number | null>) => {
        const m = matchAgent({ required_skills: ['x'] }, [slow, fast], load, record(avg));
        return m.kind === 'assigned' && m.agent.id;
      };
      expect(pick({ fast: 300, slow: 400 })).toBe('slow');
      expect(pick({ fast: 20, slow: null })).toBe('slow');
      expect(pick({ fast: null, slow: 400 })).toBe('slow');
    });
  });

  describe('the reason a task is unassigned is true', () => {
    const x = (id: string, status: Agent['status']) => agent({ id, skills: ['x'], status });
    const yOnly = agent({ id: 'y-only', skills: ['y'] });

    it('says the agents that have the skills are OFFLINE or AWAY, not that skills are lacking', () => {
      const m = matchAgent({ required_skills: ['x'] }, [x('a', 'OFFLINE'), yOnly, x('c', 'AWAY')], () => 0);
      // AWAY is no more a candidate than OFFLINE: the task does not wait for either.
      expect(m.kind).toBe('unassigned');
      expect(m.kind === 'unassigned' && m.reason).toBe(
        'No qualified agent found: every agent with the required skills is unavailable (a is OFFLINE, c is AWAY).',
      );
      expect(m.explanation.rejected).toEqual([
        { agent_id: 'a', reason: 'agent is OFFLINE' },
        { agent_id: 'y-only', reason: 'lacks required skills: x' },
        { agent_id: 'c', reason: 'agent is AWAY' },
      ]);
    });

    it('cuts a long list of unavailable agents short, and needs no skills to name', () => {
      const many = Array.from({ length: 8 }, (_, i) => x(`a${i}`, 'OFFLINE'));
      expect(reasonOf({ required_skills: ['x'] }, many)).toBe(
        'No qualified agent found: every agent with the required skills is unavailable ' +
          '(a0 is OFFLINE, a1 is OFFLINE, a2 is OFFLINE, a3 is OFFLINE, a4 is OFFLINE and 3 more).',
      );
      expect(reasonOf({ required_skills: [] }, [x('a', 'AWAY')])).toBe(
        'No qualified agent found: every agent is unavailable (a is AWAY).',
      );
    });

    it('says the task is pinned to an agent without the skills while others have them', () => {
      expect(reasonOf({ required_skills: ['summarization'], agent: 'hal' }, [ash, hal])).toBe(
        'No qualified agent found: pinned agent "hal" lacks required skills: summarization (ash has them).',
      );
      // Nobody has the skill: the seed's wording, for the pinned agent.
      expect(reasonOf({ required_skills: ['alchemy'], agent: 'hal' }, [ash, hal])).toBe(
        'No qualified agent found: Agent lacks required skills: alchemy.',
      );
    });

    it('names the skills no agent has, in the seed wording', () => {
      // ash and hal each lack two of these; only context_analysis is nobody's.
      expect(
        reasonOf({ required_skills: ['reflection', 'context_analysis', 'summarization'] }, [ash, hal]),
      ).toBe('No qualified agent found: Agent lacks required skills: context_analysis.');
      // Each skill is somebody's, never both one agent's: what the closest agent lacks.
      expect(reasonOf({ required_skills: ['x', 'y'] }, [x('x-only', 'ONLINE'), yOnly])).toBe(
        'No qualified agent found: Agent lacks required skills: y.',
      );
    });
  });

  describe('the explanation names every registered agent', () => {
    const alice = agent({ id: 'alice', kind: 'human', skills: ['reflection'] });
    const away = agent({ id: 'bo', kind: 'human', skills: ['reflection'], status: 'OFFLINE' });
    const pulls = (a: Agent) => a.kind === 'human';
    const named = (m: { explanation: { agent_id: string | null; rejected: { agent_id: string }[] } }) =>
      [m.explanation.agent_id, ...m.explanation.rejected.map((r) => r.agent_id)].filter(Boolean).sort();

    it('gives the task to the automated agent and says the free human was passed over for it (task-003)', () => {
      const m = matchAgent(
        { required_skills: ['reflection'] },
        [ash, alice, hal, away],
        () => 0,
        { successRate: () => 1, averageMs: () => null },
        pulls,
      );
      expect(m.kind === 'assigned' && m.agent.id).toBe('hal');
      expect(named(m)).toEqual(['alice', 'ash', 'bo', 'hal']);
      // Candidates that lost first, with their score; then the agents that were none.
      expect(m.explanation.rejected).toEqual([
        {
          agent_id: 'alice',
          reason: 'passed over because an automated agent qualified (hal)',
          score: {
            skill_fit: 1,
            free_capacity: 1,
            cost: 1,
            success_rate: 1,
            expected_ms: null,
            speed: 1,
            total: 1,
          },
        },
        { agent_id: 'ash', reason: 'lacks required skills: reflection' },
        { agent_id: 'bo', reason: 'agent is OFFLINE' },
      ]);
    });

    it('gives losing candidates their score', () => {
      const gen = agent({ id: 'gen', skills: ['reflection', 'coding', 'testing'] });
      const m = matchAgent({ required_skills: ['reflection'] }, [gen, hal], () => 0);
      expect(m.explanation.rejected).toEqual([
        {
          agent_id: 'gen',
          reason: 'lower score (0.8 < 1)',
          score: {
            skill_fit: 0.5,
            free_capacity: 1,
            cost: 1,
            success_rate: 1,
            expected_ms: null,
            speed: 1,
            total: 0.8,
          },
        },
      ]);
    });

    it('says a human was passed over while the task waits for a busy automated agent', () => {
      const m = matchAgent(
        { required_skills: ['reflection'] },
        [hal, alice],
        (id) => (id === 'hal' ? 1 : 0),
        { successRate: () => 1, averageMs: () => null },
        pulls,
      );
      expect(m.kind === 'wait' && m.reason).toBe('Waiting for capacity: hal (1/1)');
      expect(m.explanation.rejected.map((r) => [r.agent_id, r.reason])).toEqual([
        ['alice', 'passed over because an automated agent qualified; the task waits for capacity: hal (1/1)'],
        ['hal', 'at capacity (1/1)'],
      ]);
    });

    it('waits for the human when no automated agent qualifies, naming the automated agents too', () => {
      const m = matchAgent(
        { required_skills: ['reflection'] },
        [ash, alice, away],
        () => 0,
        { successRate: () => 1, averageMs: () => null },
        pulls,
      );
      expect(m.kind === 'wait' && m.reason).toBe('Waiting for alice to pull it');
      expect(m.explanation.agent_id).toBe('alice');
      expect(named(m)).toEqual(['alice', 'ash', 'bo']);
    });

    it('lists automated and human agents alike when nobody qualifies, and the seed reason weighs them all', () => {
      const m = matchAgent(
        { required_skills: ['reflection', 'context_analysis'] },
        [ash, hal, alice, away],
        () => 0,
        { successRate: () => 1, averageMs: () => null },
        pulls,
      );
      expect(m.kind === 'unassigned' && m.reason).toBe(
        'No qualified agent found: Agent lacks required skills: context_analysis.',
      );
      expect(named(m)).toEqual(['alice', 'ash', 'bo', 'hal']);
      const pinned = matchAgent(
        { required_skills: [], agent: 'bo' },
        [hal, away],
        () => 0,
        { successRate: () => 1, averageMs: () => null },
        pulls,
      );
      expect(pinned.kind === 'unassigned' && pinned.reason).toBe(
        'No qualified agent found: pinned agent "bo" is OFFLINE.',
      );
      expect(pinned.explanation.rejected).toEqual([
        { agent_id: 'hal', reason: 'task is pinned to "bo"' },
        { agent_id: 'bo', reason: 'agent is OFFLINE' },
      ]);
    });

    it('explains a pulled task: the taker with its score, the other candidates with theirs', () => {
      const cy = agent({ id: 'cy', kind: 'human', skills: ['reflection', 'coding'] });
      const e = explainPulled({ required_skills: ['reflection'] }, [ash, alice, cy, away], cy, () => 0, {
        successRate: () => 1,
        averageMs: () => null,
      });
      expect(e.agent_id).toBe('cy');
      expect(e.score?.total).toBe(0.8667);
      expect(e.rejected).toEqual([
        {
          agent_id: 'alice',
          reason: 'cy pulled it first',
          score: {
            skill_fit: 1,
            free_capacity: 1,
            cost: 1,
            success_rate: 1,
            expected_ms: null,
            speed: 1,
            total: 1,
          },
        },
        { agent_id: 'ash', reason: 'lacks required skills: reflection' },
        { agent_id: 'bo', reason: 'agent is OFFLINE' },
      ]);
    });
  });
});
