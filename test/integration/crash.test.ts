import type { ChildProcess } from 'node:child_process';
import { spawn } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { describe, expect, it } from 'vitest';

const child = join(import.meta.dirname, 'crash-child.ts');
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
/** Processes not yet ended: killed when the test ends, so that a failure leaves none running. */
const running = new Set<ChildProcess>();

interface Child {
  proc: ChildProcess;
  pid: number;
  lines: string[];
  exited: Promise<number | null>;
  /** The first line (seen so far or to come) that `test` accepts; fails if none comes in `ms`. */
  waitFor(test: (line: string) => boolean, ms?: number): Promise<string>;
}

/**
 * Starts a crash-child process (see crash-child.ts for its arguments and the lines it prints).
 * `hold`: its attempts wait until a line comes on its stdin.
 */
/** The processes write their ticks behind the engine (`BATON_WRITE_BEHIND`), for the test under way. */
let writeBehind = false;

function launch(
  dataDir: string,
  mode: 'start' | 'resume',
  approve: string,
  compileCache: string,
  hold = false,
): Child {
  const proc = spawn(process.execPath, [child, dataDir, mode, approve, hold ? 'hold' : 'run'], {
    stdio: [hold ? 'pipe' : 'ignore', 'pipe', 'inherit'],
    // Some 25 processes load the app: V8's code cache spares each of them a part of that.
    env: { ...process.env, NODE_COMPILE_CACHE: compileCache, BATON_WRITE_BEHIND: writeBehind ? '1' : '0' },
  });
  const lines: string[] = [];
  const waiters = new Set<{ test: (line: string) => boolean; found: (line: string) => void }>();
  let buf = '';
  proc.stdout!.on('data', (d: Buffer) => {
    buf += d;
    const parts = buf.split('\n');
    buf = parts.pop()!;
    for (const line of parts) {
      lines.push(line);
      for (const w of waiters) if (w.test(line)) w.found(line);
    }
  });
  running.add(proc);
  // 'close', not 'exit': by then every line the process wrote has been read.
  const exited = new Promise<number | null>((r) =>
    proc.on('close', (code) => {
      running.delete(proc);
      r(code);
    }),
  );
  const waitFor: Child['waitFor'] = (test, ms = 30_000) => {
    const seen = lines.find(test);
    if (seen !== undefined) return Promise.resolve(seen);
    return new Promise<string>((resolve, reject) => {
      const fail = (why: string) => {
        waiters.delete(w);
        clearTimeout(timer);
        reject(new Error(`process ${proc.pid} ${why}; its lines: ${lines.slice(-20).join(' | ')}`));
      };
      const w = {
        test,
        found: (line: string) => {
          waiters.delete(w);
          clearTimeout(timer);
          resolve(line);
        },
      };
      waiters.add(w);
      const timer = setTimeout(() => fail(`printed no awaited line in ${ms} ms`), ms);
      void exited.then(() => waiters.has(w) && fail('exited first'));
    });
  };
  return { proc, pid: proc.pid!, lines, exited, waitFor };
}

const argOf = (line: string) => line.slice(line.indexOf(' ') + 1);
const says = (prefix: string) => (line: string) => line.startsWith(`${prefix} `) || line === prefix;

interface TaskRow {
  task_id: string;
  status: string;
  attempt: number;
  agent_id: string | null;
  output: string | null;
  finished_at: string | null;
}
interface ApprovalRow {
  id: string;
  task_id: string;
  status: string;
  actor: string | null;
}

/** What the database holds once a process is dead: everything it committed, nothing more. */
interface Snapshot {
  integrity: unknown;
  tasks: Map<string, TaskRow>;
  approvals: Map<string, ApprovalRow>;
  /** Memory entries by id: their type, and their content for task results (which never change). */
  memory: Map<string, string>;
  /** Audit entries by id, each row as JSON: the trail is append-only. */
  audit: Map<number, string>;
  /** Kept attempts, as `task#attempt outcome`. */
  attempts: Set<string>;
}

