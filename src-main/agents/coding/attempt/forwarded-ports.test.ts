import { describe, expect, it } from 'vitest';
import type { CodingContext } from '../../../engine/executor.ts';
import { forwardedPorts } from './confine.ts';

/** The parts of a coding attempt's context `forwardedPorts` reads. */
const ctx = (forward: boolean, extra: Partial<CodingContext> = {}) =>
  ({
    workspace: { id: 'w', forward_ports: forward },
    ports: { first: 42_000, count: 10 },
    ...extra,
  }) as unknown as CodingContext;

describe("a coding agent's forwarded ports", () => {
  it("are its worktree's block only when its workspace forwards them, never a best-of candidate's, none without a block", () => {
    expect(forwardedPorts(ctx(false))).toBeUndefined();
    expect(forwardedPorts(ctx(true))).toEqual({ first: 42_000, count: 10 });
    expect(forwardedPorts(ctx(true, { candidate: 2 }))).toBeUndefined();
    expect(forwardedPorts(ctx(true, { ports: null }))).toBeUndefined();
  });
});
