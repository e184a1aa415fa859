import type { AgentOf } from '../../../src-shared/schemas/agent.ts';
import type { ExecutingKind, Executor, ExecutorEvent, TaskContext } from '../../engine/executor.ts';
import { executorFor } from '../../engine/executor.ts';
import { truncateText } from './line-splitter.ts';

const MB = 1024 * 1024;

/** Kinds whose output comes from outside Baton (`echo` answers with its own input). */
export type CappedKind = Exclude<ExecutingKind, 'echo'>;

/**
 * What one attempt may produce, per kind: `log` bytes of log and progress text (beyond it
 * the rest is dropped, with a last line saying so; `capOutput` does it for every kind) and
 * `result` bytes of what the agent answers (beyond it the attempt fails, naming the cap). The
 * result is measured where it is read, so that reading stops there: a program's `::result`
 * line (command-process.ts), a model's answer text (llm.ts), an http agent's JSON body
 * (http-request.ts). Larger results belong in files in the workspace (artifacts).
 */
export const OUTPUT_CAPS = {
  command: { log: 8 * MB, result: 1 * MB },
  http: { log: 8 * MB, result: 16 * MB },
  llm: { log: 8 * MB, result: 1 * MB },
  coding: { log: 8 * MB, result: 1 * MB },
} as const satisfies Record<CappedKind, { log: number; result: number }>;

/** A log line (or progress message) longer than this is cut, with a marker. */
export const MAX_LOG_LINE = 64 * 1024;
/** Room for that marker (`truncateText`): a line an executor already cut is not cut again. */
const MARKER_ROOM = 128;

/** `1 MB`, `64 KB`, or bytes when it is neither. */
export function formatBytes(n: number): string {
  if (n >= MB && n % MB === 0) return `${n / MB} MB`;
  if (n >= 1024 && n % 1024 === 0) return `${n / 1024} KB`;
  return `${n} bytes`;
}

/** The error of an attempt whose result is too large: `the answer passed the 1 MB result cap of llm agents`. */
export function resultCapError(kind: CappedKind, what = 'the answer'): string {
  return `${what} passed the ${formatBytes(OUTPUT_CAPS[kind].result)} result cap of ${kind} agents`;
}

/** Thrown by readers that stop at a cap; its message is the attempt's error as is. */
export class OutputCapError extends Error {
  override name = 'OutputCapError';
}

/** Size of text as stored (UTF-8). */
export const utf8Bytes = (text: string): number => Buffer.byteLength(text, 'utf8');

/**
 * Holds an attempt's log to its kind's cap, whatever its executor does: log lines and
 * progress messages are cut at MAX_LOG_LINE and, once their total passes the log cap, dropped
 * after one last `info` line. An error message (an agent's own words) is cut at MAX_LOG_LINE
 * too. Everything else passes as is.
 */
export async function* capOutput(
  kind: CappedKind,
  events: AsyncIterable<ExecutorEvent>,
): AsyncGenerator<ExecutorEvent, void> {
  const cap = OUTPUT_CAPS[kind].log;
  let logged = 0;
  let dropping = false;
  for await (const ev of events) {
    if (ev.type === 'log' || ev.type === 'progress') {
      if (dropping) continue;
      const capped = cutLine(ev);
      logged += 16 + (capped.type === 'log' ? utf8Bytes(capped.text) : utf8Bytes(capped.message ?? ''));
      if (logged > cap) {
        dropping = true;
        yield { type: 'log', stream: 'info', text: logCapNotice(kind, cap) };
        continue;
      }
      yield capped;
    } else if (ev.type === 'error' && tooLong(ev.message)) {
      yield { type: 'error', message: truncateText(ev.message, MAX_LOG_LINE) };
    } else {
      yield ev;
    }
  }
}

/** The last line of a log cut at its cap: `the log passed the 8 MB log cap of command agents: the rest is dropped`. */
export function logCapNotice(kind: string, cap: number): string {
  return `the log passed the ${formatBytes(cap)} log cap of ${kind} agents: the rest is dropped`;
}

type LogLike = Extract<ExecutorEvent, { type: 'log' | 'progress' }>;

const tooLong = (text: string) => text.length > MAX_LOG_LINE + MARKER_ROOM;

/** A log line or progress message cut at MAX_LOG_LINE, with a marker (one cut already is left as is). */
export function cutLine<E extends LogLike>(ev: E): E;
export function cutLine(ev: LogLike): LogLike {
  if (ev.type === 'log') return tooLong(ev.text) ? { ...ev, text: truncateText(ev.text, MAX_LOG_LINE) } : ev;
  return ev.message !== undefined && tooLong(ev.message)
    ? { ...ev, message: truncateText(ev.message, MAX_LOG_LINE) }
    : ev;
}

/** `executorFor`, with the kind's output caps applied to everything the executor yields. */
export function cappedExecutor<K extends CappedKind>(
  kind: K,
  start: (ctx: TaskContext<AgentOf<K>>, signal: AbortSignal) => AsyncIterable<ExecutorEvent>,
): Executor {
  return executorFor(kind, (ctx, signal) => capOutput(kind, start(ctx, signal)));
}
