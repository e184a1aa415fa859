import { describe, expect, it } from 'vitest';
import type { Run, TaskRun } from '../../../../../src-shared/schemas/run.ts';
import { gridRows, gridRuns, runsThatFit } from './grid-columns.ts';

const run = (id: string, created_at: string) => ({ id, created_at }) as Run;
const task = (task_id: string) => ({ task_id }) as TaskRun;

describe('the runs grid', () => {
  it('shows at most twenty runs, and at least three, as the width allows', () => {
    expect(runsThatFit(5000)).toBe(20);
    expect(runsThatFit(200 + 30 * 7 + 10)).toBe(7);
    expect(runsThatFit(100)).toBe(3);
  });

  it('puts the newest runs at the right, numbered from the plan’s first run', () => {
    const runs = [run('c', '2026-01-03'), run('b', '2026-01-02'), run('a', '2026-01-01')];
    expect(gridRuns(runs, 2).map((r) => [r.run.id, r.number])).toEqual([
      ['b', 2],
      ['c', 3],
    ]);
  });

  it('lists the plan’s tasks in order, then those only some runs have', () => {
    expect(
      gridRows(
        ['fetch', 'build'],
        [{ build: task('build'), fetch: task('fetch') }, undefined, { escalation: task('escalation') }],
      ),
    ).toEqual(['fetch', 'build', 'escalation']);
  });
});
