import { useVirtualizer } from '@tanstack/react-virtual';
import { useMemo, useRef } from 'react';
import { REUSED_REASON_PREFIX, type Run, type TaskRun } from '../../../../src-shared/schemas/run.ts';
import { formatDuration } from '../../format/duration.ts';
import { useBaton, useRunTasks, useSelectedTaskId } from '../../store/index.ts';
import { STATUS_LABEL } from '../shared/status-label.ts';
import { timeTicks } from './timeline-ticks.ts';

const ROW = 24;

/** When each task waited and ran, on one time axis from the run's start (virtualised rows). */
export function RunTimeline({ run, order }: { run: Run; order: string[] }) {
  const tasks = useRunTasks(run.id);
  const select = useBaton((s) => s.selectRunTask);
  const selected = useSelectedTaskId(run.id);
  const scroller = useRef<HTMLDivElement>(null);
  const rows = useVirtualizer({
    count: order.length,
    getScrollElement: () => scroller.current,
    estimateSize: () => ROW,
    overscan: 20,
  });
  // A pass over every task: once per change of the tasks, not again on every selection.
  const lastFinish = useMemo(() => {
    let last = Number.NEGATIVE_INFINITY;
    for (const t of Object.values(tasks)) if (t.finished_at) last = Math.max(last, Date.parse(t.finished_at));
    return last;
  }, [tasks]);
  const t0 = Date.parse(run.created_at);
  const end = Math.max(run.finished_at ? Date.parse(run.finished_at) : Date.now(), lastFinish);
  const span = Math.max(1, end - t0);
  const pct = (ms: number) => `${Math.max(0, Math.min(100, ((ms - t0) / span) * 100))}%`;
  const ticks = useMemo(() => timeTicks(span), [span]);
  return (
    <section className="timeline" aria-label="Run timeline">
      <TimelineLegend tasks={tasks} />
      <div ref={scroller} className="timeline-rows">
        {/* In the scroller, so the ticks line up with the tracks whatever its scrollbar takes. */}
        <div
          className="timeline-axis small muted"
          role="img"
          aria-label={`Time axis, 0 to ${formatDuration(span)}`}
        >
          <span className="timeline-ticks">
            {ticks.map((ms) => (
              <span key={ms} className="axis-tick" style={{ left: pct(t0 + ms) }}>
                {ms === 0 ? '0' : formatDuration(ms)}
              </span>
            ))}
          </span>
        </div>
        <div style={{ height: rows.getTotalSize(), position: 'relative' }}>
          <span className="timeline-grid" aria-hidden>
            {ticks.map((ms) => (
              <span key={ms} className="gridline" style={{ left: pct(t0 + ms) }} />
            ))}
          </span>
          {rows.getVirtualItems().map((v) => {
            const id = order[v.index]!;
            const t = tasks[id];
            // A task reused from an earlier run did not run in this one.
            const reused = t?.reason?.startsWith(REUSED_REASON_PREFIX) ?? false;
            const start = t?.started_at && !reused ? Date.parse(t.started_at) : null;
            const finished = t?.finished_at ? Date.parse(t.finished_at) : null;
            const stop = finished ?? (start !== null ? end : null);
            // Not started and not ended: still waiting (for dependencies, an agent, an approval, a retry).
            const waiting = start === null && finished === null;
            // Waiting for a person (an approval) is told apart from waiting for dependencies or an agent.
            const person = waiting && t?.status === 'awaiting_approval';
            const retried = (t?.attempt ?? 0) > 1;
            const label = timelineLabel({
              id,
              t,
              t0,
              start,
              stop,
              finished,
              reused,
              waiting,
              person,
              retried,
            });
            return (
              <div
                key={id}
                className={`timeline-row${id === selected ? ' selected' : ''}`}
                title={label}
                style={{
                  position: 'absolute',
                  top: 0,
                  left: 0,
                  right: 0,
                  height: ROW,
                  transform: `translateY(${v.start}px)`,
                }}
              >
                {/* The button covers the whole row (see .timeline-select), so a click on the bar selects too. */}
                <button
                  type="button"
                  className="timeline-select"
                  aria-label={`Show task ${id}`}
                  aria-current={id === selected ? 'true' : undefined}
                  onClick={() => void select(run.id, id)}
                >
                  {id}
                </button>
                <span className="timeline-track">
                  {start !== null && <span className="wait" style={{ left: 0, width: pct(start) }} />}
                  {waiting && (
                    <span
                      className={`wait still${person ? ' person' : ''}`}
                      role="img"
                      aria-label={label}
                      style={{ left: 0, width: pct(end) }}
                    />
                  )}
                  {start !== null && stop !== null && (
                    <span
                      className={`bar node-${t?.status}${retried ? ' retried' : ''}`}
                      role="img"
                      aria-label={label}
                      style={{ left: pct(start), width: `max(2px, calc(${pct(stop)} - ${pct(start)}))` }}
                    />
                  )}
                  {start === null && finished !== null && (
                    <span
                      className={`tick node-${t?.status}${reused ? ' reused' : ''}`}
                      role="img"
                      aria-label={label}
                      style={{ left: `min(${pct(finished)}, calc(100% - 3px))` }}
                    />
                  )}
                </span>
              </div>
            );
          })}
        </div>
      </div>
    </section>
  );
}

