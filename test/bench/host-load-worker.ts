// Whether `baton serve` keeps answering while the engine works. A real `baton serve` process on a
// temp data dir; two clients over the contract's WebSocket (as the UI and the CLI talk to a host)
// each import and start `--plans` plans of `--size` echo tasks back to back; a third client asks
// cheap questions the whole time, each kind one after another, the kinds side by side: `GET
// /api/health` over REST, `agents.list`, `approvals.list` and (information) `memory.search` over
// its own WebSocket (which gets every event batch, as a tab's does).
// Prints p50 / p99 / max of each, idle (before the load) and under the load, and how many
// requests ended without an answer (a dropped connection, a socket closed, no answer in 30 s).
// It asserts nothing about a timing.
// Usage: node test/bench/host-load-worker.ts [--plans 10] [--size 1000] [--gap-ms 10]
//   [--idle-ms 2000] [--cpu-prof DIR] (the serve process writes a V8 CPU profile there)
//   [--baton DIR] (another checkout's baton serve, for paired runs)
//   [--serve-flags "--flag …"] (more Node flags for the serve process) [--serve-log] (its output on stderr)
//   [--slow-log FILE] (each cheap request over 30 ms under the load: its kind and monotonic start
//   and end in µs, a JSON line each, for `cpu-callbacks.ts --windows FILE` to say what the serve
//   process's thread did meanwhile)
import { appendFileSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { layeredDag } from './dag.ts';
import {
  CALL_TIMEOUT_MS,
  cpuOf,
  Dropped,
  figures,
  type LatencyFigures,
  type SocketClient,
  socketClient,
  startServe,
  stopServe,
} from './host-client.ts';
import { argInt, argStr } from './measure.ts';

export type { LatencyFigures };

export interface HostLoadFigures {
  plans: number;
  size: number;
  /** The cheap requests with no load, and while the two clients started their plans and the runs went on. */
  idle: Record<ProbeKind, LatencyFigures | null>;
  load: Record<ProbeKind, LatencyFigures | null>;
  /** Requests (of every client) that ended without an answer: a dropped connection, a closed socket, 30 s without a reply. */
  dropped: number;
  requests: number;
  /** `plans.import` and `runs.start` as the two clients saw them, p50 / max ms. */
  importMs: LatencyFigures | null;
  startMs: LatencyFigures | null;
  /** From the first plan's import to every run settled. */
  loadMs: number;
  /** CPU time (user + system, all its threads) the serve process used meanwhile (/proc; null without it). */
  loadCpuMs: number | null;
  /** Bytes of event batches one client (the probe's socket, which gets every event) was sent under the load (information). */
  eventBytes: number;
  /** Every run ended completed. */
  ok: boolean;
  /** `baton serve` spawned → its URL line. */
  serveReadyMs: number;
}

export const HOST_LOAD_PREFIX = 'HOST_LOAD_RESULT';

/** The cheap requests the goal names, then `memory.search` (a build-log search, information). */
const PROBES = ['health', 'agents.list', 'approvals.list', 'memory.search'] as const;
/** What each probe asks (`health` is `GET /api/health`). */
const PROBE_INPUT: Record<Exclude<ProbeKind, 'health'>, unknown> = {
  'agents.list': {},
  'approvals.list': {},
  'memory.search': { query: 't999', limit: 20 },
};
export type ProbeKind = (typeof PROBES)[number];

/**
 * A search here costs ~10 ms of the host's thread on a quiet machine (snippets of the runs'
 * build logs, each naming 1,000 tasks): one after another they would be a load of their own, so
 * searches come as a person's would, a few a second.
 */
const SEARCH_GAP_MS = 250;
/** The Baton checkout whose `baton serve` runs: this one, or `--baton DIR` (another commit's worktree, for paired runs). */
const root = argStr('baton', join(import.meta.dirname, '..', '..'));

const plans = argInt('plans', 10);
const size = argInt('size', 1000);
const gapMs = argInt('gap-ms', 10);
const idleMs = argInt('idle-ms', 2000);
const profDir = argStr('cpu-prof', '');
const slowLog = argStr('slow-log', '');
/** A monotonic clock in µs, the one V8's CPU profile counts in. */
const monoUs = () => Number(process.hrtime.bigint() / 1000n);
const serveFlags = argStr('serve-flags', '').split(' ').filter(Boolean);
/** `--serve-log`: what the serve process writes to stderr goes to this one's. */
const showLog = process.argv.includes('--serve-log');

const dataDir = mkdtempSync(join(tmpdir(), 'baton-host-load-'));
const serve = await startServe(root, dataDir, showLog, [
  ...serveFlags,
  ...(profDir ? ['--cpu-prof', '--cpu-prof-dir', profDir] : []),
]);
let dropped = 0;
let requests = 0;
const clients: SocketClient[] = [];
try {
  const rest = async (path: string) => {
    requests++;
    try {
      const res = await fetch(new URL(path, serve.url), {
        headers: { authorization: `Bearer ${serve.token}` },
        signal: AbortSignal.timeout(CALL_TIMEOUT_MS),
      });
      await res.arrayBuffer();
      if (!res.ok) throw new Error(`${path}: HTTP ${res.status}`);
    } catch (err) {
      if (err instanceof Error && err.message.startsWith(`${path}: HTTP`)) throw err;
      throw new Dropped(String(err));
    }
  };
  const must = async (c: SocketClient, method: string, input: unknown) => {
    requests++;
    const r = await c.call(method, input);
    if (!r.ok) throw new Error(`${method}: ${JSON.stringify(r.error)}`);
    return r.value;
  };

  const probe = await socketClient(serve.url, serve.token);
  // The starters read only their runs' ends (`run.updated`); the probe reads every event, as a tab does.
  const starters = [
    await socketClient(serve.url, serve.token, ['run.updated']),
    await socketClient(serve.url, serve.token, ['run.updated']),
  ];
  clients.push(probe, ...starters);
  await must(starters[0]!, 'agents.import', {
    agents: [{ id: 'echo', kind: 'echo', skills: ['x'], max_concurrency: 1000 }],
  });

  /** Each kind of cheap request asked one after another (a `gapMs` pause between), the kinds side by side, until `stop` says so. */
  const probeUntil = async (stop: () => boolean): Promise<Record<ProbeKind, LatencyFigures | null>> => {
    const loop = async (kind: ProbeKind) => {
      const ms: number[] = [];
      while (!stop()) {
        const t = performance.now();
        const fromUs = monoUs();
        try {
          if (kind === 'health') await rest('/api/health');
          else await must(probe, kind, PROBE_INPUT[kind]);
          ms.push(performance.now() - t);
          if (slowLog && performance.now() - t > 30)
            appendFileSync(slowLog, `${JSON.stringify({ kind, fromUs, toUs: monoUs() })}\n`);
        } catch (err) {
          if (!(err instanceof Dropped)) throw err;
          dropped++;
        }
        await new Promise((r) => setTimeout(r, kind === 'memory.search' ? SEARCH_GAP_MS : gapMs));
      }
      return figures(ms);
    };
    const [health, agents, approvals, search] = await Promise.all(PROBES.map(loop));
    return {
      health: health!,
      'agents.list': agents!,
      'approvals.list': approvals!,
      'memory.search': search!,
    };
  };

  const idleEnd = performance.now() + idleMs;
  const idle = await probeUntil(() => performance.now() > idleEnd);

  // The load: each client imports a plan and starts its run, then the next, without waiting.
  const importMs: number[] = [];
  const startMs: number[] = [];
  const ended = new Map<string, string>();
  const runIds: string[] = [];
  for (const s of starters)
    s.onEvents((events) => {
      for (const e of events) {
        if (e.name !== 'run.updated') continue;
        const run = e.payload as { id: string; status: string };
        if (['completed', 'failed', 'cancelled'].includes(run.status)) ended.set(run.id, run.status);
      }
    });
  const tasks = layeredDag(size).tasks.map((t) => ({
    task_id: t.id,
    description: '',
    required_skills: ['x'],
    depends_on: t.deps,
  }));
  let starting = true;
  const cpu0 = cpuOf(serve.child.pid);
  const eventBytes0 = probe.eventBytes();
  const t0 = performance.now();
  const starting$ = Promise.all(
    starters.map(async (s, c) => {
      for (let i = 0; i < plans; i++) {
        const planId = `load-${c}-${i}`;
        let t = performance.now();
        try {
          await must(s, 'plans.import', { plan: { plan_id: planId, tasks } });
          importMs.push(performance.now() - t);
          t = performance.now();
          const { run_id } = (await must(s, 'runs.start', { plan_id: planId })) as { run_id: string };
          startMs.push(performance.now() - t);
          runIds.push(run_id);
        } catch (err) {
          if (!(err instanceof Dropped)) throw err;
          dropped++;
        }
      }
    }),
  ).finally(() => {
    starting = false;
  });
  const settled = () => !starting && runIds.every((id) => ended.has(id));
  const [load] = await Promise.all([probeUntil(settled), starting$]);
  const loadMs = performance.now() - t0;
  const cpu1 = cpuOf(serve.child.pid);
  const result: HostLoadFigures = {
    plans,
    size,
    idle,
    load,
    dropped,
    requests,
    importMs: figures(importMs),
    startMs: figures(startMs),
    loadMs,
    loadCpuMs: cpu0 === null || cpu1 === null ? null : cpu1 - cpu0,
    eventBytes: probe.eventBytes() - eventBytes0,
    ok: runIds.length === 2 * plans && runIds.every((id) => ended.get(id) === 'completed'),
    serveReadyMs: serve.readyMs,
  };
  console.log(`${HOST_LOAD_PREFIX} ${JSON.stringify(result)}`);
} finally {
  for (const c of clients) c.close();
  await stopServe(serve.child);
  rmSync(dataDir, { recursive: true, force: true });
}
