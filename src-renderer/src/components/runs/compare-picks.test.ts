import { describe, expect, it } from 'vitest';
import type { Run } from '../../../../src-shared/schemas/run.ts';
import { comparedIds, nextRun, runName, runsInWords } from './compare-picks.ts';

const runs = ['r4', 'r3', 'r2', 'r1'].map((id) => ({ id }) as Run);

describe('the runs compared', () => {
  it('are the newest two, the older first, until runs are picked', () => {
    expect(comparedIds(undefined, runs)).toEqual(['r3', 'r4']);
    expect(comparedIds(['r1', 'gone'], runs)).toEqual(['r3', 'r4']);
    expect(comparedIds(['r1'], runs.slice(0, 1))).toEqual([]);
  });

  it('are the runs picked, in their order, leaving out those the plan does not have', () => {
    expect(comparedIds(['r1', 'gone', 'r4', 'r2'], runs)).toEqual(['r1', 'r4', 'r2']);
  });

  it('grow by the newest run not compared yet', () => {
    expect(nextRun(['r4', 'r3'], runs)).toBe('r2');
    expect(nextRun(['r4', 'r3', 'r2', 'r1'], runs)).toBe('r4');
  });

  it('are named in words', () => {
    expect(runName(2)).toBe('Third run');
    expect(runsInWords([0])).toBe('the first run');
    expect(runsInWords([0, 2])).toBe('the first and third runs');
    expect(runsInWords([0, 1, 3])).toBe('the first, second and fourth runs');
  });
});
