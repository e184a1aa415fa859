import { describe, expect, it } from 'vitest';
import type { SkillMatch } from '../../../../src-shared/contract/domains/scope.ts';
import { skillNote, withSkill } from './draft-review.ts';
import { planIdProblem } from './plan-id.ts';

const match = (more: Partial<SkillMatch>): SkillMatch => ({
  task_id: 't',
  asked: 'write',
  skill: 'email',
  how: 'alias',
  agents: ['mailer'],
  ...more,
});

describe("a draft's review", () => {
  it('says what is wrong with a plan id, in words', () => {
    const taken = (id: string) => id === 'compare-laptops';
    expect(planIdProblem('compare-laptops-2', taken)).toBeNull();
    expect(planIdProblem('', taken)).toBe('Give the plan an id.');
    expect(planIdProblem('has space', taken)).toBe('Plan id may contain only letters, digits and . _ : @ -.');
    expect(planIdProblem('compare-laptops', taken)).toBe(
      'A plan with the id compare-laptops exists already: choose another.',
    );
  });

  it("says how a task's skill was matched, that the person chose another, or that it has none", () => {
    expect(skillNote('email', match({}))).toEqual({
      text: 'write → email: what an agent calls it (mailer)',
      warn: false,
    });
    expect(skillNote('mail', match({ skill: 'mail', how: 'closest' }))).toEqual({
      text: 'write → mail: the closest skill an agent has (mailer)',
      warn: true,
    });
    expect(skillNote(undefined, match({ asked: 'book', skill: null, how: 'none', agents: [] }))).toEqual({
      text: 'book: no agent has anything close: pick a skill an agent has, or register one',
      warn: true,
    });
    expect(skillNote('research', match({}))).toEqual({ text: 'chosen by you', warn: false });
    expect(skillNote(undefined, match({}))).toEqual({
      text: 'No skill: any agent could take it. Pick the one it needs.',
      warn: true,
    });
  });

  it("sets a task's one skill, or none", () => {
    const plan = { plan_id: 'p', tasks: [{ task_id: 't', description: '', required_skills: ['a'] }] };
    expect(withSkill(plan, 't', 'b').tasks[0]!.required_skills).toEqual(['b']);
    expect(withSkill(plan, 't', '').tasks[0]!.required_skills).toEqual([]);
  });
});
