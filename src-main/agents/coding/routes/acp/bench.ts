// Not a test: how fast the ACP route turns `session/update` messages into steps, beside the stream
// parsers (../streams/bench.ts). Run it with
//   node_modules/.bin/node src-main/agents/coding/routes/acp/bench.ts [messages]
// A session of JSON-RPC lines as an agent sends them (agent message chunks, a tool call, its
// update with a diff, a plan, again and again with unique ids), each parsed and handed to
// `AcpTrace` as the client side does; JSON.parse alone on the same lines for scale.
import { performance } from 'node:perf_hooks';
import type { SessionNotification } from '@agentclientprotocol/sdk';
import { acpSession as session } from './bench-session.ts';
import { AcpTrace } from './trace.ts';

const TOTAL = Number(process.argv[2] ?? 50_000);
const RUNS = 5;

const median = (v: number[]) => [...v].sort((a, b) => a - b)[Math.floor(v.length / 2)]!;
const lines = session(TOTAL);
const bytes = lines.reduce((n, l) => n + Buffer.byteLength(l) + 1, 0);
const traceTimes: number[] = [];
const jsonTimes: number[] = [];
let steps = 0;
for (let run = 0; run <= RUNS; run++) {
  let t = performance.now();
  const trace = new AcpTrace({ startSeq: 1, now: Date.now });
  let n = 0;
  for (const line of lines) n += trace.update((JSON.parse(line).params as SessionNotification).update).length;
  n += trace.endTurn().length;
  const traced = performance.now() - t;
  t = performance.now();
  for (const line of lines) JSON.parse(line);
  const json = performance.now() - t;
  if (run === 0) continue; // warm-up
  steps = n;
  traceTimes.push(traced);
  jsonTimes.push(json);
}
const ms = median(traceTimes);
console.log(
  [
    `acp: ${lines.length} messages, ${(bytes / 1e6).toFixed(1)} MB, ${steps} steps`,
    `${Math.round(lines.length / (ms / 1000)).toLocaleString('en')} messages/s into steps (parse included)`,
    `${Math.round(lines.length / (median(jsonTimes) / 1000)).toLocaleString('en')} lines/s JSON.parse alone`,
    `${ms.toFixed(0)} ms; median of ${RUNS} runs after a warm-up; node ${process.version}`,
  ].join('\n'),
);
