import { describe, expect, it } from 'vitest';
import { parsePlan } from '../../../src-shared/schemas/plan.ts';
import { draftPlan } from './rule-planner.ts';

describe('rule-based scope', () => {
  it('a goal sentence: research then an email that depends on it', () => {
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

  it('puts the sentence in the goal, a short name before it, and cuts the plan id between words', () => {
    const goal =
      'Research the best ultralight laptops for travelling engineers and draft an email to john@example.com';
    const { plan } = draftPlan(goal);
    expect(plan.goal).toBe(goal);
    expect(plan.name).toBe('Research the best ultralight laptops for travelling…');
    expect(plan.name!.length).toBeLessThanOrEqual(60);
    // Every part of the id is a whole word of the goal.
    expect(plan.plan_id).toBe('plan-research-the-best-ultralight-laptops-for');
    const words = new Set(goal.toLowerCase().split(/[^a-z0-9]+/));
    for (const part of plan.plan_id.slice('plan-'.length).split('-')) expect(words.has(part)).toBe(true);
    expect(draftPlan('summarize the logs').plan).toMatchObject({
      name: 'Summarize the logs',
      goal: 'summarize the logs',
    });
  });

  it("uses the registered agents' skills, and names the closest agent for a skill none has", () => {
    const agents = [
      { id: 'scout', skills: ['research', 'web_search'] },
      { id: 'mailer', skills: ['email'] },
      { id: 'linguist', skills: ['translation'] },
    ];
    const { plan, notes } = draftPlan(
      'research best laptops, then draft email to john@example.com, then translate the manual; also book a flight',
      { agents },
    );
    expect(plan.tasks.map((t) => [t.description, t.required_skills])).toEqual([
      ['Research best laptops', ['research']],
      // Communication is what the table calls it; the agent that writes mail calls it email.
      ['Draft email to john@example.com', ['email']],
      // Not in the table at all: the clause names an agent's skill.
      ['Translate the manual', ['translation']],
      ['Book a flight', ['purchase']],
    ]);
    expect(notes).toContain(
      'task-004 needs purchase, which no registered agent has, nor anything close: add the skill to an agent, or register one that has it.',
    );
    // A step that shares a skill with an agent names it as the closest.
    const partial = draftPlan('summarize the research papers', { agents });
    expect(partial.plan.tasks[0]!.required_skills).toEqual(['research', 'summarization']);
    expect(partial.notes).toContain(
      'task-001 needs summarization, which no registered agent has; the closest is scout (research, web_search): add the skill to it, or change the task.',
    );
  });

  it('says when no agents are registered, and keeps the general skill names', () => {
    const { plan, notes } = draftPlan('research best laptops', { agents: [] });
    expect(plan.tasks[0]!.required_skills).toEqual(['research']);
    expect(notes.join(' ')).toContain('No agents are registered yet');
  });
});