function snapshot(dataDir: string, runId: string): Snapshot {
  // Read-only: closing it never checkpoints, so the next process recovers the WAL as it was left.
  const db = new Database(join(dataDir, 'baton.db'), { readonly: true });
  try {
    const tasks = db
      .prepare(
        'SELECT task_id, status, attempt, agent_id, output, finished_at FROM task_runs WHERE run_id = ?',
      )
      .all(runId) as TaskRow[];
    const approvals = db
      .prepare('SELECT id, task_id, status, actor FROM approvals WHERE run_id = ?')
      .all(runId) as ApprovalRow[];
    const memory = db.prepare('SELECT id, type, content FROM memory_entries').all() as {
      id: string;
      type: string;
      content: string;
    }[];
    const audit = db.prepare('SELECT * FROM audit_entries').all() as { id: number }[];
    const attempts = db
      .prepare('SELECT task_id, attempt, outcome FROM task_attempts WHERE run_id = ?')
      .all(runId) as { task_id: string; attempt: number; outcome: string }[];
    return {
      integrity: db.pragma('integrity_check', { simple: true }),
      tasks: new Map(tasks.map((t) => [t.task_id, t])),
      approvals: new Map(approvals.map((a) => [a.id, a])),
      memory: new Map(
        memory.map((m) => [m.id, m.type === 'task_result' ? `${m.type} ${m.content}` : m.type]),
      ),
      audit: new Map(audit.map((a) => [a.id, JSON.stringify(a)])),
      attempts: new Set(attempts.map((a) => `${a.task_id}#${a.attempt} ${a.outcome}`)),
    };
  } finally {
    db.close();
  }
}

const withStatus = (s: Snapshot, status: string) =>
  [...s.tasks.values()].filter((t) => t.status === status).map((t) => t.task_id);
const pendingTasks = (s: Snapshot) =>
  [...s.approvals.values()].filter((a) => a.status === 'pending').map((a) => a.task_id);
const list = (ids: string[]) => [...ids].sort().join(',');

/**
 * What a process that ran between two snapshots may have changed, and what it must not have:
 * a finished task is untouched, an attempt in flight is never finished under the same number,
 * a pending approval is still pending unless that process was allowed to approve it, and no
 * memory or audit entry is gone (a task result or an audit entry not even changed).
 */
function expectKept(before: Snapshot, after: Snapshot, mayApprove: (taskId: string) => boolean): void {
  for (const t of before.tasks.values()) {
    const now = after.tasks.get(t.task_id)!;
    if (t.status === 'done') expect(now).toEqual(t);
    // Still that attempt: interrupted and waiting to run again (or the recovery never committed).
    if (t.status === 'in_progress' && now.attempt === t.attempt) {
      expect(['ready', 'in_progress']).toContain(now.status);
      if (now.status === 'ready')
        expect(after.attempts.has(`${t.task_id}#${t.attempt} interrupted`)).toBe(true);
    }
  }
  for (const a of before.approvals.values()) {
    const now = after.approvals.get(a.id)!;
    if (a.status === 'pending' && now.status !== 'pending') {
      expect(mayApprove(a.task_id), `approval of ${a.task_id} went ${JSON.stringify(now)}`).toBe(true);
      expect(now).toMatchObject({ status: 'approved', actor: 'crash-test' });
    } else expect(now).toEqual(a);
  }
  for (const [id, m] of before.memory) {
    expect(after.memory.get(id), `memory entry ${id}`).toBe(m);
  }
  for (const [id, row] of before.audit) expect(after.audit.get(id), `audit entry ${id}`).toBe(row);
  for (const a of before.attempts) expect(after.attempts.has(a), `kept attempt ${a}`).toBe(true);
}

/**
 * A process that resumed (as its lines show) took the run up with the approvals pending and the
 * tasks awaiting approval exactly as the process before it left them. `required`: it got that far.
 */
