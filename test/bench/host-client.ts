// What the bench's workers that talk to a real `baton serve` share: starting and stopping it, a
// contract client over its WebSocket (as the UI's), the serve process's CPU time, latency figures.
import type { ChildProcess } from 'node:child_process';
import { readFileSync } from 'node:fs';
import WebSocket from 'ws';
import type { WireResult } from '../../src-shared/contract/errors.ts';
import { SOCKET_PROTOCOL } from '../../src-shared/contract/socket-auth.ts';
import type { SocketCall } from '../../src-shared/contract/socket-frames.ts';
import { spawnServe } from './serve-spawn.ts';

export interface LatencyFigures {
  n: number;
  p50: number;
  p99: number;
  max: number;
}

/** A request with no answer within this is counted as dropped. */
export const CALL_TIMEOUT_MS = 30_000;

/** Starts `baton serve` and resolves with its URL and token once it prints them. */
export function startServe(
  root: string,
  dataDir: string,
  showLog: boolean,
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
export function stopServe(child: ChildProcess): Promise<void> {
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
export function cpuOf(pid: number | undefined): number | null {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    const f = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    return (Number(f[11]) + Number(f[12])) * 10;
  } catch {
    return null;
  }
}

/** Why a request got no answer. */
export class Dropped extends Error {}

/** A contract client over the host's WebSocket, as the UI's (one socket, every event batch). */
/**
 * A client over the contract's WebSocket. `eventsNamed`: the only events it reads; a batch naming
 * none of them is counted, not parsed (a load client that waits for its runs' ends need not parse
 * every task's update: in a shared bench process that parsing held the probe's replies back).
 */
export async function socketClient(url: string, token: string, eventsNamed?: string[]) {
  const wsUrl = new URL('ws', url);
  wsUrl.protocol = 'ws:';
  const ws = new WebSocket(wsUrl, [SOCKET_PROTOCOL], {
    headers: { authorization: `Bearer ${token}` },
    maxPayload: 64 * 1024 * 1024,
  });
  const pending = new Map<number, { resolve: (r: WireResult) => void; reject: (e: Error) => void }>();
  const listeners = new Set<(events: { name: string; payload: unknown }[]) => void>();
  let nextId = 1;
  /** Bytes of the event batches this socket was sent. */
  let eventBytes = 0;
  ws.on('message', (data) => {
    const size = (data as Buffer).length;
    if (eventsNamed && (data as Buffer).subarray(0, 10).toString() === '{"events":') {
      eventBytes += size;
      if (!eventsNamed.some((name) => (data as Buffer).includes(`"name":"${name}"`))) return;
    }
    const frame = JSON.parse(data.toString()) as {
      id?: number;
      result?: WireResult;
      events?: { name: string; payload: unknown }[];
    };
    if (frame.events) {
      if (!eventsNamed) eventBytes += size;
      for (const l of listeners) l(frame.events);
    }
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
    /** Bytes of the event batches this socket was sent so far. */
    eventBytes: () => eventBytes,
    onEvents(l: (events: { name: string; payload: unknown }[]) => void) {
      listeners.add(l);
    },
    close() {
      ws.terminate();
    },
  };
}
export type SocketClient = Awaited<ReturnType<typeof socketClient>>;

/** p50 / p99 / max of latencies in ms, or null for none. */
export function figures(ms: number[]): LatencyFigures | null {
  if (ms.length === 0) return null;
  const s = [...ms].sort((a, b) => a - b);
  const at = (q: number) => s[Math.min(s.length - 1, Math.ceil(q * s.length) - 1)]!;
  return { n: s.length, p50: at(0.5), p99: at(0.99), max: s[s.length - 1]! };
}
