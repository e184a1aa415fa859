// Not a test: how fast each stream parser turns lines into steps. Run it with
//   node_modules/.bin/node src-main/agents/coding/streams/bench.ts [lines]
// It replays each CLI's captured edit, shell and resume streams (test/coding-agents/streams/)
// as one long session: the start events (init, thread) once, the other lines again and again
// with their tool-call and answer ids made unique, the final event once: 50,000 lines. For
// scale it also times JSON.parse alone on the same lines. The goal is 50,000 events/s
// parsed and stored end to end; parsing is only the first part of that.
import { performance } from 'node:perf_hooks';
import { CODING_CLIS, type CodingCli } from '../streams/parser.ts';
import { captureLines, parserOf } from './captures.ts';

const TOTAL = Number(process.argv[2] ?? 50_000);
const RUNS = 5;

function session(cli: CodingCli, total: number): string[] {
  const edit = captureLines(`${cli}-edit`).filter((line) => line.trim() !== '');
  // Ids made unique per capture, then per repetition.
  const body = ['edit', 'shell', 'resume']
    .flatMap((kind) => captureLines(`${cli}-${kind}`).map((line) => line.replace(IDS, `"$1_${kind}"`)))
    .filter((line) => line.trim() !== '' && !START_OR_END.test(line));
  const start = edit.filter(
    (line) => START_OR_END.test(line) && !/"type":"(result|turn\.completed)"/.test(line),
  );
  const end = edit.filter((line) => /"type":"(result|turn\.completed)"/.test(line));
  const lines = [...start];
  for (let rep = 0; lines.length < total - end.length; rep++)
    for (const line of body) {
      if (lines.length >= total - end.length) break;
      lines.push(line.replace(IDS, `"$1_${rep}"`));
    }
  return [...lines, ...end];
}

/** Tool-call, item and answer ids in the captures. */
const IDS = /"(toolu_call_\d+_\d+\w*|call_\d+_\d+\w*|item_\d+\w*|msg_\d+\w*)"/g;

/** The events that start (init, thread) or end a run: once each in the replayed session. */
const START_OR_END =
  /"type":"(system","subtype":"init|thread\.started|turn\.started|result|turn\.completed)"/;

function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.floor(sorted.length / 2)]!;
}

const rows: string[][] = [
  ['cli', 'lines', 'MB', 'steps', 'parser lines/s', 'JSON.parse lines/s', 'parser ms'],
];
for (const cli of CODING_CLIS) {
  const lines = session(cli, TOTAL);
  const bytes = lines.reduce((n, l) => n + Buffer.byteLength(l) + 1, 0);
  const parseTimes: number[] = [];
  const jsonTimes: number[] = [];
  let steps = 0;
  for (let run = 0; run <= RUNS; run++) {
    let t = performance.now();
    const parser = parserOf(cli, { model: 'gpt-5' });
    let n = 0;
    for (const line of lines) n += parser.line(line).length;
    n += parser.end({ code: 0, signal: null }).length;
    const parsed = performance.now() - t;
    t = performance.now();
    for (const line of lines) JSON.parse(line);
    const json = performance.now() - t;
    if (run === 0) continue; // warm-up
    steps = n;
    parseTimes.push(parsed);
    jsonTimes.push(json);
  }
  const ms = median(parseTimes);
  rows.push([
    cli,
    String(lines.length),
    (bytes / 1e6).toFixed(1),
    String(steps),
    Math.round(lines.length / (ms / 1000)).toLocaleString('en'),
    Math.round(lines.length / (median(jsonTimes) / 1000)).toLocaleString('en'),
    ms.toFixed(0),
  ]);
}

const widths = rows[0]!.map((_, i) => Math.max(...rows.map((r) => r[i]!.length)));
for (const row of rows) console.log(row.map((cell, i) => cell.padStart(widths[i]!)).join('  '));
console.log(`median of ${RUNS} runs after a warm-up; node ${process.version}`);