function expectResumedAsLeft(lines: string[], runId: string, before: Snapshot, required: boolean): void {
  const said = (prefix: string) => {
    const line = lines.find(says(prefix));
    return line === undefined ? undefined : argOf(line);
  };
  if (required) expect(said('AWAITING')).toBeDefined(); // the last of the three
  if (said('RESUMED') !== undefined) expect(said('RESUMED')).toBe(runId);
  if (said('PENDING') !== undefined) expect(said('PENDING')).toBe(list(pendingTasks(before)));
  if (said('AWAITING') !== undefined)
    expect(said('AWAITING')).toBe(list(withStatus(before, 'awaiting_approval')));
}

/**
 * What a process said it had committed is in the database after it died: the tasks it saw done
 * (and their results), the approvals it gave.
 */
function expectReportedKept(lines: string[], after: Snapshot): void {
  const done = lines.filter(says('DONE')).map((l) => Number(argOf(l)));
  const reported = Math.max(0, ...done);
  expect(withStatus(after, 'done').length).toBeGreaterThanOrEqual(reported);
  const results = [...after.memory.values()].filter((m) => m.startsWith('task_result ')).length;
  expect(results).toBeGreaterThanOrEqual(reported);
  for (const l of lines.filter(says('APPROVED'))) {
    const approval = [...after.approvals.values()].find((a) => a.task_id === argOf(l));
    expect(approval?.status, l).toBe('approved');
  }
}

interface Kill {
  /** What set it off: a number of tasks done, an approval being given, or a process starting. */
  why: 'progress' | 'approval' | 'startup';
  done: number;
  inFlight: number;
  awaiting: number;
  approved: number;
}

