import { describe, expect, it } from 'vitest';
import { rejectedLines } from './rejected-lines.ts';

describe('rejected agents as lines', () => {
  it('keeps candidates apart and folds three or more agents with the same reason into one line', () => {
    const pinned = 'not the pinned agent';
    const lines = rejectedLines([
      { agent_id: 'b', reason: 'lower score (0.8 < 1)', score: { total: 0.8 } },
      { agent_id: 'c', reason: pinned },
      { agent_id: 'd', reason: 'OFFLINE' },
      { agent_id: 'e', reason: pinned },
      { agent_id: 'f', reason: pinned },
    ]);
    expect(lines.map((l) => `${l.agent_id}: ${l.reason}`)).toEqual([
      'b: lower score (0.8 < 1)',
      `3 agents (c, e, f): ${pinned}`,
      'd: OFFLINE',
    ]);
  });
});
