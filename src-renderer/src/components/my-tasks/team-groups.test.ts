import { describe, expect, it } from 'vitest';
import type { PersonTask, TeamPerson } from '../../../../src-shared/contract/domains/work.ts';
import { anyOf, groupTeam, handOptions, waitedText } from './team-groups.ts';

const person = (id: string, more: Partial<TeamPerson> = {}): TeamPerson => ({
  id,
  name: null,
  status: 'ONLINE',
  skills: ['sign'],
  holds: 0,
  max_concurrency: 1,
  ...more,
});
const task = (task_id: string, more: Partial<PersonTask>): PersonTask => ({
  run_id: 'r',
  plan_id: 'p',
  task_id,
  description: '',
  required_skills: ['sign'],
  priority: 'MEDIUM',
  deadline: null,
  status: 'ready',
  held_by: null,
  people: [],
  since: '2026-01-01T10:00:00.000Z',
  attempt: 0,
  ...more,
});

describe("everyone's tasks by person", () => {
  it("puts what a person holds and what waits for them alone in their group, shared tasks in the people's", () => {
    const people = [person('alice', { name: 'Alice' }), person('bob'), person('cy')];
    const { groups, idle } = groupTeam({
      people,
      tasks: [
        task('shared-late', { people: ['bob', 'alice'], since: '2026-01-01T11:00:00.000Z' }),
        task('only-alice', { people: ['alice'], since: '2026-01-01T09:00:00.000Z' }),
        task('held', {
          status: 'in_progress',
          held_by: 'alice',
          people: ['alice'],
          since: '2026-01-01T12:00:00.000Z',
        }),
        task('shared-early', { people: ['alice', 'bob'], since: '2026-01-01T08:00:00.000Z' }),
      ],
    });
    expect(groups.map((g) => [g.key, g.tasks.map((t) => t.task_id)])).toEqual([
      ['alice', ['held', 'only-alice']],
      ['alice bob', ['shared-early', 'shared-late']],
    ]);
    expect(anyOf(groups[1]!.people)).toBe('Alice or bob');
    // Bob holds nothing, but a task waits for him (and Alice): only Cy has nothing.
    expect(idle.map((p) => p.id)).toEqual(['cy']);
  });

  it('says how long a task waited in a queue’s words', () => {
    const at = Date.parse('2026-01-01T10:00:00.000Z');
    const since = (ms: number) => new Date(at - ms).toISOString();
    expect(waitedText(since(20_000), at)).toBe('under a minute');
    expect(waitedText(since(12 * 60_000), at)).toBe('12 min');
    expect(waitedText(since(185 * 60_000), at)).toBe('3 h 5 min');
    expect(waitedText(since(2 * 3_600_000), at)).toBe('2 h');
    expect(waitedText(since(50 * 3_600_000), at)).toBe('2 days');
    expect(waitedText(null, at)).toBe('—');
  });

  it('offers every other person, saying why one cannot take it', () => {
    const options = handOptions(
      [
        person('alice', { skills: ['sign', 'review'] }),
        person('bob'),
        person('cy', { status: 'AWAY', skills: ['review'] }),
        person('dee', { skills: ['review'], holds: 2, max_concurrency: 2 }),
        person('eve', { skills: ['review'], status: 'OFFLINE' }),
      ],
      { required_skills: ['review'], held_by: 'alice' },
    );
    expect(options.map((o) => [o.person.id, o.why])).toEqual([
      ['bob', 'lacks review'],
      ['cy', 'away'],
      ['dee', 'holds 2 of 2'],
      ['eve', 'offline'],
    ]);
  });
});
