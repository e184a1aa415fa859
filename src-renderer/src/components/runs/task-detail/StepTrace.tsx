import { useVirtualizer } from '@tanstack/react-virtual';
import { useEffect, useLayoutEffect, useMemo, useRef, useState } from 'react';
import type { TaskRun } from '../../../../../src-shared/schemas/run.ts';
import type { Step } from '../../../../../src-shared/schemas/step.ts';
import { spendText } from '../../../format/cost.ts';
import { formatDuration } from '../../../format/duration.ts';
import { plural } from '../../../format/plural.ts';
import { blockedTotal } from '../../../steps/sandbox-blocked.ts';
import { stepTotals, tokens } from '../../../steps/step-book.ts';
import { useBaton } from '../../../store/index.ts';
import { stepsKey } from '../../../store/steps.ts';
import { StepRow } from './StepRow.tsx';

const NO_STEPS: readonly Step[] = [];
/** The trace's window on the list; rows past it are not drawn (an agent can take thousands of steps). */
const TRACE_HEIGHT = 440;

/**
 * What an agent that thinks in turns did (a coding CLI, an LLM using tools), step by step, per
 * attempt, live: read once when the task opens, then from `task.step` events. The list is
 * virtualised, so thousands of steps cost the rows on screen; it follows new steps while it
 * is scrolled to the end.
 */
export function StepTrace({ task, always }: { task: TaskRun; always: boolean }) {
  const watch = useBaton((s) => s.watchSteps);
  const unwatch = useBaton((s) => s.unwatchSteps);
  const key = stepsKey(task.run_id, task.task_id);
  const entry = useBaton((s) => s.steps[key]);
  useEffect(() => {
    void watch(task.run_id, task.task_id);
    return () => unwatch(task.run_id, task.task_id);
  }, [watch, unwatch, task.run_id, task.task_id]);
  const attempts = useMemo(
    () =>
      Object.keys(entry?.book ?? {})
        .map(Number)
        .sort((a, b) => a - b),
    [entry?.book],
  );
  const [picked, setPicked] = useState<number | null>(null);
  const attempt = picked ?? attempts[attempts.length - 1] ?? task.attempt;
  const steps = entry?.book[attempt] ?? NO_STEPS;
  const totals = useMemo(() => stepTotals(steps), [steps]);
  if (!always && (!entry?.loaded || attempts.length === 0)) return null;
  return (
    <div className="step-trace">
      <section aria-label={`Steps of ${task.task_id}`}>
        {attempts.length > 1 && (
          <label className="small step-attempt">
            Attempt{' '}
            <select value={attempt} onChange={(e) => setPicked(Number(e.target.value))}>
              {attempts.map((a) => (
                <option key={a} value={a}>
                  {a}
                  {a === attempts[attempts.length - 1] ? ' (latest)' : ''}
                </option>
              ))}
            </select>
          </label>
        )}
        {!entry?.loaded && steps.length === 0 ? (
          <p className="muted small">Loading…</p>
        ) : steps.length === 0 ? (
          <p className="muted small">No steps yet.</p>
        ) : (
          <>
            <output className="step-totals small" aria-label="Step totals">
              {plural(totals.steps, 'step')} · {plural(totals.tool_calls, 'tool call')}
              {totals.tool_failed > 0 && `, ${totals.tool_failed} failed`}
              {totals.running > 0 && `, ${totals.running} running`}
              {totals.awaiting > 0 && `, ${totals.awaiting} awaiting approval`} ·{' '}
              {tokens(totals.input_tokens)} in / {tokens(totals.output_tokens)} out
              {totals.cached_input_tokens > 0 && ` (${tokens(totals.cached_input_tokens)} cached)`} ·{' '}
              {spendText(totals.cost_usd, totals.unknown > 0, '$')}
              {totals.unknown > 0 && ` (${plural(totals.unknown, 'model call')} Baton could not see)`}
              {totals.unpriced > 0 && ` + ${totals.unpriced} unpriced`}
              {totals.errors > 0 && ` · ${plural(totals.errors, 'error')}`}
              {totals.blocked > 0 && ` · ${blockedTotal(totals.blocked, totals.blocked_by_candidate)}`}
              {totals.cache_writes > 0 &&
                ` · ${plural(totals.cache_writes, 'package cache write')} kept out (not a finding)`}
              {totals.span_ms !== null && ` · ${formatDuration(totals.span_ms)}`}
            </output>
            <StepList steps={steps} label={`Steps, attempt ${attempt}`} />
          </>
        )}
      </section>
    </div>
  );
}

function StepList({ steps, label }: { steps: readonly Step[]; label: string }) {
  const scroller = useRef<HTMLDivElement>(null);
  // Following the end until the person scrolls up; scrolling back to the end follows again.
  const following = useRef(true);
  const rows = useVirtualizer({
    count: steps.length,
    getScrollElement: () => scroller.current,
    estimateSize: () => 44,
    overscan: 8,
    getItemKey: (i) => steps[i]!.seq,
  });
  const since = steps.length > 0 ? Date.parse(steps[0]!.at) : 0;
  useLayoutEffect(() => {
    if (following.current && steps.length > 0) rows.scrollToIndex(steps.length - 1, { align: 'end' });
  }, [steps.length, rows]);
  const total = rows.getTotalSize();
  return (
    <div
      ref={scroller}
      className="step-scroller"
      style={{ height: Math.min(TRACE_HEIGHT, total) }}
      onScroll={(e) => {
        const el = e.currentTarget;
        following.current = el.scrollTop + el.clientHeight >= el.scrollHeight - 8;
      }}
    >
      <ol className="step-list" aria-label={label} style={{ height: total, position: 'relative' }}>
        {rows.getVirtualItems().map((v) => (
          <li
            key={v.key}
            ref={rows.measureElement}
            data-index={v.index}
            aria-setsize={steps.length}
            aria-posinset={v.index + 1}
            style={{ position: 'absolute', top: 0, left: 0, right: 0, transform: `translateY(${v.start}px)` }}
          >
            <StepRow step={steps[v.index]!} since={since} />
          </li>
        ))}
      </ol>
    </div>
  );
}
