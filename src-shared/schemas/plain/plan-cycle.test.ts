import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { findCycle } from './plan-cycle.ts';

/** The search as it was written with Maps and a stack of objects (2026-11), to hold the new one to. */
function mapsFindCycle(
  tasks: readonly { task_id: string; depends_on: readonly string[] }[],
): string[] | null {
  const deps = new Map<string, readonly string[]>();
  for (const t of tasks) deps.set(t.task_id, t.depends_on);
  const state = new Map<string, 1 | 2>();
  for (const root of deps.keys()) {
    if (state.has(root)) continue;
    const stack: { id: string; next: number }[] = [{ id: root, next: 0 }];
    state.set(root, 1);
    while (stack.length > 0) {
      const top = stack[stack.length - 1]!;
      const edges = deps.get(top.id) ?? [];
      if (top.next < edges.length) {
        const dep = edges[top.next++]!;
        const seen = state.get(dep);
        if (seen === 1) {
          const from = stack.findIndex((f) => f.id === dep);
          return [...stack.slice(from).map((f) => f.id), dep].reverse();
        }
        if (seen === undefined && deps.has(dep)) {
          state.set(dep, 1);
          stack.push({ id: dep, next: 0 });
        }
      } else {
        state.set(top.id, 2);
        stack.pop();
      }
    }
  }
  return null;
}

// Small graphs over few ids: cycles, self-loops, unknown dependencies and repeated ids are common.
const ids = fc.constantFrom('a', 'b', 'c', 'd', 'e', 'f');
const graph = fc.array(
  fc.record({ task_id: ids, depends_on: fc.array(fc.constantFrom('a', 'b', 'c', 'd', 'e', 'f', 'x')) }),
  {
    maxLength: 8,
  },
);

describe('a plan’s dependency cycle', () => {
  it('is the one the search with Maps found: the same path, or none', () => {
    let cycles = 0;
    fc.assert(
      fc.property(graph, (tasks) => {
        const expected = mapsFindCycle(tasks);
        if (expected) cycles++;
        expect(findCycle(tasks)).toEqual(expected);
      }),
      { numRuns: 5_000 },
    );
    expect(cycles).toBeGreaterThan(500);
  });

  it('follows a chain of 100,000 tasks without recursion', () => {
    const chain = Array.from({ length: 100_000 }, (_, i) => ({
      task_id: `t${i}`,
      depends_on: i === 0 ? ['t99999'] : [`t${i - 1}`],
    }));
    expect(findCycle(chain)?.length).toBe(100_001);
  });
});