/** What a row says in words (its tooltip and the bar's accessible name), durations as a person reads them. */
function timelineLabel(r: {
  id: string;
  t: TaskRun | undefined;
  t0: number;
  start: number | null;
  stop: number | null;
  finished: number | null;
  reused: boolean;
  waiting: boolean;
  person: boolean;
  retried: boolean;
}): string {
  const parts = [`${r.id}: ${r.t ? STATUS_LABEL[r.t.status] : 'Pending'}`];
  if (r.reused) parts[0] += ' (reused from an earlier run)';
  if (r.retried && r.t) parts.push(`attempt ${r.t.attempt}`);
  if (r.start !== null) parts.push(`started at +${formatDuration(r.start - r.t0)}`);
  if (r.start !== null && r.stop !== null) parts.push(`ran ${formatDuration(r.stop - r.start)}`);
  if (r.person) parts.push('waiting for a person to approve it');
  else if (r.waiting) parts.push('still waiting');
  if (r.start === null && r.finished !== null) {
    parts.push(`ended at +${formatDuration(r.finished - r.t0)} without running here`);
  }
  return parts.join(', ');
}

/** A kind of mark on the timeline: its swatch, its word in the legend, and what it means in full. */
type MarkKind = 'waited' | 'still' | 'person' | 'done' | 'running' | 'failed' | 'idle' | 'retried' | 'tick';

const LEGEND: { swatch: MarkKind; word: string; text: string }[] = [
  { swatch: 'waited', word: 'waited', text: 'waited: from the run’s start until the task started' },
  { swatch: 'still', word: 'waiting', text: 'still waiting, for dependencies or an agent' },
  { swatch: 'person', word: 'for a person', text: 'waiting for a person (an approval)' },
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

/** The kinds of mark the run's rows draw, so the legend names those and no others. */
function marksOf(tasks: Record<string, TaskRun>): Set<MarkKind> {
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
    } else if (t.finished_at) kinds.add('tick');
    else kinds.add(t.status === 'awaiting_approval' ? 'person' : 'still');
  }
  return kinds;
}

/**
 * What the bars, lines and marks of the timeline mean, on one line: a word for each kind the
 * run draws (its full meaning in the tooltip), and "Key" opens all of them in full.
 */
function TimelineLegend({ tasks }: { tasks: Record<string, TaskRun> }) {
  const shown = useMemo(() => marksOf(tasks), [tasks]);
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
    </div>
  );
}
