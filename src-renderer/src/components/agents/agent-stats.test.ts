import { describe, expect, it } from 'vitest';
import type { AgentExecutionStats } from '../../../../src-shared/schemas/run.ts';
import { agentSuccess, agentTime } from './agent-stats.ts';

const stats = (over: Partial<AgentExecutionStats>): AgentExecutionStats =>
  ({
    agent_id: 'a',
    total: 3,
    completed: 2,
    failed: 1,
    cancelled: 0,
    interrupted: 0,
    in_progress: 0,
    success_rate: 66.66666666666667,
    average_completion_time: 0.3125,
    ...over,
  }) satisfies AgentExecutionStats;

describe("an agent's stats", () => {
  it('rounds the success rate to a whole percent and reads the time as a duration', () => {
    expect(agentSuccess(stats({}))).toBe('67% of 3');
    expect(agentTime(stats({}))).toBe('313 ms');
    expect(agentTime(stats({ average_completion_time: 74.25 }))).toBe('1 min 14 s');
  });

  it('says — where there is nothing to count', () => {
    expect(agentSuccess(undefined)).toBe('—');
    expect(agentSuccess(stats({ success_rate: null }))).toBe('—');
    expect(agentTime(stats({ average_completion_time: null }))).toBe('—');
  });
});
