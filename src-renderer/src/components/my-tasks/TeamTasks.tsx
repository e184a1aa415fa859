import { useEffect, useMemo, useState } from 'react';
import type { PersonTask, TeamPerson } from '../../../../src-shared/contract/domains/work.ts';
import { useBaton } from '../../store/index.ts';
import { type Column, DataTable } from '../shared/DataTable.tsx';
import { RelativeTime, useListClock } from '../shared/RelativeTime.tsx';
import { taskKey } from '../shared/task-key.ts';
import { GiveBackDialog, ReassignDialog } from './HandoffDialogs.tsx';
import { TaskAsks } from './ReadyTasks.tsx';
import type { TeamGroup } from './team-groups.ts';
import { anyOf, groupTeam, personName, waitedText } from './team-groups.ts';

/**
 * Everyone's tasks: every task waiting for a person and every task a person holds, grouped by
 * person (then by the people a shared task waits for), each with how long it has waited; a task
 * can be reassigned from here, and one you hold given back.
 */
export function TeamTasks() {
  const team = useBaton((s) => s.team);
  const loadTeam = useBaton((s) => s.loadTeam);
  useEffect(() => {
    void loadTeam();
  }, [loadTeam]);
  const grouped = useMemo(() => (team ? groupTeam(team) : null), [team]);
  if (!team || !grouped) return <p className="muted">Reading everyone's tasks…</p>;
  if (team.people.length === 0)
    return (
      <div className="nothing-waits" role="note" aria-label="Nobody here">
        <p className="nothing-title">No people here yet.</p>
        <p>
          Tasks wait for people when a plan needs the skills of a human agent: register one on the Agents
          screen.
        </p>
      </div>
    );
  return (
    <>
      {grouped.groups.length === 0 && (
        <div className="nothing-waits" role="note" aria-label="Nothing waits for anyone">
          <p className="nothing-title">Nothing waits for a person, and nobody holds a task.</p>
        </div>
      )}
      {grouped.groups.map((g) => (
        <GroupTable key={g.key} group={g} />
      ))}
      {grouped.idle.length > 0 && (
        <p className="small muted team-idle">
          Nothing for{' '}
          {anyOf(
            grouped.idle.map((p) => ({
              id: p.id,
              name: `${personName(p)}${p.status === 'ONLINE' || p.status === 'BUSY' ? '' : ` (${p.status.toLowerCase()})`}`,
            })),
          ).replace(/ or ([^,]*)$/, ' and $1')}{' '}
          right now.
        </p>
      )}
    </>
  );
}

/** The columns of a person's tasks; each row draws itself (it opens its own dialogs). */
const TEAM_COLUMNS: readonly Column<PersonTask>[] = [
  { id: 'task', header: 'Task', width: 'team-col-task' },
  { id: 'asks', header: 'What it asks', width: '' },
  { id: 'plan', header: 'Plan', width: 'team-col-plan' },
  { id: 'state', header: 'State', width: 'team-col-state' },
  { id: 'waited', header: 'Waited', width: 'team-col-waited' },
  { id: 'actions', header: 'Actions', hiddenHeader: true, width: 'team-col-actions' },
];

/** One person's tasks (or a few people's shared ones) as a table. */
function GroupTable({ group }: { group: TeamGroup }) {
  const one = group.people.length === 1 ? group.people[0] : undefined;
  const title = one ? personName(one) : `Any of ${anyOf(group.people)}`;
  const held = group.tasks.filter((t) => t.held_by !== null).length;
  return (
    <section
      className="team-group"
      aria-label={one ? `Tasks of ${title}` : `Tasks for ${anyOf(group.people)}`}
    >
      <h3 className="inbox-sub team-head">
        {title}
        {one && <PersonState person={one} />}
        <span className="order-note">
          {' '}
          ·{' '}
          {[
            one ? `holds ${held || 'none'}` : '',
            group.tasks.length > held ? `${group.tasks.length - held} waiting` : '',
          ]
            .filter(Boolean)
            .join(', ')}
        </span>
      </h3>
      <DataTable
        label={title}
        className="ready-tasks team-tasks"
        columns={TEAM_COLUMNS}
        rows={group.tasks}
        rowKey={taskKey}
        row={(t) => <TeamRow task={t} people={group.people} />}
      />
    </section>
  );
}

/** A person's status beside their name when it keeps tasks from them. */
function PersonState({ person }: { person: TeamPerson }) {
  if (person.status === 'ONLINE' || person.status === 'BUSY') return null;
  return <span className={`pill person-state agent-${person.status}`}>{person.status.toLowerCase()}</span>;
}

function TeamRow({ task, people }: { task: PersonTask; people: readonly TeamPerson[] }) {
  const me = useBaton((s) => s.humanAgentId);
  const take = useBaton((s) => s.takeTask);
  const openRun = useBaton((s) => s.openRun);
  const clock = useListClock();
  const [handing, setHanding] = useState<'reassign' | 'give-back' | null>(null);
  const holder = people.find((p) => p.id === task.held_by);
  return (
    <tr aria-label={`Task ${task.task_id}`}>
      <th scope="row">
        <code>{task.task_id}</code>
      </th>
      <td className="ready-asks">
        <TaskAsks task={task} />
      </td>
      <td>
        <button
          type="button"
          className="link"
          title={`Show ${task.task_id} in its run`}
          onClick={() => void openRun(task.plan_id, task.run_id, task.task_id)}
        >
          {task.plan_id}
        </button>
      </td>
      <td className="nowrap">
        {task.held_by ? (
          <span className="pill status-in_progress">
            held by {holder ? personName(holder) : task.held_by}
          </span>
        ) : (
          <span className="pill status-ready">waiting to be taken</span>
        )}
      </td>
      <td className="nowrap">
        <span title={task.held_by ? 'Since it was taken' : 'Since it became ready'}>
          {waitedText(task.since, clock)}
        </span>
        <div className="muted small">
          <RelativeTime at={task.since} prefix={task.held_by ? 'taken' : 'ready'} />
        </div>
      </td>
      <td className="row-actions">
        {task.held_by === null && me !== null && task.people.includes(me) && (
          <button type="button" className="primary" onClick={() => void take(task)}>
            Take it
          </button>
        )}
        {task.held_by !== null && task.held_by === me && (
          <button type="button" onClick={() => setHanding('give-back')}>
            Give back…
          </button>
        )}
        <button type="button" onClick={() => setHanding('reassign')} aria-label={`Reassign ${task.task_id}…`}>
          Reassign…
        </button>
        {handing === 'reassign' && <ReassignDialog task={task} onClose={() => setHanding(null)} />}
        {handing === 'give-back' && <GiveBackDialog task={task} onClose={() => setHanding(null)} />}
      </td>
    </tr>
  );
}
