// A person's message to a running coding agent, over the real host: `runs.say` as the UI sends it
// (the contract's WebSocket of a real `baton serve`) → the bytes on the agent's stdin. The agent is
// a Claude Code stream agent (`protocol: "stream"`, steered on its open `--input-format stream-json`
// stdin) whose CLI is `steer-cli.mjs`, a Node program in Baton's OS sandbox (where it can run here)
// that notes when each stdin line arrives; no model is called, so the model's time is not in it.
// Both sides read the machine's monotonic clock (`process.hrtime`), so the time runs from just
// before the request is sent to the line read in the agent's process. After `--warmup` messages,
// `--messages` one after another (each sent once the one before arrived); p50 / p99 / max of
// request → stdin, and of request → `runs.say` answered. It asserts nothing about a timing.
// Usage: node test/bench/steer-worker.ts [--messages 200] [--warmup 10] [--baton DIR] [--serve-log]
import {
  chmodSync,
  existsSync,
  mkdirSync,
  mkdtempSync,
  readFileSync,
  rmSync,
  watch,
  writeFileSync,
} from 'node:fs';
import { loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { sandboxStatus } from '../../src-main/sandbox/index.ts';
import { makeBenchRepository } from './bench-repo.ts';
import {
  cpuOf,
  figures,
  type LatencyFigures,
  type SocketClient,
  socketClient,
  startServe,
  stopServe,
} from './host-client.ts';
import { argInt, argStr } from './measure.ts';

export interface SteerFigures {
  /** Measured messages (after the warm-up). */
  messages: number;
  /** `runs.say` sent → its line read on the agent's stdin, ms. */
  toStdin: LatencyFigures | null;
  /** `runs.say` sent → its answer back on the socket, ms (information). */
  answered: LatencyFigures | null;
  /** CPU ms the serve process used over the measured messages, per message (/proc, 10 ms steps; null without it). */
  serveCpuPerMessageMs: number | null;
  /** Whether the agent's CLI ran in the OS sandbox, or why not. */
  sandbox: { on: true } | { on: false; why: string };
  /** The run ended completed (the agent got `end` and printed its result). */
  ok: boolean;
  /** Load average (1 min) before and after. */
  load: [number, number];
}

export const STEER_PREFIX = 'STEER_RESULT';

/** The Baton checkout whose `baton serve` runs: this one, or `--baton DIR` (another commit's worktree, for paired runs). */
const root = argStr('baton', join(import.meta.dirname, '..', '..'));
const MESSAGES = argInt('messages', 200);
const WARMUP = argInt('warmup', 10);
const showLog = process.argv.includes('--serve-log');

const tmp = mkdtempSync(join(tmpdir(), 'baton-steer-'));
const repo = join(tmp, 'repo');
/** Where the agent notes its stdin lines: outside the worktree, its sandbox's `write_allow`. */
const clock = join(tmp, 'clock');
const stdinLog = join(clock, 'stdin');

/** The lines the agent noted so far: when each arrived (ns, monotonic) and what it said. */
function arrivals(): { at: bigint; text: string }[] {
  if (!existsSync(stdinLog)) return [];
  return readFileSync(stdinLog, 'utf8')
    .split('\n')
    .filter((l) => l.includes(' '))
    .map((l) => {
      const at = l.slice(0, l.indexOf(' '));
      return { at: BigInt(at), text: JSON.parse(l.slice(at.length + 1)) as string };
    });
}

/**
 * Resolves with the arrival of the line saying `text` (null: the first line, the prompt), watching
 * the log (and reading it every 100 ms besides).
 */
function arrival(text: string | null, timeoutMs = 30_000): Promise<bigint> {
  return new Promise((resolve, reject) => {
    const look = () => {
      const hit = arrivals().find((a) => text === null || a.text === text);
      if (!hit) return;
      done();
      resolve(hit.at);
    };
    const watcher = watch(clock, look);
    const poll = setInterval(look, 100);
    const timer = setTimeout(() => {
      done();
      reject(new Error(`the agent's stdin had no line "${text ?? 'the prompt'}" within ${timeoutMs} ms`));
    }, timeoutMs);
    const done = () => {
      watcher.close();
      clearInterval(poll);
      clearTimeout(timer);
    };
    look();
  });
}

async function main(c: SocketClient, servePid: number | undefined): Promise<SteerFigures> {
  const must = async <T>(method: string, input: unknown): Promise<T> => {
    const r = await c.call(method, input);
    if (!r.ok) throw new Error(`${method}: ${JSON.stringify(r.error)}`);
    return r.value as T;
  };
  const status = await sandboxStatus();
  // Where no sandbox can run, the agent runs without one (said in the figures), not refused.
  const sandbox = status.available
    ? { write_allow: [clock] }
    : { mode: 'off' as const, write_allow: [clock] };
  const cli = join(tmp, 'claude.sh');
  writeFileSync(cli, `#!/bin/sh\nexec "$BENCH_NODE" "$BENCH_STEER_CLI" "$@"\n`);
  chmodSync(cli, 0o755);
  await must('workspaces.add', { id: 'bench', path: repo });
  await must('agents.import', {
    agents: [
      {
        id: 'steered',
        kind: 'coding',
        cli: 'claude',
        protocol: 'stream',
        skills: ['code'],
        executable: cli,
        // Never called: the agent answers no model.
        provider: { base_url: 'http://127.0.0.1:9' },
        env: {
          BENCH_NODE: process.execPath,
          BENCH_STEER_CLI: join(import.meta.dirname, 'steer-cli.mjs'),
          BENCH_STDIN_LOG: stdinLog,
        },
        sandbox,
      },
    ],
  });
  await must('plans.import', {
    plan: {
      plan_id: 'steer',
      workspace: 'bench',
      tasks: [{ task_id: 'talk', description: 'Wait for messages.', required_skills: ['code'] }],
    },
  });
  const ended = new Map<string, string>();
  c.onEvents((events) => {
    for (const e of events) {
      if (e.name !== 'run.updated') continue;
      const run = e.payload as { id: string; status: string };
      if (['completed', 'failed', 'cancelled'].includes(run.status)) ended.set(run.id, run.status);
    }
  });
  const { run_id } = await must<{ run_id: string }>('runs.start', { plan_id: 'steer' });
  // The CLI is up and reading: its prompt (the first message on its stdin) arrived.
  await arrival(null, argInt('start-timeout-ms', 120_000)).catch(async () => {
    const detail = await must<{ tasks: { status: string; error: string | null }[] }>('runs.get', { run_id });
    const steps = await must<unknown[]>('runs.steps', { run_id, task_id: 'talk' });
    throw new Error(
      `the agent's prompt never reached its stdin: the task is ${detail.tasks[0]?.status}, ${detail.tasks[0]?.error ?? 'no error said'}; its steps: ${JSON.stringify(steps).slice(0, 3000)}`,
    );
  });
  const how = await must<{ delivery: string } | null>('runs.listening', { run_id, task_id: 'talk' });
  if (how?.delivery !== 'this_turn')
    throw new Error(`the running agent takes messages as ${JSON.stringify(how)}`);

  const toStdin: number[] = [];
  const answered: number[] = [];
  let cpu0: number | null = null;
  for (let i = 0; i < WARMUP + MESSAGES; i++) {
    if (i === WARMUP) cpu0 = cpuOf(servePid);
    const text = `message ${i + 1}`;
    const sent = process.hrtime.bigint();
    await must('runs.say', { run_id, task_id: 'talk', text });
    const answer = process.hrtime.bigint();
    const at = await arrival(text);
    if (i < WARMUP) continue;
    toStdin.push(Number(at - sent) / 1e6);
    answered.push(Number(answer - sent) / 1e6);
  }
  const cpu1 = cpuOf(servePid);
  await must('runs.say', { run_id, task_id: 'talk', text: 'end' });
  const settleBy = Date.now() + 60_000;
  while (!ended.has(run_id) && Date.now() < settleBy) await new Promise((r) => setTimeout(r, 50));
  return {
    messages: MESSAGES,
    toStdin: figures(toStdin),
    answered: figures(answered),
    serveCpuPerMessageMs: cpu0 === null || cpu1 === null ? null : (cpu1 - cpu0) / MESSAGES,
    sandbox: status.available ? { on: true } : { on: false, why: status.problem },
    ok: ended.get(run_id) === 'completed',
    load: [0, 0],
  };
}

const load0 = loadavg()[0]!;
makeBenchRepository(repo, 20);
mkdirSync(clock);
const dataDir = join(tmp, 'data');
const serve = await startServe(root, dataDir, showLog, []);
const client = await socketClient(serve.url, serve.token);
try {
  const result = await main(client, serve.child.pid);
  result.load = [load0, loadavg()[0]!];
  console.log(`${STEER_PREFIX} ${JSON.stringify(result)}`);
} finally {
  client.close();
  await stopServe(serve.child);
  rmSync(tmp, { recursive: true, force: true });
}
