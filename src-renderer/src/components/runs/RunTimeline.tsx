import { useVirtualizer } from '@tanstack/react-virtual';
import { useMemo, useRef } from 'react';
import { useShallow } from 'zustand/react/shallow';
import type { ApprovalView } from '../../../../src-shared/schemas/approval.ts';
import { REUSED_REASON_PREFIX } from '../../../../src-shared/schemas/plain/run.ts';
import type { Run, TaskRun } from '../../../../src-shared/schemas/run.ts';
import { APPROVAL_KINDS } from '../../approvals/approval-kinds.ts';
import { formatDuration } from '../../format/duration.ts';
import { useBaton, useRunTasks, useSelectedTaskId } from '../../store/index.ts';
import { STATUS_LABEL } from '../shared/status-label.ts';
import { TimelineLegend } from './TimelineLegend.tsx';
import { ticksFor, windowTicks } from './timeline-ticks.ts';
import { useRunApprovals } from './use-run-approvals.ts';
import { useTimelineZoom } from './use-timeline-zoom.ts';
import { useWidth } from './use-width.ts';

const ROW = 24;
const NO_ASKS: ApprovalView[] = [];

/**
 * When each task waited and ran, on one time axis from the run's start (virtualised rows). A
 * person's time is drawn apart from agents': a human agent's work, and every wait for a person
 * to answer an approval, before or during an attempt. The axis zooms (buttons, Ctrl and the
 * wheel, a drag across it) and "Reset zoom" shows the whole run again.
 */
