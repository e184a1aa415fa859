import { describe, expect, it } from 'vitest';
import type { TaskRun } from '../../../../../src-shared/schemas/run.ts';
import { failedUpstream } from './retry-upstream.ts';

const graph: Record<string, string[]> = {
  report: ['merge'],
  merge: ['fetch', 'parse'],
  parse: ['fetch'],
  fetch: [],
  other: ['lost'],
  lost: [],
};

describe('failedUpstream', () => {
  const statuses = (s: Record<string, TaskRun['status']>) => (id: string) => s[id];

  it('walks up through skipped tasks to the failed one they wait on', () => {
    const status = statuses({ report: 'skipped', merge: 'skipped', parse: 'skipped', fetch: 'failed' });
    expect(failedUpstream('report', (id) => graph[id], status)).toEqual(['fetch']);
  });

  it('names every failed or unassigned task on the way, nearest first, and stops at them', () => {
    const status = statuses({ report: 'skipped', merge: 'failed', parse: 'unassigned', fetch: 'failed' });
    expect(failedUpstream('report', (id) => graph[id], status)).toEqual(['merge']);
    const status2 = statuses({ report: 'skipped', merge: 'skipped', parse: 'unassigned', fetch: 'failed' });
    expect(failedUpstream('report', (id) => graph[id], status2)).toEqual(['fetch', 'parse']);
  });

  it('finds nothing past a task that is done or when definitions are not loaded', () => {
    expect(failedUpstream('other', (id) => graph[id], statuses({ other: 'skipped', lost: 'done' }))).toEqual(
      [],
    );
    expect(failedUpstream('report', () => undefined, statuses({ fetch: 'failed' }))).toEqual([]);
  });
});
