import { describe, expect, it } from 'vitest';
import { wordSimilarity } from './agent-skills.ts';
import { checkSkills } from './llm-planner.ts';
import { matchSkill, matchText, wantedFor } from './skill-matcher.ts';

const agents = [
  { id: 'scout', skills: ['research', 'web_search'] },
  { id: 'postie', skills: ['mail'] },
  { id: 'linguist', skills: ['translation'] },
  { id: 'buyer', skills: ['purchase'] },
];
const write = { asked: 'write', skill: 'communication', family: wantedFor('communication').family };

describe('a step matched to a skill a registered agent has', () => {
  it.each([
    ['the very skill', { asked: 'research', skill: 'research', family: [] }, 'research', 'exact'],
    ['a skill the verb names', { asked: 'translate', skill: null, family: [] }, 'translation', 'exact'],
    ["an agent's name for it", write, 'email', 'alias', [{ id: 'mailer', skills: ['email'] }]],
    ["an agent's name for it, from the table's words", write, 'mail', 'alias'],
    [
      'the closest skill an agent has',
      write,
      'copywriting',
      'closest',
      [{ id: 'ink', skills: ['copywriting'] }],
    ],
    ['nothing close: no skill at all', { asked: 'paint', skill: null, family: [] }, null, 'none'],
  ])('%s', (_, wanted, skill, how, who = agents) => {
    expect(matchSkill(wanted, who)).toMatchObject({ skill, how });
  });

  it('never gives a skill no agent has, and says the match in words', () => {
    const summarize = wantedFor('summarization');
    expect(matchSkill({ ...summarize, asked: 'summarize' }, agents)).toEqual({
      skill: null,
      how: 'none',
      agents: [],
    });
    const closest = matchSkill(write, [{ id: 'ink', skills: ['copywriting'] }]);
    expect(matchText({ asked: 'write', ...closest })).toBe(
      'write → copywriting: the closest skill an agent has (ink)',
    );
    expect(matchText({ asked: 'write', ...matchSkill(write, agents) })).toBe(
      'write → mail: what an agent calls it (postie)',
    );
    expect(matchText({ asked: 'summarize', skill: null, how: 'none', agents: [] })).toBe(
      'summarize: no agent has anything close',
    );
  });

  it('without agents, uses the general name', () => {
    expect(matchSkill(write, [])).toEqual({ skill: 'communication', how: 'general', agents: [] });
  });

  it('measures how alike two words are', () => {
    expect(wordSimilarity('translate', 'translation')).toBe(1);
    expect(wordSimilarity('mail', 'email')).toBe(0.8);
    expect(wordSimilarity('write', 'copywriting')).toBe(0.8);
    expect(wordSimilarity('analyse', 'analyze')).toBe(0.7);
    expect(wordSimilarity('research', 'reset')).toBe(0);
    expect(wordSimilarity('write', 'mail')).toBe(0);
  });
});

describe("an llm planner's skills checked the same way", () => {
  it('keeps a registered skill, maps one no agent has to the closest, and takes off one with nothing close', () => {
    const { plan, notes, matches } = checkSkills(
      {
        plan_id: 'p',
        tasks: [
          { task_id: 'a', description: 'find laptops', required_skills: ['research'] },
          { task_id: 'b', description: 'write it up', required_skills: ['writing'] },
          { task_id: 'c', description: 'paint the cover', required_skills: ['painting'] },
        ],
      },
      agents,
    );
    expect(plan.tasks.map((t) => t.required_skills)).toEqual([['research'], ['mail'], []]);
    expect(matches.map((m) => [m.task_id, m.asked, m.skill, m.how])).toEqual([
      ['a', 'research', 'research', 'exact'],
      ['b', 'writing', 'mail', 'alias'],
      ['c', 'painting', null, 'none'],
    ]);
    expect(notes).toEqual([
      'b: the planner asked for writing, which no agent has: writing → mail: what an agent calls it (postie).',
      'c: the planner asked for painting, which no registered agent has, nor anything close: taken off; pick a skill an agent has, or register an agent that has it.',
    ]);
  });
});
