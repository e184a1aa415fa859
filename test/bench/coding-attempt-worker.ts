// The coding agents' attempt figure: Baton's time around one coding attempt on a repository of
// 20,000 files (bench-repo.ts), split into git's part and the rest. Each attempt is a run of one
// coding task in a durable app (SQLite in WAL mode): worktree made, the CLI run, its stream parsed
// and stored, leftovers committed, the diff taken and stored, the run ended and the worktree
// parked (the engine's pool, worktree-pool.ts: after the warm-up each attempt takes the worktree
// the one before parked).
//   whole = runs.start → the run settled and its worktree parked;
//   git   = git's part: every git command Baton ran meanwhile, and deleting a removed
//           worktree's files (traceGit; one attempt at a time);
//   CLI   = the CLI process's own life (a wrapper notes its start and end);
//   rest  = whole − git − CLI: Baton's own work (run start, dispatch, prompt, spawn, parsing and
//           storing steps, events, the run's end).
// First with a CLI that answers at once (a shell script that writes 3 files and prints a stream
// the real CLI printed, test/coding-agents/streams/qwen-edit.jsonl): the rest and git figures.
// Then, when test/coding-agents is installed, each real CLI against a scripted model server
// answering at once: each CLI's own overhead beside Baton's. Asserts nothing.
// Usage: node test/bench/coding-attempt-worker.ts [--files 20000] [--attempts 10] [--cli-attempts 3]
import { chmodSync, existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { traceGit } from '../../src-main/agents/coding/workspaces/index.ts';
import type { BatonApp } from '../../src-main/app/create-app.ts';
import { createApp } from '../../src-main/app/create-app.ts';
import type { AgentInput, CodingCli } from '../../src-shared/schemas/agent.ts';
import { CODING_CLIS } from '../../src-shared/schemas/agent.ts';
import { makeBenchRepository } from './bench-repo.ts';
import { argInt } from './measure.ts';

export interface AttemptFigures {
  /** `replay` (a script answering at once) or the real CLI's name. */
  cli: string;
  attempts: number;
  wholeP50Ms: number;
  gitP50Ms: number;
  cliP50Ms: number;
  restP50Ms: number;
  restP90Ms: number;
  /** Where the whole goes, p50 of each leg (ms): start → in progress → CLI starts → CLI ends → done → run settled → worktree parked. */
  legsP50Ms: Record<string, number>;
  /** The rest within each leg (the leg less the git commands that ran in it), p50 ms. */
  restLegsP50Ms: Record<string, number>;
}

const FILES = argInt('files', 20_000);
const ATTEMPTS = argInt('attempts', 10);
const CLI_ATTEMPTS = argInt('cli-attempts', 3);
const REAL = !process.argv.includes('--no-real');
const root = mkdtempSync(join(tmpdir(), 'baton-coding-attempt-'));
const repo = join(root, 'repo');
const q = (xs: number[], p: number) =>
  [...xs].sort((a, b) => a - b)[Math.min(xs.length - 1, Math.floor(p * xs.length))]!;

/** A shell script as a CLI: notes its start and end in $BENCH_TIMES (epoch ns) around `body`. */
function script(name: string, body: string): string {
  const path = join(root, name);
  writeFileSync(
    path,
    `#!/bin/sh\ndate +%s%N >> "$BENCH_TIMES"\n${body}\nrc=$?\ndate +%s%N >> "$BENCH_TIMES"\nexit $rc\n`,
  );
  chmodSync(path, 0o755);
  return path;
}

const REPLAY = `printf '// changed by the agent\\n' > pkg1/src/file1.ts
printf 'export const added = true;\\n' > pkg2/src/new.ts
printf '# what the agent did\\n' > NOTES.md
cat "$BENCH_STREAM"`;

/** Runs `attempts` attempts of agent `agentId` one after the other; the first is a warm-up. */
async function measure(app: BatonApp, label: string, agentId: string, times: string, attempts: number) {
  const planId = `attempt-${agentId}`;
  await app.dispatch('plans.import', {
    plan: {
      plan_id: planId,
      workspace: 'bench',
      tasks: [{ task_id: 't', description: 'Change file1, add new.ts and NOTES.md.', agent: agentId }],
    },
  });
  const rows: {
    whole: number;
    git: number;
    cli: number;
    legs: Record<string, number>;
    restLegs: Record<string, number>;
  }[] = [];
  let marks: Record<string, number> = {};
  const unsubscribe = app.bus.subscribe((batch) => {
    const now = performance.now();
    for (const e of batch)
      if (e.name === 'task.updated' && (e.payload.status === 'in_progress' || e.payload.status === 'done'))
        marks[e.payload.status] ??= now;
  });
  for (let i = 0; i <= attempts; i++) {
    let git = 0;
    const spans: [number, number][] = [];
    traceGit((_c, ms) => {
      git += ms;
      const end = performance.now();
      spans.push([end - ms, end]);
    });
    writeFileSync(times, '');
    marks = {};
    const t0 = performance.now();
    const r = await app.dispatch('runs.start', { plan_id: planId });
    if (!r.ok) throw new Error(r.error.message);
    const runId = (r.value as { run_id: string }).run_id;
    const run = await app.engine.whenSettled(runId);
    const settled = performance.now();
    await app.coding.worktreesSettled();
    const whole = performance.now() - t0;
    traceGit(null);
    if (run.status !== 'completed') {
      const t = app.store.runs.task(runId, 't');
      throw new Error(`${label}: the run ended ${run.status}: ${t?.error ?? ''}`);
    }
    const [start, end] = readFileSync(times, 'utf8').trim().split('\n').map(Number);
    // The CLI's times are epoch ns; performance.now() is ms since timeOrigin.
    const cliStart = start! / 1e6 - performance.timeOrigin;
    const cliEnd = end! / 1e6 - performance.timeOrigin;
    const bounds: [string, number, number][] = [
      ['start → in progress', t0, marks.in_progress!],
      ['in progress → CLI starts', marks.in_progress!, cliStart],
      ['CLI ends → done', cliEnd, marks.done!],
      ['done → run settled', marks.done!, settled],
      ['run settled → worktree parked', settled, t0 + whole],
    ];
    // Git's time within [a, b] (its commands run one after another).
    const gitIn = (a: number, b: number) =>
      spans.reduce((sum, [s, e]) => sum + Math.max(0, Math.min(b, e) - Math.max(a, s)), 0);
    const legs = Object.fromEntries(bounds.map(([k, a, b]) => [k, b - a]));
    const restLegs = Object.fromEntries(bounds.map(([k, a, b]) => [k, b - a - gitIn(a, b)]));
    if (i > 0) rows.push({ whole, git, cli: (end! - start!) / 1e6, legs, restLegs });
  }
  unsubscribe();
  const rest = rows.map((x) => x.whole - x.git - x.cli);
  return {
    cli: label,
    attempts: rows.length,
    wholeP50Ms: q(
      rows.map((x) => x.whole),
      0.5,
    ),
    gitP50Ms: q(
      rows.map((x) => x.git),
      0.5,
    ),
    cliP50Ms: q(
      rows.map((x) => x.cli),
      0.5,
    ),
    restP50Ms: q(rest, 0.5),
    restP90Ms: q(rest, 0.9),
    legsP50Ms: Object.fromEntries(
      Object.keys(rows[0]!.legs).map((k) => [
        k,
        q(
          rows.map((x) => x.legs[k]!),
          0.5,
        ),
      ]),
    ),
    restLegsP50Ms: Object.fromEntries(
      Object.keys(rows[0]!.restLegs).map((k) => [
        k,
        q(
          rows.map((x) => x.restLegs[k]!),
          0.5,
        ),
      ]),
    ),
  } satisfies AttemptFigures;
}

async function main(): Promise<AttemptFigures[]> {
  makeBenchRepository(repo, FILES);
  const app = createApp({ dataDir: join(root, 'data'), log: () => {} });
  const figures: AttemptFigures[] = [];
  try {
    await app.dispatch('workspaces.add', { id: 'bench', path: repo });
    // The CLIs run in the OS sandbox: the one folder outside the worktree they write is the clock's.
    const clock = join(root, 'clock');
    mkdirSync(clock);
    const times = join(clock, 'times');
    const stream = join(import.meta.dirname, '..', 'coding-agents', 'streams', 'qwen-edit.jsonl');
    const replay: AgentInput = {
      id: 'replay',
      kind: 'coding',
      cli: 'qwen',
      skills: ['code'],
      executable: script('replay.sh', REPLAY),
      env: { BENCH_TIMES: times, BENCH_STREAM: stream },
      sandbox: { write_allow: [clock] },
    };
    await app.dispatch('agents.import', { agents: [replay] });
    figures.push(await measure(app, 'replay', 'replay', times, ATTEMPTS));
    console.error('replay: done');
    if (REAL) figures.push(...(await realClis(app, times)));
  } finally {
    await app.close();
  }
  return figures;
}

/** Each real CLI (test/coding-agents) against a scripted model server that answers at once. */
async function realClis(app: BatonApp, times: string): Promise<AttemptFigures[]> {
  const kit = join(import.meta.dirname, '..', 'coding-agents');
  if (!CODING_CLIS.every((c) => existsSync(join(kit, 'node_modules', '.bin', c)))) {
    console.error(
      'the real CLIs are not installed (npm ci --prefix test/coding-agents): their rows are skipped',
    );
    return [];
  }
  const { startServers, codingAgent, writeTurn } = await import('../coding-agents/baton-kit.ts');
  const servers = await startServers();
  const figures: AttemptFigures[] = [];
  try {
    for (const cli of CODING_CLIS satisfies readonly CodingCli[]) {
      servers.script(cli, [
        {
          name: 'bench',
          turns: [writeTurn(cli, 'NOTES.md', '# what the agent did\n'), { text: 'Wrote NOTES.md.' }],
        },
      ]);
      const agent = codingAgent(servers, cli) as AgentInput & {
        executable: string;
        env: Record<string, string>;
      };
      const wrapped = {
        ...agent,
        id: `real-${cli}`,
        executable: script(`${cli}.sh`, '"$BENCH_REAL_CLI" "$@"'),
        env: { ...agent.env, BENCH_TIMES: times, BENCH_REAL_CLI: agent.executable },
        sandbox: { write_allow: [dirname(times)] },
      };
      await app.dispatch('agents.import', { agents: [wrapped] });
      try {
        figures.push(await measure(app, cli, wrapped.id, times, CLI_ATTEMPTS));
      } catch (err) {
        console.error(`${cli}: ${(err as Error).message}`);
      }
      console.error(`${cli}: done`);
    }
  } finally {
    await servers.close();
  }
  return figures;
}

try {
  const figures = await main();
  console.log(`CODING_ATTEMPT_RESULT ${JSON.stringify({ files: FILES, figures })}`);
} finally {
  rmSync(root, { recursive: true, force: true });
}
