import { describe, expect, it } from 'vitest';
import { compareRows } from './compare-rows.ts';
import { byId, task } from './task-run.fixture.ts';

describe('compareRows', () => {
  it('lists the tasks of either run: the plan’s order first, then tasks only a run has', () => {
    const left = byId(task('b', 'done'), task('a', 'done'), task('escalation-1', 'done'));
    const right = byId(task('a', 'done'), task('b', 'done'), task('escalation-3', 'awaiting_approval'));
    const rows = compareRows(['a', 'b', 'in-neither'], [left, right]);
    expect(rows.map((r) => r.taskId)).toEqual(['a', 'b', 'escalation-1', 'escalation-3']);
    const only = rows.find((r) => r.taskId === 'escalation-3')!;
    expect(only.cells[0]).toBeUndefined();
    expect(only.cells[1]?.status).toBe('awaiting_approval');
    expect(only.diff.presence).toBe(true);
    expect(only.differs).toBe(true);
    expect(rows.find((r) => r.taskId === 'a')!.differs).toBe(false);
  });

  it('marks a difference in status, agent or output, not in duration or cost', () => {
    const left = byId(
      task('s', 'done'),
      task('g', 'done'),
      task('o', 'done'),
      task('t', 'done', {
        cost: 1,
        started_at: '2026-11-21T10:00:00.000Z',
        finished_at: '2026-11-21T10:00:09.000Z',
      }),
    );
    const right = byId(
      task('s', 'failed'),
      task('g', 'done', { agent_id: 'coder' }),
      task('o', 'done', { output: { ok: false } }),
      task('t', 'done', { cost: 2 }),
    );
    const rows = Object.fromEntries(
      compareRows(['s', 'g', 'o', 't'], [left, right]).map((r) => [r.taskId, r]),
    );
    expect(rows.s!.diff).toEqual({ presence: false, status: true, agent: false, output: false });
    expect(rows.g!.diff).toEqual({ presence: false, status: false, agent: true, output: false });
    expect(rows.o!.diff).toEqual({ presence: false, status: false, agent: false, output: true });
    expect(rows.t!.differs).toBe(false);
  });

  it('marks nothing missing while a run is still loading', () => {
    const rows = compareRows(['a', 'b'], [byId(task('a', 'done')), undefined]);
    expect(rows.map((r) => r.taskId)).toEqual(['a']);
    expect(rows[0]!.differs).toBe(false);
    expect(compareRows(['a'], [undefined, undefined])).toEqual([]);
  });

  it('compares more than two runs: a value differs when any run disagrees', () => {
    const one = byId(task('a', 'done'), task('b', 'done'));
    const two = byId(task('a', 'done'), task('b', 'done'));
    const three = byId(task('a', 'failed'));
    const rows = compareRows(['a', 'b'], [one, two, three]);
    expect(rows.map((r) => [r.taskId, r.cells.map((c) => c?.status)])).toEqual([
      ['a', ['done', 'done', 'failed']],
      ['b', ['done', 'done', undefined]],
    ]);
    expect(rows[0]!.diff).toEqual({ presence: false, status: true, agent: false, output: false });
    expect(rows[1]!.diff.presence).toBe(true);
    expect(compareRows(['a'], [one, two, one])[0]!.differs).toBe(false);
  });
});
