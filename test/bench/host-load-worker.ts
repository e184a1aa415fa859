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
import type { ChildProcess } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import WebSocket from 'ws';
import type { WireResult } from '../../src-shared/contract/errors.ts';
import { SOCKET_PROTOCOL } from '../../src-shared/contract/socket-auth.ts';
import type { SocketCall } from '../../src-shared/contract/socket-frames.ts';
import { layeredDag } from './dag.ts';
import { argInt, argStr } from './measure.ts';
import { spawnServe } from './serve-spawn.ts';

export interface LatencyFigures {
  n: number;
  p50: number;
  p99: number;
  max: number;
}

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

const CALL_TIMEOUT_MS = 30_000;
/**
 * A search here costs ~10 ms of the host's thread on a quiet machine (snippets of the runs'
 * build logs, each naming 1,000 tasks): one after another they would be a load of their own, so
 * searches come as a person's would, a few a second.
 */
const SEARCH_GAP_MS = 250;
/** The Baton checkout whose `baton serve` runs: this one, or `--baton DIR` (another commit's worktree, for paired runs). */
const root = argStr('baton', join(import.meta.dirname, '..', '..'));

/** Starts `baton serve` and resolves with its URL and token once it prints them. */
function startServe(
  dataDir: string,
  nodeFlags: string[],
): Promise<{ url: string; token: string; child: ChildProcess; readyMs: number }> {
  const t0 = performance.now();
  const child = spawnServe(root, dataDir, nodeFlags);
  let out = '';
  let err = '';
  child.stderr!.on('data', (d: Buffer) => {
    err += d;
    if (showLog) process.stderr.write(d);
  });
  return new Promise((resolve, reject) => {
    child.stdout!.on('data', (d: Buffer) => {
      out += d;
      if (showLog) process.stderr.write(d);
      const m = /Baton is serving (http:\/\/\S+)\?token=(\S+)/.exec(out);
      if (m) resolve({ url: m[1]!, token: m[2]!, child, readyMs: performance.now() - t0 });
    });
    child.once('exit', (code) => reject(new Error(`baton serve exited with ${code}:\n${out}\n${err}`)));
  });
}

/** Stops the serve process with SIGTERM (so a CPU profile is written), killing it after 20 s. */
function stopServe(child: ChildProcess): Promise<void> {
  return new Promise((done) => {
    if (child.exitCode !== null || child.signalCode !== null) return done();
    const force = setTimeout(() => child.kill('SIGKILL'), 20_000);
    child.once('exit', () => {
      clearTimeout(force);
      done();
    });
    child.kill('SIGTERM');
  });
}

/** CPU ms a process has used so far (proc(5): utime + stime, clock ticks of 10 ms), or null. */
function cpuOf(pid: number | undefined): number | null {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    const f = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    return (Number(f[11]) + Number(f[12])) * 10;
  } catch {
    return null;
  }
}

/** Why a request got no answer. */
class Dropped extends Error {}

/** A contract client over the host's WebSocket, as the UI's (one socket, every event batch). */
async function socketClient(url: string, token: string) {
  const wsUrl = new URL('ws', url);
  wsUrl.protocol = 'ws:';
  const ws = new WebSocket(wsUrl, [SOCKET_PROTOCOL], {
    headers: { authorization: `Bearer ${token}` },
    maxPayload: 64 * 1024 * 1024,
  });
  const pending = new Map<number, { resolve: (r: WireResult) => void; reject: (e: Error) => void }>();
  const listeners = new Set<(events: { name: string; payload: unknown }[]) => void>();
  let nextId = 1;
  ws.on('message', (data) => {
    const frame = JSON.parse(data.toString()) as {
      id?: number;
      result?: WireResult;
      events?: { name: string; payload: unknown }[];
    };
    if (frame.events) for (const l of listeners) l(frame.events);
    if (typeof frame.id === 'number' && frame.result) {
      pending.get(frame.id)?.resolve(frame.result);
      pending.delete(frame.id);
    }
  });
  ws.on('close', () => {
    for (const p of pending.values()) p.reject(new Dropped('socket closed'));
    pending.clear();
  });
  ws.on('error', () => {});
  await new Promise<void>((resolve, reject) => {
    ws.once('open', () => resolve());
    ws.once('error', reject);
  });
  return {
    call(method: string, input: unknown): Promise<WireResult> {
      if (ws.readyState !== ws.OPEN) return Promise.reject(new Dropped('socket closed'));
      const id = nextId++;
      return new Promise((resolve, reject) => {
        const timer = setTimeout(() => {
          pending.delete(id);
          reject(new Dropped(`no answer to ${method} in ${CALL_TIMEOUT_MS} ms`));
        }, CALL_TIMEOUT_MS);
        pending.set(id, {
          resolve: (r) => {
            clearTimeout(timer);
            resolve(r);
          },
          reject: (e) => {
            clearTimeout(timer);
            reject(e);
          },
        });
        ws.send(JSON.stringify({ id, method, input } satisfies SocketCall));
      });
    },
    onEvents(l: (events: { name: string; payload: unknown }[]) => void) {
      listeners.add(l);
    },
    close() {
      ws.terminate();
    },
  };
}
type SocketClient = Awaited<ReturnType<typeof socketClient>>;

function figures(ms: number[]): LatencyFigures | null {
  if (ms.length === 0) return null;
  const s = [...ms].sort((a, b) => a - b);
  const at = (q: number) => s[Math.min(s.length - 1, Math.ceil(q * s.length) - 1)]!;
  return { n: s.length, p50: at(0.5), p99: at(0.99), max: s[s.length - 1]! };
}

const plans = argInt('plans', 10);
const size = argInt('size', 1000);
const gapMs = argInt('gap-ms', 10);
const idleMs = argInt('idle-ms', 2000);
const profDir = argStr('cpu-prof', '');
const serveFlags = argStr('serve-flags', '').split(' ').filter(Boolean);
/** `--serve-log`: what the serve process writes to stderr goes to this one's. */
const showLog = process.argv.includes('--serve-log');

const dataDir = mkdtempSync(join(tmpdir(), 'baton-host-load-'));
const serve = await startServe(dataDir, [
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
  const starters = [await socketClient(serve.url, serve.token), await socketClient(serve.url, serve.token)];
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
        try {
          if (kind === 'health') await rest('/api/health');
          else await must(probe, kind, PROBE_INPUT[kind]);
          ms.push(performance.now() - t);
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
    ok: runIds.length === 2 * plans && runIds.every((id) => ended.get(id) === 'completed'),
    serveReadyMs: serve.readyMs,
  };
  console.log(`${HOST_LOAD_PREFIX} ${JSON.stringify(result)}`);
} finally {
  for (const c of clients) c.close();
  await stopServe(serve.child);
  rmSync(dataDir, { recursive: true, force: true });
}
