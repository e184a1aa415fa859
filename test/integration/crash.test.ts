import type { ChildProcess } from 'node:child_process';
import { spawn } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { describe, expect, it } from 'vitest';

const child = join(import.meta.dirname, 'crash-child.ts');

function launch(
  dataDir: string,
  mode: string,
): { proc: ChildProcess; lines: string[]; exited: Promise<number | null> } {
  const proc = spawn(process.execPath, [child, dataDir, mode], { stdio: ['ignore', 'pipe', 'inherit'] });
  const lines: string[] = [];
  let buf = '';
  proc.stdout!.on('data', (d: Buffer) => {
    buf += d;
    const parts = buf.split('\n');
    buf = parts.pop()!;
    lines.push(...parts);
  });
  const exited = new Promise<number | null>((r) => proc.on('exit', (code) => r(code)));
  return { proc, lines, exited };
}

async function waitLine(lines: string[], prefix: string, ms = 20_000): Promise<string> {
  const deadline = Date.now() + ms;
  for (;;) {
    const line = lines.find((l) => l.startsWith(prefix));
    if (line) return line.slice(prefix.length).trim();
    if (Date.now() > deadline) throw new Error(`no "${prefix}" line; got: ${lines.join(' | ')}`);
    await new Promise((r) => setTimeout(r, 5));
  }
}

describe('durability under SIGKILL', () => {
  it('resumes a 1,000-task run after 12 kills: nothing lost, nothing finished runs twice', {
    timeout: 120_000,
  }, async () => {
    const dir = mkdtempSync(join(tmpdir(), 'baton-crash-'));
    try {
      let c = launch(dir, 'start');
      const runId = await waitLine(c.lines, 'RUN ');
      let seed = 7;
      const rand = () => {
        seed = (seed * 48271) % 2147483647;
        return seed / 2147483647;
      };
      for (let kill = 0; kill < 12; kill++) {
        await new Promise((r) => setTimeout(r, 40 + rand() * 160));
        c.proc.kill('SIGKILL');
        await c.exited;
        c = launch(dir, 'resume');
        expect(await waitLine(c.lines, 'RESUMED ')).toBe(runId);
      }
      c.proc.kill('SIGKILL');
      await c.exited;

      const fin = launch(dir, 'finish');
      expect(await waitLine(fin.lines, 'PENDING ')).toBe('t11,t3,t7'); // approvals stayed pending through every crash
      expect(await waitLine(fin.lines, 'SETTLED ', 60_000)).toBe('completed');
      expect(await fin.exited).toBe(0);

      const db = new Database(join(dir, 'baton.db'), { readonly: true });
      try {
        expect(db.pragma('integrity_check', { simple: true })).toBe('ok');
        const tasks = db
          .prepare('SELECT task_id, status, attempt FROM task_runs WHERE run_id = ?')
          .all(runId) as {
          task_id: string;
          status: string;
          attempt: number;
        }[];
        expect(tasks).toHaveLength(1_000);
        expect(tasks.every((t) => t.status === 'done')).toBe(true);

        // Every attempt ran at most once, the finishing attempt is the last one started,
        // and a task that was done never started again.
        const started = new Map<string, number[]>();
        for (const line of readFileSync(join(dir, 'starts.log'), 'utf8').trim().split('\n')) {
          const [id, attempt] = line.split(' ');
          started.set(id!, [...(started.get(id!) ?? []), Number(attempt)]);
        }
        for (const t of tasks) {
          const attempts = started.get(t.task_id) ?? [];
          expect(new Set(attempts).size).toBe(attempts.length);
          expect(Math.max(...attempts)).toBe(t.attempt);
        }

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
        expect(retried).toBeGreaterThan(0); // some attempts were in flight when killed
        // Each interruption costs its task one attempt (a task can be interrupted more than once).
        expect(tasks.reduce((n, t) => n + t.attempt - 1, 0)).toBe(retried);
        // and each interrupted attempt is kept: attempts 1 … n − 1 of a task that finished on attempt n.
        const kept = db
          .prepare(
            'SELECT task_id, attempt, outcome FROM task_attempts WHERE run_id = ? ORDER BY task_id, attempt',
          )
          .all(runId) as { task_id: string; attempt: number; outcome: string }[];
        expect(kept.every((a) => a.outcome === 'interrupted')).toBe(true);
        const expected = tasks
          .flatMap((t) => Array.from({ length: t.attempt - 1 }, (_, i) => `${t.task_id}#${i + 1}`))
          .sort();
        expect(kept.map((a) => `${a.task_id}#${a.attempt}`).sort()).toEqual(expected);

        const results = db
          .prepare("SELECT count(*) AS n FROM memory_entries WHERE type = 'task_result'")
          .get() as { n: number };
        expect(results.n).toBe(1_000);
        const log = db
          .prepare("SELECT content, status FROM memory_entries WHERE type = 'build_log'")
          .get() as { content: string; status: string };
        expect(log.status).toBe('completed');
        expect(JSON.parse(log.content).delegated_tasks).toHaveLength(1_000);
      } finally {
        db.close();
      }
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
