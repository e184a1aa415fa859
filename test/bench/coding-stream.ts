// A long JSON event stream of one coding CLI, made from the stream it really printed
// (test/coding-agents/streams/<cli>-edit.jsonl, captured by probe.ts): its first line (the
// session start), then its middle lines (messages, tool calls and results, usage) again and
// again, then its last line (the result), so a parser sees what a long session prints. The ids
// that tie a tool call to its result are renamed per repetition, so each call stays one step.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { CodingCli } from '../../src-shared/schemas/agent.ts';

const STREAMS = join(import.meta.dirname, '..', 'coding-agents', 'streams');

/** Strings that name one call, item or part: `toolu_call_1_0`, `call_1_0`, `item_1`, `prt_…`, `msg_…`. */
const ID = /^(toolu_|call_|item_|prt_|msg_)/;

function renamed(value: unknown, round: number): unknown {
  if (typeof value === 'string') return ID.test(value) ? `${value}-r${round}` : value;
  if (Array.isArray(value)) return value.map((v) => renamed(v, round));
  if (value !== null && typeof value === 'object')
    return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, renamed(v, round)]));
  return value;
}

/** At least `lines` lines of `cli`'s stream (a whole number of repetitions of its middle). */
export function longStream(cli: CodingCli, lines: number): string[] {
  const recorded = readFileSync(join(STREAMS, `${cli}-edit.jsonl`), 'utf8')
    .trimEnd()
    .split('\n');
  // opencode prints no session start or result line of its own: every line is the middle.
  const ends = cli === 'opencode' ? 0 : 1;
  const head = recorded.slice(0, ends);
  const tail = ends === 0 ? [] : recorded.slice(-1);
  const middle = recorded.slice(ends, recorded.length - ends).map((l) => JSON.parse(l) as unknown);
  const out = [...head];
  for (let round = 0; out.length + tail.length < lines; round++)
    for (const event of middle) out.push(JSON.stringify(renamed(event, round)));
  return [...out, ...tail];
}
