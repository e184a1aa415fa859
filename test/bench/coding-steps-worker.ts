// The coding agents' step figure: an agent printing 50,000 JSON lines, parsed and stored. For
// each coding CLI, its recorded stream made long (coding-stream.ts) goes
//   - through the CLI's parser alone (parserOf, as the stream route makes it): lines/s;
//   - through the parser and the engine into the step store: an executor parses the lines as
//     the coding executor does and yields each step; the engine stores every step (upserts in
//     the tick's transaction; like the coding executor, it does not wait for each commit) and
//     tells it on the bus (`task.step`, what a UI hears). Lines/s from the first line to the
//     attempt's result stored, and each step's delay from its line to the bus;
//   - through the parser into the step store directly, the steps of each 500 lines upserted in
//     one transaction: what the store itself could take if steps were committed in batches.
// A durable app (SQLite in WAL mode) in a temp dir. Asserts nothing.
// Usage: node test/bench/coding-steps-worker.ts [--lines N] [--cli claude,qwen] (default: every CLI)
//   [--chunk BYTES]: the event loop turns after each BYTES of lines, as a pipe gives them (default 0: all at once)
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parserOf } from '../../src-main/agents/coding/clis/captures.ts';
import { createApp } from '../../src-main/app/create-app.ts';
import type { Executor } from '../../src-main/engine/executor.ts';
import { CODING_CLIS, type CodingCli } from '../../src-shared/schemas/agent.ts';
import { longStream } from './coding-stream.ts';
import { argInt, argStr, cpuMsSince } from './measure.ts';

export interface CodingStepsFigure {
  cli: CodingCli;
  lines: number;
  steps: number;
  parsedLinesPerSec: number;
  storedLinesPerSec: number;
  /** The process's CPU time (all threads) per line through the engine: steadier than wall time on a shared machine. */
  storedCpuUsPerLine: number;
  /** Parsed and upserted straight into the store, one transaction per 500 lines. */
  batchedLinesPerSec: number;
  /** Steps in the store after the attempt (each step once, its latest version). */
  stored: number;
  /** From the line that made a step to the bus telling it, stored. */
  toBusP50Ms: number;
  toBusP99Ms: number;
}

const LINES = argInt('lines', 50_000);
const BATCH = 500;
const PIPE_CHUNK = argInt('chunk', 0);
const ONLY = argStr('cli', CODING_CLIS.join(',')).split(',');
const MODEL = {
  claude: 'claude-sonnet-4-5',
  codex: 'scripted-codex',
  opencode: 'scripted-opencode',
  qwen: 'scripted-qwen',
};
const q = (xs: number[], p: number) =>
  [...xs].sort((a, b) => a - b)[Math.min(xs.length - 1, Math.floor(p * xs.length))]!;

function parseAlone(cli: CodingCli, lines: string[]): { ms: number; steps: number } {
  const parser = parserOf(cli, { model: MODEL[cli], startSeq: 1 });
  let steps = 0;
  const t0 = performance.now();
  for (const l of lines) steps += parser.line(l).length;
  steps += parser.end({ code: 0, signal: null }).length;
  return { ms: performance.now() - t0, steps };
}

async function parseAndStore(cli: CodingCli, lines: string[]) {
  const dataDir = mkdtempSync(join(tmpdir(), 'baton-coding-steps-'));
  const made = new Map<number, number>();
  const toBus: number[] = [];
  let t0 = 0;
  let cpu0 = process.cpuUsage();
  const replay: Executor = {
    usesWorkspace: false,
    awaitsSteps: false, // as the coding executor

    async *start() {
      const parser = parserOf(cli, { model: MODEL[cli], startSeq: 1 });
      t0 = performance.now();
      cpu0 = process.cpuUsage();
      let chunk = 0;
      for (const l of lines) {
        // As a pipe gives them: the event loop turns between reads of PIPE_CHUNK bytes.
        chunk += l.length + 1;
        if (PIPE_CHUNK > 0 && chunk >= PIPE_CHUNK) {
          chunk = 0;
          await new Promise<void>((resolve) => setImmediate(resolve));
        }
        const at = performance.now();
        for (const step of parser.line(l)) {
          if (!made.has(step.seq)) made.set(step.seq, at);
          yield { type: 'step', step };
        }
      }
      for (const step of parser.end({ code: 0, signal: null })) yield { type: 'step', step };
      yield { type: 'result', output: parser.result?.text ?? '' };
    },
  };
  const app = createApp({ dataDir, log: () => {}, executors: { echo: replay } });
  try {
    app.bus.subscribe((batch) => {
      const now = performance.now();
      for (const e of batch) {
        if (e.name !== 'task.step') continue;
        const at = made.get(e.payload.seq);
        if (at !== undefined) {
          toBus.push(now - at);
          made.delete(e.payload.seq); // a later version of the step is not its first appearance
        }
      }
    });
    await app.dispatch('agents.import', { agents: [{ id: 'cli', skills: ['x'] }] });
    await app.dispatch('plans.import', {
      plan: { plan_id: 'steps', tasks: [{ task_id: cli, description: '', required_skills: ['x'] }] },
    });
    const r = await app.dispatch('runs.start', { plan_id: 'steps' });
    if (!r.ok) throw new Error(r.error.message);
    const runId = (r.value as { run_id: string }).run_id;
    const run = await app.engine.whenSettled(runId);
    const ms = performance.now() - t0;
    const cpuMs = cpuMsSince(cpu0);
    if (run.status !== 'completed') throw new Error(`the run ended ${run.status}`);
    const stored = app.store.steps.list(runId, cli).length;
    // The same lines into the store in batches (as attempt 2 of the same task).
    const parser = parserOf(cli, { model: MODEL[cli], startSeq: 1 });
    const b0 = performance.now();
    for (let i = 0; i < lines.length; i += BATCH) {
      const rows = lines
        .slice(i, i + BATCH)
        .flatMap((l) => parser.line(l))
        .map((step) => ({ ...step, run_id: runId, task_id: cli, attempt: 2, agent_id: 'cli' }));
      app.store.tx(() => app.store.steps.upsert(rows));
    }
    return { ms, cpuMs, stored, toBus, batchedMs: performance.now() - b0 };
  } finally {
    await app.close();
    rmSync(dataDir, { recursive: true, force: true });
  }
}

const figures: CodingStepsFigure[] = [];
for (const cli of CODING_CLIS.filter((c) => ONLY.includes(c))) {
  const lines = longStream(cli, LINES);
  parseAlone(cli, lines.slice(0, 2_000)); // warm-up
  const alone = parseAlone(cli, lines);
  const stored = await parseAndStore(cli, lines);
  figures.push({
    cli,
    lines: lines.length,
    steps: alone.steps,
    parsedLinesPerSec: (lines.length / alone.ms) * 1000,
    storedLinesPerSec: (lines.length / stored.ms) * 1000,
    storedCpuUsPerLine: (stored.cpuMs * 1000) / lines.length,
    batchedLinesPerSec: (lines.length / stored.batchedMs) * 1000,
    stored: stored.stored,
    toBusP50Ms: q(stored.toBus, 0.5),
    toBusP99Ms: q(stored.toBus, 0.99),
  });
  console.error(`${cli}: done`);
}
console.log(`CODING_STEPS_RESULT ${JSON.stringify(figures)}`);
