import { describe, expect, it } from 'vitest';
import { emptyCounts } from '../../../src-shared/schemas/plain/run.ts';
import type { Run } from '../../../src-shared/schemas/run.ts';
import { lastRuns, withRun } from './all-runs.ts';

const run = (id: string, plan: string, at: string, status: Run['status'] = 'completed'): Run => ({
  id,
  plan_id: plan,
  plan_version: 1,
  project_id: null,
  started_by: 'ana',
  status,
  memory_id: `mem-${id}`,
  created_at: at,
  finished_at: null,
  counts: emptyCounts(),
});

describe('the runs of every plan', () => {
  it('keeps them newest first as runs start and change', () => {
    let runs = [run('b', 'p', '2026-01-02T00:00:00Z'), run('a', 'p', '2026-01-01T00:00:00Z')];
    runs = withRun(runs, run('c', 'q', '2026-01-03T00:00:00Z', 'executing'));
    expect(runs.map((r) => r.id)).toEqual(['c', 'b', 'a']);
    runs = withRun(runs, run('c', 'q', '2026-01-03T00:00:00Z', 'failed'));
    expect(runs.map((r) => [r.id, r.status])).toEqual([
      ['c', 'failed'],
      ['b', 'completed'],
      ['a', 'completed'],
    ]);
  });

  it("gives each plan's newest run", () => {
    const last = lastRuns([
      run('c', 'q', '2026-01-03T00:00:00Z'),
      run('b', 'p', '2026-01-02T00:00:00Z'),
      run('a', 'p', '2026-01-01T00:00:00Z'),
    ]);
    expect([...last].map(([plan, r]) => [plan, r.id])).toEqual([
      ['q', 'c'],
      ['p', 'b'],
    ]);
    expect(lastRuns(null).size).toBe(0);
  });
});
