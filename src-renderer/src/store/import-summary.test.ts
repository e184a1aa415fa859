import { describe, expect, it } from 'vitest';
import { agentsImported, planImported } from './import-summary.ts';

describe('what an import says it did', () => {
  it('names the agents imported, new ones apart from those it replaced', () => {
    const ids = (...xs: string[]) => xs.map((id) => ({ id }));
    expect(agentsImported(ids('ash', 'hal', 'scribe'), ids('scribe'))).toBe(
      'Imported 2 new agents: ash, hal; 1 agent updated: scribe.',
    );
    expect(agentsImported(ids('a', 'b', 'c', 'd', 'e', 'f'), [])).toBe(
      'Imported 6 new agents: a, b, c, d and 2 more.',
    );
    expect(agentsImported([], [])).toBe('The file had no agents: nothing was imported.');
  });

  it('names the plan, its id and its version', () => {
    const summary = { plan_id: 'report', name: 'Weekly report', version: 1, task_count: 3 };
    expect(planImported(summary)).toBe('Imported Weekly report (report): a new plan with 3 tasks.');
    expect(planImported({ ...summary, name: 'report', version: 4, task_count: 1 })).toBe(
      'Imported report: version 4 with 1 task.',
    );
  });
});
