import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DB_FILE } from '../../src-main/store/db.ts';
import { startServe } from '../e2e/serve-process.ts';
import { STACK_FRAME } from '../kit/host-kit.ts';
import type { HttpCase, Known } from './host-fuzz/requests.ts';
import { encode, httpCase, READ_METHODS } from './host-fuzz/requests.ts';
import { Rng } from './host-fuzz/rng.ts';
import type { SocketCase } from './host-fuzz/sockets.ts';
import { LAST_CALL, socketCase } from './host-fuzz/sockets.ts';
import { send, session } from './host-fuzz/wire.ts';

/**
 * A live `baton serve` attacked by seeded random requests: paths and % escapes, methods,
 * Host/Authorization/Cookie/Origin and odd headers, bodies, contract calls, WebSocket
 * upgrades and frames. At the end the process is alive, nothing answered 5xx or carried a
 * stack trace, nothing was logged as unexpected, and the store is exactly as before (the
 * generator sends only what must not write: see host-fuzz/requests.ts).
 * BATON_FUZZ_SEED and BATON_FUZZ_REQUESTS run other seeds and sizes.
 */
const SEED = Number(process.env.BATON_FUZZ_SEED ?? 0x13);
const HTTP_REQUESTS = Number(process.env.BATON_FUZZ_REQUESTS ?? 10_000);
const SOCKET_SESSIONS = Math.ceil(HTTP_REQUESTS / 20);
const PARALLEL = 16;
const examples = join(import.meta.dirname, '..', '..', 'resources', 'examples');

/** Every table's rows, to compare the store before and after. */
function storeSnapshot(dataDir: string): Record<string, string> {
  const db = new Database(join(dataDir, DB_FILE), { readonly: true, fileMustExist: true });
  try {
    const tables = db
      .prepare(
        "SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%' ORDER BY name",
      )
      .pluck()
      .all() as string[];
    return Object.fromEntries(
      tables.map((t) => [t, JSON.stringify(db.prepare(`SELECT * FROM "${t}"`).raw().all())]),
    );
  } finally {
    db.close();
  }
}

interface Failure {
  what: string;
  status?: number;
  excerpt: string;
  /** The request's first bytes (latin1), to reproduce it. */
  sent?: string;
}

