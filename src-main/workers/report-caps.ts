import type { WorkerEvent } from '../../src-shared/contract/domains/workers.ts';
import type { Step } from '../../src-shared/schemas/step.ts';
import { capInput, capText } from '../agents/coding/streams/caps.ts';
import { cutLine, formatBytes, logCapNotice, OUTPUT_CAPS, utf8Bytes } from '../agents/shared/output-caps.ts';
import type { ReportCap, ReportTally } from '../engine/worker-leases.ts';

/** A kind without a log cap of its own (echo) gets the smallest any kind has. */
const SMALLEST_LOG_CAP = Math.min(...Object.values(OUTPUT_CAPS).map((c) => c.log));

/** What a stored line costs beyond its text, as `capOutput` counts it. */
const ROW_BYTES = 16;

/**
 * Holds a worker's report to what Baton's own executors may store of one attempt: a worker's
 * token can send any number of reports, and its server stores what they carry. The worker runs
 * those executors itself, so an honest one never meets these caps; they bound one that does not.
 *
 * - Log lines and progress messages are cut at MAX_LOG_LINE and count toward the kind's log cap
 *   (`OUTPUT_CAPS`): past it they are dropped after one last line saying so, in the words of
 *   the app's own executors (`capOutput`).
 * - Steps have their text cut as a coding CLI's are (`MAX_STEP_TEXT`) and, as stored (JSON),
 *   count toward the same number of bytes of steps; usage steps and notes toward as many again,
 *   on their own, so that a long trace cut short still has its spend counted. Past either, the
 *   rest of that kind is dropped after one line saying so. A step sent again (a tool call that
 *   answered) counts again: that errs toward stopping sooner.
 */
export const capReport: ReportCap = (events, agent, tally) => {
  const kind = agent?.kind ?? 'worker';
  const cap = kind in OUTPUT_CAPS ? OUTPUT_CAPS[kind as keyof typeof OUTPUT_CAPS].log : SMALLEST_LOG_CAP;
  const kept: WorkerEvent[] = [];
  const take = (
    what: keyof ReportTally,
    bytes: number,
    ev: WorkerEvent,
    notice: typeof logCapNotice,
  ): void => {
    if (tally[what] > cap) return;
    tally[what] += bytes;
    kept.push(tally[what] > cap ? { type: 'log', stream: 'info', text: notice(kind, cap) } : ev);
  };
  for (const ev of events) {
    if (ev.type === 'log') {
      const cut = cutLine(ev);
      take('log', ROW_BYTES + utf8Bytes(cut.text), cut, logCapNotice);
    } else if (ev.type === 'progress') {
      const cut = cutLine(ev);
      take('log', ROW_BYTES + utf8Bytes(cut.message ?? ''), cut, logCapNotice);
    } else if (ev.type === 'usage') {
      take('usage', ROW_BYTES + 100 + utf8Bytes(ev.model), ev, spendCapNotice);
    } else {
      const step = cutStep(ev.step);
      const bytes = ROW_BYTES + utf8Bytes(JSON.stringify(step));
      if (step.kind === 'usage') take('usage', bytes, { type: 'step', step }, spendCapNotice);
      else take('steps', bytes, { type: 'step', step }, stepCapNotice);
    }
  }
  return kept;
};

function stepCapNotice(kind: string, cap: number): string {
  return `the steps passed the ${formatBytes(cap)} step cap of ${kind} agents on a worker: the rest are dropped`;
}

function spendCapNotice(kind: string, cap: number): string {
  return `the usage reports passed the ${formatBytes(cap)} usage cap of ${kind} agents on a worker: the rest are dropped, their spend not counted`;
}

/** A step with its text cut as a coding CLI's recorder cuts it (`MAX_STEP_TEXT`). */
function cutStep(step: Step): Step {
  switch (step.kind) {
    case 'message':
    case 'result':
      return { ...step, text: capText(step.text) };
    case 'error':
      return { ...step, message: capText(step.message) };
    case 'tool_call':
      return {
        ...step,
        input: capInput(step.input),
        output: step.output === null ? null : capText(step.output),
        error: step.error === null ? null : capText(step.error),
      };
    default:
      return step;
  }
}
