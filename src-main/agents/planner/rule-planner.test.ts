import { describe, expect, it } from 'vitest';
import { parsePlan } from '../../../src-shared/schemas/plan.ts';
import { planIdOf, planNameOf } from './plan-naming.ts';
import { draftPlan } from './rule-planner.ts';

const agents = [
  { id: 'scout', skills: ['research', 'web_search'] },
  { id: 'mailer', skills: ['email'] },
  { id: 'linguist', skills: ['translation'] },
];

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
    expect(notes[0]).toBe(
      'A complex request: 2 tasks, one after another, each using the result of the one before.',
    );
    expect(parsePlan(plan).ok).toBe(true);
  });

  it('drafts a DAG where the goal has parallel parts: two researches side by side, then the comparison', () => {
    const { plan, notes } = draftPlan('research laptops and research phones, then write a comparison', {
      agents,
    });
    expect(plan.tasks.map((t) => [t.task_id, t.description, t.required_skills, t.depends_on])).toEqual([
      ['task-001', 'Research laptops', ['research'], []],
      ['task-002', 'Research phones', ['research'], []],
      ['task-003', 'Write a comparison', ['email'], ['task-001', 'task-002']],
    ]);
    expect(notes[0]).toBe(
      'A complex request: 3 tasks, task-001 and task-002 side by side, then task-003, each stage using the results of the one before.',
    );
    expect(plan).toMatchObject({
      plan_id: 'research-laptops-and-phones',
      name: 'Research laptops and research phones',
    });
  });

  it('keeps a clause without an action with the step before it, and reads a simple request as one task', () => {
    const { plan } = draftPlan('research pros and cons of standing desks');
    expect(plan.tasks).toHaveLength(1);
    expect(plan.tasks[0]!.description).toBe('Research pros and cons of standing desks');
    expect(draftPlan('summarize the onboarding logs').notes[0]).toBe('A simple request: one task.');
  });

  it('notes a step without an action it knows, and gives it no skill', () => {
    const { plan, notes } = draftPlan(
      'Research flights to Lisbon, then book the cheapest one. Finally celebrate',
    );
    expect(plan.tasks.map((t) => [t.description, t.required_skills, t.depends_on])).toEqual([
      ['Research flights to Lisbon', ['research'], []],
      ['Book the cheapest one', ['purchase'], ['task-001']],
      ['Celebrate', [], ['task-002']],
    ]);
    expect(notes).toContain('task-003: no action recognised in "celebrate"; give it a skill before running.');
  });

  it('uses a configurable keyword table', () => {
    const { plan } = draftPlan('translate the manual', {
      keywords: { translation: ['translate'] },
      plan_id: 'p1',
    });
    expect(plan).toMatchObject({ plan_id: 'p1', tasks: [{ required_skills: ['translation'] }] });
  });

  it('gives every task a skill a registered agent has, and none when nothing is close, saying so', () => {
    const { plan, notes, matches } = draftPlan(
      'research best laptops, then draft email to john@example.com, then translate the manual; also book a flight',
      { agents },
    );
    expect(plan.tasks.map((t) => [t.description, t.required_skills])).toEqual([
      ['Research best laptops', ['research']],
      // Communication is what the table calls it; the agent that writes mail calls it email.
      ['Draft email to john@example.com', ['email']],
      // Not in the table at all: the verb names an agent's skill.
      ['Translate the manual', ['translation']],
      // Nobody buys anything: no skill is made up for it.
      ['Book a flight', []],
    ]);
    expect(matches.map((m) => [m.task_id, m.asked, m.skill, m.how, m.agents])).toEqual([
      ['task-001', 'research', 'research', 'exact', ['scout']],
      ['task-002', 'draft', 'email', 'alias', ['mailer']],
      ['task-003', 'translate', 'translation', 'exact', ['linguist']],
      ['task-004', 'book', null, 'none', []],
    ]);
    expect(notes).toContain(
      'task-004: no registered agent can book (purchase), nor anything close, so it has no skill yet: pick one an agent has, or register an agent that can.',
    );
    const registered = new Set(agents.flatMap((a) => a.skills));
    for (const t of plan.tasks) for (const s of t.required_skills ?? []) expect(registered.has(s)).toBe(true);
  });

  it('says when no agents are registered, and keeps the general skill names', () => {
    const { plan, notes, matches } = draftPlan('research best laptops', { agents: [] });
    expect(plan.tasks[0]!.required_skills).toEqual(['research']);
    expect(matches[0]).toMatchObject({ how: 'general' });
    expect(notes.join(' ')).toContain('No agents are registered yet');
  });
});

describe("a draft's id and name", () => {
  it('makes a readable id of the goal: its first part, few words, no filler, no repeats or addresses', () => {
    expect(planIdOf('compare laptops and phones')).toBe('compare-laptops-and-phones');
    expect(planIdOf('Research the best ultralight laptops for travelling engineers and draft an email')).toBe(
      'research-ultralight-laptops-travelling',
    );
    expect(planIdOf('email john@example.com the notes from https://example.com/x')).toBe('email-notes');
    expect(planIdOf('the')).toBe('plan');
  });

  it('is unique among the stored plans', () => {
    const taken = new Set(['compare-laptops-and-phones', 'compare-laptops-and-phones-2']);
    expect(planIdOf('Compare laptops and phones', (id) => taken.has(id))).toBe(
      'compare-laptops-and-phones-3',
    );
    const { plan } = draftPlan('compare laptops and phones', { taken: (id) => taken.has(id) });
    expect(plan.plan_id).toBe('compare-laptops-and-phones-3');
  });

  it('names the plan with a short title and keeps the whole sentence as its goal', () => {
    const goal =
      'Research the best ultralight laptops for travelling engineers and draft an email to john@example.com';
    const { plan } = draftPlan(goal);
    expect(plan.goal).toBe(goal);
    expect(plan.name).toBe('Research the best ultralight laptops…');
    expect(planNameOf('summarize the logs')).toBe('Summarize the logs');
    expect(planNameOf('research laptops and research phones, then write a comparison')).toBe(
      'Research laptops and research phones',
    );
    expect(planNameOf('Plan the launch:\n- research competitors\n- book the venue')).toBe('Plan the launch');
  });
});
