import type { PersonTask, TeamPerson, TeamTasks } from '../../../../src-shared/contract/domains/work.ts';

/** A group of Everyone's tasks: one person's (held, or waiting for them alone), or a few people's. */
export interface TeamGroup {
  key: string;
  /** The person, or the people any of whom may take the group's tasks. */
  people: TeamPerson[];
  tasks: PersonTask[];
}

/**
 * Everyone's tasks grouped by person: each person's group holds what they hold and what waits
 * for them alone (pinned to them, or nobody else has the skills), then a group for each set of
 * people a task waits for (any of them may take it). In each group what they hold comes first,
 * then the longest waiting. People no task waits for, holding none, come back apart (`idle`).
 */
export function groupTeam(team: TeamTasks): { groups: TeamGroup[]; idle: TeamPerson[] } {
  const byId = new Map(team.people.map((p) => [p.id, p]));
  const groups = new Map<string, TeamGroup>();
  for (const p of team.people) groups.set(p.id, { key: p.id, people: [p], tasks: [] });
  for (const t of team.tasks) {
    const ids = t.held_by ? [t.held_by] : [...t.people].sort();
    const key = ids.join(' ');
    let group = groups.get(key);
    if (!group) {
      const people = ids.map((id) => byId.get(id)).filter((p): p is TeamPerson => p !== undefined);
      group = { key, people, tasks: [] };
      groups.set(key, group);
    }
    group.tasks.push(t);
  }
  const shown = [...groups.values()].filter((g) => g.tasks.length > 0);
  for (const g of shown) g.tasks.sort(byHeldThenLongestWaiting);
  const busy = new Set(shown.flatMap((g) => g.people.map((p) => p.id)));
  return { groups: shown, idle: team.people.filter((p) => !busy.has(p.id)) };
}

function byHeldThenLongestWaiting(a: PersonTask, b: PersonTask): number {
  if ((a.held_by === null) !== (b.held_by === null)) return a.held_by === null ? 1 : -1;
  return (a.since ?? '').localeCompare(b.since ?? '');
}

/** A person as a heading names them: their name, else their id. */
export const personName = (p: Pick<TeamPerson, 'id' | 'name'>): string => p.name ?? p.id;

/** "Alice", "Alice or Bob", "Alice, Bob or Cy". */
export function anyOf(people: readonly Pick<TeamPerson, 'id' | 'name'>[]): string {
  const names = people.map(personName);
  return names.length <= 1 ? (names[0] ?? '') : `${names.slice(0, -1).join(', ')} or ${names.at(-1)}`;
}

/** How long something has waited, in the words a queue uses: "under a minute", "12 min", "3 h 5 min", "2 days". */
export function waitedText(since: string | null, now: number): string {
  if (!since) return '—';
  const ms = now - Date.parse(since);
  if (!Number.isFinite(ms)) return '—';
  const min = Math.floor(ms / 60_000);
  if (min < 1) return 'under a minute';
  if (min < 60) return `${min} min`;
  const h = Math.floor(min / 60);
  if (h < 24) return min % 60 === 0 ? `${h} h` : `${h} h ${min % 60} min`;
  const days = Math.floor(h / 24);
  return `${days} ${days === 1 ? 'day' : 'days'}`;
}

/**
 * Who a task may be handed to, and why not the others: every other person, those who lack one
 * of its skills, are away or hold all they may marked with the reason (the host says it too).
 */
export function handOptions(
  people: readonly TeamPerson[],
  task: Pick<PersonTask, 'required_skills' | 'held_by'>,
): { person: TeamPerson; why: string | null }[] {
  return people
    .filter((p) => p.id !== task.held_by)
    .map((person) => {
      const lacks = task.required_skills.filter((s) => !person.skills.includes(s));
      const why =
        lacks.length > 0
          ? `lacks ${lacks.join(', ')}`
          : person.status !== 'ONLINE' && person.status !== 'BUSY'
            ? person.status.toLowerCase()
            : person.holds >= person.max_concurrency
              ? `holds ${person.holds} of ${person.max_concurrency}`
              : null;
      return { person, why };
    });
}
