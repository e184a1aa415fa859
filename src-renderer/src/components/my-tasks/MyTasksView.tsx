import { useEffect, useMemo } from 'react';
import { useShallow } from 'zustand/react/shallow';
import type { Agent } from '../../../../src-shared/schemas/agent.ts';
import { useBaton } from '../../store/index.ts';
import { RouteLink } from '../shared/RouteLink.tsx';
import { ScreenHead } from '../shared/ScreenHead.tsx';
import { taskKey } from '../shared/task-key.ts';
import { useFocusAfterRemoval } from '../shared/use-focus-after-removal.ts';
import { HeldTask } from './HeldTask.tsx';
import { HowTasksCome } from './HowTasksCome.tsx';
import { ReadyTasks } from './ReadyTasks.tsx';
import { TeamTasks } from './TeamTasks.tsx';

/**
 * The tasks of the human agent you are: the ones you hold (answer or fail them), then the ones
 * waiting for someone with your skills, one row each, to take.
 */
export function MyTasksView() {
  const scope = useBaton((s) => s.tasksScope);
  return (
    <div className="page">
      <ScreenHead
        title="My tasks"
        about={
          scope === 'mine'
            ? 'Tasks that wait for a person: take one, then complete it with an answer (and files), or fail it.'
            : 'Every task waiting for a person, and every task a person holds, by person: hand one to someone else, or give back one you hold.'
        }
      >
        <ScopeSwitch />
      </ScreenHead>
      {scope === 'mine' ? (
        <MineTasks />
      ) : (
        <section className="inbox" aria-label="Everyone's tasks">
          <TeamTasks />
        </section>
      )}
    </div>
  );
}

/** Mine or Everyone's: which tasks the page lists. */
function ScopeSwitch() {
  const scope = useBaton((s) => s.tasksScope);
  const setScope = useBaton((s) => s.setTasksScope);
  return (
    <fieldset className="kind-filters scope-switch">
      <legend className="visually-hidden">Whose tasks</legend>
      <button
        type="button"
        className="kind-filter"
        aria-pressed={scope === 'mine'}
        onClick={() => setScope('mine')}
      >
        Mine
      </button>
      <button
        type="button"
        className="kind-filter"
        aria-pressed={scope === 'everyone'}
        onClick={() => setScope('everyone')}
      >
        Everyone's
      </button>
    </fieldset>
  );
}

/** The tasks of the human agent you are: held, then to take. */
function MineTasks() {
  const identity = useBaton((s) => s.identity);
  const humans = useBaton(useShallow((s) => s.agents.filter((a) => a.kind === 'human')));
  const me = humans.find((h) => h.id === identity?.agentId);
  const changeIdentity = useBaton((s) => s.changeIdentity);
  const inbox = useBaton((s) => s.inbox);
  const loadInbox = useBaton((s) => s.loadInbox);
  useEffect(() => {
    void loadInbox();
  }, [loadInbox]);
  const keys = useMemo(() => inbox.in_progress.map(taskKey), [inbox]);
  const focus = useFocusAfterRemoval(keys);
  const count = inbox.ready.length + inbox.in_progress.length;
  return (
    <section className="inbox" aria-label="My tasks">
      {me ? (
        <>
          <div className="inbox-head">
            <h2 ref={focus.heading} tabIndex={-1}>
              Tasks for {me.name ?? me.id} ({count})
            </h2>
            <WhoYouAre me={me} onChange={changeIdentity} />
          </div>
          {count === 0 && <NothingWaits me={me} />}
          {inbox.in_progress.length > 0 && (
            <>
              <h3 className="inbox-sub">In your hands ({inbox.in_progress.length})</h3>
              <ul className="cards approval-list" ref={focus.list} aria-label="Tasks you hold">
                {inbox.in_progress.map((t) => (
                  <HeldTask key={taskKey(t)} task={t} onFinish={focus.removing} />
                ))}
              </ul>
            </>
          )}
          {inbox.ready.length > 0 && <ReadyTasks tasks={inbox.ready} />}
        </>
      ) : (
        <div className="nothing-waits my-tasks-empty" role="note" aria-label="Who you are">
          <p className="nothing-title">My tasks: a plan's work for a person comes here.</p>
          <p>
            {humans.length === 0
              ? 'Tasks come here for agents of kind “human”: register one on the Agents screen (a person, with skills), and say it is you.'
              : identity
                ? `You are ${identity.name}, who is none of the human agents (${humans.map((h) => h.name ?? h.id).join(', ')}). Say which one you are to see their tasks.`
                : `Say who you are to see your tasks: ${humans.map((h) => h.name ?? h.id).join(', ')}.`}
          </p>
          {humans.length > 0 && (
            <button type="button" className="primary" onClick={changeIdentity}>
              Choose who you are…
            </button>
          )}
          <HowTasksCome />
        </div>
      )}
    </section>
  );
}

/** Who you are here, as a line beside the heading: the human agent, its skills, a way to change. */
function WhoYouAre({ me, onChange }: { me: Agent; onChange(): void }) {
  return (
    <p className="small muted who-you-are" role="note" aria-label="Whose tasks these are">
      The human agent <code>{me.id}</code>
      {me.skills.length > 0 && (
        <>
          , who covers{' '}
          {me.skills.map((s) => (
            <span key={s} className="pill">
              {s}
            </span>
          ))}
        </>
      )}{' '}
      ·{' '}
      <button type="button" className="link" onClick={onChange}>
        Not {me.name ?? me.id}?
      </button>
    </p>
  );
}

/** The empty inbox: what My tasks is for, how a task comes here, and where to change what comes. */
function NothingWaits({ me }: { me: Agent }) {
  const name = me.name ?? me.id;
  return (
    <div className="nothing-waits my-tasks-empty" role="note" aria-label="Nothing waits for you">
      <p className="nothing-title">Nothing waits for {name} right now.</p>
      <p>
        My tasks is where a plan's work for a person comes: a review, a sign-off, an answer only a person can
        give. Agents do the rest of the plan; its run waits for you here.
      </p>
      <HowTasksCome me={me} />
      <p className="small muted steps-foot">
        What reaches {name} depends on the skills on the agent.{' '}
        <RouteLink to={{ screen: 'agents', agentId: null }} className="link">
          See the agents and their skills
        </RouteLink>
      </p>
    </div>
  );
}
