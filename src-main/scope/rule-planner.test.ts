import { describe, expect, it } from 'vitest';
import { parsePlan } from '../../src-shared/schemas/plan.ts';
import { draftPlan } from './rule-planner.ts';

describe('rule-based scope', () => {
  it('seed 003: research then an email that depends on it', () => {
    const { plan, notes } = draftPlan('research best laptops and draft email to john@example.com');
    expect(plan.tasks).toEqual([
      {
        task_id: 'task-001',
        description: 'Research best laptops',
        required_skills: ['research'],
        depends_on: [],
      },
      {
        task_id: 'task-002',
        description: 'Draft email to john@example.com',
        required_skills: ['communication'],
        depends_on: ['task-001'],
      },
    ]);
    expect(notes[0]).toMatch(/complex request: 2 tasks/);
    expect(parsePlan(plan).ok).toBe(true);
  });

  it('keeps a clause without an action with the step before it, and reads a simple request as one task', () => {
    const { plan } = draftPlan('research pros and cons of standing desks');
    expect(plan.tasks).toHaveLength(1);
    expect(plan.tasks[0]!.description).toBe('Research pros and cons of standing desks');
    expect(draftPlan('summarize the onboarding logs').notes[0]).toBe('A simple request: one task.');
  });

  it('follows sequencing words, runs "also" steps in parallel, and notes steps without a skill', () => {
    const { plan, notes } = draftPlan(
      'Research flights to Lisbon, then book the cheapest one; also notify the team. Finally celebrate',
    );
    expect(plan.tasks.map((t) => [t.description, t.required_skills, t.depends_on])).toEqual([
      ['Research flights to Lisbon', ['research'], []],
      ['Book the cheapest one', ['purchase'], ['task-001']],
      ['Notify the team', ['communication'], []],
      ['Celebrate', [], ['task-003']],
    ]);
    expect(notes).toContain(
      'task-004: no skill recognised in "celebrate"; add required_skills before running',
    );
  });

  it('uses a configurable keyword table', () => {
    const { plan } = draftPlan('translate the manual', {
      keywords: { translation: ['translate'] },
      plan_id: 'p1',
    });
    expect(plan).toMatchObject({ plan_id: 'p1', tasks: [{ required_skills: ['translation'] }] });
  });
});