describe.each([
  ['', false],
  [', its ticks written behind the engine', true],
])('durability under SIGKILL%s', (_, behind) => {
  it('resumes a 1,000-task run through kills at every stage: nothing lost, nothing finished runs twice', {
    timeout: 150_000,
  }, async () => {
    writeBehind = behind;
    const dir = mkdtempSync(join(tmpdir(), 'baton-crash-'));
    const cache = mkdtempSync(join(tmpdir(), 'baton-crash-cache-'));
    const began = Date.now();
    try {
      let seed = 7;
      const rand = () => {
        seed = (seed * 48271) % 2147483647;
        return seed / 2147483647;
      };
      // The process after these kills is killed while it resumes (a kill mid-recovery), and two
      // processes start at once after these: exactly one of them may take the run up.
      const startupKills = new Set([5, 12]);
      const races = new Set([3, 9]);

      const kills: Kill[] = [];
      const inFlightAtKills = new Set<string>(); // task#attempt
      const approvalKilled = new Set<string>(); // tasks whose approval a kill landed around
      const pendingAtKills = new Set<string>(); // tasks whose approval was pending at a kill
      const runners = new Set<number>(); // processes that executed the run
      const losers = new Map<number, Promise<number | null>>(); // started while another held the run
      let runId = '';
      let prev: Snapshot | null = null;

      // Each process is killed a few milliseconds after the first of: it says 45–100 more tasks
      // are done (5–30 for the first), until 95 % of the plan is; it announces an approval (once
      // per approval); it begins to open the store (those after `startupKills`). Steps of at
      // most 100 put at least four kills between 30 % and 80 % done and two above 80 %.
      for (let restart = 0; ; restart++) {
        const done = prev ? withStatus(prev, 'done').length : 0;
        if (done >= 950) break;
        const startup = startupKills.has(restart);
        const race = races.has(restart);
        // What waited through the last kill may be approved now; not by a process killed while it
        // resumes (too early for the approval) nor in a race (an approval given while the loser
        // starts would not be killed around): the approval then waits for the next process.
        const approve = prev && !startup && !race ? list(pendingTasks(prev)) || '-' : '-';
        // In a race each process holds its attempts until both have tried to take the run up: the
        // winner must not be killed before that (the loser would then take the run up from a dead
        // process, as it should), and must not run ahead meanwhile.
        let c = launch(dir, prev ? 'resume' : 'start', approve, cache, race);
        if (!prev) {
          runId = argOf(await c.waitFor(says('RUN')));
        } else if (race) {
          const other = launch(dir, 'resume', approve, cache, true);
          const [mine, theirs] = await Promise.all([
            c.waitFor(says('RESUMED')),
            other.waitFor(says('RESUMED')),
          ]);
          expect([argOf(mine), argOf(theirs)].sort()).toEqual(['', runId]);
          const loser = argOf(mine) === runId ? other : c;
          if (loser === c) c = other;
          losers.set(loser.pid, loser.exited);
          // Both tried to take the run up: the winner's attempts may go on.
          c.proc.stdin!.end('go\n');
        }
        runners.add(c.pid);
        // At most 970: the main flow alone (991 tasks) gets there whatever the approvals.
        const target = Math.min(970, done + (restart === 0 ? 5 + rand() * 25 : 45 + rand() * 55));
        const trigger = (line: string): Kill['why'] | null => {
          if (startup) return line === 'OPENING' ? 'startup' : null;
          if (says('APPROVING')(line) && !approvalKilled.has(argOf(line))) return 'approval';
          return says('DONE')(line) && Number(argOf(line)) >= target ? 'progress' : null;
        };
        const line = await c.waitFor((l) => trigger(l) !== null);
        const why = trigger(line)!;
        if (why === 'approval') approvalKilled.add(argOf(line));
        // Startup: anywhere in opening the store and recovering the run; approval: on either
        // side of the decision's commit; progress: anywhere between two ticks.
        await sleep(rand() * (why === 'startup' ? 40 : why === 'approval' ? 25 : 6));
        c.proc.kill('SIGKILL');
        await c.exited;

        const snap = snapshot(dir, runId);
        expect(snap.integrity).toBe('ok');
        expectReportedKept(c.lines, snap);
        if (prev) {
          expectResumedAsLeft(c.lines, runId, prev, why !== 'startup');
          expectKept(prev, snap, (t) => approve.split(',').includes(t));
        }
        for (const t of snap.tasks.values())
          if (t.status === 'in_progress') inFlightAtKills.add(`${t.task_id}#${t.attempt}`);
        for (const t of pendingTasks(snap)) pendingAtKills.add(t);
        kills.push({
          why,
          done: withStatus(snap, 'done').length,
          inFlight: withStatus(snap, 'in_progress').length,
          awaiting: withStatus(snap, 'awaiting_approval').length,
          approved: [...snap.approvals.values()].filter((a) => a.status === 'approved').length,
        });
        prev = snap;
      }
      if (!prev) throw new Error('no kill happened');

      // The last process resumes the run and, approving what waits, takes it to its end.
      const fin = launch(dir, 'resume', '*', cache);
      runners.add(fin.pid);
      expect(argOf(await fin.waitFor(says('SETTLED'), 60_000))).toBe('completed');
      expectResumedAsLeft(fin.lines, runId, prev, true);
      expect(await fin.exited).toBe(0);
      const end = snapshot(dir, runId);
      expect(end.integrity).toBe('ok');
      expectReportedKept(fin.lines, end);
      expectKept(prev, end, () => true);
      const seconds = ((Date.now() - began) / 1000).toFixed(1);
      console.info(
        `${kills.length} kills in ${seconds} s (why: done/in flight/awaiting approval/approved): ${kills
          .map((k) => `${k.why} ${k.done}/${k.inFlight}/${k.awaiting}/${k.approved}`)
          .join(', ')}`,
      );

      // The kills landed all along the run, most of them on attempts in flight.
      expect(kills.length).toBeGreaterThanOrEqual(10);
      expect(kills.filter((k) => k.inFlight > 0).length).toBeGreaterThanOrEqual(10);
      expect(kills.filter((k) => k.done < 100).length).toBeGreaterThanOrEqual(1);
      expect(kills.filter((k) => k.done > 300 && k.done <= 800).length).toBeGreaterThanOrEqual(4);
      expect(kills.filter((k) => k.done > 800).length).toBeGreaterThanOrEqual(2);
      expect(kills.filter((k) => k.why === 'startup')).toHaveLength(startupKills.size);
      expect(kills.filter((k) => k.why === 'approval')).toHaveLength(end.approvals.size);
      expect(losers.size).toBe(races.size);
      for (const exited of losers.values()) expect(await exited).toBe(0); // having started nothing
      // Every approval waited through at least one crash, and was given by the test.
      expect(end.approvals.size).toBe(3);
      for (const a of end.approvals.values()) {
        expect(pendingAtKills.has(a.task_id)).toBe(true);
        expect(a).toMatchObject({ status: 'approved', actor: 'crash-test' });
      }

      const tasks = [...end.tasks.values()];
      expect(tasks).toHaveLength(1_000);
      expect(tasks.every((t) => t.status === 'done')).toBe(true);

      // Each attempt started once, in a process that held the run; the finishing attempt is the
      // last one started, so a task that was done never started again.
      const started = new Map<string, number[]>();
      for (const line of readFileSync(join(dir, 'starts.log'), 'utf8').trim().split('\n')) {
        const [id, attempt, pid] = line.split(' ');
        expect(runners.has(Number(pid)) && !losers.has(Number(pid))).toBe(true);
        started.set(id!, [...(started.get(id!) ?? []), Number(attempt)]);
      }
      for (const t of tasks) {
        const attempts = started.get(t.task_id) ?? [];
        expect(new Set(attempts).size).toBe(attempts.length);
        expect(Math.max(...attempts)).toBe(t.attempt);
      }

      // Every attempt in flight at a kill was retried as a new attempt, and kept as interrupted.
      for (const key of inFlightAtKills) {
        const [id, attempt] = key.split('#');
        expect(end.tasks.get(id!)!.attempt, key).toBeGreaterThan(Number(attempt));
        expect(end.attempts.has(`${key} interrupted`), key).toBe(true);
      }

      const db = new Database(join(dir, 'baton.db'), { readonly: true });
      try {
        // The audit trail of every task is an unbroken chain ending in exactly one `done`.
        const audit = db
          .prepare(
            "SELECT entity_id, from_status, to_status, why FROM audit_entries WHERE run_id = ? AND entity = 'task' ORDER BY id",
          )
          .all(runId) as { entity_id: string; from_status: string; to_status: string; why: string }[];
        const last = new Map<string, string>();
        for (const e of audit) {
          const prev = last.get(e.entity_id);
          if (prev !== undefined) expect(e.from_status).toBe(prev);
          last.set(e.entity_id, e.to_status);
        }
        for (const t of tasks) expect(last.get(t.task_id)).toBe('done');
        const doneCount = audit.filter((e) => e.to_status === 'done').length;
        expect(doneCount).toBe(1_000);
        const retried = audit.filter(
          (e) => e.why === 'interrupted by a restart; retried as a new attempt',
        ).length;
        expect(retried).toBeGreaterThanOrEqual(inFlightAtKills.size);
        // Each interruption costs its task one attempt (a task can be interrupted more than once).
        expect(tasks.reduce((n, t) => n + t.attempt - 1, 0)).toBe(retried);
        // and each interrupted attempt is kept: attempts 1 … n − 1 of a task that finished on attempt n.
        const kept = [...end.attempts].map((a) => a.split(' ') as [string, string]);
        expect(kept.every(([, outcome]) => outcome === 'interrupted')).toBe(true);
        const expected = tasks
          .flatMap((t) => Array.from({ length: t.attempt - 1 }, (_, i) => `${t.task_id}#${i + 1}`))
          .sort();
        expect(kept.map(([key]) => key).sort()).toEqual(expected);

        // One result per task: none lost, none written twice.
        const results = db
          .prepare(
            "SELECT count(*) AS n, count(DISTINCT task_id) AS tasks FROM memory_entries WHERE type = 'task_result'",
          )
          .get() as { n: number; tasks: number };
        expect(results).toEqual({ n: 1_000, tasks: 1_000 });
        const log = db
          .prepare("SELECT content, status FROM memory_entries WHERE type = 'build_log'")
          .get() as { content: string; status: string };
        expect(log.status).toBe('completed');
        expect(JSON.parse(log.content).delegated_tasks).toHaveLength(1_000);
      } finally {
        db.close();
      }
    } finally {
      for (const proc of running) proc.kill('SIGKILL');
      rmSync(dir, { recursive: true, force: true });
      rmSync(cache, { recursive: true, force: true });
    }
  });
});
