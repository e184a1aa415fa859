import { describe, expect, it } from 'vitest';
import { holdsAgentWork } from './starting-point.ts';

// Whether a workspace's setup command runs on an agent's work (then within the agent's sandbox too).
const made = { state: 'created' as const, head: 'a1', startCommit: 'a1', recycled: false };

describe('holdsAgentWork', () => {
  it('a new worktree on the base branch holds none', () => {
    expect(holdsAgentWork([], made, false, [])).toBe(false);
    expect(holdsAgentWork([], made, false, ['node_modules/'])).toBe(false);
    // Its branch there again, its worktree made anew, nothing committed on it yet.
    expect(holdsAgentWork([], { ...made, state: 'reattached' }, false, ['node_modules/'])).toBe(false);
  });

  it("a dependency's branch, an earlier attempt's commits, or ignored files kept from an earlier attempt do", () => {
    expect(holdsAgentWork([{ branch: 'baton/r/first' }], made, false, [])).toBe(true);
    expect(holdsAgentWork([], { ...made, state: 'reattached', head: 'b2' }, false, [])).toBe(true);
    expect(holdsAgentWork([], { ...made, recycled: true }, false, ['node_modules/'])).toBe(true);
    expect(holdsAgentWork([], { ...made, recycled: true }, false, [])).toBe(false);
  });

  it('started clean again: only the ignored files it keeps', () => {
    const reused = { ...made, state: 'reused' as const, head: 'b2' };
    expect(holdsAgentWork([], reused, true, [])).toBe(false);
    expect(holdsAgentWork([], reused, true, ['node_modules/'])).toBe(true);
    expect(holdsAgentWork([{ branch: 'baton/r/first' }], reused, true, [])).toBe(true);
  });
});
