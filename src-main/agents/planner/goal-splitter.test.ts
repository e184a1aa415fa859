import { describe, expect, it } from 'vitest';
import { asAction, splitGoal } from './goal-splitter.ts';
import { DEFAULT_SKILL_KEYWORDS } from './skill-keywords.ts';

const opts = { keywords: DEFAULT_SKILL_KEYWORDS, skills: ['translation'] };

/** A goal's steps as "text ← what it uses", the DAG's shape in a line each. */
const shape = (goal: string) =>
  splitGoal(goal, opts).map((s, _, all) =>
    s.after.length === 0 ? s.text : `${s.text} ← ${s.after.map((i) => all[i]!.text).join(' + ')}`,
  );

describe('a goal split into steps that run side by side or in order', () => {
  it.each([
    [
      'two of the same action, then one using both',
      'research laptops and research phones, then write a comparison',
      ['research laptops', 'research phones', 'write a comparison ← research laptops + research phones'],
    ],
    [
      '"A, B and C, then D": the list side by side, D after all three',
      'book flights, reserve a hotel and rent a car, then email the itinerary to the team',
      [
        'book flights',
        'reserve a hotel',
        'rent a car',
        'email the itinerary to the team ← book flights + reserve a hotel + rent a car',
      ],
    ],
    [
      'a list whose last item does something else uses the others',
      'research laptops, research phones and write a comparison',
      ['research laptops', 'research phones', 'write a comparison ← research laptops + research phones'],
    ],
    [
      '"in parallel" at the start',
      'In parallel, research laptops and research phones; then write a comparison',
      ['research laptops', 'research phones', 'write a comparison ← research laptops + research phones'],
    ],
    [
      '"in parallel" at the end',
      'draft the agenda and book the venue in parallel, then email the team',
      ['draft the agenda', 'book the venue', 'email the team ← draft the agenda + book the venue'],
    ],
    [
      '"while" runs beside',
      'draft the agenda while researching venues, then email the team',
      ['draft the agenda', 'researching venues', 'email the team ← draft the agenda + researching venues'],
    ],
    [
      'a bulleted list side by side, then a line after it',
      'Plan the launch:\n- research competitors\n- draft the announcement\n- book the venue\nThen email the team',
      [
        'research competitors',
        'draft the announcement',
        'book the venue',
        'email the team ← research competitors + draft the announcement + book the venue',
      ],
    ],
    [
      'a numbered list in order',
      '1. research competitors\n2. draft the announcement\n3. send it to the team',
      [
        'research competitors',
        'draft the announcement ← research competitors',
        'send it to the team ← draft the announcement',
      ],
    ],
    [
      '"then" keeps a chain',
      'research flights to Lisbon, then book the cheapest one, then email the booking to Ana',
      [
        'research flights to Lisbon',
        'book the cheapest one ← research flights to Lisbon',
        'email the booking to Ana ← book the cheapest one',
      ],
    ],
    [
      'different actions joined by "and" follow one another',
      'research best laptops and draft email to john@example.com',
      ['research best laptops', 'draft email to john@example.com ← research best laptops'],
    ],
    [
      '"X after Y" puts Y first',
      'write a comparison after researching laptops and phones',
      ['researching laptops and phones', 'write a comparison ← researching laptops and phones'],
    ],
    [
      'a leading "after"',
      'After researching laptops, write a comparison',
      ['researching laptops', 'write a comparison ← researching laptops'],
    ],
    [
      '"also" beside the step before it, "finally" after them both',
      'Research flights to Lisbon, then book the cheapest one; also notify the team. Finally celebrate',
      [
        'Research flights to Lisbon',
        'book the cheapest one ← Research flights to Lisbon',
        'notify the team ← Research flights to Lisbon',
        'celebrate ← book the cheapest one + notify the team',
      ],
    ],
    [
      'words without an action stay with their step',
      'research laptops, tablets and phones, then write a summary',
      ['research laptops, tablets and phones', 'write a summary ← research laptops, tablets and phones'],
    ],
    ['one step', 'research pros and cons of standing desks', ['research pros and cons of standing desks']],
    [
      "an agent's skill starts a step though the table has no word for it; asking words go",
      'please translate the manual, then publish it',
      ['translate the manual', 'publish it ← translate the manual'],
    ],
  ])('%s', (_, goal, expected) => {
    expect(shape(goal)).toEqual(expected);
  });

  it('reads a step that starts with an -ing form as an action', () => {
    const [step] = splitGoal('write a comparison after researching laptops', opts);
    expect(step).toMatchObject({ text: 'researching laptops', verb: 'researching' });
    expect(asAction(step!.text, step!.verb, opts)).toBe('research laptops');
    expect(asAction('writing the notes', 'writing', opts)).toBe('write the notes');
  });
});
