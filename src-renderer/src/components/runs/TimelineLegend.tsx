import { type ReactNode, useMemo } from 'react';
import { REUSED_REASON_PREFIX } from '../../../../src-shared/schemas/plain/run.ts';
import type { TaskRun } from '../../../../src-shared/schemas/run.ts';

/** A kind of mark on the timeline: its swatch, its word in the legend, and what it means in full. */
type MarkKind =
  | 'waited'
  | 'still'
  | 'person'
  | 'person-work'
  | 'done'
  | 'running'
  | 'failed'
  | 'idle'
  | 'retried'
  | 'tick';

const LEGEND: { swatch: MarkKind; word: string; text: string }[] = [
  { swatch: 'waited', word: 'waited', text: 'waited: from the run’s start until the task started' },
  { swatch: 'still', word: 'waiting', text: 'still waiting, for dependencies or an agent' },
  { swatch: 'person', word: 'for a person', text: 'waiting for a person (an approval)' },
  {
    swatch: 'person-work',
    word: 'a person working',
    text: 'a person working on it: a task a human agent took, while in progress',
  },
  { swatch: 'done', word: 'done', text: 'ran, done' },
  { swatch: 'running', word: 'running', text: 'running' },
  { swatch: 'failed', word: 'failed', text: 'ran, failed' },
  { swatch: 'idle', word: 'cancelled', text: 'ran, cancelled' },
  {
    swatch: 'retried',
    word: 'retried',
    text: 'retried: the bar is the last attempt, earlier ones are in the wait',
  },
  {
    swatch: 'tick',
    word: 'did not run',
    text: 'ended without running here (skipped, unassigned, reused from an earlier run)',
  },
];

/**
 * The kinds of mark the run's rows draw, so the legend names those and no others: `asked`, the
 * tasks a person was asked something about (an approval); `people`, the human agents.
 */
function marksOf(
  tasks: Record<string, TaskRun>,
  asked: ReadonlySet<string>,
  people: ReadonlySet<string>,
): Set<MarkKind> {
  const kinds = new Set<MarkKind>();
  for (const t of Object.values(tasks)) {
    const reused = t.reason?.startsWith(REUSED_REASON_PREFIX) ?? false;
    const ran = !!t.started_at && !reused;
    if (ran) {
      kinds.add('waited');
      if (t.status === 'done') kinds.add('done');
      else if (t.status === 'failed') kinds.add('failed');
      else if (t.status === 'in_progress') kinds.add('running');
      else kinds.add('idle');
      if (t.attempt > 1) kinds.add('retried');
      if (t.agent_id && people.has(t.agent_id)) kinds.add('person-work');
    } else if (t.finished_at) kinds.add('tick');
    else kinds.add(t.status === 'awaiting_approval' ? 'person' : 'still');
    if (asked.has(t.task_id)) kinds.add('person');
  }
  return kinds;
}

/**
 * What the bars, lines and marks of the timeline mean, on one line: a word for each kind the
 * run draws (its full meaning in the tooltip), and "Key" opens all of them in full.
 */
export function TimelineLegend({
  tasks,
  asked,
  people,
  children,
}: {
  tasks: Record<string, TaskRun>;
  asked: ReadonlySet<string>;
  people: ReadonlySet<string>;
  /** The zoom's controls, at the bar's end. */
  children?: ReactNode;
}) {
  const shown = useMemo(() => marksOf(tasks, asked, people), [tasks, asked, people]);
  return (
    <div className="timeline-legend-bar small muted">
      <ul className="timeline-legend" aria-label="Timeline legend">
        {LEGEND.filter((l) => shown.has(l.swatch)).map((l) => (
          <li key={l.swatch} title={l.text}>
            <span className={`swatch swatch-${l.swatch}`} aria-hidden />
            {l.word}
          </li>
        ))}
      </ul>
      <details className="timeline-key">
        <summary>Key</summary>
        <ul aria-label="Timeline key">
          {LEGEND.map((l) => (
            <li key={l.swatch}>
              <span className={`swatch swatch-${l.swatch}`} aria-hidden />
              {l.text}
            </li>
          ))}
        </ul>
      </details>
      {children}
    </div>
  );
}
