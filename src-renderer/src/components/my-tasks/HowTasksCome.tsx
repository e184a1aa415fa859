import type { Agent } from '../../../../src-shared/schemas/agent.ts';

/**
 * How a task comes to My tasks, in three steps across the empty page: a plan's task asks for a
 * person's skills, its run reaches it, and you take it and answer. Said with your skills once
 * Baton knows which human agent you are.
 */
export function HowTasksCome({ me }: { me?: Agent }) {
  const name = me ? (me.name ?? me.id) : 'you';
  return (
    <ol className="how-tasks-come" aria-label="How a task gets here">
      <li>
        <strong>A plan asks for a person</strong>
        <p>
          A task comes here when it needs{' '}
          {me && me.skills.length > 0 ? <b>{me.skills.join(', ')}</b> : 'the skills of a human agent'}
          {me ? (
            <>
              {' '}
              — the skills {name} covers — or is pinned to <code>{me.id}</code>.
            </>
          ) : (
            ' (an agent of kind “human”), or is pinned to one.'
          )}
        </p>
      </li>
      <li>
        <strong>Its run reaches it</strong>
        <p>
          Once the tasks it depends on are done it is ready, and waits here for {name}; the other branches go
          on meanwhile. The sidebar counts what waits.
        </p>
      </li>
      <li>
        <strong>{me ? `${name} takes it and answers` : 'You take it and answer'}</strong>
        <p>
          Take it to hold it, then complete it with an answer (and files) or fail it. The tasks after it go on
          with what was given.
        </p>
      </li>
    </ol>
  );
}