describe('host fuzz: a live `baton serve` under seeded random requests', () => {
  let dataDir: string;
  let serve: Awaited<ReturnType<typeof startServe>>;
  let known: Known;
  let rpc: (method: string, input: unknown) => Promise<{ ok: boolean; value?: unknown }>;

  beforeAll(async () => {
    dataDir = mkdtempSync(join(tmpdir(), 'baton-fuzz-'));
    serve = await startServe(dataDir);
    const url = new URL(serve.url);
    const token = url.searchParams.get('token')!;
    rpc = async (method, input) => {
      const res = await fetch(new URL(`/api/rpc/${method}`, url), {
        method: 'POST',
        headers: { Authorization: `Bearer ${token}`, 'Content-Type': 'application/json' },
        body: JSON.stringify(input),
      });
      return (await res.json()) as { ok: boolean; value?: unknown };
    };
    // Something to read: agents, a plan, a finished run with its build log.
    const agents = JSON.parse(readFileSync(join(examples, 'agents.json'), 'utf8')).agents;
    await rpc('agents.import', { agents });
    const plan = JSON.parse(readFileSync(join(examples, 'onboarding-plan.json'), 'utf8'));
    await rpc('plans.import', { plan });
    const started = (await rpc('runs.start', { plan_id: plan.plan_id })).value as { run_id: string };
    let run: { status: string; memory_id: string; tasks: { task_id: string }[] };
    do {
      await new Promise((resolve) => setTimeout(resolve, 20));
      run = (await rpc('runs.get', { run_id: started.run_id })).value as typeof run;
    } while (run.status === 'executing');
    // Full-text indexes catch up lazily, at the first search (memory-repo.ts): bring them up
    // to date now, so the searches below find the store as it stays.
    await rpc('memory.search', { query: 'index', limit: 1 });
    await rpc('audit.list', { query: 'index', limit: 1 });
    known = {
      port: Number(url.port),
      token,
      ids: [
        plan.plan_id,
        started.run_id,
        run.memory_id,
        ...run.tasks.map((t) => t.task_id),
        ...agents.map((a: { id: string }) => a.id),
      ],
    };
  }, 60_000);
  afterAll(async () => {
    await serve?.stop();
    rmSync(dataDir, { recursive: true, force: true });
  });

  it(
    `survives ${HTTP_REQUESTS} requests and ${SOCKET_SESSIONS} WebSocket sessions (seed ${SEED}): alive, no 5xx, no stack, store unchanged`,
    async () => {
      const before = storeSnapshot(dataDir);
      const r = new Rng(SEED);
      const cases: ({ http: HttpCase; bytes: Buffer } | { socket: SocketCase })[] = [];
      for (let i = 0; i < HTTP_REQUESTS + SOCKET_SESSIONS; i++) {
        if (i % 21 === 20) cases.push({ socket: socketCase(r, known) });
        else {
          const c = httpCase(r, known);
          cases.push({ http: c, bytes: encode(c, r) });
        }
      }
      const failures: Failure[] = [];
      const tally = {
        requests: 0,
        sockets: 0,
        frames: 0,
        replies: 0,
        statuses: new Map<number, number>(),
        timedOut: 0,
        writes: 0,
      };
      const fail = (what: string, excerpt: string, status?: number, sent?: Buffer) => {
        if (failures.length >= 50) return void failures.length++;
        failures.push({
          what,
          excerpt: excerpt.slice(0, 300),
          ...(status ? { status } : {}),
          ...(sent ? { sent: sent.toString('latin1', 0, 600) } : {}),
        });
      };
      const check = (what: string, status: number, body: string, sent: Buffer) => {
        tally.statuses.set(status, (tally.statuses.get(status) ?? 0) + 1);
        if (status >= 500) fail(what, body, status, sent);
        if (STACK_FRAME.test(body)) fail(`${what}: a stack trace`, body, status, sent);
      };

      let next = 0;
      const worker = async () => {
        while (next < cases.length) {
          const c = cases[next++]!;
          if ('http' in c) {
            const { http } = c;
            const a = await send(known.port, c.bytes, http.method === 'HEAD');
            tally.requests++;
            if (a.timedOut) tally.timedOut++;
            const what = `${http.method} ${http.target.slice(0, 120)}`;
            check(what, a.status, a.body, c.bytes);
            const readCall = READ_METHODS.some((m) => http.target.split('?')[0] === `/api/rpc/${m}`);
            const wrote = a.status >= 200 && a.status < 300 && !['GET', 'HEAD'].includes(http.method);
            if (wrote && http.target.startsWith('/api/') && !readCall) {
              tally.writes++;
              fail(`${what}: a write the fuzzer should not make`, a.body, a.status, c.bytes);
            }
          } else {
            const { socket } = c;
            const s = await session(known.port, socket.upgrade, socket.frames, (texts) =>
              texts.some((t) => t.startsWith(`{"id":${LAST_CALL},`)),
            );
            tally.sockets++;
            if (s.status === 101) tally.frames += socket.frames.length;
            check(
              `upgrade ${socket.upgrade.toString('latin1').split('\r\n')[0]}`,
              s.status,
              s.body,
              socket.upgrade,
            );
            if (s.closeCode === 1011) fail('a socket closed with 1011 (internal error)', '', 1011);
            tally.replies += s.texts.length;
            for (const t of s.texts) {
              if (STACK_FRAME.test(t)) fail('a socket reply with a stack trace', t);
              if (t.includes('"code":"internal"')) fail('a socket call answered `internal`', t);
            }
          }
          if (next % 1_000 === 0) {
            const health = await fetch(`http://127.0.0.1:${known.port}/api/health`, {
              headers: { Authorization: `Bearer ${known.token}` },
            });
            expect(health.status, `health after ${next} cases`).toBe(200);
          }
        }
      };
      await Promise.all(Array.from({ length: PARALLEL }, worker));

      const summary = {
        ...tally,
        statuses: Object.fromEntries([...tally.statuses].sort(([a], [b]) => a - b)),
        failures: failures.length,
      };
      console.log(`host fuzz (seed ${SEED}):`, JSON.stringify(summary));
      expect(failures).toEqual([]);
      expect(tally.requests).toBeGreaterThanOrEqual(HTTP_REQUESTS);
      // Alive, and nothing it did was unexpected to it either.
      expect(serve.child.exitCode).toBeNull();
      expect(serve.child.signalCode).toBeNull();
      expect((await rpc('plans.list', {})).ok).toBe(true);
      expect(serve.stderr()).not.toMatch(/ failed: /);
      // The store is exactly as it was.
      const after = storeSnapshot(dataDir);
      for (const table of Object.keys(before)) expect(after[table], table).toBe(before[table]);
      expect(Object.keys(after)).toEqual(Object.keys(before));
    },
    Math.max(120_000, HTTP_REQUESTS * 20),
  );
});