export function RunTimeline({ run, order }: { run: Run; order: string[] }) {
  const tasks = useRunTasks(run.id);
  const select = useBaton((s) => s.selectRunTask);
  const selected = useSelectedTaskId(run.id);
  const approvals = useRunApprovals(run.id);
  const humans = useBaton(useShallow((s) => s.agents.filter((a) => a.kind === 'human').map((a) => a.id)));
  const people = useMemo(() => new Set(humans), [humans]);
  const asked = useMemo(() => new Set(approvals.keys()), [approvals]);
  const scroller = useRef<HTMLDivElement>(null);
  const ticksRef = useRef<HTMLSpanElement>(null);
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
  const zoom = useTimelineZoom(run.id, span, ticksRef, scroller);
  const { from, to } = zoom.part;
  const pct = (ms: number) => `${Math.max(0, Math.min(100, ((ms - t0 - from) / (to - from)) * 100))}%`;
  /** Whether a mark from `a` to `b` (instants) shows in the part of the axis shown. */
  const shows = (a: number, b: number) => b >= t0 + from && a <= t0 + to;
  const axisWidth = useWidth(ticksRef);
  const ticks = useMemo(() => windowTicks(from, to, ticksFor(axisWidth)), [from, to, axisWidth]);
  const zoomed = zoom.view !== null;
  const shownWords = `+${formatDuration(from)} to +${formatDuration(to)} of ${formatDuration(span)}`;
  return (
    <section className="timeline" aria-label="Run timeline">
      <TimelineLegend tasks={tasks} asked={asked} people={people}>
        <fieldset className="timeline-zoom" aria-label="Zoom">
          {zoomed && (
            <span role="status" className="timeline-shown">
              Showing {shownWords}
            </span>
          )}
          <button
            type="button"
            className="small"
            onClick={zoom.zoomIn}
            title="Zoom in (or Ctrl and the wheel)"
          >
            Zoom in
          </button>
          <button type="button" className="small" onClick={zoom.zoomOut} disabled={!zoomed}>
            Zoom out
          </button>
          <button type="button" className="small" onClick={zoom.reset} disabled={!zoomed}>
            Reset zoom
          </button>
        </fieldset>
      </TimelineLegend>
      <div ref={scroller} className="timeline-rows">
        {/* In the scroller, so the ticks line up with the tracks whatever its scrollbar takes. */}
        <div
          className="timeline-axis small muted"
          role="img"
          aria-label={zoomed ? `Time axis, ${shownWords}` : `Time axis, 0 to ${formatDuration(span)}`}
          title="Drag across the axis to zoom to that time"
          {...zoom.axis}
        >
          <span className="timeline-ticks" ref={ticksRef}>
            {ticks.map((ms) => (
              <span key={ms} className="axis-tick" style={{ left: pct(t0 + ms) }}>
                {ms === 0 ? '0' : formatDuration(ms)}
              </span>
            ))}
            {zoom.brush && (
              <span
                className="axis-brush"
                style={{
                  left: pct(t0 + zoom.brush.from),
                  width: `calc(${pct(t0 + zoom.brush.to)} - ${pct(t0 + zoom.brush.from)})`,
                }}
              />
            )}
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
            // A person did the work: the task's agent is a human one.
            const personWork = start !== null && !!t?.agent_id && people.has(t.agent_id);
            // The waits for a person's answer; a task waiting for one from the start is all band already.
            const asks = person ? NO_ASKS : (approvals.get(id) ?? NO_ASKS);
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
              personWork,
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
                  {start !== null && start > t0 + from && (
                    <span className="wait" style={{ left: 0, width: pct(start) }} />
                  )}
                  {waiting && (
                    <span
                      className={`wait still${person ? ' person' : ''}`}
                      role="img"
                      aria-label={label}
                      style={{ left: 0, width: pct(end) }}
                    />
                  )}
                  {start !== null && stop !== null && shows(start, stop) && (
                    <span
                      className={`bar node-${t?.status}${retried ? ' retried' : ''}${personWork ? ' person-work' : ''}`}
                      role="img"
                      aria-label={label}
                      style={{ left: pct(start), width: `max(2px, calc(${pct(stop)} - ${pct(start)}))` }}
                    />
                  )}
                  {start === null && finished !== null && shows(finished, finished) && (
                    <span
                      className={`tick node-${t?.status}${reused ? ' reused' : ''}`}
                      role="img"
                      aria-label={label}
                      style={{ left: `min(${pct(finished)}, calc(100% - 3px))` }}
                    />
                  )}
                  {asks.map((a) => {
                    const asked = Date.parse(a.requested_at);
                    const answered = a.decided_at ? Date.parse(a.decided_at) : end;
                    if (!shows(asked, answered)) return null;
                    return (
                      <span
                        key={a.id}
                        className="ask person"
                        role="img"
                        aria-label={askLabel(id, a, t0, start, answered)}
                        style={{
                          left: pct(asked),
                          width: `max(3px, calc(${pct(answered)} - ${pct(asked)}))`,
                        }}
                      />
                    );
                  })}
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
  personWork: boolean;
  retried: boolean;
}): string {
  const parts = [`${r.id}: ${r.t ? STATUS_LABEL[r.t.status] : 'Pending'}`];
  if (r.reused) parts[0] += ' (reused from an earlier run)';
  if (r.retried && r.t) parts.push(`attempt ${r.t.attempt}`);
  if (r.start !== null) parts.push(`started at +${formatDuration(r.start - r.t0)}`);
  if (r.start !== null && r.stop !== null) {
    parts.push(
      `${r.personWork ? `${r.t?.agent_id} (a person) worked` : 'ran'} ${formatDuration(r.stop - r.start)}`,
    );
  }
  if (r.person) parts.push('waiting for a person to approve it');
  else if (r.waiting) parts.push('still waiting');
  if (r.start === null && r.finished !== null) {
    parts.push(`ended at +${formatDuration(r.finished - r.t0)} without running here`);
  }
  return parts.join(', ');
}

/** A wait for a person's answer in words: what was asked, when (before or during the attempt), how long. */
function askLabel(id: string, a: ApprovalView, t0: number, start: number | null, answered: number): string {
  const asked = Date.parse(a.requested_at);
  const when = start !== null && asked >= start ? 'during its attempt' : 'before it started';
  const waited = formatDuration(answered - asked);
  const answer = a.decided_at
    ? `${a.status} by ${a.actor ?? 'a person'} after ${waited}`
    : `still waiting after ${waited}`;
  return `${id}: waiting for a person: ${APPROVAL_KINDS[a.kind].label.toLowerCase()} asked at +${formatDuration(asked - t0)} ${when}, ${answer}`;
}
